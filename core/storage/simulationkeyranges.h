#pragma once

#include "result.h"
#include "simulationquery.h"

#include <QList>

#include <optional>

namespace aisim {

class Database;

// The ended runs counted by ranges of the final loss, best loss, rate, duration, progress and
// verdict orders' keys, per machine and status (migrations 028 and 029), kept by triggers in the
// transaction of every change: where a page deep into those orders lies, and how many rows come
// before a run in them, without walking the order's index up to there. A run's losses, duration,
// progress and verdict stop changing when it ends, so each run is counted once; the runs still
// pending or running, few where a table has grown large, are read from the status index each
// time.
class SimulationKeyRanges
{
public:
    // The runs a range holds at most once housekeeping has split it (split()).
    static constexpr qint64 kRuns = 4'096;

    explicit SimulationKeyRanges(Database &database)
        : m_database(database)
    { }

    // Whether the ranges can place the rows of this query: the final loss, best loss, rate,
    // duration, progress or verdict order, alone or under a machine filter, a filter of an ended
    // status, or both. Not under a name or a verdict filter.
    static bool places(const SimulationQuery &query);

    // The row before the page at query.offset (at least 1) among total rows (the reader's count,
    // which places a page from the end; the counters' own, counted if the caller read it in
    // this snapshot, is checked against the ranges): the runs of the ranges before its range
    // and the pending or running runs below that range's low end are summed, and the order's
    // index read from there, at most about a range's entries however deep the page. nullopt where
    // the ranges cannot tell: a page among runs without the statistic (they sort last, in id order)
    // while runs waiting in the queue are among them, a range not yet split that holds more rows
    // than the walk from the nearer end would read, or counts that disagree with the table (changed
    // by hand); the order's index is walked then.
    Result<std::optional<SimulationCursor>> rowBefore(const SimulationQuery &query, qint64 total,
                                                      std::optional<qint64> counted = {});
    // How many rows of the query's order come before the run with this id, which matches it:
    // counted as rowBefore() places a page; nullopt where it cannot tell.
    Result<std::optional<qint64>> rowsBefore(const SimulationQuery &query, qint64 id);

    // Splits each range that holds more than twice kRuns ended runs into ranges of kRuns, in
    // one transaction per range, reading its rows from the order's index once. Housekeeping
    // and the start of the program call it; a database filled in bulk calls it once filled.
    // On PostgreSQL it first folds the per-connection shards of the counts into one row each.
    static Status split(Database &database);

private:
    using OrderBy = SimulationQuery::OrderBy;
    struct Range
    {
        qint64 id = 0;
        double lowKey = 0; // as the triggers compare it
        QVariant low; // in full, as the order's index compares it
        qint64 lowId = 0;
        qint64 runs = 0; // the ended runs of the query in it
    };
    // A pending or running run with the statistic, by its key and id.
    struct Live
    {
        double key = 0;
        qint64 id = 0;
    };
    struct Ranges
    {
        QList<Range> ranges; // by their low ends
        QList<Live> live; // in the order
        qint64 counted = 0; // the ended runs of the query
    };
    Result<std::optional<Ranges>> read(const SimulationQuery &query);
    // The rows of the query below each range's low end: the ended runs of the ranges before it
    // and the live ones below it.
    static QList<qint64> rowsBelow(const Ranges &ranges);
    // The first range of the runs without the statistic (at or above the key they sort at).
    static qsizetype firstWithout(const Ranges &ranges);
    // The key and id of the row at this many rows of the query from a range's low end.
    Result<std::optional<SimulationCursor>> rowFrom(const SimulationQuery &query, const Range *low,
                                                    qint64 offset);
    static Status splitRange(Database &database, OrderBy order, qint64 range);

    Database &m_database;
};

} // namespace aisim
