#include "httprequestscanner.h"

#include <QList>
#include <QVarLengthArray>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
constexpr qsizetype kMaxChunkLineBytes = 1024;

bool isTokenCharacter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), isTokenCharacter);
}

bool isDigits(QByteArrayView text)
{
    return !text.isEmpty()
        && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

QByteArray withoutCr(const QByteArray &line)
{
    return line.endsWith('\r') ? line.chopped(1) : line;
}
} // namespace

bool HttpRequestScanner::fail(Verdict &verdict, int status, const char *reason)
{
    m_state = State::Failed;
    verdict.status = status;
    verdict.reason = reason;
    return false;
}

HttpRequestScanner::Verdict HttpRequestScanner::scan(const QByteArray &bytes)
{
    Verdict verdict;
    qsizetype i = 0;
    const qsizetype size = bytes.size();
    // Takes bytes up to and with the next line feed into m_line; false when none came yet.
    const auto takeLine = [&](qsizetype limit) {
        const qsizetype end = bytes.indexOf('\n', i);
        const qsizetype stop = end < 0 ? size : end + 1;
        m_line.append(bytes.constData() + i, stop - i);
        i = stop;
        return end >= 0 || m_line.size() > limit;
    };
    while (i < size && m_state != State::Failed && m_state != State::Upgraded) {
        switch (m_state) {
        case State::Head: {
            const qsizetype before = m_line.size();
            takeLine(kMaxHeadBytes);
            if (m_line.indexOf('\0', before) >= 0) {
                fail(verdict, 400, "NUL byte in the request head");
                return verdict;
            }
            if (m_line == "\r\n" || m_line == "\n") {
                m_line.clear(); // empty lines between requests are allowed
                break;
            }
            if (m_line.size() > kMaxHeadBytes) {
                fail(verdict, 431, "Request header fields too large");
                return verdict;
            }
            if (m_line.endsWith("\r\n\r\n") || m_line.endsWith("\n\n")
                || m_line.endsWith("\n\r\n")) {
                if (!endHead(verdict))
                    return verdict;
                if (m_state == State::Head) { // no body: the request is whole
                    verdict.requestEnd = i;
                    return verdict;
                }
            }
            break;
        }
        case State::Body: {
            const qint64 take = std::min<qint64>(m_remaining, size - i);
            i += take;
            m_remaining -= take;
            if (m_remaining == 0) {
                m_state = m_upgrade ? State::Upgraded : State::Head;
                if (!m_upgrade) {
                    verdict.requestEnd = i;
                    return verdict;
                }
            }
            break;
        }
        case State::ChunkSize: {
            if (!takeLine(kMaxChunkLineBytes))
                break;
            if (m_line.size() > kMaxChunkLineBytes || !m_line.endsWith('\n')) {
                fail(verdict, 400, "Malformed chunk size");
                return verdict;
            }
            const QByteArray text = withoutCr(m_line.chopped(1)).split(';').first().trimmed();
            m_line.clear();
            bool ok = false;
            const qint64 chunk = text.size() <= 15 ? text.toLongLong(&ok, 16) : -1;
            const auto hexDigit = [](char c) {
                return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            };
            if (!ok || chunk < 0 || !std::all_of(text.begin(), text.end(), hexDigit)) {
                fail(verdict, 400, "Malformed chunk size");
                return verdict;
            }
            m_bodyBytes += chunk;
            if (m_bodyBytes > m_maxBodyBytes) {
                fail(verdict, 413, "Request body too large");
                return verdict;
            }
            m_remaining = chunk;
            m_state = chunk == 0 ? State::Trailers : State::ChunkData;
            break;
        }
        case State::ChunkData: {
            const qint64 take = std::min<qint64>(m_remaining, size - i);
            i += take;
            m_remaining -= take;
            if (m_remaining == 0)
                m_state = State::ChunkDataEnd;
            break;
        }
        case State::ChunkDataEnd:
            if (!takeLine(2))
                break;
            if (m_line != "\r\n" && m_line != "\n") {
                fail(verdict, 400, "Malformed chunk");
                return verdict;
            }
            m_line.clear();
            m_state = State::ChunkSize;
            break;
        case State::Trailers:
            if (!takeLine(kMaxHeadBytes))
                break;
            if (m_line.size() > kMaxHeadBytes) {
                fail(verdict, 431, "Request trailer fields too large");
                return verdict;
            }
            if (m_line == "\r\n" || m_line == "\n") {
                m_line.clear();
                m_state = State::Head;
                verdict.requestEnd = i;
                return verdict;
            } else if (m_line.endsWith('\n')) {
                m_line.clear(); // a trailer field: nothing in it matters here
            }
            break;
        case State::Upgraded:
        case State::Failed:
            break;
        }
    }
    return verdict;
}

