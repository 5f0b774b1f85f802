#include "apimetrics.h"
#include "convergencerepository.h"
#include "creationwriter.h"
#include "database.h"
#include "eventhub.h"
#include "jsonwriter.h"
#include "machinerepository.h"
#include "runledger.h"
#include "serialize.h"
#include "simulationbytes.h"
#include "simulationrepository.h"
#include "simulationservice.h"
#include "simulationsummaries.h"
#include "sqlsupport.h"
#include "testsupport.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSemaphore>
#include <QSignalSpy>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace aisim;

namespace {
NewSimulation newSimulation(const QString &name, qint64 machineId)
{
    NewSimulation simulation;
    simulation.name = name;
    simulation.machineId = machineId;
    return simulation;
}

// The list answer as the slow path writes it: whole runs, their JSON objects, then the bytes.
// Migrates the database and gives it machine 1 with one run, claimed by worker "w".
std::optional<Simulation> claimOneRun(Database &database)
{
    if (!database.migrate().ok() || !MachineRepository(database).create(1, u"A"_s).ok())
        return std::nullopt;
    SimulationRepository simulations(database);
    if (!simulations.create(newSimulation(u"run"_s, 1)).ok())
        return std::nullopt;
    const auto claimed = simulations.claimNextPending(u"w"_s, {}, 60000);
    return claimed ? claimed.value() : std::nullopt;
}

QByteArray slowList(Database &database, const SimulationQuery &query)
{
    QByteArray out("[");
    const auto runs = SimulationRepository(database).list(query);
    for (const Simulation &simulation : runs.value()) {
        if (out.size() > 1)
            out += ',';
        api::appendJson(out, simulationToJson(simulation));
    }
    return out + ']';
}

// How many of this process's file descriptors are open on path or its -wal and -shm files.
int openFilesUnder(const QString &path)
{
    int count = 0;
    const QDir descriptors(u"/proc/self/fd"_s);
    for (const QString &entry : descriptors.entryList(QDir::Files | QDir::System)) {
        if (QFileInfo(descriptors.filePath(entry)).symLinkTarget().startsWith(path))
            ++count;
    }
    return count;
}

QByteArray fastList(Database &database, const SimulationQuery &query)
{
    QByteArray out("[");
    const Status read
        = SimulationSummaries(database).forEach(query, [&out](const SimulationSummary &summary) {
              if (out.size() > 1)
                  out += ',';
              api::appendSimulationSummary(out, summary);
          });
    return read ? out + ']' : QByteArray();
}
} // namespace

// The fast paths of the REST answers and of the engine against what they replace, on both
// dialects: the same bytes, the same guarantees, fewer statements and transactions.
class TestFastPath : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void summariesWriteWhatTheSlowPathWrites_data() { test::addDialectRows(); }
    void summariesWriteWhatTheSlowPathWrites();
    void aBatchClaimTakesTheOldestRunsOnce_data() { test::addDialectRows(); }
    void aBatchClaimTakesTheOldestRunsOnce();
    void aClaimForSeveralMachinesTakesTheOldestOfThem_data() { test::addDialectRows(); }
    void aClaimForSeveralMachinesTakesTheOldestOfThem();
    void aClaimForManyMachinesTakesTheOldestOfThem_data() { test::addDialectRows(); }
    void aClaimForManyMachinesTakesTheOldestOfThem();
    void concurrentBatchClaimsNeverShareARun_data() { test::addDialectRows(); }
    void concurrentBatchClaimsNeverShareARun();
    void aGroupOfPointsIsOneTransaction_data() { test::addDialectRows(); }
    void aGroupOfPointsIsOneTransaction();
    void lossStatisticsFollowEachGroup_data() { test::addDialectRows(); }
    void lossStatisticsFollowEachGroup();
    void aLostRunGetsNoneOfItsGroup_data() { test::addDialectRows(); }
    void aLostRunGetsNoneOfItsGroup();
    void postedRunsAreEachWrittenOnce_data() { test::addDialectRows(); }
    void postedRunsAreEachWrittenOnce();
    void aDeadlockedCreationIsWrittenAgain_data() { test::addPostgreSqlRow(); }
    void aDeadlockedCreationIsWrittenAgain();
    void aMachineRegisteredMeanwhileIsUsed_data() { test::addPostgreSqlRow(); }
    void aMachineRegisteredMeanwhileIsUsed();
    void runsCreatedTogetherAreRefusedAlone_data() { test::addDialectRows(); }
    void runsCreatedTogetherAreRefusedAlone();
    void keptRowsReadWhatTheDriverReads_data() { test::addDialectRows(); }
    void keptRowsReadWhatTheDriverReads();
    void keptRowsFollowTheirConnection();
    void keptStatementsAreBounded_data() { test::addDialectRows(); }
    void keptStatementsAreBounded();
    void keptStatementsOutliveADroppedConnection_data();
    void keptStatementsOutliveADroppedConnection();
};

