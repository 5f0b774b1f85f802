#include "simulationrepository.h"

#include "database.h"
#include "namesortkey.h"
#include "runledger.h"
#include "simulationcounter.h"
#include "simulationlister.h"
#include "simulationrow.h"
#include "sqlsupport.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// True when the statement changed exactly one row: the run was still this worker's.
Result<bool> changedOne(Database &database, const QString &statement, const QVariantList &values,
                        const QString &what)
{
    const Result<int> changed = sql::change(database, statement, values, what);
    if (!changed)
        return changed.error();
    return changed.value() == 1;
}

// The columns of a new run after its id, in the order appendNewRunValues() gives their values
// (status is written as 'pending').
const QString kNewRunColumns
    = u"name, machine_id, status, creation_date, update_date, max_attempts, parameters, "
      "points_total, name_folded, name_key, timeout_seconds"_s;

void appendNewRunValues(QVariantList &values, const NewSimulation &simulation, qint64 now)
{
    const QByteArray parameters
        = QJsonDocument(simulation.parameters.toJson()).toJson(QJsonDocument::Compact);
    values << simulation.name << simulation.machineId << now << now << simulation.maxAttempts
           << QString::fromUtf8(parameters) << std::max(1, simulation.parameters.points)
           << simulation.name.toCaseFolded() << naturalSortKey(simulation.name)
           << (simulation.timeoutSeconds ? QVariant(*simulation.timeoutSeconds)
                                         : QVariant(QMetaType::fromType<int>()));
}

} // namespace

Result<Simulation> SimulationRepository::create(const NewSimulation &simulation)
{
    QString statement = u"INSERT INTO simulations (%1"_s + kNewRunColumns
        + u") VALUES (%2?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING "_s + kSimulationColumns;
    QVariantList values;
    if (simulation.id) {
        statement = statement.arg(u"simulation_id, "_s, u"?, "_s);
        values << *simulation.id;
    } else if (!m_database.isPostgreSql()) {
        // Numbered past every id ever used (migration 003), not past the largest one left.
        statement = statement.arg(u"simulation_id, "_s,
                                  u"(SELECT last_id + 1 FROM id_watermarks WHERE table_name = "
                                  "'simulations'), "_s);
    } else {
        statement = statement.arg(QString(), QString());
    }
    appendNewRunValues(values, simulation, nowMs());
    // One of three statements, each kept prepared: POST /simulation is hot.
    auto query = sql::runKept(m_database, statement, values, u"create simulation"_s);
    if (!query) {
        if (query.error().kind == Error::Kind::Conflict && simulation.id)
            return Error::conflict(u"Simulation %1 already exists"_s.arg(*simulation.id));
        return query.error();
    }
    const auto created = sql::readOne(*query.value(), readSimulation);
    if (!created)
        return Error::internal(u"create simulation returned no row"_s);
    if (simulation.id && m_database.isPostgreSql()) {
        if (const Status advanced = advanceIdSequence(); !advanced)
            return advanced.error();
    }
    return *created;
}

Result<QList<Simulation>> SimulationRepository::create(const QList<NewSimulation> &simulations)
{
    if (simulations.isEmpty())
        return QList<Simulation> {};
    // The ids first, as a run's own INSERT would number it, so that the rows RETURNING gives
    // back (in an order neither dialect promises) are matched to the runs by id.
    const auto numbered = std::count_if(simulations.cbegin(), simulations.cend(),
                                        [](const NewSimulation &run) { return !run.id; });
    QList<qint64> ids;
    if (numbered > 0) {
        if (m_database.isPostgreSql()) {
            auto next = sql::runKept(
                m_database,
                u"SELECT nextval(pg_get_serial_sequence('simulations', 'simulation_id')) "
                "FROM generate_series(1, ?)"_s,
                {qint64(numbered)}, u"number simulations"_s);
            if (!next)
                return next.error();
            while (next.value()->next())
                ids << next.value()->value(0).toLongLong();
        } else {
            // Past every id ever used (migration 003); the transaction holds the write lock.
            auto last = sql::runKept(
                m_database, u"SELECT last_id FROM id_watermarks WHERE table_name = 'simulations'"_s,
                {}, u"number simulations"_s);
            if (!last)
                return last.error();
            const qint64 from = sql::readCount(*last.value()) + 1;
            for (qint64 i = 0; i < numbered; ++i)
                ids << from + i;
        }
        if (ids.size() != numbered)
            return Error::internal(u"numbering simulations returned too few ids"_s);
    }
    const qint64 now = nowMs();
    QStringList rows;
    QVariantList values;
    QList<qint64> order; // each run's id, in the order given
    bool explicitIds = false;
    for (const NewSimulation &simulation : simulations) {
        const qint64 id = simulation.id ? *simulation.id : ids.takeFirst();
        explicitIds = explicitIds || simulation.id.has_value();
        order << id;
        rows << u"(?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?)"_s;
        values << id;
        appendNewRunValues(values, simulation, now);
    }
    // Kept prepared for each number of rows: a batch of runs is as hot as a single one.
    auto query = sql::runKept(m_database,
                              u"INSERT INTO simulations (simulation_id, "_s + kNewRunColumns
                                  + u") VALUES "_s + rows.join(u", "_s) + u" RETURNING "_s
                                  + kSimulationColumns,
                              values, u"create simulations"_s);
    if (!query)
        return query.error();
    QHash<qint64, Simulation> byId;
    for (Simulation &created : sql::readAll(*query.value(), readSimulation))
        byId.emplace(created.id, std::move(created));
    QList<Simulation> created;
    for (const qint64 id : std::as_const(order)) {
        const auto found = byId.constFind(id);
        if (found == byId.constEnd())
            return Error::internal(u"create simulations returned no row for %1"_s.arg(id));
        created << found.value();
    }
    if (explicitIds && m_database.isPostgreSql()) {
        if (const Status advanced = advanceIdSequence(); !advanced)
            return advanced.error();
    }
    return created;
}