bool HttpRequestScanner::endHead(Verdict &verdict)
{
    // Read in place: a head is read once per request, and most are a few short lines.
    QByteArrayView head(m_line);
    const auto nextLine = [&head] {
        const qsizetype end = head.indexOf('\n');
        QByteArrayView line = end < 0 ? head : head.first(end);
        head = end < 0 ? QByteArrayView() : head.sliced(end + 1);
        return line.endsWith('\r') ? line.chopped(1) : line;
    };
    QByteArrayView requestLine;
    while (requestLine.isEmpty() && !head.isEmpty())
        requestLine = nextLine();
    const qsizetype firstSpace = requestLine.indexOf(' ');
    const qsizetype secondSpace = firstSpace < 0 ? -1 : requestLine.indexOf(' ', firstSpace + 1);
    if (firstSpace < 0 || secondSpace < 0 || requestLine.indexOf(' ', secondSpace + 1) >= 0
        || !isToken(requestLine.first(firstSpace)) || secondSpace == firstSpace + 1) {
        forgetHead();
        return fail(verdict, 400, "Malformed request line");
    }
    const QByteArrayView version = requestLine.sliced(secondSpace + 1);
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        const bool http = version.startsWith("HTTP/");
        forgetHead();
        return fail(verdict, http ? 505 : 400,
                    http ? "HTTP version not supported" : "Malformed request line");
    }

    const auto is = [](QByteArrayView text, QByteArrayView lowerCase) {
        return text.compare(lowerCase, Qt::CaseInsensitive) == 0;
    };
    QVarLengthArray<QByteArrayView, 2> lengths;
    QVarLengthArray<QByteArrayView, 2> codings;
    bool close = version == "HTTP/1.0";
    m_upgrade = false;
    while (!head.isEmpty()) {
        const QByteArrayView field = nextLine();
        if (field.isEmpty())
            continue;
        if (field.startsWith(' ') || field.startsWith('\t')) {
            forgetHead();
            return fail(verdict, 400, "Folded header lines are not accepted");
        }
        const qsizetype colon = field.indexOf(':');
        const QByteArrayView name = colon < 0 ? field : field.first(colon);
        if (colon <= 0 || !isToken(name)) {
            forgetHead();
            return fail(verdict, 400, "Malformed header field");
        }
        const QByteArrayView value = field.sliced(colon + 1).trimmed();
        if (is(name, "content-length")) {
            lengths.append(value);
        } else if (is(name, "transfer-encoding")) {
            codings.append(value);
        } else if (is(name, "connection")) {
            for (QByteArrayView options = value; !options.isEmpty();) {
                const qsizetype comma = options.indexOf(',');
                const QByteArrayView option
                    = (comma < 0 ? options : options.first(comma)).trimmed();
                options = comma < 0 ? QByteArrayView() : options.sliced(comma + 1);
                if (is(option, "close"))
                    close = true;
                else if (is(option, "keep-alive") && version == "HTTP/1.0")
                    close = false;
            }
        } else if (is(name, "upgrade")) {
            m_upgrade = true;
        } else if (is(name, "expect") && is(value, "100-continue")) {
            verdict.continueWanted = true;
        }
    }
    verdict.closeWanted = verdict.closeWanted || close;
    m_bodyBytes = 0;
    if (!codings.isEmpty()) {
        // One meaning only: chunked alone, and no Content-Length beside it.
        const bool alsoLength = !lengths.isEmpty();
        const bool chunked = codings.size() == 1 && is(codings.first(), "chunked");
        forgetHead();
        if (alsoLength)
            return fail(verdict, 400, "Content-Length together with Transfer-Encoding");
        if (!chunked)
            return fail(verdict, 501, "Only the chunked transfer coding is supported");
        m_state = State::ChunkSize;
        return true;
    }
    qint64 length = 0;
    if (!lengths.isEmpty()) {
        const QByteArrayView first = lengths.first();
        const bool valid = isDigits(first) && first.size() <= 15
            && std::all_of(lengths.begin(), lengths.end(),
                           [&first](QByteArrayView other) { return other == first; });
        for (const char digit : valid ? first : QByteArrayView())
            length = length * 10 + (digit - '0');
        forgetHead();
        if (!valid)
            return fail(verdict, 400, "Invalid Content-Length");
        if (length > m_maxBodyBytes)
            return fail(verdict, 413, "Request body too large");
    }
    forgetHead();
    if (length > 0) {
        m_remaining = length;
        m_state = State::Body;
    } else {
        m_state = m_upgrade ? State::Upgraded : State::Head;
    }
    verdict.continueWanted = verdict.continueWanted && length > 0;
    return true;
}

void HttpRequestScanner::forgetHead()
{
    // The next head usually fits where this one was; a large one's room is given back.
    if (m_line.capacity() > kKeptHeadBytes)
        m_line.clear();
    else
        m_line.resize(0);
}

} // namespace aisim::api
