#include "runledger.h"

#include "database.h"
#include "lossstatisticsrepository.h"
#include "simulationrow.h"
#include "sqlsupport.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
// Rows of one INSERT: a larger group takes several, each statement kept prepared.
constexpr int kPointsPerInsert = 32;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString insertPointsStatement(int rows)
{
    QStringList tuples;
    for (int i = 0; i < rows; ++i)
        tuples << u"(?, ?, ?)"_s;
    return u"INSERT INTO convergence (simulation_id, seconds, loss) VALUES "_s
        + tuples.join(u", "_s) + u" ON CONFLICT DO NOTHING"_s;
}
} // namespace

Result<QList<Simulation>> RunLedger::claimPending(const QString &workerId,
                                                  const QList<qint64> &machineIds, qint64 leaseMs,
                                                  int limit)
{
    const qint64 now = nowMs();
    const int wanted = std::max(1, limit);
    const auto taken = m_database.isPostgreSql()
        ? claimOnPostgreSql(workerId, machineIds, now, now + leaseMs, wanted)
        : claimOnSqlite(workerId, machineIds, now, now + leaseMs, wanted);
    if (!taken)
        return taken.error();
    // RETURNING keeps no order: the oldest first, as the queue promises.
    QList<Simulation> claimed = taken.value();
    std::sort(claimed.begin(), claimed.end(), [](const Simulation &a, const Simulation &b) {
        return std::pair(a.creationDate, a.id) < std::pair(b.creationDate, b.id);
    });
    return claimed;
}

Result<QList<Simulation>> RunLedger::claimOnPostgreSql(const QString &workerId,
                                                       const QList<qint64> &machineIds, qint64 now,
                                                       qint64 leaseUntil, int wanted)
{
    // simulations_claim() (migration 019) reads each machine's queue in order, whatever the
    // planner's statistics say, skips the rows other claimers hold (FOR UPDATE SKIP LOCKED),
    // and counts the claimed runs once.
    QVariant machines(QMetaType::fromType<QString>()); // NULL: every machine
    if (!machineIds.isEmpty()) {
        QStringList ids;
        for (const qint64 id : machineIds)
            ids << QString::number(id);
        machines = QString(u'{' + ids.join(u',') + u'}');
    }
    auto query
        = sql::runKept(m_database,
                       u"SELECT "_s + kSimulationColumns
                           + u" FROM simulations_claim(?, CAST(? AS BIGINT[]), ?, ?, ?)"_s,
                       {workerId, machines, now, leaseUntil, wanted}, u"claim simulations"_s);
    if (!query)
        return query.error();
    return sql::readAll(*query.value(), readSimulation);
}

Result<QList<Simulation>> RunLedger::claimOnSqlite(const QString &workerId,
                                                   const QList<qint64> &machineIds, qint64 now,
                                                   qint64 leaseUntil, int wanted)
{
    // Each machine's oldest pending runs, at most a claim's worth, are read from its own index
    // in the queue's order (simulations_machine_status_creation_idx), and the oldest of them
    // all are taken: a claim reads about what it takes, however many runs other machines have
    // waiting. Without machines, the whole queue's index (simulations_status_creation_idx).
    // Each queue's machines: one each, all of them at once past kQueuesPerClaim (a compound
    // SELECT has a bounded number of terms), or none.
    QList<QList<qint64>> queues;
    if (machineIds.size() > kQueuesPerClaim)
        queues << machineIds;
    else if (machineIds.isEmpty())
        queues << QList<qint64> {};
    else
        for (const qint64 id : machineIds)
            queues << QList<qint64> {id};
    QVariantList values;
    QStringList branches;
    for (const QList<qint64> &machines : std::as_const(queues)) {
        values << now;
        QString machineFilter;
        if (!machines.isEmpty()) {
            machineFilter = machines.size() == 1
                ? u" AND machine_id = ?"_s
                : u" AND machine_id IN (?"_s + u", ?"_s.repeated(machines.size() - 1) + u')';
            for (const qint64 id : machines)
                values << id;
        }
        values << wanted;
        branches << u"SELECT * FROM (SELECT simulation_id, creation_date FROM simulations "
                    "WHERE status = 'pending' AND (not_before IS NULL OR not_before <= ?)"_s
                + machineFilter + u" ORDER BY creation_date, simulation_id LIMIT ?) AS queue"_s
                + QString::number(branches.size());
    }
    values << wanted << workerId << leaseUntil << now << now << now << now;
    const QString statement = u"WITH picked AS (SELECT simulation_id FROM ("_s
        + branches.join(u" UNION ALL "_s)
        + u") AS queues ORDER BY creation_date, simulation_id LIMIT ?"
          ") UPDATE simulations SET status = 'running', lease_owner = ?, lease_expires_at = ?, "
          "heartbeat_at = ?, started_at = COALESCE(started_at, ?), update_date = ?, "
          "attempts = attempts + 1, version = version + 1, not_before = NULL, "
          "lease_acquired_at = ? WHERE simulation_id IN (SELECT simulation_id FROM picked) AND "
          "status = 'pending' "
          "RETURNING "_s
        + kSimulationColumns;
    // The claim takes its turn among this process's writers (see sql::Transaction).
    sql::Transaction turn(m_database);
    if (!turn.isActive())
        return turn.beginError();
    QList<Simulation> claimed;
    {
        auto query = sql::runKept(m_database, statement, values, u"claim simulations"_s);
        if (!query)
            return query.error();
        claimed = sql::readAll(*query.value(), readSimulation);
    }
    if (const Status committed = turn.commit(); !committed)
        return committed.error();
    return claimed;
}

