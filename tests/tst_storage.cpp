#include "convergencerepository.h"
#include "database.h"
#include "machinerepository.h"
#include "migrator.h"
#include "simulationlistquery.h"
#include "simulationrepository.h"
#include "sqlsupport.h"
#include "testsupport.h"
#include "walcheckpointer.h"

#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

using namespace Qt::StringLiterals;
using namespace aisim;

// Migrations and repositories, each case on SQLite and on PostgreSQL.
class TestStorage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void databaseUrlsParse_data();
    void databaseUrlsParse();
    void sqliteRunsInWalModeWithForeignKeys();
    void theLogIsCopiedBackOffTheCommittingThreads();

    void migrationCreatesTheSchemaOnAnEmptyDatabase_data() { test::addDialectRows(); }
    void migrationCreatesTheSchemaOnAnEmptyDatabase();
    void migrationKeepsDataOfAnExistingDatabase_data() { test::addDialectRows(); }
    void migrationKeepsDataOfAnExistingDatabase();
    void upgradeFromTheFirstSchemaKeepsRunsAndTheirProgress_data() { test::addDialectRows(); }
    void upgradeFromTheFirstSchemaKeepsRunsAndTheirProgress();
    void databaseFromANewerVersionIsRefused_data() { test::addDialectRows(); }
    void databaseFromANewerVersionIsRefused();

    void explicitAndAssignedIdsNeverCollide_data() { test::addDialectRows(); }
    void explicitAndAssignedIdsNeverCollide();
    void deletedIdsAreNeverHandedOutAgain_data() { test::addDialectRows(); }
    void deletedIdsAreNeverHandedOutAgain();
    void existingIdIsAConflict_data() { test::addDialectRows(); }
    void existingIdIsAConflict();
    void listSortsFiltersAndPages_data() { test::addDialectRows(); }
    void listSortsFiltersAndPages();
    void nameSearchFoldsEveryScript_data() { test::addDialectRows(); }
    void nameSearchFoldsEveryScript();
    void positionIsTheRowInTheList_data() { test::addDialectRows(); }
    void positionIsTheRowInTheList();
    void everySortIsServedByAnIndex_data() { test::addDialectRows(); }
    void everySortIsServedByAnIndex();
    void claimTakesTheOldestPendingRunOnce_data() { test::addDialectRows(); }
    void claimTakesTheOldestPendingRunOnce();
    void claimServesOnlyTheGivenMachines_data() { test::addDialectRows(); }
    void claimServesOnlyTheGivenMachines();
    void aRetriedStepNeverDuplicatesAPoint_data() { test::addDialectRows(); }
    void aRetriedStepNeverDuplicatesAPoint();
    void aWorkerThatLostItsLeaseWritesNothing_data() { test::addDialectRows(); }
    void aWorkerThatLostItsLeaseWritesNothing();
    void expiredLeasesGoBackToPendingThenFail_data() { test::addDialectRows(); }
    void expiredLeasesGoBackToPendingThenFail();
    void cancelRetryAndDeleteFollowTheLifecycle_data() { test::addDialectRows(); }
    void cancelRetryAndDeleteFollowTheLifecycle();
    void machineHoldingSimulationsCannotBeRemoved_data() { test::addDialectRows(); }
    void machineHoldingSimulationsCannotBeRemoved();
    void aConnectionDroppedByTheServerIsOpenedAgain_data();
    void aConnectionDroppedByTheServerIsOpenedAgain();
    void aSnapshotWithinASnapshotKeepsTheOuterOne_data() { test::addDialectRows(); }
    void aSnapshotWithinASnapshotKeepsTheOuterOne();

private:
    static NewSimulation newSimulation(const QString &name, qint64 machineId)
    {
        NewSimulation simulation;
        simulation.name = name;
        simulation.machineId = machineId;
        return simulation;
    }
};

