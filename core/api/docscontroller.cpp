#include "docscontroller.h"

#include "aisim_webassets.h" // AISIM_SWAGGER_UI_BUILD_DIR, where the build has Swagger UI
#include "apiresponse.h"
#include "logging.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
// Only these files of swagger-ui-dist are served; nothing else on the disk is reachable.
const QHash<QString, QByteArray> &assetTypes()
{
    static const QHash<QString, QByteArray> types {
        {u"swagger-ui.css"_s, "text/css"_ba},
        {u"swagger-ui-bundle.js"_s, "application/javascript"_ba},
        {u"swagger-ui-standalone-preset.js"_s, "application/javascript"_ba},
        {u"favicon-16x16.png"_s, "image/png"_ba},
        {u"favicon-32x32.png"_s, "image/png"_ba}};
    return types;
}

QStringList candidateDirectories(const QString &configured)
{
    QStringList directories;
    if (!configured.isEmpty())
        directories << configured;
    if (const QString fromEnvironment = qEnvironmentVariable("AISIM_SWAGGER_UI_DIR");
        !fromEnvironment.isEmpty())
        directories << fromEnvironment;
#ifdef AISIM_SWAGGER_UI_BUILD_DIR
    directories << QStringLiteral(AISIM_SWAGGER_UI_BUILD_DIR);
#endif
    if (QCoreApplication::instance())
        directories << QCoreApplication::applicationDirPath() + "/../share/aisim/swagger-ui"_L1;
    directories << u"/usr/share/aisim/swagger-ui"_s;
    return directories;
}

const char kPage[] = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>AISimulation REST API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
                             docExpansion: "list", defaultModelsExpandDepth: 0});
</script>
</body>
</html>
)";
} // namespace

DocsController::DocsController(const ApiContext &context)
{
    for (const QString &directory : candidateDirectories(context.swaggerUiDir)) {
        if (QFileInfo::exists(directory + "/swagger-ui-bundle.js"_L1)) {
            m_swaggerUiDir = QDir::cleanPath(directory);
            break;
        }
    }
    if (m_swaggerUiDir.isEmpty())
        qCWarning(lcApi) << "Swagger UI files not found: /docs is unavailable";
}

QHttpServerResponse DocsController::openApi(const ApiRequest &) const
{
    QFile file(u":/openapi.json"_s);
    if (!file.open(QIODevice::ReadOnly))
        return errorResponse(Error::internal(u"the OpenAPI document is missing"_s));
    return QHttpServerResponse("application/json"_ba, file.readAll());
}

QHttpServerResponse DocsController::page(const ApiRequest &) const
{
    if (m_swaggerUiDir.isEmpty())
        return detailResponse(StatusCode::ServiceUnavailable,
                              u"Swagger UI is not installed; /openapi.json describes the API"_s);
    return QHttpServerResponse("text/html; charset=utf-8"_ba, QByteArray(kPage));
}

QHttpServerResponse DocsController::asset(const ApiRequest &request) const
{
    const QString name = request.pathArgument(0);
    const auto type = assetTypes().constFind(name);
    if (type == assetTypes().constEnd())
        return detailResponse(StatusCode::NotFound, u"Not Found"_s);
    QFile file(m_swaggerUiDir + u'/' + name);
    if (m_swaggerUiDir.isEmpty() || !file.open(QIODevice::ReadOnly))
        return detailResponse(StatusCode::NotFound, u"Not Found"_s);
    QHttpServerResponse response(*type, file.readAll());
    response.setHeader("Cache-Control"_ba, "max-age=3600"_ba);
    return response;
}

} // namespace aisim::api
