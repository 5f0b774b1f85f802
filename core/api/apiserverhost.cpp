#include "apiserverhost.h"

#include "apiresponse.h"
#include "logging.h"

#include <QElapsedTimer>
#include <QMetaEnum>

using namespace Qt::StringLiterals;
using Method = QHttpServerRequest::Method;

namespace aisim::api {

namespace {
QByteArray methodName(Method method)
{
    const char *key = QMetaEnum::fromType<Method>().valueToKey(int(method));
    return key ? QByteArray(key).toUpper() : QByteArray("UNKNOWN");
}

bool hasBody(Method method)
{
    return method == Method::Post || method == Method::Put || method == Method::Patch;
}
} // namespace

ApiServerHost::ApiServerHost(const ApiContext &context)
    : m_context(context)
    , m_simulations(context)
    , m_machines(context)
    , m_convergence(context)
{
    const auto bind = [](auto *controller, auto method) {
        return [controller, method](const ApiRequest &request) {
            return (controller->*method)(request);
        };
    };
    auto *simulations = &m_simulations;
    auto *machines = &m_machines;

    // More specific paths first: the router tries rules in order.
    addRouteWithId(u"/simulation/<arg>/cancel"_s,
                   {{Method::Post, bind(simulations, &SimulationsController::cancel)}});
    addRouteWithId(u"/simulation/<arg>/retry"_s,
                   {{Method::Post, bind(simulations, &SimulationsController::retry)}});
    const MethodHandlers oneSimulation {
        {Method::Get, bind(simulations, &SimulationsController::get)},
        {Method::Delete, bind(simulations, &SimulationsController::remove)}};
    addRouteWithId(u"/simulation/<arg>"_s, oneSimulation);
    addRouteWithId(u"/simulations/<arg>"_s, oneSimulation);
    addRoute(u"/simulations"_s, {{Method::Get, bind(simulations, &SimulationsController::list)}});
    addRoute(u"/simulation"_s, {{Method::Post, bind(simulations, &SimulationsController::create)}});
    addRouteWithId(u"/converge/<arg>"_s,
                   {{Method::Get, bind(&m_convergence, &ConvergenceController::get)}});
    addRouteWithId(u"/machines/<arg>"_s,
                   {{Method::Get, bind(machines, &MachinesController::get)},
                    {Method::Patch, bind(machines, &MachinesController::rename)},
                    {Method::Delete, bind(machines, &MachinesController::remove)}});
    addRoute(u"/machines"_s,
             {{Method::Get, bind(machines, &MachinesController::list)},
              {Method::Post, bind(machines, &MachinesController::create)}});

    m_server.setMissingHandler(
        [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            logAccess(request, 404, 0);
            detailResponse(StatusCode::NotFound, u"Not Found"_s).write(std::move(responder));
        });
}

quint16 ApiServerHost::listen(const QHostAddress &address, quint16 port)
{
    return m_server.listen(address, port);
}

void ApiServerHost::addRoute(const QString &path, const MethodHandlers &handlers)
{
    m_server.route(path, [this, handlers](const QHttpServerRequest &request) {
        return dispatch(request, {}, handlers);
    });
}

void ApiServerHost::addRouteWithId(const QString &path, const MethodHandlers &handlers)
{
    m_server.route(path, [this, handlers](const QString &id, const QHttpServerRequest &request) {
        return dispatch(request, {id}, handlers);
    });
}

QHttpServerResponse ApiServerHost::dispatch(const QHttpServerRequest &request,
                                            const QStringList &arguments,
                                            const MethodHandlers &handlers) const
{
    QElapsedTimer timer;
    timer.start();
    const Method method = request.method();
    const Handler *handler = nullptr;
    QByteArrayList allowed;
    for (const auto &[candidate, candidateHandler] : handlers) {
        allowed << methodName(candidate);
        if (candidate == method)
            handler = &candidateHandler;
    }

    auto answer = [&]() -> QHttpServerResponse {
        if (!handler) {
            QHttpServerResponse response
                = detailResponse(StatusCode::MethodNotAllowed, u"Method Not Allowed"_s);
            response.setHeader("Allow"_ba, allowed.join(", "));
            return response;
        }
        if (hasBody(method)) {
            if (request.body().size() > ApiRequest::kMaxBodyBytes)
                return detailResponse(
                    StatusCode::PayloadTooLarge,
                    u"Request body larger than %1 bytes"_s.arg(ApiRequest::kMaxBodyBytes));
            const QByteArray type = request.value("Content-Type"_ba).toLower();
            if (!type.isEmpty() && !type.startsWith("application/json") && !type.contains("+json"))
                return detailResponse(StatusCode::UnsupportedMediaType,
                                      u"Unsupported media type: send application/json"_s);
        }
        return (*handler)(ApiRequest(request, arguments));
    };
    QHttpServerResponse response = answer();
    logAccess(request, int(response.statusCode()), timer.nsecsElapsed() / 1000);
    return response;
}

void ApiServerHost::logAccess(const QHttpServerRequest &request, int status, qint64 elapsedUs) const
{
    qCInfo(lcAccess).noquote() << request.remoteAddress().toString() << methodName(request.method())
                               << request.url().path() << status
                               << u"%1ms"_s.arg(double(elapsedUs) / 1000.0, 0, 'f', 1);
}

} // namespace aisim::api
