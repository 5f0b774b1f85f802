#pragma once

namespace aisim {
class Database;
class Engine;
class SimulationService;
} // namespace aisim

namespace aisim::api {

// What the REST controllers work with; all of it outlives the server.
struct ApiContext
{
    Database *database = nullptr;
    SimulationService *service = nullptr;
    Engine *engine = nullptr; // may be null when this process runs no workers
};

} // namespace aisim::api