void TestFastPath::summariesWriteWhatTheSlowPathWrites()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(101, u"A"_s).ok());
    QVERIFY(MachineRepository(database).create(102, u"B"_s).ok());
    SimulationRepository simulations(database);
    const QStringList names {u"Sample Simulation"_s, u"a \"quoted\" \\ name"_s, u"tab\tnew\nline"_s,
                             u"é 中 😀 ÜBER"_s,       u"\u2028 and \u00a0"_s,    u"z"_s};
    for (int i = 0; i < 30; ++i)
        QVERIFY(simulations.create(newSimulation(names.at(i % names.size()), 101 + i % 2)).ok());
    // Runs in every state the answer shows.
    QVERIFY(simulations.claimNextPending(u"w"_s, {}, 60000).value());
    const qint64 finished = simulations.claimNextPending(u"w"_s, {}, 60000).value()->id;
    QVERIFY(simulations.finish(finished, u"w"_s).value());
    QVERIFY(simulations.cancel(simulations.claimNextPending(u"w"_s, {}, 60000).value()->id).ok());

    QList<SimulationQuery> queries;
    queries << SimulationQuery();
    SimulationQuery byName;
    byName.orderBy = SimulationQuery::OrderBy::Name;
    byName.descending = true;
    queries << byName;
    SimulationQuery filtered;
    filtered.machineId = 102;
    filtered.status = SimulationStatus::Pending;
    filtered.limit = 5;
    filtered.offset = 2;
    queries << filtered;
    SimulationQuery named;
    named.nameContains = u"über"_s;
    named.orderBy = SimulationQuery::OrderBy::UpdateDate;
    queries << named;
    for (const SimulationQuery &query : std::as_const(queries)) {
        const QByteArray slow = slowList(database, query);
        QVERIFY(slow.size() > 2);
        QCOMPARE(fastList(database, query), slow);
        // Twice: the kept statement gives the same rows again.
        QCOMPARE(fastList(database, query), slow);
    }
    for (const Simulation &simulation : simulations.list({}).value()) {
        const auto summary = SimulationSummaries(database).get(simulation.id);
        QVERIFY(summary.ok() && summary.value());
        QCOMPARE(api::simulationSummaryBytes(*summary.value()),
                 api::toJsonBytes(simulationToJson(simulation)));
        QCOMPARE(summary.value()->version, simulation.version);
    }
    QVERIFY(!SimulationSummaries(database).get(999'999).value());
}

void TestFastPath::aBatchClaimTakesTheOldestRunsOnce()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    QVERIFY(MachineRepository(database).create(2, u"B"_s).ok());
    SimulationRepository simulations(database);
    QList<qint64> ids;
    for (int i = 0; i < 5; ++i) {
        ids << simulations.create(newSimulation(u"run %1"_s.arg(i), 1))->id;
        QTest::qWait(2);
    }
    QVERIFY(simulations.create(newSimulation(u"elsewhere"_s, 2)).ok());
    RunLedger ledger(database);
    const auto first = ledger.claimPending(u"a"_s, {1}, 60000, 3);
    const auto second = ledger.claimPending(u"b"_s, {1}, 60000, 3);
    const auto none = ledger.claimPending(u"c"_s, {1}, 60000, 3);
    QVERIFY(first.ok() && second.ok() && none.ok());
    QCOMPARE(first->size(), 3);
    QCOMPARE(second->size(), 2);
    QVERIFY(none->isEmpty());
    QList<qint64> claimed;
    for (const Simulation &simulation : first.value() + second.value()) {
        claimed << simulation.id;
        QCOMPARE(simulation.status, SimulationStatus::Running);
        QCOMPARE(simulation.attempts, 1);
    }
    QCOMPARE(claimed, ids); // oldest first, each once
    for (const Simulation &simulation : first.value())
        QCOMPARE(simulation.leaseOwner, u"a"_s);
    QCOMPARE(simulations.get(ids.last())->leaseOwner, u"b"_s);
}

