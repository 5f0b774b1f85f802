#pragma once

#include "apicontext.h"
#include "apimetrics.h"
#include "authenticator.h"
#include "connectionguard.h"
#include "convergencecontroller.h"
#include "corspolicy.h"
#include "docscontroller.h"
#include "machinescontroller.h"
#include "route.h"
#include "simulationscontroller.h"
#include "systemcontroller.h"
#include "tokenscontroller.h"

#include <QHttpServer>
#include <QObject>

namespace aisim::api {

class ApiServerShared;
class EventStream;
class PostedRuns;
class SimulationWaiter;

// Lives on one server thread: owns a QHttpServer, the route table and the controllers, and
// runs every request through one dispatcher (405, CORS, auth, 413, 415, access log, metrics).
// Each server thread has its own host, with its own database connection, streams and waits.
class ApiServerHost : public QObject
{
    Q_OBJECT
public:
    ApiServerHost(const ApiContext &context, ApiServerShared &shared);
    ~ApiServerHost() override;

    quint16 listen(const QHostAddress &address, quint16 port);
    // Accepts connections on a socket another host listens on too (a duplicate of its
    // descriptor, which this host then owns): whichever thread is free takes the next one.
    bool listenOn(qintptr descriptor);
    // The listening socket, for listenOn() of the other hosts; -1 when not listening.
    qintptr socketDescriptor() const;
    // Every operation served, in registration order.
    const QList<Route> &routes() const { return m_routes; }

private:
    void addRoutes();
    void add(QHttpServerRequest::Method method, const QString &path,
             std::optional<TokenScope> scope, Route::Handler handler);
    void addAsync(QHttpServerRequest::Method method, const QString &path,
                  std::optional<TokenScope> scope, Route::AsyncHandler handler);
    void indexPaths();
    void dispatch(const QString &path, const QStringList &arguments,
                  const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void acceptWebSockets();
    // The route path (a pattern such as /simulation/{simulation_id}) that serves a request's
    // path, whatever the method, with the values of its placeholders; null when none does.
    const QString *matchPath(QStringView path, QStringList *arguments) const;

    ApiContext m_context;
    ApiServerShared &m_shared;
    ApiMetrics &m_metrics;
    Authenticator m_authenticator;
    CorsPolicy m_cors;
    SimulationsController m_simulations;
    MachinesController m_machines;
    ConvergenceController m_convergence;
    TokensController m_tokens;
    SystemController m_system;
    DocsController m_docs;
    EventStream *m_events;
    SimulationWaiter *m_waiter;
    PostedRuns *m_postedRuns;
    ConnectionGuard *m_guard;
    QList<Route> m_routes;
    // Each path of m_routes once, in order, cut at its slashes ({…}: a placeholder).
    QList<QPair<QString, QStringList>> m_paths;
    QHttpServer m_server {this}; // a child, so that it moves to the server thread too
    QTcpServer *m_tcpServer = nullptr;
};

} // namespace aisim::api
