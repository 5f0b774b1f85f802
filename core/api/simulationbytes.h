#pragma once

#include "simulationsummary.h"

#include <QByteArray>

namespace aisim::api {

// Appends the original service's simulation object for a summary: the very bytes
// toJsonBytes(simulationToJson(simulation)) gives for the same run, without a Simulation, a
// QJsonObject or a QDateTime. Lists write each row this way into one buffer.
void appendSimulationSummary(QByteArray &out, const SimulationSummary &summary);
// A summary answer's bytes on their own, e.g. the body of GET /simulation/{id}.
QByteArray simulationSummaryBytes(const SimulationSummary &summary);
// The bytes one row takes, near enough to reserve a list's buffer at once.
constexpr qsizetype kSummaryBytesEstimate = 180;

} // namespace aisim::api
