#pragma once

#include "convergencepoint.h"
#include "result.h"

#include <optional>

namespace aisim {

class Database;

// Reads the convergence points that workers store.
class ConvergenceRepository
{
public:
    explicit ConvergenceRepository(Database &database)
        : m_database(database)
    { }

    // The points of a run in time order, only those after sinceSeconds when given.
    Result<ConvergenceSeries> points(qint64 simulationId,
                                     std::optional<double> sinceSeconds = std::nullopt);

private:
    Database &m_database;
};

} // namespace aisim