void TestFastPath::aClaimForSeveralMachinesTakesTheOldestOfThem()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    for (const qint64 machine : {1, 2, 3})
        QVERIFY(MachineRepository(database).create(machine, u"M%1"_s.arg(machine)).ok());
    // Machines 1 and 2 take turns unevenly, with runs of machine 3 (not asked for) among them.
    SimulationRepository simulations(database);
    QList<qint64> served;
    const QList<qint64> machines {3, 1, 1, 3, 2, 1, 3, 2, 2, 1};
    for (const qint64 machine : machines) {
        const qint64 id = simulations.create(newSimulation(u"run"_s, machine))->id;
        if (machine != 3)
            served << id;
        QTest::qWait(2);
    }
    RunLedger ledger(database);
    QList<qint64> claimed;
    for (const int limit : {3, 2, 4}) {
        const auto taken = ledger.claimPending(u"w"_s, {2, 1}, 60000, limit);
        QVERIFY(taken.ok());
        QCOMPARE(taken->size(), std::min<qsizetype>(limit, served.size() - claimed.size()));
        for (const Simulation &simulation : taken.value()) {
            QVERIFY(simulation.machineId == 1 || simulation.machineId == 2);
            claimed << simulation.id;
        }
    }
    QCOMPARE(claimed, served); // the oldest of both machines first, each once
    QVERIFY(ledger.claimPending(u"w"_s, {2, 1}, 60000, 4)->isEmpty());
    const auto rest = ledger.claimPending(u"w"_s, {3}, 60000, 10);
    QVERIFY(rest.ok());
    QCOMPARE(rest->size(), machines.count(3));
}

// More machines than a claim on SQLite reads one by one (RunLedger::kQueuesPerClaim): their
// queues are read together there; PostgreSQL's function has no such bound.
void TestFastPath::aClaimForManyMachinesTakesTheOldestOfThem()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    const qint64 count = RunLedger::kQueuesPerClaim + 6;
    QList<qint64> machines;
    for (qint64 machine = 1; machine <= count + 1; ++machine)
        QVERIFY(MachineRepository(database).create(machine, u"M%1"_s.arg(machine)).ok());
    for (qint64 machine = count; machine >= 1; --machine)
        machines << machine;
    SimulationRepository simulations(database);
    QList<qint64> served;
    for (const qint64 machine : std::as_const(machines)) {
        QVERIFY(simulations.create(newSimulation(u"other"_s, count + 1)).ok());
        served << simulations.create(newSimulation(u"run"_s, machine))->id;
    }
    RunLedger ledger(database);
    QList<qint64> claimed;
    while (claimed.size() < served.size()) {
        const auto taken = ledger.claimPending(u"w"_s, machines, 60000, 7);
        QVERIFY(taken.ok());
        QVERIFY(!taken->isEmpty());
        for (const Simulation &simulation : taken.value())
            claimed << simulation.id;
    }
    QCOMPARE(claimed, served);
    QVERIFY(ledger.claimPending(u"w"_s, machines, 60000, 7)->isEmpty());
}

void TestFastPath::concurrentBatchClaimsNeverShareARun()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    QVERIFY(MachineRepository(database).create(2, u"B"_s).ok());
    constexpr int kRuns = 200;
    for (int i = 0; i < kRuns; ++i)
        QVERIFY(SimulationRepository(database).create(newSimulation(u"run"_s, 1 + i % 2)).ok());
    // Four claimers at once, each on its own connection, until nothing is left: two for every
    // machine, two naming both.
    const auto claimer = [&database](const QString &worker, const QList<qint64> &machines) {
        QList<qint64> ids;
        RunLedger ledger(database);
        for (;;) {
            const auto claimed = ledger.claimPending(worker, machines, 60000, 7);
            if (!claimed || claimed->isEmpty())
                return ids;
            for (const Simulation &simulation : claimed.value())
                ids << simulation.id;
        }
    };
    QList<QFuture<QList<qint64>>> futures;
    for (int i = 0; i < 4; ++i)
        futures << QtConcurrent::run(claimer, u"worker-%1"_s.arg(i),
                                     i % 2 ? QList<qint64> {1, 2} : QList<qint64> {});
    QList<qint64> all;
    for (auto &future : futures)
        all += future.result();
    std::sort(all.begin(), all.end());
    QCOMPARE(all.size(), kRuns);
    QVERIFY(std::adjacent_find(all.begin(), all.end()) == all.end());
}

void TestFastPath::aGroupOfPointsIsOneTransaction()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    const std::optional<Simulation> taken = claimOneRun(database);
    QVERIFY(taken);
    const Simulation claimed = *taken;
    SimulationRepository simulations(database);
    // More points than one INSERT takes.
    ConvergenceSeries group;
    for (int i = 1; i <= 70; ++i)
        group.append({10.0 * i, 0.1 / i});
    RunLedger ledger(database);
    QVERIFY(ledger.recordPoints(claimed.id, u"w"_s, group.mid(0, 40), 40, 60000, false).value());
    Simulation running = simulations.get(claimed.id).value();
    QCOMPARE(running.version, claimed.version + 1); // one change for the whole group
    QCOMPARE(running.pointsDone, 40);
    QVERIFY(running.leaseExpiresAt > claimed.leaseExpiresAt.addMSecs(-1));
    QCOMPARE(ConvergenceRepository(database).points(claimed.id).value(), group.mid(0, 40));

    // The last group ends the run in the same transaction.
    QVERIFY(ledger.recordPoints(claimed.id, u"w"_s, group.mid(40), 70, 60000, true).value());
    const Simulation finished = simulations.get(claimed.id).value();
    QCOMPARE(finished.status, SimulationStatus::Finished);
    QCOMPARE(finished.version, claimed.version + 2);
    QCOMPARE(finished.pointsDone, 70);
    QVERIFY(finished.leaseOwner.isEmpty());
    QVERIFY(finished.finishedAt.isValid());
    QCOMPARE(ConvergenceRepository(database).points(claimed.id).value(), group);
}

