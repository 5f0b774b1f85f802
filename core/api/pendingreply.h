#pragma once

#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QPointer>
#include <QTcpSocket>

#include <functional>
#include <memory>
#include <optional>

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
    PendingReply(PendingReply &&other) noexcept;
    PendingReply &operator=(PendingReply &&) = delete;
    // An answer never given (the client left while it waited) is still logged and counted.
    ~PendingReply();

    // Answers a HEAD request: status line and headers as for GET, no body.
    void setHeadersOnly() { m_headersOnly = true; }
    // Keeps handle (a ConnectionGuard's) for as long as this answer is pending.
    void holdWhileAnswering(std::shared_ptr<void> handle) { m_answering = std::move(handle); }

    void send(QHttpServerResponse &&response);
    // Writes the status line and headers of an open-ended answer; chunks follow. False when
    // no stream follows: the client has gone, or it asked for the headers only.
    bool startStream(const QByteArray &contentType);
    void writeChunk(const QByteArray &data);
    // A finite answer of unknown length (Transfer-Encoding: chunked): the headers now, pieces
    // with writeChunked(), the end with endChunked(). False when no body follows (the client
    // has gone, or it asked for the headers only).
    bool startChunked(const QByteArray &contentType, const Headers &extraHeaders = {});
    void writeChunked(const QByteArray &data);
    void endChunked();
    bool isAnswered() const { return m_answered; }
    // Null once the client has gone; nothing is written after that.
    QTcpSocket *socket() const { return m_socket; }

private:
    void finish(int status);
    // The status line and headers (first, the common ones, last) of an answer whose body
    // follows in pieces; for HEAD the whole answer. False when no body follows.
    bool startOpenEnded(const QByteArray &contentType, const Headers &first,
                        const Headers &last = {});
    // contentLength is what GET would send; a stream has none.
    void writeHeadersOnly(const QHttpServerResponse &response, std::optional<qint64> contentLength);

    QHttpServerResponder m_responder;
    QPointer<QTcpSocket> m_socket; // the server deletes it when the client disconnects
    Headers m_headers;
    Finished m_finished;
    bool m_answered = false;
    bool m_headersOnly = false;
    std::shared_ptr<void> m_answering;
};

} // namespace aisim::api
