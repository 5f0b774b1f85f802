// What the table's sort indexes (migration 002) cost the engine: a run of 20,000 points at
// full speed on a database with them, beside the same run on a database without them. Each
// point is one transaction that also moves the run's row in those indexes. Prints figures; no
// pass or fail.
#include "database.h"
#include "eventhub.h"
#include "runtime.h"
#include "simulationrepository.h"
#include "simulationservice.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace aisim;

namespace {
constexpr int kPoints = 20'000;

// Milliseconds from creation to the end of one run, or -1.
double measureRun(bool withSortIndexes)
{
    QTemporaryDir dir;
    const DatabaseUrl url = DatabaseUrl::sqliteFile(dir.filePath(u"points.db"_s));
    {
        Database database(url);
        if (!database.migrate())
            return -1;
        QSqlQuery query(database.connection());
        const QStringList indexes {u"simulations_status_order_idx"_s, u"simulations_duration_idx"_s,
                                   u"simulations_progress_idx"_s};
        for (const QString &index : indexes) {
            if (!withSortIndexes && !query.exec(u"DROP INDEX "_s + index))
                return -1;
        }
    }
    RuntimeOptions options;
    options.database = url;
    options.engine.workers = 1;
    options.engine.pollIntervalMs = 10;
    auto runtime = Runtime::open(options);
    if (!runtime)
        return -1;
    Runtime &rt = *runtime.value();
    if (!rt.service().createMachine(1, u"bench"_s))
        return -1;
    NewSimulation run;
    run.name = u"points"_s;
    run.machineId = 1;
    run.parameters.points = kPoints;
    run.parameters.paceMs = 0;
    run.parameters.curve = u"exponential"_s;

    QEventLoop loop;
    QObject::connect(&rt.events(), &EventHub::simulationChanged, &loop,
                     [&loop](qint64, SimulationStatus status) {
                         if (isTerminal(status))
                             loop.quit();
                     });
    QTimer::singleShot(120'000, &loop, &QEventLoop::quit);
    QElapsedTimer clock;
    clock.start();
    const auto created = rt.service().create(run);
    if (!created)
        return -1;
    loop.exec();
    const double ms = double(clock.nsecsElapsed()) / 1e6;
    const auto done = SimulationRepository(rt.database()).get(created->id);
    return done && done->status == SimulationStatus::Finished ? ms : -1;
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    qputenv("QT_LOGGING_RULES", "aisim.*.info=false");
    QTextStream out(stdout);
    QList<double> with;
    QList<double> without;
    // Alternated, so that a busy moment of the machine does not land on one side only.
    for (int round = 0; round < 3; ++round) {
        without.append(measureRun(false));
        with.append(measureRun(true));
    }
    std::sort(with.begin(), with.end());
    std::sort(without.begin(), without.end());
    const double withMs = with.at(1);
    const double withoutMs = without.at(1);
    out << "A run of " << kPoints << " points at full speed (median of 3):\n"
        << "  without the sort indexes " << withoutMs << " ms (1.00), "
        << withoutMs * 1000 / kPoints << " us a point\n"
        << "  with the sort indexes    " << withMs << " ms (" << withMs / withoutMs << "), "
        << withMs * 1000 / kPoints << " us a point\n";
    return withMs > 0 && withoutMs > 0 ? 0 : 1;
}
