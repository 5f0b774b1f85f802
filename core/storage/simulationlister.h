#pragma once

#include "result.h"
#include "simulation.h"
#include "simulationquery.h"

#include <functional>

#include <optional>

class QSqlQuery;

namespace aisim {

class Database;
class NameSearch;
class SimulationListQuery;
struct SqlStatement;

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
    // A page from this offset on (without a cursor) first finds the row before it, reading
    // only the order's key and id of the rows it skips (from the order's index alone where it
    // covers them, not each row from the table), then reads the page after that row as a
    // cursor's page, all in one snapshot: the offset still costs its rows, about half as much
    // each on SQLite and a few times less on PostgreSQL. Where the number of matching rows is
    // known (SimulationQuery::matches, or the counters without a name or verdict filter) and
    // the page lies in the second half, that row is found from the other end, in the reverse
    // order: a page near the end costs what one near the start does, and none more than half
    // the rows. Pages further than kBlocksPlace rows from the nearer end, of the id, creation,
    // name or update order alone or under a status or a machine filter, and of the status or
    // the machine order alone or under the other filter, are placed by the runs counted per
    // block of ids (SimulationBlocks) where the blocks can tell: a row a block and about one
    // block's entries read however deep, which costs about what skipping kBlocksPlace entries
    // does. A page of a name in the first half is read at its offset in one statement, as a
    // page nearer the start is (on SQLite, of the name alone in the name, update or creation
    // order): its walk, or its blocks' matches, are read once.
    static constexpr qint64 kDeepOffset = 1'000;
    static constexpr qint64 kBlocksPlace = 10'000;

    // As forEach(), selecting the given columns and handing each row to visit(), which reads
    // it and answers its id: for readers of fewer columns.
    Status forEachRow(const SimulationQuery &query, const QString &columns,
                      const std::function<qint64(const QSqlQuery &row)> &visit,
                      SimulationCursor *last = nullptr);
    // The row of a simulation in the query's order (0 first); nullopt when it does not match
    // the filters or does not exist. Counted from the blocks of ids where they can tell
    // (SimulationBlocks::rowsBefore), else by the rows before it.
    Result<std::optional<qint64>> position(const SimulationQuery &query, qint64 id);
    // Folds the names, with their sort keys, of runs that have none yet.
    Status foldNames();
    // Whether a page of query may be read group by group (readGroups): on PostgreSQL where
    // the name's pages in id order may read windows of ids (NameSearch::windowsMayRead), which
    // it probes for.
    Result<bool> readsGroupByGroup(const SimulationQuery &query);
    // A group of the status or the machine order: its place in the order (the status's place
    // in the lifecycle, the machine), its value, and its runs under the query's other filter.
    struct OrderGroup
    {
        qint64 key = 0;
        QVariant value;
        qint64 runs = 0;
    };
    // The groups, in the page's order, that a page of query is read in (readGroups), from the
    // counters; nullopt where it is read otherwise: where readsGroupByGroup() says no, and on
    // PostgreSQL where more than kSmallGroupsFirst groups, each under NameSearch::kWindowedShare
    // of the runs, come before the first that holds more.
    Result<std::optional<QList<OrderGroup>>> groupsToRead(const SimulationQuery &query);
    static constexpr qsizetype kSmallGroupsFirst = 2;

private:
    // forEachRow() by the statements of SimulationListQuery, with the query's offset as it is.
    Status readRows(const SimulationQuery &query, const QString &columns,
                    const std::function<qint64(const QSqlQuery &row)> &visit,
                    SimulationCursor *last);
    // readRows() of a query whose name search has planned its page (search.planPage(query)).
    Status readPlanned(const SimulationQuery &query, NameSearch &search, const QString &columns,
                       const std::function<qint64(const QSqlQuery &row)> &visit,
                       SimulationCursor *last);
    // readPlanned(), and where the page passed its bound of matches (the planner counted too
    // few: NameSearch::everyMatchBound), planned again and read once more.
    Status readPlannedPage(const SimulationQuery &query, NameSearch &search, const QString &columns,
                           const std::function<qint64(const QSqlQuery &row)> &visit,
                           SimulationCursor *last);
    // A page of a name search in the status or the machine order (without a filter of
    // the same key), from an offset below kDeepOffset, on SQLite, and on PostgreSQL where the
    // group's pages read windows of ids (NameSearch::matchWindows) and the first group holds
    // at least NameSearch::kWindowedShare of the runs: the rows of each status in the order's
    // lifecycle order (each machine in id order) in turn, each group read as a page of the
    // name under that status (machine) filter in id order, whose plan weighs the trigram
    // index's matches in id order, each row looked up, against the walk of the filter's index
    // (NameSearch::pageCosts); the rows of the offset are read and passed over. Groups the
    // counters know empty are not read. Where most runs have one status (finished), the
    // name's first matches in id order fill a page: at a million runs, 555 (3,700 names) by
    // status walked 27,000 entries of the status order's index, 7 ms. false: not such a page.
    Result<bool> readGroups(const SimulationQuery &query, const QString &columns,
                            const std::function<qint64(const QSqlQuery &row)> &visit,
                            SimulationCursor *last);
    // Reads the rows of one of list's statements into visit, counting them off *remaining
    // (when not negative); true when it read any.
    Result<bool> readStatement(const SqlStatement &statement, const SimulationListQuery &list,
                               NameSearch &search, const SimulationQuery &query,
                               const std::function<qint64(const QSqlQuery &row)> &visit,
                               SimulationCursor *last, qint64 *remaining);
    // The page of query after the row `before`, read as a cursor's page.
    Status readPageAfter(const SimulationQuery &query, const SimulationCursor &before,
                         const QString &columns,
                         const std::function<qint64(const QSqlQuery &row)> &visit,
                         SimulationCursor *last);

    Database &m_database;
};

} // namespace aisim
