#pragma once

#include "apicontext.h"
#include "result.h"

#include <QHostAddress>
#include <QObject>
#include <QThread>

#include <functional>

#include <memory>
#include <optional>
#include <vector>

namespace aisim::api {

class ApiServerHost;
class ApiServerShared;

// The REST API on threads of its own, one per core by default: each runs a QHttpServer with
// the routes and controllers and its own database connection, all accepting on one listening
// socket, so the caller's thread never waits on a request and requests use every core.
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

    // How many threads serve requests.
    int threadCount() const { return int(m_threads.size()); }

private:
    struct ServerThread
    {
        std::unique_ptr<QThread> thread;
        ApiServerHost *host = nullptr; // lives on thread
    };

    // Starts one more server thread and builds its host there; run(host) follows on it.
    bool startThread(const std::function<bool(ApiServerHost *host)> &run);

    ApiContext m_context;
    std::unique_ptr<ApiServerShared> m_shared;
    std::vector<ServerThread> m_threads;
    QHostAddress m_address;
    quint16 m_port = 0;
    QList<QPair<QByteArray, QString>> m_routes;
};

} // namespace aisim::api
