#pragma once

#include "eventhub.h"
#include "pendingreply.h"
#include "simulationstatus.h"

#include <QObject>

#include <memory>
#include <vector>

namespace aisim {
class Database;
} // namespace aisim

namespace aisim::api {

// Holds the answers of POST /simulation?wait=true until their run ends (or the wait times
// out), without blocking the server thread. Follows the hub only while someone waits. Lives on
// the server thread.
class SimulationWaiter : public QObject
{
    Q_OBJECT
public:
    SimulationWaiter(Database &database, EventHub &events, QObject *parent = nullptr);
    ~SimulationWaiter() override;

    // Answers {"id", "status"} once the run is finished, failed or cancelled, or with its
    // status then after timeoutSeconds.
    void wait(qint64 simulationId, int timeoutSeconds, PendingReply &&reply);
    int waitingCount() const { return int(m_waiting.size()); }

private:
    struct Waiting
    {
        qint64 simulationId = 0;
        quint64 ticket = 0;
        std::unique_ptr<PendingReply> reply;
    };

    void answer(qint64 simulationId, SimulationStatus status);
    void answerRemoved(qint64 simulationId);
    void timeOut(quint64 ticket);
    void removeClosed();
    // Leaves the hub once no one waits.
    void forgetHubIfIdle();

    Database &m_database;
    EventHub &m_events;
    HubConnections m_hub;
    std::vector<Waiting> m_waiting;
    quint64 m_nextTicket = 1;
};

} // namespace aisim::api
