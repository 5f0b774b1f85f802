#pragma once

#include "simulation.h"

#include <QColor>
#include <QString>
#include <QVariant>

namespace aisim {

// How the table shows a run's loss statistics and its lease.
namespace runformat {

// "0.0213" (four significant digits); empty when absent.
QString loss(const std::optional<double> &value);
// "-0.512"; empty when absent.
QString rate(const std::optional<double> &value);
// "converging", "stalled", "diverging", "too few points".
QString verdict(Verdict verdict);
// What the verdict column says on hover: how the verdict was reached.
QString verdictExplanation(const Simulation &simulation);
// Red for diverging, amber for stalled; invalid (the default colour) otherwise.
QColor verdictColor(Verdict verdict);
// Who holds a running run and until when, or what a pending run waits for; empty otherwise.
QString lease(const Simulation &simulation, bool machineOnline, const QString &machineName);

} // namespace runformat

} // namespace aisim
