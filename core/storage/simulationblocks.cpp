#include "simulationblocks.h"

#include "database.h"
#include "logging.h"
#include "simulationcounter.h"
#include "simulationlistquery.h"
#include "sqlsupport.h"

#include <QRandomGenerator>
#include <QThread>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
using OrderBy = SimulationQuery::OrderBy;

OrderBy orderOf(const SimulationQuery &query)
{
    return SimulationListQuery(query, false).effectiveOrder();
}

// The status order's place of a status, as SimulationListQuery::orderExpression gives it: the
// lifecycle's, which SimulationStatus follows.
int statusRank(const QString &status)
{
    const std::optional<SimulationStatus> known = statusFromString(status);
    return known ? int(*known) : int(SimulationStatus::Cancelled);
}

// The orders placed by the spans of their keys in each block (migrations 017, 021, 024), and
// the columns of simulation_blocks that bound them.
bool spanned(OrderBy order)
{
    return order == OrderBy::CreationDate || order == OrderBy::Name || order == OrderBy::UpdateDate;
}

QString spanColumns(OrderBy order)
{
    switch (order) {
    case OrderBy::Name:
        return u"MIN(first_name_key), MAX(last_name_key)"_s;
    case OrderBy::UpdateDate:
        return u"MIN(first_updated), MAX(last_updated)"_s;
    default:
        return u"MIN(first_created), MAX(last_created)"_s;
    }
}

// A key of a spanned order as bytes that compare as the database compares the keys: a name's
// UTF-8 (the name key's COLLATE "C" on PostgreSQL, BINARY on SQLite), a date's eight bytes
// from the highest, its sign flipped.
QByteArray sortable(OrderBy order, const QVariant &key)
{
    if (order == OrderBy::Name)
        return key.toString().toUtf8();
    const quint64 value = quint64(key.toLongLong()) ^ (quint64(1) << 63);
    QByteArray bytes(8, Qt::Uninitialized);
    for (int i = 0; i < 8; ++i)
        bytes[i] = char(value >> (56 - 8 * i));
    return bytes;
}

// Keys as read from the database: a status's name, a machine's id, or null.
bool sameKey(const QVariant &a, const QVariant &b)
{
    return a.isNull() == b.isNull() && a.toString() == b.toString();
}
} // namespace

bool SimulationBlocks::places(const SimulationQuery &query)
{
    if (query.verdict || !query.nameContains.isEmpty())
        return false;
    switch (orderOf(query)) {
    case OrderBy::Id:
    case OrderBy::CreationDate:
    case OrderBy::Name:
    case OrderBy::UpdateDate:
    case OrderBy::Status:
    case OrderBy::Machine:
        return true;
    default:
        return false;
    }
}

Result<QList<SimulationBlocks::Span>> SimulationBlocks::readSpans(OrderBy order)
{
    auto rows = sql::readKept(m_database,
                              u"SELECT block, CAST(SUM(runs) AS BIGINT), "_s + spanColumns(order)
                                  + u" FROM simulation_blocks GROUP BY block HAVING SUM(runs) > 0 "
                                    "ORDER BY block"_s,
                              {}, u"read the blocks of runs"_s);
    if (!rows)
        return rows.error();
    QList<Span> spans;
    for (sql::KeptRows &row = rows.value(); row.next();)
        spans.append(
            {row.value(0).toLongLong(), row.value(1).toLongLong(), row.value(2), row.value(3)});
    return spans;
}