// A group's loss statistics are written with its progress, in the same change of the row, and
// equal what the run's points as stored say: the last ones judged, the best of all. A point sent
// again at a second already stored (a resumed run) keeps the stored one, as its INSERT does.
void TestFastPath::lossStatisticsFollowEachGroup()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    const std::optional<Simulation> taken = claimOneRun(database);
    QVERIFY(taken);
    const Simulation claimed = *taken;
    SimulationRepository simulations(database);
    const LossThresholds thresholds; // judges the last thresholds.points points
    RunLedger ledger(database, thresholds);
    const QList<ConvergenceSeries> groups {
        {{1, 0.9}},
        {{2, 0.5}, {3, 0.45}, {4, 0.44}},
        {{4, 0.1}, {5, 0.43}, {6, 0.4}, {6, 0.05}}, // 4 s stored already; 6 s twice
        {{7, 0.2}, {8, 0.3}, {9, 0.35}, {10, 0.4}, {11, 0.42}, {12, 0.45}, {13, 0.5}},
    };
    int done = 0;
    qint64 version = claimed.version;
    for (qsizetype g = 0; g < groups.size(); ++g) {
        const bool last = g + 1 == groups.size();
        done += int(groups.at(g).size());
        QVERIFY(ledger.recordPoints(claimed.id, u"w"_s, groups.at(g), done, 60000, last).value());
        const Simulation run = simulations.get(claimed.id).value();
        QCOMPARE(run.version, ++version);
        const ConvergenceSeries stored = ConvergenceRepository(database).points(claimed.id).value();
        const LossTrend trend = lossTrend(
            stored.mid(std::max<qsizetype>(0, stored.size() - thresholds.points)), thresholds);
        QCOMPARE(run.finalLoss, std::optional(stored.last().loss));
        QCOMPARE(run.rate.has_value(), trend.rate.has_value());
        if (trend.rate)
            QVERIFY(qFuzzyCompare(*run.rate, *trend.rate));
        QCOMPARE(run.verdict, trend.verdict);
        const auto best = std::min_element(stored.cbegin(), stored.cend(),
                                           [](auto a, auto b) { return a.loss < b.loss; });
        QCOMPARE(run.bestLoss, std::optional(best->loss));
        QCOMPARE(run.bestSeconds, std::optional(best->seconds));
    }
    QCOMPARE(simulations.get(claimed.id)->status, SimulationStatus::Finished);
}

void TestFastPath::aLostRunGetsNoneOfItsGroup()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    const std::optional<Simulation> claimed = claimOneRun(database);
    QVERIFY(claimed);
    const qint64 id = claimed->id;
    SimulationRepository simulations(database);
    const ConvergenceSeries group {{10, 0.042}, {20, 0.033}, {30, 0.029}};
    RunLedger ledger(database);
    QCOMPARE(ledger.recordPoints(id, u"intruder"_s, group, 3, 60000, true).value(), false);
    QVERIFY(simulations.cancel(id).ok());
    QCOMPARE(ledger.recordPoints(id, u"w"_s, group, 3, 60000, false).value(), false);
    QCOMPARE(ledger.recordPoints(id, u"w"_s, group, 3, 60000, true).value(), false);
    QVERIFY(ConvergenceRepository(database).points(id)->isEmpty());
    const Simulation cancelled = simulations.get(id).value();
    QCOMPARE(cancelled.status, SimulationStatus::Cancelled);
    QCOMPARE(cancelled.pointsDone, 0);
}

