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
} // namespace

Result<QList<Machine>> MachineRepository::list()
{
    const auto db = m_database.open();
    if (!db)
        return db.error();
    QSqlQuery query(db.value());
    if (const Status status
        = sql::exec(query, u"SELECT "_s + kColumns + u" FROM machines ORDER BY machine_id"_s, {},
                    u"list machines"_s);
        !status)
        return status.error();
    QList<Machine> machines;
    while (query.next())
        machines.append(readMachine(query));
    return machines;
}

Result<Machine> MachineRepository::get(qint64 id)
{
    const auto db = m_database.open();
    if (!db)
        return db.error();
    QSqlQuery query(db.value());
    if (const Status status
        = sql::exec(query, u"SELECT "_s + kColumns + u" FROM machines WHERE machine_id = ?"_s, {id},
                    u"read machine"_s);
        !status)
        return status.error();
    if (!query.next())
        return Error::notFound(u"Machine %1 not found"_s.arg(id));
    return readMachine(query);
}

Result<Machine> MachineRepository::create(std::optional<qint64> id, const QString &name)
{
    const auto db = m_database.open();
    if (!db)
        return db.error();
    QSqlQuery query(db.value());
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const Status status = id ? sql::exec(query,
                                         u"INSERT INTO machines (machine_id, name, created_at) "
                                         "VALUES (?, ?, ?) RETURNING "_s
                                             + kColumns,
                                         {*id, name, now}, u"create machine"_s)
                             : sql::exec(query,
                                         u"INSERT INTO machines (name, created_at) VALUES (?, ?) "
                                         "RETURNING "_s
                                             + kColumns,
                                         {name, now}, u"create machine"_s);
    if (!status) {
        if (status.error().kind == Error::Kind::Conflict && id)
            return Error::conflict(u"Machine %1 already exists"_s.arg(*id));
        return status.error();
    }
    if (!query.next())
        return Error::internal(u"create machine returned no row"_s);
    const Machine machine = readMachine(query);
    query.finish();
    if (id && m_database.isPostgreSql()) {
        QSqlQuery bump(db.value());
        bump.exec(u"SELECT setval(pg_get_serial_sequence('machines', 'machine_id'), "
                  "GREATEST((SELECT MAX(machine_id) FROM machines), 1))"_s);
    }
    return machine;
}

Result<Machine> MachineRepository::rename(qint64 id, const QString &name)
{
    const auto db = m_database.open();
    if (!db)
        return db.error();
    QSqlQuery query(db.value());
    if (const Status status = sql::exec(
            query, u"UPDATE machines SET name = ? WHERE machine_id = ? RETURNING "_s + kColumns,
            {name, id}, u"rename machine"_s);
        !status)
        return status.error();
    if (!query.next())
        return Error::notFound(u"Machine %1 not found"_s.arg(id));
    const Machine machine = readMachine(query);
    query.finish();
    return machine;
}

Status MachineRepository::remove(qint64 id)
{
    const auto db = m_database.open();
    if (!db)
        return db.error();
    QSqlQuery query(db.value());
    if (const Status status = sql::exec(
            query,
            u"DELETE FROM machines WHERE machine_id = ? AND NOT EXISTS "
            "(SELECT 1 FROM simulations WHERE simulations.machine_id = machines.machine_id)"_s,
            {id}, u"remove machine"_s);
        !status)
        return status;
    if (query.numRowsAffected() == 1)
        return success();
    const Result<Machine> existing = get(id);
    if (!existing)
        return existing.error();
    return Error::conflict(
        u"Machine %1 still holds simulations: delete them or move them first"_s.arg(id));
}

Status MachineRepository::heartbeat(const QList<qint64> &ids)
{
    const auto db = m_database.open();
    if (!db)
        return db.error();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QSqlQuery query(db.value());
    if (ids.isEmpty())
        return sql::exec(query, u"UPDATE machines SET heartbeat_at = ?"_s, {now},
                         u"machine heartbeat"_s);
    for (const qint64 id : ids) {
        if (const Status status
            = sql::exec(query, u"UPDATE machines SET heartbeat_at = ? WHERE machine_id = ?"_s,
                        {now, id}, u"machine heartbeat"_s);
            !status)
            return status;
    }
    return success();
}

Result<QList<MachineLoad>> MachineRepository::loads()
{
    const auto db = m_database.open();
    if (!db)
        return db.error();
    QSqlQuery query(db.value());
    if (const Status status
        = sql::exec(query,
                    u"SELECT m.machine_id, "
                    "COALESCE(SUM(CASE WHEN s.status = 'running' THEN 1 ELSE 0 END), 0), "
                    "COALESCE(SUM(CASE WHEN s.status = 'pending' THEN 1 ELSE 0 END), 0), "
                    "COUNT(s.simulation_id) FROM machines m LEFT JOIN simulations s "
                    "ON s.machine_id = m.machine_id GROUP BY m.machine_id ORDER BY m.machine_id"_s,
                    {}, u"machine load"_s);
        !status)
        return status.error();
    QList<MachineLoad> loads;
    while (query.next()) {
        loads.append({query.value(0).toLongLong(), query.value(1).toLongLong(),
                      query.value(2).toLongLong(), query.value(3).toLongLong()});
    }
    return loads;
}

} // namespace aisim
