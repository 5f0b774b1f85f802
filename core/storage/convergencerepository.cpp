#include "convergencerepository.h"

#include "database.h"
#include "sqlsupport.h"

using namespace Qt::StringLiterals;

namespace aisim {

Result<ConvergenceSeries> ConvergenceRepository::points(qint64 simulationId,
                                                        std::optional<double> sinceSeconds)
{
    static const QString all = u"SELECT seconds, loss FROM convergence WHERE simulation_id = ? "
                               "ORDER BY seconds"_s;
    static const QString since = u"SELECT seconds, loss FROM convergence WHERE simulation_id = ? "
                                 "AND seconds > ? ORDER BY seconds"_s;
    auto query = sinceSeconds
        ? sql::readKept(m_database, since, {simulationId, *sinceSeconds}, u"read convergence"_s)
        : sql::readKept(m_database, all, {simulationId}, u"read convergence"_s);
    if (!query)
        return query.error();
    ConvergenceSeries series;
    for (sql::KeptRows &rows = query.value(); rows.next();)
        series.append({rows.value(0).toDouble(), rows.value(1).toDouble()});
    return series;
}

Result<ConvergenceSeries> ConvergenceRepository::page(qint64 simulationId,
                                                      std::optional<double> afterSeconds, int limit)
{
    auto query = afterSeconds
        ? sql::run(m_database,
                   u"SELECT seconds, loss FROM convergence WHERE simulation_id = ? AND seconds > ? "
                   "ORDER BY seconds LIMIT ?"_s,
                   {simulationId, *afterSeconds, limit}, u"read convergence"_s)
        : sql::run(m_database,
                   u"SELECT seconds, loss FROM convergence WHERE simulation_id = ? "
                   "ORDER BY seconds LIMIT ?"_s,
                   {simulationId, limit}, u"read convergence"_s);
    if (!query)
        return query.error();
    return sql::readAll(query.value(), [](const QSqlQuery &row) {
        return ConvergencePoint {row.value(0).toDouble(), row.value(1).toDouble()};
    });
}

} // namespace aisim
