#pragma once

#include "convergencepoint.h"
#include "simulationstatus.h"

#include <QObject>

#include <vector>

namespace aisim {

// Announces every change to simulations and machines, whoever made it. Signals may be emitted
// from any thread; receivers in other threads get them queued.
class EventHub : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // How many receivers, in any thread, follow the runs' status changes and their points.
    int statusFollowers() const
    {
        return receivers(SIGNAL(simulationChanged(qint64, aisim::SimulationStatus)));
    }
    int pointFollowers() const
    {
        return receivers(SIGNAL(pointAdded(qint64, aisim::ConvergencePoint, int)));
    }

Q_SIGNALS:
    void simulationChanged(qint64 simulationId, aisim::SimulationStatus status);
    void simulationRemoved(qint64 simulationId);
    void pointAdded(qint64 simulationId, aisim::ConvergencePoint point, int pointsDone);
    void machinesChanged();
};

// The connections a receiver keeps to the hub while it has someone to tell: one with no one
// listening holds none, so that the hub posts nothing to its thread. Disconnects when destroyed.
class HubConnections
{
public:
    HubConnections() = default;
    HubConnections(const HubConnections &) = delete;
    HubConnections &operator=(const HubConnections &) = delete;
    ~HubConnections() { clear(); }

    bool isEmpty() const { return m_connections.empty(); }
    void add(QMetaObject::Connection connection) { m_connections.push_back(std::move(connection)); }
    void clear()
    {
        for (const QMetaObject::Connection &connection : m_connections)
            QObject::disconnect(connection);
        m_connections.clear();
    }

private:
    std::vector<QMetaObject::Connection> m_connections;
};

} // namespace aisim
