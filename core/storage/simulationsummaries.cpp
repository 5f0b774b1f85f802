#include "simulationsummaries.h"

#include "database.h"
#include "simulationlister.h"
#include "sqlsupport.h"

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
const QString kSummaryColumns = u"simulation_id, name, machine_id, status, creation_date, "
                                "update_date, version"_s;

// Row: a QSqlQuery or sql::KeptRows.
template<typename Row> void readSummary(const Row &row, SimulationSummary *summary)
{
    summary->id = row.value(0).toLongLong();
    summary->name = row.value(1).toString();
    summary->machineId = row.value(2).toLongLong();
    summary->status = row.value(3).toString();
    summary->creationMs = row.value(4).toLongLong();
    summary->updateMs = row.value(5).toLongLong();
    summary->version = row.value(6).toLongLong();
}
} // namespace

Result<std::optional<SimulationSummary>> SimulationSummaries::get(qint64 id)
{
    static const QString statement
        = u"SELECT "_s + kSummaryColumns + u" FROM simulations WHERE simulation_id = ?"_s;
    auto query = sql::readKept(m_database, statement, {id}, u"read simulation"_s);
    if (!query)
        return query.error();
    sql::KeptRows &row = query.value();
    if (!row.next())
        return std::optional<SimulationSummary>();
    SimulationSummary summary;
    readSummary(row, &summary);
    return std::optional<SimulationSummary>(std::move(summary));
}

Result<std::optional<SimulationSummary>> KeptSummaries::get(qint64 id, bool mayKeep)
{
    const std::optional<Database::DataStamp> stamp
        = mayKeep ? m_database.dataStamp() : std::nullopt;
    if (stamp) {
        if (m_stamp != stamp) {
            m_runs.clear();
            m_stamp = stamp;
        }
        if (const auto kept = m_runs.constFind(id); kept != m_runs.cend())
            return std::optional<SimulationSummary>(kept.value());
    }
    // The stamp was taken before the read: a commit in between makes the next one differ.
    auto read = SimulationSummaries(m_database).get(id);
    if (stamp && read && read.value() && m_runs.size() < kMaxRuns)
        m_runs.insert(id, *read.value());
    return read;
}

Status SimulationSummaries::forEach(const SimulationQuery &filter,
                                    const std::function<void(const SimulationSummary &)> &visit,
                                    SimulationCursor *last)
{
    SimulationSummary summary;
    return SimulationLister(m_database)
        .forEachRow(
            filter, kSummaryColumns,
            [&summary, &visit](const QSqlQuery &row) {
                readSummary(row, &summary);
                visit(summary);
                return summary.id;
            },
            last);
}

} // namespace aisim
