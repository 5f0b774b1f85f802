#pragma once

#include "apiserver.h"
#include "database.h"
#include "engine.h"
#include "eventhub.h"
#include "housekeeper.h"
#include "notificationbridge.h"
#include "result.h"
#include "simulationservice.h"

#include <memory>

namespace aisim {

// What one aisim process runs, whatever its face.
struct RuntimeOptions
{
    DatabaseUrl database;
    // Who may read a SQLite database's files: the desktop's are private.
    Database::Privacy databasePrivacy = Database::Privacy::Umask;
    EngineOptions engine;
    bool runEngine = true;
    // Whether the REST API asks for bearer tokens. Off only on a loopback address: the
    // command line turns it on unless --no-auth is given.
    api::AuthMode apiAuth = api::AuthMode::Disabled;
    // Origins whose pages may call the REST API (CORS); none by default.
    QStringList corsOrigins;
    // How long the REST server waits for a request to complete, and keeps an idle connection.
    api::ConnectionTimeouts connectionTimeouts;
    // Threads serving the REST API; 0: one per core.
    int httpThreads = 0;
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
    // The admin token created when the runtime opened with tokens required and the database had
    // none; empty otherwise. Show it once: only its hash is stored.
    QString initialAdminToken() const { return m_initialAdminToken; }

    Database &database() { return *m_database; }
    EventHub &events() { return m_events; }
    Engine *engine() { return m_engine.get(); }
    SimulationService &service() { return *m_service; }
    api::ApiServer *apiServer() { return m_api.get(); }
    const RuntimeOptions &options() const { return m_options; }

private:
    explicit Runtime(const RuntimeOptions &options);
    // Creates an admin token when the database has none, keeping its secret to show once.
    Status createFirstAdminToken();

    RuntimeOptions m_options;
    std::unique_ptr<Database> m_database;
    EventHub m_events;
    std::unique_ptr<Engine> m_engine;
    // The storage's upkeep where no engine runs here (the engine's housekeeper does it else).
    std::unique_ptr<Housekeeper> m_housekeeper;
    std::unique_ptr<SimulationService> m_service;
    std::unique_ptr<NotificationBridge> m_bridge;
    std::unique_ptr<api::ApiServer> m_api;
    QString m_initialAdminToken;
};

} // namespace aisim
