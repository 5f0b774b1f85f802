#include "pendingreply.h"

#include <utility>

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
// QHttpServerResponse 6.4 cannot list its headers: these are the ones the API sets.
const QByteArrayList kResponseHeaders {"Content-Type"_ba,
                                       "Location"_ba,
                                       "ETag"_ba,
                                       "X-Total-Count"_ba,
                                       "Allow"_ba,
                                       "WWW-Authenticate"_ba,
                                       "Cache-Control"_ba,
                                       "Access-Control-Allow-Origin"_ba,
                                       "Access-Control-Expose-Headers"_ba,
                                       "Vary"_ba,
                                       "Content-Disposition"_ba,
                                       "Link"_ba,
                                       "X-Total-Count-Estimated"_ba,
                                       "Transfer-Encoding"_ba};
} // namespace

PendingReply::PendingReply(QHttpServerResponder &&responder, Headers headers, Finished finished)
    : m_responder(std::move(responder))
    , m_socket(m_responder.socket())
    , m_headers(std::move(headers))
    , m_finished(std::move(finished))
{ }

PendingReply::PendingReply(PendingReply &&other) noexcept
    : m_responder(std::move(other.m_responder))
    , m_socket(std::move(other.m_socket))
    , m_headers(std::move(other.m_headers))
    , m_finished(std::exchange(other.m_finished, nullptr))
    , m_answered(std::exchange(other.m_answered, true))
    , m_headersOnly(other.m_headersOnly)
    , m_answering(std::move(other.m_answering))
{ }

PendingReply::~PendingReply()
{
    if (!m_answered)
        finish(499); // nginx's "client closed request"
}

void PendingReply::send(QHttpServerResponse &&response)
{
    if (m_answered)
        return;
    if (!m_socket || !m_socket->isOpen()) {
        finish(499); // the client closed the connection before the answer
        return;
    }
    for (const auto &[name, value] : m_headers)
        response.setHeader(name, value);
    const int status = int(response.statusCode());
    if (m_headersOnly)
        writeHeadersOnly(response, response.data().size());
    else
        response.write(std::move(m_responder));
    finish(status);
}

void PendingReply::writeHeadersOnly(const QHttpServerResponse &response,
                                    std::optional<qint64> contentLength)
{
    m_responder.writeStatusLine(response.statusCode());
    for (const QByteArray &name : kResponseHeaders) {
        for (const QByteArray &value : response.headers(name))
            m_responder.writeHeader(name, value);
    }
    if (contentLength)
        m_responder.writeHeader("Content-Length"_ba, QByteArray::number(*contentLength));
    m_responder.writeBody(QByteArray()); // ends the header block
}

bool PendingReply::startOpenEnded(const QByteArray &contentType, const Headers &first,
                                  const Headers &last)
{
    if (m_answered)
        return false;
    if (!m_socket || !m_socket->isOpen()) {
        finish(499);
        return false;
    }
    const Headers headers = first + m_headers + last;
    if (m_headersOnly) {
        QHttpServerResponse response(contentType, QByteArray());
        for (const auto &[name, value] : headers)
            response.setHeader(name, value);
        writeHeadersOnly(response, std::nullopt);
        finish(200);
        return false;
    }
    m_responder.writeStatusLine(QHttpServerResponder::StatusCode::Ok);
    m_responder.writeHeader("Content-Type", contentType);
    for (const auto &[name, value] : headers)
        m_responder.writeHeader(name, value);
    return true;
}

bool PendingReply::startStream(const QByteArray &contentType)
{
    if (!startOpenEnded(contentType,
                        {{"Cache-Control"_ba, "no-cache"_ba}, {"Connection"_ba, "keep-alive"_ba}}))
        return false;
    // The first body write ends the header block; an empty comment keeps it a valid stream.
    m_responder.writeBody(":\n\n");
    finish(200);
    return true;
}

void PendingReply::writeChunk(const QByteArray &data)
{
    if (!m_socket || !m_socket->isOpen())
        return;
    m_responder.writeBody(data);
    m_socket->flush();
}

bool PendingReply::startChunked(const QByteArray &contentType, const Headers &extraHeaders)
{
    // HEAD gets the headers GET would send, Transfer-Encoding included.
    if (!startOpenEnded(contentType, {{"Transfer-Encoding"_ba, "chunked"_ba}}, extraHeaders))
        return false;
    m_responder.writeBody(QByteArray()); // ends the header block
    finish(200);
    return true;
}

void PendingReply::writeChunked(const QByteArray &data)
{
    if (data.isEmpty() || !m_socket || !m_socket->isOpen())
        return; // an empty chunk would end the body
    m_responder.writeBody(QByteArray::number(data.size(), 16) + "\r\n");
    m_responder.writeBody(data);
    m_responder.writeBody("\r\n");
}

void PendingReply::endChunked()
{
    if (!m_socket || !m_socket->isOpen())
        return;
    m_responder.writeBody("0\r\n\r\n");
    m_socket->flush();
}

void PendingReply::finish(int status)
{
    m_answered = true;
    if (m_finished) {
        m_finished(status);
        m_finished = nullptr;
    }
}

} // namespace aisim::api
