#include "corspolicy.h"

using namespace Qt::StringLiterals;

namespace aisim::api {

CorsPolicy::CorsPolicy(const QStringList &origins)
{
    for (const QString &origin : origins)
        m_origins << origin.toUtf8();
}

bool CorsPolicy::allows(const QByteArray &origin) const
{
    return !origin.isEmpty() && (m_origins.contains(origin) || m_origins.contains("*"_ba));
}

CorsPolicy::Headers CorsPolicy::headersFor(const QHttpServerRequest &request) const
{
    const QByteArray origin = request.value("Origin"_ba);
    if (!allows(origin))
        return {};
    return {{"Access-Control-Allow-Origin"_ba, origin},
            {"Vary"_ba, "Origin"_ba},
            {"Access-Control-Expose-Headers"_ba, "Location, X-Total-Count"_ba}};
}

bool CorsPolicy::isPreflight(const QHttpServerRequest &request) const
{
    return isEnabled() && request.method() == QHttpServerRequest::Method::Options
        && !request.value("Access-Control-Request-Method"_ba).isEmpty();
}

QHttpServerResponse CorsPolicy::preflight(const QHttpServerRequest &request,
                                          const QByteArrayList &allowedMethods) const
{
    if (!allows(request.value("Origin"_ba)))
        return QHttpServerResponse("application/json"_ba, R"({"detail":"Origin not allowed"})"_ba,
                                   QHttpServerResponse::StatusCode::Forbidden);
    QHttpServerResponse response(QHttpServerResponse::StatusCode::NoContent);
    for (const auto &[name, value] : headersFor(request))
        response.setHeader(name, value);
    response.setHeader("Access-Control-Allow-Methods"_ba, allowedMethods.join(", "));
    response.setHeader("Access-Control-Allow-Headers"_ba, "Authorization, Content-Type"_ba);
    response.setHeader("Access-Control-Max-Age"_ba, "600"_ba);
    return response;
}

} // namespace aisim::api
