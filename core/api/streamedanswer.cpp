#include "streamedanswer.h"

#include "logging.h"

#include <QTcpSocket>

namespace aisim::api {

StreamedAnswer::StreamedAnswer(PendingReply &&reply, QString what, QObject *parent)
    : QObject(parent)
    , m_reply(std::move(reply))
    , m_what(std::move(what))
{
    QTcpSocket *socket = m_reply.socket();
    connect(socket, &QTcpSocket::bytesWritten, this, &StreamedAnswer::writeMore);
    connect(socket, &QObject::destroyed, this, &QObject::deleteLater);
    connect(socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
}

void StreamedAnswer::begin(const QByteArray &head)
{
    if (!head.isEmpty())
        m_reply.writeChunked(head);
    writeMore();
}

void StreamedAnswer::writeMore()
{
    m_scheduled = false;
    if (m_writing || m_done)
        return; // complete, or called back from within a write
    QTcpSocket *socket = m_reply.socket();
    if (!socket || !socket->isOpen()) {
        deleteLater();
        return;
    }
    if (socket->bytesToWrite() >= kHighWaterBytes)
        return; // bytesWritten calls back
    m_writing = true;
    QByteArray out;
    const Result<bool> last = writeNext(out);
    if (!last) {
        m_writing = false;
        abort(last.error().message);
        return;
    }
    if (!out.isEmpty())
        m_reply.writeChunked(out);
    m_writing = false;
    if (last.value()) {
        m_reply.endChunked();
        m_done = true;
        deleteLater();
        return;
    }
    if (!m_scheduled) {
        m_scheduled = true;
        QMetaObject::invokeMethod(this, &StreamedAnswer::writeMore, Qt::QueuedConnection);
    }
}

void StreamedAnswer::abort(const QString &why)
{
    qCWarning(lcApi).noquote() << m_what << "cut short:" << why;
    if (QTcpSocket *socket = m_reply.socket())
        socket->abort();
    m_done = true;
    deleteLater();
}

} // namespace aisim::api
