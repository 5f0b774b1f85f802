#include "connectionguard.h"

#include "logging.h"

#include <QDateTime>
#include <QHttpServerResponder>
#include <QMetaEnum>
#include <QTcpSocket>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
// How long a refused request's connection is drained before it closes.
constexpr qint64 kLingerMs = 2'000;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QByteArray refusal(int status, const QByteArray &reason)
{
    const QByteArray body = R"({"detail":")"_ba + reason + R"("})"_ba;
    const char *text = QMetaEnum::fromType<QHttpServerResponder::StatusCode>().valueToKey(status);
    // StatusCode keys read like "RequestTimeout": split them into words.
    QByteArray phrase;
    for (const char *c = text ? text : "Error"; *c; ++c) {
        if (c != text && *c >= 'A' && *c <= 'Z')
            phrase += ' ';
        phrase += *c;
    }
    phrase.replace("Http", "HTTP");
    return "HTTP/1.1 "_ba + QByteArray::number(status) + ' ' + phrase
        + "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "_ba
        + QByteArray::number(body.size()) + "\r\n\r\n"_ba + body;
}
} // namespace

ConnectionGuard::ConnectionGuard(ConnectionTimeouts timeouts, qint64 maxBodyBytes, QObject *parent)
    : QObject(parent)
    , m_timeouts(timeouts)
    , m_maxBodyBytes(maxBodyBytes)
    , m_self(std::make_shared<ConnectionGuard *>(this))
{
    // Sweeping at a quarter of the shorter timeout closes a connection at most 25% late.
    m_sweep.setInterval(std::clamp(std::min(timeouts.requestMs, timeouts.idleMs) / 4, 10, 1000));
    connect(&m_sweep, &QTimer::timeout, this, &ConnectionGuard::sweep);
}

void ConnectionGuard::watch(QTcpSocket *socket)
{
    Connection connection(m_maxBodyBytes);
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
    Connection &connection = *found;
    if (connection.refused) {
        socket->readAll(); // nothing after a refusal reaches the server
        return;
    }
    connection.lastActivityMs = nowMs();
    if (connection.requestStartedMs < 0)
        connection.requestStartedMs = connection.lastActivityMs;
    if (connection.scanner.isUpgraded())
        return;
    if (connection.holding) {
        // Pipelined behind a request still being answered: the server gets it afterwards.
        connection.held += socket->readAll();
        return;
    }
    // The server reads everything after this slot: what is buffered now is what just came.
    const QByteArray bytes = socket->peek(socket->bytesAvailable());
    const HttpRequestScanner::Verdict verdict = connection.scanner.scan(bytes);
    if (verdict.status != 0) {
        refuse(socket, connection, verdict.status, verdict.reason);
        return;
    }
    connection.closeAfterAnswer = connection.closeAfterAnswer || verdict.closeWanted;
    if (verdict.continueWanted)
        socket->write("HTTP/1.1 100 Continue\r\n\r\n"_ba);
    if (verdict.requestEnd < 0)
        return;
    // One request at a time reaches the server: the bytes after this one wait until it has
    // been answered, however long its answer streams.
    connection.holding = true;
    if (verdict.requestEnd < bytes.size()) {
        connection.held = socket->readAll().mid(verdict.requestEnd);
        putBack(socket, bytes.left(verdict.requestEnd));
    }
}

void ConnectionGuard::putBack(QTcpSocket *socket, const QByteArray &bytes)
{
    for (auto c = bytes.crbegin(); c != bytes.crend(); ++c)
        socket->ungetChar(*c);
}

void ConnectionGuard::refuse(QTcpSocket *socket, Connection &connection, int status,
                             const QByteArray &reason)
{
    const double seconds = connection.requestStartedMs < 0
        ? 0
        : double(nowMs() - connection.requestStartedMs) / 1000;
    qCInfo(lcAccess).noquote() << socket->peerAddress().toString() << "-" << status << "(" << reason
                               << ")";
    connection.refused = true;
    connection.refusedMs = nowMs();
    socket->readAll();
    socket->write(refusal(status, reason));
    // Closing at once could reset a connection the client is still sending on, and the client
    // would never read the answer: a refused request is drained for a moment first.
    if (status == 408)
        socket->disconnectFromHost();
    Q_EMIT requestRefused(status, seconds);
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
    if (found->answering > 0)
        return;
    if (found->closeAfterAnswer) {
        release(socket);
        socket->disconnectFromHost(); // after what is still to be written
        return;
    }
    found->holding = false;
    if (!found->held.isEmpty()) {
        // The next request, as if it had just come: scanned here, then parsed by the server.
        putBack(socket, std::exchange(found->held, QByteArray()));
        QMetaObject::invokeMethod(
            socket, [socket] { Q_EMIT socket->readyRead(); }, Qt::QueuedConnection);
    }
}

void ConnectionGuard::release(QTcpSocket *socket)
{
    if (m_connections.remove(socket))
        disconnect(socket, nullptr, this, nullptr);
}

void ConnectionGuard::sweep()
{
    const qint64 now = nowMs();
    QList<QTcpSocket *> slow;
    QList<QTcpSocket *> idle;
    QList<QTcpSocket *> lingered;
    for (auto it = m_connections.cbegin(); it != m_connections.cend(); ++it) {
        const Connection &connection = it.value();
        if (connection.refused) {
            if (now - connection.refusedMs >= kLingerMs)
                lingered.append(it.key());
            continue;
        }
        if (connection.answering > 0)
            continue;
        if (connection.requestStartedMs >= 0) {
            if (now - connection.requestStartedMs >= m_timeouts.requestMs)
                slow.append(it.key());
        } else if (now - connection.lastActivityMs >= m_timeouts.idleMs) {
            idle.append(it.key());
        }
    }
    for (QTcpSocket *socket : std::as_const(slow))
        refuse(socket, *m_connections.find(socket), 408, "Request not received in time"_ba);
    for (QTcpSocket *socket : std::as_const(lingered)) {
        release(socket);
        socket->disconnectFromHost();
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
