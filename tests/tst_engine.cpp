#include "convergencerepository.h"
#include "database.h"
#include "engine.h"
#include "eventhub.h"
#include "machinerepository.h"
#include "runtime.h"
#include "simulationrepository.h"
#include "simulationservice.h"
#include "sqlsupport.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;
using namespace aisim;

namespace {

// One engine process in miniature: its own database connection pool, events and service.
struct Node
{
    Node(const DatabaseUrl &url, EngineOptions options)
        : database(url)
        , engine(database, events, std::move(options))
        , service(database, events, &engine)
    { }

    Database database;
    EventHub events;
    Engine engine;
    SimulationService service;
};

EngineOptions fastOptions(int workers = 2)
{
    EngineOptions options;
    options.workers = workers;
    options.pollIntervalMs = 50;
    options.leaseMs = 5000;
    options.retryBackoffMs = 10;
    return options;
}

NewSimulation run(const QString &name, int points = 10, int paceMs = 20)
{
    NewSimulation simulation;
    simulation.name = name;
    simulation.machineId = 101;
    simulation.parameters.points = points;
    simulation.parameters.paceMs = paceMs;
    return simulation;
}

} // namespace

// The engine: the seed's lifecycle, live points, cancellation, recovery and exclusive claims.
class TestEngine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void runProducesTheSeedPointsLiveAndFinishes_data() { test::addDialectRows(); }
    void runProducesTheSeedPointsLiveAndFinishes();
    void aFastRunCommitsItsPointsInGroups_data() { test::addDialectRows(); }
    void aFastRunCommitsItsPointsInGroups();
    void quickRunsEndTogetherAndOnce_data() { test::addDialectRows(); }
    void quickRunsEndTogetherAndOnce();
    void aSlowRunShowsEachPointAtOnce_data() { test::addDialectRows(); }
    void aSlowRunShowsEachPointAtOnce();
    void cancellingARunningSimulationStopsItAtOnce_data() { test::addDialectRows(); }
    void cancellingARunningSimulationStopsItAtOnce();
    void aRunLeftByACrashedProcessIsResumedAfterItsLease_data() { test::addDialectRows(); }
    void aRunLeftByACrashedProcessIsResumedAfterItsLease();
    void aFailingRunIsRetriedWithBackoffThenFails_data() { test::addDialectRows(); }
    void aFailingRunIsRetriedWithBackoffThenFails();
    void aDeadlockedEndIsWrittenAgain_data() { test::addPostgreSqlRow(); }
    void aDeadlockedEndIsWrittenAgain();
    void stoppingHandsRunsBackWithoutSpendingAnAttempt_data() { test::addDialectRows(); }
    void stoppingHandsRunsBackWithoutSpendingAnAttempt();
    void twoEnginesNeverRunTheSameSimulationTwice_data() { test::addDialectRows(); }
    void twoEnginesNeverRunTheSameSimulationTwice();
    void twoWorkerProcessesNeverRunTheSameSimulationTwice_data() { test::addDialectRows(); }
    void twoWorkerProcessesNeverRunTheSameSimulationTwice();
    void aWorkerServesOnlyItsMachines();
    void changesMadeByAnotherProcessArriveLiveOnPostgreSql_data();
    void changesMadeByAnotherProcessArriveLiveOnPostgreSql();

private:
    static bool prepare(const DatabaseUrl &url)
    {
        Database database(url);
        return database.migrate().ok()
            && MachineRepository(database).create(101, u"Machine A"_s).ok()
            && MachineRepository(database).create(102, u"Machine B"_s).ok();
    }
};

