#include "connectionguard.h"

#include "logging.h"

#include <QDateTime>
#include <QTcpSocket>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QByteArray requestTimeoutAnswer()
{
    const QByteArray body = R"({"detail":"Request not received in time"})"_ba;
    return "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\n"
           "Connection: close\r\nContent-Length: "_ba
        + QByteArray::number(body.size()) + "\r\n\r\n"_ba + body;
}
} // namespace

ConnectionGuard::ConnectionGuard(ConnectionTimeouts timeouts, QObject *parent)
    : QObject(parent)
    , m_timeouts(timeouts)
    , m_self(std::make_shared<ConnectionGuard *>(this))
{
    // Sweeping at a quarter of the shorter timeout closes a connection at most 25% late.
    m_sweep.setInterval(std::clamp(std::min(timeouts.requestMs, timeouts.idleMs) / 4, 10, 1000));
    connect(&m_sweep, &QTimer::timeout, this, &ConnectionGuard::sweep);
}

void ConnectionGuard::watch(QTcpSocket *socket)
{
    Connection connection;
    connection.serial = m_nextSerial++;
    connection.lastActivityMs = nowMs();
    m_connections.insert(socket, connection);
    // Connected before QHttpServer's own handler, so a request is marked as begun before the
    // server parses it and, when complete, answers it.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { received(socket); });
    connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] {
        if (const auto found = m_connections.find(socket); found != m_connections.end())
            found->lastActivityMs = nowMs();
    });
    connect(socket, &QObject::destroyed, this, [this, socket] { m_connections.remove(socket); });
    if (!m_sweep.isActive())
        m_sweep.start();
}

void ConnectionGuard::received(QTcpSocket *socket)
{
    const auto found = m_connections.find(socket);
    if (found == m_connections.end())
        return;
    found->lastActivityMs = nowMs();
    if (found->requestStartedMs < 0)
        found->requestStartedMs = found->lastActivityMs;
}

std::shared_ptr<void> ConnectionGuard::answering(QTcpSocket *socket)
{
    const auto found = m_connections.find(socket);
    if (found == m_connections.end())
        return {};
    found->requestStartedMs = -1;
    ++found->answering;
    const quint64 serial = found->serial;
    // The handle holds no resource of its own: its deleter only tells the guard, if it is
    // still there.
    return std::shared_ptr<void>(nullptr, [self = std::weak_ptr(m_self), socket, serial](void *) {
        if (const auto guard = self.lock())
            (*guard)->answered(socket, serial);
    });
}

void ConnectionGuard::answered(QTcpSocket *socket, quint64 serial)
{
    const auto found = m_connections.find(socket);
    // The serial tells a socket apart from a later one that got the same address.
    if (found == m_connections.end() || found->serial != serial)
        return;
    found->answering = std::max(0, found->answering - 1);
    found->lastActivityMs = nowMs();
}

void ConnectionGuard::release(QTcpSocket *socket)
{
    if (m_connections.remove(socket))
        disconnect(socket, nullptr, this, nullptr);
}

void ConnectionGuard::sweep()
{
    const qint64 now = nowMs();
    QList<QPair<QTcpSocket *, qint64>> slow;
    QList<QTcpSocket *> idle;
    for (auto it = m_connections.cbegin(); it != m_connections.cend(); ++it) {
        const Connection &connection = it.value();
        if (connection.answering > 0)
            continue;
        if (connection.requestStartedMs >= 0) {
            if (now - connection.requestStartedMs >= m_timeouts.requestMs)
                slow.append({it.key(), now - connection.requestStartedMs});
        } else if (now - connection.lastActivityMs >= m_timeouts.idleMs) {
            idle.append(it.key());
        }
    }
    for (const auto &[socket, waitedMs] : std::as_const(slow)) {
        qCInfo(lcAccess).noquote()
            << socket->peerAddress().toString() << "-" << 408 << "(request not complete in time)";
        release(socket);
        socket->write(requestTimeoutAnswer());
        socket->disconnectFromHost();
        Q_EMIT requestTimedOut(double(waitedMs) / 1000);
    }
    for (QTcpSocket *socket : std::as_const(idle)) {
        release(socket);
        socket->disconnectFromHost();
    }
    if (m_connections.isEmpty())
        m_sweep.stop();
}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcApi).noquote() << "cannot take a connection:" << socket->errorString();
        delete socket;
        return;
    }
    m_guard.watch(socket);
    addPendingConnection(socket);
}

} // namespace aisim::api
