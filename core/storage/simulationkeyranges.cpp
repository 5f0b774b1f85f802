#include "simulationkeyranges.h"

#include "database.h"
#include "logging.h"
#include "simulationcounter.h"
#include "simulationlistquery.h"
#include "sqlsupport.h"

#include <QSqlError>
#include <QSqlQuery>

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>
#include <utility>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
using OrderBy = SimulationQuery::OrderBy;

// The key every run without the statistic sorts at (SimulationListQuery::orderExpression), and
// the low end of the range that begins there (migration 028).
constexpr double kWithout = 1e308;
// The pending or running runs with the statistic read at most; past them the order's index is
// walked.
constexpr qint64 kLiveRead = 10'000;

OrderBy orderOf(const SimulationQuery &query)
{
    return SimulationListQuery(query, false).effectiveOrder();
}

// The orders the ranges place, by their names in the tables of migrations 028 and 029.
constexpr std::pair<OrderBy, const char16_t *> kOrders[] {
    {OrderBy::FinalLoss, u"final_loss"}, {OrderBy::BestLoss, u"best_loss"},
    {OrderBy::Rate, u"loss_rate"},       {OrderBy::Duration, u"duration"},
    {OrderBy::Progress, u"progress"},    {OrderBy::Verdict, u"verdict"},
};

QString orderKey(OrderBy order)
{
    for (const auto &[each, name] : kOrders) {
        if (each == order)
            return QString::fromUtf16(name);
    }
    return QString();
}

std::optional<OrderBy> orderNamed(const QString &name)
{
    for (const auto &[each, named] : kOrders) {
        if (name == QStringView(named))
            return each;
    }
    return std::nullopt;
}

// The order's key as a double, as the triggers place a run in its ranges: PostgreSQL's
// duration is a BIGINT and its progress a numeric; a verdict is placed by its rank in the order
// (the text's).
QString keyAsDouble(OrderBy order, bool postgreSql)
{
    if (order == OrderBy::Verdict)
        return u"CAST(CASE verdict WHEN 'converging' THEN 0 WHEN 'diverging' THEN 1 "
               "WHEN 'stalled' THEN 2 ELSE 3 END AS DOUBLE PRECISION)"_s;
    const QString key = SimulationListQuery::orderExpression(order);
    return postgreSql && (order == OrderBy::Duration || order == OrderBy::Progress)
        ? u"CAST("_s + key + u" AS DOUBLE PRECISION)"_s
        : key;
}

// The order's key in full, as a page's cursor and the order's index take it: PostgreSQL's
// progress as the text of its numeric (SimulationListQuery::selects).
QString keyInFull(OrderBy order, bool postgreSql)
{
    const QString key = SimulationListQuery::orderExpression(order);
    return postgreSql && order == OrderBy::Progress ? u"CAST("_s + key + u" AS TEXT)"_s : key;
}

// The placeholder of a key in full, compared with the order's key in its index's type.
QString keyPlaceholder(OrderBy order, bool postgreSql)
{
    return postgreSql && order == OrderBy::Progress ? u"CAST(? AS NUMERIC)"_s : u"?"_s;
}

// A range's low key in full: its text where the double would not hold it (a verdict, or
// PostgreSQL's progress), a whole duration as an integer (a BIGINT on PostgreSQL, compared in
// its index as one), else the double. The ends of the ranges at ±1e308, which no duration or
// verdict reaches, as the ends of their types.
QVariant lowInFull(OrderBy order, double lowKey, const QVariant &lowText)
{
    if (!lowText.isNull())
        return lowText.toString();
    if (order == OrderBy::Verdict)
        return lowKey < 0 ? u"a"_s : u"zzzz"_s; // below and above every verdict
    if (order == OrderBy::Duration) {
        constexpr double kEnd = 9e18;
        if (lowKey >= kEnd)
            return std::numeric_limits<qint64>::max();
        if (lowKey <= -kEnd)
            return std::numeric_limits<qint64>::min();
        return static_cast<qint64>(lowKey);
    }
    return lowKey;
}