Result<SimulationBlocks::Blocks> SimulationBlocks::read(const SimulationQuery &query)
{
    const OrderBy order = orderOf(query);
    const bool keyed = order == OrderBy::Status || order == OrderBy::Machine;
    Blocks read;
    if (spanned(order) || (!keyed && !query.status && !query.machineId)) {
        Result<QList<Span>> spans = readSpans(order);
        if (!spans)
            return spans.error();
        read.spans = std::move(spans.value());
    }
    // Without filters in the id order or a spanned one, the runs of each block, as read with
    // the spans; else those of each machine and status in each block (migration 027), summed per
    // key of the order.
    if (!keyed && !query.status && !query.machineId) {
        Group all;
        for (const Span &span : std::as_const(read.spans)) {
            all.blocks.append({span.block, span.runs});
            all.runs += span.runs;
        }
        read.total = all.runs;
        read.groups.append(std::move(all));
        return read;
    }
    QVariantList values;
    const QString where = SimulationCounter::countedWhere(query, &values);
    // The key the counts are summed by, in the status and the machine order.
    const QString key = order == OrderBy::Status ? u"status"_s
        : order == OrderBy::Machine              ? u"machine_id"_s
                                                 : QString();
    const QString groups = key.isEmpty() ? u"block"_s : key + u", block"_s;
    const QString statement = u"SELECT "_s + (key.isEmpty() ? u"NULL"_s : key)
        + u", block, CAST(SUM(runs) AS BIGINT) FROM simulation_block_runs"_s + where
        + u" GROUP BY "_s + groups + u" HAVING SUM(runs) > 0 ORDER BY "_s + groups;
    auto rows = sql::readKept(m_database, statement, values, u"read the blocks of runs"_s);
    if (!rows)
        return rows.error();
    for (sql::KeptRows &row = rows.value(); row.next();) {
        const QVariant key = row.value(0);
        if (read.groups.isEmpty() || !sameKey(read.groups.constLast().key, key))
            read.groups.append({key, {}, 0});
        Group &group = read.groups.last();
        group.blocks.append({row.value(1).toLongLong(), row.value(2).toLongLong()});
        group.runs += group.blocks.constLast().runs;
        read.total += group.blocks.constLast().runs;
    }
    if (order == OrderBy::Status) {
        std::sort(read.groups.begin(), read.groups.end(), [](const Group &a, const Group &b) {
            return statusRank(a.key.toString()) < statusRank(b.key.toString());
        });
    }
    return read;
}

QString SimulationBlocks::conditions(const SimulationQuery &query, const Group &group,
                                     QVariantList *values)
{
    QStringList conditions;
    const OrderBy order = orderOf(query);
    if (query.status || order == OrderBy::Status) {
        conditions << u"status = ?"_s;
        values->append(query.status ? statusName(*query.status) : group.key.toString());
    }
    if (query.machineId || order == OrderBy::Machine) {
        conditions << u"machine_id = ?"_s;
        values->append(query.machineId ? QVariant(*query.machineId) : group.key);
    }
    return conditions.isEmpty() ? QString() : conditions.join(u" AND "_s) + u" AND "_s;
}

QList<SimulationBlocks::Bounded> SimulationBlocks::Blocks::bounded(OrderBy order) const
{
    QHash<qint64, qsizetype> at; // by block
    QList<Bounded> bounded;
    for (const Span &span : spans) {
        if (span.first.isNull() || span.last.isNull())
            return {};
        at.insert(span.block, bounded.size());
        bounded.append({span, 0, sortable(order, span.first), sortable(order, span.last)});
    }
    // The query's rows of each block: one group in a spanned order.
    for (const Group &group : groups) {
        for (const Block &block : group.blocks) {
            const auto in = at.constFind(block.block);
            if (in == at.cend())
                return {}; // counted runs in a block the spans hold none of: changed by hand
            bounded[*in].runs += block.runs;
        }
    }
    std::sort(bounded.begin(), bounded.end(), [](const Bounded &a, const Bounded &b) {
        return a.firstKey != b.firstKey ? a.firstKey < b.firstKey : a.span.block < b.span.block;
    });
    return bounded;
}

// Deleted runs leave a span as it was, wider than its runs': a block may be counted among those
// holding the cut that no longer does, never left out.
SimulationBlocks::Below SimulationBlocks::below(OrderBy order, const QList<Bounded> &bounded,
                                                const QVariant &cut, bool atCut)
{
    const QByteArray cutKey = sortable(order, cut);
    Below below;
    QByteArray toKey;
    for (const Bounded &block : bounded) {
        if (block.firstKey > cutKey || (block.firstKey == cutKey && !atCut))
            continue;
        below.runs += block.runs;
        if (block.lastKey >= cutKey) {
            below.straddling.append(block.span.block);
            if (below.to.isNull() || block.lastKey > toKey) {
                below.to = block.span.last;
                toKey = block.lastKey;
            }
        }
    }
    for (const Bounded &block : bounded) {
        if (!below.straddling.isEmpty() && block.firstKey <= toKey && block.lastKey >= cutKey)
            below.entries += block.runs;
    }
    return below;
}