void TestStorage::databaseUrlsParse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<bool>("postgres");
    QTest::addColumn<QString>("display");
    QTest::newRow("sqlite") << u"sqlite:///var/lib/aisim/a.db"_s << true << false
                            << u"sqlite:///var/lib/aisim/a.db"_s;
    QTest::newRow("sqlite relative") << u"sqlite://a.db"_s << false << false << QString();
    QTest::newRow("sqlite empty") << u"sqlite://"_s << false << false << QString();
    QTest::newRow("postgresql") << u"postgresql://bob:secret@db.example:5433/runs"_s << true << true
                                << u"postgresql://bob@db.example:5433/runs"_s;
    QTest::newRow("postgres default port") << u"postgres://bob@localhost/runs"_s << true << true
                                           << u"postgresql://bob@localhost:5432/runs"_s;
    QTest::newRow("postgresql no database")
        << u"postgresql://bob@localhost/"_s << false << true << QString();
    QTest::newRow("mysql") << u"mysql://localhost/x"_s << false << false << QString();
    QTest::newRow("garbage") << u"not a url"_s << false << false << QString();
}

void TestStorage::databaseUrlsParse()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(bool, postgres);
    QFETCH(QString, display);
    QString error;
    const auto url = DatabaseUrl::parse(text, &error);
    QCOMPARE(url.has_value(), valid);
    if (!valid) {
        QVERIFY(!error.isEmpty());
        return;
    }
    QCOMPARE(url->dialect == DatabaseUrl::Dialect::PostgreSql, postgres);
    // The password never shows in what is displayed or logged.
    QCOMPARE(url->displayString(), display);
    QString again;
    QCOMPARE(DatabaseUrl::parse(url->toString(), &again)->password, url->password);
}

void TestStorage::sqliteRunsInWalModeWithForeignKeys()
{
    test::TestDatabase file(test::TestDatabase::Dialect::Sqlite);
    Database database(file.url());
    QVERIFY(database.migrate().ok());
    QSqlQuery query(database.connection());
    QVERIFY(query.exec(u"PRAGMA journal_mode"_s) && query.next());
    QCOMPARE(query.value(0).toString(), u"wal"_s);
    QVERIFY(query.exec(u"PRAGMA foreign_keys"_s) && query.next());
    QCOMPARE(query.value(0).toInt(), 1);
    // A simulation on a machine that does not exist violates the foreign key.
    QVERIFY(!SimulationRepository(database).create(newSimulation(u"orphan"_s, 999)).ok());
}

// With checkpoints in the background (as every runtime has them), connections copy the log back
// only past twice what the checkpointer lets it grow (by default, past a thousand pages), and the
// checkpointer keeps it near its restart size, here 8,192 pages (32 MB): the 300 transactions
// below write about 60 MB of log, which a connection left to itself would keep whole.
void TestStorage::theLogIsCopiedBackOffTheCommittingThreads()
{
    test::TestDatabase file(test::TestDatabase::Dialect::Sqlite);
    Database database(file.url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    constexpr int kRestartPages = 8192;
    database.checkpointInBackground(kRestartPages);
    const auto autoCheckpoint = [&database] {
        QSqlQuery query(database.connection());
        return query.exec(u"PRAGMA wal_autocheckpoint"_s) && query.next() ? query.value(0).toInt()
                                                                          : -1;
    };
    QCOMPARE(autoCheckpoint(), WalCheckpointer::kCommitterPages); // the connection open before
    constexpr int kRuns = 300;
    int writerSetting = -1;
    int created = 0;
    // One transaction a run, a millisecond apart.
    std::unique_ptr<QThread> writer(QThread::create([&] {
        writerSetting = autoCheckpoint(); // a connection opened after
        SimulationRepository simulations(database);
        for (int i = 0; i < kRuns; ++i) {
            sql::Transaction transaction(database);
            if (simulations.create(newSimulation(u"run %1"_s.arg(i), 1)).ok()
                && transaction.commit().ok())
                ++created;
            QThread::msleep(1);
        }
    }));
    writer->start();
    QVERIFY(writer->wait(120000));
    QCOMPARE(writerSetting, WalCheckpointer::kCommitterPages);
    QCOMPARE(created, kRuns);
    const qint64 logBytes = QFileInfo(file.url().path + u"-wal"_s).size();
    // Near where the checkpointer holds the writers once to start the log over.
    const qint64 bound = qint64(kRestartPages) * 4096 * 5 / 4;
    QVERIFY2(logBytes < bound, qPrintable(u"%1 bytes of log"_s.arg(logBytes)));
    QSqlQuery query(database.connection());
    QVERIFY(query.exec(u"SELECT COUNT(*) FROM simulations"_s) && query.next());
    QCOMPARE(query.value(0).toInt(), kRuns);
    QVERIFY(query.exec(u"PRAGMA integrity_check"_s) && query.next());
    QCOMPARE(query.value(0).toString(), u"ok"_s);
}

void TestStorage::migrationCreatesTheSchemaOnAnEmptyDatabase()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    Migrator migrator(database.connection(), database.isPostgreSql());
    QCOMPARE(migrator.currentVersion().value(), migrator.available().last().version);
    const QStringList tables = database.connection().tables();
    for (const auto &table : {u"machines"_s, u"simulations"_s, u"convergence"_s, u"api_tokens"_s,
                              u"schema_migrations"_s})
        QVERIFY2(tables.contains(table), qPrintable(table));
}

