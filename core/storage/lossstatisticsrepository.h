#pragma once

#include "convergencepoint.h"
#include "lossstatistics.h"
#include "result.h"

#include <QVariantList>

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

    // The loss columns' SET clause, with placeholders for setValues(): the UPDATE that stores
    // a group's progress carries it, so that the run's row changes once a group (an UPDATE of a
    // run is a new entry in each of its indexes on PostgreSQL).
    static QString setClause();
    // The values of setClause() for the run once `added` (one point or a batch), not stored yet,
    // is: the best loss takes the added points that will be stored into account (a point at a
    // second already stored keeps the stored one, as storing it does); final loss, rate and
    // verdict come from the run's last points, those stored and those added. Call in the
    // transaction that then stores them. Empty when nothing is added.
    Result<QVariantList> setValues(qint64 simulationId, const ConvergenceSeries &added);
    // Updates the loss columns alone for `added`, points stored already.
    Status update(qint64 simulationId, const ConvergenceSeries &added);
    // Computes the columns of runs stored before they existed (migration 006), once.
    Status measureUnmeasured();

private:
    enum class Added { ToStore, Stored };
    Result<QVariantList> values(qint64 simulationId, const ConvergenceSeries &added, Added state);

    Database &m_database;
    LossThresholds m_thresholds;
};

} // namespace aisim