Result<std::optional<SimulationCursor>> SimulationBlocks::rowBefore(const SimulationQuery &query)
{
    const Result<Blocks> read = this->read(query);
    if (!read)
        return read.error();
    const Blocks &blocks = read.value();
    // The row before the page, by its position in the ascending order: offset - 1, or, the
    // order descending, total - offset; then the key and the block that hold it.
    const qint64 position = query.descending ? blocks.total - query.offset : query.offset - 1;
    if (position < 0 || position >= blocks.total)
        return std::optional<SimulationCursor>();
    const OrderBy order = orderOf(query);
    if (spanned(order))
        return rowAfterCut(query, blocks, position);
    qint64 runsBefore = 0;
    qsizetype in = 0;
    while (runsBefore + blocks.groups.at(in).runs <= position)
        runsBefore += blocks.groups.at(in++).runs;
    const Group &group = blocks.groups.at(in);
    qsizetype at = 0;
    while (runsBefore + group.blocks.at(at).runs <= position)
        runsBefore += group.blocks.at(at++).runs;
    const qint64 block = group.blocks.at(at).block;
    const qint64 lowestId = block * kIds;
    QVariantList values;
    const QString where = conditions(query, group, &values);
    values << lowestId << lowestId + kIds << position - runsBefore;
    return readCursor(u"SELECT "_s + SimulationListQuery::orderExpression(order)
                          + u", simulation_id FROM simulations WHERE "_s + where
                          + u"simulation_id >= ? AND simulation_id < ? ORDER BY simulation_id "
                            "LIMIT 1 OFFSET ?"_s,
                      values);
}

namespace {
// The blocks' ids as a condition on the table (numbers the blocks read gave, not values).
QString inBlocks(const QList<qint64> &blocks)
{
    QStringList numbers;
    for (const qint64 block : blocks)
        numbers << QString::number(block);
    return u"simulation_id / %1 IN ("_s.arg(SimulationBlocks::kIds) + numbers.join(u", "_s)
        + u")"_s;
}
} // namespace

Result<std::optional<SimulationCursor>>
SimulationBlocks::rowAfterCut(const SimulationQuery &query, const Blocks &blocks, qint64 position)
{
    const OrderBy order = orderOf(query);
    const QList<Bounded> bounded = blocks.bounded(order);
    if (bounded.isEmpty())
        return std::optional<SimulationCursor>();
    // The cut: the highest first key of a block below which at most `position` rows can lie,
    // the runs of the blocks whose spans start below it.
    qsizetype cutAt = 0;
    qint64 upTo = 0;
    for (qsizetype i = 0; i < bounded.size(); ++i) {
        if (i > 0 && bounded.at(i).firstKey != bounded.at(i - 1).firstKey) {
            if (upTo > position)
                break;
            cutAt = i;
        }
        upTo += bounded.at(i).runs;
    }
    const QVariant cut = bounded.at(cutAt).span.first;
    const Below below = SimulationBlocks::below(order, bounded, cut, false);
    // Unless the order's index from the nearer end of all rows reads fewer entries.
    if (below.entries + position - below.runs > std::min(position, blocks.total - 1 - position))
        return std::optional<SimulationCursor>();
    qint64 rowsBelow = below.runs;
    if (!below.straddling.isEmpty()) {
        const Result<qint64> above = countAbove(query, below, cut, std::nullopt);
        if (!above)
            return above.error();
        rowsBelow -= above.value();
        if (rowsBelow < 0)
            return std::optional<SimulationCursor>(); // counts changed by hand
    }
    const QString key = SimulationListQuery::orderExpression(order);
    QVariantList values;
    const QString where = conditions(query, Group(), &values);
    values << cut << position - rowsBelow;
    return readCursor(u"SELECT "_s + key + u", simulation_id FROM simulations WHERE "_s + where
                          + key + u" >= ? ORDER BY "_s + key
                          + u", simulation_id LIMIT 1 OFFSET ?"_s,
                      values);
}

