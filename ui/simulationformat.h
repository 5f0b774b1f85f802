#pragma once

#include "simulation.h"

#include <QString>

namespace aisim {

// How long a run has been running (or ran); -1 when it never started.
qint64 runningTimeMs(const Simulation &simulation);
// "4.2 s", "3 min 05 s", "2 h 10 min"; empty for -1.
QString formatDuration(qint64 ms);
// Local time, to the second; empty for a null date.
QString formatDateTime(const QDateTime &date);

} // namespace aisim
