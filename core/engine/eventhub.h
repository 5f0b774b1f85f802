#pragma once

#include "convergencepoint.h"
#include "simulationstatus.h"

#include <QObject>

namespace aisim {

// Announces every change to simulations and machines, whoever made it. Signals may be emitted
// from any thread; receivers in other threads get them queued.
class EventHub : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

Q_SIGNALS:
    void simulationChanged(qint64 simulationId, aisim::SimulationStatus status);
    void simulationRemoved(qint64 simulationId);
    void pointAdded(qint64 simulationId, aisim::ConvergencePoint point, int pointsDone);
    void machinesChanged();
};

} // namespace aisim
