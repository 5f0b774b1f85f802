#include "engine.h"

#include "database.h"
#include "eventhub.h"
#include "logging.h"
#include "machinerepository.h"
#include "runcontrol.h"
#include "runledger.h"
#include "simulationrepository.h"
#include "storagehealth.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QSysInfo>
#include <QUuid>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
QString defaultWorkerId()
{
    return u"%1:%2:%3"_s.arg(QSysInfo::machineHostName())
        .arg(QCoreApplication::applicationPid())
        .arg(QUuid::createUuid().toString(QUuid::Id128).left(8));
}

// How long a lease may go unrenewed while a worker waits between points.
qint64 renewalInterval(qint64 leaseMs)
{
    return std::max<qint64>(50, leaseMs / 3);
}

// How often a point that the storage refused is offered again.
constexpr qint64 kStorageRetryMs = 250;
// Points produced within this long of a group's first share its transaction.
constexpr qint64 kGroupWindowMs = 50;
// A quick run has no wait between its points and at most this many of them to produce: it
// takes microseconds, and writing it costs more than running it.
constexpr int kQuickPoints = 100;
// Quick runs claimed at once, run one after another in one slot and ended in one transaction.
constexpr int kQuickBatch = 32;

bool isQuick(const Simulation &simulation)
{
    const EmulationParameters &params = simulation.parameters;
    return params.paceMs == 0 && !params.failAtPoint
        && params.points - simulation.pointsDone <= kQuickPoints;
}

// The run's point number (1-based).
ConvergencePoint pointAt(const EmulationParameters &params, int number)
{
    const double seconds = params.stepSeconds * number;
    return {seconds, params.lossAt(seconds)};
}
} // namespace

Engine::Engine(Database &database, EventHub &events, EngineOptions options, QObject *parent)
    : QObject(parent)
    , m_database(database)
    , m_events(events)
    , m_options(std::move(options))
    , m_upkeep(database)
{
    if (m_options.workers <= 0)
        m_options.workers = std::max(1, QThread::idealThreadCount());
    if (m_options.workerId.isEmpty())
        m_options.workerId = defaultWorkerId();
    m_pool.setMaxThreadCount(m_options.workers);
}

Engine::~Engine()
{
    stop();
}

void Engine::start()
{
    if (m_started)
        return;
    m_started = true;
    m_stopping = false;
    m_housekeeper.start(m_options.pollIntervalMs, [this] { housekeeping(); });
    qCInfo(lcEngine) << "engine" << m_options.workerId << "started with" << m_options.workers
                     << "workers";
}

void Engine::stop()
{
    if (!m_started)
        return;
    m_stopping = true;
    {
        const QMutexLocker lock(&m_mutex);
        for (const auto &control : std::as_const(m_runs))
            control->interrupt();
    }
    m_pool.waitForDone();
    // Runs claimed for workers that never started them go back without spending an attempt.
    QList<Simulation> unstarted;
    {
        const QMutexLocker lock(&m_mutex);
        unstarted.swap(m_claimed);
        m_slotsTaken -= int(unstarted.size());
    }
    giveBack(unstarted);
    m_housekeeper.stop();
    m_started = false;
    qCInfo(lcEngine) << "engine" << m_options.workerId << "stopped;" << m_quickRunsEnded.load()
                     << "quick runs ended in" << m_quickRunCommits.load() << "transactions";
}

void Engine::giveBack(const QList<Simulation> &unstarted)
{
    SimulationRepository simulations(m_database);
    for (const Simulation &simulation : unstarted) {
        if (const auto released = simulations.release(simulation.id, m_options.workerId);
            released && released.value())
            Q_EMIT m_events.simulationChanged(simulation.id, SimulationStatus::Pending);
    }
}

void Engine::wake()
{
    if (!m_started || m_stopping)
        return;
    {
        const QMutexLocker lock(&m_mutex);
        ++m_wakeGeneration;
    }
    startWorkerIfIdle();
}

void Engine::interrupt(qint64 simulationId)
{
    const QMutexLocker lock(&m_mutex);
    if (const auto control = m_runs.value(simulationId))
        control->interrupt();
}

void Engine::startWorkerIfIdle()
{
    {
        const QMutexLocker lock(&m_mutex);
        if (m_stopping || m_activeWorkers >= m_options.workers)
            return;
        ++m_activeWorkers;
    }
    // The future is not needed: the loop reports through signals.
    static_cast<void>(QtConcurrent::run(&m_pool, [this] { workerLoop(); }));
}