// The writer of POST /simulation: of runs posted at once, some registering the same new machine
// and some taking the same id twice, each gets one answer, each id is created once and its
// second taker refused, the machine is registered once and every run meant for it is created on
// it.
void TestFastPath::postedRunsAreEachWrittenOnce()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    // Numbered runs take ids past 100000, so that only the pairs below take the same id.
    NewSimulation high = newSimulation(u"high"_s, 1);
    high.id = 100000;
    QVERIFY(SimulationRepository(database).create(high).ok());
    EventHub events;
    SimulationService service(database, events);
    api::ApiMetrics metrics;
    QObject context; // answers arrive on this thread
    constexpr int kPosted = 300;
    QList<Result<Simulation>> answers;
    {
        // Two threads, as on PostgreSQL, on either dialect.
        api::CreationWriter writer(service, metrics, 2);
        for (int i = 0; i < kPosted; ++i) {
            SimulationService::Creation creation {newSimulation(u"run %1"_s.arg(i), 1), {}};
            if (i % 5 == 1) {
                creation.simulation.machineId = 7;
                creation.newMachineName = u"Seven"_s;
            } else if (i % 5 == 2) {
                creation.simulation.id = 5000 + i / 10; // i = 2 and 7 take 5000, and so on
            }
            QVERIFY(writer.create(creation, &context,
                                  [&answers](const Result<Simulation> &run) { answers << run; }));
        }
        QTRY_COMPARE(answers.size(), kPosted);
    }
    QList<qint64> ids;
    int refused = 0;
    int onSeven = 0;
    for (const Result<Simulation> &answer : std::as_const(answers)) {
        if (!answer) {
            QCOMPARE(answer.error().kind, Error::Kind::Conflict);
            ++refused;
            continue;
        }
        ids << answer->id;
        onSeven += answer->machineId == 7 ? 1 : 0;
    }
    QCOMPARE(refused, kPosted / 10);
    QCOMPARE(onSeven, kPosted / 5);
    std::sort(ids.begin(), ids.end());
    QVERIFY(std::adjacent_find(ids.begin(), ids.end()) == ids.end());
    auto stored = sql::run(database, u"SELECT COUNT(*) FROM simulations"_s, {}, u"count"_s);
    QVERIFY(stored);
    QCOMPARE(sql::readCount(stored.value()), qint64(ids.size()) + 1);
    QCOMPARE(MachineRepository(database).get(7)->name, u"Seven"_s);
}

// PostgreSQL breaks a deadlock by aborting one of its transactions: the one that has waited
// longest, whose check runs first. Another session holds the counters that a new run updates,
// waits until the run's transaction waits for them, then asks for the run's machine, which the
// run's foreign key holds: the run's transaction is aborted, and its run is written again once
// the other session commits, not refused.
void TestFastPath::aDeadlockedCreationIsWrittenAgain()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    // A pending counter of machine 1 in every shard, whichever the run's connection writes to.
    QVERIFY(sql::change(database,
                        u"INSERT INTO simulation_counts (machine_id, status, shard, runs, "
                        "retries, failed_attempts) SELECT 1, 'pending', s, 0, 0, 0 "
                        "FROM generate_series(0, 15) AS s"_s,
                        {}, u"add counters"_s)
                .ok());
    QSemaphore countersHeld;
    const auto other = QtConcurrent::run([&database, &countersHeld]() -> QString {
        sql::Transaction transaction(database);
        if (!transaction.isActive())
            return transaction.beginError().message;
        if (const QString failed = test::runStatement(
                database, u"SELECT runs FROM simulation_counts WHERE machine_id = 1 FOR UPDATE"_s);
            !failed.isEmpty())
            return failed;
        countersHeld.release();
        // Until the run waits for the counters (a lock this session holds), having taken its
        // key share of the machine: the run then waits first, which a fixed pause did not
        // ensure on a loaded machine.
        if (const QString blocked = test::waitForSessionBlocked(database); !blocked.isEmpty())
            return blocked;
        // PostgreSQL looks for a deadlock in a session once it has waited deadlock_timeout (a
        // second): the run's check comes first, but only by the moment this session takes to
        // ask for the machine, and on a loaded machine this session's came first once. Its own
        // check is put off (a superuser's setting: the tests' servers are the tests' own), and
        // it asks half a second later.
        auto superuser = sql::run(database, u"SELECT current_setting('is_superuser')"_s, {},
                                  u"read the session's role"_s);
        if (!superuser)
            return superuser.error().message;
        if (superuser.value().next() && superuser.value().value(0).toString() == u"on"_s) {
            if (const QString failed = test::runStatement(
                    database, u"SELECT set_config('deadlock_timeout', '60s', true)"_s);
                !failed.isEmpty())
                return failed;
        }
        QThread::msleep(500);
        if (const QString failed = test::runStatement(
                database, u"SELECT 1 FROM machines WHERE machine_id = 1 FOR UPDATE"_s);
            !failed.isEmpty())
            return failed;
        const Status committed = transaction.commit();
        return committed ? QString() : committed.error().message;
    });
    QVERIFY(countersHeld.tryAcquire(1, 10000));
    EventHub events;
    SimulationService service(database, events);
    const Result<Simulation> created = service.create(newSimulation(u"deadlocked"_s, 1));
    QVERIFY2(created.ok(), qPrintable(created ? QString() : created.error().message));
    QCOMPARE(other.result(), QString()); // the other session was not the one aborted
    auto stored = sql::run(database, u"SELECT COUNT(*) FROM simulations"_s, {}, u"count"_s);
    QVERIFY(stored);
    QCOMPARE(sql::readCount(stored.value()), 1);
    QCOMPARE(SimulationRepository(database).get(created->id)->name, u"deadlocked"_s);
}

