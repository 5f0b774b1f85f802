#pragma once

#include "result.h"
#include "simulationquery.h"

#include <QList>

#include <optional>

namespace aisim {

class Database;

// The runs counted per block of ids (migration 017), and per machine and status in each block
// (migration 027), kept by triggers in the transaction of every change: where a page deep into
// an order lies, and how many rows come before a run in it, without walking the order's index
// up to there.
class SimulationBlocks
{
public:
    // Ids a block spans, as in migration 017.
    static constexpr qint64 kIds = 4'096;

    explicit SimulationBlocks(Database &database)
        : m_database(database)
    { }

    // Whether the blocks can place the rows of this query: the id or the creation order, alone
    // or under a status or a machine filter or both; the status order (its rows are those of
    // each status in turn, each in id order), alone or under a machine filter; the machine
    // order likewise, alone or under a status filter. Not under a name or a verdict filter.
    static bool places(const SimulationQuery &query);

    // The row before the page at query.offset (at least 1, before the last row): the blocks
    // before its block (and, in the status or the machine order, the keys before its key) are
    // summed and the rows of that block read in the order up to it, a row a block and at most
    // kIds index entries however deep the page; within a read snapshot the sums describe the
    // same rows as the page. nullopt where the blocks cannot tell: creation
    // dates of neighbouring blocks overlap (runs created out of id order), or the counts
    // disagree with the table (changed by hand); the order's index is walked then.
    Result<std::optional<SimulationCursor>> rowBefore(const SimulationQuery &query);
    // How many rows of the query's order come before the run with this id, which exists: the
    // blocks before its block and the rows of its own block before it; nullopt where the
    // blocks cannot tell (as rowBefore()).
    Result<std::optional<qint64>> rowsBefore(const SimulationQuery &query, qint64 id);

    // PostgreSQL: folds the per-connection shards of the blocks below the newest into one row
    // each, so that the blocks are read as about one row each. Nothing to do on SQLite.
    static Status tidy(Database &database);

private:
    struct Block
    {
        qint64 block = 0;
        qint64 runs = 0;
    };
    // The rows of one key of the order, by block of ids, in id order: of a status in the status
    // order, of a machine in the machine order; of all rows in the id and creation orders.
    struct Group
    {
        QVariant key; // the status or the machine; null in the id and creation orders
        QList<Block> blocks; // those holding rows, in id order
        qint64 runs = 0;
    };
    // A block holding runs (migration 017): its runs and its span of creation dates.
    struct Span
    {
        qint64 block = 0;
        qint64 runs = 0;
        std::optional<qint64> firstCreated;
        std::optional<qint64> lastCreated;
    };
    struct Blocks
    {
        QList<Group> groups; // in the order's ascending order of their keys
        qint64 total = 0;
        // The creation order, and the id order without filters: every block, in id order.
        QList<Span> spans;
        // Whether the runs of this block follow, in creation order, every run of the blocks
        // before it and precede every run of those after it.
        bool keepCreationOrder(qint64 block) const;
        const Span *span(qint64 block) const;
    };
    Result<Blocks> read(const SimulationQuery &query);
    Result<QList<Span>> readSpans();
    // The filters and the group's key as conditions on the table, their values appended.
    static QString conditions(const SimulationQuery &query, const Group &group,
                              QVariantList *values);

    Database &m_database;
};

} // namespace aisim