void Engine::workerLoop()
{
    RunLedger ledger(m_database, m_options.lossThresholds);
    while (!m_stopping) {
        quint64 generation = 0;
        int freeSlots = 0;
        std::optional<Simulation> next;
        {
            const QMutexLocker lock(&m_mutex);
            generation = m_wakeGeneration;
            if (!m_claimed.isEmpty())
                next = m_claimed.takeFirst();
        }
        if (!next) {
            // While writes fail, runs stay pending: a claim would fail, or start a run whose
            // points could not be stored. The next housekeeping tick after the storage
            // recovers wakes us.
            if (!m_database.health().isHealthy())
                break;
            {
                // Slots of runs claimed here and not ended yet, or being claimed, are taken: a
                // claim never keeps more runs than this process has free workers for (quick
                // runs, below, share one).
                const QMutexLocker lock(&m_mutex);
                freeSlots = m_options.workers - m_slotsTaken;
                if (freeSlots <= 0)
                    break; // the workers claiming now take what there is
                m_slotsTaken += freeSlots;
            }
            // As many runs as there are free workers, in one statement; after a claim that held
            // quick runs, a batch of them, which one worker runs together.
            const int asked = m_quickClaims ? std::max(freeSlots, kQuickBatch) : freeSlots;
            auto claimed = ledger.claimPending(m_options.workerId, m_options.machineIds,
                                               m_options.leaseMs, asked);
            if (!claimed || claimed->isEmpty()) {
                {
                    const QMutexLocker lock(&m_mutex);
                    m_slotsTaken -= freeSlots;
                }
                if (!claimed) {
                    if (claimed.error().fault == StorageFault::None) // faults: logged by health
                        qCWarning(lcEngine) << "cannot claim work:" << claimed.error().message;
                    break; // the next housekeeping tick tries again
                }
                const QMutexLocker lock(&m_mutex);
                if (generation == m_wakeGeneration)
                    break; // nothing new since we looked
                continue;
            }
            // The other runs take a slot each, those beyond the free slots (claimed with a batch
            // of quick runs) going back at once; the quick runs ride along on this worker's
            // slot, before its own run if it has one.
            QList<Simulation> quick;
            QList<Simulation> others;
            for (Simulation &simulation : claimed.value())
                (isQuick(simulation) ? quick : others) << std::move(simulation);
            m_quickClaims = !quick.isEmpty();
            giveBack(others.mid(freeSlots));
            others.resize(std::min<qsizetype>(others.size(), freeSlots));
            if (!others.isEmpty())
                next = others.takeFirst();
            {
                const QMutexLocker lock(&m_mutex);
                m_slotsTaken -= freeSlots - int(others.size()) - 1;
                m_claimed += others;
            }
            // Runs claimed for the other workers, or more waiting: let idle workers start.
            startWorkerIfIdle();
            if (!quick.isEmpty())
                runQuickRuns(quick);
            if (!next) {
                const QMutexLocker lock(&m_mutex);
                --m_slotsTaken;
                continue;
            }
        }
        run(*next);
        const QMutexLocker lock(&m_mutex);
        --m_slotsTaken;
    }
    const QMutexLocker lock(&m_mutex);
    --m_activeWorkers;
}

void Engine::runQuickRuns(const QList<Simulation> &runs)
{
    Q_EMIT busyWorkersChanged(++m_busy);
    QList<RunLedger::Ending> endings;
    endings.reserve(runs.size());
    for (const Simulation &simulation : runs) {
        qCInfo(lcEngine) << "running simulation" << simulation.id << "attempt"
                         << simulation.attempts;
        RunLedger::Ending ending {simulation.id, {}, simulation.parameters.points};
        for (int number = simulation.pointsDone + 1; number <= ending.pointsDone; ++number)
            ending.points << pointAt(simulation.parameters, number);
        endings << std::move(ending);
    }
    const auto written
        = RunLedger(m_database, m_options.lossThresholds).finishRuns(m_options.workerId, endings);
    Q_EMIT busyWorkersChanged(--m_busy);
    if (!written) {
        // One at a time, each through whatever the storage does meanwhile.
        for (const Simulation &simulation : runs)
            run(simulation);
        return;
    }
    ++m_quickRunCommits;
    m_quickRunsEnded += runs.size();
    for (qsizetype i = 0; i < runs.size(); ++i) {
        const qint64 id = runs.at(i).id;
        if (!written->at(i)) {
            qCInfo(lcEngine) << "simulation" << id << "was taken away from this worker";
            continue;
        }
        Q_EMIT m_events.simulationChanged(id, SimulationStatus::Running);
        int done = runs.at(i).pointsDone;
        for (const ConvergencePoint &point : std::as_const(endings.at(i).points))
            Q_EMIT m_events.pointAdded(id, point, ++done);
        qCInfo(lcEngine) << "simulation" << id << "finished";
        Q_EMIT m_events.simulationChanged(id, SimulationStatus::Finished);
    }
}