void TestEngine::runProducesTheSeedPointsLiveAndFinishes()
{
    AISIM_OPEN_TEST_DATABASE(db);
    QVERIFY(prepare(db->url()));
    Node node(db->url(), fastOptions());
    QSignalSpy points(&node.events, &EventHub::pointAdded);
    QSignalSpy changes(&node.events, &EventHub::simulationChanged);
    // Each point must already be in the database when it is announced: look from the
    // announcing thread itself, at the moment of the signal.
    QMutex mutex;
    QList<int> storedWhenAnnounced;
    connect(
        &node.events, &EventHub::pointAdded, this,
        [&](qint64 id, const ConvergencePoint &, int) {
            const int stored = int(ConvergenceRepository(node.database).points(id)->size());
            const QMutexLocker lock(&mutex);
            storedWhenAnnounced << stored;
        },
        Qt::DirectConnection);
    node.engine.start();
    const auto created = node.service.create(run(u"seed"_s));
    QVERIFY(created.ok());
    QCOMPARE(created->status, SimulationStatus::Pending);

    SimulationRepository simulations(node.database);
    QTRY_COMPARE_WITH_TIMEOUT(simulations.get(created->id)->status, SimulationStatus::Finished,
                              10000);
    const QList<double> seed {0.042, 0.033, 0.029, 0.027, 0.025, 0.024, 0.023, 0.023, 0.022, 0.022};
    ConvergenceSeries expected;
    for (int i = 0; i < seed.size(); ++i)
        expected.append({10.0 * (i + 1), seed[i]});
    QCOMPARE(ConvergenceRepository(node.database).points(created->id).value(), expected);
    QTRY_COMPARE(points.size(), 10);
    const QMutexLocker lock(&mutex);
    QCOMPARE(storedWhenAnnounced.size(), 10);
    for (int i = 0; i < points.size(); ++i) {
        QCOMPARE(points.at(i).at(1).value<ConvergencePoint>(), expected.at(i));
        QCOMPARE(points.at(i).at(2).toInt(), i + 1);
        // Stored before it is announced (with the rest of its group, at this pace).
        QVERIFY(storedWhenAnnounced.at(i) >= i + 1);
    }
    QList<SimulationStatus> statuses;
    for (const auto &change : changes)
        statuses << change.at(1).value<SimulationStatus>();
    QCOMPARE(statuses,
             QList<SimulationStatus>({SimulationStatus::Pending, SimulationStatus::Running,
                                      SimulationStatus::Finished}));
    const Simulation finished = simulations.get(created->id).value();
    QCOMPARE(finished.attempts, 1);
    QCOMPARE(finished.pointsDone, 10);
    QVERIFY(finished.finishedAt >= finished.startedAt);
    QVERIFY(finished.leaseOwner.isEmpty());
}

void TestEngine::aFastRunCommitsItsPointsInGroups()
{
    AISIM_OPEN_TEST_DATABASE(db);
    QVERIFY(prepare(db->url()));
    Node node(db->url(), fastOptions());
    QSignalSpy points(&node.events, &EventHub::pointAdded);
    node.engine.start();
    const Simulation created = node.service.create(run(u"fast"_s, 10, 0)).value();
    SimulationRepository simulations(node.database);
    QTRY_COMPARE(simulations.get(created.id)->status, SimulationStatus::Finished);
    const Simulation finished = simulations.get(created.id).value();
    // Every change bumps the version: the claim, then the ten points and the end in one.
    QCOMPARE(finished.version, created.version + 2);
    QCOMPARE(finished.pointsDone, 10);
    QCOMPARE(ConvergenceRepository(node.database).points(created.id)->size(), 10);
    QTRY_COMPARE(points.size(), 10);
    for (int i = 0; i < points.size(); ++i)
        QCOMPARE(points.at(i).at(2).toInt(), i + 1);
}

