// What the table's sort indexes (migration 002) and their copies under status and machine
// filters (migration 008) cost the engine: a run of 20,000 points at full speed on a database
// with them, beside the same run on databases without the filtered ones and without any. Each
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

enum class Indexes { None, Unfiltered, All };

// The indexes a point moves its run in: migration 002's, then migration 008's.
const QStringList kUnfilteredIndexes {u"simulations_status_order_idx"_s,
                                      u"simulations_duration_idx"_s, u"simulations_progress_idx"_s};
const QStringList kFilteredIndexes {
    u"simulations_status_update_idx"_s,          u"simulations_status_duration_idx"_s,
    u"simulations_status_progress_idx"_s,        u"simulations_machine_update_idx"_s,
    u"simulations_machine_duration_idx"_s,       u"simulations_machine_progress_idx"_s,
    u"simulations_machine_status_update_idx"_s,  u"simulations_machine_status_duration_idx"_s,
    u"simulations_machine_status_progress_idx"_s};

// Milliseconds from creation to the end of one run, or -1.
double measureRun(Indexes kept)
{
    QTemporaryDir dir;
    const DatabaseUrl url = DatabaseUrl::sqliteFile(dir.filePath(u"points.db"_s));
    {
        Database database(url);
        if (!database.migrate())
            return -1;
        QSqlQuery query(database.connection());
        QStringList dropped;
        if (kept != Indexes::All)
            dropped += kFilteredIndexes;
        if (kept == Indexes::None)
            dropped += kUnfilteredIndexes;
        for (const QString &index : std::as_const(dropped)) {
            if (!query.exec(u"DROP INDEX "_s + index))
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
    QList<double> all;
    QList<double> unfiltered;
    QList<double> none;
    // Alternated, so that a busy moment of the machine does not land on one side only.
    for (int round = 0; round < 3; ++round) {
        none.append(measureRun(Indexes::None));
        unfiltered.append(measureRun(Indexes::Unfiltered));
        all.append(measureRun(Indexes::All));
    }
    for (QList<double> *times : {&all, &unfiltered, &none})
        std::sort(times->begin(), times->end());
    const double withMs = all.at(1);
    const double unfilteredMs = unfiltered.at(1);
    const double withoutMs = none.at(1);
    out << "A run of " << kPoints << " points at full speed (median of 3):\n"
        << "  without the sort indexes       " << withoutMs << " ms (1.00), "
        << withoutMs * 1000 / kPoints << " us a point\n"
        << "  with the unfiltered ones (002) " << unfilteredMs << " ms ("
        << unfilteredMs / withoutMs << "), " << unfilteredMs * 1000 / kPoints << " us a point\n"
        << "  with the filtered ones (008)   " << withMs << " ms (" << withMs / withoutMs << "), "
        << withMs * 1000 / kPoints << " us a point\n";
    return withMs > 0 && unfilteredMs > 0 && withoutMs > 0 ? 0 : 1;
}
