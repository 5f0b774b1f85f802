#include "simulationpageloader.h"

#include "machinerepository.h"

#include <algorithm>

namespace aisim {

Result<QList<Simulation>> loadSimulationRows(Database &database, SimulationQuery query,
                                             qint64 offset, qint64 limit, qint64 total)
{
    SimulationRepository repository(database);
    if (total > 0 && offset > total / 2 && offset < total) {
        const qint64 end = std::min(total, offset + limit);
        query.descending = !query.descending;
        query.offset = total - end;
        query.limit = end - offset;
        auto rows = repository.list(query);
        if (rows)
            std::reverse(rows.value().begin(), rows.value().end());
        return rows;
    }
    query.offset = offset;
    query.limit = limit;
    return repository.list(query);
}

Result<SimulationWindow> loadSimulationWindow(Database &database, const SimulationQuery &query,
                                              const QList<int> &pages, int pageSize,
                                              bool withMachineNames)
{
    SimulationWindow window;
    const Result<qint64> total = SimulationRepository(database).count(query);
    if (!total)
        return total.error();
    window.total = total.value();
    for (const int page : pages) {
        const qint64 offset = qint64(page) * pageSize;
        if (offset >= window.total)
            continue;
        auto rows = loadSimulationRows(database, query, offset, pageSize, window.total);
        if (!rows)
            return rows.error();
        window.pages.insert(page, rows.value());
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