void TestEngine::quickRunsEndTogetherAndOnce()
{
    AISIM_OPEN_TEST_DATABASE(db);
    QVERIFY(prepare(db->url()));
    Node a(db->url(), fastOptions());
    Node b(db->url(), fastOptions());
    // Runs at pace 0 with a paced run now and then, which a batch of quick runs may claim
    // beyond the free workers and give back.
    constexpr int kQuick = 150;
    constexpr int kPaced = 10;
    QHash<qint64, int> starts;
    QHash<qint64, QList<int>> numbers; // the points announced, by run
    QHash<qint64, int> ends;
    for (Node *node : {&a, &b}) {
        connect(&node->events, &EventHub::simulationChanged, this,
                [&](qint64 id, SimulationStatus status) {
                    if (status == SimulationStatus::Running) {
                        ++starts[id];
                        QVERIFY2(numbers.value(id).isEmpty(), "a point came before the start");
                    }
                    if (status == SimulationStatus::Finished)
                        ++ends[id];
                });
        connect(&node->events, &EventHub::pointAdded, this,
                [&](qint64 id, const ConvergencePoint &, int number) { numbers[id] << number; });
    }
    QHash<qint64, int> pointsOf;
    for (int i = 0; i < kQuick + kPaced; ++i) {
        const bool paced = i % 16 == 15;
        const auto created
            = a.service.create(run(u"run %1"_s.arg(i), paced ? 3 : 10 + i % 3, paced ? 5 : 0));
        QVERIFY(created.ok());
        pointsOf.insert(created->id, created->parameters.points);
    }
    a.engine.start();
    b.engine.start();
    SimulationRepository simulations(a.database);
    SimulationQuery finished;
    finished.status = SimulationStatus::Finished;
    QTRY_COMPARE_WITH_TIMEOUT(simulations.count(finished).value(), kQuick + kPaced, 30000);
    QTRY_COMPARE(ends.size(), kQuick + kPaced);
    for (const Simulation &s : simulations.list({}).value()) {
        QCOMPARE(starts.value(s.id), 1);
        QCOMPARE(ends.value(s.id), 1);
        QCOMPARE(s.attempts, 1);
        QCOMPARE(s.pointsDone, pointsOf.value(s.id));
        QCOMPARE(ConvergenceRepository(a.database).points(s.id)->size(), pointsOf.value(s.id));
        QVERIFY(s.finalLoss.has_value());
        QList<int> expected;
        for (int n = 1; n <= pointsOf.value(s.id); ++n)
            expected << n;
        QCOMPARE(numbers.value(s.id), expected);
    }
    // Every quick run was ended in a batch, and the batches shared their transactions.
    const qint64 ended = a.engine.quickRunsEnded() + b.engine.quickRunsEnded();
    const qint64 commits = a.engine.quickRunCommits() + b.engine.quickRunCommits();
    QCOMPARE(ended, kQuick);
    QVERIFY2(commits * 4 <= ended,
             qPrintable(u"%1 quick runs in %2 transactions"_s.arg(ended).arg(commits)));
}

void TestEngine::aSlowRunShowsEachPointAtOnce()
{
    AISIM_OPEN_TEST_DATABASE(db);
    QVERIFY(prepare(db->url()));
    Node node(db->url(), fastOptions());
    QElapsedTimer clock;
    clock.start();
    QMutex mutex;
    QList<qint64> announcedAt;
    connect(
        &node.events, &EventHub::pointAdded, this,
        [&](qint64, const ConvergencePoint &, int) {
            const QMutexLocker lock(&mutex);
            announcedAt << clock.elapsed();
        },
        Qt::DirectConnection);
    node.engine.start();
    const Simulation created = node.service.create(run(u"paced"_s, 4, 200)).value();
    SimulationRepository simulations(node.database);
    QTRY_COMPARE(simulations.get(created.id)->status, SimulationStatus::Finished);
    const QMutexLocker lock(&mutex);
    QCOMPARE(announcedAt.size(), 4);
    // A point due later than the group window is not held back for the next one.
    for (int i = 1; i < announcedAt.size(); ++i)
        QVERIFY2(announcedAt.at(i) - announcedAt.at(i - 1) >= 150,
                 qPrintable(u"point %1 came %2 ms after the one before"_s.arg(i + 1).arg(
                     announcedAt.at(i) - announcedAt.at(i - 1))));
    QCOMPARE(simulations.get(created.id)->version, created.version + 1 + 4);
}

