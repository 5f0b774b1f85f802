#include "machinerepository.h"

#include "database.h"
#include "sqlsupport.h"

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
const QString kColumns = u"machine_id, name, created_at, heartbeat_at"_s;

Machine readMachine(const QSqlQuery &query)
{
    return {query.value(0).toLongLong(), query.value(1).toString(), sql::fromMs(query.value(2)),
            sql::fromMs(query.value(3))};
}

Result<Machine> oneMachine(Result<QSqlQuery> query, qint64 id)
{
    if (!query)
        return query.error();
    const auto machine = sql::readOne(query.value(), readMachine);
    if (!machine)
        return Error::notFound(u"Machine %1 not found"_s.arg(id));
    return *machine;
}
Result<qint64> countRuns(Database &database, qint64 machineId, bool runningOnly)
{
    auto query = sql::run(database,
                          runningOnly ? u"SELECT COUNT(*) FROM simulations WHERE machine_id = ? "
                                        "AND status = 'running'"_s
                                      : u"SELECT COUNT(*) FROM simulations WHERE machine_id = ?"_s,
                          {machineId}, u"count the simulations of a machine"_s);
    if (!query)
        return query.error();
    const auto count = sql::readOne(query.value(),
                                    [](const QSqlQuery &row) { return row.value(0).toLongLong(); });
    return count.value_or(0);
}
} // namespace

Result<QList<Machine>> MachineRepository::list()
{
    auto query
        = sql::run(m_database, u"SELECT "_s + kColumns + u" FROM machines ORDER BY machine_id"_s,
                   {}, u"list machines"_s);
    if (!query)
        return query.error();
    return sql::readAll(query.value(), readMachine);
}

Result<Machine> MachineRepository::get(qint64 id)
{
    // Every new run asks for its machine: kept prepared.
    static const QString statement
        = u"SELECT "_s + kColumns + u" FROM machines WHERE machine_id = ?"_s;
    auto query = sql::runKept(m_database, statement, {id}, u"read machine"_s);
    if (!query)
        return query.error();
    const auto machine = sql::readOne(*query.value(), readMachine);
    if (!machine)
        return Error::notFound(u"Machine %1 not found"_s.arg(id));
    return *machine;
}

Result<Machine> MachineRepository::create(std::optional<qint64> id, const QString &name)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto query = id ? sql::run(m_database,
                               u"INSERT INTO machines (machine_id, name, created_at) "
                               "VALUES (?, ?, ?) RETURNING "_s
                                   + kColumns,
                               {*id, name, now}, u"create machine"_s)
                    : sql::run(m_database,
                               m_database.isPostgreSql()
                                   ? u"INSERT INTO machines (name, created_at) VALUES (?, ?) "
                                     "RETURNING "_s
                                       + kColumns
                                   // Numbered past every id ever used (migration 003).
                                   : u"INSERT INTO machines (machine_id, name, created_at) "
                                     "VALUES ((SELECT last_id + 1 FROM id_watermarks WHERE "
                                     "table_name = 'machines'), ?, ?) RETURNING "_s
                                       + kColumns,
                               {name, now}, u"create machine"_s);
    if (!query) {
        if (query.error().kind == Error::Kind::Conflict && id)
            return Error::conflict(u"Machine %1 already exists"_s.arg(*id));
        return query.error();
    }
    const auto machine = sql::readOne(query.value(), readMachine);
    if (!machine)
        return Error::internal(u"create machine returned no row"_s);
    if (id && m_database.isPostgreSql())
        sql::moveIdentityPastLargestId(m_database, u"machines"_s, u"machine_id"_s);
    return *machine;
}

Result<Machine> MachineRepository::rename(qint64 id, const QString &name)
{
    return oneMachine(
        sql::run(m_database,
                 u"UPDATE machines SET name = ? WHERE machine_id = ? RETURNING "_s + kColumns,
                 {name, id}, u"rename machine"_s),
        id);
}

Status MachineRepository::remove(qint64 id)
{
    const Result<int> removed = sql::change(
        m_database,
        u"DELETE FROM machines WHERE machine_id = ? AND NOT EXISTS "
        "(SELECT 1 FROM simulations WHERE simulations.machine_id = machines.machine_id)"_s,
        {id}, u"remove machine"_s);
    if (!removed)
        return removed.error();
    if (removed.value() == 1)
        return success();
    const Result<Machine> existing = get(id);
    if (!existing)
        return existing.error();
    const Result<qint64> held = countRuns(m_database, id, false);
    return Error::conflict(u"Machine “%1” (#%2) still holds simulations (%3): delete them or "
                           "move them to another machine first"_s.arg(existing->name)
                               .arg(id)
                               .arg(held ? held.value() : 0));
}