Status SimulationRepository::advanceIdSequence()
{
    return sql::moveIdentityPastLargestId(m_database, u"simulations"_s, u"simulation_id"_s);
}

Result<Simulation> SimulationRepository::get(qint64 id)
{
    auto query = sql::run(m_database,
                          u"SELECT "_s + kSimulationColumns
                              + u" FROM simulations WHERE simulation_id = ?"_s,
                          {id}, u"read simulation"_s);
    if (!query)
        return query.error();
    const auto simulation = sql::readOne(query.value(), readSimulation);
    if (!simulation)
        return Error::notFound(u"Simulation %1 not found"_s.arg(id));
    return *simulation;
}

Result<std::optional<qint64>> SimulationRepository::position(const SimulationQuery &filter,
                                                             qint64 id)
{
    return SimulationLister(m_database).position(filter, id);
}

Status SimulationRepository::foldNames()
{
    return SimulationLister(m_database).foldNames();
}

Result<QList<Simulation>> SimulationRepository::list(const SimulationQuery &filter)
{
    QList<Simulation> simulations;
    const Status read = forEach(
        filter, [&simulations](const Simulation &simulation) { simulations.append(simulation); });
    if (!read)
        return read.error();
    return simulations;
}

Status SimulationRepository::forEach(const SimulationQuery &filter,
                                     const std::function<void(const Simulation &)> &visit,
                                     SimulationCursor *last)
{
    return SimulationLister(m_database).forEach(filter, visit, last);
}

Result<qint64> SimulationRepository::count(const SimulationQuery &filter)
{
    const Result<SimulationCount> counted = SimulationCounter(m_database).count(filter, false);
    if (!counted)
        return counted.error();
    return counted->runs;
}

Result<QMap<SimulationStatus, qint64>> SimulationRepository::countByStatus()
{
    return SimulationCounter(m_database).countByStatus();
}

Result<Simulation> SimulationRepository::rename(qint64 id, const QString &name)
{
    return updateReturning(u"name = ?, name_folded = ?, name_key = ?, update_date = ?, "
                           "version = version + 1 WHERE simulation_id = ?"_s,
                           {name, name.toCaseFolded(), naturalSortKey(name), nowMs(), id},
                           u"rename a simulation"_s);
}

Result<std::optional<Simulation>>
SimulationRepository::claimNextPending(const QString &workerId, const QList<qint64> &machineIds,
                                       qint64 leaseMs)
{
    const auto claimed
        = RunLedger(m_database, m_lossThresholds).claimPending(workerId, machineIds, leaseMs, 1);
    if (!claimed)
        return claimed.error();
    if (claimed->isEmpty())
        return std::optional<Simulation>();
    return std::optional<Simulation>(claimed->constFirst());
}

Result<bool> SimulationRepository::recordPoint(qint64 id, const QString &workerId,
                                               const ConvergencePoint &point, int pointsDone,
                                               qint64 leaseMs)
{
    return RunLedger(m_database, m_lossThresholds)
        .recordPoints(id, workerId, {point}, pointsDone, leaseMs, false);
}

Result<bool> SimulationRepository::renewLease(qint64 id, const QString &workerId, qint64 leaseMs)
{
    const qint64 now = nowMs();
    return changedOne(m_database,
                      u"UPDATE simulations SET heartbeat_at = ?, lease_expires_at = ? WHERE "
                      "simulation_id = ? AND status = 'running' AND lease_owner = ?"_s,
                      {now, now + leaseMs, id, workerId}, u"renew a lease"_s);
}

Result<bool> SimulationRepository::finish(qint64 id, const QString &workerId)
{
    const qint64 now = nowMs();
    return changedOne(
        m_database,
        u"UPDATE simulations SET status = 'finished', finished_at = ?, update_date = ?, "
        "lease_owner = NULL, lease_expires_at = NULL, error = NULL, version = version + 1 "
        "WHERE simulation_id = ? AND status = 'running' AND lease_owner = ?"_s,
        {now, now, id, workerId}, u"finish a simulation"_s);
}

