#include "apiserverhost.h"

#include "apiresponse.h"
#include "apiservershared.h"
#include "convergenceexport.h"
#include "eventstream.h"
#include "logging.h"
#include "postedruns.h"
#include "simulationservice.h"
#include "simulationwaiter.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaEnum>
#include <QUrlQuery>
#include <QVarLengthArray>
#include <QWebSocket>

using namespace Qt::StringLiterals;
using Method = QHttpServerRequest::Method;

namespace aisim::api {

namespace {
QByteArray methodName(Method method)
{
    // Named once: every request is logged and counted by its method's name.
    static const QHash<int, QByteArray> names = [] {
        QHash<int, QByteArray> byValue;
        const QMetaEnum methods = QMetaEnum::fromType<Method>();
        for (int i = 0; i < methods.keyCount(); ++i)
            byValue.insert(methods.value(i), QByteArray(methods.key(i)).toUpper());
        return byValue;
    }();
    return names.value(int(method), "UNKNOWN"_ba);
}

bool hasBody(Method method)
{
    return method == Method::Post || method == Method::Put || method == Method::Patch;
}

} // namespace

ApiServerHost::ApiServerHost(const ApiContext &context, ApiServerShared &shared)
    : m_context(context)
    , m_shared(shared)
    , m_metrics(shared.metrics())
    , m_authenticator(context, shared.tokenBeliefs())
    , m_cors(context.corsOrigins)
    , m_simulations(context)
    , m_machines(context)
    , m_convergence(context)
    , m_tokens(context)
    , m_system(context, m_metrics)
    , m_docs(context)
    , m_events(new EventStream(*context.database, context.service->events(), this))
    , m_waiter(new SimulationWaiter(*context.database, context.service->events(), this))
    , m_postedRuns(new PostedRuns(m_simulations, shared.creationWriter(), *m_waiter, this))
    , m_guard(new ConnectionGuard(context.connectionTimeouts, ApiRequest::kMaxBodyBytes, this))
{
    addRoutes();
    indexPaths();
    connect(&m_server, &QHttpServer::newWebSocketConnection, this,
            &ApiServerHost::acceptWebSockets);
    // Revoked on any thread: this thread's streams of those tokens end too.
    connect(&m_shared, &ApiServerShared::tokensRevoked, m_events, &EventStream::closeRevoked);
    connect(m_guard, &ConnectionGuard::requestRefused, this, [this](int status, double seconds) {
        m_metrics.recordRequest(u"(incomplete)"_s, "UNKNOWN"_ba, status, seconds);
    });
    // One route for every path: matching a path against the table here is cheaper than Qt's
    // router, which tries a regular expression per path. (A routed WebSocket handshake is
    // upgraded once the handler returns; one that reached the missing handler would not be.)
    // What the route does not take (a method Qt does not know, a line break in the path) goes
    // the same way through the missing handler.
    const auto route = [this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
        QStringList arguments;
        const QString *path = matchPath(request.url().path(), &arguments);
        dispatch(path ? *path : QString(), arguments, request, std::move(responder));
    };
    m_server.route(u".*"_s, route);
    m_server.setMissingHandler(route);
}

ApiServerHost::~ApiServerHost()
{
    m_events->closeAll();
}

quint16 ApiServerHost::listen(const QHostAddress &address, quint16 port)
{
    auto *tcpServer = new GuardedTcpServer(*m_guard, &m_server);
    if (!tcpServer->listen(address, port)) {
        qCWarning(lcApi).noquote() << "cannot listen:" << tcpServer->errorString();
        delete tcpServer;
        return 0;
    }
    m_server.bind(tcpServer);
    m_tcpServer = tcpServer;
    return tcpServer->serverPort();
}

bool ApiServerHost::listenOn(qintptr descriptor)
{
    auto *tcpServer = new GuardedTcpServer(*m_guard, &m_server);
    if (!tcpServer->setSocketDescriptor(descriptor)) {
        qCWarning(lcApi).noquote()
            << "cannot share the listening socket:" << tcpServer->errorString();
        delete tcpServer;
        return false;
    }
    m_server.bind(tcpServer);
    m_tcpServer = tcpServer;
    return true;
}

qintptr ApiServerHost::socketDescriptor() const
{
    return m_tcpServer ? m_tcpServer->socketDescriptor() : -1;
}

void ApiServerHost::addRoutes()
{
    constexpr auto read = TokenScope::Read;
    constexpr auto write = TokenScope::Write;
    constexpr auto admin = TokenScope::Admin;
    constexpr std::nullopt_t open = std::nullopt;
    const auto bind = [](const auto *controller, auto method) {
        return [controller, method](const ApiRequest &request) {
            return (controller->*method)(request);
        };
    };
    const auto *simulations = &m_simulations;
    const auto *machines = &m_machines;

    // More specific paths first: the router tries them in order.
    add(Method::Post, u"/simulation/{simulation_id}/cancel"_s, write,
        bind(simulations, &SimulationsController::cancel));
    add(Method::Post, u"/simulation/{simulation_id}/retry"_s, write,
        bind(simulations, &SimulationsController::retry));
    for (const QString &path :
         {u"/simulation/{simulation_id}"_s, u"/simulations/{simulation_id}"_s}) {
        add(Method::Get, path, read, bind(simulations, &SimulationsController::get));
        add(Method::Delete, path, write, bind(simulations, &SimulationsController::remove));
    }
    addAsync(Method::Get, u"/simulations"_s, read,
             [simulations, this](const ApiRequest &request, PendingReply &&reply) {
                 simulations->list(request, std::move(reply), this);
             });
    addAsync(Method::Post, u"/simulation"_s, write,
             [this](const ApiRequest &request, PendingReply &&reply) {
                 m_postedRuns->add(request, std::move(reply));
             });
    add(Method::Get, u"/converge/{simulation_id}"_s, read,
        bind(&m_convergence, &ConvergenceController::get));
    addAsync(Method::Get, u"/converge"_s, read,
             [this](const ApiRequest &request, PendingReply &&reply) {
                 ConvergenceExport::start(*m_context.database, request, std::move(reply), this);
             });
    add(Method::Get, u"/machines/{machine_id}"_s, read, bind(machines, &MachinesController::get));
    add(Method::Patch, u"/machines/{machine_id}"_s, write,
        bind(machines, &MachinesController::rename));
    add(Method::Delete, u"/machines/{machine_id}"_s, write,
        bind(machines, &MachinesController::remove));
    add(Method::Get, u"/machines"_s, read, bind(machines, &MachinesController::list));
    add(Method::Post, u"/machines"_s, write, bind(machines, &MachinesController::create));
    addAsync(Method::Get, u"/events"_s, read,
             [this](const ApiRequest &request, PendingReply &&reply) {
                 m_events->subscribe(request, std::move(reply));
             });
    add(Method::Delete, u"/tokens/{name}"_s, admin, [this](const ApiRequest &request) {
        QHttpServerResponse response = m_tokens.revoke(request);
        if (response.statusCode() == StatusCode::Ok)
            Q_EMIT m_shared.tokensRevoked(); // at once, on every server thread; revocations
                                             // elsewhere are seen within a second
        return response;
    });
    add(Method::Get, u"/tokens"_s, admin, bind(&m_tokens, &TokensController::list));
    add(Method::Post, u"/tokens"_s, admin, bind(&m_tokens, &TokensController::create));
    add(Method::Get, u"/metrics"_s, read, bind(&m_system, &SystemController::metrics));
    add(Method::Get, u"/healthz"_s, open, bind(&m_system, &SystemController::health));
    add(Method::Get, u"/readyz"_s, open, bind(&m_system, &SystemController::readiness));
    add(Method::Get, u"/openapi.json"_s, open, bind(&m_docs, &DocsController::openApi));
    add(Method::Get, u"/docs/{file}"_s, open, bind(&m_docs, &DocsController::asset));
    add(Method::Get, u"/docs"_s, open, bind(&m_docs, &DocsController::page));
}

void ApiServerHost::add(Method method, const QString &path, std::optional<TokenScope> scope,
                        Route::Handler handler)
{
    m_routes.append({method, path, scope, std::move(handler), {}});
}

void ApiServerHost::addAsync(Method method, const QString &path, std::optional<TokenScope> scope,
                             Route::AsyncHandler handler)
{
    m_routes.append({method, path, scope, {}, std::move(handler)});
}

void ApiServerHost::indexPaths()
{
    for (const Route &route : std::as_const(m_routes)) {
        const bool known
            = std::any_of(m_paths.cbegin(), m_paths.cend(),
                          [&route](const auto &path) { return path.first == route.path; });
        if (!known)
            m_paths.append({route.path, route.path.split(u'/')});
    }
}

const QString *ApiServerHost::matchPath(QStringView path, QStringList *arguments) const
{
    QVarLengthArray<QStringView, 8> segments;
    for (qsizetype start = 0;;) {
        const qsizetype slash = path.indexOf(u'/', start);
        segments.append(path.sliced(start, (slash < 0 ? path.size() : slash) - start));
        if (slash < 0)
            break;
        start = slash + 1;
    }
    for (const auto &[pattern, patternSegments] : m_paths) {
        if (patternSegments.size() != segments.size())
            continue;
        bool matches = true;
        for (qsizetype i = 0; matches && i < segments.size(); ++i) {
            const QString &expected = patternSegments.at(i);
            matches = expected.startsWith(u'{') ? !segments.at(i).isEmpty()
                                                : segments.at(i) == expected;
        }
        if (!matches)
            continue;
        if (arguments) {
            for (qsizetype i = 0; i < segments.size(); ++i) {
                if (patternSegments.at(i).startsWith(u'{'))
                    arguments->append(segments.at(i).toString());
            }
        }
        return &pattern;
    }
    return nullptr;
}

void ApiServerHost::dispatch(const QString &path, const QStringList &arguments,
                             const QHttpServerRequest &request, QHttpServerResponder &&responder)
{
    // QHttpServer 6.4 routes a WebSocket handshake too, and upgrades the connection only after
    // the handler returns: answer nothing, acceptWebSockets() takes it from there.
    if (request.value("Upgrade"_ba).compare("websocket", Qt::CaseInsensitive) == 0) {
        m_guard->release(responder.socket());
        return;
    }
    QElapsedTimer timer;
    timer.start();
    const Method method = request.method();
    const QByteArray name = methodName(method);
    // The access log's words are gathered only while it is on. The path is encoded, so that a
    // %0A in it cannot start a line of its own in the log.
    QByteArray client;
    QByteArray rawPath;
    if (lcAccess().isInfoEnabled()) {
        client = request.remoteAddress().toString().toLatin1();
        rawPath = request.url().path(QUrl::FullyEncoded).toLatin1();
    }
    static const QString unmatched = u"(unmatched)"_s;
    auto finished = [this, timer, name, client, rawPath,
                     routeLabel = path.isEmpty() ? unmatched : path](int status) {
        const qint64 elapsedNs = timer.nsecsElapsed();
        m_metrics.recordRequest(routeLabel, name, status, double(elapsedNs) / 1e9);
        if (lcAccess().isInfoEnabled()) {
            // "client method path status 0.1ms"
            const qint64 tenthsOfMs = (elapsedNs + 50'000) / 100'000;
            QByteArray line;
            line.reserve(client.size() + name.size() + rawPath.size() + 32);
            line.append(client).append(' ').append(name).append(' ').append(rawPath);
            line.append(' ').append(QByteArray::number(status)).append(' ');
            line.append(QByteArray::number(tenthsOfMs / 10)).append('.');
            line.append(char('0' + tenthsOfMs % 10)).append("ms");
            LogWriter::info(lcAccess(), line);
        }
    };
    QTcpSocket *socket = responder.socket();
    PendingReply reply(std::move(responder), m_cors.headersFor(request), std::move(finished));
    reply.holdWhileAnswering(m_guard->answering(socket));
    // HEAD is GET without the body, as HTTP asks of every server.
    const bool headersOnly = method == Method::Head;
    if (headersOnly)
        reply.setHeadersOnly();

    if (method == Method::Unknown) {
        // RFC 9110: a method the server does not recognise is answered 501, on any path.
        reply.send(detailResponse(StatusCode::NotImplemented, u"Method Not Implemented"_s));
        return;
    }
    if (path.isEmpty()) {
        // As the original: a path that matches once its trailing slash is gone redirects there.
        const QString trimmed = request.url().path();
        if (trimmed.size() > 1 && trimmed.endsWith(u'/')
            && matchPath(QStringView(trimmed).chopped(1), nullptr)) {
            QUrl target = request.url();
            target.setPath(trimmed.chopped(1));
            QHttpServerResponse redirect(QHttpServerResponse::StatusCode::TemporaryRedirect);
            redirect.setHeader(
                "Location"_ba,
                target.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::FullyEncoded)
                    .toUtf8());
            reply.send(std::move(redirect));
            return;
        }
        reply.send(detailResponse(StatusCode::NotFound, u"Not Found"_s));
        return;
    }
    const Method routeMethod = headersOnly ? Method::Get : method;
    const auto found = std::find_if(m_routes.cbegin(), m_routes.cend(), [&](const Route &route) {
        return route.method == routeMethod && route.path == path;
    });
    const Route *route = found == m_routes.cend() ? nullptr : &*found;
    const auto allowed = [this, &path] {
        QByteArrayList methods;
        for (const Route &candidate : std::as_const(m_routes)) {
            if (candidate.path != path)
                continue;
            methods << methodName(candidate.method);
            if (candidate.method == Method::Get)
                methods << "HEAD"_ba;
        }
        return methods;
    };
    if (m_cors.isPreflight(request)) {
        reply.send(m_cors.preflight(request, allowed()));
        return;
    }
    if (!route) {
        QHttpServerResponse response
            = detailResponse(StatusCode::MethodNotAllowed, u"Method Not Allowed"_s);
        response.setHeader("Allow"_ba, allowed().join(", "));
        reply.send(std::move(response));
        return;
    }
    qint64 tokenId = 0;
    if (route->scope) {
        if (auto denied = m_authenticator.check(request, *route->scope, &tokenId)) {
            reply.send(std::move(*denied));
            return;
        }
    }
    if (hasBody(method)) {
        if (request.body().size() > ApiRequest::kMaxBodyBytes) {
            reply.send(detailResponse(
                StatusCode::PayloadTooLarge,
                u"Request body larger than %1 bytes"_s.arg(ApiRequest::kMaxBodyBytes)));
            return;
        }
        const QByteArray type = request.value("Content-Type"_ba).toLower();
        if (!type.isEmpty() && !type.startsWith("application/json") && !type.contains("+json")) {
            reply.send(detailResponse(StatusCode::UnsupportedMediaType,
                                      u"Unsupported media type: send application/json"_s));
            return;
        }
    }
    const ApiRequest apiRequest(request, arguments, tokenId);
    if (route->asyncHandler)
        route->asyncHandler(apiRequest, std::move(reply));
    else
        reply.send(route->handler(apiRequest));
}

// WebSocket clients of /events. QHttpServer accepts the upgrade on any path before routing,
// so the path, the filter and the token are checked here and a refusal closes the socket.
// Browsers cannot set headers on a WebSocket: the token may come as ?access_token= too.
void ApiServerHost::acceptWebSockets()
{
    while (m_server.hasPendingWebSocketConnections()) {
        std::unique_ptr<QWebSocket> socket = m_server.nextPendingWebSocketConnection();
        QElapsedTimer timer;
        timer.start();
        const QUrl url = socket->requestUrl();
        const QUrlQuery query(url);
        const auto refuse = [&](QWebSocketProtocol::CloseCode code, int status,
                                const QString &reason) {
            m_metrics.recordRequest(url.path() == "/events"_L1 ? url.path() : u"(unmatched)"_s,
                                    "GET"_ba, status, double(timer.nsecsElapsed()) / 1e9);
            qCInfo(lcAccess).noquote()
                << socket->peerAddress().toString() << "GET" << url.path(QUrl::FullyEncoded)
                << status << "(WebSocket refused:" << reason << ")";
            socket->close(code, reason);
        };
        if (url.path() != "/events"_L1) {
            refuse(QWebSocketProtocol::CloseCodePolicyViolated, 404, u"Not Found"_s);
            continue;
        }
        // Browsers send the page's origin and let any page open a WebSocket: only the API's
        // own pages and the --cors-origin ones may (clients outside browsers send none).
        const QByteArray origin = socket->request().rawHeader("Origin");
        if (!origin.isEmpty()
            && !m_cors.allowsPageFrom(origin, socket->request().rawHeader("Host"))) {
            refuse(QWebSocketProtocol::CloseCodePolicyViolated, 403, u"Origin not allowed"_s);
            continue;
        }
        QByteArray authorization = socket->request().rawHeader("Authorization");
        if (authorization.isEmpty() && query.hasQueryItem(u"access_token"_s))
            authorization = "Bearer "_ba + query.queryItemValue(u"access_token"_s).toUtf8();
        qint64 tokenId = 0;
        if (const auto denied
            = m_authenticator.checkAuthorization(authorization, TokenScope::Read, &tokenId)) {
            const QString detail
                = QJsonDocument::fromJson(denied->data()).object().value(u"detail"_s).toString();
            refuse(QWebSocketProtocol::CloseCodePolicyViolated, int(denied->statusCode()), detail);
            continue;
        }
        std::optional<qint64> simulationId;
        if (query.hasQueryItem(u"simulation_id"_s)) {
            bool ok = false;
            simulationId = query.queryItemValue(u"simulation_id"_s).toLongLong(&ok);
            if (!ok || *simulationId <= 0) {
                refuse(QWebSocketProtocol::CloseCodePolicyViolated, 422,
                       u"simulation_id must be a positive integer"_s);
                continue;
            }
        }
        m_metrics.recordRequest(url.path(), "GET"_ba, 101, double(timer.nsecsElapsed()) / 1e9);
        qCInfo(lcAccess).noquote() << socket->peerAddress().toString() << "GET"
                                   << url.path(QUrl::FullyEncoded) << 101 << "(WebSocket)";
        m_events->subscribe(std::move(socket), simulationId, tokenId);
    }
}

} // namespace aisim::api
