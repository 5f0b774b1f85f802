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

    // Whether the blocks can place the rows of this query: the id order, and the creation, name
    // and update orders (where the spans of their keys keep blocks apart), alone or under a
    // status or a machine filter or both; the status order (its rows are those of each status
    // in turn, each in id order), alone or under a machine filter; the machine order likewise,
    // alone or under a status filter. Not under a name or a verdict filter.
    static bool places(const SimulationQuery &query);

    // The row before the page at query.offset (at least 1, before the last row): the blocks
    // before its block (and, in the status or the machine order, the keys before its key) are
    // summed and the rows of that block read in the order up to it, a row a block and at most
    // kIds index entries however deep the page. In the creation, name and update orders, the
    // rows below the first key of a block are the runs of the blocks whose spans of the order's
    // key start below it, less those counted at or above it in the blocks whose spans hold it;
    // the index is read from there. Within a read snapshot the sums describe the same rows as the
    // page. nullopt where the blocks cannot tell: spans that overlap over more runs than the
    // order's index would walk anyway (runs created, named or updated out of id order), or counts
    // that disagree with the table (changed by hand); the order's index is walked then.
    Result<std::optional<SimulationCursor>> rowBefore(const SimulationQuery &query);
    // How many rows of the query's order come before the run with this id, which exists: the
    // blocks before its block and the rows of its own block before it (in the creation, name
    // and update orders, the rows below its key and id, as rowBefore() counts them); nullopt
    // where the blocks cannot tell (as rowBefore()).
    Result<std::optional<qint64>> rowsBefore(const SimulationQuery &query, qint64 id);

    // PostgreSQL: folds the per-connection shards of the blocks below the newest into one row
    // each, so that the blocks are read as about one row each. Nothing to do on SQLite.
    static Status tidy(Database &database);
    // Gathers the three characters of the names added to blocks since they were last gathered
    // (migration 031), the lowest block first, at most maxBlocks of them: those below the newest
    // block, and the newest too where newest is set. On PostgreSQL a block a transaction; on
    // SQLite, whose writers wait meanwhile, a part of a block a transaction, a few milliseconds
    // each, and a block once a call: its names added meanwhile wait for the next (migration
    // 032). Answers how many it gathered; fewer than maxBlocks: none is left, or (PostgreSQL)
    // writers hold the next one's rows, gathered at a later call.
    static Result<int> foldGrams(Database &database, int maxBlocks, bool newest);

private:
    using OrderBy = SimulationQuery::OrderBy;
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
    // A block holding runs (migration 017): its runs and the span of the order's key its runs
    // lie in (migrations 017, 021 and 024), null where not known.
    struct Span
    {
        qint64 block = 0;
        qint64 runs = 0;
        QVariant first;
        QVariant last;
    };
    // A block in a spanned order: its span, its runs of the query, and the span's keys as bytes
    // in the order's order.
    struct Bounded
    {
        Span span;
        qint64 runs = 0;
        QByteArray firstKey;
        QByteArray lastKey;
    };
    // The query's rows whose keys come before a cut: the runs of the blocks whose spans start
    // below it, less the rows at or above it of those whose spans hold it (the blocks
    // straddling it), which are counted in the order's index from the cut to the highest of
    // their last keys.
    struct Below
    {
        qint64 runs = 0;
        QList<qint64> straddling;
        QVariant to;
        // The index entries that count reads, at most: the runs of every block whose span meets
        // the range from the cut to there.
        qint64 entries = 0;
    };
    struct Blocks
    {
        QList<Group> groups; // in the order's ascending order of their keys
        qint64 total = 0;
        // The creation, name and update orders, and the id order without filters: every
        // block, in id order.
        QList<Span> spans;
        // The creation, name and update orders: every block, by the lowest keys of their spans,
        // with its rows of the query; empty where a span is not known.
        QList<Bounded> bounded(OrderBy order) const;
    };
    Result<Blocks> read(const SimulationQuery &query);
    Result<QList<Span>> readSpans(OrderBy order);
    // The rows before a cut of a spanned order; atCut: the blocks whose spans start at the cut
    // straddle it (the cut is a run's key, and rows of that key with lower ids come before it).
    static Below below(OrderBy order, const QList<Bounded> &bounded, const QVariant &cut,
                       bool atCut);
    // rowBefore() and rowsBefore() in a spanned order: the rows below a cut summed from the
    // blocks, less those counted above it in the blocks straddling it; then the order's index
    // read from the cut.
    Result<std::optional<SimulationCursor>> rowAfterCut(const SimulationQuery &query,
                                                        const Blocks &blocks, qint64 position);
    Result<std::optional<qint64>> rowsBelowKey(const SimulationQuery &query, const Blocks &blocks,
                                               const QVariant &key, qint64 id);
    // The rows of the blocks straddling a cut at or above it (with an id, at or above the cut
    // and that id), counted in the order's index up to the highest of their spans.
    Result<qint64> countAbove(const SimulationQuery &query, const Below &below, const QVariant &cut,
                              std::optional<qint64> id);
    // rowsBefore() in the id, status and machine orders: the keys and blocks before the run's
    // summed, and the rows of its block before it counted.
    Result<std::optional<qint64>> rowsInBlock(const SimulationQuery &query, const Blocks &blocks,
                                              const QVariant &key, qint64 id);
    // The first row a statement reads, as a cursor; nullopt where it reads none.
    Result<std::optional<SimulationCursor>> readCursor(const QString &statement,
                                                       const QVariantList &values);
    // The filters and the group's key as conditions on the table, their values appended.
    static QString conditions(const SimulationQuery &query, const Group &group,
                              QVariantList *values);

    Database &m_database;
};

} // namespace aisim
