#pragma once

#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QPointer>
#include <QTcpSocket>

#include <functional>

namespace aisim::api {

// The answer to one request, held for as long as it takes: sends a whole response, or starts
// a stream and writes to it. Headers common to every answer (CORS) are added on the way out,
// and `finished` learns the status once, for the access log and the metrics.
class PendingReply
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;
    using Finished = std::function<void(int status)>;

    PendingReply(QHttpServerResponder &&responder, Headers headers, Finished finished);
    PendingReply(PendingReply &&other) = default;
    ~PendingReply();

    void send(QHttpServerResponse &&response);
    // Writes the status line and headers of an open-ended answer; chunks follow.
    void startStream(const QByteArray &contentType);
    void writeChunk(const QByteArray &data);
    bool isAnswered() const { return m_answered; }
    // Null once the client has gone; nothing is written after that.
    QTcpSocket *socket() const { return m_socket; }

private:
    void finish(int status);

    QHttpServerResponder m_responder;
    QPointer<QTcpSocket> m_socket; // the server deletes it when the client disconnects
    Headers m_headers;
    Finished m_finished;
    bool m_answered = false;
};

} // namespace aisim::api