Result<int> MachineRepository::moveSimulations(qint64 from, qint64 to)
{
    const Result<Machine> source = get(from);
    if (!source)
        return source.error();
    if (const Result<Machine> target = get(to); !target)
        return target.error();
    if (const Status idle = refuseWhileRunning(*source); !idle)
        return idle.error();
    // Running ones stay where their worker is (one may have started since the check).
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    Result<int> moved = 0;
    if (m_database.isPostgreSql()) {
        // Counted once by status, not by a trigger per run (migration 015).
        auto query = sql::run(m_database, u"SELECT simulations_move(?, ?, ?)"_s, {from, to, now},
                              u"move simulations"_s);
        if (!query)
            return query.error();
        moved = int(sql::readCount(query.value()));
    } else {
        moved = sql::change(m_database,
                            u"UPDATE simulations SET machine_id = ?, update_date = ?, "
                            "version = version + 1 WHERE machine_id = ? AND status <> 'running'"_s,
                            {to, now, from}, u"move simulations"_s);
    }
    if (!moved)
        return moved.error();
    if (const Status idle = refuseWhileRunning(*source); !idle)
        return idle.error();
    return moved.value();
}

Result<QList<qint64>> MachineRepository::removeSimulations(qint64 machineId)
{
    const Result<Machine> machine = get(machineId);
    if (!machine)
        return machine.error();
    if (const Status idle = refuseWhileRunning(*machine); !idle)
        return idle.error();
    auto query = sql::run(m_database,
                          u"DELETE FROM simulations WHERE machine_id = ? AND status <> 'running' "
                          "RETURNING simulation_id"_s,
                          {machineId}, u"delete the simulations of a machine"_s);
    if (!query)
        return query.error();
    const QList<qint64> ids = sql::readAll(
        query.value(), [](const QSqlQuery &row) { return row.value(0).toLongLong(); });
    if (const Status idle = refuseWhileRunning(*machine); !idle)
        return idle.error();
    return ids;
}

Status MachineRepository::refuseWhileRunning(const Machine &machine)
{
    const Result<qint64> running = countRuns(m_database, machine.id, true);
    if (!running)
        return running.error();
    if (running.value() == 0)
        return success();
    return Error::conflict(u"%1 simulation(s) of machine “%2” (#%3) are running: cancel them or "
                           "let them end first"_s.arg(running.value())
                               .arg(machine.name)
                               .arg(machine.id));
}

Status MachineRepository::heartbeat(const QList<qint64> &ids)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (ids.isEmpty()) {
        const Result<int> beaten = sql::change(
            m_database, u"UPDATE machines SET heartbeat_at = ?"_s, {now}, u"machine heartbeat"_s);
        return beaten ? success() : Status(beaten.error());
    }
    for (const qint64 id : ids) {
        const Result<int> beaten = sql::change(
            m_database, u"UPDATE machines SET heartbeat_at = ? WHERE machine_id = ?"_s, {now, id},
            u"machine heartbeat"_s);
        if (!beaten)
            return beaten.error();
    }
    return success();
}

Result<QList<MachineLoad>> MachineRepository::loads()
{
    auto query
        = sql::run(m_database,
                   u"SELECT m.machine_id, "
                   "COALESCE(SUM(CASE WHEN s.status = 'running' THEN 1 ELSE 0 END), 0), "
                   "COALESCE(SUM(CASE WHEN s.status = 'pending' THEN 1 ELSE 0 END), 0), "
                   "COUNT(s.simulation_id) FROM machines m LEFT JOIN simulations s "
                   "ON s.machine_id = m.machine_id GROUP BY m.machine_id ORDER BY m.machine_id"_s,
                   {}, u"machine load"_s);
    if (!query)
        return query.error();
    return sql::readAll(query.value(), [](const QSqlQuery &row) {
        return MachineLoad {row.value(0).toLongLong(), row.value(1).toLongLong(),
                            row.value(2).toLongLong(), row.value(3).toLongLong()};
    });
}

} // namespace aisim