Result<std::optional<SimulationCursor>> SimulationBlocks::readCursor(const QString &statement,
                                                                     const QVariantList &values)
{
    auto before = sql::readKept(m_database, statement, values,
                                u"find the row before a page in its block"_s);
    if (!before)
        return before.error();
    sql::KeptRows &found = before.value();
    if (!found.next()) {
        // Counts changed by hand, without their triggers: the order's index still knows.
        qCWarning(lcStorage) << "the blocks of runs count more runs than their rows hold; "
                                "reading the order's index instead";
        return std::optional<SimulationCursor>();
    }
    return std::optional<SimulationCursor>({found.value(0), found.value(1).toLongLong()});
}

Result<std::optional<qint64>> SimulationBlocks::rowsBefore(const SimulationQuery &query, qint64 id)
{
    const OrderBy order = orderOf(query);
    // The run's key of the order, where the blocks are counted per key or spanned by it.
    QVariant key;
    if (order == OrderBy::Status || order == OrderBy::Machine || spanned(order)) {
        auto run = sql::readKept(m_database,
                                 u"SELECT "_s
                                     + (order == OrderBy::Status
                                            ? u"status"_s
                                            : SimulationListQuery::orderExpression(order))
                                     + u" FROM simulations WHERE simulation_id = ?"_s,
                                 {id}, u"read the key of a run"_s);
        if (!run)
            return run.error();
        if (!run.value().next())
            return std::optional<qint64>();
        key = run.value().value(0);
    }
    const Result<Blocks> read = this->read(query);
    if (!read)
        return read.error();
    const Blocks &blocks = read.value();
    const Result<std::optional<qint64>> ascending = spanned(order)
        ? rowsBelowKey(query, blocks, key, id)
        : rowsInBlock(query, blocks, key, id);
    if (!ascending || !ascending.value())
        return ascending;
    const qint64 rows = *ascending.value();
    return std::optional<qint64>(query.descending ? blocks.total - 1 - rows : rows);
}

Result<std::optional<qint64>> SimulationBlocks::rowsInBlock(const SimulationQuery &query,
                                                            const Blocks &blocks,
                                                            const QVariant &key, qint64 id)
{
    qint64 runsBefore = 0;
    const Group *group = nullptr;
    for (const Group &each : blocks.groups) {
        if (sameKey(each.key, key)) {
            group = &each;
            break;
        }
        runsBefore += each.runs;
    }
    const qint64 block = id / kIds;
    qsizetype at = 0;
    if (group) {
        while (at < group->blocks.size() && group->blocks.at(at).block < block)
            runsBefore += group->blocks.at(at++).runs;
    }
    if (!group || at == group->blocks.size() || group->blocks.at(at).block != block) {
        qCWarning(lcStorage) << "the blocks of runs hold no block for run" << id
                             << "; counting the rows before it instead";
        return std::optional<qint64>();
    }
    const qint64 lowestId = block * kIds;
    QVariantList values;
    const QString where = conditions(query, *group, &values);
    values << lowestId << id;
    auto within = sql::runKept(m_database,
                               u"SELECT COUNT(*) FROM simulations WHERE "_s + where
                                   + u"simulation_id >= ? AND simulation_id < ?"_s,
                               values, u"count the rows before a run in its block"_s);
    if (!within)
        return within.error();
    return std::optional<qint64>(runsBefore + sql::readCount(*within.value()));
}

Result<std::optional<qint64>> SimulationBlocks::rowsBelowKey(const SimulationQuery &query,
                                                             const Blocks &blocks,
                                                             const QVariant &key, qint64 id)
{
    const OrderBy order = orderOf(query);
    const Below below = SimulationBlocks::below(order, blocks.bounded(order), key, true);
    if (!below.straddling.contains(id / kIds)) {
        qCWarning(lcStorage) << "the spans of the blocks of runs hold no key of run" << id
                             << "; counting the rows before it instead";
        return std::optional<qint64>();
    }
    // Counting every row before the run costs less.
    if (below.entries > blocks.total / 2)
        return std::optional<qint64>();
    const Result<qint64> above = countAbove(query, below, key, id);
    if (!above)
        return above.error();
    return std::optional<qint64>(below.runs - above.value());
}

