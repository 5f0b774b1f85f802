#include "statisticsrepository.h"

#include "database.h"
#include "sqlsupport.h"

using namespace Qt::StringLiterals;

namespace aisim {

Result<RunTotals> StatisticsRepository::runTotals()
{
    // A run that is pending again after an error, or failed for good, spent each attempt so
    // far on an error; a finished or running one spent all but its current attempt.
    auto query
        = sql::run(m_database,
                   u"SELECT COALESCE(SUM(CASE WHEN attempts > 1 THEN attempts - 1 ELSE 0 END), 0), "
                   "COALESCE(SUM(CASE WHEN error IS NULL THEN 0 "
                   "WHEN status IN ('failed', 'pending') THEN attempts "
                   "WHEN attempts > 1 THEN attempts - 1 ELSE 0 END), 0) FROM simulations"_s,
                   {}, u"run totals"_s);
    if (!query)
        return query.error();
    return sql::readOne(query.value(),
                        [](const QSqlQuery &row) {
                            RunTotals totals;
                            totals.retries = row.value(0).toLongLong();
                            totals.failedAttempts = row.value(1).toLongLong();
                            return totals;
                        })
        .value_or(RunTotals {});
}

Status StatisticsRepository::ping()
{
    const auto pong = sql::run(m_database, u"SELECT 1"_s, {}, u"ping the database"_s);
    return pong ? success() : Status(pong.error());
}

} // namespace aisim
