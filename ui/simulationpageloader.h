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
    // False where total is an estimate (WindowTotal::EstimateLargeSearches): the pages were read
    // from the start, not placed by the total.
    bool totalExact = true;
    QHash<int, QList<Simulation>> pages;
    QHash<qint64, QString> machineNames; // filled only when asked for
    // Where the tracked runs that are not in the pages read are now; -1 for those gone.
    QHash<qint64, qint64> positions;
};

// Reads rows [offset, offset + limit) of a sorted, filtered query of total rows. Past the
// middle of the table the lister finds them from the other end (SimulationQuery::matches), so
// the last rows cost as little as the first (an OFFSET near one million would make the
// database step over every row before it).
Result<QList<Simulation>> loadSimulationRows(Database &database, SimulationQuery query,
                                             qint64 offset, qint64 limit, qint64 total);

// How a window's rows are counted.
enum class WindowTotal {
    Exact,
    // A name that many runs bear is counted from a sample (SimulationCounter's estimate), as
    // the REST API counts it: its first rows show at once, and an exact count follows.
    EstimateLargeSearches,
};

// Counts the query's rows, reads the given pages, and finds where the tracked runs (the
// selection away from those pages) are now. Each tracked block holds the runs of consecutive
// rows; a block that moved as one is found with one lookup and one read. Runs on a worker
// thread.
Result<SimulationWindow> loadSimulationWindow(Database &database, const SimulationQuery &query,
                                              const QList<int> &pages, int pageSize,
                                              bool withMachineNames,
                                              const QList<QList<qint64>> &trackedBlocks = {},
                                              WindowTotal counted = WindowTotal::Exact);

} // namespace aisim
