#include "simulationpageloader.h"

#include "database.h"
#include "machinerepository.h"
#include "simulationcounter.h"
#include "sqlsupport.h"

#include <QSet>

#include <algorithm>

namespace aisim {

namespace {
// Runs of a broken-up block looked up one by one in a refresh, at most.
constexpr int kMaxSingleLookups = 20;
} // namespace

Result<QList<Simulation>> loadSimulationRows(Database &database, SimulationQuery query,
                                             qint64 offset, qint64 limit, qint64 total)
{
    query.offset = offset;
    query.limit = limit;
    if (total > 0)
        query.matches = total;
    return SimulationRepository(database).list(query);
}

Result<SimulationWindow> loadSimulationWindow(Database &database, const SimulationQuery &query,
                                              const QList<int> &pages, int pageSize,
                                              bool withMachineNames,
                                              const QList<QList<qint64>> &trackedBlocks,
                                              WindowTotal counted)
{
    // Runs created meanwhile must not shift the selected runs' positions between the count,
    // the pages and the look-ups.
    const sql::ReadSnapshot snapshot(database);
    SimulationWindow window;
    const Result<SimulationCount> total
        = SimulationCounter(database).count(query, counted == WindowTotal::EstimateLargeSearches);
    if (!total)
        return total.error();
    window.total = total->runs;
    window.totalExact = total->exact;
    // An estimate would misplace a page found from the table's end.
    const qint64 placedBy = window.totalExact ? window.total : 0;
    for (const int page : pages) {
        const qint64 offset = qint64(page) * pageSize;
        if (offset >= window.total)
            continue;
        auto rows = loadSimulationRows(database, query, offset, pageSize, placedBy);
        if (!rows)
            return rows.error();
        window.pages.insert(page, rows.value());
    }
    QSet<qint64> read;
    for (const QList<Simulation> &rows : std::as_const(window.pages)) {
        for (const Simulation &simulation : rows)
            read.insert(simulation.id);
    }
    SimulationRepository repository(database);
    int singleLookups = 0;
    for (const QList<qint64> &block : trackedBlocks) {
        if (std::all_of(block.begin(), block.end(),
                        [&read](qint64 id) { return read.contains(id); }))
            continue; // the pages show where they are
        // Most often the block moved as one: find its first run, read the rows from there.
        const auto first = repository.position(query, block.constFirst());
        if (!first)
            return first.error();
        if (first.value()) {
            const auto rows
                = loadSimulationRows(database, query, *first.value(), block.size(), placedBy);
            if (!rows)
                return rows.error();
            QList<qint64> ids;
            for (const Simulation &simulation : rows.value())
                ids << simulation.id;
            if (ids == block) {
                for (qsizetype i = 0; i < block.size(); ++i)
                    window.positions.insert(block.at(i), *first.value() + i);
                continue;
            }
        }
        // The block broke up: look its runs up one by one, a bounded number of them.
        for (const qint64 id : block) {
            if (read.contains(id) || singleLookups >= kMaxSingleLookups)
                continue;
            ++singleLookups;
            const auto position = repository.position(query, id);
            if (!position)
                return position.error();
            window.positions.insert(id, position.value().value_or(-1));
        }
    }
    if (withMachineNames) {
        const auto machines = MachineRepository(database).list();
        if (!machines)
            return machines.error();
        for (const Machine &machine : machines.value())
            window.machineNames.insert(machine.id, machine.name);
    }
    return window;
}

} // namespace aisim
