#include "convergencerepository.h"
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
#include "testsupport.h"

#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>
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
    void concurrentBatchClaimsNeverShareARun_data() { test::addDialectRows(); }
    void concurrentBatchClaimsNeverShareARun();
    void aGroupOfPointsIsOneTransaction_data() { test::addDialectRows(); }
    void aGroupOfPointsIsOneTransaction();
    void aLostRunGetsNoneOfItsGroup_data() { test::addDialectRows(); }
    void aLostRunGetsNoneOfItsGroup();
    void runsCreatedTogetherAreRefusedAlone_data() { test::addDialectRows(); }
    void runsCreatedTogetherAreRefusedAlone();
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

void TestFastPath::concurrentBatchClaimsNeverShareARun()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    constexpr int kRuns = 200;
    for (int i = 0; i < kRuns; ++i)
        QVERIFY(SimulationRepository(database).create(newSimulation(u"run"_s, 1)).ok());
    // Four claimers at once, each on its own connection, until nothing is left.
    const auto claimer = [&database](const QString &worker) {
        QList<qint64> ids;
        RunLedger ledger(database);
        for (;;) {
            const auto claimed = ledger.claimPending(worker, {}, 60000, 7);
            if (!claimed || claimed->isEmpty())
                return ids;
            for (const Simulation &simulation : claimed.value())
                ids << simulation.id;
        }
    };
    QList<QFuture<QList<qint64>>> futures;
    for (int i = 0; i < 4; ++i)
        futures << QtConcurrent::run(claimer, u"worker-%1"_s.arg(i));
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
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    SimulationRepository simulations(database);
    QVERIFY(simulations.create(newSimulation(u"run"_s, 1)).ok());
    const Simulation claimed = simulations.claimNextPending(u"w"_s, {}, 60000).value().value();
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

void TestFastPath::aLostRunGetsNoneOfItsGroup()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    SimulationRepository simulations(database);
    QVERIFY(simulations.create(newSimulation(u"run"_s, 1)).ok());
    const qint64 id = simulations.claimNextPending(u"w"_s, {}, 60000).value()->id;
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