bool ended(SimulationStatus status)
{
    return status == SimulationStatus::Finished || status == SimulationStatus::Failed
        || status == SimulationStatus::Cancelled;
}

// (key, id) < (lowKey, lowId), as the order compares them.
bool before(double key, qint64 id, double lowKey, qint64 lowId)
{
    return std::tie(key, id) < std::tie(lowKey, lowId);
}

// The query's status and machine filters as conditions on the table, each followed by AND;
// their values appended to values where given.
QString filters(const SimulationQuery &query, QVariantList *values)
{
    QString conditions;
    if (query.status) {
        conditions += u"status = ? AND "_s;
        if (values)
            values->append(statusName(*query.status));
    }
    if (query.machineId) {
        conditions += u"machine_id = ? AND "_s;
        if (values)
            values->append(*query.machineId);
    }
    return conditions;
}
} // namespace

bool SimulationKeyRanges::places(const SimulationQuery &query)
{
    if (query.verdict || !query.nameContains.isEmpty() || (query.status && !ended(*query.status)))
        return false;
    return !orderKey(orderOf(query)).isEmpty();
}

Result<std::optional<SimulationKeyRanges::Ranges>>
SimulationKeyRanges::read(const SimulationQuery &query)
{
    const OrderBy order = orderOf(query);
    const QString name = orderKey(order);
    Ranges read;
    // The ranges by their low ends, each with the ended runs of the query it holds.
    {
        QVariantList values;
        const QString where = SimulationCounter::countedWhere(query, &values);
        values << name << name;
        auto rows = sql::readKept(
            m_database,
            u"SELECT r.range_id, r.low_key, r.low_id, r.low_text, COALESCE(c.runs, 0) "
            "FROM simulation_key_ranges AS r LEFT JOIN (SELECT range_id, SUM(runs) AS runs "
            "FROM simulation_key_range_runs"_s
                + (where.isEmpty() ? u" WHERE "_s : where + u" AND "_s)
                + u"order_key = ? GROUP BY range_id) AS c ON c.range_id = r.range_id "
                  "WHERE r.order_key = ? ORDER BY r.low_key, r.low_id"_s,
            values, u"read the ranges of an order"_s);
        if (!rows)
            return rows.error();
        for (sql::KeptRows &row = rows.value(); row.next();) {
            const double lowKey = row.value(1).toDouble();
            read.ranges.append({row.value(0).toLongLong(), lowKey,
                                lowInFull(order, lowKey, row.value(3)), row.value(2).toLongLong(),
                                row.value(4).toLongLong()});
            read.counted += read.ranges.constLast().runs;
        }
    }
    if (read.ranges.isEmpty())
        return std::optional<Ranges>();
    if (query.status)
        return std::optional<Ranges>(std::move(read)); // an ended status: every run counted
    QVariantList values;
    const QString key = keyAsDouble(order, m_database.isPostgreSql());
    QString where = u"status IN ('pending', 'running') AND "_s + key + u" < ?"_s;
    values << kWithout;
    if (query.machineId) {
        where += u" AND machine_id = ?"_s;
        values << *query.machineId;
    }
    values << kLiveRead + 1;
    auto rows = sql::readKept(m_database,
                              u"SELECT "_s + key + u", simulation_id FROM simulations WHERE "_s
                                  + where + u" LIMIT ?"_s,
                              values, u"read the running runs of an order"_s);
    if (!rows)
        return rows.error();
    for (sql::KeptRows &row = rows.value(); row.next();)
        read.live.append({row.value(0).toDouble(), row.value(1).toLongLong()});
    if (read.live.size() > kLiveRead)
        return std::optional<Ranges>();
    // Sorted here: ordered in SQL, SQLite would walk the order's index rather than seek the
    // status index's few rows.
    std::sort(read.live.begin(), read.live.end(),
              [](const Live &a, const Live &b) { return before(a.key, a.id, b.key, b.id); });
    return std::optional<Ranges>(std::move(read));
}

