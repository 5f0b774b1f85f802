#pragma once

#include "connectionguard.h"

#include <QStringList>

namespace aisim {
class Database;
class Engine;
class SimulationService;
} // namespace aisim

namespace aisim::api {

// Whether requests must carry a bearer token.
enum class AuthMode { Required, Disabled };

// What the REST controllers work with; all of it outlives the server.
struct ApiContext
{
    Database *database = nullptr;
    SimulationService *service = nullptr;
    Engine *engine = nullptr; // may be null when this process runs no workers
    AuthMode auth = AuthMode::Required;
    // Origins allowed to call the API from a browser; empty turns CORS off.
    QStringList corsOrigins;
    // Where the Swagger UI files are; empty looks in the build tree and the installed path.
    QString swaggerUiDir;
    ConnectionTimeouts connectionTimeouts;
    // Threads serving requests; 0: one per core, at most kMaxDefaultThreads.
    int httpThreads = 0;
};

constexpr int kMaxDefaultThreads = 8;

} // namespace aisim::api
