#pragma once

#include "database.h"
#include "result.h"
#include "simulationquery.h"
#include "simulationsummary.h"

#include <QHash>

#include <functional>
#include <optional>

namespace aisim {

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

// The summaries of runs read lately by one thread, kept while the database's stamp says that
// nothing was committed since, by any connection or process (Database::dataStamp): a run asked
// for again is answered without a read, until the next commit. Reads every time where there is
// no stamp (PostgreSQL). Lives on one thread.
class KeptSummaries
{
public:
    // Past this many runs, no more are kept until the next commit.
    static constexpr qsizetype kMaxRuns = 4096;

    explicit KeptSummaries(Database &database)
        : m_database(database)
    { }

    // As SimulationSummaries::get; read again, whatever is kept, unless mayKeep.
    Result<std::optional<SimulationSummary>> get(qint64 id, bool mayKeep = true);

private:
    Database &m_database;
    std::optional<Database::DataStamp> m_stamp; // of the runs kept
    QHash<qint64, SimulationSummary> m_runs;
};

} // namespace aisim
