#include "simulationcounter.h"

#include "database.h"
#include "namesearch.h"
#include "simulationlistquery.h"
#include "sqlsupport.h"

#include <QStringList>

#include <cmath>

using namespace Qt::StringLiterals;

namespace aisim {

QString SimulationCounter::countedWhere(const SimulationQuery &query, QVariantList *values)
{
    QStringList conditions;
    if (query.status) {
        conditions << u"status = ?"_s;
        values->append(statusName(*query.status));
    }
    if (query.machineId) {
        conditions << u"machine_id = ?"_s;
        values->append(*query.machineId);
    }
    return conditions.isEmpty() ? QString() : u" WHERE "_s + conditions.join(u" AND "_s);
}

Result<qint64> SimulationCounter::fromCounters(const SimulationQuery &query)
{
    QVariantList values;
    const QString where = countedWhere(query, &values);
    auto counted = sql::runKept(m_database,
                                u"SELECT COALESCE(SUM(runs), 0) FROM simulation_counts"_s + where,
                                values, u"read the run counters"_s);
    if (!counted)
        return counted.error();
    return sql::readCount(*counted.value());
}

Result<std::optional<qint64>> SimulationCounter::countFromCounters(const SimulationQuery &query)
{
    if (query.verdict || !query.nameContains.isEmpty())
        return std::optional<qint64>();
    const Result<qint64> runs = fromCounters(query);
    if (!runs)
        return runs.error();
    return std::optional<qint64>(runs.value());
}

Result<SimulationCount> SimulationCounter::count(const SimulationQuery &query,
                                                 bool estimateLargeSearches)
{
    const Result<std::optional<qint64>> counted = countFromCounters(query);
    if (!counted)
        return counted.error();
    if (counted.value())
        return SimulationCount {*counted.value(), true};
    if (query.verdict && query.nameContains.isEmpty()) {
        // The counters know no verdicts: counted from the verdict's index.
        const SqlStatement statement
            = SimulationListQuery(query, m_database.isPostgreSql()).count();
        auto counted
            = sql::runValueDependent(m_database, statement.text, statement.values, u"count runs"_s);
        if (!counted)
            return counted.error();
        return SimulationCount {sql::readCount(*counted.value()), true};
    }
    NameSearch search(m_database, query.nameContains, query.nameProbe);
    // A page of this query has read and counted every match.
    if (const std::optional<qint64> counted = search.queryMatches())
        return SimulationCount {*counted, true};
    // A text of three characters, the name alone: the blocks count its matches.
    if (!query.filtersBesidesName()) {
        const Result<std::optional<qint64>> fromBlocks = search.matchesFromBlocks();
        if (!fromBlocks)
            return fromBlocks.error();
        if (fromBlocks.value())
            return SimulationCount {*fromBlocks.value(), true};
    }
    // An exact count finds up to the plan's threshold of matches through the index.
    if (const Status probed = estimateLargeSearches ? search.probeForCount() : search.probe();
        !probed)
        return probed.error();
    // The probe has counted the matches of the name alone: no need to count them again.
    if (search.isSelective() && search.selectiveMatches() >= 0 && !query.filtersBesidesName())
        return SimulationCount {search.selectiveMatches(), true};
    if (search.isSelective() || !estimateLargeSearches || query.verdict) {
        const SqlStatement statement
            = SimulationListQuery(query, m_database.isPostgreSql(), &search).count();
        auto counted
            = sql::runValueDependent(m_database, statement.text, statement.values, u"count runs"_s);
        if (!counted)
            return counted.error();
        return SimulationCount {sql::readCount(*counted.value()), true};
    }
    // Many runs match, or a text too short for the index: the share of the runs whose names
    // match, times the runs the other filters leave (read from the counters), as if the name
    // and the other filters were independent.
    const Result<double> share = search.estimatedShare();
    if (!share)
        return share.error();
    SimulationQuery others = query;
    others.nameContains.clear();
    const Result<qint64> total = fromCounters(others);
    if (!total)
        return total.error();
    const qint64 estimate = std::llround(double(total.value()) * share.value());
    // The name alone matches more runs than the probe counted: never estimate below that.
    const bool nameAlone = search.isIndexable() && !query.status && !query.machineId;
    return SimulationCount {nameAlone ? std::max(estimate, search.counted() + 1) : estimate, false};
}

Result<QMap<SimulationStatus, qint64>> SimulationCounter::countByStatus()
{
    auto query = sql::runKept(m_database,
                              u"SELECT status, SUM(runs) FROM simulation_counts GROUP BY status"_s,
                              {}, u"count simulations by status"_s);
    if (!query)
        return query.error();
    QMap<SimulationStatus, qint64> counts;
    QSqlQuery &row = *query.value();
    while (row.next()) {
        if (const auto status = statusFromString(row.value(0).toString()))
            counts.insert(*status, row.value(1).toLongLong());
    }
    return counts;
}

} // namespace aisim
