#pragma once

#include "apicontext.h"
#include "apirequest.h"
#include "convergencecontroller.h"
#include "machinescontroller.h"
#include "simulationscontroller.h"

#include <QHttpServer>
#include <QObject>

#include <functional>

namespace aisim::api {

// Lives on the server thread: owns the QHttpServer, its routes and the controllers.
class ApiServerHost : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<QHttpServerResponse(const ApiRequest &)>;
    using MethodHandlers = QList<QPair<QHttpServerRequest::Method, Handler>>;

    explicit ApiServerHost(const ApiContext &context);

    quint16 listen(const QHostAddress &address, quint16 port);

private:
    void addRoute(const QString &path, const MethodHandlers &handlers);
    void addRouteWithId(const QString &path, const MethodHandlers &handlers);
    QHttpServerResponse dispatch(const QHttpServerRequest &request, const QStringList &arguments,
                                 const MethodHandlers &handlers) const;
    void logAccess(const QHttpServerRequest &request, int status, qint64 elapsedUs) const;

    ApiContext m_context;
    SimulationsController m_simulations;
    MachinesController m_machines;
    ConvergenceController m_convergence;
    QHttpServer m_server {this}; // a child, so that it moves to the server thread too
};

} // namespace aisim::api
