#pragma once

#include "convergencepoint.h"
#include "result.h"
#include "simulation.h"
#include "simulationquery.h"

#include <QList>
#include <QMap>

#include <functional>

class QSqlQuery;

#include <optional>

namespace aisim {

class Database;

// What a new simulation is made of; the server owns its status and dates.
struct NewSimulation
{
    std::optional<qint64> id;
    QString name;
    qint64 machineId = 0;
    EmulationParameters parameters;
    int maxAttempts = 3;
    std::optional<int> timeoutSeconds; // none: the engine's default
};

// The outcome of a failed attempt: back in the queue or failed for good.
struct AttemptOutcome
{
    SimulationStatus status = SimulationStatus::Failed;
    QDateTime retryAt;
};

// All SQL about simulations and their life cycle, for both dialects.
class SimulationRepository
{
public:
    explicit SimulationRepository(Database &database)
        : m_database(database)
    { }

    // The thresholds of the verdicts that recordPoint() stores; the defaults otherwise.
    void setLossThresholds(const LossThresholds &thresholds) { m_lossThresholds = thresholds; }

    Result<Simulation> create(const NewSimulation &simulation);
    // Several runs in one statement, answered in the order given; a run that cannot be
    // created (an id taken) fails the statement, and the caller's transaction with it.
    Result<QList<Simulation>> create(const QList<NewSimulation> &simulations);
    Result<Simulation> get(qint64 id);
    Result<QList<Simulation>> list(const SimulationQuery &query);
    // Hands each matching simulation to visit() as it is read, holding none of them: for
    // answers too large to keep as a list. last, when given, is set to the cursor of the last
    // row visited (for the next page).
    Status forEach(const SimulationQuery &query,
                   const std::function<void(const Simulation &)> &visit,
                   SimulationCursor *last = nullptr);
    // The exact number of matching runs (see SimulationCounter for a faster one).
    Result<qint64> count(const SimulationQuery &query);
    // Folds the names of runs stored before names were folded (migrations 004 and 008), with
    // their sort keys, once.
    Status foldNames();
    Result<Simulation> rename(qint64 id, const QString &name);
    // The row of a simulation in the query's order (0 first); nullopt when it does not match
    // the filters or does not exist.
    Result<std::optional<qint64>> position(const SimulationQuery &query, qint64 id);
    Result<QMap<SimulationStatus, qint64>> countByStatus();

    // Atomically takes the oldest runnable pending simulation of the given machines (all when
    // empty) for workerId. Two callers never get the same simulation (RunLedger::claimPending
    // takes several at once).
    Result<std::optional<Simulation>>
    claimNextPending(const QString &workerId, const QList<qint64> &machineIds, qint64 leaseMs);
    // Stores one point and renews the lease in one transaction; false when the run was lost
    // (cancelled, or its lease taken over), in which case nothing is written. The engine
    // stores points in groups: RunLedger::recordPoints.
    Result<bool> recordPoint(qint64 id, const QString &workerId, const ConvergencePoint &point,
                             int pointsDone, qint64 leaseMs);
    Result<bool> renewLease(qint64 id, const QString &workerId, qint64 leaseMs);
    Result<bool> finish(qint64 id, const QString &workerId);
    // Ends an attempt with an error: pending again after backoffMs while attempts remain.
    Result<AttemptOutcome> failAttempt(qint64 id, const QString &workerId, const QString &error,
                                       qint64 backoffMs);
    // Gives a claimed run back without counting the attempt (orderly shutdown).
    Result<bool> release(qint64 id, const QString &workerId);
    // Runs whose lease expired go back to pending, or fail once their attempts are used up.
    Result<QList<qint64>> requeueExpiredLeases();

    Result<Simulation> cancel(qint64 id);
    Result<Simulation> retry(qint64 id);
    Status remove(qint64 id);

private:
    // PostgreSQL: moves the id sequence past ids given explicitly.
    Status advanceIdSequence();

    // Why a simulation that exists was left alone: a conflict naming its status and the rule.
    Result<Simulation> refusal(qint64 id, const QString &rule);
    Result<Simulation> updateReturning(const QString &setAndWhere, const QVariantList &values,
                                       const QString &what);

    Database &m_database;
    LossThresholds m_lossThresholds;
};

} // namespace aisim
