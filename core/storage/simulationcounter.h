#pragma once

#include "result.h"
#include "simulationquery.h"

#include <QMap>
#include <QString>
#include <QVariantList>

#include <optional>

namespace aisim {

class Database;

// How many runs a query matches, and whether that is the exact number.
struct SimulationCount
{
    qint64 runs = 0;
    bool exact = true;
};

// Counts runs from the counters that triggers keep per machine and status (migration 008), in
// the transaction of every change: a few rows read, whatever the size of the table.
class SimulationCounter
{
public:
    explicit SimulationCounter(Database &database)
        : m_database(database)
    { }

    // Exact without a name filter. With one: exact when the trigram index finds at most
    // NameSearch::threshold() runs; else (more matches, or a text of one or two characters)
    // with estimateLargeSearches an estimate (exact = false) instead of reading every match:
    // the share of matching names (NameSearch::estimatedShare) times the runs the other filters
    // leave; without it an exact count that reads them.
    Result<SimulationCount> count(const SimulationQuery &query, bool estimateLargeSearches);
    Result<QMap<SimulationStatus, qint64>> countByStatus();
    // The exact count when the counters alone hold it (no name or verdict filter): a few rows
    // read; nullopt for other queries, which it leaves uncounted.
    Result<std::optional<qint64>> countFromCounters(const SimulationQuery &query);

    // The query's status and machine filters as the WHERE clause (" WHERE …", or "" without
    // either) of a table counted per machine and status: the counters, or the blocks' runs
    // (migration 027). Their values are appended to values.
    static QString countedWhere(const SimulationQuery &query, QVariantList *values);

private:
    Result<qint64> fromCounters(const SimulationQuery &query);

    Database &m_database;
};

} // namespace aisim
