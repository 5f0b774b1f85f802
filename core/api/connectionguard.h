#pragma once

#include "httprequestscanner.h"

#include <QHash>
#include <QObject>
#include <QTcpServer>
#include <QTimer>

#include <memory>

class QTcpSocket;

namespace aisim::api {

// How long a connection may take to send a request, and stay open with nothing to do.
struct ConnectionTimeouts
{
    int requestMs = 30'000;
    int idleMs = 120'000;
};

// Watches every connection of the REST server ahead of Qt 6.4's own parser, which leaves a
// connection open for as long as the client likes and takes whatever it is sent:
// - a request that has begun but is not complete within the request timeout is answered 408
//   and closed (a client sending a few bytes now and then cannot hold a connection);
// - a kept-alive connection that has nothing to answer is closed once idle;
// - requests the parser would misread or buffer without bound (see HttpRequestScanner) are
//   answered 400, 413, 431, 501 or 505 and closed before any of their bytes reach the server;
// - pipelined requests reach the server one at a time, each once the answer before it is
//   complete, so that no answer starts inside a streamed one;
// - Connection: close and HTTP/1.0 close the connection after the answer, and
//   Expect: 100-continue gets its 100 Continue.
// Connections being answered (a slow request, a wait, an event stream) and upgraded
// WebSockets are left alone. Lives on the server thread.
class ConnectionGuard : public QObject
{
    Q_OBJECT
public:
    ConnectionGuard(ConnectionTimeouts timeouts, qint64 maxBodyBytes, QObject *parent = nullptr);

    void watch(QTcpSocket *socket);
    // The socket carries a complete request; it is exempt until the returned handle is dropped.
    std::shared_ptr<void> answering(QTcpSocket *socket);
    // The socket is a WebSocket now; its own keep-alive takes over.
    void release(QTcpSocket *socket);
    int watchedCount() const { return int(m_connections.size()); }

Q_SIGNALS:
    // A request was answered by the guard itself (408, 400 …) seconds after its first byte.
    void requestRefused(int status, double seconds);

private:
    struct Connection
    {
        explicit Connection(qint64 maxBodyBytes)
            : scanner(maxBodyBytes)
        { }

        quint64 serial = 0;
        qint64 lastActivityMs = 0;
        qint64 requestStartedMs = -1; // the first byte of an incomplete request
        int answering = 0;
        bool closeAfterAnswer = false;
        // A whole request has gone to the server and its answer is not complete: bytes of the
        // next ones wait here, so that no answer can start inside a streamed one.
        bool holding = false;
        QByteArray held;
        bool refused = false;
        qint64 refusedMs = 0; // a refused connection is drained a while before it closes
        HttpRequestScanner scanner;
    };

    void received(QTcpSocket *socket);
    void answered(QTcpSocket *socket, quint64 serial);
    void sweep();
    // Returns bytes read from the socket to the front of its buffer.
    static void putBack(QTcpSocket *socket, const QByteArray &bytes);
    void refuse(QTcpSocket *socket, Connection &connection, int status, const QByteArray &reason);

    ConnectionTimeouts m_timeouts;
    qint64 m_maxBodyBytes;
    std::shared_ptr<ConnectionGuard *> m_self; // handles reach the guard through a weak_ptr
    QHash<QTcpSocket *, Connection> m_connections;
    quint64 m_nextSerial = 1;
    QTimer m_sweep {this}; // a child, so that it moves to the server thread too
};

// A QTcpServer that hands each new connection to a ConnectionGuard before QHttpServer sees it.
class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    GuardedTcpServer(ConnectionGuard &guard, QObject *parent = nullptr)
        : QTcpServer(parent)
        , m_guard(guard)
    { }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    ConnectionGuard &m_guard;
};

} // namespace aisim::api
