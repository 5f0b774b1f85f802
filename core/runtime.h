#pragma once

#include "apiserver.h"
#include "database.h"
#include "engine.h"
#include "eventhub.h"
#include "notificationbridge.h"
#include "result.h"
#include "simulationservice.h"

#include <memory>

namespace aisim {

// What one aisim process runs, whatever its face.
struct RuntimeOptions
{
    DatabaseUrl database;
    EngineOptions engine;
    bool runEngine = true;
};

// The database, the engine, the operations and the REST server of one process, started and
// stopped in the right order.
class Runtime
{
public:
    // Opens and migrates the database, then starts the engine.
    static Result<std::unique_ptr<Runtime>> open(const RuntimeOptions &options);
    ~Runtime();

    Result<quint16> startApi(const QHostAddress &address, quint16 port);
    void stopApi();

    Database &database() { return *m_database; }
    EventHub &events() { return m_events; }
    Engine *engine() { return m_engine.get(); }
    SimulationService &service() { return *m_service; }
    api::ApiServer *apiServer() { return m_api.get(); }
    const RuntimeOptions &options() const { return m_options; }

private:
    explicit Runtime(const RuntimeOptions &options);

    RuntimeOptions m_options;
    std::unique_ptr<Database> m_database;
    EventHub m_events;
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<SimulationService> m_service;
    std::unique_ptr<NotificationBridge> m_bridge;
    std::unique_ptr<api::ApiServer> m_api;
};

} // namespace aisim
