#include "lossstatisticsrepository.h"

#include "database.h"
#include "sqlsupport.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {

QVariant nullableDouble(const std::optional<double> &value)
{
    return value ? QVariant(*value) : QVariant(QMetaType::fromType<double>());
}

} // namespace

Status LossStatisticsRepository::update(qint64 simulationId, const ConvergenceSeries &added)
{
    if (added.isEmpty())
        return success();
    // Both statements are kept: the engine runs them with every group of points, and preparing
    // an UPDATE of a run means code for each of its indexes.
    auto last = sql::runKept(m_database,
                             u"SELECT seconds, loss FROM convergence WHERE simulation_id = ? "
                             "ORDER BY seconds DESC LIMIT ?"_s,
                             {simulationId, m_thresholds.points}, u"read the last points"_s);
    if (!last)
        return last.error();
    ConvergenceSeries window = sql::readAll(*last.value(), [](const QSqlQuery &row) {
        return ConvergencePoint {row.value(0).toDouble(), row.value(1).toDouble()};
    });
    if (window.isEmpty())
        return success(); // the points were not stored (a duplicate second)
    std::reverse(window.begin(), window.end());
    const LossTrend trend = lossTrend(window, m_thresholds);
    // The first of the added points with the lowest loss.
    const ConvergencePoint best
        = *std::min_element(added.cbegin(), added.cend(), [](const auto &a, const auto &b) {
              return a.loss < b.loss || (a.loss == b.loss && a.seconds < b.seconds);
          });
    // Every SET expression sees the row as it was, so best_seconds compares with the old best.
    const auto changed = sql::runKept(
        m_database,
        u"UPDATE simulations SET final_loss = ?, loss_rate = ?, verdict = ?, "
        "best_seconds = CASE WHEN best_loss IS NULL OR ? < best_loss THEN ? ELSE best_seconds END, "
        "best_loss = CASE WHEN best_loss IS NULL OR ? < best_loss THEN ? ELSE best_loss END "
        "WHERE simulation_id = ?"_s,
        {window.last().loss, nullableDouble(trend.rate), verdictName(trend.verdict), best.loss,
         best.seconds, best.loss, best.loss, simulationId},
        u"update the loss statistics"_s);
    if (!changed)
        return changed.error();
    return success();
}

Status LossStatisticsRepository::measureUnmeasured()
{
    auto unmeasured = sql::run(m_database,
                               u"SELECT simulation_id FROM simulations "
                               "WHERE final_loss IS NULL AND points_done > 0"_s,
                               {}, u"find runs to measure"_s);
    if (!unmeasured)
        return unmeasured.error();
    const QList<qint64> ids = sql::readAll(
        unmeasured.value(), [](const QSqlQuery &row) { return row.value(0).toLongLong(); });
    for (const qint64 id : ids) {
        sql::Transaction transaction(m_database.connection());
        // The best point of all of them, as if they had just been added together.
        auto best = sql::run(m_database,
                             u"SELECT seconds, loss FROM convergence WHERE simulation_id = ? "
                             "ORDER BY loss, seconds LIMIT 1"_s,
                             {id}, u"read the best point"_s);
        if (!best)
            return best.error();
        const auto point = sql::readOne(best.value(), [](const QSqlQuery &row) {
            return ConvergencePoint {row.value(0).toDouble(), row.value(1).toDouble()};
        });
        if (!point)
            continue;
        if (const Status updated = update(id, {*point}); !updated)
            return updated;
        if (const Status committed = transaction.commit(); !committed)
            return committed;
    }
    return success();
}

} // namespace aisim
