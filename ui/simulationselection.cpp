#include "simulationselection.h"

#include "simulationpageloader.h"

#include <QCoreApplication>
#include <QSet>

using namespace Qt::StringLiterals;

namespace aisim {

qint64 SimulationSelection::count() const
{
    qint64 rows = loaded.size();
    for (const Span &span : unloaded)
        rows += span.last - span.first + 1;
    return rows;
}

Result<QList<Simulation>> resolveSelection(Database &database, const SimulationSelection &selection)
{
    const auto moved = [] {
        return Error::conflict(QCoreApplication::translate(
            "SimulationSelection",
            "The table changed while the selection was read; nothing was done. Look at it "
            "again and retry."));
    };
    QList<Simulation> simulations = selection.loaded;
    QSet<qint64> seen;
    for (const Simulation &simulation : selection.loaded)
        seen.insert(simulation.id);
    if (selection.isComplete())
        return simulations;

    const Result<qint64> total = SimulationRepository(database).count(selection.query);
    if (!total)
        return total.error();
    if (total.value() != selection.total)
        return moved();
    for (const SimulationSelection::Span &span : selection.unloaded) {
        // One read per span, with its known neighbours to check the rows are where they were.
        const qint64 first = span.first - (span.idBefore ? 1 : 0);
        const qint64 last = span.last + (span.idAfter ? 1 : 0);
        auto rows
            = loadSimulationRows(database, selection.query, first, last - first + 1, total.value());
        if (!rows)
            return rows.error();
        QList<Simulation> &read = rows.value();
        if (read.size() != last - first + 1)
            return moved();
        if (span.idBefore) {
            if (read.constFirst().id != *span.idBefore)
                return moved();
            read.removeFirst();
        }
        if (span.idAfter) {
            if (read.constLast().id != *span.idAfter)
                return moved();
            read.removeLast();
        }
        for (const Simulation &simulation : std::as_const(read)) {
            if (!seen.contains(simulation.id)) {
                seen.insert(simulation.id);
                simulations.append(simulation);
            }
        }
    }
    return simulations;
}

} // namespace aisim
