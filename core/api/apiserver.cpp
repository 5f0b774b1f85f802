#include "apiserver.h"

#include "apiserverhost.h"
#include "logging.h"

#include <QMetaEnum>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace aisim::api {

ApiServer::ApiServer(const ApiContext &context, QObject *parent)
    : QObject(parent)
    , m_context(context)
{
    m_thread.setObjectName(u"aisim-http"_s);
}

ApiServer::~ApiServer()
{
    close();
}

Result<quint16> ApiServer::listen(const QHostAddress &address, quint16 port)
{
    close();
    // The host is built on the server thread: QHttpServer keeps helper objects (its WebSocket
    // server) that are not its children and would stay behind if it were moved there.
    auto *anchor = new QObject;
    anchor->moveToThread(&m_thread);
    m_thread.start();
    quint16 bound = 0;
    QMetaObject::invokeMethod(
        anchor,
        [this, address, port, &bound] {
            m_host = new ApiServerHost(m_context);
            bound = m_host->listen(address, port);
        },
        Qt::BlockingQueuedConnection);
    anchor->deleteLater();
    m_routes.clear();
    for (const Route &route : m_host->routes()) {
        const char *name
            = QMetaEnum::fromType<QHttpServerRequest::Method>().valueToKey(int(route.method));
        m_routes.append({QByteArray(name).toUpper(), route.path});
    }
    if (bound == 0) {
        close();
        return Error::unavailable(
            u"cannot listen on %1:%2 (is the port in use?)"_s.arg(address.toString()).arg(port));
    }
    m_address = address;
    m_port = bound;
    qCInfo(lcApi).noquote() << "REST API listening on" << baseUrl();
    return bound;
}

void ApiServer::close()
{
    if (!m_thread.isRunning())
        return;
    if (m_host) {
        ApiServerHost *host = m_host;
        QMetaObject::invokeMethod(
            host, [host] { delete host; }, Qt::BlockingQueuedConnection);
        m_host = nullptr;
    }
    m_thread.quit();
    m_thread.wait();
    m_port = 0;
}

std::optional<QHostAddress> ApiServer::parseAddress(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.compare("localhost"_L1, Qt::CaseInsensitive) == 0)
        return QHostAddress(QHostAddress::LocalHost);
    static const QRegularExpression dotted(u"^\\d{1,3}(\\.\\d{1,3}){3}$"_s);
    if (!trimmed.contains(u':') && !dotted.match(trimmed).hasMatch())
        return std::nullopt;
    const QHostAddress address(trimmed);
    if (address.isNull())
        return std::nullopt;
    return address;
}

QString ApiServer::baseUrl() const
{
    QString host = m_address.toString();
    if (m_address.protocol() == QAbstractSocket::IPv6Protocol)
        host = u'[' + host + u']';
    return u"http://%1:%2"_s.arg(host).arg(m_port);
}

} // namespace aisim::api
