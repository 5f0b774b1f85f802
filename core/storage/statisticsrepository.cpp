#include "statisticsrepository.h"

#include "database.h"
#include "sqlsupport.h"

using namespace Qt::StringLiterals;

namespace aisim {

Result<RunTotals> StatisticsRepository::runTotals()
{
    // Kept per machine and status by triggers (migration 008): a run that is pending again
    // after an error, or failed for good, spent each attempt so far on an error; a finished or
    // running one spent all but its current attempt.
    auto query = sql::run(m_database,
                          u"SELECT COALESCE(SUM(retries), 0), COALESCE(SUM(failed_attempts), 0) "
                          "FROM simulation_counts"_s,
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
