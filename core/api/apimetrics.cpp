#include "apimetrics.h"

#include "database.h"
#include "engine.h"
#include "simulationrepository.h"
#include "statisticsrepository.h"
#include "storagehealth.h"

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
QByteArray escapeLabel(const QByteArray &value)
{
    QByteArray escaped = value;
    escaped.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return escaped;
}

QByteArray number(double value)
{
    return QByteArray::number(value, 'g', 12);
}

void header(QByteArray &out, const char *name, const char *type, const char *help)
{
    out += "# HELP "_ba + name + ' ' + help + "\n# TYPE "_ba + name + ' ' + type + '\n';
}
} // namespace

void ApiMetrics::recordRequest(const QString &route, const QByteArray &method, int status,
                               double seconds)
{
    // Copies of shared strings: a request allocates nothing here once its keys are known.
    const Key requestKey {route, method, status};
    const Key latencyKey {route, method, 0};
    const QMutexLocker lock(&m_mutex);
    quint64 &requests = m_requests[requestKey];
    if (requests++ == 0)
        m_requestKeys.append(requestKey);

    Latency &latency = m_latencies[latencyKey];
    if (latency.count == 0)
        m_latencyKeys.append(latencyKey);
    for (size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i])
            ++latency.buckets[i];
    }
    ++latency.count;
    latency.sum += seconds;
}

void ApiMetrics::recordCreations(int runs)
{
    const QMutexLocker lock(&m_mutex);
    ++m_creationCommits;
    m_creations += quint64(runs);
}

void ApiMetrics::renderRequests(QByteArray &out) const
{
    const QMutexLocker lock(&m_mutex);
    header(out, "aisim_api_creations_total", "counter",
           "Runs posted to POST /simulation that reached the database, created or refused.");
    out += "aisim_api_creations_total "_ba + QByteArray::number(m_creations) + '\n';
    header(out, "aisim_api_creation_transactions_total", "counter",
           "Transactions that created them: runs posted together share one.");
    out += "aisim_api_creation_transactions_total "_ba + QByteArray::number(m_creationCommits)
        + '\n';
    header(out, "aisim_http_requests_total", "counter",
           "HTTP requests by route, method and status.");
    for (const Key &key : m_requestKeys) {
        out += "aisim_http_requests_total{route=\""_ba + escapeLabel(key.route.toUtf8())
            + "\",method=\"" + key.method + "\",status=\"" + QByteArray::number(key.status) + "\"} "
            + QByteArray::number(m_requests.value(key)) + '\n';
    }
    header(out, "aisim_http_request_duration_seconds", "histogram",
           "Time to answer HTTP requests, by route and method.");
    for (const Key &key : m_latencyKeys) {
        const QByteArray labels
            = "route=\""_ba + escapeLabel(key.route.toUtf8()) + "\",method=\"" + key.method + '"';
        const Latency &latency = m_latencies[key];
        for (size_t i = 0; i < kBuckets.size(); ++i)
            out += "aisim_http_request_duration_seconds_bucket{"_ba + labels + ",le=\""
                + number(kBuckets[i]) + "\"} " + QByteArray::number(latency.buckets[i]) + '\n';
        out += "aisim_http_request_duration_seconds_bucket{"_ba + labels + ",le=\"+Inf\"} "
            + QByteArray::number(latency.count) + '\n';
        out += "aisim_http_request_duration_seconds_sum{"_ba + labels + "} " + number(latency.sum)
            + '\n';
        out += "aisim_http_request_duration_seconds_count{"_ba + labels + "} "
            + QByteArray::number(latency.count) + '\n';
    }
}

QByteArray ApiMetrics::render(Database &database, const Engine *engine) const
{
    QByteArray out;
    renderRequests(out);

    const auto counts = SimulationRepository(database).countByStatus();
    if (counts) {
        header(out, "aisim_simulations", "gauge", "Simulations by status.");
        for (const QString &name : allStatusNames()) {
            const auto status = statusFromString(name);
            out += "aisim_simulations{status=\""_ba + name.toUtf8() + "\"} "
                + QByteArray::number(counts->value(*status, 0)) + '\n';
        }
        header(out, "aisim_queue_depth", "gauge", "Simulations waiting for a worker.");
        out += "aisim_queue_depth "_ba
            + QByteArray::number(counts->value(SimulationStatus::Pending, 0)) + '\n';
    }
    if (const auto totals = StatisticsRepository(database).runTotals()) {
        header(out, "aisim_simulation_retries_total", "counter",
               "Attempts started beyond each run's first.");
        out += "aisim_simulation_retries_total "_ba + QByteArray::number(totals->retries) + '\n';
        header(out, "aisim_simulation_failures_total", "counter",
               "Attempts that ended in an error.");
        out += "aisim_simulation_failures_total "_ba + QByteArray::number(totals->failedAttempts)
            + '\n';
    }
    header(out, "aisim_workers", "gauge", "Workers of the engine in this process.");
    out += "aisim_workers "_ba + QByteArray::number(engine ? engine->workerCount() : 0) + '\n';
    header(out, "aisim_workers_busy", "gauge", "Workers running a simulation now.");
    out += "aisim_workers_busy "_ba + QByteArray::number(engine ? engine->busyWorkers() : 0) + '\n';
    header(out, "aisim_database_up", "gauge", "1 when the last database query succeeded.");
    out += "aisim_database_up "_ba + (counts ? "1" : "0") + '\n';
    const StorageHealth &health = database.health();
    header(out, "aisim_storage_writable", "gauge",
           "1 while the database takes writes, 0 while they fail with a storage fault.");
    out += "aisim_storage_writable "_ba + (health.isHealthy() ? "1" : "0") + '\n';
    header(out, "aisim_storage_failures_total", "counter",
           "Database operations that failed with a storage fault, by kind.");
    for (const StorageFault fault : allStorageFaults())
        out += "aisim_storage_failures_total{kind=\""_ba + storageFaultName(fault).toUtf8() + "\"} "
            + QByteArray::number(health.failureCount(fault)) + '\n';
    return out;
}

} // namespace aisim::api