QList<qint64> SimulationKeyRanges::rowsBelow(const Ranges &ranges)
{
    QList<qint64> below;
    below.reserve(ranges.ranges.size());
    qint64 ended = 0;
    qsizetype live = 0;
    for (const Range &range : ranges.ranges) {
        // The lowest range holds every row below the next.
        if (below.isEmpty()) {
            below.append(0);
            ended += range.runs;
            continue;
        }
        while (
            live < ranges.live.size()
            && before(ranges.live.at(live).key, ranges.live.at(live).id, range.lowKey, range.lowId))
            ++live;
        below.append(ended + live);
        ended += range.runs;
    }
    return below;
}

qsizetype SimulationKeyRanges::firstWithout(const Ranges &ranges)
{
    const auto found = std::find_if(ranges.ranges.cbegin(), ranges.ranges.cend(),
                                    [](const Range &range) { return range.lowKey >= kWithout; });
    return found - ranges.ranges.cbegin();
}

Result<std::optional<SimulationCursor>>
SimulationKeyRanges::rowFrom(const SimulationQuery &query, const Range *low, qint64 offset)
{
    const OrderBy order = orderOf(query);
    const bool postgreSql = m_database.isPostgreSql();
    const QString key = SimulationListQuery::orderExpression(order);
    const QString bound = keyPlaceholder(order, postgreSql);
    // The rows from the low end: those of its key from its id on, then those of higher keys.
    // Each is one range of the order's index (SQLite does not seek an index of an expression by
    // a row of values); the second is read only when the first holds no more than the offset,
    // and then it holds at most that many.
    QVariantList values;
    const QString where = u"SELECT "_s + keyInFull(order, postgreSql)
        + u", simulation_id FROM simulations WHERE "_s + filters(query, &values);
    QList<std::pair<QString, QVariantList>> pieces;
    if (low) {
        pieces.append({key + u" = "_s + bound + u" AND simulation_id >= ? ORDER BY simulation_id"_s,
                       {low->low, low->lowId}});
        pieces.append(
            {key + u" > "_s + bound + u" ORDER BY "_s + key + u", simulation_id"_s, {low->low}});
    } else {
        pieces.append({u"1 = 1 ORDER BY "_s + key + u", simulation_id"_s, {}});
    }
    for (qsizetype i = 0; i < pieces.size(); ++i) {
        const auto &[condition, bounds] = pieces.at(i);
        auto found = sql::readKept(m_database, where + condition + u" LIMIT 1 OFFSET ?"_s,
                                   values + bounds + QVariantList {offset},
                                   u"find the row before a page in its range"_s);
        if (!found)
            return found.error();
        if (found.value().next())
            return std::optional<SimulationCursor>(
                {found.value().value(0), found.value().value(1).toLongLong()});
        if (i + 1 == pieces.size())
            break;
        QString counted = condition;
        counted.truncate(counted.indexOf(u" ORDER BY"_s));
        auto held = sql::readKept(m_database,
                                  u"SELECT COUNT(*) FROM simulations WHERE "_s
                                      + filters(query, nullptr) + counted,
                                  values + bounds, u"find the row before a page in its range"_s);
        if (!held)
            return held.error();
        offset -= held.value().next() ? held.value().value(0).toLongLong() : 0;
    }
    // Counts changed by hand, without their triggers: the order's index still knows.
    qCWarning(lcStorage) << "the ranges of an order count more runs than their rows hold; "
                            "reading the order's index instead";
    return std::optional<SimulationCursor>();
}