void TestStorage::migrationKeepsDataOfAnExistingDatabase()
{
    AISIM_OPEN_TEST_DATABASE(db);
    {
        Database database(db->url());
        QVERIFY(database.migrate().ok());
        QVERIFY(MachineRepository(database).create(101, u"Machine A"_s).ok());
        QVERIFY(SimulationRepository(database).create(newSimulation(u"kept"_s, 101)).ok());
    }
    Database reopened(db->url());
    QVERIFY(reopened.migrate().ok());
    QVERIFY(reopened.migrate().ok()); // twice is harmless
    const auto simulations = SimulationRepository(reopened).list({});
    QVERIFY(simulations.ok());
    QCOMPARE(simulations->size(), 1);
    QCOMPARE(simulations->first().name, u"kept"_s);
}

// A database written by the first release (schema 1) gains points_total from each run's
// parameters, so that sorting by progress stays right.
void TestStorage::upgradeFromTheFirstSchemaKeepsRunsAndTheirProgress()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    Migrator migrator(database.connection(), database.isPostgreSql());
    QVERIFY(migrator.migrate(1).ok());
    QCOMPARE(migrator.currentVersion().value(), 1);
    QSqlQuery query(database.connection());
    QVERIFY(
        query.exec(u"INSERT INTO machines (machine_id, name, created_at) VALUES (1, 'm', 0)"_s));
    // run: points_done of points → progress 0.5, 0.2, 0.9, 0.3 (no points given: 10).
    const QList<std::tuple<QString, int, QString>> runs {
        {u"half"_s, 50, uR"({"points":100})"_s},
        {u"fifth"_s, 2, uR"({"points":10})"_s},
        {u"most"_s, 9, uR"({})"_s},
        {u"third"_s, 300, uR"({"points":1000,"pace_ms":0})"_s},
    };
    for (const auto &[name, done, parameters] : runs) {
        QVERIFY(query.prepare(u"INSERT INTO simulations (name, machine_id, status, creation_date, "
                              "update_date, points_done, parameters) VALUES (?, 1, 'running', 0, "
                              "0, ?, ?)"_s));
        query.addBindValue(name);
        query.addBindValue(done);
        query.addBindValue(parameters);
        QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
    }
    QVERIFY(database.migrate().ok());
    QCOMPARE(migrator.currentVersion().value(), migrator.available().last().version);

    SimulationQuery byProgress;
    byProgress.orderBy = SimulationQuery::OrderBy::Progress;
    const auto sorted = SimulationRepository(database).list(byProgress);
    QVERIFY(sorted.ok());
    QStringList names;
    for (const Simulation &simulation : sorted.value())
        names << simulation.name;
    QCOMPARE(names, (QStringList {u"fifth"_s, u"third"_s, u"half"_s, u"most"_s}));
    QVERIFY(query.exec(u"SELECT name, points_total FROM simulations ORDER BY name"_s));
    QList<QPair<QString, int>> totals;
    while (query.next())
        totals.append({query.value(0).toString(), query.value(1).toInt()});
    QCOMPARE(totals,
             (QList<QPair<QString, int>> {
                 {u"fifth"_s, 10}, {u"half"_s, 100}, {u"most"_s, 10}, {u"third"_s, 1000}}));
}