// Two POSTs register the same new machine at once: the one that looked for it first, and
// waits for the other's row, is written again once the other commits, and its run goes on the
// machine now registered, not refused.
void TestFastPath::aMachineRegisteredMeanwhileIsUsed()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QSemaphore machineWritten;
    const auto other = QtConcurrent::run([&database, &machineWritten]() -> QString {
        sql::Transaction transaction(database);
        if (!transaction.isActive())
            return transaction.beginError().message;
        if (const Result<Machine> created = MachineRepository(database).create(7, u"Seven"_s);
            !created)
            return created.error().message;
        machineWritten.release();
        QThread::msleep(300); // the run now looked for it, and waits for its row
        const Status committed = transaction.commit();
        return committed ? QString() : committed.error().message;
    });
    QVERIFY(machineWritten.tryAcquire(1, 10000));
    EventHub events;
    SimulationService service(database, events);
    const Result<Simulation> created
        = service.create(newSimulation(u"on seven"_s, 7), std::optional<QString>(u"Seven"_s));
    QVERIFY2(created.ok(), qPrintable(created ? QString() : created.error().message));
    QCOMPARE(other.result(), QString());
    QCOMPARE(created->machineId, 7);
    QCOMPARE(MachineRepository(database).list()->size(), 1);
}

void TestFastPath::runsCreatedTogetherAreRefusedAlone()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    EventHub events;
    SimulationService service(database, events);
    const auto creation
        = [](const QString &name, qint64 machineId, std::optional<qint64> id = std::nullopt,
             std::optional<QString> machineName = std::nullopt) {
              SimulationService::Creation made {newSimulation(name, machineId), machineName};
              made.simulation.id = id;
              return made;
          };
    const QList<SimulationService::Creation> creations {
        creation(u"first"_s, 1),
        creation(u"explicit"_s, 1, 500),
        creation(u"taken id"_s, 1, 500),
        creation(u"no such machine"_s, 9),
        creation(u"on a new machine"_s, 7, std::nullopt, u"Seven"_s),
        creation(u"  "_s, 1),
        // Its machine would be new, but its id is taken: the machine goes with it.
        creation(u"taken id, new machine"_s, 8, 500, u"Eight"_s),
        creation(u"last"_s, 1),
    };
    QSignalSpy changes(&events, &EventHub::simulationChanged);
    const QList<Result<Simulation>> results = service.create(creations);
    QCOMPARE(results.size(), creations.size());
    const QList<bool> created {true, true, false, false, true, false, false, true};
    for (qsizetype i = 0; i < results.size(); ++i)
        QVERIFY2(results.at(i).ok() == created.at(i), qPrintable(creations.at(i).simulation.name));
    QCOMPARE(results.at(2).error().kind, Error::Kind::Conflict);
    QCOMPARE(results.at(3).error().kind, Error::Kind::Invalid);
    QCOMPARE(results.at(5).error().kind, Error::Kind::Invalid);
    QCOMPARE(results.at(6).error().kind, Error::Kind::Conflict);
    QCOMPARE(results.at(1)->id, 500);
    QCOMPARE(changes.size(), 4); // announced once each, after the commit

    SimulationRepository simulations(database);
    QStringList stored;
    for (const Simulation &simulation : simulations.list({}).value())
        stored << simulation.name;
    stored.sort();
    QCOMPARE(stored, (QStringList {u"explicit"_s, u"first"_s, u"last"_s, u"on a new machine"_s}));
    QCOMPARE(MachineRepository(database).get(7)->name, u"Seven"_s);
    QCOMPARE(MachineRepository(database).get(8).error().kind, Error::Kind::NotFound);
    // The counters and the name index saw only what was kept.
    QCOMPARE(simulations.countByStatus()->value(SimulationStatus::Pending), 4);
    SimulationQuery named;
    named.nameContains = u"id"_s;
    QCOMPARE(simulations.count(named).value(), 0);
    named.nameContains = u"NEW MACHINE"_s;
    QCOMPARE(simulations.count(named).value(), 1);
    // Refusals that write nothing, and a new machine used by the next run too.
    const QList<Result<Simulation>> more = service.create(
        {creation(u"second machine"_s, 9, std::nullopt, u"Nine"_s), creation(u"unknown"_s, 10),
         creation(u"on nine"_s, 9), creation(u"bad machine name"_s, 11, std::nullopt, u" "_s)});
    QVERIFY(more.at(0).ok() && more.at(2).ok());
    QCOMPARE(more.at(1).error().kind, Error::Kind::Invalid);
    QCOMPARE(more.at(3).error().kind, Error::Kind::Invalid);
    QCOMPARE(simulations.countByStatus()->value(SimulationStatus::Pending), 6);
    QCOMPARE(MachineRepository(database).get(9)->name, u"Nine"_s);
    QCOMPARE(MachineRepository(database).get(11).error().kind, Error::Kind::NotFound);
    // Numbered and explicit ids in one statement: each run gets its own, and the next run
    // is numbered past them all.
    const QList<Result<Simulation>> mixed = service.create(
        {creation(u"numbered"_s, 1), creation(u"given"_s, 1, 900), creation(u"numbered too"_s, 1)});
    QVERIFY(mixed.at(0).ok() && mixed.at(1).ok() && mixed.at(2).ok());
    QCOMPARE(mixed.at(0)->name, u"numbered"_s);
    QCOMPARE(mixed.at(1)->id, 900);
    QCOMPARE(mixed.at(2)->name, u"numbered too"_s);
    QVERIFY(mixed.at(0)->id != mixed.at(2)->id);
    QVERIFY(mixed.at(0)->id > results.at(7)->id && mixed.at(2)->id > results.at(7)->id);
    QCOMPARE(simulations.get(mixed.at(2)->id)->name, u"numbered too"_s);
    QVERIFY(service.create(creation(u"after"_s, 1).simulation)->id > 900);
    QCOMPARE(simulations.countByStatus()->value(SimulationStatus::Pending), 10);
    // Alone, a refused run is refused as before.
    QCOMPARE(service.create(creations.at(2).simulation).error().kind, Error::Kind::Conflict);
    QCOMPARE(simulations.countByStatus()->value(SimulationStatus::Pending), 10);
}

