#include "systemcontroller.h"

#include "apiresponse.h"
#include "database.h"
#include "statisticsrepository.h"
#include "storagehealth.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace aisim::api {

QHttpServerResponse SystemController::health(const ApiRequest &) const
{
    return jsonResponse(QJsonObject {{u"status"_s, u"ok"_s}});
}

QHttpServerResponse SystemController::readiness(const ApiRequest &) const
{
    // Writes that failed a moment ago count as much as a database that does not answer now:
    // the health stays failed until its probe writes again.
    StorageFault fault = m_context.database->health().fault();
    if (fault == StorageFault::None) {
        if (const Status ping = StatisticsRepository(*m_context.database).ping(); !ping)
            fault = ping.error().fault == StorageFault::None ? StorageFault::Unreachable
                                                             : ping.error().fault;
    }
    if (fault == StorageFault::None)
        return jsonResponse(QJsonObject {{u"status"_s, u"ready"_s}});
    QHttpServerResponse response
        = jsonResponse(QJsonObject {{u"status"_s, u"unavailable"_s},
                                    {u"reason"_s, storageFaultName(fault)},
                                    {u"detail"_s, storageFaultSentence(fault)}},
                       StatusCode::ServiceUnavailable);
    response.setHeader("Retry-After"_ba, QByteArray::number(kStorageRetryAfterSeconds));
    return response;
}

QHttpServerResponse SystemController::metrics(const ApiRequest &) const
{
    return QHttpServerResponse("text/plain; version=0.0.4; charset=utf-8"_ba,
                               m_metrics.render(*m_context.database, m_context.engine));
}

} // namespace aisim::api
