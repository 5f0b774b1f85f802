#include "statisticsrepository.h"

#include "database.h"
#include "sqlsupport.h"

using namespace Qt::StringLiterals;

namespace aisim {

Result<RunTotals> StatisticsRepository::runTotals()
{
    const auto db = m_database.open();
    if (!db)
        return db.error();
    QSqlQuery query(db.value());
    // A run that is pending again after an error, or failed for good, spent each attempt so
    // far on an error; a finished or running one spent all but its current attempt.
    if (const Status status = sql::exec(
            query,
            u"SELECT COALESCE(SUM(CASE WHEN attempts > 1 THEN attempts - 1 ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN error IS NULL THEN 0 "
            "WHEN status IN ('failed', 'pending') THEN attempts "
            "WHEN attempts > 1 THEN attempts - 1 ELSE 0 END), 0) FROM simulations"_s,
            {}, u"run totals"_s);
        !status)
        return status.error();
    RunTotals totals;
    if (query.next()) {
        totals.retries = query.value(0).toLongLong();
        totals.failedAttempts = query.value(1).toLongLong();
    }
    return totals;
}

Status StatisticsRepository::ping()
{
    const auto db = m_database.open();
    if (!db)
        return db.error();
    QSqlQuery query(db.value());
    return sql::exec(query, u"SELECT 1"_s, {}, u"ping the database"_s);
}

} // namespace aisim
