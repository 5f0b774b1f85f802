#include "simulationblocks.h"

#include "database.h"
#include "logging.h"
#include "simulationlistquery.h"
#include "sqlsupport.h"

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
bool byId(const SimulationQuery &query)
{
    return SimulationListQuery(query, false).effectiveOrder() == SimulationQuery::OrderBy::Id;
}
} // namespace

bool SimulationBlocks::places(const SimulationQuery &query)
{
    if (query.status || query.machineId || query.verdict || !query.nameContains.isEmpty())
        return false;
    const SimulationQuery::OrderBy order = SimulationListQuery(query, false).effectiveOrder();
    return order == SimulationQuery::OrderBy::Id || order == SimulationQuery::OrderBy::CreationDate;
}

Result<SimulationBlocks::Blocks> SimulationBlocks::read()
{
    auto rows = sql::readKept(
        m_database,
        u"SELECT block, CAST(SUM(runs) AS BIGINT), MIN(first_created), MAX(last_created) "
        "FROM simulation_blocks GROUP BY block HAVING SUM(runs) > 0 ORDER BY block"_s,
        {}, u"read the blocks of runs"_s);
    if (!rows)
        return rows.error();
    Blocks read;
    for (sql::KeptRows &row = rows.value(); row.next();) {
        read.blocks.append({row.value(0).toLongLong(), row.value(1).toLongLong(),
                            sql::optionalLong(row.value(2)), sql::optionalLong(row.value(3))});
        read.total += read.blocks.constLast().runs;
    }
    return read;
}

// The creation dates reaching furthest into the block's span from either side must stay out of
// it (equal dates are ordered by id, as the blocks are). Deleted runs leave a span as it was,
// wider than its runs': the check may find an overlap that is no longer there, never miss one.
bool SimulationBlocks::Blocks::keepCreationOrder(qsizetype at) const
{
    const Block &block = blocks.at(at);
    for (qsizetype i = 0; i < blocks.size(); ++i) {
        const Block &other = blocks.at(i);
        if (i < at && other.lastCreated && block.firstCreated
            && *other.lastCreated > *block.firstCreated)
            return false;
        if (i > at && other.firstCreated && block.lastCreated
            && *block.lastCreated > *other.firstCreated)
            return false;
    }
    return true;
}

Result<std::optional<SimulationCursor>> SimulationBlocks::rowBefore(const SimulationQuery &query)
{
    const Result<Blocks> read = this->read();
    if (!read)
        return read.error();
    const Blocks &blocks = read.value();
    // The row before the page, by its position in the ascending order: offset - 1, or, the
    // order descending, total - offset; then the block that holds it.
    const qint64 position = query.descending ? blocks.total - query.offset : query.offset - 1;
    if (position < 0 || position >= blocks.total)
        return std::optional<SimulationCursor>();
    qsizetype at = 0;
    qint64 runsBefore = 0;
    while (runsBefore + blocks.blocks.at(at).runs <= position)
        runsBefore += blocks.blocks.at(at++).runs;
    const Block &block = blocks.blocks.at(at);
    const bool idOrder = byId(query);
    if (!idOrder && !blocks.keepCreationOrder(at))
        return std::optional<SimulationCursor>();
    const qint64 lowestId = block.block * kIds;
    auto before = idOrder
        ? sql::readKept(m_database,
                        u"SELECT simulation_id, simulation_id FROM simulations WHERE "
                        "simulation_id >= ? AND simulation_id < ? ORDER BY simulation_id "
                        "LIMIT 1 OFFSET ?"_s,
                        {lowestId, lowestId + kIds, position - runsBefore},
                        u"find the row before a page in its block"_s)
        : sql::readKept(
            m_database,
            u"SELECT creation_date, simulation_id FROM simulations WHERE "
            "creation_date >= ? AND creation_date <= ? AND simulation_id >= ? AND "
            "simulation_id < ? ORDER BY creation_date, simulation_id LIMIT 1 OFFSET ?"_s,
            {block.firstCreated.value_or(0), block.lastCreated.value_or(0), lowestId,
             lowestId + kIds, position - runsBefore},
            u"find the row before a page in its block"_s);
    if (!before)
        return before.error();
    sql::KeptRows &found = before.value();
    if (!found.next()) {
        // Counts changed by hand, without their triggers: the order's index still knows.
        qCWarning(lcStorage) << "the blocks of runs count more runs than block" << block.block
                             << "holds; reading the order's index instead";
        return std::optional<SimulationCursor>();
    }
    return std::optional<SimulationCursor>({found.value(0), found.value(1).toLongLong()});
}

Result<std::optional<qint64>> SimulationBlocks::rowsBefore(const SimulationQuery &query, qint64 id)
{
    const Result<Blocks> read = this->read();
    if (!read)
        return read.error();
    const Blocks &blocks = read.value();
    qsizetype at = 0;
    qint64 runsBefore = 0;
    while (at < blocks.blocks.size() && blocks.blocks.at(at).block < id / kIds)
        runsBefore += blocks.blocks.at(at++).runs;
    if (at == blocks.blocks.size() || blocks.blocks.at(at).block != id / kIds) {
        qCWarning(lcStorage) << "the blocks of runs hold no block for run" << id
                             << "; counting the rows before it instead";
        return std::optional<qint64>();
    }
    const bool idOrder = byId(query);
    if (!idOrder && !blocks.keepCreationOrder(at))
        return std::optional<qint64>();
    const qint64 lowestId = id / kIds * kIds;
    auto within = sql::runKept(
        m_database,
        idOrder ? u"SELECT COUNT(*) FROM simulations WHERE simulation_id >= ? AND "
                  "simulation_id < ?"_s
                : u"SELECT COUNT(*) FROM simulations WHERE simulation_id >= ? AND "
                  "simulation_id < ? AND (creation_date, simulation_id) < (SELECT "
                  "creation_date, simulation_id FROM simulations WHERE simulation_id = ?)"_s,
        idOrder ? QVariantList {lowestId, id} : QVariantList {lowestId, lowestId + kIds, id},
        u"count the rows before a run in its block"_s);
    if (!within)
        return within.error();
    const qint64 ascending = runsBefore + sql::readCount(*within.value());
    return std::optional<qint64>(query.descending ? blocks.total - 1 - ascending : ascending);
}

Status SimulationBlocks::tidy(Database &database)
{
    if (!database.isPostgreSql())
        return success();
    auto folded = sql::run(database, u"SELECT simulation_blocks_fold()"_s, {},
                           u"fold the blocks of runs"_s);
    if (!folded)
        return folded.error();
    return success();
}

} // namespace aisim