Result<qint64> SimulationBlocks::countAbove(const SimulationQuery &query, const Below &below,
                                            const QVariant &cut, std::optional<qint64> id)
{
    const QString key = SimulationListQuery::orderExpression(orderOf(query));
    QVariantList values;
    const QString where = conditions(query, Group(), &values);
    values << cut;
    if (id)
        values << *id;
    values << below.to;
    const QString from
        = id ? QString(u"("_s + key + u", simulation_id) >= (?, ?)"_s) : QString(key + u" >= ?"_s);
    auto above
        = sql::runKept(m_database,
                       u"SELECT COUNT(*) FROM simulations WHERE "_s + where + from + u" AND "_s
                           + key + u" <= ? AND "_s + inBlocks(below.straddling),
                       values, u"count the rows at or above a key in the blocks holding it"_s);
    if (!above)
        return above.error();
    return sql::readCount(*above.value());
}

Status SimulationBlocks::tidy(Database &database)
{
    if (!database.isPostgreSql())
        return success();
    for (const QString &fold :
         {u"SELECT simulation_blocks_fold()"_s, u"SELECT simulation_block_runs_fold()"_s}) {
        auto folded = sql::run(database, fold, {}, u"fold the blocks of runs"_s);
        if (!folded)
            return folded.error();
    }
    return success();
}

