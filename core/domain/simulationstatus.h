#pragma once

#include <QString>

#include <optional>

namespace aisim {

// Lifecycle state of a simulation run; the first three are the original service's.
enum class SimulationStatus { Pending, Running, Finished, Failed, Cancelled };

QString statusName(SimulationStatus status);
std::optional<SimulationStatus> statusFromString(const QString &text);
// True once a run can no longer change by itself (finished, failed or cancelled).
bool isTerminal(SimulationStatus status);
QStringList allStatusNames();

} // namespace aisim
