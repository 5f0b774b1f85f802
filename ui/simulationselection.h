#pragma once

#include "result.h"
#include "simulation.h"
#include "simulationrepository.h"

#include <QList>

#include <optional>

namespace aisim {

class Database;

// The selected rows of the simulations table as an action needs them. Runs whose pages are in
// memory are known; the other selected rows are spans to be read from the database, off the
// GUI thread, under the same sort and filters. The rows next to a span, when in memory, let
// the reading notice that the table has moved since it was last shown.
struct SimulationSelection
{
    struct Span
    {
        qint64 first = 0; // rows, inclusive
        qint64 last = 0;
        std::optional<qint64> idBefore; // the run in row first - 1, when known
        std::optional<qint64> idAfter; // the run in row last + 1, when known
    };

    SimulationQuery query;
    qint64 total = 0; // rows in the table as shown
    QList<Simulation> loaded;
    QList<Span> unloaded;

    qint64 count() const;
    bool isComplete() const { return unloaded.isEmpty(); }
};

// Every selected run: the loaded ones and those of the spans, read now. Refuses with a
// conflict when the table has changed under the spans (the caller shows it; nothing is done).
Result<QList<Simulation>> resolveSelection(Database &database,
                                           const SimulationSelection &selection);

} // namespace aisim
