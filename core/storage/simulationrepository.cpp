#include "simulationrepository.h"

#include "database.h"
#include "lossstatisticsrepository.h"
#include "sqlsupport.h"

#include <QJsonDocument>
#include <QSqlRecord>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {

const QString kColumns = u"simulation_id, name, machine_id, status, creation_date, update_date, "
                         "version, attempts, max_attempts, lease_owner, lease_expires_at, "
                         "heartbeat_at, started_at, finished_at, error, points_done, parameters, "
                         "final_loss, best_loss, best_seconds, loss_rate, verdict, "
                         "lease_acquired_at"_s;

std::optional<double> optionalDouble(const QVariant &value)
{
    return value.isNull() ? std::nullopt : std::optional<double>(value.toDouble());
}

Simulation readSimulation(const QSqlQuery &query)
{
    Simulation s;
    s.id = query.value(0).toLongLong();
    s.name = query.value(1).toString();
    s.machineId = query.value(2).toLongLong();
    s.status = statusFromString(query.value(3).toString()).value_or(SimulationStatus::Failed);
    s.creationDate = sql::fromMs(query.value(4));
    s.updateDate = sql::fromMs(query.value(5));
    s.version = query.value(6).toLongLong();
    s.attempts = query.value(7).toInt();
    s.maxAttempts = query.value(8).toInt();
    s.leaseOwner = query.value(9).toString();
    s.leaseExpiresAt = sql::fromMs(query.value(10));
    s.heartbeatAt = sql::fromMs(query.value(11));
    s.startedAt = sql::fromMs(query.value(12));
    s.finishedAt = sql::fromMs(query.value(13));
    s.error = query.value(14).toString();
    s.pointsDone = query.value(15).toInt();
    QList<FieldError> ignored;
    s.parameters = parseEmulationParameters(
        QJsonDocument::fromJson(query.value(16).toString().toUtf8()).object(), {}, &ignored);
    s.finalLoss = optionalDouble(query.value(17));
    s.bestLoss = optionalDouble(query.value(18));
    s.bestSeconds = optionalDouble(query.value(19));
    s.rate = optionalDouble(query.value(20));
    s.verdict = verdictFromString(query.value(21).toString()).value_or(Verdict::TooFewPoints);
    s.leaseAcquiredAt = sql::fromMs(query.value(22));
    return s;
}

// WHERE clause and values for a query's filters.
QString whereClause(const SimulationQuery &query, QVariantList *values)
{
    QStringList conditions;
    if (query.status) {
        conditions << u"status = ?"_s;
        values->append(statusName(*query.status));
    }
    if (query.machineId) {
        conditions << u"machine_id = ?"_s;
        values->append(*query.machineId);
    }
    if (query.verdict) {
        conditions << u"verdict = ?"_s;
        values->append(verdictName(*query.verdict));
    }
    if (!query.nameContains.isEmpty()) {
        // Folded in C++, where every script folds; a run not folded yet falls back to LOWER().
        conditions << u"COALESCE(name_folded, LOWER(name)) LIKE ? ESCAPE '\\'"_s;
        QString pattern = query.nameContains.toCaseFolded();
        pattern.replace(u'\\', u"\\\\"_s).replace(u'%', u"\\%"_s).replace(u'_', u"\\_"_s);
        values->append(QString(u'%' + pattern + u'%'));
    }
    return conditions.isEmpty() ? QString() : u" WHERE "_s + conditions.join(u" AND "_s);
}

// Each of these has an index that serves it (migration 002): keep them in step.
QString orderColumn(SimulationQuery::OrderBy orderBy)
{
    switch (orderBy) {
    case SimulationQuery::OrderBy::Duration:
        // Time spent running so far; runs that never started sort as zero.
        return u"COALESCE(COALESCE(finished_at, update_date) - started_at, 0)"_s;
    case SimulationQuery::OrderBy::Progress:
        return u"(points_done * 1.0 / points_total)"_s;
    case SimulationQuery::OrderBy::UpdateDate:
        return u"update_date"_s;
    case SimulationQuery::OrderBy::Name:
        return u"name"_s;
    case SimulationQuery::OrderBy::Id:
        return u"simulation_id"_s;
    case SimulationQuery::OrderBy::Status:
        return u"status"_s;
    case SimulationQuery::OrderBy::Machine:
        return u"machine_id"_s;
    case SimulationQuery::OrderBy::FinalLoss: // runs without points last (migration 006)
        return u"COALESCE(final_loss, 1e308)"_s;
    case SimulationQuery::OrderBy::BestLoss:
        return u"COALESCE(best_loss, 1e308)"_s;
    case SimulationQuery::OrderBy::Rate:
        return u"COALESCE(loss_rate, 1e308)"_s;
    case SimulationQuery::OrderBy::Verdict:
        return u"verdict"_s;
    case SimulationQuery::OrderBy::CreationDate:
        break;
    }
    return u"creation_date"_s;
}

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

} // namespace

