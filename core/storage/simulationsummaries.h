#pragma once

#include "result.h"
#include "simulationquery.h"
#include "simulationsummary.h"

#include <functional>
#include <optional>

namespace aisim {

class Database;

// Reads the summaries of runs for the REST answers: only the columns they show, on statements
// kept prepared per connection, each row handed over as it is read.
class SimulationSummaries
{
public:
    explicit SimulationSummaries(Database &database)
        : m_database(database)
    { }

    // nullopt when the run does not exist.
    Result<std::optional<SimulationSummary>> get(qint64 id);
    // Every run matching query, in its order (SimulationLister pages and searches); visit gets
    // the same object, refilled, each time. last, when given, is set to the last row's cursor.
    Status forEach(const SimulationQuery &query,
                   const std::function<void(const SimulationSummary &)> &visit,
                   SimulationCursor *last = nullptr);

private:
    Database &m_database;
};

} // namespace aisim