void Engine::run(const Simulation &simulation)
{
    SimulationRepository simulations(m_database);
    simulations.setLossThresholds(m_options.lossThresholds);
    const auto control = registerRun(simulation.id);
    Q_EMIT busyWorkersChanged(++m_busy);
    qCInfo(lcEngine) << "running simulation" << simulation.id << "attempt" << simulation.attempts;

    const EmulationParameters &params = simulation.parameters;
    const QString &worker = m_options.workerId;
    enum class Ending { Finished, Lost, Interrupted, Failed } ending = Ending::Finished;
    QString failure;
    // The attempt's clock starts at its claim: a resumed run gets its whole time-out again.
    const int timeoutSeconds = simulation.timeoutSeconds.value_or(m_options.runTimeoutSeconds);
    const QDeadlineTimer deadline = timeoutSeconds > 0
        ? QDeadlineTimer(qint64(timeoutSeconds) * 1000, Qt::PreciseTimer)
        : QDeadlineTimer(QDeadlineTimer::Forever);
    const auto timedOut = [&] {
        // A run being handed back or cancelled never counts as timed out.
        if (!deadline.hasExpired() || m_stopping || control->isInterrupted())
            return false;
        ending = Ending::Failed;
        failure = u"timed out after %1 s"_s.arg(timeoutSeconds);
        return true;
    };

    // Points are committed in groups: those produced within kGroupWindowMs of the group's
    // first share one transaction (with the lease renewal, and the end of the run with the
    // last ones), and each is announced only once committed. A point due later than the
    // window ends the group before the wait, so a slow run shows each point at once.
    ConvergenceSeries group;
    QElapsedTimer groupAge;
    bool runningAnnounced = false;
    const auto announceRunning = [&] {
        if (!runningAnnounced)
            Q_EMIT m_events.simulationChanged(simulation.id, SimulationStatus::Running);
        runningAnnounced = true;
    };
    int committed = simulation.pointsDone;
    // False when the run was lost, stopped or failed to write (ending says which).
    const auto commitGroup = [&](bool finishing) {
        if (group.isEmpty() && !finishing)
            return true;
        // The claim is committed: the run says it runs before its points (and end) commit.
        announceRunning();
        const int pointsDone = committed + int(group.size());
        const auto recorded
            = recordPointsThroughFaults(*control, simulation.id, group, pointsDone, finishing);
        if (!recorded && recorded.error().isTransient()) {
            ending = Ending::Interrupted; // stopped while the points waited for the storage
            return false;
        }
        if (!recorded) {
            ending = Ending::Failed;
            failure = recorded.error().message;
            return false;
        }
        if (!recorded.value()) {
            ending = Ending::Lost;
            return false;
        }
        for (const ConvergencePoint &point : std::as_const(group))
            Q_EMIT m_events.pointAdded(simulation.id, point, ++committed);
        group.clear();
        return true;
    };
    // A slow run says it runs at once; a fast one with its first points.
    if (params.paceMs >= kGroupWindowMs)
        announceRunning();

    for (int index = simulation.pointsDone; index < params.points; ++index) {
        if (!group.isEmpty() && groupAge.elapsed() + params.paceMs > kGroupWindowMs
            && !commitGroup(false))
            break;
        // Sleep until the next point is due, renewing the lease on long waits.
        qint64 remaining = params.paceMs;
        bool awake = true;
        while (awake && remaining > 0) {
            const qint64 untilDeadline
                = deadline.isForever() ? remaining : std::max<qint64>(1, deadline.remainingTime());
            const qint64 slice
                = std::min({remaining, renewalInterval(m_options.leaseMs), untilDeadline});
            awake = control->sleep(slice);
            remaining -= slice;
            if (awake && timedOut())
                break;
            if (awake && remaining > 0) {
                const auto renewed
                    = simulations.renewLease(simulation.id, worker, m_options.leaseMs);
                if (renewed && !renewed.value()) {
                    ending = Ending::Lost;
                    break;
                }
            }
        }
        if (ending != Ending::Finished)
            break;
        if (!awake || control->isInterrupted()) {
            ending = Ending::Interrupted;
            break;
        }
        if (timedOut())
            break;
        const int pointNumber = index + 1;
        if (params.failAtPoint && pointNumber == *params.failAtPoint) {
            // The points before the failing one are kept.
            if (commitGroup(false)) {
                ending = Ending::Failed;
                failure = u"emulation failed at point %1 (fail_at_point)"_s.arg(pointNumber);
            }
            break;
        }
        if (group.isEmpty())
            groupAge.start();
        group.append(pointAt(params, pointNumber));
    }
    if (ending != Ending::Finished && ending != Ending::Lost && !group.isEmpty()) {
        // A stop, a time-out or a failure keeps what was produced before it.
        const Ending before = ending;
        const QString why = failure;
        commitGroup(false);
        ending = before;
        failure = why;
    }

    switch (ending) {
    case Ending::Finished:
        // The last points and the end of the run in one transaction.
        if (commitGroup(true)) {
            qCInfo(lcEngine) << "simulation" << simulation.id << "finished";
            Q_EMIT m_events.simulationChanged(simulation.id, SimulationStatus::Finished);
            break;
        }
        if (ending != Ending::Failed)
            break;
        [[fallthrough]];
    case Ending::Failed: {
        announceRunning();
        const qint64 backoff = m_options.retryBackoffMs
            << std::clamp(simulation.attempts - 1, 0, 16);
        const auto outcome = simulations.failAttempt(simulation.id, worker, failure, backoff);
        qCWarning(lcEngine) << "simulation" << simulation.id << "attempt" << simulation.attempts
                            << "failed:" << failure;
        if (outcome)
            Q_EMIT m_events.simulationChanged(simulation.id, outcome->status);
        break;
    }
    case Ending::Interrupted:
        if (m_stopping) {
            // An orderly stop hands the run back without spending an attempt.
            if (const auto released = simulations.release(simulation.id, worker);
                released && released.value())
                Q_EMIT m_events.simulationChanged(simulation.id, SimulationStatus::Pending);
        }
        break; // otherwise whoever interrupted it has already changed its status
    case Ending::Lost:
        qCInfo(lcEngine) << "simulation" << simulation.id << "was taken away from this worker";
        break;
    }
    unregisterRun(simulation.id);
    Q_EMIT busyWorkersChanged(--m_busy);
}

