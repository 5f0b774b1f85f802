#include "systemcontroller.h"

#include "apiresponse.h"
#include "logging.h"
#include "statisticsrepository.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace aisim::api {

QHttpServerResponse SystemController::health(const ApiRequest &) const
{
    return jsonResponse(QJsonObject {{u"status"_s, u"ok"_s}});
}

QHttpServerResponse SystemController::readiness(const ApiRequest &) const
{
    if (const Status ping = StatisticsRepository(*m_context.database).ping(); !ping) {
        qCWarning(lcApi).noquote() << "not ready:" << ping.error().message;
        return jsonResponse(
            QJsonObject {{u"status"_s, u"unavailable"_s}, {u"detail"_s, u"database unreachable"_s}},
            StatusCode::ServiceUnavailable);
    }
    return jsonResponse(QJsonObject {{u"status"_s, u"ready"_s}});
}

QHttpServerResponse SystemController::metrics(const ApiRequest &) const
{
    return QHttpServerResponse("text/plain; version=0.0.4; charset=utf-8"_ba,
                               m_metrics.render(*m_context.database, m_context.engine));
}

} // namespace aisim::api
