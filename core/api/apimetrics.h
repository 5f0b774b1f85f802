#pragma once

#include <QByteArray>
#include <QHash>
#include <QHashFunctions>
#include <QList>
#include <QMutex>
#include <QString>

#include <array>

namespace aisim {
class Database;
class Engine;
} // namespace aisim

namespace aisim::api {

// Request counts and latencies by route, and the state of the runs, in the Prometheus text
// exposition format. Shared by the server threads: safe to use from any thread.
class ApiMetrics
{
public:
    // Seconds; the last bucket (+Inf) is implicit.
    static constexpr std::array<double, 12> kBuckets {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1.0,  2.5,   10.0};

    // route is the pattern (/simulation/{simulation_id}), never the raw path.
    void recordRequest(const QString &route, const QByteArray &method, int status, double seconds);
    // A transaction that created runs posted to POST /simulation (CreationBatch): how many.
    void recordCreations(int runs);
    // The whole exposition, with the run gauges read from the database now.
    QByteArray render(Database &database, const Engine *engine) const;

private:
    struct Latency
    {
        std::array<quint64, kBuckets.size()> buckets {};
        quint64 count = 0;
        double sum = 0;
    };
    void renderRequests(QByteArray &out) const;

    mutable QMutex m_mutex; // guards the fields below
    // Keyed by route, method and status joined with tabs, kept in first-seen order.
    // A route, a method and a status (0 for the latencies, which are by route and method).
    struct Key
    {
        QString route;
        QByteArray method;
        int status = 0;
        friend bool operator==(const Key &a, const Key &b)
        {
            return a.status == b.status && a.route == b.route && a.method == b.method;
        }
        friend size_t qHash(const Key &key, size_t seed = 0)
        {
            return qHashMulti(seed, key.route, key.method, key.status);
        }
    };
    QHash<Key, quint64> m_requests;
    QList<Key> m_requestKeys; // in the order first seen
    QHash<Key, Latency> m_latencies;
    QList<Key> m_latencyKeys;
    quint64 m_creationCommits = 0;
    quint64 m_creations = 0;
};

} // namespace aisim::api
