#include "pendingreply.h"

namespace aisim::api {

PendingReply::PendingReply(QHttpServerResponder &&responder, Headers headers, Finished finished)
    : m_responder(std::move(responder))
    , m_socket(m_responder.socket())
    , m_headers(std::move(headers))
    , m_finished(std::move(finished))
{ }

PendingReply::~PendingReply() = default;

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
    response.write(std::move(m_responder));
    finish(status);
}

void PendingReply::startStream(const QByteArray &contentType)
{
    if (m_answered)
        return;
    if (!m_socket || !m_socket->isOpen()) {
        finish(499);
        return;
    }
    m_responder.writeStatusLine(QHttpServerResponder::StatusCode::Ok);
    m_responder.writeHeader("Content-Type", contentType);
    m_responder.writeHeader("Cache-Control", "no-cache");
    m_responder.writeHeader("Connection", "keep-alive");
    for (const auto &[name, value] : m_headers)
        m_responder.writeHeader(name, value);
    // The first body write ends the header block; an empty comment keeps it a valid stream.
    m_responder.writeBody(":\n\n");
    finish(200);
}

void PendingReply::writeChunk(const QByteArray &data)
{
    if (!m_socket || !m_socket->isOpen())
        return;
    m_responder.writeBody(data);
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
