#include "convergencerepository.h"

#include "database.h"
#include "sqlsupport.h"

using namespace Qt::StringLiterals;

namespace aisim {

Result<ConvergenceSeries> ConvergenceRepository::points(qint64 simulationId,
                                                        std::optional<double> sinceSeconds)
{
    const auto db = m_database.open();
    if (!db)
        return db.error();
    QSqlQuery query(db.value());
    query.setForwardOnly(true);
    const Status status = sinceSeconds
        ? sql::exec(
            query,
            u"SELECT seconds, loss FROM convergence WHERE simulation_id = ? AND seconds > ? "
            "ORDER BY seconds"_s,
            {simulationId, *sinceSeconds}, u"read convergence"_s)
        : sql::exec(query,
                    u"SELECT seconds, loss FROM convergence WHERE simulation_id = ? "
                    "ORDER BY seconds"_s,
                    {simulationId}, u"read convergence"_s);
    if (!status)
        return status.error();
    ConvergenceSeries series;
    while (query.next())
        series.append({query.value(0).toDouble(), query.value(1).toDouble()});
    return series;
}

} // namespace aisim