Result<AttemptOutcome> SimulationRepository::failAttempt(qint64 id, const QString &workerId,
                                                         const QString &error, qint64 backoffMs)
{
    const qint64 now = nowMs();
    const Result<Simulation> updated = updateReturning(
        u"status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END, "
        "not_before = CASE WHEN attempts >= max_attempts THEN NULL ELSE CAST(? AS BIGINT) END, "
        "finished_at = CASE WHEN attempts >= max_attempts THEN CAST(? AS BIGINT) ELSE NULL END, "
        "error = ?, update_date = ?, lease_owner = NULL, lease_expires_at = NULL, "
        "version = version + 1 WHERE simulation_id = ? AND status = 'running' AND lease_owner = ?"_s,
        {now + backoffMs, now, error, now, id, workerId}, u"record a failed attempt"_s);
    if (!updated)
        return updated.error();
    return AttemptOutcome {updated->status, sql::fromMs(now + backoffMs)};
}

Result<bool> SimulationRepository::release(qint64 id, const QString &workerId)
{
    return changedOne(
        m_database,
        u"UPDATE simulations SET status = 'pending', attempts = attempts - 1, "
        "lease_owner = NULL, lease_expires_at = NULL, update_date = ?, version = version + 1 "
        "WHERE simulation_id = ? AND status = 'running' AND lease_owner = ?"_s,
        {nowMs(), id, workerId}, u"release a simulation"_s);
}

Result<QList<qint64>> SimulationRepository::requeueExpiredLeases()
{
    const qint64 now = nowMs();
    auto query = sql::run(
        m_database,
        u"UPDATE simulations SET "
        "status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END, "
        "finished_at = CASE WHEN attempts >= max_attempts THEN CAST(? AS BIGINT) ELSE NULL END, "
        "error = 'the worker running it stopped responding (lease expired)', "
        "lease_owner = NULL, lease_expires_at = NULL, update_date = ?, version = version + 1 "
        "WHERE status = 'running' AND lease_expires_at < ? RETURNING simulation_id"_s,
        {now, now, now}, u"requeue expired leases"_s);
    if (!query)
        return query.error();
    return sql::readAll(query.value(),
                        [](const QSqlQuery &row) { return row.value(0).toLongLong(); });
}

Result<Simulation> SimulationRepository::cancel(qint64 id)
{
    const qint64 now = nowMs();
    Result<Simulation> cancelled = updateReturning(
        u"status = 'cancelled', finished_at = ?, update_date = ?, lease_owner = NULL, "
        "lease_expires_at = NULL, not_before = NULL, version = version + 1 "
        "WHERE simulation_id = ? AND status IN ('pending', 'running')"_s,
        {now, now, id}, u"cancel a simulation"_s);
    if (cancelled || cancelled.error().kind != Error::Kind::NotFound)
        return cancelled;
    return refusal(id, u"only pending or running runs can be cancelled"_s);
}

Result<Simulation> SimulationRepository::retry(qint64 id)
{
    sql::Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.beginError();
    const qint64 now = nowMs();
    Result<Simulation> retried = updateReturning(
        u"status = 'pending', attempts = 0, points_done = 0, error = NULL, started_at = NULL, "
        "finished_at = NULL, not_before = NULL, update_date = ?, version = version + 1, "
        "final_loss = NULL, best_loss = NULL, best_seconds = NULL, loss_rate = NULL, "
        "verdict = 'too_few_points' "
        "WHERE simulation_id = ? AND status IN ('failed', 'cancelled')"_s,
        {now, id}, u"retry a simulation"_s);
    if (!retried) {
        if (retried.error().kind != Error::Kind::NotFound)
            return retried;
        return refusal(id, u"only failed or cancelled runs can be retried"_s);
    }
    if (const auto cleared
        = sql::change(m_database, u"DELETE FROM convergence WHERE simulation_id = ?"_s, {id},
                      u"clear convergence"_s);
        !cleared)
        return cleared.error();
    if (const Status status = transaction.commit(); !status)
        return status.error();
    return retried;
}

Status SimulationRepository::remove(qint64 id)
{
    const Result<int> removed = sql::change(
        m_database, u"DELETE FROM simulations WHERE simulation_id = ? AND status <> 'running'"_s,
        {id}, u"delete a simulation"_s);
    if (!removed)
        return removed.error();
    if (removed.value() == 1)
        return success();
    const Result<Simulation> refused = refusal(id, u"cancel it before deleting it"_s);
    return refused.error();
}

Result<Simulation> SimulationRepository::updateReturning(const QString &setAndWhere,
                                                         const QVariantList &values,
                                                         const QString &what)
{
    auto query = sql::run(m_database,
                          u"UPDATE simulations SET "_s + setAndWhere + u" RETURNING "_s
                              + kSimulationColumns,
                          values, what);
    if (!query)
        return query.error();
    const auto simulation = sql::readOne(query.value(), readSimulation);
    if (!simulation)
        return Error::notFound(u"no simulation matched"_s);
    return *simulation;
}

Result<Simulation> SimulationRepository::refusal(qint64 id, const QString &rule)
{
    const Result<Simulation> existing = get(id);
    if (!existing)
        return existing.error();
    return Error::conflict(
        u"Simulation %1 is %2: %3"_s.arg(id).arg(statusName(existing->status), rule));
}

} // namespace aisim