void TestStorage::databaseFromANewerVersionIsRefused()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QSqlQuery query(database.connection());
    QVERIFY(query.exec(u"INSERT INTO schema_migrations (version, name, applied_at) "
                       "VALUES (999, 'future', 0)"_s));
    const Status status = database.migrate();
    QVERIFY(!status.ok());
    QCOMPARE(status.error().kind, Error::Kind::Conflict);
    QVERIFY2(status.error().message.contains(u"newer"_s), qPrintable(status.error().message));
}

void TestStorage::explicitAndAssignedIdsNeverCollide()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    MachineRepository machines(database);
    QCOMPARE(machines.create(101, u"A"_s)->id, 101);
    QCOMPARE(machines.create(std::nullopt, u"B"_s)->id, 102);
    SimulationRepository simulations(database);
    NewSimulation explicitId = newSimulation(u"explicit"_s, 101);
    explicitId.id = 5;
    QCOMPARE(simulations.create(explicitId)->id, 5);
    const auto assigned = simulations.create(newSimulation(u"assigned"_s, 102));
    QVERIFY(assigned.ok());
    QCOMPARE(assigned->id, 6);
    QCOMPARE(assigned->status, SimulationStatus::Pending);
    QVERIFY(assigned->creationDate.isValid());
    QCOMPARE(assigned->creationDate.timeSpec(), Qt::UTC);
}

void TestStorage::existingIdIsAConflict()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    QCOMPARE(MachineRepository(database).create(1, u"again"_s).error().kind, Error::Kind::Conflict);
    NewSimulation simulation = newSimulation(u"one"_s, 1);
    simulation.id = 7;
    SimulationRepository simulations(database);
    QVERIFY(simulations.create(simulation).ok());
    const auto again = simulations.create(simulation);
    QVERIFY(!again.ok());
    QCOMPARE(again.error().kind, Error::Kind::Conflict);
    QCOMPARE(simulations.count({}).value(), 1);
}

