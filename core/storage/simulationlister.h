#pragma once

#include "result.h"
#include "simulation.h"
#include "simulationquery.h"

#include <functional>
#include <optional>

namespace aisim {

class Database;

// Reads pages of simulations: filters, order and keyset paging (SimulationListQuery), names
// searched through their trigram index (NameSearch).
class SimulationLister
{
public:
    explicit SimulationLister(Database &database)
        : m_database(database)
    { }

    // Hands each matching simulation to visit() as it is read; last, when given, is set to the
    // cursor of the last row visited.
    Status forEach(const SimulationQuery &query,
                   const std::function<void(const Simulation &)> &visit,
                   SimulationCursor *last = nullptr);
    // The row of a simulation in the query's order (0 first); nullopt when it does not match
    // the filters or does not exist.
    Result<std::optional<qint64>> position(const SimulationQuery &query, qint64 id);
    // Folds the names, with their sort keys, of runs that have none yet.
    Status foldNames();

private:
    Database &m_database;
};

} // namespace aisim