// sql::readKept (on SQLite, straight on the connection's handle) against the driver's rows.
void TestFastPath::keptRowsReadWhatTheDriverReads()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QSqlQuery create(database.connection());
    QVERIFY2(create.exec(u"CREATE TABLE kept_rows (k BIGINT, i BIGINT, d DOUBLE PRECISION, "
                         "t TEXT)"_s),
             qPrintable(create.lastError().text()));
    const QList<QVariantList> rows {
        {1, qint64(9'007'199'254'740'993), 0.1, u"plain"_s},
        {2, qint64(-1), 1e-300, u"Zürich ✓ \U0001F680 'quoted'"_s},
        {3, QVariant(QMetaType::fromType<qint64>()), QVariant(QMetaType::fromType<double>()),
         QVariant(QMetaType::fromType<QString>())},
        {4, 0, -2.5, QString()},
    };
    for (const QVariantList &row : rows)
        QVERIFY(sql::run(database, u"INSERT INTO kept_rows VALUES (?, ?, ?, ?)"_s, row, u"insert"_s)
                    .ok());
    const QString select = u"SELECT k, i, d, t FROM kept_rows WHERE k >= ? AND (t <> ? OR t IS "
                           "NULL) ORDER BY k"_s;
    for (const QVariantList &values : QList<QVariantList> {{1, u"x"_s}, {2, u"Zürich"_s}}) {
        // One after the other: PostgreSQL reads a forward-only query's rows one by one.
        QList<QVariantList> expected;
        auto driver = sql::run(database, select, values, u"read"_s);
        QVERIFY(driver.ok());
        while (driver.value().next())
            expected.append({driver.value().value(0), driver.value().value(1),
                             driver.value().value(2), driver.value().value(3)});
        driver.value().finish();
        QCOMPARE(expected.size(), 4 - values.at(0).toInt() + 1);
        auto kept = sql::readKept(database, select, values, u"read"_s);
        QVERIFY(kept.ok());
        for (const QVariantList &row : std::as_const(expected)) {
            QVERIFY(kept.value().next());
            for (int column = 0; column < 4; ++column) {
                const QVariant actual = kept.value().value(column);
                QCOMPARE(actual.isNull(), row.at(column).isNull());
                if (row.at(column).isNull())
                    continue;
                if (column == 2)
                    QCOMPARE(actual.toDouble(), row.at(column).toDouble());
                else
                    QCOMPARE(actual.toString(), row.at(column).toString());
            }
        }
        QVERIFY(!kept.value().next());
    }

    // Within a transaction, its own rows are read.
    {
        sql::Transaction transaction(database);
        QVERIFY(transaction.isActive());
        QVERIFY(
            sql::run(database, u"INSERT INTO kept_rows VALUES (5, 5, 5, 'new')"_s, {}, u"insert"_s)
                .ok());
        auto kept
            = sql::readKept(database, u"SELECT t FROM kept_rows WHERE k = ?"_s, {5}, u"read"_s);
        QVERIFY(kept.ok() && kept.value().next());
        QCOMPARE(kept.value().value(0).toString(), u"new"_s);
    }
    // Refused statements are reported as the driver reports them; the next read works.
    const auto missing
        = sql::readKept(database, u"SELECT k FROM no_such_table WHERE k = ?"_s, {1}, u"read"_s);
    QVERIFY(!missing.ok());
    QVERIFY2(missing.error().message.contains(u"no_such_table"_s),
             qPrintable(missing.error().message));
    auto again
        = sql::readKept(database, u"SELECT COUNT(*) FROM kept_rows WHERE k > ?"_s, {0}, u"count"_s);
    QVERIFY(again.ok() && again.value().next());
    QCOMPARE(again.value().value(0).toLongLong(), 4); // the transaction above was rolled back
}

// SQLite statements kept on a connection's handle go with it: closed by the driver after a
// fault, the connection reopens and they are prepared afresh; a Database that goes closes its
// connections without "Error closing database".
void TestFastPath::keptRowsFollowTheirConnection()
{
    test::TestDatabase db(test::TestDatabase::Dialect::Sqlite);
    QVERIFY(db.isAvailable());
    QTest::failOnWarning(QRegularExpression(u"closing|still in use"_s));
    {
        Database database(db.url());
        QVERIFY(database.migrate().ok());
        QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
        const qint64 id = SimulationRepository(database).create(newSimulation(u"run"_s, 1))->id;
        SimulationSummaries summaries(database);
        QCOMPARE(summaries.get(id).value()->name, u"run"_s);
        sqlite3_stmt *before = database.preparedSqlite(u"SELECT 1"_s);
        QVERIFY(before);
        QCOMPARE(database.preparedSqlite(u"SELECT 1"_s), before); // kept

        const int filesBefore = openFilesUnder(db.url().path);
        QVERIFY(filesBefore > 0);
        database.connection().driver()->close(); // as a fault on the file does
        QCOMPARE(summaries.get(id).value()->name, u"run"_s);
        QVERIFY(database.connection().isOpen());
        // The closed connection, which SQLite kept open for the statements, closed with them.
        QCOMPARE(openFilesUnder(db.url().path), filesBefore);
        QVERIFY(SimulationRepository(database).rename(id, u"renamed"_s).ok());
        QCOMPARE(summaries.get(id).value()->name, u"renamed"_s);
        // A statement on another thread is its own, on that thread's connection.
        const auto elsewhere = QtConcurrent::run([&database, id] {
                                   return SimulationSummaries(database).get(id);
                               }).result();
        QCOMPARE(elsewhere.value()->name, u"renamed"_s);
    }
}

void TestFastPath::keptStatementsAreBounded()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    auto held = sql::runKept(database, u"SELECT 'held'"_s, {}, u"hold a statement"_s);
    QVERIFY(held.ok());
    // Lists write many texts (filters, orders, cursors): the connection keeps a bounded number.
    for (int i = 0; i < 3 * Database::kKeptStatements; ++i) {
        auto query = sql::runKept(database, u"SELECT %1"_s.arg(i), {}, u"read a number"_s);
        QVERIFY(query.ok());
        QVERIFY(query.value()->next());
        QCOMPARE(query.value()->value(0).toInt(), i);
        QVERIFY(database.keptStatements() <= Database::kKeptStatements + 1);
    }
    // The statement in use was not let go with the others.
    QVERIFY(held.value()->next());
    QCOMPARE(held.value()->value(0).toString(), u"held"_s);
}

void TestFastPath::keptStatementsOutliveADroppedConnection_data()
{
    QTest::addColumn<int>("dialect");
    QTest::newRow("postgresql") << int(test::TestDatabase::Dialect::PostgreSql);
}

void TestFastPath::keptStatementsOutliveADroppedConnection()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    const qint64 id = SimulationRepository(database).create(newSimulation(u"run"_s, 1))->id;
    SimulationSummaries summaries(database);
    QVERIFY(summaries.get(id).value()); // prepared and kept
    // Another session terminates ours, as a server restart would.
    QVERIFY(test::terminateConnection(database));

    // Outside a transaction the read is tried once more, on a new connection where the
    // statement is prepared afresh.
    const auto again = summaries.get(id);
    QVERIFY2(again.ok(), again.ok() ? "" : qPrintable(again.error().message));
    QCOMPARE(again.value()->name, u"run"_s);
    QVERIFY(summaries.get(id).value());
}

QTEST_GUILESS_MAIN(TestFastPath)
#include "tst_fastpath.moc"