namespace {

// SQLite: the lowest block above the one given whose names' characters are still to gather
// (below the newest unless newest is set), nullopt where none is.
Result<std::optional<qint64>> blockToGather(Database &database, bool newest, qint64 above)
{
    auto pending = sql::run(database,
                            u"SELECT MIN(block) FROM simulation_blocks WHERE grams_pending > 0 "
                            "AND block > ? "
                            "AND (? OR block < (SELECT MAX(block) FROM simulation_blocks))"_s,
                            {above, newest}, u"find a block whose names' characters to gather"_s);
    if (!pending)
        return pending.error();
    if (!pending.value().next() || pending.value().isNull(0))
        return std::optional<qint64>();
    return std::optional<qint64>(pending.value().value(0).toLongLong());
}

// SQLite: the ids of a block whose names one transaction gathers (gatherOneBlock).
constexpr qint64 kGatheredIds = 512;

// SQLite: adds the three characters of the names with ids first to last to those of the block,
// with the number of those names that hold each.
Status addGrams(Database &database, qint64 block, qint64 first, qint64 last)
{
    const auto added = sql::change(
        database,
        u"WITH RECURSIVE position (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM position "
        "WHERE i < (SELECT MAX(length(name_folded)) FROM simulations "
        "WHERE simulation_id BETWEEN ? AND ?) - 2) "
        "INSERT INTO simulation_block_grams (gram, block, names) "
        "SELECT gram, ?, COUNT(*) FROM (SELECT DISTINCT simulation_id, "
        "substr(name_folded, i, 3) AS gram FROM simulations "
        "JOIN position ON i <= length(name_folded) - 2 "
        "WHERE simulation_id BETWEEN ? AND ? AND name_folded IS NOT NULL) WHERE true "
        "GROUP BY gram ON CONFLICT (gram, block) DO UPDATE SET names = names + excluded.names"_s,
        {first, last, block, first, last}, u"gather the characters of a block's names"_s);
    if (!added)
        return added.error();
    return success();
}

// SQLite writes one transaction at a time, and a writer waits while one gathers: a block is
// gathered a part of its ids at a time, each part a transaction of its own, a millisecond apart.
// The first part replaces the block's rows (migration 033: their counts start afresh) and gives
// the block's row an epoch of its own (migration 032); each later part goes on only while the
// row has that epoch: a row made afresh, once every run of the block was deleted, has another,
// and so does one whose gathering another process began since. The names the block counted to
// gather when the first part began are taken off its count with the last; those added, deleted
// or renamed since stay to gather, by a later call. The lowest block above *above, which becomes
// the block; false where none is left.
Result<bool> gatherBlockInParts(Database &database, bool newest, qint64 *above)
{
    // Most calls find nothing to gather: they look without taking the write lock.
    const auto seen = blockToGather(database, newest, *above);
    if (!seen)
        return seen.error();
    if (!seen.value())
        return false;
    const qint64 block = *seen.value();
    *above = block;
    const qint64 first = block * SimulationBlocks::kIds;
    const qint64 end = first + SimulationBlocks::kIds;
    QVariant counted;
    QVariant epoch;
    for (qint64 part = first; part < end; part += kGatheredIds) {
        // The process's writers take turns on a mutex that does not queue them (sqlsupport.h):
        // writers waiting meanwhile go first.
        if (part != first)
            QThread::msleep(1);
        sql::Transaction transaction(database);
        if (!transaction.isActive())
            return transaction.beginError();
        if (part == first) {
            auto read = sql::run(database,
                                 u"SELECT grams_pending FROM simulation_blocks "
                                 "WHERE block = ? AND grams_pending > 0"_s,
                                 {block}, u"read a block's names to gather"_s);
            if (!read)
                return read.error();
            if (!read.value().next())
                return true; // gathered meanwhile by another process
            counted = read.value().value(0);
            epoch = qint64(QRandomGenerator::global()->generate64() >> 1);
            if (const auto begun = sql::change(
                    database, u"UPDATE simulation_blocks SET grams_epoch = ? WHERE block = ?"_s,
                    {epoch, block}, u"begin gathering a block's names"_s);
                !begun)
                return begun.error();
            if (const auto forgotten
                = sql::change(database, u"DELETE FROM simulation_block_grams WHERE block = ?"_s,
                              {block}, u"forget a block's characters"_s);
                !forgotten)
                return forgotten.error();
        } else {
            auto ours = sql::run(database,
                                 u"SELECT 1 FROM simulation_blocks "
                                 "WHERE block = ? AND grams_epoch = ?"_s,
                                 {block, epoch}, u"read who gathers a block's names"_s);
            if (!ours)
                return ours.error();
            if (!ours.value().next())
                return true; // made afresh, or gathered by another process since
        }
        if (const Status added = addGrams(database, block, part, part + kGatheredIds - 1); !added)
            return added.error();
        if (part + kGatheredIds >= end) {
            if (const auto marked
                = sql::change(database,
                              u"UPDATE simulation_blocks SET grams_pending = grams_pending - ? "
                              "WHERE block = ? AND grams_epoch IS ? AND grams_pending >= ?"_s,
                              {counted, block, epoch, counted}, u"mark a block's names gathered"_s);
                !marked)
                return marked.error();
        }
        if (const Status committed = transaction.commit(); !committed)
            return committed.error();
    }
    return true;
}

// Gathers one block's characters; false where none was left (or, on PostgreSQL, writers hold
// its rows). On SQLite in parts, above *above (gatherBlockInParts).
Result<bool> gatherOneBlock(Database &database, bool newest, qint64 *above)
{
    if (!database.isPostgreSql())
        return gatherBlockInParts(database, newest, above);
    // One statement, one transaction: the function locks, reads and marks (migration 031).
    // Kept: the upkeep runs it every tick.
    auto folded = sql::runKept(database, u"SELECT simulation_block_grams_fold(?)"_s, {newest},
                               u"gather the characters of the blocks' names"_s);
    if (!folded)
        return folded.error();
    return folded.value()->next() && !folded.value()->isNull(0);
}

} // namespace

Result<int> SimulationBlocks::foldGrams(Database &database, int maxBlocks, bool newest)
{
    int gathered = 0;
    qint64 above = -1; // on SQLite, each block once a call: its names added meanwhile wait
    while (gathered < maxBlocks) {
        const Result<bool> one = gatherOneBlock(database, newest, &above);
        if (!one)
            return one.error();
        if (!one.value())
            break;
        ++gathered;
    }
    return gathered;
}

} // namespace aisim
