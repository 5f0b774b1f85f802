#pragma once

#include "lossstatistics.h"

#include <QList>
#include <QString>

namespace aisim {

// The longest time-out an attempt may have, the default (--run-timeout) or a run's own: 30 days.
constexpr int kMaxRunTimeoutSeconds = 30 * 24 * 3600;

// How an engine runs: how many workers, which machines, and its timing.
struct EngineOptions
{
    int workers = 0; // 0: one per core
    QList<qint64> machineIds; // the machines served; empty: all of them
    qint64 leaseMs = 30'000; // a run whose worker is silent this long is taken back
    int pollIntervalMs = 1000; // how often to look for work created elsewhere
    qint64 retryBackoffMs = 2000; // doubled with every failed attempt
    // How long an attempt may run, from its claim, when the run sets no time-out; 0: no limit.
    int runTimeoutSeconds = 0;
    QString workerId; // empty: host:pid:random
    // The verdicts stored with each point are computed with these.
    LossThresholds lossThresholds;
};

} // namespace aisim
