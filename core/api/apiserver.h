#pragma once

#include "apicontext.h"
#include "result.h"

#include <QHostAddress>
#include <QObject>
#include <QThread>

#include <optional>

namespace aisim::api {

class ApiServerHost;

// The REST API on its own thread: QHttpServer, routes and controllers. The server thread has
// its own database connection, so the caller's thread never waits on a request.
class ApiServer : public QObject
{
    Q_OBJECT
public:
    explicit ApiServer(const ApiContext &context, QObject *parent = nullptr);
    ~ApiServer() override;

    // Starts listening; port 0 picks a free port. Returns the port, or why it failed.
    Result<quint16> listen(const QHostAddress &address, quint16 port);
    void close();
    bool isListening() const { return m_port != 0; }
    quint16 port() const { return m_port; }
    // The base URL clients use, e.g. http://127.0.0.1:8000.
    QString baseUrl() const;
    QHostAddress address() const { return m_address; }
    // An address to listen on as a user types it: a dotted IPv4 address (all four parts), an
    // IPv6 address, or localhost; nullopt for anything else ("18600" is not 0.0.72.168 here).
    static std::optional<QHostAddress> parseAddress(const QString &text);
    // Every operation served, as (method, OpenAPI path) pairs, e.g. ("GET", "/machines").
    QList<QPair<QByteArray, QString>> routes() const { return m_routes; }

private:
    ApiContext m_context;
    QThread m_thread;
    ApiServerHost *m_host = nullptr;
    QHostAddress m_address;
    quint16 m_port = 0;
    QList<QPair<QByteArray, QString>> m_routes;
};

} // namespace aisim::api