std::optional<SimulationQuery::OrderBy> SimulationQuery::orderByFromString(const QString &text)
{
    if (text == "creation_date"_L1)
        return OrderBy::CreationDate;
    if (text == "update_date"_L1)
        return OrderBy::UpdateDate;
    if (text == "name"_L1)
        return OrderBy::Name;
    if (text == "simulation_id"_L1)
        return OrderBy::Id;
    if (text == "status"_L1)
        return OrderBy::Status;
    if (text == "machine_id"_L1)
        return OrderBy::Machine;
    if (text == "final_loss"_L1)
        return OrderBy::FinalLoss;
    if (text == "best_loss"_L1)
        return OrderBy::BestLoss;
    if (text == "rate"_L1)
        return OrderBy::Rate;
    return std::nullopt;
}

Result<Simulation> SimulationRepository::create(const NewSimulation &simulation)
{
    const qint64 now = nowMs();
    const QByteArray parameters
        = QJsonDocument(simulation.parameters.toJson()).toJson(QJsonDocument::Compact);
    QString statement = u"INSERT INTO simulations (%1name, machine_id, status, creation_date, "
                        "update_date, max_attempts, parameters, points_total, name_folded) "
                        "VALUES (%2?, ?, 'pending', ?, ?, ?, ?, ?, ?) RETURNING "_s
        + kColumns;
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
    values << simulation.name << simulation.machineId << now << now << simulation.maxAttempts
           << QString::fromUtf8(parameters) << std::max(1, simulation.parameters.points)
           << simulation.name.toCaseFolded();
    auto query = sql::run(m_database, statement, values, u"create simulation"_s);
    if (!query) {
        if (query.error().kind == Error::Kind::Conflict && simulation.id)
            return Error::conflict(u"Simulation %1 already exists"_s.arg(*simulation.id));
        return query.error();
    }
    const auto created = sql::readOne(query.value(), readSimulation);
    if (!created)
        return Error::internal(u"create simulation returned no row"_s);
    if (simulation.id && m_database.isPostgreSql()) {
        // An explicit id does not move the identity sequence: move it past the id.
        sql::run(m_database,
                 u"SELECT setval(pg_get_serial_sequence('simulations', 'simulation_id'), "
                 "GREATEST((SELECT MAX(simulation_id) FROM simulations), "
                 "nextval(pg_get_serial_sequence('simulations', 'simulation_id'))))"_s,
                 {}, u"advance the simulation ids"_s);
    }
    return *created;
}

Result<Simulation> SimulationRepository::get(qint64 id)
{
    auto query = sql::run(m_database,
                          u"SELECT "_s + kColumns + u" FROM simulations WHERE simulation_id = ?"_s,
                          {id}, u"read simulation"_s);
    if (!query)
        return query.error();
    const auto simulation = sql::readOne(query.value(), readSimulation);
    if (!simulation)
        return Error::notFound(u"Simulation %1 not found"_s.arg(id));
    return *simulation;
}

QString SimulationRepository::orderClause(const SimulationQuery &query)
{
    return orderColumn(query.orderBy)
        + (query.descending ? u" DESC, simulation_id DESC"_s : u", simulation_id"_s);
}

Result<std::optional<qint64>> SimulationRepository::position(const SimulationQuery &filter,
                                                             qint64 id)
{
    QVariantList values;
    const QString where = whereClause(filter, &values);
    const QString andWhere = where.isEmpty() ? u" WHERE "_s : where + u" AND "_s;
    auto member
        = sql::run(m_database, u"SELECT 1 FROM simulations"_s + andWhere + u"simulation_id = ?"_s,
                   values + QVariantList {id}, u"find a simulation's row"_s);
    if (!member)
        return member.error();
    if (!member.value().next())
        return std::optional<qint64>();
    // The rows before it: smaller (larger, descending) in the order's key, then in the id.
    const QString key = orderColumn(filter.orderBy);
    auto before = sql::run(m_database,
                           u"SELECT COUNT(*) FROM simulations"_s + andWhere + u"("_s + key
                               + u", simulation_id) "_s + (filter.descending ? u">"_s : u"<"_s)
                               + u" (SELECT "_s + key
                               + u", simulation_id FROM simulations WHERE simulation_id = ?)"_s,
                           values + QVariantList {id}, u"find a simulation's row"_s);
    if (!before)
        return before.error();
    if (!before.value().next())
        return Error::internal(u"counting the rows before a simulation returned nothing"_s);
    return std::optional<qint64>(before.value().value(0).toLongLong());
}

Status SimulationRepository::foldNames()
{
    sql::Transaction transaction(m_database.connection());
    auto unfolded = sql::run(m_database,
                             u"SELECT simulation_id, name FROM simulations "
                             "WHERE name_folded IS NULL"_s,
                             {}, u"find names to fold"_s);
    if (!unfolded)
        return unfolded.error();
    QList<QPair<qint64, QString>> names;
    while (unfolded.value().next())
        names.append(
            {unfolded.value().value(0).toLongLong(), unfolded.value().value(1).toString()});
    for (const auto &[id, name] : std::as_const(names)) {
        auto folded = sql::run(m_database,
                               u"UPDATE simulations SET name_folded = ? WHERE simulation_id = ?"_s,
                               {name.toCaseFolded(), id}, u"fold a name"_s);
        if (!folded)
            return folded.error();
    }
    return transaction.commit();
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
                                     const std::function<void(const Simulation &)> &visit)
{
    QVariantList values;
    QString statement = u"SELECT "_s + kColumns + u" FROM simulations"_s
        + whereClause(filter, &values) + u" ORDER BY "_s + orderClause(filter);
    if (filter.limit >= 0 || filter.offset > 0) {
        statement += u" LIMIT ? OFFSET ?"_s;
        values << (filter.limit >= 0 ? filter.limit : std::numeric_limits<qint64>::max())
               << filter.offset;
    }
    auto query = sql::run(m_database, statement, values, u"list simulations"_s);
    if (!query)
        return query.error();
    QSqlQuery &rows = query.value();
    while (rows.next())
        visit(readSimulation(rows));
    return success();
}