Result<std::optional<SimulationCursor>>
SimulationKeyRanges::rowBefore(const SimulationQuery &query, qint64 total,
                               std::optional<qint64> counted)
{
    const Result<std::optional<Ranges>> read = this->read(query);
    if (!read || !read.value())
        return read ? Result<std::optional<SimulationCursor>>(std::nullopt) : read.error();
    const Ranges &ranges = *read.value();
    // The row before the page, by its position in the ascending order (of the total the reader
    // gave, as the walk from the nearer end places it).
    const qint64 position = query.descending ? total - query.offset : query.offset - 1;
    // The runs not counted, of the counters' total in this snapshot (the reader's may be older).
    if (!counted) {
        const Result<std::optional<qint64>> read
            = SimulationCounter(m_database).countFromCounters(query);
        if (!read || !read.value())
            return read ? Result<std::optional<SimulationCursor>>(std::nullopt) : read.error();
        counted = read.value();
    }
    const qint64 queued = *counted - ranges.counted - ranges.live.size();
    if (position < 0 || position >= *counted || queued < 0)
        return std::optional<SimulationCursor>();
    const QList<qint64> below = rowsBelow(ranges);
    // Runs without the statistic that are not counted (waiting in the queue) lie among the
    // ended ones at the key they all share, in id order: a page there is walked.
    if (const qsizetype without = firstWithout(ranges);
        queued > 0 && (without == below.size() || position >= below.at(without)))
        return std::optional<SimulationCursor>();
    const qsizetype in
        = std::upper_bound(below.cbegin() + 1, below.cend(), position) - below.cbegin() - 1;
    const qint64 within = position - below.at(in);
    // A range not yet split may hold more rows than the walk from the nearer end reads.
    if (within > std::min(position, total - 1 - position))
        return std::optional<SimulationCursor>();
    return rowFrom(query, in == 0 ? nullptr : &ranges.ranges.at(in), within);
}

Result<std::optional<qint64>> SimulationKeyRanges::rowsBefore(const SimulationQuery &query,
                                                              qint64 id)
{
    const OrderBy order = orderOf(query);
    const bool postgreSql = m_database.isPostgreSql();
    const QString key = SimulationListQuery::orderExpression(order);
    const QString bound = keyPlaceholder(order, postgreSql);
    double runKey = 0;
    QVariant runInFull;
    {
        auto run = sql::readKept(m_database,
                                 u"SELECT "_s + keyAsDouble(order, postgreSql) + u", "_s
                                     + keyInFull(order, postgreSql)
                                     + u" FROM simulations WHERE simulation_id = ?"_s,
                                 {id}, u"find a simulation's row"_s);
        if (!run)
            return run.error();
        if (!run.value().next())
            return std::optional<qint64>();
        runKey = run.value().value(0).toDouble();
        runInFull = run.value().value(1);
    }
    const Result<std::optional<qint64>> counted
        = SimulationCounter(m_database).countFromCounters(query);
    if (!counted || !counted.value())
        return counted;
    const qint64 total = *counted.value();
    const Result<std::optional<Ranges>> read = this->read(query);
    if (!read || !read.value())
        return read ? Result<std::optional<qint64>>(std::nullopt) : read.error();
    const Ranges &ranges = *read.value();
    const qint64 queued = total - ranges.counted - ranges.live.size();
    if (queued < 0 || (queued > 0 && runKey >= kWithout))
        return std::optional<qint64>();
    qsizetype in = 0;
    while (in + 1 < ranges.ranges.size()
           && !before(runKey, id, ranges.ranges.at(in + 1).lowKey, ranges.ranges.at(in + 1).lowId))
        ++in;
    // The rows of its range before it, counted in the order's index: those of the range's low
    // key from its low id, of the keys between, and of the run's key below its id.
    QList<std::pair<QString, QVariantList>> pieces;
    const Range &range = ranges.ranges.at(in);
    const QString is = key + u" = "_s + bound;
    if (in > 0 && range.lowKey == runKey) {
        pieces.append({is + u" AND simulation_id >= ? AND simulation_id < ?"_s,
                       {runInFull, range.lowId, id}});
    } else {
        if (in > 0) {
            pieces.append({is + u" AND simulation_id >= ?"_s, {range.low, range.lowId}});
            pieces.append({key + u" > "_s + bound + u" AND "_s + key + u" < "_s + bound,
                           {range.low, runInFull}});
        } else {
            pieces.append({key + u" < "_s + bound, {runInFull}});
        }
        pieces.append({is + u" AND simulation_id < ?"_s, {runInFull, id}});
    }
    QStringList counts;
    QVariantList values;
    for (const auto &[condition, bounds] : std::as_const(pieces)) {
        counts << u"(SELECT COUNT(*) FROM simulations WHERE "_s + filters(query, &values)
                + condition + u")"_s;
        values += bounds;
    }
    auto rows = sql::readKept(m_database, u"SELECT "_s + counts.join(u" + "_s), values,
                              u"find a simulation's row"_s);
    if (!rows)
        return rows.error();
    if (!rows.value().next())
        return Error::internal(u"counting the rows before a simulation returned nothing"_s);
    const qint64 ascending = rowsBelow(ranges).at(in) + rows.value().value(0).toLongLong();
    return std::optional<qint64>(query.descending ? total - 1 - ascending : ascending);
}