Result<bool> RunLedger::recordPoints(qint64 id, const QString &workerId,
                                     const ConvergenceSeries &points, int pointsDone,
                                     qint64 leaseMs, bool finish)
{
    sql::Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.beginError();
    const auto written = writeGroup(id, workerId, points, pointsDone, leaseMs, finish);
    if (!written || !written.value())
        return written; // rolled back: nothing of the group is written
    if (const Status status = transaction.commit(); !status)
        return status.error();
    return true;
}

Result<QList<bool>> RunLedger::finishRuns(const QString &workerId, const QList<Ending> &runs)
{
    sql::Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.beginError();
    QList<bool> written;
    written.reserve(runs.size());
    for (const Ending &ending : runs) {
        // A lost run's update changes no row, and nothing else of it is written.
        const auto ended
            = writeGroup(ending.id, workerId, ending.points, ending.pointsDone, 0, true);
        if (!ended)
            return ended.error();
        written << ended.value();
    }
    if (const Status status = transaction.commit(); !status)
        return status.error();
    return written;
}

Result<bool> RunLedger::writeGroup(qint64 id, const QString &workerId,
                                   const ConvergenceSeries &points, int pointsDone, qint64 leaseMs,
                                   bool finish)
{
    const qint64 now = nowMs();
    // The run's row changes once a group: its progress (and end) with its loss statistics.
    LossStatisticsRepository statistics(m_database, m_thresholds);
    auto measured = statistics.setValues(id, points);
    if (!measured)
        return measured.error();
    QString statement = finish
        ? u"UPDATE simulations SET points_done = ?, heartbeat_at = ?, finished_at = ?, "
          "update_date = ?, status = 'finished', lease_owner = NULL, lease_expires_at = NULL, "
          "error = NULL, version = version + 1"_s
        : u"UPDATE simulations SET points_done = ?, heartbeat_at = ?, lease_expires_at = ?, "
          "update_date = ?, version = version + 1"_s;
    QVariantList values {pointsDone, now, finish ? now : now + leaseMs, now};
    if (!measured->isEmpty()) {
        statement += u", "_s + LossStatisticsRepository::setClause();
        values += measured.value();
    }
    statement += u" WHERE simulation_id = ? AND status = 'running' AND lease_owner = ?"_s;
    values << id << workerId;
    {
        auto changed = sql::runKept(m_database, statement, values, u"record progress"_s);
        if (!changed)
            return changed.error();
        if (changed.value()->numRowsAffected() != 1)
            return false; // the run was lost: nothing of it is written
    }
    for (qsizetype first = 0; first < points.size(); first += kPointsPerInsert) {
        const int rows = int(std::min<qsizetype>(kPointsPerInsert, points.size() - first));
        QVariantList values;
        values.reserve(qsizetype(rows) * 3);
        for (qsizetype i = first; i < first + rows; ++i)
            values << id << points.at(i).seconds << points.at(i).loss;
        const auto inserted = sql::runKept(m_database, insertPointsStatement(rows), values,
                                           u"record convergence points"_s);
        if (!inserted)
            return inserted.error();
    }
    return true;
}

} // namespace aisim
