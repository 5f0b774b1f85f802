#pragma once

#include "simulation.h"

#include <QSqlQuery>
#include <QString>

namespace aisim {

// The columns every read of whole simulations selects, in readSimulation()'s order.
extern const QString kSimulationColumns;

// The simulation in the current row of a query that selected kSimulationColumns first.
Simulation readSimulation(const QSqlQuery &query);

} // namespace aisim
