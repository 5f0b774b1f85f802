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

    // At most `limit` points of a run in time order, those after afterSeconds when given: read
    // page after page, a long run never sits in memory whole.
    Result<ConvergenceSeries> page(qint64 simulationId, std::optional<double> afterSeconds,
                                   int limit);

private:
    Database &m_database;
};

} // namespace aisim
