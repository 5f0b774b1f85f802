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

class EventStream;
class SimulationWaiter;

// Lives on the server thread: owns the QHttpServer, the route table and the controllers, and
// runs every request through one dispatcher (405, CORS, auth, 413, 415, access log, metrics).
class ApiServerHost : public QObject
{
    Q_OBJECT
public:
    explicit ApiServerHost(const ApiContext &context);
    ~ApiServerHost() override;

    quint16 listen(const QHostAddress &address, quint16 port);
    // Every operation served, in registration order.
    const QList<Route> &routes() const { return m_routes; }

private:
    void addRoutes();
    void add(QHttpServerRequest::Method method, const QString &path,
             std::optional<TokenScope> scope, Route::Handler handler);
    void addAsync(QHttpServerRequest::Method method, const QString &path,
                  std::optional<TokenScope> scope, Route::AsyncHandler handler);
    void registerPaths();
    void dispatch(const QString &path, const QStringList &arguments,
                  const QHttpServerRequest &request, QHttpServerResponder &&responder);
    void createSimulation(const ApiRequest &request, PendingReply &&reply);
    void acceptWebSockets();
    // Whether a path (not a pattern) is served by some route, whatever the method.
    bool matchesRoute(const QString &path) const;

    ApiContext m_context;
    ApiMetrics m_metrics;
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
    ConnectionGuard *m_guard;
    QList<Route> m_routes;
    QHttpServer m_server {this}; // a child, so that it moves to the server thread too
};

} // namespace aisim::api
