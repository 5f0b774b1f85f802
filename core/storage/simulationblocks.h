#pragma once

#include "result.h"
#include "simulationquery.h"

#include <QList>

#include <optional>

namespace aisim {

class Database;

// The runs counted per block of ids (migration 017), kept by triggers in the transaction of
// every change: where a page deep into the id or creation order lies, and how many rows come
// before a run in it, without walking the order's index up to there.
class SimulationBlocks
{
public:
    // Ids a block spans, as in migration 017.
    static constexpr qint64 kIds = 4'096;

    explicit SimulationBlocks(Database &database)
        : m_database(database)
    { }

    // Whether the blocks can place the rows of this query: the id or the creation order
    // without any filter.
    static bool places(const SimulationQuery &query);

    // The row before the page at query.offset (at least 1, before the last row): the blocks
    // before its block are summed and the rows of that block read in the order up to it, a row
    // a block and at most kIds index entries however deep the page; within a read snapshot the
    // sums describe the same rows as the page. nullopt where the blocks cannot tell: creation
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
        std::optional<qint64> firstCreated;
        std::optional<qint64> lastCreated;
    };
    struct Blocks
    {
        QList<Block> blocks; // in id order, those holding runs
        qint64 total = 0;
        // Whether the runs of blocks[at] follow, in creation order, every run of the blocks
        // before it and precede every run of those after it.
        bool keepCreationOrder(qsizetype at) const;
    };
    Result<Blocks> read();

    Database &m_database;
};

} // namespace aisim