// A client holding the id of a deleted run must never find another run under it.
void TestStorage::deletedIdsAreNeverHandedOutAgain()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    MachineRepository machines(database);
    SimulationRepository simulations(database);
    const auto first = machines.create(std::nullopt, u"first"_s);
    QVERIFY(first.ok());
    QVERIFY(machines.remove(first->id).ok());
    const auto second = machines.create(std::nullopt, u"second"_s);
    QVERIFY(second.ok());
    QVERIFY(second->id > first->id);

    qint64 newest = 0;
    for (int i = 0; i < 3; ++i)
        newest = simulations.create(newSimulation(u"run"_s, second->id))->id;
    QVERIFY(simulations.remove(newest).ok());
    const auto after = simulations.create(newSimulation(u"after"_s, second->id));
    QVERIFY(after.ok());
    QVERIFY2(after->id > newest, qPrintable(u"%1 after %2"_s.arg(after->id).arg(newest)));

    // An explicit id below the newest does not pull the numbering back either.
    QVERIFY(simulations.remove(after->id).ok());
    NewSimulation explicitId = newSimulation(u"explicit"_s, second->id);
    explicitId.id = 1'000;
    QVERIFY(simulations.create(explicitId).ok());
    QVERIFY(simulations.remove(1'000).ok());
    explicitId.id = 2;
    QVERIFY(simulations.remove(2).ok());
    QVERIFY(simulations.create(explicitId).ok());
    const auto last = simulations.create(newSimulation(u"last"_s, second->id));
    QVERIFY(last.ok());
    QVERIFY2(last->id > 1'000, qPrintable(QString::number(last->id)));
}

void TestStorage::listSortsFiltersAndPages()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    QVERIFY(MachineRepository(database).create(2, u"B"_s).ok());
    SimulationRepository simulations(database);
    const QStringList names {u"charlie"_s, u"alpha"_s, u"bravo"_s, u"delta_1"_s};
    for (int i = 0; i < names.size(); ++i) {
        QVERIFY(simulations.create(newSimulation(names[i], i % 2 + 1)).ok());
        QTest::qWait(3); // distinct creation times
    }
    QVERIFY(simulations.cancel(3).ok()); // bravo becomes the latest update

    auto namesOf = [](const QList<Simulation> &list) {
        QStringList result;
        for (const auto &s : list)
            result << s.name;
        return result;
    };
    SimulationQuery query;
    QCOMPARE(namesOf(simulations.list(query).value()), names);
    query.orderBy = SimulationQuery::OrderBy::Name;
    QCOMPARE(namesOf(simulations.list(query).value()),
             QStringList({u"alpha"_s, u"bravo"_s, u"charlie"_s, u"delta_1"_s}));
    query.descending = true;
    QCOMPARE(namesOf(simulations.list(query).value()).first(), u"delta_1"_s);
    query = {};
    query.orderBy = SimulationQuery::OrderBy::UpdateDate;
    QCOMPARE(namesOf(simulations.list(query).value()).last(), u"bravo"_s);

    query = {};
    query.status = SimulationStatus::Cancelled;
    QCOMPARE(namesOf(simulations.list(query).value()), QStringList {u"bravo"_s});
    query = {};
    query.machineId = 2;
    QCOMPARE(namesOf(simulations.list(query).value()), QStringList({u"alpha"_s, u"delta_1"_s}));
    query = {};
    query.nameContains = u"A_"_s; // matched literally, case-insensitively
    QCOMPARE(namesOf(simulations.list(query).value()), QStringList {u"delta_1"_s});
    query = {};
    query.limit = 2;
    query.offset = 1;
    QCOMPARE(namesOf(simulations.list(query).value()), QStringList({u"alpha"_s, u"bravo"_s}));
    QCOMPARE(simulations.count(query).value(), 4);
    QCOMPARE(simulations.countByStatus()->value(SimulationStatus::Pending), 3);
}

void TestStorage::nameSearchFoldsEveryScript()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    Migrator migrator(database.connection(), database.isPostgreSql());
    QVERIFY(migrator.migrate(3).ok());
    QSqlQuery query(database.connection());
    QVERIFY(
        query.exec(u"INSERT INTO machines (machine_id, name, created_at) VALUES (1, 'm', 0)"_s));
    // A run stored before names were folded, as an older version left it.
    QVERIFY(query.exec(u"INSERT INTO simulations (name, machine_id, status, creation_date, "
                       "update_date) VALUES ('ÜBERLAUF Ωmega', 1, 'pending', 0, 0)"_s));
    QVERIFY(database.migrate().ok());
    SimulationRepository repository(database);
    QVERIFY(repository.foldNames().ok());
    QVERIFY(repository.create(newSimulation(u"Модель Über straße"_s, 1)).ok());
    QVERIFY(repository.create(newSimulation(u"plain ascii"_s, 1)).ok());

    const auto namesMatching = [&repository](const QString &text) {
        SimulationQuery search;
        search.nameContains = text;
        search.orderBy = SimulationQuery::OrderBy::Id;
        QStringList names;
        for (const Simulation &simulation : repository.list(search).value())
            names << simulation.name;
        return names;
    };
    QCOMPARE(namesMatching(u"über"_s),
             (QStringList {u"ÜBERLAUF Ωmega"_s, u"Модель Über straße"_s}));
    QCOMPARE(namesMatching(u"МОДЕЛЬ"_s), QStringList {u"Модель Über straße"_s});
    QCOMPARE(namesMatching(u"ωMEGA"_s), QStringList {u"ÜBERLAUF Ωmega"_s});
    QCOMPARE(namesMatching(u"STRAßE"_s), QStringList {u"Модель Über straße"_s});
    QCOMPARE(namesMatching(u"ASCII"_s), QStringList {u"plain ascii"_s});
    QCOMPARE(namesMatching(u"%"_s), QStringList {});
}

