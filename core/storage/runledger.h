#pragma once

#include "convergencepoint.h"
#include "lossstatistics.h"
#include "result.h"
#include "simulation.h"

#include <QList>

namespace aisim {

class Database;

// The engine's writes about the runs it works on, made in as few transactions as the
// guarantees allow: claims of several runs in one statement, and the points of a fast run in
// groups, each group with its lease renewal (and the end of the run, with its last points) in
// one transaction. On statements kept prepared per connection.
class RunLedger
{
public:
    // thresholds judge the loss statistics that every group of points updates.
    explicit RunLedger(Database &database, const LossThresholds &thresholds = {})
        : m_database(database)
        , m_thresholds(thresholds)
    { }

    // Atomically takes up to limit of the oldest runnable pending runs of the given machines
    // (all when empty) for workerId, oldest first. Two callers never get the same run
    // (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite serialises writers).
    Result<QList<Simulation>> claimPending(const QString &workerId, const QList<qint64> &machineIds,
                                           qint64 leaseMs, int limit);
    // Up to this many machines, a claim on SQLite reads each one's queue on its own.
    static constexpr qsizetype kQueuesPerClaim = 64;
    // Stores a group of consecutive points of a run and renews its lease in one transaction;
    // pointsDone counts the run's points after the group; the run's loss statistics follow it. With
    // finish, the run is marked finished in the same transaction. False when the run was lost
    // (cancelled, or its lease taken over), in which case nothing is written.
    Result<bool> recordPoints(qint64 id, const QString &workerId, const ConvergenceSeries &points,
                              int pointsDone, qint64 leaseMs, bool finish);

    // The last points of a run, stored with its end.
    struct Ending
    {
        qint64 id = 0;
        ConvergenceSeries points;
        int pointsDone = 0; // the run's points after these
    };
    // Ends several runs in one transaction, each as recordPoints(..., finish = true) would: per
    // run, in order, true when it was written and false when it was lost (nothing of that run is
    // written). An error writes none of them.
    Result<QList<bool>> finishRuns(const QString &workerId, const QList<Ending> &runs);

private:
    // claimPending on each dialect: the claimed runs in no particular order.
    Result<QList<Simulation>> claimOnPostgreSql(const QString &workerId,
                                                const QList<qint64> &machineIds, qint64 now,
                                                qint64 leaseUntil, int wanted);
    Result<QList<Simulation>> claimOnSqlite(const QString &workerId,
                                            const QList<qint64> &machineIds, qint64 now,
                                            qint64 leaseUntil, int wanted);
    // The writes of recordPoints, in the caller's transaction.
    Result<bool> writeGroup(qint64 id, const QString &workerId, const ConvergenceSeries &points,
                            int pointsDone, qint64 leaseMs, bool finish);

    Database &m_database;
    LossThresholds m_thresholds;
};

} // namespace aisim
