#pragma once

#include "convergencepoint.h"
#include "machine.h"
#include "simulation.h"

#include <QJsonArray>
#include <QJsonObject>

namespace aisim {

// Formats a UTC time the way the original service does: 2024-03-06T08:02:46.295055.
QString formatTimestamp(const QDateTime &time);
// Parses the original service's timestamps (and ISO 8601 with an offset); null on failure.
QDateTime parseTimestamp(const QString &text);

// The original service's simulation object, nothing more.
QJsonObject simulationToJson(const Simulation &simulation);
// The original object plus the lifecycle details AISimulation adds: progress, attempts, the
// loss statistics, the lease of a running run, and for a pending run whose machine has no
// online worker (machineOnline false), the machine it waits for.
QJsonObject simulationToDetailedJson(const Simulation &simulation, bool machineOnline = true);
QJsonObject machineToJson(const Machine &machine);
QJsonObject convergencePointToJson(const ConvergencePoint &point);
QJsonArray convergenceToJson(const ConvergenceSeries &points);

} // namespace aisim