void TestStorage::positionIsTheRowInTheList()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    QVERIFY(MachineRepository(database).create(2, u"B"_s).ok());
    SimulationRepository repository(database);
    // Repeated names and statuses, so that ties are broken by the id.
    for (int i = 0; i < 30; ++i) {
        NewSimulation run = newSimulation(u"run %1"_s.arg(i % 7), 1 + i % 2);
        run.parameters.points = 1 + i % 4;
        const auto created = repository.create(run);
        QVERIFY(created.ok());
        if (i % 3 == 0)
            QVERIFY(repository.cancel(created->id).ok());
    }
    using OrderBy = SimulationQuery::OrderBy;
    for (const OrderBy orderBy : {OrderBy::CreationDate, OrderBy::Name, OrderBy::Status,
                                  OrderBy::Machine, OrderBy::Progress, OrderBy::Duration}) {
        for (const bool descending : {false, true}) {
            SimulationQuery query;
            query.orderBy = orderBy;
            query.descending = descending;
            if (orderBy == OrderBy::Name)
                query.machineId = 2; // with a filter
            const auto rows = repository.list(query);
            QVERIFY(rows.ok());
            for (qsizetype row = 0; row < rows->size(); ++row) {
                const auto position = repository.position(query, rows->at(row).id);
                QVERIFY(position.ok());
                QCOMPARE(position.value(), std::optional<qint64>(row));
            }
        }
    }
    SimulationQuery onMachineTwo;
    onMachineTwo.machineId = 2;
    QCOMPARE(repository.position(onMachineTwo, 1).value(), std::nullopt); // run 1 is on A
    QCOMPARE(repository.position({}, 999).value(), std::nullopt);
}

// A click on a column header of a million-run table must not sort every run: each order of
// list() is read from an index (migration 002).
void TestStorage::everySortIsServedByAnIndex()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QSqlDatabase connection = database.connection();
    QSqlQuery query(connection);
    if (database.isPostgreSql()) {
        // Sorting costs nothing to the planner of a nearly empty table: forbid it, so that a
        // plan without a usable index shows its Sort node.
        QVERIFY(connection.transaction());
        QVERIFY(query.exec(u"SET LOCAL enable_sort = off"_s));
    }
    using OrderBy = SimulationQuery::OrderBy;
    for (const OrderBy orderBy :
         {OrderBy::CreationDate, OrderBy::UpdateDate, OrderBy::Name, OrderBy::Id, OrderBy::Status,
          OrderBy::Machine, OrderBy::Duration, OrderBy::Progress}) {
        for (const bool descending : {false, true}) {
            SimulationQuery sort;
            sort.orderBy = orderBy;
            sort.descending = descending;
            const QString clause = SimulationListQuery::orderClause(sort);
            const QString statement
                = (database.isPostgreSql() ? u"EXPLAIN "_s : u"EXPLAIN QUERY PLAN "_s)
                + u"SELECT simulation_id FROM simulations ORDER BY "_s + clause + u" LIMIT 100"_s;
            QVERIFY2(query.exec(statement), qPrintable(query.lastError().text()));
            QStringList plan;
            while (query.next())
                plan << query.value(database.isPostgreSql() ? 0 : 3).toString();
            const QString text = plan.join(u'\n');
            const bool sorts = database.isPostgreSql() ? text.contains(u"Sort"_s)
                                                       : text.contains(u"TEMP B-TREE"_s);
            QVERIFY2(!sorts, qPrintable(clause + u"\n"_s + text));
        }
    }
    if (database.isPostgreSql())
        connection.rollback();
}

void TestStorage::claimTakesTheOldestPendingRunOnce()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    SimulationRepository simulations(database);
    QVERIFY(simulations.create(newSimulation(u"first"_s, 1)).ok());
    QTest::qWait(2);
    QVERIFY(simulations.create(newSimulation(u"second"_s, 1)).ok());

    const auto a = simulations.claimNextPending(u"worker-a"_s, {}, 60000);
    const auto b = simulations.claimNextPending(u"worker-b"_s, {}, 60000);
    const auto none = simulations.claimNextPending(u"worker-c"_s, {}, 60000);
    QVERIFY(a.ok() && a.value() && b.ok() && b.value() && none.ok());
    QCOMPARE(a.value()->name, u"first"_s);
    QCOMPARE(a.value()->status, SimulationStatus::Running);
    QCOMPARE(a.value()->leaseOwner, u"worker-a"_s);
    QCOMPARE(a.value()->attempts, 1);
    QCOMPARE(b.value()->name, u"second"_s);
    QVERIFY(!none.value());
}

