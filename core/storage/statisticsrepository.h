#pragma once

#include "result.h"

namespace aisim {

class Database;

// Totals over all runs for monitoring (GET /metrics).
struct RunTotals
{
    qint64 retries = 0; // attempts beyond each run's first
    qint64 failedAttempts = 0; // attempts that ended in an error (the last one of a failed run
                               // included)
};

// Aggregate SQL for monitoring; the per-run queries live in SimulationRepository.
class StatisticsRepository
{
public:
    explicit StatisticsRepository(Database &database)
        : m_database(database)
    { }

    Result<RunTotals> runTotals();
    // Succeeds when the database answers a trivial query.
    Status ping();

private:
    Database &m_database;
};

} // namespace aisim
