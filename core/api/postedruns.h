#pragma once

#include "apirequest.h"
#include "pendingreply.h"

#include <QObject>

#include <unordered_map>

namespace aisim::api {

class CreationWriter;
class SimulationsController;
class SimulationWaiter;

// The POST /simulation requests of one server thread: each is read and checked here, its run
// created by the CreationWriter with the runs posted meanwhile, and the request answered once
// that is committed (or, with ?wait=true, handed to the SimulationWaiter). Lives on the server
// thread, whose event loop goes on serving others meanwhile.
class PostedRuns : public QObject
{
    Q_OBJECT
public:
    PostedRuns(const SimulationsController &simulations, CreationWriter &writer,
               SimulationWaiter &waiter, QObject *parent = nullptr);

    void add(const ApiRequest &request, PendingReply &&reply);

private:
    struct Posted
    {
        PendingReply reply;
        // ?wait=true: answered when the run ends, or after timeoutSeconds.
        bool wait = false;
        int timeoutSeconds = 0;
    };

    const SimulationsController &m_simulations;
    CreationWriter &m_writer;
    SimulationWaiter &m_waiter;
    std::unordered_map<quint64, Posted> m_posted; // by ticket
    quint64 m_lastTicket = 0;
};

} // namespace aisim::api
