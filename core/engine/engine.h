#pragma once

#include "convergencepoint.h"
#include "engineoptions.h"
#include "housekeeper.h"
#include "result.h"
#include "simulation.h"
#include "storageupkeep.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QThread>
#include <QThreadPool>

#include <atomic>
#include <memory>

namespace aisim {

class Database;
class EventHub;
class RunControl;
class SimulationRepository;

// Runs pending simulations on a pool of workers: claims them atomically, produces their
// convergence points as they happen, keeps their leases alive and takes back abandoned runs.
class Engine : public QObject
{
    Q_OBJECT
public:
    Engine(Database &database, EventHub &events, EngineOptions options, QObject *parent = nullptr);
    ~Engine() override;

    void start();
    // Stops every worker; runs in flight go back to pending for another worker to resume.
    void stop();
    bool isRunning() const { return m_started && !m_stopping; }

    // There may be new work: safe to call from any thread.
    void wake();
    // Makes a run in flight in this process stop at once (it was cancelled or deleted).
    void interrupt(qint64 simulationId);

    int workerCount() const { return m_options.workers; }
    int busyWorkers() const { return m_busy.load(); }
    const QString &workerId() const { return m_options.workerId; }
    // Quick runs (no wait between points, few of them) this engine ended together, and the
    // transactions that wrote their ends.
    qint64 quickRunsEnded() const { return m_quickRunsEnded.load(); }
    qint64 quickRunCommits() const { return m_quickRunCommits.load(); }

Q_SIGNALS:
    void busyWorkersChanged(int busy);

private:
    void workerLoop();
    void run(const Simulation &simulation);
    // Runs quick runs one after another in one slot and ends them in one transaction; each run
    // that transaction cannot take goes through run() on its own.
    void runQuickRuns(const QList<Simulation> &runs);
    // Stores a group of points (RunLedger::recordPoints), waiting through storage faults; a
    // fault comes back only if interrupted.
    Result<bool> recordPointsThroughFaults(RunControl &control, qint64 id,
                                           const ConvergenceSeries &points, int pointsDone,
                                           bool finishing);
    void startWorkerIfIdle();
    // Hands claimed runs that were not started back to the queue, without spending an attempt.
    void giveBack(const QList<Simulation> &unstarted);
    void housekeeping();
    std::shared_ptr<RunControl> registerRun(qint64 simulationId);
    void unregisterRun(qint64 simulationId);

    Database &m_database;
    EventHub &m_events;
    EngineOptions m_options;
    QThreadPool m_pool;
    Housekeeper m_housekeeper {QStringLiteral("aisim-housekeeper")};
    StorageUpkeep m_upkeep; // on the housekeeper's thread
    bool m_started = false;
    std::atomic<bool> m_stopping {false};
    std::atomic<int> m_busy {0};
    // The last claim held quick runs: the next one asks for a batch of them.
    std::atomic<bool> m_quickClaims {false};
    std::atomic<qint64> m_quickRunsEnded {0};
    std::atomic<qint64> m_quickRunCommits {0};
    QMutex m_mutex; // guards the fields below
    int m_activeWorkers = 0;
    quint64 m_wakeGeneration = 0;
    QHash<qint64, std::shared_ptr<RunControl>> m_runs;
    QList<Simulation> m_claimed; // claimed in a batch, not started yet, oldest first
    int m_slotsTaken = 0; // runs claimed and not ended, and slots being claimed for
};

} // namespace aisim
