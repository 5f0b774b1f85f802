#include "simulationblocks.h"

#include "database.h"
#include "logging.h"
#include "simulationcounter.h"
#include "simulationlistquery.h"
#include "sqlsupport.h"

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
    case OrderBy::Status:
    case OrderBy::Machine:
        return true;
    default:
        return false;
    }
}

Result<QList<SimulationBlocks::Span>> SimulationBlocks::readSpans()
{
    auto rows = sql::readKept(
        m_database,
        u"SELECT block, CAST(SUM(runs) AS BIGINT), MIN(first_created), MAX(last_created) "
        "FROM simulation_blocks GROUP BY block HAVING SUM(runs) > 0 ORDER BY block"_s,
        {}, u"read the blocks of runs"_s);
    if (!rows)
        return rows.error();
    QList<Span> spans;
    for (sql::KeptRows &row = rows.value(); row.next();)
        spans.append({row.value(0).toLongLong(), row.value(1).toLongLong(),
                      sql::optionalLong(row.value(2)), sql::optionalLong(row.value(3))});
    return spans;
}

Result<SimulationBlocks::Blocks> SimulationBlocks::read(const SimulationQuery &query)
{
    const OrderBy order = orderOf(query);
    const bool keyed = order == OrderBy::Status || order == OrderBy::Machine;
    Blocks read;
    if (order == OrderBy::CreationDate || (!keyed && !query.status && !query.machineId)) {
        Result<QList<Span>> spans = readSpans();
        if (!spans)
            return spans.error();
        read.spans = std::move(spans.value());
    }
    // Without filters in the id or creation order, the runs of each block, as read with the
    // spans; else those of each machine and status in each block (migration 027), summed per
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

const SimulationBlocks::Span *SimulationBlocks::Blocks::span(qint64 block) const
{
    for (const Span &span : spans) {
        if (span.block == block)
            return &span;
    }
    return nullptr;
}

// The creation dates reaching furthest into the block's span from either side must stay out of
// it (equal dates are ordered by id, as the blocks are). Deleted runs leave a span as it was,
// wider than its runs': the check may find an overlap that is no longer there, never miss one.
bool SimulationBlocks::Blocks::keepCreationOrder(qint64 block) const
{
    const Span *own = span(block);
    if (!own)
        return false;
    for (const Span &other : spans) {
        if (other.block < block && other.lastCreated && own->firstCreated
            && *other.lastCreated > *own->firstCreated)
            return false;
        if (other.block > block && other.firstCreated && own->lastCreated
            && *own->lastCreated > *other.firstCreated)
            return false;
    }
    return true;
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
    qint64 runsBefore = 0;
    qsizetype in = 0;
    while (runsBefore + blocks.groups.at(in).runs <= position)
        runsBefore += blocks.groups.at(in++).runs;
    const Group &group = blocks.groups.at(in);
    qsizetype at = 0;
    while (runsBefore + group.blocks.at(at).runs <= position)
        runsBefore += group.blocks.at(at++).runs;
    const qint64 block = group.blocks.at(at).block;
    const OrderBy order = orderOf(query);
    const bool creationOrder = order == OrderBy::CreationDate;
    if (creationOrder && !blocks.keepCreationOrder(block))
        return std::optional<SimulationCursor>();
    const qint64 lowestId = block * kIds;
    QVariantList values;
    const QString where = conditions(query, group, &values);
    QString statement;
    if (creationOrder) {
        const Span *span = blocks.span(block);
        statement = u"SELECT creation_date, simulation_id FROM simulations WHERE "_s + where
            + u"creation_date >= ? AND creation_date <= ? AND simulation_id >= ? AND "
              "simulation_id < ? ORDER BY creation_date, simulation_id LIMIT 1 OFFSET ?"_s;
        values << span->firstCreated.value_or(0) << span->lastCreated.value_or(0);
    } else {
        statement = u"SELECT "_s + SimulationListQuery::orderExpression(order)
            + u", simulation_id FROM simulations WHERE "_s + where
            + u"simulation_id >= ? AND simulation_id < ? ORDER BY simulation_id "
              "LIMIT 1 OFFSET ?"_s;
    }
    values << lowestId << lowestId + kIds << position - runsBefore;
    auto before = sql::readKept(m_database, statement, values,
                                u"find the row before a page in its block"_s);
    if (!before)
        return before.error();
    sql::KeptRows &found = before.value();
    if (!found.next()) {
        // Counts changed by hand, without their triggers: the order's index still knows.
        qCWarning(lcStorage) << "the blocks of runs count more runs than block" << block
                             << "holds; reading the order's index instead";
        return std::optional<SimulationCursor>();
    }
    return std::optional<SimulationCursor>({found.value(0), found.value(1).toLongLong()});
}

Result<std::optional<qint64>> SimulationBlocks::rowsBefore(const SimulationQuery &query, qint64 id)
{
    const OrderBy order = orderOf(query);
    QVariant key; // the run's key of the order, where the blocks are counted per key
    if (order == OrderBy::Status || order == OrderBy::Machine) {
        auto run = sql::readKept(m_database,
                                 order == OrderBy::Status
                                     ? u"SELECT status FROM simulations WHERE simulation_id = ?"_s
                                     : u"SELECT machine_id FROM simulations "
                                       "WHERE simulation_id = ?"_s,
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
    const bool creationOrder = order == OrderBy::CreationDate;
    if (creationOrder && !blocks.keepCreationOrder(block))
        return std::optional<qint64>();
    const qint64 lowestId = block * kIds;
    QVariantList values;
    const QString where = conditions(query, *group, &values);
    if (creationOrder)
        values << lowestId << lowestId + kIds << id;
    else
        values << lowestId << id;
    auto within = sql::runKept(
        m_database,
        creationOrder ? u"SELECT COUNT(*) FROM simulations WHERE "_s + where
                + u"simulation_id >= ? AND simulation_id < ? AND (creation_date, simulation_id) "
                  "< (SELECT creation_date, simulation_id FROM simulations "
                  "WHERE simulation_id = ?)"_s
                      : u"SELECT COUNT(*) FROM simulations WHERE "_s + where
                + u"simulation_id >= ? AND simulation_id < ?"_s,
        values, u"count the rows before a run in its block"_s);
    if (!within)
        return within.error();
    const qint64 ascending = runsBefore + sql::readCount(*within.value());
    return std::optional<qint64>(query.descending ? blocks.total - 1 - ascending : ascending);
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

} // namespace aisim