void TestEngine::cancellingARunningSimulationStopsItAtOnce()
{
    AISIM_OPEN_TEST_DATABASE(db);
    QVERIFY(prepare(db->url()));
    Node node(db->url(), fastOptions());
    node.engine.start();
    const qint64 id = node.service.create(run(u"slow"_s, 10, 60'000))->id;
    SimulationRepository simulations(node.database);
    QTRY_COMPARE(simulations.get(id)->status, SimulationStatus::Running);
    QTRY_COMPARE(node.engine.busyWorkers(), 1);
    QCOMPARE(node.service.cancel(id)->status, SimulationStatus::Cancelled);
    // The worker sleeping for a minute is woken and gives up its slot at once.
    QTRY_COMPARE_WITH_TIMEOUT(node.engine.busyWorkers(), 0, 2000);
    QCOMPARE(simulations.get(id)->status, SimulationStatus::Cancelled);
    QCOMPARE(node.service.cancel(id).error().kind, Error::Kind::Conflict);

    // A pending run can be cancelled before any worker takes it.
    Node idle(db->url(), fastOptions());
    const qint64 pending = idle.service.create(run(u"never"_s))->id;
    QCOMPARE(idle.service.cancel(pending)->status, SimulationStatus::Cancelled);
}

void TestEngine::aRunLeftByACrashedProcessIsResumedAfterItsLease()
{
    AISIM_OPEN_TEST_DATABASE(db);
    QVERIFY(prepare(db->url()));
    Database crashed(db->url());
    SimulationRepository simulations(crashed);
    NewSimulation simulation = run(u"orphan"_s, 4, 10);
    const qint64 id = simulations.create(simulation)->id;
    // A process claims it, writes two points with a short lease, then dies.
    QVERIFY(simulations.claimNextPending(u"dead-process"_s, {}, 300).value());
    QVERIFY(simulations.recordPoint(id, u"dead-process"_s, {10, 0.042}, 1, 300).value());
    QVERIFY(simulations.recordPoint(id, u"dead-process"_s, {20, 0.033}, 2, 300).value());

    Node survivor(db->url(), fastOptions());
    QSignalSpy points(&survivor.events, &EventHub::pointAdded);
    survivor.engine.start();
    QTRY_COMPARE_WITH_TIMEOUT(simulations.get(id)->status, SimulationStatus::Finished, 5000);
    // It resumed at the third point: nothing duplicated, nothing lost.
    QCOMPARE(points.size(), 2);
    QCOMPARE(points.first().at(2).toInt(), 3);
    QCOMPARE(ConvergenceRepository(crashed).points(id)->size(), 4);
    QCOMPARE(simulations.get(id)->attempts, 2);
}

void TestEngine::aFailingRunIsRetriedWithBackoffThenFails()
{
    AISIM_OPEN_TEST_DATABASE(db);
    QVERIFY(prepare(db->url()));
    Node node(db->url(), fastOptions());
    QSignalSpy changes(&node.events, &EventHub::simulationChanged);
    node.engine.start();
    NewSimulation simulation = run(u"fragile"_s, 5, 5);
    simulation.parameters.failAtPoint = 3;
    simulation.maxAttempts = 3;
    const qint64 id = node.service.create(simulation)->id;
    SimulationRepository simulations(node.database);
    QTRY_COMPARE_WITH_TIMEOUT(simulations.get(id)->status, SimulationStatus::Failed, 10000);
    const Simulation failed = simulations.get(id).value();
    QCOMPARE(failed.attempts, 3);
    QVERIFY2(failed.error.contains(u"point 3"_s), qPrintable(failed.error));
    QCOMPARE(ConvergenceRepository(node.database).points(id)->size(), 2);
    int requeued = 0;
    for (const auto &change : changes)
        requeued += change.at(1).value<SimulationStatus>() == SimulationStatus::Pending ? 1 : 0;
    QCOMPARE(requeued, 3); // created, then twice back in the queue

    // A failed run can be retried by hand; it starts over.
    QCOMPARE(node.service.retry(id)->status, SimulationStatus::Pending);
    QTRY_COMPARE_WITH_TIMEOUT(simulations.get(id)->status, SimulationStatus::Failed, 10000);
}

// PostgreSQL aborts one of two transactions that deadlock. Another session holds the machine's
// counters that a run's end updates, then waits for the run's row, which the end holds: the
// end, waiting first, is aborted. It is not the run's failure: the end is written again once the
// other session commits, and the run finishes on its first attempt.
void TestEngine::aDeadlockedEndIsWrittenAgain()
{
    AISIM_OPEN_TEST_DATABASE(db);
    QVERIFY(prepare(db->url()));
    Node node(db->url(), fastOptions(1));
    node.engine.start();
    const Simulation created = node.service.create(run(u"deadlocked"_s, 3, 300)).value();
    SimulationRepository simulations(node.database);
    QTRY_VERIFY(simulations.get(created.id)->pointsDone >= 1);
    Database other(db->url());
    const auto session = QtConcurrent::run([&other, id = created.id]() -> QString {
        sql::Transaction transaction(other);
        if (!transaction.isActive())
            return transaction.beginError().message;
        if (const QString failed = test::runStatement(
                other, u"SELECT runs FROM simulation_counts WHERE machine_id = 101 FOR UPDATE"_s);
            !failed.isEmpty())
            return failed;
        // Until the run's end waits for them.
        if (const QString blocked = test::waitForSessionBlocked(other); !blocked.isEmpty())
            return blocked;
        if (const QString failed = test::runStatement(
                other, u"SELECT 1 FROM simulations WHERE simulation_id = ? FOR UPDATE"_s, {id});
            !failed.isEmpty())
            return failed;
        const Status committed = transaction.commit();
        return committed ? QString() : committed.error().message;
    });
    QCOMPARE(session.result(), QString()); // the run's end was the transaction aborted
    QTRY_COMPARE(simulations.get(created.id)->status, SimulationStatus::Finished);
    const Simulation finished = simulations.get(created.id).value();
    QCOMPARE(finished.attempts, 1);
    QCOMPARE(finished.pointsDone, 3);
    QVERIFY(finished.error.isEmpty());
}

void TestEngine::stoppingHandsRunsBackWithoutSpendingAnAttempt()
{
    AISIM_OPEN_TEST_DATABASE(db);
    QVERIFY(prepare(db->url()));
    qint64 id = 0;
    {
        Node first(db->url(), fastOptions());
        first.engine.start();
        id = first.service.create(run(u"long"_s, 6, 100))->id;
        QTRY_VERIFY(SimulationRepository(first.database).get(id)->pointsDone >= 2);
        first.engine.stop();
        const Simulation released = SimulationRepository(first.database).get(id).value();
        QCOMPARE(released.status, SimulationStatus::Pending);
        QCOMPARE(released.attempts, 0);
        QVERIFY(released.pointsDone >= 2);
    }
    Node second(db->url(), fastOptions());
    second.engine.start();
    SimulationRepository simulations(second.database);
    QTRY_COMPARE_WITH_TIMEOUT(simulations.get(id)->status, SimulationStatus::Finished, 5000);
    QCOMPARE(ConvergenceRepository(second.database).points(id)->size(), 6);
    QCOMPARE(simulations.get(id)->attempts, 1);
}

void TestEngine::twoEnginesNeverRunTheSameSimulationTwice()
{
    AISIM_OPEN_TEST_DATABASE(db);
    QVERIFY(prepare(db->url()));
    Node a(db->url(), fastOptions(3));
    Node b(db->url(), fastOptions(3));
    QHash<qint64, int> starts;
    for (Node *node : {&a, &b}) {
        connect(&node->events, &EventHub::simulationChanged, this,
                [&starts](qint64 id, SimulationStatus status) {
                    if (status == SimulationStatus::Running)
                        ++starts[id];
                });
    }
    constexpr int kRuns = 24;
    for (int i = 0; i < kRuns; ++i)
        QVERIFY(a.service.create(run(u"run %1"_s.arg(i), 3, 5)).ok());
    a.engine.start();
    b.engine.start();
    SimulationRepository simulations(a.database);
    SimulationQuery finished;
    finished.status = SimulationStatus::Finished;
    QTRY_COMPARE_WITH_TIMEOUT(simulations.count(finished).value(), kRuns, 20000);
    // The announcements come queued from the workers' threads, soon after.
    QTRY_COMPARE(starts.size(), kRuns);
    for (auto it = starts.cbegin(); it != starts.cend(); ++it)
        QVERIFY2(it.value() == 1,
                 qPrintable(u"simulation %1 started %2 times"_s.arg(it.key()).arg(it.value())));
    for (const Simulation &s : simulations.list({}).value()) {
        QCOMPARE(s.attempts, 1);
        QCOMPARE(ConvergenceRepository(a.database).points(s.id)->size(), 3);
    }
}

void TestEngine::twoWorkerProcessesNeverRunTheSameSimulationTwice()
{
    AISIM_OPEN_TEST_DATABASE(db);
    QVERIFY(prepare(db->url()));
    Database database(db->url());
    SimulationRepository simulations(database);
    constexpr int kRuns = 16;
    for (int i = 0; i < kRuns; ++i) {
        NewSimulation simulation = run(u"run %1"_s.arg(i), 3, 20);
        simulation.machineId = i % 2 ? 101 : 102;
        QVERIFY(simulations.create(simulation).ok());
    }
    const QString url = db->url().toString();
    QList<QProcess *> workers;
    for (int i = 0; i < 2; ++i) {
        auto *worker = new QProcess(this);
        worker->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        worker->start(QStringLiteral(AISIM_EXECUTABLE),
                      {u"worker"_s, u"--database"_s, url, u"--machine"_s, u"101"_s, u"--machine"_s,
                       u"102"_s, u"--workers"_s, u"3"_s});
        QVERIFY(worker->waitForStarted());
        workers << worker;
    }
    SimulationQuery finished;
    finished.status = SimulationStatus::Finished;
    QTRY_COMPARE_WITH_TIMEOUT(simulations.count(finished).value(), kRuns, 30000);
    for (QProcess *worker : workers) {
        worker->terminate();
        QVERIFY(worker->waitForFinished(10000));
        QCOMPARE(worker->exitStatus(), QProcess::NormalExit);
        QCOMPARE(worker->exitCode(), 0);
    }
    for (const Simulation &s : simulations.list({}).value()) {
        QCOMPARE(s.attempts, 1);
        QCOMPARE(ConvergenceRepository(database).points(s.id)->size(), 3);
    }
}

void TestEngine::aWorkerServesOnlyItsMachines()
{
    test::TestDatabase db(test::TestDatabase::Dialect::Sqlite);
    QVERIFY(prepare(db.url()));
    EngineOptions options = fastOptions();
    options.machineIds = {102};
    Node node(db.url(), options);
    NewSimulation onA = run(u"on A"_s, 2, 5);
    NewSimulation onB = onA;
    onB.name = u"on B"_s;
    onB.machineId = 102;
    const qint64 a = node.service.create(onA)->id;
    const qint64 b = node.service.create(onB)->id;
    node.engine.start();
    SimulationRepository simulations(node.database);
    QTRY_COMPARE(simulations.get(b)->status, SimulationStatus::Finished);
    QTest::qWait(200); // several polls: machine 101's run must stay untouched
    QCOMPARE(simulations.get(a)->status, SimulationStatus::Pending);
}

void TestEngine::changesMadeByAnotherProcessArriveLiveOnPostgreSql_data()
{
    QTest::addColumn<int>("dialect");
    QTest::newRow("postgresql") << int(test::TestDatabase::Dialect::PostgreSql);
}

void TestEngine::changesMadeByAnotherProcessArriveLiveOnPostgreSql()
{
    AISIM_OPEN_TEST_DATABASE(db);
    QVERIFY(prepare(db->url()));
    // A worker that polls only once a minute, and a window's process that runs nothing.
    RuntimeOptions workerOptions;
    workerOptions.database = db->url();
    workerOptions.engine = fastOptions();
    workerOptions.engine.pollIntervalMs = 60'000;
    RuntimeOptions viewerOptions = workerOptions;
    viewerOptions.runEngine = false;
    auto worker = Runtime::open(workerOptions);
    auto viewer = Runtime::open(viewerOptions);
    QVERIFY(worker.ok() && viewer.ok());
    QTest::qWait(200); // the worker's first poll has passed

    QSignalSpy points(&viewer.value()->events(), &EventHub::pointAdded);
    QSignalSpy changes(&viewer.value()->events(), &EventHub::simulationChanged);
    QElapsedTimer clock;
    clock.start();
    const auto created = viewer.value()->service().create(run(u"remote"_s, 4, 10));
    QVERIFY(created.ok());
    // The notification wakes the worker long before its next poll.
    QTRY_COMPARE_WITH_TIMEOUT(points.size(), 4, 5000);
    QVERIFY(clock.elapsed() < 30'000);
    for (int i = 0; i < points.size(); ++i) {
        QCOMPARE(points.at(i).at(0).toLongLong(), created->id);
        QCOMPARE(points.at(i).at(2).toInt(), i + 1);
    }
    QTRY_VERIFY(std::any_of(changes.cbegin(), changes.cend(), [](const QList<QVariant> &c) {
        return c.at(1).value<SimulationStatus>() == SimulationStatus::Finished;
    }));
}

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