Result<qint64> SimulationRepository::count(const SimulationQuery &filter)
{
    QVariantList values;
    const QString statement = u"SELECT COUNT(*) FROM simulations"_s + whereClause(filter, &values);
    auto query = sql::run(m_database, statement, values, u"count simulations"_s);
    if (!query)
        return query.error();
    return sql::readOne(query.value(),
                        [](const QSqlQuery &row) { return row.value(0).toLongLong(); })
        .value_or(0);
}

Result<QMap<SimulationStatus, qint64>> SimulationRepository::countByStatus()
{
    auto query = sql::run(m_database, u"SELECT status, COUNT(*) FROM simulations GROUP BY status"_s,
                          {}, u"count simulations by status"_s);
    if (!query)
        return query.error();
    QMap<SimulationStatus, qint64> counts;
    QSqlQuery &row = query.value();
    while (row.next()) {
        if (const auto status = statusFromString(row.value(0).toString()))
            counts.insert(*status, row.value(1).toLongLong());
    }
    return counts;
}

Result<std::optional<Simulation>>
SimulationRepository::claimNextPending(const QString &workerId, const QList<qint64> &machineIds,
                                       qint64 leaseMs)
{
    const qint64 now = nowMs();
    QVariantList values {workerId, now + leaseMs, now, now, now, now, now};
    QString machineFilter;
    if (!machineIds.isEmpty()) {
        QStringList marks;
        for (const qint64 id : machineIds) {
            marks << u"?"_s;
            values << id;
        }
        machineFilter = u" AND machine_id IN ("_s + marks.join(u", "_s) + u')';
    }
    // PostgreSQL lets concurrent claimers skip each other's row; SQLite serialises writers.
    const QString lockClause = m_database.isPostgreSql() ? u" FOR UPDATE SKIP LOCKED"_s : QString();
    const QString statement
        = u"UPDATE simulations SET status = 'running', lease_owner = ?, lease_expires_at = ?, "
          "heartbeat_at = ?, started_at = COALESCE(started_at, ?), update_date = ?, "
          "attempts = attempts + 1, version = version + 1, not_before = NULL, "
          "lease_acquired_at = ? "
          "WHERE simulation_id = (SELECT simulation_id FROM simulations WHERE status = 'pending' "
          "AND (not_before IS NULL OR not_before <= ?)"_s
        + machineFilter + u" ORDER BY creation_date, simulation_id LIMIT 1"_s + lockClause
        + u") AND status = 'pending' RETURNING "_s + kColumns;
    auto query = sql::run(m_database, statement, values, u"claim a simulation"_s);
    if (!query)
        return query.error();
    return sql::readOne(query.value(), readSimulation);
}

Result<bool> SimulationRepository::recordPoint(qint64 id, const QString &workerId,
                                               const ConvergencePoint &point, int pointsDone,
                                               qint64 leaseMs)
{
    const auto db = m_database.open();
    if (!db)
        return db.error();
    sql::Transaction transaction(db.value());
    if (!transaction.isActive())
        return Error::unavailable(u"cannot begin a transaction"_s);
    const qint64 now = nowMs();
    Result<bool> progressed = changedOne(
        m_database,
        u"UPDATE simulations SET points_done = ?, heartbeat_at = ?, lease_expires_at = ?, "
        "update_date = ?, version = version + 1 WHERE simulation_id = ? AND status = "
        "'running' AND lease_owner = ?"_s,
        {pointsDone, now, now + leaseMs, now, id, workerId}, u"record progress"_s);
    if (!progressed || !progressed.value())
        return progressed;
    if (const auto inserted
        = sql::change(m_database,
                      u"INSERT INTO convergence (simulation_id, seconds, loss) VALUES (?, ?, ?) "
                      "ON CONFLICT DO NOTHING"_s,
                      {id, point.seconds, point.loss}, u"record a convergence point"_s);
        !inserted)
        return inserted.error();
    if (const Status measured
        = LossStatisticsRepository(m_database, m_lossThresholds).update(id, {point});
        !measured)
        return measured.error();
    if (const Status status = transaction.commit(); !status)
        return status.error();
    return true;
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
    const auto db = m_database.open();
    if (!db)
        return db.error();
    sql::Transaction transaction(db.value());
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
                          u"UPDATE simulations SET "_s + setAndWhere + u" RETURNING "_s + kColumns,
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
