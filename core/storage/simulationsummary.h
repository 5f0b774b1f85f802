#pragma once

#include <QString>

namespace aisim {

// What the original service shows of a run, and its version: read for answers written
// straight as bytes, without a Simulation (nothing parsed that the answer does not show).
struct SimulationSummary
{
    qint64 id = 0;
    QString name;
    qint64 machineId = 0;
    QString status;
    qint64 creationMs = 0; // milliseconds since the epoch, as stored
    qint64 updateMs = 0;
    qint64 version = 0; // bumped by every change of the run, its points included
};

} // namespace aisim
