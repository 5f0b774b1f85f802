#include "simulationlister.h"

#include "database.h"
#include "logging.h"
#include "namesearch.h"
#include "namesortkey.h"
#include "simulationblocks.h"
#include "simulationcounter.h"
#include "simulationkeyranges.h"
#include "simulationlistquery.h"
#include "simulationrow.h"
#include "sqlsupport.h"

#include <QSqlRecord>

using namespace Qt::StringLiterals;

namespace aisim {

static_assert(NameSearch::kWindowedOffset == SimulationLister::kDeepOffset,
              "a page read at its offset in windows is one read before the deep pages");

Status SimulationLister::forEach(const SimulationQuery &filter,
                                 const std::function<void(const Simulation &)> &visit,
                                 SimulationCursor *last)
{
    return forEachRow(
        filter, kSimulationColumns,
        [&visit](const QSqlQuery &row) {
            const Simulation simulation = readSimulation(row);
            visit(simulation);
            return simulation.id;
        },
        last);
}

Status SimulationLister::forEachRow(const SimulationQuery &filter, const QString &columns,
                                    const std::function<qint64(const QSqlQuery &row)> &visit,
                                    SimulationCursor *last)
{
    if (filter.after || filter.offset < kDeepOffset || filter.limit == 0)
        return readRows(filter, columns, visit, last);
    if (!filter.nameContains.isEmpty() && !filter.nameProbe) {
        // The plans of the row before the page and of the page share what the index said.
        SimulationQuery shared = filter;
        shared.nameProbe = std::make_shared<NameProbe>();
        return forEachRow(shared, columns, visit, last);
    }
    // The count, the row found and the page read describe one moment: runs added meanwhile at
    // the end must not move a page found from there.
    const sql::ReadSnapshot snapshot(m_database);
    // A name whose page reads and sorts every match reads the page at its offset in one
    // statement: the row before it, then the page after that row, read them all twice (at a
    // million runs on PostgreSQL, 555's 3,700 matches by update date at offset 3,000: 5.7 and
    // 3.1 ms).
    std::optional<NameSearch> search;
    if (!filter.nameContains.isEmpty()) {
        search.emplace(m_database, filter.nameContains, filter.nameProbe);
        if (const Status plan = search->planPage(filter); !plan)
            return plan;
        if (search->readsEveryMatch()) {
            const Status read = readPlanned(filter, *search, columns, visit, last);
            if (!read || !search->passedBound())
                return read;
            // More matches than the planner counted: the page is found as any other.
        }
    }
    std::optional<qint64> total = filter.matches;
    std::optional<qint64> countedHere; // the counters' own, in this snapshot
    if (!total) {
        const Result<std::optional<qint64>> counted
            = SimulationCounter(m_database).countFromCounters(filter);
        if (!counted)
            return counted.error();
        total = countedHere = counted.value();
    }
    if (total && filter.offset >= *total)
        return success(); // past the last row: an empty page
    const bool fromTheEnd = total && *total - filter.offset < filter.offset;
    // A page of a name is read at its offset in one statement, as a page nearer the start is,
    // where the row before the page and the page after that row would plan and read its rows
    // twice. On PostgreSQL its walk, or its blocks' matches, pass the offset's ids alone and
    // look up the page's rows (at a million runs, run-09 by name at offset 5,000: 2.6 ms for
    // the row before, 1.2 for the page after it; 042 by status newest first at offset 1,000:
    // 60 against 37 ms). On SQLite only a page of the name alone in an order the blocks place
    // (the row before sorted the blocks' matches, and the page after read them again: 555 by
    // update date at offset 3,000, 3.3 against 1.8 ms): elsewhere the row before, below
    // kDeepOffset, reads the status or the machine order group by group (042 by status newest
    // first at offset 1,000: 11.6 against 45 ms). From the end, the row before is nearer.
    const bool oneStatement = m_database.isPostgreSql()
        || (!filter.filtersBesidesName() && NameSearch::blocksPlaceOrder(filter));
    if (search && oneStatement && !fromTheEnd) {
        // Planned above, again where its read of every match passed the bound.
        if (search->passedBound()) {
            if (const Status planned = search->planPage(filter); !planned)
                return planned;
        }
        return readPlannedPage(filter, *search, columns, visit, last);
    }
    if ((fromTheEnd ? *total - filter.offset : filter.offset) > kBlocksPlace
        && SimulationBlocks::places(filter)) {
        const Result<std::optional<SimulationCursor>> placed
            = SimulationBlocks(m_database).rowBefore(filter);
        if (!placed)
            return placed.error();
        if (placed.value())
            return readPageAfter(filter, *placed.value(), columns, visit, last);
    }
    // The ranges check their counts against the total, which the counters know for every query
    // they place.
    if (total && (fromTheEnd ? *total - filter.offset : filter.offset) > kBlocksPlace
        && SimulationKeyRanges::places(filter)) {
        const Result<std::optional<SimulationCursor>> placed
            = SimulationKeyRanges(m_database).rowBefore(filter, *total, countedHere);
        if (!placed)
            return placed.error();
        if (placed.value())
            return readPageAfter(filter, *placed.value(), columns, visit, last);
    }
    // The row before the page: at offset - 1, or at total - offset in the reverse order.
    SimulationQuery before = filter;
    before.limit = 1;
    before.offset = fromTheEnd ? *total - filter.offset : filter.offset - 1;
    before.descending = fromTheEnd != filter.descending;
    bool found = false;
    SimulationCursor previous;
    const Status located = readRows(
        before, u"simulation_id"_s,
        [&found](const QSqlQuery &row) {
            found = true;
            return row.value(0).toLongLong();
        },
        &previous);
    if (!located)
        return located;
    if (!found)
        return success(); // the offset is past the last row: an empty page
    return readPageAfter(filter, previous, columns, visit, last);
}

Status SimulationLister::readPageAfter(const SimulationQuery &filter,
                                       const SimulationCursor &before, const QString &columns,
                                       const std::function<qint64(const QSqlQuery &row)> &visit,
                                       SimulationCursor *last)
{
    SimulationQuery page = filter;
    page.offset = 0;
    page.after = before;
    return readRows(page, columns, visit, last);
}

Result<bool> SimulationLister::readsGroupByGroup(const SimulationQuery &query)
{
    using OrderBy = SimulationQuery::OrderBy;
    const bool byStatus = query.orderBy == OrderBy::Status && !query.status;
    const bool byMachine = query.orderBy == OrderBy::Machine && !query.machineId;
    if (!(byStatus || byMachine) || query.limit < 0 || query.offset >= kDeepOffset)
        return false;
    NameSearch search(m_database, query.nameContains, query.nameProbe);
    if (!search.isIndexable())
        return false;
    if (!m_database.isPostgreSql())
        return true;
    // PostgreSQL: where each group's page reads windows of ids (NameSearch::matchWindows).
    if (const Status probed = search.probe(); !probed)
        return probed.error();
    return search.windowsMayRead();
}

Result<std::optional<QList<SimulationLister::OrderGroup>>>
SimulationLister::groupsToRead(const SimulationQuery &query)
{
    const Result<bool> grouped = readsGroupByGroup(query);
    if (!grouped)
        return grouped.error();
    if (!grouped.value())
        return std::optional<QList<OrderGroup>>();
    const bool byStatus = query.orderBy == SimulationQuery::OrderBy::Status;
    const bool byMachine = !byStatus;
    // The groups that hold runs under the other filter, from the counters, in the order.
    QVariantList values;
    QString other;
    if (byStatus && query.machineId) {
        other = u" WHERE machine_id = ?"_s;
        values << *query.machineId;
    } else if (byMachine && query.status) {
        other = u" WHERE status = ?"_s;
        values << statusName(*query.status);
    }
    const QString column = byStatus ? u"status"_s : u"machine_id"_s;
    auto held = sql::readKept(m_database,
                              u"SELECT "_s + column + u", SUM(runs) FROM simulation_counts"_s
                                  + other + u" GROUP BY "_s + column + u" HAVING SUM(runs) > 0"_s,
                              values, u"list the groups of an order"_s);
    if (!held)
        return held.error();
    QList<OrderGroup> groups;
    qint64 runs = 0;
    while (held.value().next()) {
        const QVariant value = held.value().value(0);
        const qint64 inGroup = held.value().value(1).toLongLong();
        runs += inGroup;
        if (byStatus) {
            const std::optional<SimulationStatus> status = statusFromString(value.toString());
            if (status)
                groups.append({qint64(*status), value, inGroup});
        } else {
            groups.append({value.toLongLong(), value, inGroup});
        }
    }
    std::sort(groups.begin(), groups.end(), [&query](const OrderGroup &a, const OrderGroup &b) {
        return query.descending ? b.key < a.key : a.key < b.key;
    });
    // PostgreSQL reads a group in windows of ids only where it holds enough of the runs
    // (NameSearch::kWindowedShare); a smaller group is planned by itself, its runs walked or
    // its matches read. Where more than kSmallGroupsFirst come first (some of many machines),
    // the groups would each read every match, and the page is read in the order's index.
    if (m_database.isPostgreSql()) {
        const auto small = [runs](const OrderGroup &group) {
            return double(group.runs) < NameSearch::kWindowedShare * double(runs);
        };
        const auto large = std::find_if_not(groups.cbegin(), groups.cend(), small);
        if (large - groups.cbegin() > kSmallGroupsFirst)
            return std::optional<QList<OrderGroup>>();
    }
    return std::optional(groups);
}

Result<bool> SimulationLister::readGroups(const SimulationQuery &filter, const QString &columns,
                                          const std::function<qint64(const QSqlQuery &row)> &visit,
                                          SimulationCursor *last)
{
    const Result<std::optional<QList<OrderGroup>>> groups = groupsToRead(filter);
    if (!groups)
        return groups.error();
    if (!groups.value())
        return false;
    const bool byStatus = filter.orderBy == SimulationQuery::OrderBy::Status;
    // The page's rows counted by each group's; what those pages count of their own is not the
    // query's count.
    const qint64 queryMatches = filter.nameProbe ? filter.nameProbe->queryMatches : -1;
    qint64 skip = filter.offset;
    qint64 remaining = filter.offset + filter.limit;
    for (const auto &[key, value, groupRuns] : std::as_const(*groups.value())) {
        if (remaining <= 0)
            break;
        SimulationQuery group = filter;
        group.offset = 0;
        group.limit = remaining;
        group.after.reset();
        if (filter.after) {
            const qint64 from = filter.after->key.toLongLong();
            if (filter.descending ? key > from : key < from)
                continue; // wholly behind the cursor
            if (key == from)
                group.after = SimulationCursor {filter.after->id, filter.after->id};
        }
        if (byStatus)
            group.status = statusFromString(value.toString());
        else
            group.machineId = value.toLongLong();
        SimulationCursor groupLast;
        qint64 read = 0;
        const Status listed = readRows(
            group, columns,
            [&](const QSqlQuery &row) {
                ++read;
                if (skip > 0) {
                    --skip;
                    return row.value(0).toLongLong();
                }
                return visit(row);
            },
            &groupLast);
        if (!listed)
            return listed.error();
        if (read > 0 && last)
            *last = SimulationCursor {key, groupLast.id};
        remaining -= read;
    }
    if (filter.nameProbe)
        filter.nameProbe->queryMatches = queryMatches;
    return true;
}

Status SimulationLister::readRows(const SimulationQuery &filter, const QString &columns,
                                  const std::function<qint64(const QSqlQuery &row)> &visit,
                                  SimulationCursor *last)
{
    const Result<bool> grouped = readGroups(filter, columns, visit, last);
    if (!grouped)
        return grouped.error();
    if (grouped.value())
        return success();
    // On SQLite a name's plan reads the blocks of ids and counts matches in them: they and the
    // page describe one moment (a snapshot costs SQLite no round trip).
    std::optional<sql::ReadSnapshot> snapshot;
    if (!m_database.isPostgreSql() && !filter.nameContains.isEmpty())
        snapshot.emplace(m_database);
    NameSearch search(m_database, filter.nameContains, filter.nameProbe);
    if (const Status planned = search.planPage(filter); !planned)
        return planned;
    return readPlannedPage(filter, search, columns, visit, last);
}

Status SimulationLister::readPlannedPage(const SimulationQuery &filter, NameSearch &search,
                                         const QString &columns,
                                         const std::function<qint64(const QSqlQuery &row)> &visit,
                                         SimulationCursor *last)
{
    const Status read = readPlanned(filter, search, columns, visit, last);
    if (!read || !search.passedBound())
        return read;
    // More matches than the planner counted (NameSearch::everyMatchBound): planned again,
    // knowing so, the page blocks or walks.
    if (const Status planned = search.planPage(filter); !planned)
        return planned;
    const Status again = readPlanned(filter, search, columns, visit, last);
    if (again && search.passedBound())
        return Error::internal(u"a page of a name passed its bound twice"_s);
    return again;
}

Status SimulationLister::readPlanned(const SimulationQuery &filter, NameSearch &search,
                                     const QString &columns,
                                     const std::function<qint64(const QSqlQuery &row)> &visit,
                                     SimulationCursor *last)
{
    const SimulationListQuery list(filter, m_database.isPostgreSql(), &search);
    qint64 remaining = filter.limit;
    // What is left of an offset spread over the statements.
    qint64 skip = list.offsetSpansStatements() ? filter.offset : 0;
    const QList<SqlStatement> statements = list.selects(columns, filter.limit);
    for (SqlStatement statement : statements) {
        if (remaining == 0)
            break;
        if (remaining > 0)
            statement.values[statement.values.size() - 2] = remaining; // LIMIT
        if (list.offsetSpansStatements())
            statement.values.last() = skip; // OFFSET
        const Result<bool> read
            = readStatement(statement, list, search, filter, visit, last, &remaining);
        if (!read)
            return read.error();
        if (search.passedBound())
            return success(); // nothing given: the page is planned again
        if (skip > 0) {
            if (read.value()) {
                skip = 0; // the offset ended in this statement's rows
            } else {
                // It held no more rows than were left to skip: how many it held.
                statement.values.resize(statement.values.size() - 2);
                auto held = sql::runValueDependent(m_database, statement.countText,
                                                   statement.values, u"list simulations"_s);
                if (!held)
                    return held.error();
                skip -= sql::readCount(*held.value());
            }
        }
    }
    return success();
}

Result<bool>
SimulationLister::readStatement(const SqlStatement &statement, const SimulationListQuery &list,
                                NameSearch &search, const SimulationQuery &filter,
                                const std::function<qint64(const QSqlQuery &row)> &visit,
                                SimulationCursor *last, qint64 *remaining)
{
    auto query = sql::runValueDependent(m_database, statement.text, statement.values,
                                        u"list simulations"_s);
    if (!query)
        return query.error();
    QSqlQuery &rows = *query.value();
    // The sort key follows the columns, the count of every match the key.
    const bool counts = list.countsEveryMatch();
    const int keyColumn = rows.record().count() - (counts ? 2 : 1);
    bool first = true;
    while (rows.next()) {
        const bool firstRow = std::exchange(first, false);
        if (counts && firstRow) {
            const qint64 matches = rows.value(keyColumn + 1).toLongLong();
            if (const qint64 bound = list.everyMatchBound(); bound > 0 && matches >= bound) {
                if (const Status learnt = search.learnMatchesBeyond(bound); !learnt)
                    return learnt.error();
                return false;
            }
            search.rememberQueryMatches(matches);
        }
        const qint64 id = visit(rows);
        if (firstRow)
            search.rememberPageStart(filter, id);
        if (last) {
            QVariant key = rows.value(keyColumn);
            if (key.typeId() == QMetaType::Double) // 17 digits read back the same double
                key = QString::number(key.toDouble(), 'g', 17);
            *last = SimulationCursor {key, id};
        }
        if (*remaining > 0)
            --*remaining;
    }
    return !first;
}

Result<std::optional<qint64>> SimulationLister::position(const SimulationQuery &filter, qint64 id)
{
    const sql::ReadSnapshot snapshot(m_database); // the run found is the one counted
    QVariantList values;
    const NameSearch search(m_database, filter.nameContains, filter.nameProbe);
    const SimulationListQuery list(filter, m_database.isPostgreSql(), &search);
    const QString where = list.where(&values);
    const QString andWhere = where.isEmpty() ? u" WHERE "_s : where + u" AND "_s;
    auto member
        = sql::run(m_database, u"SELECT 1 FROM simulations"_s + andWhere + u"simulation_id = ?"_s,
                   values + QVariantList {id}, u"find a simulation's row"_s);
    if (!member)
        return member.error();
    if (!member.value().next())
        return std::optional<qint64>();
    if (SimulationBlocks::places(filter)) {
        const Result<std::optional<qint64>> placed
            = SimulationBlocks(m_database).rowsBefore(filter, id);
        if (!placed || placed.value())
            return placed;
    }
    if (SimulationKeyRanges::places(filter)) {
        const Result<std::optional<qint64>> placed
            = SimulationKeyRanges(m_database).rowsBefore(filter, id);
        if (!placed || placed.value())
            return placed;
    }
    // The rows before it: smaller (larger, descending) in the order's key, then in the id.
    const QString key = SimulationListQuery::orderExpression(list.effectiveOrder());
    auto before = sql::run(m_database,
                           u"SELECT COUNT(*) FROM simulations"_s + andWhere + u"("_s + key
                               + u", simulation_id) "_s + (filter.descending ? u">"_s : u"<"_s)
                               + u" (SELECT "_s + key
                               + u", simulation_id FROM simulations WHERE simulation_id = ?)"_s,
                           values + QVariantList {id}, u"find a simulation's row"_s);
    if (!before)
        return before.error();
    if (!before.value().next())
        return Error::internal(u"counting the rows before a simulation returned nothing"_s);
    return std::optional<qint64>(before.value().value(0).toLongLong());
}

Status SimulationLister::foldNames()
{
    sql::Transaction transaction(m_database);
    auto unfolded = sql::run(m_database,
                             u"SELECT simulation_id, name FROM simulations "
                             "WHERE name_folded IS NULL"_s,
                             {}, u"find names to fold"_s);
    if (!unfolded)
        return unfolded.error();
    QList<QPair<qint64, QString>> names;
    while (unfolded.value().next())
        names.append(
            {unfolded.value().value(0).toLongLong(), unfolded.value().value(1).toString()});
    if (!names.isEmpty())
        qCInfo(lcStorage) << "folding the names of" << names.size() << "runs";
    for (const auto &[id, name] : std::as_const(names)) {
        auto folded = sql::run(
            m_database,
            u"UPDATE simulations SET name_folded = ?, name_key = ? WHERE simulation_id = ?"_s,
            {name.toCaseFolded(), naturalSortKey(name), id}, u"fold a name"_s);
        if (!folded)
            return folded.error();
    }
    return transaction.commit();
}

} // namespace aisim