Result<bool> Engine::recordPointsThroughFaults(RunControl &control, qint64 id,
                                               const ConvergenceSeries &points, int pointsDone,
                                               bool finishing)
{
    const QString &worker = m_options.workerId;
    RunLedger ledger(m_database, m_options.lossThresholds);
    auto recorded
        = ledger.recordPoints(id, worker, points, pointsDone, m_options.leaseMs, finishing);
    // A storage fault, or a transaction the database aborted (a deadlock), is not the run's:
    // the points wait, and the run keeps its lease where an update still gets through, until
    // the database takes them or the run is taken away. The run never ends failed for it; if
    // this worker stops first, the run resumes elsewhere from its last stored point.
    while (!recorded && recorded.error().isTransient() && control.sleep(kStorageRetryMs)) {
        if (const auto renewed
            = SimulationRepository(m_database).renewLease(id, worker, m_options.leaseMs);
            renewed && !renewed.value())
            return false;
        recorded
            = ledger.recordPoints(id, worker, points, pointsDone, m_options.leaseMs, finishing);
    }
    return recorded;
}

void Engine::housekeeping()
{
    SimulationRepository simulations(m_database);
    // While writes fail, a lease that ran out is not taken back here: its worker may be waiting
    // to store a point, and renews the lease as soon as the database takes writes again.
    const bool writable = m_database.health().isHealthy();
    if (const auto requeued
        = writable ? simulations.requeueExpiredLeases() : Result<QList<qint64>>(QList<qint64> {});
        requeued) {
        for (const qint64 id : requeued.value()) {
            qCWarning(lcEngine) << "simulation" << id << "lost its worker; taken back";
            if (const auto simulation = simulations.get(id))
                Q_EMIT m_events.simulationChanged(id, simulation->status);
        }
    }
    MachineRepository(m_database).heartbeat(m_options.machineIds);
    m_upkeep.tick();
    wake();
}

std::shared_ptr<RunControl> Engine::registerRun(qint64 simulationId)
{
    auto control = std::make_shared<RunControl>();
    const QMutexLocker lock(&m_mutex);
    m_runs.insert(simulationId, control);
    if (m_stopping)
        control->interrupt();
    return control;
}

void Engine::unregisterRun(qint64 simulationId)
{
    const QMutexLocker lock(&m_mutex);
    m_runs.remove(simulationId);
}

} // namespace aisim
