#pragma once

#include "result.h"
#include "simulation.h"
#include "simulationrepository.h"

#include <QHash>
#include <QList>

namespace aisim {

class Database;

// What one refresh of the simulations table reads: the row count and a few pages.
struct SimulationWindow
{
    qint64 total = 0;
    QHash<int, QList<Simulation>> pages;
    QHash<qint64, QString> machineNames; // filled only when asked for
};

// Reads rows [offset, offset + limit) of a sorted, filtered query. Past the middle of the
// table it reads the reversed order from the other end, so the last rows cost as little as the
// first (an OFFSET near one million would make the database step over every row before it).
Result<QList<Simulation>> loadSimulationRows(Database &database, SimulationQuery query,
                                             qint64 offset, qint64 limit, qint64 total);

// Counts the query's rows, then reads the given pages; runs on a worker thread.
Result<SimulationWindow> loadSimulationWindow(Database &database, const SimulationQuery &query,
                                              const QList<int> &pages, int pageSize,
                                              bool withMachineNames);

} // namespace aisim