void TestStorage::claimServesOnlyTheGivenMachines()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(101, u"A"_s).ok());
    QVERIFY(MachineRepository(database).create(102, u"B"_s).ok());
    SimulationRepository simulations(database);
    QVERIFY(simulations.create(newSimulation(u"on A"_s, 101)).ok());
    QVERIFY(simulations.create(newSimulation(u"on B"_s, 102)).ok());
    const auto first = simulations.claimNextPending(u"w"_s, {102}, 60000);
    QVERIFY(first.ok() && first.value());
    QCOMPARE(first.value()->machineId, 102);
    QVERIFY(!simulations.claimNextPending(u"w"_s, {102}, 60000).value());
    QCOMPARE(simulations.claimNextPending(u"w"_s, {101, 103}, 60000).value()->machineId, 101);
}

void TestStorage::aRetriedStepNeverDuplicatesAPoint()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    SimulationRepository simulations(database);
    QVERIFY(simulations.create(newSimulation(u"run"_s, 1)).ok());
    const qint64 id = simulations.claimNextPending(u"w"_s, {}, 60000).value()->id;
    QVERIFY(simulations.recordPoint(id, u"w"_s, {10, 0.042}, 1, 60000).value());
    QVERIFY(simulations.recordPoint(id, u"w"_s, {10, 0.042}, 1, 60000).value());
    QVERIFY(simulations.recordPoint(id, u"w"_s, {20, 0.033}, 2, 60000).value());
    const auto points = ConvergenceRepository(database).points(id);
    QCOMPARE(points.value(), ConvergenceSeries({{10, 0.042}, {20, 0.033}}));
    QCOMPARE(ConvergenceRepository(database).points(id, 10.0).value(),
             ConvergenceSeries({{20, 0.033}}));
    QCOMPARE(simulations.get(id)->pointsDone, 2);
}

void TestStorage::aWorkerThatLostItsLeaseWritesNothing()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    SimulationRepository simulations(database);
    QVERIFY(simulations.create(newSimulation(u"run"_s, 1)).ok());
    const qint64 id = simulations.claimNextPending(u"w"_s, {}, 60000).value()->id;
    QCOMPARE(simulations.recordPoint(id, u"intruder"_s, {10, 0.042}, 1, 60000).value(), false);
    QVERIFY(simulations.cancel(id).ok());
    QCOMPARE(simulations.recordPoint(id, u"w"_s, {10, 0.042}, 1, 60000).value(), false);
    QCOMPARE(simulations.finish(id, u"w"_s).value(), false);
    QVERIFY(ConvergenceRepository(database).points(id)->isEmpty());
    QCOMPARE(simulations.get(id)->status, SimulationStatus::Cancelled);
}

void TestStorage::expiredLeasesGoBackToPendingThenFail()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    SimulationRepository simulations(database);
    NewSimulation run = newSimulation(u"run"_s, 1);
    run.maxAttempts = 2;
    const qint64 id = simulations.create(run)->id;

    QVERIFY(simulations.claimNextPending(u"dead-1"_s, {}, 1).value());
    QTest::qWait(5);
    QCOMPARE(simulations.requeueExpiredLeases().value(), QList<qint64> {id});
    auto current = simulations.get(id).value();
    QCOMPARE(current.status, SimulationStatus::Pending);
    QVERIFY(current.leaseOwner.isEmpty());
    QVERIFY(!current.error.isEmpty());

    QVERIFY(simulations.claimNextPending(u"dead-2"_s, {}, 1).value());
    QTest::qWait(5);
    QCOMPARE(simulations.requeueExpiredLeases().value(), QList<qint64> {id});
    current = simulations.get(id).value();
    QCOMPARE(current.status, SimulationStatus::Failed);
    QCOMPARE(current.attempts, 2);
    QVERIFY(simulations.requeueExpiredLeases()->isEmpty());
}

