#pragma once

#include "simulationservice.h"

#include <QMutex>
#include <QObject>
#include <QThread>
#include <QWaitCondition>

#include <functional>
#include <memory>
#include <vector>

namespace aisim::api {

class ApiMetrics;

// Creates the runs posted to POST /simulation on every server thread, on threads of its own,
// each with its own database connection: the runs posted while a thread writes go into the next
// transaction together (SimulationService::create of a list), so that they share its commit,
// the dearest part of a POST. Each caller learns of its run once that commit is done, so a run
// is acknowledged only when it is stored; a run refused (an id taken) is refused alone.
class CreationWriter
{
public:
    // At most this many runs share a transaction.
    static constexpr qsizetype kMaxRuns = 64;
    // SQLite takes one writer at a time: one thread. A PostgreSQL server writes several
    // transactions at once, and one thread would wait on its round trips: two.
    static int threadsFor(const Database &database);
    using Done = std::function<void(const Result<Simulation> &created)>;

    CreationWriter(SimulationService &service, ApiMetrics &metrics, int threads = 1);
    // stop()s first.
    ~CreationWriter();
    CreationWriter(const CreationWriter &) = delete;
    CreationWriter &operator=(const CreationWriter &) = delete;

    // From any thread: queues the run; done runs on context's thread after the commit, and
    // context must live until stop() returns. False, with nothing queued, once stopping.
    bool create(const SimulationService::Creation &creation, QObject *context, Done done);
    // Refuses new runs, writes those queued and ends the threads.
    void stop();

private:
    struct Queued
    {
        SimulationService::Creation creation;
        QObject *context = nullptr;
        Done done;
    };

    void run();
    void write(std::vector<Queued> &&queued);

    SimulationService &m_service;
    ApiMetrics &m_metrics;
    QMutex m_mutex; // guards the fields below
    QWaitCondition m_wake;
    std::vector<Queued> m_queued;
    bool m_stopping = false;
    std::vector<std::unique_ptr<QThread>> m_threads;
};

} // namespace aisim::api
