#include "httprequestscanner.h"

#include <QList>

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

bool isToken(const QByteArray &text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), isTokenCharacter);
}

bool isDigits(const QByteArray &text)
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
    QList<QByteArray> lines = m_line.split('\n');
    m_line.clear();
    QList<QByteArray> fields;
    for (const QByteArray &line : std::as_const(lines)) {
        if (!line.isEmpty() && line != "\r")
            fields.append(withoutCr(line));
    }
    const QList<QByteArray> requestLine = fields.takeFirst().split(' ');
    if (requestLine.size() != 3 || !isToken(requestLine.at(0)) || requestLine.at(1).isEmpty())
        return fail(verdict, 400, "Malformed request line");
    const QByteArray &version = requestLine.at(2);
    if (version != "HTTP/1.1" && version != "HTTP/1.0")
        return fail(verdict, version.startsWith("HTTP/") ? 505 : 400,
                    version.startsWith("HTTP/") ? "HTTP version not supported"
                                                : "Malformed request line");

    QList<QByteArray> lengths;
    QList<QByteArray> codings;
    bool close = version == "HTTP/1.0";
    m_upgrade = false;
    for (const QByteArray &field : std::as_const(fields)) {
        if (field.startsWith(' ') || field.startsWith('\t'))
            return fail(verdict, 400, "Folded header lines are not accepted");
        const qsizetype colon = field.indexOf(':');
        const QByteArray name = field.left(colon).toLower();
        if (colon <= 0 || !isToken(name))
            return fail(verdict, 400, "Malformed header field");
        const QByteArray value = field.mid(colon + 1).trimmed();
        if (name == "content-length") {
            lengths.append(value);
        } else if (name == "transfer-encoding") {
            codings.append(value.toLower());
        } else if (name == "connection") {
            for (const QByteArray &option : value.toLower().split(',')) {
                if (option.trimmed() == "close")
                    close = true;
                else if (option.trimmed() == "keep-alive" && version == "HTTP/1.0")
                    close = false;
            }
        } else if (name == "upgrade") {
            m_upgrade = true;
        } else if (name == "expect" && value.toLower() == "100-continue") {
            verdict.continueWanted = true;
        }
    }
    verdict.closeWanted = verdict.closeWanted || close;
    m_bodyBytes = 0;
    if (!codings.isEmpty()) {
        // One meaning only: chunked alone, and no Content-Length beside it.
        if (!lengths.isEmpty())
            return fail(verdict, 400, "Content-Length together with Transfer-Encoding");
        if (codings.size() != 1 || codings.first() != "chunked")
            return fail(verdict, 501, "Only the chunked transfer coding is supported");
        m_state = State::ChunkSize;
        return true;
    }
    qint64 length = 0;
    if (!lengths.isEmpty()) {
        const QByteArray &first = lengths.first();
        if (!isDigits(first) || first.size() > 15
            || std::any_of(lengths.begin(), lengths.end(),
                           [&first](const QByteArray &other) { return other != first; }))
            return fail(verdict, 400, "Invalid Content-Length");
        length = first.toLongLong();
        if (length > m_maxBodyBytes)
            return fail(verdict, 413, "Request body too large");
    }
    if (length > 0) {
        m_remaining = length;
        m_state = State::Body;
    } else {
        m_state = m_upgrade ? State::Upgraded : State::Head;
    }
    verdict.continueWanted = verdict.continueWanted && length > 0;
    return true;
}

} // namespace aisim::api
