#pragma once

#include "emulationparameters.h"
#include "lossstatistics.h"
#include "simulationstatus.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace aisim {

// One simulation run and the bookkeeping its lifecycle needs.
struct Simulation
{
    qint64 id = 0;
    QString name;
    qint64 machineId = 0;
    SimulationStatus status = SimulationStatus::Pending;
    QDateTime creationDate;
    QDateTime updateDate;

    qint64 version = 0; // optimistic locking: bumped by every update
    int attempts = 0;
    int maxAttempts = 3;
    // How long one attempt may run, from its claim; none: the engine's default (--run-timeout).
    std::optional<int> timeoutSeconds;
    QString leaseOwner;
    QDateTime leaseExpiresAt;
    QDateTime leaseAcquiredAt; // when the current lease owner claimed the run
    QDateTime heartbeatAt;
    QDateTime startedAt;
    QDateTime finishedAt;
    QString error;
    int pointsDone = 0;
    EmulationParameters parameters;

    // Kept up to date as points are committed; empty until the first point.
    std::optional<double> finalLoss;
    std::optional<double> bestLoss;
    std::optional<double> bestSeconds;
    std::optional<double> rate;
    Verdict verdict = Verdict::TooFewPoints;

    double progress() const
    {
        return parameters.points > 0 ? double(pointsDone) / parameters.points : 0.0;
    }
};

} // namespace aisim
