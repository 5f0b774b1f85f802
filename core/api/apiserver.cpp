#include "apiserver.h"

#include "apiserverhost.h"
#include "apiservershared.h"
#include "logging.h"

#include <QMetaEnum>
#include <QRegularExpression>

#include <algorithm>

#include <unistd.h>

using namespace Qt::StringLiterals;

namespace aisim::api {

ApiServer::ApiServer(const ApiContext &context, QObject *parent)
    : QObject(parent)
    , m_context(context)
{ }

ApiServer::~ApiServer()
{
    close();
}

bool ApiServer::startThread(const std::function<bool(ApiServerHost *host)> &run)
{
    ServerThread server;
    server.thread = std::make_unique<QThread>();
    server.thread->setObjectName(u"aisim-http-%1"_s.arg(m_threads.size() + 1));
    // The host is built on its thread: QHttpServer keeps helper objects (its WebSocket server)
    // that are not its children and would stay behind if it were moved there.
    auto *anchor = new QObject;
    anchor->moveToThread(server.thread.get());
    server.thread->start();
    bool ran = false;
    QMetaObject::invokeMethod(
        anchor,
        [this, &server, &run, &ran] {
            server.host = new ApiServerHost(m_context, *m_shared);
            ran = run(server.host);
        },
        Qt::BlockingQueuedConnection);
    anchor->deleteLater();
    m_threads.push_back(std::move(server));
    return ran;
}

Result<quint16> ApiServer::listen(const QHostAddress &address, quint16 port)
{
    close();
    m_shared = std::make_unique<ApiServerShared>(*m_context.service);
    quint16 bound = 0;
    qintptr listening = -1;
    startThread([address, port, &bound, &listening](ApiServerHost *host) {
        bound = host->listen(address, port);
        listening = host->socketDescriptor();
        return bound != 0;
    });
    m_routes.clear();
    for (const Route &route : m_threads.front().host->routes()) {
        const char *name
            = QMetaEnum::fromType<QHttpServerRequest::Method>().valueToKey(int(route.method));
        m_routes.append({QByteArray(name).toUpper(), route.path});
    }
    if (bound == 0) {
        close();
        return Error::unavailable(
            u"cannot listen on %1:%2 (is the port in use?)"_s.arg(address.toString()).arg(port));
    }
    // The other threads accept on duplicates of the same socket: the kernel hands each new
    // connection to one of them, and a busy thread leaves it to an idle one.
    const int threads = m_context.httpThreads > 0
        ? m_context.httpThreads
        : std::clamp(QThread::idealThreadCount(), 1, kMaxDefaultThreads);
    for (int i = 1; i < threads; ++i) {
        const qintptr duplicate = ::dup(int(listening));
        if (duplicate < 0
            || !startThread([duplicate](ApiServerHost *host) { return host->listenOn(duplicate); }))
            break; // fewer threads, still serving
    }
    m_address = address;
    m_port = bound;
    qCInfo(lcApi).noquote() << "REST API listening on" << baseUrl() << "with" << m_threads.size()
                            << "threads";
    return bound;
}

void ApiServer::close()
{
    // The runs posted so far are written and their threads told, while those threads still
    // serve; from now on a POST is refused.
    if (m_shared)
        m_shared->creationWriter().stop();
    // The last threads first: the first one holds the socket the others duplicated.
    while (!m_threads.empty()) {
        ServerThread &server = m_threads.back();
        if (ApiServerHost *host = server.host) {
            QMetaObject::invokeMethod(
                host, [host] { delete host; }, Qt::BlockingQueuedConnection);
        }
        server.thread->quit();
        server.thread->wait();
        m_threads.pop_back();
    }
    m_shared.reset();
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
