#pragma once

#include "machine.h"
#include "result.h"

#include <QList>

#include <optional>

namespace aisim {

class Database;

// Counts of a machine's runs, for the machines panel and the API.
struct MachineLoad
{
    qint64 machineId = 0;
    qint64 running = 0;
    qint64 pending = 0;
    qint64 total = 0;
};

// All SQL about machines.
class MachineRepository
{
public:
    explicit MachineRepository(Database &database)
        : m_database(database)
    { }

    Result<QList<Machine>> list();
    Result<Machine> get(qint64 id);
    Result<Machine> create(std::optional<qint64> id, const QString &name);
    Result<Machine> rename(qint64 id, const QString &name);
    // Refused with a conflict, naming the machine, while any simulation belongs to it.
    Status remove(qint64 id);
    // Gives every run of machine `from` to machine `to`; answers how many moved. Refused with a
    // conflict while one of them runs (its worker serves `from`), nothing moved then.
    Result<int> moveSimulations(qint64 from, qint64 to);
    // Deletes every run of the machine with its points; answers their ids. Refused like a move
    // while one of them runs.
    Result<QList<qint64>> removeSimulations(qint64 machineId);
    Status heartbeat(const QList<qint64> &ids);
    Result<QList<MachineLoad>> loads();

private:
    Status refuseWhileRunning(const Machine &machine);

    Database &m_database;
};

} // namespace aisim