void TestStorage::cancelRetryAndDeleteFollowTheLifecycle()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    SimulationRepository simulations(database);
    const qint64 id = simulations.create(newSimulation(u"run"_s, 1))->id;
    const qint64 version = simulations.get(id)->version;

    QCOMPARE(simulations.retry(id).error().kind,
             Error::Kind::Conflict); // pending: nothing to retry
    const auto claimed = simulations.claimNextPending(u"w"_s, {}, 60000);
    QVERIFY(simulations.recordPoint(id, u"w"_s, {10, 0.042}, 1, 60000).value());
    QCOMPARE(simulations.remove(id).error().kind, Error::Kind::Conflict); // running
    const auto cancelled = simulations.cancel(id);
    QCOMPARE(cancelled->status, SimulationStatus::Cancelled);
    QVERIFY(cancelled->version > version);
    QCOMPARE(simulations.cancel(id).error().kind, Error::Kind::Conflict);

    const auto retried = simulations.retry(id);
    QCOMPARE(retried->status, SimulationStatus::Pending);
    QCOMPARE(retried->attempts, 0);
    QCOMPARE(retried->pointsDone, 0);
    QVERIFY(ConvergenceRepository(database).points(id)->isEmpty());

    QVERIFY(simulations.remove(id).ok());
    QCOMPARE(simulations.get(id).error().kind, Error::Kind::NotFound);
    QCOMPARE(simulations.remove(id).error().kind, Error::Kind::NotFound);
    QCOMPARE(simulations.cancel(424242).error().kind, Error::Kind::NotFound);
}

// A read that takes a snapshot of its own (a deep page by offset) within one already open (the
// window's pages, their count and look-ups) reads in the outer one and leaves it open; one on
// another connection of the same thread takes its own; one within a write's transaction is
// part of that.
void TestStorage::aSnapshotWithinASnapshotKeepsTheOuterOne()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database reader(db->url());
    QVERIFY(reader.migrate().ok());
    QVERIFY(MachineRepository(reader).create(1, u"A"_s).ok());
    Database other(db->url());
    Database writer(db->url());
    const auto machines = [](Database &database) {
        QSqlQuery query(database.connection());
        return query.exec(u"SELECT COUNT(*) FROM machines"_s) && query.next()
            ? query.value(0).toLongLong()
            : -1;
    };
    {
        const sql::ReadSnapshot outer(reader);
        QCOMPARE(machines(reader), 1);
        {
            const sql::ReadSnapshot inner(reader);
            const sql::ReadSnapshot elsewhere(other);
            QCOMPARE(machines(other), 1);
            QVERIFY(MachineRepository(writer).create(2, u"B"_s).ok());
            QCOMPARE(machines(reader), 1);
            QCOMPARE(machines(other), 1);
        }
        QCOMPARE(machines(reader), 1); // the inner one ended; the outer one still reads
        QCOMPARE(machines(other), 2);
    }
    QCOMPARE(machines(reader), 2);
    // Within a write's transaction it ends nothing: the write is still undone.
    {
        sql::Transaction transaction(reader);
        QVERIFY(transaction.isActive());
        QVERIFY(MachineRepository(reader).create(3, u"C"_s).ok());
        {
            const sql::ReadSnapshot snapshot(reader);
            QCOMPARE(machines(reader), 3);
        }
        QCOMPARE(machines(reader), 3);
    } // rolled back
    QCOMPARE(machines(reader), 2);
}

void TestStorage::machineHoldingSimulationsCannotBeRemoved()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    MachineRepository machines(database);
    QVERIFY(machines.create(1, u"A"_s).ok());
    const qint64 id = SimulationRepository(database).create(newSimulation(u"run"_s, 1))->id;
    QCOMPARE(machines.remove(1).error().kind, Error::Kind::Conflict);
    QCOMPARE(machines.loads()->first().pending, 1);
    QVERIFY(SimulationRepository(database).remove(id).ok());
    QVERIFY(machines.remove(1).ok());
    QCOMPARE(machines.get(1).error().kind, Error::Kind::NotFound);
    QCOMPARE(machines.rename(1, u"x"_s).error().kind, Error::Kind::NotFound);
}

void TestStorage::aConnectionDroppedByTheServerIsOpenedAgain_data()
{
    QTest::addColumn<int>("dialect");
    QTest::newRow("postgresql") << int(test::TestDatabase::Dialect::PostgreSql);
}

void TestStorage::aConnectionDroppedByTheServerIsOpenedAgain()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    // Another session terminates ours, as a server restart would.
    QVERIFY(test::terminateConnection(database));

    // Outside a transaction the statement is tried once more, on a new connection: the caller
    // sees no error at all.
    MachineRepository machines(database);
    const auto again = machines.list();
    QVERIFY2(again.ok(), again.ok() ? "" : qPrintable(again.error().message));
    QCOMPARE(again->size(), 1);
}

QTEST_GUILESS_MAIN(TestStorage)
#include "tst_storage.moc"