Status SimulationKeyRanges::split(Database &database)
{
    if (database.isPostgreSql()) {
        auto folded = sql::run(database, u"SELECT simulation_key_range_runs_fold()"_s, {},
                               u"fold the runs of the ranges of the orders"_s);
        if (!folded)
            return folded.error();
    }
    auto full = sql::run(database,
                         u"SELECT order_key, range_id FROM simulation_key_range_runs "
                         "GROUP BY order_key, range_id HAVING SUM(runs) > ?"_s,
                         {2 * kRuns}, u"find the ranges of the orders to split"_s);
    if (!full)
        return full.error();
    QList<std::pair<OrderBy, qint64>> ranges;
    while (full.value().next()) {
        if (const std::optional<OrderBy> order = orderNamed(full.value().value(0).toString()))
            ranges.append({*order, full.value().value(1).toLongLong()});
    }
    for (const auto &[order, range] : std::as_const(ranges)) {
        if (const Status split = splitRange(database, order, range); !split)
            return split;
    }
    return success();
}

Status SimulationKeyRanges::splitRange(Database &database, OrderBy order, qint64 range)
{
    const QString name = orderKey(order);
    const bool postgreSql = database.isPostgreSql();
    sql::Transaction transaction(database);
    if (!transaction.isActive())
        return transaction.beginError();
    if (postgreSql) {
        // The triggers take ROW SHARE: this waits for the writers that counted a run in the old
        // ranges to commit, and holds off the next until these ranges are in place and counted.
        // Not prepared: PostgreSQL prepares no LOCK.
        QSqlQuery lock(database.connection());
        if (!lock.exec(u"LOCK TABLE simulation_key_ranges IN EXCLUSIVE MODE"_s))
            return Error::internal(u"could not lock the ranges of the orders: "_s
                                   + lock.lastError().text());
    }
    auto bounds = sql::run(
        database,
        u"SELECT r.low_key, r.low_id, r.low_text, "
        "(SELECT COUNT(*) FROM simulation_key_ranges AS b WHERE b.order_key = r.order_key "
        "AND (b.low_key, b.low_id) < (r.low_key, r.low_id)), "
        "(SELECT MAX(range_id) FROM simulation_key_ranges AS m WHERE m.order_key = r.order_key) "
        "FROM simulation_key_ranges AS r WHERE r.order_key = ? AND r.range_id = ?"_s,
        {name, range}, u"split a range of an order"_s);
    if (!bounds)
        return bounds.error();
    if (!bounds.value().next())
        return transaction.commit(); // split meanwhile by another process
    const double lowKey = bounds.value().value(0).toDouble();
    const qint64 lowId = bounds.value().value(1).toLongLong();
    const QVariant lowFull = lowInFull(order, lowKey, bounds.value().value(2));
    const bool lowest = bounds.value().value(3).toLongLong() == 0;
    qint64 nextRange = bounds.value().value(4).toLongLong() + 1;
    auto next = sql::run(database,
                         u"SELECT low_key, low_id, low_text FROM simulation_key_ranges "
                         "WHERE order_key = ? AND (low_key, low_id) > (?, ?) "
                         "ORDER BY low_key, low_id LIMIT 1"_s,
                         {name, lowKey, lowId}, u"split a range of an order"_s);
    if (!next)
        return next.error();
    // The rows in the order's index, from the range's low end up to the next range's.
    const QString key = SimulationListQuery::orderExpression(order);
    const QString bound = u"("_s + keyPlaceholder(order, postgreSql) + u", ?)"_s;
    QString statement = u"SELECT "_s + keyAsDouble(order, postgreSql)
        + u", simulation_id, machine_id, status, "_s + keyInFull(order, postgreSql)
        + u" FROM simulations WHERE status IN ('finished', 'failed', 'cancelled')"_s;
    QVariantList values;
    if (!lowest) {
        statement += u" AND ("_s + key + u", simulation_id) >= "_s + bound;
        values << lowFull << lowId;
    }
    if (next.value().next()) {
        const double nextKey = next.value().value(0).toDouble();
        statement += u" AND ("_s + key + u", simulation_id) < "_s + bound;
        values << lowInFull(order, nextKey, next.value().value(2)) << next.value().value(1);
    }
    auto rows = sql::run(database, statement + u" ORDER BY "_s + key + u", simulation_id"_s, values,
                         u"read the runs of a range of an order"_s);
    if (!rows)
        return rows.error();
    // Every kRuns-th row opens a range; the runs of each counted per machine and status.
    QList<QVariantList> opened;
    std::map<std::tuple<qint64, qint64, QString>, qint64> runs;
    qint64 current = range;
    for (qint64 row = 0; rows.value().next(); ++row) {
        if (row > 0 && row % kRuns == 0) {
            current = nextRange++;
            // The key in full where a double would not hold it (PostgreSQL's progress).
            const QVariant inFull = rows.value().value(4);
            opened.append({name, current, rows.value().value(0), rows.value().value(1),
                           inFull.typeId() == QMetaType::QString ? inFull : QVariant()});
        }
        ++runs[{current, rows.value().value(2).toLongLong(), rows.value().value(3).toString()}];
    }
    auto cleared = sql::run(database,
                            u"DELETE FROM simulation_key_range_runs "
                            "WHERE order_key = ? AND range_id = ?"_s,
                            {name, range}, u"split a range of an order"_s);
    if (!cleared)
        return cleared.error();
    for (const QVariantList &low : std::as_const(opened)) {
        auto added = sql::run(database,
                              u"INSERT INTO simulation_key_ranges (order_key, range_id, low_key, "
                              "low_id, low_text) VALUES (?, ?, ?, ?, ?)"_s,
                              low, u"split a range of an order"_s);
        if (!added)
            return added.error();
    }
    // PostgreSQL's counts in shard 0, as folded.
    const QString shard = database.isPostgreSql() ? u", shard"_s : QString();
    for (const auto &[counted, count] : runs) {
        const auto &[in, machine, status] = counted;
        auto added = sql::run(database,
                              u"INSERT INTO simulation_key_range_runs (order_key, range_id, "
                              "machine_id, status, runs"_s
                                  + shard + u") VALUES (?, ?, ?, ?, ?"_s
                                  + (shard.isEmpty() ? QString() : u", 0"_s) + u")"_s,
                              {name, in, machine, status, count}, u"split a range of an order"_s);
        if (!added)
            return added.error();
    }
    if (!opened.isEmpty())
        qCDebug(lcStorage) << "split a range of" << name << "into" << opened.size() + 1;
    return transaction.commit();
}

} // namespace aisim
