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

QString LossStatisticsRepository::setClause()
{
    // Every SET expression sees the row as it was, so best_seconds compares with the old best.
    return u"final_loss = ?, loss_rate = ?, verdict = ?, "
           "best_seconds = CASE WHEN best_loss IS NULL OR ? < best_loss THEN ? ELSE best_seconds "
           "END, best_loss = CASE WHEN best_loss IS NULL OR ? < best_loss THEN ? ELSE best_loss END"_s;
}

Result<QVariantList> LossStatisticsRepository::setValues(qint64 simulationId,
                                                         const ConvergenceSeries &added)
{
    return values(simulationId, added, Added::ToStore);
}

Result<QVariantList> LossStatisticsRepository::values(qint64 simulationId,
                                                      const ConvergenceSeries &added, Added state)
{
    if (added.isEmpty())
        return QVariantList {};
    const double from = std::min_element(added.cbegin(), added.cend(), [](auto a, auto b) {
                            return a.seconds < b.seconds;
                        })->seconds;
    // The run's last points as stored, and any stored at the added points' seconds or later
    // (none, unless points are sent again): the last points once `added` is stored are among
    // these and the added ones. Kept: the engine reads it with every group of points.
    auto stored = sql::runKept(
        m_database,
        u"SELECT seconds, loss FROM (SELECT seconds, loss FROM convergence WHERE simulation_id = "
        "? ORDER BY seconds DESC LIMIT ?) AS last UNION SELECT seconds, loss FROM convergence "
        "WHERE simulation_id = ? AND seconds >= ?"_s,
        {simulationId, m_thresholds.points, simulationId, from}, u"read the last points"_s);
    if (!stored)
        return stored.error();
    ConvergenceSeries window = sql::readAll(*stored.value(), [](const QSqlQuery &row) {
        return ConvergencePoint {row.value(0).toDouble(), row.value(1).toDouble()};
    });
    // A second already stored keeps its stored point, and of the added points at one second
    // the first is stored, as the INSERT does.
    ConvergenceSeries fresh = state == Added::Stored ? added : ConvergenceSeries {};
    for (const ConvergencePoint &point : added) {
        const auto atSecond
            = [&point](const ConvergencePoint &p) { return p.seconds == point.seconds; };
        if (std::none_of(window.cbegin(), window.cend(), atSecond)) {
            window << point;
            fresh << point;
        }
    }
    std::sort(window.begin(), window.end(),
              [](const auto &a, const auto &b) { return a.seconds < b.seconds; });
    const qsizetype keep = std::max(0, m_thresholds.points);
    if (window.size() > keep)
        window.remove(0, window.size() - keep);
    if (window.isEmpty())
        return QVariantList {};
    const LossTrend trend = lossTrend(window, m_thresholds);
    // The first of the added points stored with the lowest loss; none leaves the best as it is.
    QVariant bestLoss(QMetaType::fromType<double>());
    QVariant bestSeconds(QMetaType::fromType<double>());
    if (!fresh.isEmpty()) {
        const ConvergencePoint best
            = *std::min_element(fresh.cbegin(), fresh.cend(), [](const auto &a, const auto &b) {
                  return a.loss < b.loss || (a.loss == b.loss && a.seconds < b.seconds);
              });
        bestLoss = best.loss;
        bestSeconds = best.seconds;
    }
    return QVariantList {window.last().loss,
                         nullableDouble(trend.rate),
                         verdictName(trend.verdict),
                         bestLoss,
                         bestSeconds,
                         bestLoss,
                         bestLoss};
}

Status LossStatisticsRepository::update(qint64 simulationId, const ConvergenceSeries &added)
{
    const auto measured = values(simulationId, added, Added::Stored);
    if (!measured)
        return measured.error();
    if (measured->isEmpty())
        return success();
    const auto changed = sql::runKept(
        m_database, u"UPDATE simulations SET "_s + setClause() + u" WHERE simulation_id = ?"_s,
        measured.value() + QVariantList {simulationId}, u"update the loss statistics"_s);
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
