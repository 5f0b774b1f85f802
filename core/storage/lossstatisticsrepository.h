#pragma once

#include "convergencepoint.h"
#include "lossstatistics.h"
#include "result.h"

namespace aisim {

class Database;

// The loss columns of simulations (final and best loss, the second of the best, rate and
// verdict), kept up to date by the transaction that stores a run's points.
class LossStatisticsRepository
{
public:
    LossStatisticsRepository(Database &database, const LossThresholds &thresholds)
        : m_database(database)
        , m_thresholds(thresholds)
    { }

    // Call inside the transaction that has just stored `added` (one point or a batch): the
    // best loss takes the added points into account, final loss, rate and verdict are read
    // from the run's last points as stored now.
    Status update(qint64 simulationId, const ConvergenceSeries &added);
    // Computes the columns of runs stored before they existed (migration 006), once.
    Status measureUnmeasured();

private:
    Database &m_database;
    LossThresholds m_thresholds;
};

} // namespace aisim
