#include "database.h"
#include "machinerepository.h"
#include "migrator.h"
#include "namesearch.h"
#include "runledger.h"
#include "runtime.h"
#include "simulationblocks.h"
#include "simulationcounter.h"
#include "simulationkeyranges.h"
#include "simulationlister.h"
#include "simulationlistquery.h"
#include "simulationrepository.h"
#include "sqlsupport.h"
#include "statisticsrepository.h"
#include "storageupkeep.h"
#include "testsupport.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>
#include <array>

#include <algorithm>
#include <memory>
#include <tuple>

using namespace Qt::StringLiterals;
using namespace aisim;
using OrderBy = SimulationQuery::OrderBy;

// The schema and machine 1, which the runs of a test are on.
static bool migrateWithMachine(Database &database)
{
    return database.migrate().ok() && MachineRepository(database).create(1, u"A"_s).ok();
}

// Lists of a large table: keyset paging, counters, the name search index and the plans that
// answer each filter combination; each case on SQLite and on PostgreSQL.
class TestListing : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void namesSortNaturallyIgnoringCase_data() { test::addDialectRows(); }
    void namesSortNaturallyIgnoringCase();
    void statusSortsInLifecycleOrder_data() { test::addDialectRows(); }
    void statusSortsInLifecycleOrder();
    void cursorWalksEveryRowOnceWhileRunsComeAndGo_data() { test::addDialectRows(); }
    void cursorWalksEveryRowOnceWhileRunsComeAndGo();
    void deepOffsetsReadTheRowsAtTheirPositions_data() { test::addDialectRows(); }
    void deepOffsetsReadTheRowsAtTheirPositions();
    void deepPagesArePlacedByTheBlocksOfIds_data() { test::addDialectRows(); }
    void deepPagesArePlacedByTheBlocksOfIds();
    void deepFilteredPagesArePlacedByTheBlocksOfIds_data() { test::addDialectRows(); }
    void deepFilteredPagesArePlacedByTheBlocksOfIds();
    void deepLossPagesArePlacedByTheRangesOfTheirKeys_data() { test::addDialectRows(); }
    void deepLossPagesArePlacedByTheRangesOfTheirKeys();
    void rangesCountTheRunsEndedBeforeTheirMigration_data() { test::addDialectRows(); }
    void rangesCountTheRunsEndedBeforeTheirMigration();
    void countersEqualCountAfterEveryChange_data() { test::addDialectRows(); }
    void countersEqualCountAfterEveryChange();
    void countersStayExactUnderConcurrentWriters_data() { test::addDialectRows(); }
    void countersStayExactUnderConcurrentWriters();
    void nameSearchFindsWhatAScanFinds_data() { test::addDialectRows(); }
    void nameSearchFindsWhatAScanFinds();
    void aCommonNameIsCountedAsAnEstimate_data() { test::addDialectRows(); }
    void aCommonNameIsCountedAsAnEstimate();
    void theIndexAnswersForRareNamesAndOnceAQuery_data() { test::addDialectRows(); }
    void theIndexAnswersForRareNamesAndOnceAQuery();
    void aCountAfterAPageNewestFirstStartsAtItsFirstRow_data() { test::addDialectRows(); }
    void aCountAfterAPageNewestFirstStartsAtItsFirstRow();
    void anIndexThatHoldsTheNamesIsWalkedForMoreCommonNames_data() { test::addDialectRows(); }
    void anIndexThatHoldsTheNamesIsWalkedForMoreCommonNames();
    void aWordInMostNamesIsLeftToTheCheckOfEachCandidate_data() { test::addDialectRows(); }
    void aWordInMostNamesIsLeftToTheCheckOfEachCandidate();
    void nameSearchPagesInCreationOrderFromTheIndex_data() { test::addDialectRows(); }
    void nameSearchPagesInCreationOrderFromTheIndex();
    void aWalkReadsOnlyTheBlocksThatMayHoldTheName_data() { test::addDialectRows(); }
    void aWalkReadsOnlyTheBlocksThatMayHoldTheName();
    void theCharactersOfNewNamesAreGatheredAfterTheirTransaction_data() { test::addDialectRows(); }
    void theCharactersOfNewNamesAreGatheredAfterTheirTransaction();
    void aProcessWithoutWorkersGathersThemToo_data() { test::addDialectRows(); }
    void aProcessWithoutWorkersGathersThemToo();
    void theNameIndexTakesInItsPendingEntriesEveryTick_data() { test::addPostgreSqlRow(); }
    void theNameIndexTakesInItsPendingEntriesEveryTick();
    void aPageReadsTheMatchesOfTheBlocksThatCanHoldIt_data() { test::addDialectRows(); }
    void aPageReadsTheMatchesOfTheBlocksThatCanHoldIt();
    void aNameByStatusOrMachineReadsWindowsOfIds_data() { test::addDialectRows(); }
    void aNameByStatusOrMachineReadsWindowsOfIds();
    void aNameByStatusOrMachineIsReadGroupByGroup_data() { test::addDialectRows(); }
    void aNameByStatusOrMachineIsReadGroupByGroup();
    void theBlocksOfANameAreKeptForOneSnapshot_data() { test::addDialectRows(); }
    void theBlocksOfANameAreKeptForOneSnapshot();
    void aProbeServesPlansWithOtherThresholds_data() { test::addDialectRows(); }
    void aProbeServesPlansWithOtherThresholds();
    void aDeepPageOfEveryMatchIsReadAtItsOffset_data() { test::addDialectRows(); }
    void aDeepPageOfEveryMatchIsReadAtItsOffset();
    void aDeepPageOfANameIsReadInOneStatement_data() { test::addDialectRows(); }
    void aDeepPageOfANameIsReadInOneStatement();
    void aDeepPageKeepsTheCountItsRowBeforeTook_data() { test::addDialectRows(); }
    void aDeepPageKeepsTheCountItsRowBeforeTook();
    void aDeepRowAmongADenseBlockIsWalkedTo_data() { test::addDialectRows(); }
    void aDeepRowAmongADenseBlockIsWalkedTo();
    void aCommonNameReadsTheMatchesOfTheBlocksThatHoldThePage_data() { test::addDialectRows(); }
    void aCommonNameReadsTheMatchesOfTheBlocksThatHoldThePage();
    void aPageBeyondManySparseBlocksCountsEveryBlockAtOnce_data() { test::addDialectRows(); }
    void aPageBeyondManySparseBlocksCountsEveryBlockAtOnce();
    void aTextOfThreeCharactersIsPlacedByItsBlocksCounts_data() { test::addDialectRows(); }
    void aTextOfThreeCharactersIsPlacedByItsBlocksCounts();
    // PostgreSQL: a page that reads every match of a text the planner counts at its floor
    // reads no more of them than its plan allows, and is planned again where there are more.
    void aTextAtThePlannersFloorReadsNoMoreMatchesThanItsPlanAllows_data()
    {
        test::addDialectRows();
    }
    void aTextAtThePlannersFloorReadsNoMoreMatchesThanItsPlanAllows();
    void aFirstWindowHoldsThePageByTheBlocksCounts_data() { test::addDialectRows(); }
    void aFirstWindowHoldsThePageByTheBlocksCounts();
    void aFilterWalkChecksIdsAmongTheIndexMatches_data() { test::addDialectRows(); }
    void aFilterWalkChecksIdsAmongTheIndexMatches();
    void aWalkSeeksItsIdsUnderEachKey_data() { test::addDialectRows(); }
    void aWalkSeeksItsIdsUnderEachKey();
    void everyFilterCombinationIsReadFromAnIndex_data() { test::addDialectRows(); }
    void everyFilterCombinationIsReadFromAnIndex();
    void aNameOnlyOlderRunsBearIsEstimatedFromTheirShare_data() { test::addDialectRows(); }
    void aNameOnlyOlderRunsBearIsEstimatedFromTheirShare();
    void namesGivenInSequenceAreEstimatedOverTheWholeTable_data() { test::addDialectRows(); }
    void namesGivenInSequenceAreEstimatedOverTheWholeTable();
    void estimatesOfATextAreKeptForItsNextSearches_data() { test::addDialectRows(); }
    void estimatesOfATextAreKeptForItsNextSearches();
    void otherFiltersWeighTheIndexAgainstTheWalk_data() { test::addDialectRows(); }
    void otherFiltersWeighTheIndexAgainstTheWalk();
    void aRareStatusIsReadFromTheNameIndex_data() { test::addDialectRows(); }
    void aRareStatusIsReadFromTheNameIndex();
    void valuesAreWrittenIntoStatementsOutsideQuotes_data() { test::addDialectRows(); }
    void valuesAreWrittenIntoStatementsOutsideQuotes();
    void aTextWithoutATrigramIsReadInTheBlocksThatHoldIt_data() { test::addDialectRows(); }
    void aTextWithoutATrigramIsReadInTheBlocksThatHoldIt();

private:
    static NewSimulation run(const QString &name, qint64 machineId)
    {
        NewSimulation simulation;
        simulation.name = name;
        simulation.machineId = machineId;
        return simulation;
    }
    static QList<qint64> idsOf(const QList<Simulation> &simulations)
    {
        QList<qint64> ids;
        for (const Simulation &simulation : simulations)
            ids << simulation.id;
        return ids;
    }
    // The runs a query should list, from its offset: the whole order without the name, each
    // name checked by a plain case-folded scan.
    static QList<qint64> scannedIds(SimulationRepository &repository, SimulationQuery query)
    {
        const QString needle = query.nameContains.toCaseFolded();
        query.nameContains.clear();
        query.limit = -1;
        query.offset = 0;
        QList<qint64> ids;
        for (const Simulation &simulation : repository.list(query).value()) {
            if (simulation.name.toCaseFolded().contains(needle))
                ids << simulation.id;
        }
        return ids;
    }
    // Every page of the query's limit, one after the other until one is short: each after the
    // last row of the one before, or at the next offset; {-1} where a page fails.
    static QList<qint64> pagedIds(SimulationRepository &repository, SimulationQuery query,
                                  bool byCursor = true)
    {
        QList<qint64> ids;
        for (int page = 0; page < 100; ++page) {
            SimulationCursor last;
            QList<qint64> rows;
            if (!repository
                     .forEach(
                         query, [&rows](const Simulation &s) { rows << s.id; }, &last)
                     .ok())
                return {-1};
            ids += rows;
            if (rows.size() < query.limit)
                break;
            if (byCursor)
                query.after = last;
            else
                query.offset += query.limit;
        }
        return ids;
    }
    // The page of five rows at each offset against the whole order (all), and the position of
    // the run at that offset in it; where names the case in a failure.
    static void comparePagesAt(SimulationRepository &repository, SimulationQuery query,
                               const QList<qint64> &all, const QList<qint64> &offsets,
                               const QString &where)
    {
        query.limit = 5;
        for (const qint64 offset : offsets) {
            query.offset = offset;
            const QString at = u"%1, %2 rows at offset %3"_s.arg(where).arg(all.size()).arg(offset);
            QVERIFY2(idsOf(repository.list(query).value()) == all.mid(offset, 5), qPrintable(at));
            if (offset < all.size()) // the row of that run, counted
                QVERIFY2(repository.position(query, all.at(offset)).value()
                             == std::optional<qint64>(offset),
                         qPrintable(at));
        }
    }
    // The page deep (of five rows) and its first run's position move by one while shift has
    // counted one more run before them (rowsShifted: the count rows it changes, where given), and
    // come back once restore has taken it away again: the counts placed them.
    static void compareMovedByACount(SimulationRepository &repository, QSqlQuery &change,
                                     const SimulationQuery &deep, const QString &shift,
                                     const QString &restore, int rowsShifted = -1)
    {
        const QList<qint64> expected = idsOf(repository.list(deep).value());
        QCOMPARE(expected.size(), 5);
        QVERIFY(change.exec(shift));
        if (rowsShifted >= 0)
            QCOMPARE(change.numRowsAffected(), rowsShifted);
        QVERIFY2(idsOf(repository.list(deep).value()) != expected,
                 qPrintable(SimulationQuery::orderByName(deep.orderBy)));
        QCOMPARE(repository.position(deep, expected.constFirst()).value(),
                 std::optional<qint64>(deep.offset + 1));
        QVERIFY(change.exec(restore));
        QCOMPARE(idsOf(repository.list(deep).value()), expected);
        QCOMPARE(repository.position(deep, expected.constFirst()).value(),
                 std::optional<qint64>(deep.offset));
    }
    // A thread that keeps its own database connection, to run steps on it one at a time.
    class ConnectionThread
    {
    public:
        ConnectionThread()
        {
            m_thread.start();
            m_context.moveToThread(&m_thread);
        }
        ~ConnectionThread()
        {
            m_thread.quit();
            m_thread.wait();
        }
        Q_DISABLE_COPY_MOVE(ConnectionThread)
        template<typename Step> void run(Step step)
        {
            QMetaObject::invokeMethod(&m_context, step, Qt::BlockingQueuedConnection);
        }

    private:
        QThread m_thread;
        QObject m_context;
    };
    // Migrates a fresh database and adds machines 1 (A) and 2 (B).
    // Runs 1 to runs written straight into the table, on machines 1 and 2 in turn, created in
    // id order; name, status and updated are SQL expressions of i, the run's id. On PostgreSQL
    // the ids' sequence follows, and an ANALYZE gives the planner its count of a name. The
    // error's text, or nothing.
    static QString addRunsBySql(Database &database, qint64 runs, const QString &name,
                                const QString &status, const QString &updated = u"1000 + i"_s)
    {
        QSqlQuery change(database.connection());
        if (!change.exec(
                u"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %1), "
                "named(i, name) AS (SELECT i, %2 FROM n) "
                "INSERT INTO simulations (simulation_id, name, name_folded, name_key, "
                "machine_id, status, creation_date, update_date, points_total) "
                "SELECT i, name, LOWER(name), LOWER(name), 1 + i % 2, %3, 1000 + i, %4, 10 "
                "FROM named"_s.arg(QString::number(runs), name, status, updated)))
            return change.lastError().text();
        if (database.isPostgreSql()
            && (!change.exec(u"SELECT setval(pg_get_serial_sequence('simulations', "
                             "'simulation_id'), MAX(simulation_id)) FROM simulations"_s)
                || !change.exec(u"ANALYZE simulations"_s)))
            return change.lastError().text();
        // The names' three characters gathered in every block, as the housekeeper would.
        const auto gathered = SimulationBlocks::foldGrams(database, 1'000, true);
        return gathered ? QString() : gathered.error().message;
    }
    // A page of a name in one of the orders whose keys may follow the ids, with what to call it.
    static std::pair<SimulationQuery, QString> namePage(OrderBy orderBy, bool descending,
                                                        const QString &text, qint64 limit,
                                                        const QString &when)
    {
        SimulationQuery query;
        query.orderBy = orderBy;
        query.descending = descending;
        query.nameContains = text;
        query.limit = limit;
        return {query,
                when + u", "_s + SimulationQuery::orderByName(orderBy)
                    + (descending ? u" desc"_s : QString())};
    }
    // PostgreSQL: the planner's count of a name taken from every name, not a sample of a
    // hundred. Nothing to do on SQLite.
    static bool analyzeEveryName(Database &database)
    {
        if (!database.isPostgreSql())
            return true;
        QSqlQuery analyze(database.connection());
        return analyze.exec(u"ALTER TABLE simulations ALTER COLUMN name_folded "
                            "SET STATISTICS 10000"_s)
            && analyze.exec(u"ANALYZE simulations"_s);
    }
    static bool withMachinesAAndB(Database &database)
    {
        MachineRepository machines(database);
        return database.migrate().ok() && machines.create(1, u"A"_s).ok()
            && machines.create(2, u"B"_s).ok();
    }
    // Every counter against COUNT(*) over the table, for each filter the API offers, and the
    // blocks of ids against the runs they hold.
    static void compareCountersWithTheTable(Database &database);
    static void compareBlocksWithTheTable(Database &database);
    // The ended runs counted in each range of each order (migrations 028 and 029) against the
    // runs whose keys lie in it, found here from the ranges' low ends.
    static void compareRangesWithTheTable(Database &database);
    // Runs 1 to runs named in id order ("run-100000001" …), created in id order, three in each
    // millisecond, last updated in id order, one every 20 ms (the blocks' spans of update dates,
    // rounded to minutes, overlap their neighbours'); their machine, status and final loss,
    // best loss and rate are SQL expressions of i, the id.
    // Runs with the ids 1 to runs: each column's expression of i. timing: the start, the end,
    // the points done and the points of each.
    static bool fillInIdOrder(QSqlQuery &change, qint64 runs, const QString &machine,
                              const QString &status, const QString &losses = u"NULL, NULL, NULL"_s,
                              const QString &timing = u"NULL, NULL, 0, 10"_s,
                              const QString &verdict = u"'too_few_points'"_s)
    {
        return change.exec(
            u"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %1) "
            "INSERT INTO simulations (simulation_id, name, name_folded, name_key, machine_id, "
            "status, creation_date, update_date, final_loss, best_loss, loss_rate, started_at, "
            "finished_at, points_done, points_total, verdict) "
            "SELECT i, 'run-' || CAST(100000000 + i AS TEXT), 'run-' || CAST(100000000 + i AS "
            "TEXT), 'run-' || CAST(100000000 + i AS TEXT), %2, %3, 1000 + i / 3, 1000 + i * 20, "
            "%4, %5, %6 FROM n"_s.arg(runs)
                .arg(machine, status, losses, timing, verdict));
    }
};

void TestListing::namesSortNaturallyIgnoringCase()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(migrateWithMachine(database));
    SimulationRepository repository(database);
    const QStringList stored {u"burst-39"_s, u"Burst-100"_s, u"alpha"_s, u"burst-4"_s,
                              u"ALPHA 2"_s,  u"über"_s,      u"Zulu"_s,  u"alpha 10"_s};
    for (const QString &name : stored)
        QVERIFY(repository.create(run(name, 1)).ok());
    SimulationQuery query;
    query.orderBy = OrderBy::Name;
    QStringList names;
    for (const Simulation &simulation : repository.list(query).value())
        names << simulation.name;
    QCOMPARE(names,
             (QStringList {u"alpha"_s, u"ALPHA 2"_s, u"alpha 10"_s, u"burst-4"_s, u"burst-39"_s,
                           u"Burst-100"_s, u"Zulu"_s, u"über"_s}));
}

void TestListing::statusSortsInLifecycleOrder()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(migrateWithMachine(database));
    SimulationRepository repository(database);
    for (int i = 0; i < 5; ++i)
        QVERIFY(repository.create(run(u"r%1"_s.arg(i), 1)).ok());
    QVERIFY(repository.cancel(1).ok());
    const auto claimed = repository.claimNextPending(u"w"_s, {}, 60000); // run 2
    QVERIFY(claimed.ok() && claimed.value());
    const auto failed = repository.claimNextPending(u"w"_s, {}, 60000); // run 3
    QVERIFY(failed.ok() && failed.value());
    QVERIFY(repository.failAttempt(3, u"w"_s, u"boom"_s, 0).ok());
    QVERIFY(repository.claimNextPending(u"w"_s, {}, 60000).ok()); // run 3 again (retried)
    const auto finished = repository.claimNextPending(u"w"_s, {}, 60000); // run 4
    QVERIFY(finished.ok() && finished.value());
    QVERIFY(repository.finish(finished.value()->id, u"w"_s).value());
    SimulationQuery query;
    query.orderBy = OrderBy::Status;
    QStringList statuses;
    for (const Simulation &simulation : repository.list(query).value())
        statuses << statusName(simulation.status);
    QCOMPARE(
        statuses,
        (QStringList {u"pending"_s, u"running"_s, u"running"_s, u"finished"_s, u"cancelled"_s}));
}

void TestListing::cursorWalksEveryRowOnceWhileRunsComeAndGo()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(migrateWithMachine(database));
    QVERIFY(MachineRepository(database).create(2, u"B"_s).ok());
    SimulationRepository repository(database);
    // Few distinct keys, so that most rows tie with others and the ids decide.
    for (int i = 0; i < 60; ++i) {
        NewSimulation simulation = run(u"run %1"_s.arg(i % 9), 1 + i % 2);
        simulation.parameters.points = 1 + i % 3;
        const auto created = repository.create(simulation);
        QVERIFY(created.ok());
        if (i % 4 == 0)
            QVERIFY(repository.cancel(created->id).ok());
    }
    QRandomGenerator random(15);
    int added = 0;
    for (const OrderBy orderBy :
         {OrderBy::CreationDate, OrderBy::UpdateDate, OrderBy::Name, OrderBy::Id, OrderBy::Status,
          OrderBy::Machine, OrderBy::Duration, OrderBy::Progress}) {
        for (const bool descending : {false, true}) {
            for (int filter = 0; filter < 3; ++filter) {
                SimulationQuery query;
                query.orderBy = orderBy;
                query.descending = descending;
                if (filter == 1)
                    query.machineId = 2;
                if (filter == 2)
                    query.status = SimulationStatus::Pending;
                const QList<qint64> before = idsOf(repository.list(query).value());
                QList<qint64> seen;
                QSet<qint64> deleted;
                query.limit = 7;
                for (int page = 0; page < 100; ++page) {
                    SimulationCursor last;
                    QList<qint64> rows;
                    QVERIFY(
                        repository
                            .forEach(
                                query,
                                [&rows](const Simulation &simulation) { rows << simulation.id; },
                                &last)
                            .ok());
                    seen += rows;
                    if (rows.size() < query.limit)
                        break;
                    query.after = last;
                    // Between pages: a run comes, a run goes (seen or not).
                    const auto created = repository.create(
                        run(u"run %1"_s.arg(random.bounded(9)), 1 + random.bounded(2)));
                    QVERIFY(created.ok());
                    ++added;
                    const qint64 victim = before.at(random.bounded(before.size()));
                    if (!deleted.contains(victim) && repository.remove(victim).ok())
                        deleted.insert(victim);
                }
                const QString what = u"order %1 %2 filter %3"_s.arg(
                    SimulationQuery::orderByName(orderBy), descending ? u"desc"_s : u"asc"_s,
                    QString::number(filter));
                QVERIFY2(QSet<qint64>(seen.cbegin(), seen.cend()).size() == seen.size(),
                         qPrintable(what + u": a row came twice"_s));
                // Every run there from start to end came once, in the order of the list.
                QList<qint64> stayed;
                for (const qint64 id : before) {
                    if (!deleted.contains(id))
                        stayed << id;
                }
                QList<qint64> seenOfThem;
                for (const qint64 id : seen) {
                    if (stayed.contains(id))
                        seenOfThem << id;
                }
                QVERIFY2(seenOfThem == stayed, qPrintable(what));
            }
        }
    }
    QVERIFY(added > 0);
}

// A page far into a list (SimulationLister::kDeepOffset and beyond) is found through the row
// before it, from the start or (in the second half, counted) from the end, then read as a
// cursor's page: the same rows as the whole list has at those positions, in every order and
// direction, with and without filters (a name's too, with its count given and without), in
// both halves, up to and past the last row.
void TestListing::deepOffsetsReadTheRowsAtTheirPositions()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    constexpr int kRuns = 4 * SimulationLister::kDeepOffset + 600;
    // Few distinct keys in every order, so that most rows tie with others and the ids decide.
    QSqlQuery fill(database.connection());
    QVERIFY2(
        fill.exec(
            u"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %1) "
            "INSERT INTO simulations (simulation_id, name, name_folded, name_key, machine_id, "
            "status, creation_date, update_date, points_total, points_done, final_loss) "
            "SELECT i, 'run ' || (i % 9), 'run ' || (i % 9), 'run ' || (i % 9), 1 + i % 2, "
            "CASE i % 4 WHEN 0 THEN 'pending' WHEN 1 THEN 'running' WHEN 2 THEN 'finished' "
            "ELSE 'failed' END, 1000 + (i * 7919) % 1301, 5000 + (i * 104729) % 977, 10, "
            "i % 11, CASE WHEN i % 3 = 0 THEN NULL ELSE (i % 13) * 0.25 END FROM n"_s.arg(kRuns)),
        qPrintable(fill.lastError().text()));
    SimulationRepository repository(database);
    for (const OrderBy orderBy :
         {OrderBy::CreationDate, OrderBy::UpdateDate, OrderBy::Name, OrderBy::Id, OrderBy::Status,
          OrderBy::Machine, OrderBy::Progress, OrderBy::FinalLoss}) {
        for (const bool descending : {false, true}) {
            for (const int filters : {0, 1, 2, 3, 4}) {
                SimulationQuery query;
                query.orderBy = orderBy;
                query.descending = descending;
                if (filters == 1 || filters == 2)
                    query.machineId = 2;
                if (filters == 2)
                    query.status = SimulationStatus::Failed;
                if (filters >= 3) // every run, not counted by the counters
                    query.nameContains = u"RUN"_s;
                const QList<qint64> all = idsOf(repository.list(query).value());
                const qint64 rows = all.size();
                if (filters == 4) // counted by the reader, as the window does
                    query.matches = rows;
                QVERIFY(rows > SimulationLister::kDeepOffset);
                query.limit = 5;
                for (const qint64 offset :
                     {SimulationLister::kDeepOffset, SimulationLister::kDeepOffset + 1,
                      rows / 2 + 1, rows * 3 / 4, rows - 6, rows - 5, rows - 3, rows - 1, rows,
                      rows + 5}) {
                    query.offset = offset;
                    const QList<qint64> page = idsOf(repository.list(query).value());
                    QVERIFY2(page == all.mid(offset, 5),
                             qPrintable(u"order %1 %2 of %3 rows at offset %4"_s.arg(
                                 SimulationQuery::orderByName(orderBy),
                                 descending ? u"desc"_s : u"asc"_s, QString::number(rows),
                                 QString::number(offset))));
                }
            }
        }
    }
}

// Pages deep into the id, creation, name and update orders without filters are placed by the
// runs counted per block of ids: the same rows as the whole list has there, across blocks with
// holes, at their edges, from both ends, and the rows of runs counted there too; the blocks are
// what placed them (a block's count off by one moves them), and where the keys of blocks
// overlap (runs created, renamed or updated out of id order), the pages and rows there are
// still right.
void TestListing::deepPagesArePlacedByTheBlocksOfIds()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    constexpr qint64 kBlock = SimulationBlocks::kIds;
    constexpr qint64 kRuns = 8 * kBlock + 700; // blocks 0 to 8, the last a part
    // Blocks whose runs all lie further than kBlocksPlace from both ends, past the fourth.
    static_assert(kRuns - kBlock > 2 * SimulationLister::kBlocksPlace + 2 * kBlock);
    QSqlQuery change(database.connection());
    QVERIFY2(fillInIdOrder(change, kRuns, u"1 + i % 2"_s, u"'finished'"_s),
             qPrintable(change.lastError().text()));
    // Holes in the second block: every fifth run.
    QVERIFY(change.exec(u"DELETE FROM simulations WHERE simulation_id >= %1 AND simulation_id < "
                        "%2 AND simulation_id - 5 * (simulation_id / 5) = 0"_s.arg(kBlock)
                            .arg(2 * kBlock)));
    compareBlocksWithTheTable(database);
    SimulationRepository repository(database);
    const auto comparePages = [&](const QString &when) {
        for (const OrderBy orderBy :
             {OrderBy::CreationDate, OrderBy::Id, OrderBy::Name, OrderBy::UpdateDate}) {
            for (const bool descending : {false, true}) {
                SimulationQuery query;
                query.orderBy = orderBy;
                query.descending = descending;
                const QList<qint64> all = idsOf(repository.list(query).value());
                const qint64 rows = all.size();
                // Around the edges of the blocks (counted from either end), the middle, both
                // ends and past them.
                QList<qint64> offsets {SimulationLister::kDeepOffset,
                                       rows / 2,
                                       rows - 6,
                                       rows - 5,
                                       rows - 1,
                                       rows,
                                       rows + 5};
                QVERIFY(change.exec(u"SELECT COUNT(*) FROM simulations GROUP BY simulation_id / "
                                    "%1 ORDER BY simulation_id / %1"_s.arg(kBlock)));
                for (qint64 edge = 0; change.next();) {
                    edge += change.value(0).toLongLong();
                    for (const qint64 near : {edge - 3, edge - 1, edge, edge + 1})
                        offsets << near << std::max<qint64>(0, rows - near);
                }
                comparePagesAt(repository, query, all, offsets,
                               u"%1: order %2 %3"_s.arg(when, SimulationQuery::orderByName(orderBy),
                                                        descending ? u"desc"_s : u"asc"_s));
            }
        }
    };
    comparePages(u"in id order"_s);
    // A page in the middle, placed by the counts of the blocks before it, in each order.
    for (const OrderBy orderBy : {OrderBy::Id, OrderBy::Name, OrderBy::UpdateDate}) {
        SimulationQuery deep;
        deep.orderBy = orderBy;
        deep.limit = 5;
        deep.offset = (kRuns - kBlock / 5) / 2;
        compareMovedByACount(repository, change, deep,
                             u"UPDATE simulation_blocks SET runs = runs + 1 WHERE block = 0"_s,
                             u"UPDATE simulation_blocks SET runs = runs - 1 WHERE block = 0"_s);
    }
    // A run of the third block dated before all others, one of the second as late as the
    // fourth's: the creation dates of the first four blocks overlap, the others' do not. A run
    // of the third block renamed before all others, one of the sixth updated before the
    // fourth's: the names of the first three blocks overlap, the update dates from the fourth
    // to the sixth.
    QVERIFY(change.exec(u"UPDATE simulations SET creation_date = 5 WHERE simulation_id = %1"_s.arg(
        2 * kBlock + 9)));
    QVERIFY(change.exec(u"UPDATE simulations SET creation_date = %1 WHERE simulation_id = %2"_s
                            .arg(1000 + (3 * kBlock + 50) / 3)
                            .arg(kBlock + 11)));
    QVERIFY(change.exec(u"UPDATE simulations SET name_key = 'run-0' WHERE simulation_id = %1"_s.arg(
        2 * kBlock + 20)));
    QVERIFY(change.exec(u"UPDATE simulations SET update_date = %1 WHERE simulation_id = %2"_s
                            .arg(1000 + (3 * kBlock + 7) * 20)
                            .arg(5 * kBlock + 30)));
    // Keys equal across blocks, ordered by id: the last runs of the seventh block named and
    // updated as the first of the eighth.
    QVERIFY(change.exec(u"UPDATE simulations SET name_key = (SELECT name_key FROM simulations "
                        "WHERE simulation_id = %1), update_date = (SELECT update_date FROM "
                        "simulations WHERE simulation_id = %1) WHERE simulation_id >= %2 AND "
                        "simulation_id < %1"_s.arg(7 * kBlock)
                            .arg(7 * kBlock - 3)));
    compareBlocksWithTheTable(database);
    comparePages(u"out of id order"_s);
    // Folded into a row a block (PostgreSQL's shards), the blocks still place the pages.
    QVERIFY(SimulationBlocks::tidy(database).ok());
    compareBlocksWithTheTable(database);
    comparePages(u"folded"_s);
}

// Pages deep into the id, creation, name and update orders under a status or a machine filter
// or both, and
// into the status and the machine orders alone or under the other filter, are placed by the
// runs counted per machine, status and block: the same rows as the whole list has there, at
// the edges of the blocks and of the keys, from both ends, and the rows of runs counted there
// too; the counts are what placed them (one off by one moves a page), and they follow runs
// that change status or machine, and PostgreSQL's shards folded.
void TestListing::deepFilteredPagesArePlacedByTheBlocksOfIds()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    constexpr qint64 kBlock = SimulationBlocks::kIds;
    constexpr qint64 kRuns = 12 * kBlock + 300;
    QSqlQuery change(database.connection());
    // Four in five runs on machine 1; a seventh failed, a few pending.
    QVERIFY2(fillInIdOrder(change, kRuns, u"CASE WHEN i % 5 = 0 THEN 2 ELSE 1 END"_s,
                           u"CASE WHEN i % 97 = 1 THEN 'pending' WHEN i % 7 = 0 THEN 'failed' "
                           "ELSE 'finished' END"_s),
             qPrintable(change.lastError().text()));
    // Holes in the third block: every fifth run.
    QVERIFY(change.exec(u"DELETE FROM simulations WHERE simulation_id >= %1 AND simulation_id < "
                        "%2 AND simulation_id - 5 * (simulation_id / 5) = 1"_s.arg(2 * kBlock)
                            .arg(3 * kBlock)));
    compareBlocksWithTheTable(database);
    SimulationRepository repository(database);
    struct Case
    {
        OrderBy orderBy;
        std::optional<qint64> machine;
        std::optional<SimulationStatus> status;
    };
    const QList<Case> cases {
        {OrderBy::Id, std::nullopt, SimulationStatus::Finished},
        {OrderBy::CreationDate, 1, std::nullopt},
        {OrderBy::CreationDate, 1, SimulationStatus::Finished},
        {OrderBy::Status, std::nullopt, std::nullopt},
        {OrderBy::Status, 1, std::nullopt},
        {OrderBy::Machine, std::nullopt, std::nullopt},
        {OrderBy::Machine, std::nullopt, SimulationStatus::Finished},
        {OrderBy::Name, std::nullopt, SimulationStatus::Finished},
        {OrderBy::Name, 1, SimulationStatus::Finished},
        {OrderBy::UpdateDate, 1, std::nullopt},
    };
    const auto queryOf = [](const Case &each, bool descending) {
        SimulationQuery query;
        query.orderBy = each.orderBy;
        query.descending = descending;
        query.machineId = each.machine;
        query.status = each.status;
        return query;
    };
    const auto comparePages = [&](const QString &when) {
        for (const Case &each : cases) {
            for (const bool descending : {false, true}) {
                SimulationQuery query = queryOf(each, descending);
                QVERIFY(SimulationBlocks::places(query));
                const QList<Simulation> every = repository.list(query).value();
                const QList<qint64> all = idsOf(every);
                const qint64 rows = all.size();
                QVERIFY(rows > 2 * SimulationLister::kBlocksPlace);
                QList<qint64> offsets {SimulationLister::kDeepOffset, rows / 2, rows - 1, rows,
                                       rows + 5};
                // Around the edges of the blocks and of the order's keys.
                for (qsizetype i = 1; i < every.size(); ++i) {
                    const Simulation &previous = every.at(i - 1);
                    const Simulation &next = every.at(i);
                    if (previous.id / kBlock != next.id / kBlock
                        || (each.orderBy == OrderBy::Status && previous.status != next.status)
                        || (each.orderBy == OrderBy::Machine
                            && previous.machineId != next.machineId)) {
                        for (const qint64 near : {i - 3, i - 1, i, i + 1})
                            offsets << std::max<qint64>(0, near);
                    }
                }
                comparePagesAt(repository, query, all, offsets,
                               u"%1: order %2 %3, machine %4, status %5"_s
                                   .arg(when, SimulationQuery::orderByName(each.orderBy),
                                        descending ? u"desc"_s : u"asc"_s)
                                   .arg(each.machine.value_or(0))
                                   .arg(each.status ? statusName(*each.status) : u"any"_s));
            }
        }
    };
    comparePages(u"as created"_s);
    // A page in the middle, placed by the counts of the blocks before it.
    for (const qsizetype each : {2, 8}) {
        SimulationQuery deep = queryOf(cases.at(each), false);
        deep.limit = 5;
        deep.offset = repository.count(deep).value() / 2;
        const QString firstBlock = u"UPDATE simulation_block_runs SET runs = runs %1 1 WHERE "
                                   "block = 0 AND machine_id = 1 AND status = 'finished'"_s;
        compareMovedByACount(repository, change, deep, firstBlock.arg(u"+"_s),
                             firstBlock.arg(u"-"_s));
    }
    // Runs that change status (one statement, and one by one), machine, and block.
    QVERIFY(change.exec(u"UPDATE simulations SET status = 'running' WHERE simulation_id >= %1 "
                        "AND simulation_id < %2 AND status = 'finished'"_s.arg(5 * kBlock)
                            .arg(5 * kBlock + 900)));
    for (const qint64 id : {7 * kBlock + 3, 7 * kBlock + 4, 9 * kBlock}) {
        QVERIFY(change.exec(
            u"UPDATE simulations SET status = 'cancelled' WHERE simulation_id = %1"_s.arg(id)));
    }
    QVERIFY(change.exec(u"UPDATE simulations SET machine_id = 2 WHERE simulation_id >= %1 AND "
                        "simulation_id < %2"_s.arg(8 * kBlock)
                            .arg(8 * kBlock + 2000)));
    QVERIFY(change.exec(
        u"UPDATE simulations SET simulation_id = simulation_id + %1, "
        "creation_date = 1000 + (simulation_id + %1) / 3 WHERE simulation_id > %2"_s.arg(3 * kBlock)
            .arg(kRuns - 200)));
    compareBlocksWithTheTable(database);
    comparePages(u"changed"_s);
    // Folded into a row a machine, status and block (PostgreSQL's shards), they still place.
    QVERIFY(SimulationBlocks::tidy(database).ok());
    compareBlocksWithTheTable(database);
    comparePages(u"folded"_s);
}

void TestListing::compareRangesWithTheTable(Database &database)
{
    QSqlQuery table(database.connection());
    // Each order's key as the ranges place a run by it: a double.
    const QList<std::pair<QString, QString>> orders {
        {u"final_loss"_s, u"COALESCE(final_loss, 1e308)"_s},
        {u"best_loss"_s, u"COALESCE(best_loss, 1e308)"_s},
        {u"loss_rate"_s, u"COALESCE(loss_rate, 1e308)"_s},
        {u"duration"_s,
         u"CAST(COALESCE(COALESCE(finished_at, update_date) - started_at, 0) AS DOUBLE PRECISION)"_s},
        {u"progress"_s, u"CAST(points_done * 1.0 / points_total AS DOUBLE PRECISION)"_s},
        {u"verdict"_s,
         u"CASE verdict WHEN 'converging' THEN 0 WHEN 'diverging' THEN 1 WHEN 'stalled' THEN 2 "
         "ELSE 3 END"_s},
    };
    for (const auto &[order, key] : orders) {
        QList<std::tuple<double, qint64, qint64>> lows; // low key, low id, range
        QVERIFY(table.exec(u"SELECT low_key, low_id, range_id FROM simulation_key_ranges "
                           "WHERE order_key = '%1'"_s.arg(order)));
        while (table.next())
            lows << std::tuple {table.value(0).toDouble(), table.value(1).toLongLong(),
                                table.value(2).toLongLong()};
        std::sort(lows.begin(), lows.end());
        QVERIFY(lows.size() >= 2);
        QMap<std::tuple<qint64, qint64, QString>, qint64> held;
        QVERIFY(table.exec(u"SELECT %1, simulation_id, machine_id, status "
                           "FROM simulations WHERE status IN ('finished', 'failed', "
                           "'cancelled')"_s.arg(key)));
        while (table.next()) {
            const std::tuple<double, qint64, qint64> run {table.value(0).toDouble(),
                                                          table.value(1).toLongLong(),
                                                          std::numeric_limits<qint64>::max()};
            // The highest range whose low end is at or below the run, else the lowest.
            const auto above = std::upper_bound(lows.cbegin(), lows.cend(), run);
            const qint64 range = std::get<2>(above == lows.cbegin() ? *above : *(above - 1));
            ++held[{range, table.value(2).toLongLong(), table.value(3).toString()}];
        }
        QMap<std::tuple<qint64, qint64, QString>, qint64> counted;
        QVERIFY(
            table.exec(u"SELECT range_id, machine_id, status, SUM(runs) FROM "
                       "simulation_key_range_runs WHERE order_key = '%1' "
                       "GROUP BY range_id, machine_id, status HAVING SUM(runs) <> 0"_s.arg(order)));
        while (table.next())
            counted[{table.value(0).toLongLong(), table.value(1).toLongLong(),
                     table.value(2).toString()}]
                = table.value(3).toLongLong();
        QVERIFY2(counted == held, qPrintable(order));
    }
}

void TestListing::deepLossPagesArePlacedByTheRangesOfTheirKeys()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    constexpr qint64 kRuns = 36'000;
    QSqlQuery change(database.connection());
    // Losses that do not follow the ids, many shared (the rate's 101 values); runs without
    // them (a few failed at once, the queue); a few running with losses.
    const QString measured = u"i % 97 <> 1 AND i % 53 <> 0"_s;
    // Durations and progress that do not follow the ids either, many shared; a run that never
    // started (the queue) at 0 in both, a running one at its time so far, an ended one now and
    // then without its end written (its duration runs to its last update). Points of 3 to 9,
    // fractions a double does not hold.
    const QString started = u"i % 97 <> 1"_s;
    const QString ended = u"i % 97 <> 1 AND i % 89 <> 2"_s;
    QVERIFY2(fillInIdOrder(change, kRuns, u"CASE WHEN i % 5 = 0 THEN 2 ELSE 1 END"_s,
                           u"CASE WHEN i % 97 = 1 THEN 'pending' WHEN i % 89 = 2 THEN 'running' "
                           "WHEN i % 31 = 0 THEN 'cancelled' WHEN i % 7 = 0 THEN 'failed' "
                           "ELSE 'finished' END"_s,
                           u"CASE WHEN %1 THEN (i * 7919 % 10007) / 1000.0 END, "
                           "CASE WHEN %1 THEN (CAST(i AS BIGINT) * 104729 % 3001) / 100.0 END, "
                           "CASE WHEN %1 THEN -(i * 31 % 101) / 1000.0 END"_s.arg(measured),
                           u"CASE WHEN %1 THEN 1000 + i * 20 - i * 7 % 2003 END, "
                           "CASE WHEN %2 AND i % 211 <> 0 THEN 1000 + i * 20 - i % 13 END, "
                           "CASE WHEN %1 THEN i * 5 % (3 + i % 7) ELSE 0 END, 3 + i % 7"_s.arg(
                               started, ended),
                           u"CASE i % 11 WHEN 0 THEN 'converging' WHEN 1 THEN 'converging' "
                           "WHEN 2 THEN 'converging' WHEN 3 THEN 'stalled' WHEN 4 THEN 'stalled' "
                           "WHEN 5 THEN 'diverging' ELSE 'too_few_points' END"_s),
             qPrintable(change.lastError().text()));
    compareRangesWithTheTable(database);
    QVERIFY(SimulationKeyRanges::split(database).ok());
    compareRangesWithTheTable(database);
    SimulationRepository repository(database);
    struct Case
    {
        OrderBy orderBy;
        std::optional<qint64> machine;
        std::optional<SimulationStatus> status;
    };
    const QList<Case> cases {
        {OrderBy::FinalLoss, std::nullopt, std::nullopt},
        {OrderBy::FinalLoss, std::nullopt, SimulationStatus::Finished},
        {OrderBy::BestLoss, 1, std::nullopt},
        {OrderBy::Rate, std::nullopt, std::nullopt},
        {OrderBy::Rate, 1, SimulationStatus::Finished},
        {OrderBy::Duration, std::nullopt, std::nullopt},
        {OrderBy::Duration, 1, SimulationStatus::Finished},
        {OrderBy::Progress, std::nullopt, std::nullopt},
        {OrderBy::Progress, 1, std::nullopt},
        {OrderBy::Verdict, std::nullopt, std::nullopt},
        {OrderBy::Verdict, 1, SimulationStatus::Finished},
    };
    const QMap<OrderBy, QString> orderKeys {
        {OrderBy::FinalLoss, u"final_loss"_s}, {OrderBy::BestLoss, u"best_loss"_s},
        {OrderBy::Rate, u"loss_rate"_s},       {OrderBy::Duration, u"duration"_s},
        {OrderBy::Progress, u"progress"_s},    {OrderBy::Verdict, u"verdict"_s},
    };
    const auto queryOf = [](const Case &each, bool descending) {
        SimulationQuery query;
        query.orderBy = each.orderBy;
        query.descending = descending;
        query.machineId = each.machine;
        query.status = each.status;
        return query;
    };
    const auto comparePages = [&](const QString &when) {
        QSqlQuery lows(database.connection());
        for (const Case &each : cases) {
            const QString order = orderKeys.value(each.orderBy);
            QSet<qint64> lowIds;
            QVERIFY(lows.exec(u"SELECT low_id FROM simulation_key_ranges WHERE order_key = "
                              "'%1'"_s.arg(order)));
            while (lows.next())
                lowIds << lows.value(0).toLongLong();
            for (const bool descending : {false, true}) {
                SimulationQuery query = queryOf(each, descending);
                QVERIFY(SimulationKeyRanges::places(query));
                const QList<qint64> all = idsOf(repository.list(query).value());
                const qint64 rows = all.size();
                QVERIFY(rows > 2 * SimulationLister::kBlocksPlace);
                // Deep among the runs without statistics, which sort last, once the queue
                // holds more than the nearer end's walk reads.
                QList<qint64> offsets {SimulationLister::kDeepOffset,
                                       rows / 3,
                                       rows / 2,
                                       rows - 11'000,
                                       rows - 1,
                                       rows,
                                       rows + 5};
                // Around the low end of each range.
                for (qsizetype i = 0; i < all.size(); ++i) {
                    if (lowIds.contains(all.at(i))) {
                        for (const qint64 near : {i - 1, i, i + 1, i + 2})
                            offsets << std::max<qint64>(0, near);
                    }
                }
                comparePagesAt(repository, query, all, offsets,
                               u"%1: order %2 %3, machine %4, status %5"_s
                                   .arg(when, SimulationQuery::orderByName(each.orderBy),
                                        descending ? u"desc"_s : u"asc"_s)
                                   .arg(each.machine.value_or(0))
                                   .arg(each.status ? statusName(*each.status) : u"any"_s));
            }
        }
    };
    comparePages(u"as filled"_s);
    // A page in the middle and a run's position, placed by the counts of the ranges before it:
    // a run counted in the lowest range rather than in the highest (for the losses, the range
    // of runs without statistics; the same total, which the ranges check against the counters)
    // moves both.
    for (const qsizetype each : {0, 4, 5, 7, 9}) {
        SimulationQuery deep = queryOf(cases.at(each), false);
        deep.limit = 5;
        deep.offset = repository.count(deep).value() / 2;
        const QString order = orderKeys.value(cases.at(each).orderBy);
        QVERIFY(change.exec(
            u"SELECT r.range_id FROM simulation_key_ranges AS r JOIN simulation_key_range_runs "
            "AS c ON c.order_key = r.order_key AND c.range_id = r.range_id WHERE r.order_key = "
            "'%1' AND c.machine_id = 1 AND c.status = 'finished' AND c.runs > 0 "
            "ORDER BY r.low_key DESC, r.low_id DESC LIMIT 1"_s.arg(order)));
        QVERIFY(change.next());
        const qint64 highest = change.value(0).toLongLong();
        QVERIFY(highest != 0);
        const QString lowest
            = u"UPDATE simulation_key_range_runs SET runs = runs + (CASE range_id WHEN 0 THEN %1 "
              "ELSE -%1 END) WHERE machine_id = 1 AND status = 'finished' AND order_key = '%2' "
              "AND range_id IN (0, %3)"_s;
        compareMovedByACount(repository, change, deep, lowest.arg(u"1"_s, order).arg(highest),
                             lowest.arg(u"(-1)"_s, order).arg(highest), 2);
    }
    // Running runs that end (in one statement, and one by one), ended runs taken back, moved,
    // deleted, given their statistics again, renumbered; runs added ended.
    QVERIFY(change.exec(u"UPDATE simulations SET status = 'finished' WHERE status = 'running' "
                        "AND simulation_id < 20000"_s));
    for (const qint64 id : {20'028, 20'117, 20'206}) {
        QVERIFY(change.exec(
            u"UPDATE simulations SET status = 'failed' WHERE simulation_id = %1"_s.arg(id)));
        QCOMPARE(change.numRowsAffected(), 1);
    }
    QVERIFY(change.exec(u"UPDATE simulations SET status = 'pending', final_loss = NULL, "
                        "best_loss = NULL, loss_rate = NULL WHERE simulation_id BETWEEN 3000 "
                        "AND 3100 AND status = 'finished'"_s));
    // Moved one by one to a third machine, then back by the machine's move (one statement on
    // PostgreSQL, which counts the ranges itself).
    MachineRepository machines(database);
    QVERIFY(machines.create(3, u"C"_s).ok());
    QVERIFY(change.exec(u"UPDATE simulations SET machine_id = 3 WHERE simulation_id BETWEEN 6000 "
                        "AND 8000 AND status <> 'running'"_s));
    QCOMPARE(machines.moveSimulations(3, 2).value(), int(change.numRowsAffected()));
    QVERIFY(change.exec(u"DELETE FROM simulations WHERE simulation_id BETWEEN 10000 AND 11000 "
                        "OR simulation_id % 1009 = 5"_s));
    QVERIFY(change.exec(u"UPDATE simulations SET final_loss = final_loss + 5, best_loss = "
                        "best_loss / 2 WHERE simulation_id BETWEEN 12000 AND 12500"_s));
    // A later update moves the duration of a run that ended without its end written alone;
    // points written again move the progress, and statistics measured again the verdict.
    QVERIFY(change.exec(u"UPDATE simulations SET update_date = update_date + 7 "
                        "WHERE simulation_id BETWEEN 14000 AND 14600"_s));
    QVERIFY(change.exec(u"UPDATE simulations SET points_done = points_done + 1, points_total = "
                        "points_total + 2 WHERE simulation_id BETWEEN 15000 AND 15300"_s));
    QVERIFY(change.exec(u"UPDATE simulations SET verdict = CASE verdict WHEN 'stalled' THEN "
                        "'diverging' ELSE 'stalled' END WHERE simulation_id BETWEEN 16000 AND "
                        "16400"_s));
    QVERIFY(change.exec(u"UPDATE simulations SET simulation_id = simulation_id + 100000 "
                        "WHERE simulation_id > %1"_s.arg(kRuns - 300)));
    // Enough runs at one final loss to overfill its range, which a split then divides.
    QVERIFY(change.exec(
        u"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9000) "
        "INSERT INTO simulations (simulation_id, name, name_folded, name_key, machine_id, "
        "status, creation_date, update_date, points_total, final_loss, best_loss, loss_rate) "
        "SELECT 200000 + i, 'more-' || CAST(i AS TEXT), 'more-' || CAST(i AS TEXT), "
        "'more-' || CAST(i AS TEXT), 1 + i % 2, 'finished', 100000 + i, 100000 + i, 10, "
        "4.5, 1.25 + i / 100000.0, -0.05 FROM n"_s));
    // A long queue: runs without statistics, uncounted, among more ended ones without them than
    // a range holds.
    QVERIFY(change.exec(
        u"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 21000) "
        "INSERT INTO simulations (simulation_id, name, name_folded, name_key, machine_id, "
        "status, creation_date, update_date, points_total) "
        "SELECT 300000 + i, 'queued-' || CAST(i AS TEXT), 'queued-' || CAST(i AS TEXT), "
        "'queued-' || CAST(i AS TEXT), 1, CASE WHEN i % 3 = 0 THEN 'pending' ELSE 'cancelled' "
        "END, 200000 + i, 200000 + i, 10 FROM n"_s));
    compareRangesWithTheTable(database);
    comparePages(u"changed"_s);
    QVERIFY(change.exec(u"SELECT MAX(runs) FROM (SELECT SUM(runs) AS runs FROM "
                        "simulation_key_range_runs GROUP BY order_key, range_id) AS ranges"_s));
    QVERIFY(change.next());
    QVERIFY(change.value(0).toLongLong() > 2 * SimulationKeyRanges::kRuns);
    QVERIFY(SimulationKeyRanges::split(database).ok());
    compareRangesWithTheTable(database);
    QVERIFY(change.exec(u"SELECT MAX(runs) FROM (SELECT SUM(runs) AS runs FROM "
                        "simulation_key_range_runs GROUP BY order_key, range_id) AS ranges"_s));
    QVERIFY(change.next());
    QVERIFY(change.value(0).toLongLong() <= 2 * SimulationKeyRanges::kRuns);
    comparePages(u"split"_s);
}

void TestListing::rangesCountTheRunsEndedBeforeTheirMigration()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    // A database of migration 028's time, its runs ended before the duration, progress and
    // verdict orders had ranges.
    QVERIFY(Migrator(database.connection(), database.isPostgreSql()).migrate(28).ok());
    MachineRepository machines(database);
    QVERIFY(machines.create(1, u"A"_s).ok() && machines.create(2, u"B"_s).ok());
    QSqlQuery change(database.connection());
    constexpr qint64 kRuns = 24'000;
    QVERIFY2(fillInIdOrder(change, kRuns, u"1 + i % 2"_s,
                           u"CASE WHEN i % 41 = 1 THEN 'pending' WHEN i % 43 = 2 THEN 'running' "
                           "WHEN i % 9 = 0 THEN 'failed' ELSE 'finished' END"_s,
                           u"NULL, NULL, NULL"_s,
                           u"CASE WHEN i % 41 <> 1 THEN 1000 + i * 20 - i * 13 % 997 END, "
                           "CASE WHEN i % 41 <> 1 AND i % 43 <> 2 THEN 1000 + i * 20 END, "
                           "CASE WHEN i % 41 <> 1 THEN i * 3 % (2 + i % 5) ELSE 0 END, "
                           "2 + i % 5"_s,
                           u"CASE i % 7 WHEN 0 THEN 'stalled' WHEN 1 THEN 'diverging' "
                           "WHEN 2 THEN 'too_few_points' ELSE 'converging' END"_s),
             qPrintable(change.lastError().text()));
    QVERIFY(database.migrate().ok());
    compareRangesWithTheTable(database);
    QVERIFY(SimulationKeyRanges::split(database).ok());
    compareRangesWithTheTable(database);
    QVERIFY(change.exec(u"SELECT COUNT(*) FROM simulation_key_ranges WHERE order_key IN "
                        "('duration', 'progress', 'verdict')"_s));
    QVERIFY(change.next());
    QVERIFY(change.value(0).toLongLong() > 6); // split beyond the two each began with
    SimulationRepository repository(database);
    for (const OrderBy orderBy : {OrderBy::Duration, OrderBy::Progress, OrderBy::Verdict}) {
        for (const bool descending : {false, true}) {
            SimulationQuery query;
            query.orderBy = orderBy;
            query.descending = descending;
            QVERIFY(SimulationKeyRanges::places(query));
            const QList<qint64> all = idsOf(repository.list(query).value());
            const qint64 rows = all.size();
            QCOMPARE(rows, kRuns);
            comparePagesAt(repository, query, all,
                           {rows / 3, rows / 2, 2 * rows / 3, rows - SimulationLister::kDeepOffset},
                           u"order %1 %2"_s.arg(SimulationQuery::orderByName(orderBy),
                                                descending ? u"desc"_s : u"asc"_s));
        }
    }
}

void TestListing::compareBlocksWithTheTable(Database &database)
{
    QSqlQuery table(database.connection());
    QVERIFY(table.exec(u"SELECT simulation_id / %1, COUNT(*), MIN(creation_date), "
                       "MAX(creation_date) FROM simulations GROUP BY simulation_id / %1 "
                       "ORDER BY 1"_s.arg(SimulationBlocks::kIds)));
    QList<QList<qint64>> held;
    while (table.next())
        held << QList<qint64> {table.value(0).toLongLong(), table.value(1).toLongLong(),
                               table.value(2).toLongLong(), table.value(3).toLongLong()};
    QVERIFY(table.exec(u"SELECT block, SUM(runs), MIN(first_created), MAX(last_created) FROM "
                       "simulation_blocks GROUP BY block HAVING SUM(runs) <> 0 ORDER BY 1"_s));
    QList<QList<qint64>> counted;
    while (table.next())
        counted << QList<qint64> {table.value(0).toLongLong(), table.value(1).toLongLong(),
                                  table.value(2).toLongLong(), table.value(3).toLongLong()};
    QCOMPARE(counted.size(), held.size());
    for (qsizetype i = 0; i < held.size(); ++i) {
        QCOMPARE(counted.at(i).at(0), held.at(i).at(0));
        QCOMPARE(counted.at(i).at(1), held.at(i).at(1));
        // The span of a block's creation dates covers every run it holds.
        QVERIFY(counted.at(i).at(2) <= held.at(i).at(2));
        QVERIFY(counted.at(i).at(3) >= held.at(i).at(3));
    }
    // The runs of each machine and status in each block (migration 027).
    const auto rowsOf = [&table](const QString &statement) {
        QList<QList<QVariant>> rows;
        if (!table.exec(statement))
            return rows;
        while (table.next())
            rows << QList<QVariant> {table.value(0).toLongLong(), table.value(1).toString(),
                                     table.value(2).toLongLong(), table.value(3).toLongLong()};
        return rows;
    };
    const auto heldByKey
        = rowsOf(u"SELECT machine_id, status, simulation_id / %1, COUNT(*) FROM simulations "
                 "GROUP BY machine_id, status, simulation_id / %1 ORDER BY 1, 2, 3"_s.arg(
                     SimulationBlocks::kIds));
    QVERIFY(!heldByKey.isEmpty() || !table.lastError().isValid());
    QCOMPARE(rowsOf(u"SELECT machine_id, status, block, SUM(runs) FROM simulation_block_runs "
                    "GROUP BY machine_id, status, block HAVING SUM(runs) <> 0 ORDER BY 1, 2, 3"_s),
             heldByKey);
    // Every three characters of every name are known to be in its block (migration 020), or
    // the block counts names whose characters are still to gather (migration 031).
    QVERIFY(
        table.exec(u"WITH RECURSIVE position (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM position "
                   "WHERE i < (SELECT MAX(length(name_folded)) FROM simulations) - 2) "
                   "SELECT COUNT(*) FROM (SELECT DISTINCT substr(name_folded, i, 3) AS gram, "
                   "simulation_id / %1 AS block FROM simulations JOIN position "
                   "ON i <= length(name_folded) - 2) AS held WHERE NOT EXISTS (SELECT 1 FROM "
                   "simulation_block_grams AS known WHERE known.gram = held.gram AND known.block = "
                   "held.block) AND NOT EXISTS (SELECT 1 FROM simulation_blocks AS pending "
                   "WHERE pending.block = held.block AND pending.grams_pending > 0)"_s.arg(
                       SimulationBlocks::kIds)));
    QVERIFY(table.next());
    QCOMPARE(table.value(0).toLongLong(), 0);
    // In a block with nothing left to gather, each three characters count the names that hold
    // them, and no others are kept with a count (migration 033).
    QVERIFY2(
        table.exec(
            u"WITH RECURSIVE position (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM position "
            "WHERE i < (SELECT MAX(length(name_folded)) FROM simulations) - 2), "
            "held AS (SELECT gram, block, COUNT(*) AS names FROM (SELECT DISTINCT "
            "simulation_id, substr(name_folded, i, 3) AS gram, simulation_id / %1 AS block "
            "FROM simulations JOIN position ON i <= length(name_folded) - 2) AS named "
            "GROUP BY gram, block), "
            "kept AS (SELECT gram, block, SUM(names) AS names FROM simulation_block_grams "
            "GROUP BY gram, block), "
            "gathered AS (SELECT block FROM simulation_blocks GROUP BY block "
            "HAVING SUM(grams_pending) = 0) "
            "SELECT COUNT(*) FROM (SELECT COALESCE(held.block, kept.block) AS block, "
            "COALESCE(held.names, 0) AS live, COALESCE(kept.names, -1) AS counted FROM held "
            "FULL JOIN kept ON kept.gram = held.gram AND kept.block = held.block) AS compared "
            "JOIN gathered USING (block) WHERE live <> counted AND (live > 0 OR counted > 0)"_s.arg(
                SimulationBlocks::kIds)),
        qPrintable(table.lastError().text()));
    QVERIFY(table.next());
    QCOMPARE(table.value(0).toLongLong(), 0);
    // Every run's name sort key is within its block's span of names (migration 021).
    QVERIFY(table.exec(u"SELECT COUNT(*) FROM simulations JOIN (SELECT block, "
                       "MIN(first_name_key) AS first_name_key, MAX(last_name_key) AS "
                       "last_name_key FROM simulation_blocks GROUP BY block) AS spans "
                       "ON spans.block = simulation_id / %1 WHERE spans.first_name_key IS NULL "
                       "OR name_key < spans.first_name_key OR name_key > spans.last_name_key"_s.arg(
                           SimulationBlocks::kIds)));
    QVERIFY(table.next());
    QCOMPARE(table.value(0).toLongLong(), 0);
    // Every run's update date is within its block's span (migration 024).
    QVERIFY(table.exec(u"SELECT COUNT(*) FROM simulations JOIN (SELECT block, "
                       "MIN(first_updated) AS first_updated, MAX(last_updated) AS last_updated "
                       "FROM simulation_blocks GROUP BY block) AS spans "
                       "ON spans.block = simulation_id / %1 WHERE spans.first_updated IS NULL "
                       "OR spans.last_updated IS NULL OR update_date < spans.first_updated "
                       "OR update_date > spans.last_updated"_s.arg(SimulationBlocks::kIds)));
    QVERIFY(table.next());
    QCOMPARE(table.value(0).toLongLong(), 0);
}

void TestListing::compareCountersWithTheTable(Database &database)
{
    compareBlocksWithTheTable(database);
    SimulationCounter counter(database);
    QSqlQuery table(database.connection());
    QList<std::optional<qint64>> machines {std::nullopt};
    QVERIFY(table.exec(u"SELECT machine_id FROM machines"_s));
    while (table.next())
        machines << table.value(0).toLongLong();
    QList<std::optional<SimulationStatus>> statuses {std::nullopt};
    for (const QString &name : allStatusNames())
        statuses << statusFromString(name);
    for (const auto &machine : std::as_const(machines)) {
        for (const auto &status : std::as_const(statuses)) {
            SimulationQuery query;
            query.machineId = machine;
            query.status = status;
            QVariantList values;
            const QString where
                = SimulationListQuery(query, database.isPostgreSql()).where(&values);
            QVERIFY(table.prepare(u"SELECT COUNT(*) FROM simulations"_s + where));
            for (const QVariant &value : values)
                table.addBindValue(value);
            QVERIFY(table.exec() && table.next());
            const auto counted = counter.count(query, true);
            QVERIFY(counted.ok());
            QVERIFY(counted->exact);
            QCOMPARE(counted->runs, table.value(0).toLongLong());
        }
    }
    // The totals of /metrics, against the sums they replace.
    QVERIFY(table.exec(
        u"SELECT COALESCE(SUM(CASE WHEN attempts > 1 THEN attempts - 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN error IS NULL THEN 0 WHEN status IN ('failed', 'pending') "
        "THEN attempts WHEN attempts > 1 THEN attempts - 1 ELSE 0 END), 0) FROM simulations"_s));
    QVERIFY(table.next());
    const auto totals = StatisticsRepository(database).runTotals();
    QVERIFY(totals.ok());
    QCOMPARE(totals->retries, table.value(0).toLongLong());
    QCOMPARE(totals->failedAttempts, table.value(1).toLongLong());
}

void TestListing::countersEqualCountAfterEveryChange()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    MachineRepository machines(database);
    SimulationRepository repository(database);
    compareCountersWithTheTable(database);
    for (int i = 0; i < 6; ++i) {
        QVERIFY(repository.create(run(u"run %1"_s.arg(i), 1 + i % 2)).ok());
        compareCountersWithTheTable(database);
    }
    const auto first = repository.claimNextPending(u"w"_s, {}, 60000);
    QVERIFY(first.ok() && first.value());
    compareCountersWithTheTable(database);
    QVERIFY(repository.recordPoint(first.value()->id, u"w"_s, {10, 0.5}, 1, 60000).value());
    QVERIFY(repository.finish(first.value()->id, u"w"_s).value());
    compareCountersWithTheTable(database);
    const auto second = repository.claimNextPending(u"w"_s, {2}, 60000);
    QVERIFY(second.ok() && second.value());
    QVERIFY(repository.failAttempt(second.value()->id, u"w"_s, u"boom"_s, 0).ok()); // retried
    compareCountersWithTheTable(database);
    QVERIFY(repository.claimNextPending(u"w"_s, {2}, 60000).ok()); // its second attempt
    compareCountersWithTheTable(database);
    QVERIFY(repository.release(second.value()->id, u"w"_s).ok());
    compareCountersWithTheTable(database);
    // One claim of several runs of both machines, the retried one among them, and back.
    const auto several = RunLedger(database).claimPending(u"w"_s, {1, 2}, 60000, 3);
    QVERIFY(several.ok());
    QCOMPARE(several->size(), 3);
    compareCountersWithTheTable(database);
    for (const Simulation &claimed : several.value())
        QVERIFY(repository.release(claimed.id, u"w"_s).ok());
    compareCountersWithTheTable(database);
    QVERIFY(repository.claimNextPending(u"w"_s, {2}, -1).ok()); // its lease is over at once
    QVERIFY(repository.requeueExpiredLeases().ok());
    compareCountersWithTheTable(database);
    QVERIFY(repository.cancel(3).ok());
    compareCountersWithTheTable(database);
    QVERIFY(repository.retry(3).ok());
    compareCountersWithTheTable(database);
    QVERIFY(repository.rename(4, u"renamed"_s).ok());
    compareCountersWithTheTable(database);
    QVERIFY(repository.remove(5).ok());
    compareCountersWithTheTable(database);
    // A machine with a run comes and goes.
    QVERIFY(machines.create(3, u"C"_s).ok());
    const auto onC = repository.create(run(u"on C"_s, 3));
    QVERIFY(onC.ok());
    compareCountersWithTheTable(database);
    QVERIFY(!machines.remove(3).ok()); // refused while the run is there: nothing changes
    compareCountersWithTheTable(database);
    QVERIFY(repository.remove(onC->id).ok());
    QVERIFY(machines.remove(3).ok());
    compareCountersWithTheTable(database);
    // A machine's runs, of several statuses and with retries, moved to another one at once.
    QVERIFY(machines.create(4, u"D"_s).ok());
    QVERIFY(machines.create(5, u"E"_s).ok());
    QList<qint64> onD;
    for (int i = 0; i < 4; ++i) {
        const auto created = repository.create(run(u"on D %1"_s.arg(i), 4));
        QVERIFY(created.ok());
        onD << created->id;
    }
    QVERIFY(repository.create(run(u"on E"_s, 5)).ok());
    QSqlQuery byHand(database.connection());
    QVERIFY(byHand.exec(u"UPDATE simulations SET status = 'failed', attempts = 3, error = 'x' "
                        "WHERE simulation_id = %1"_s.arg(onD.at(0))));
    QVERIFY(byHand.exec(u"UPDATE simulations SET status = 'finished', attempts = 2 "
                        "WHERE simulation_id = %1"_s.arg(onD.at(1))));
    compareCountersWithTheTable(database);
    const Result<int> moved = machines.moveSimulations(4, 5);
    QVERIFY(moved.ok());
    QCOMPARE(moved.value(), 4);
    compareCountersWithTheTable(database);
    QVERIFY(byHand.exec(u"DELETE FROM simulations WHERE machine_id = 5"_s));
    QVERIFY(machines.remove(4).ok());
    QVERIFY(machines.remove(5).ok());
    compareCountersWithTheTable(database);
    // A run moved to another machine by hand, and many runs changed by one statement.
    QSqlQuery query(database.connection());
    QVERIFY(query.exec(u"UPDATE simulations SET machine_id = 2 WHERE simulation_id = 6"_s));
    QVERIFY(query.exec(u"UPDATE simulations SET status = 'failed', attempts = 2, "
                       "error = 'x' WHERE status = 'pending'"_s));
    compareCountersWithTheTable(database);
    // Many runs created by one statement over both machines, as a batch of POSTs is written;
    // then a copy of every run, with their statuses, retries and errors, by one statement; then
    // the copies deleted by one statement.
    QList<NewSimulation> batch;
    for (int i = 0; i < 5; ++i)
        batch << run(u"batch %1"_s.arg(i), 1 + i % 2);
    QVERIFY(repository.create(batch).ok());
    compareCountersWithTheTable(database);
    QVERIFY(query.exec(u"INSERT INTO simulations (simulation_id, name, machine_id, status, "
                       "creation_date, update_date, max_attempts, parameters, points_total, "
                       "attempts, error, name_folded, name_key) SELECT simulation_id + 5000, "
                       "name, machine_id, status, creation_date, update_date, max_attempts, "
                       "parameters, points_total, attempts, error, name_folded, name_key "
                       "FROM simulations"_s));
    compareCountersWithTheTable(database);
    // The copies given other ids and creation dates, into a block of their own.
    QVERIFY(query.exec(u"UPDATE simulations SET simulation_id = simulation_id + 9000, "
                       "creation_date = creation_date - 1 WHERE simulation_id > 5002"_s));
    compareCountersWithTheTable(database);
    QVERIFY(SimulationBlocks::tidy(database).ok());
    compareCountersWithTheTable(database);
    QVERIFY(query.exec(u"DELETE FROM simulations WHERE simulation_id > 5000"_s));
    compareCountersWithTheTable(database);
    QVERIFY(query.exec(u"DELETE FROM simulations WHERE machine_id = 1"_s));
    compareCountersWithTheTable(database);
}

void TestListing::countersStayExactUnderConcurrentWriters()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    {
        // Two connections, one step at a time: P's pending runs end up holding none of their
        // runs but one failed attempt, a share that must not be lost.
        ConnectionThread p;
        ConnectionThread q;
        SimulationRepository repository(database);
        bool ok = true;
        p.run([&] {
            const auto created = repository.create(run(u"x"_s, 1));
            const auto claimed = repository.claimNextPending(u"p"_s, {}, 60000);
            ok = created.ok() && claimed.ok() && claimed.value()
                && repository.failAttempt(created->id, u"p"_s, u"boom"_s, 0).ok();
        });
        QVERIFY(ok);
        q.run([&] {
            const auto claimed = repository.claimNextPending(u"q"_s, {}, 60000);
            ok = claimed.ok() && claimed.value() && repository.create(run(u"z"_s, 1)).ok();
        });
        QVERIFY(ok);
        p.run([&] {
            const auto claimed = repository.claimNextPending(u"p"_s, {}, 60000);
            ok = claimed.ok() && claimed.value() && claimed.value()->name == u"z"_s;
        });
        QVERIFY(ok);
        compareCountersWithTheTable(database);
    }
    // Writers on connections of their own create runs and take each other's through their
    // lifecycle at once: a run counted by one connection leaves the count from another.
    constexpr int kWriters = 4;
    constexpr int kRounds = 40;
    QStringList failures[kWriters];
    std::vector<std::unique_ptr<QThread>> writers;
    for (int w = 0; w < kWriters; ++w) {
        writers.emplace_back(QThread::create([&database, &failures, w] {
            SimulationRepository repository(database);
            const QString worker = u"w%1"_s.arg(w);
            for (int i = 0; i < kRounds; ++i) {
                if (!repository.create(run(u"run %1.%2"_s.arg(w).arg(i), 1 + i % 2)).ok()) {
                    failures[w] << u"create"_s;
                    continue;
                }
                const auto claimed = repository.claimNextPending(worker, {}, 60000);
                if (!claimed.ok()) {
                    failures[w] << u"claim: "_s + claimed.error().message;
                    continue;
                }
                if (!claimed.value())
                    continue;
                const qint64 id = claimed.value()->id;
                bool done = true;
                switch (i % 4) {
                case 0:
                    done = repository.finish(id, worker).ok();
                    break;
                case 1: // pending again, with a retry counted
                    done = repository.failAttempt(id, worker, u"boom"_s, 0).ok();
                    break;
                case 2: // cancelled, then deleted
                    done = repository.cancel(id).ok() && repository.remove(id).ok();
                    break;
                default: // left running
                    break;
                }
                if (!done)
                    failures[w] << u"change of run %1"_s.arg(id);
            }
        }));
        writers.back()->start();
    }
    for (const auto &writer : writers)
        QVERIFY(writer->wait(120000));
    for (const QStringList &failed : failures)
        QVERIFY2(failed.isEmpty(), qPrintable(failed.join(u", "_s)));
    compareCountersWithTheTable(database);
    if (database.isPostgreSql()) {
        // The writers' changes went to more than one shard of the counters.
        QSqlQuery shards(database.connection());
        QVERIFY(shards.exec(u"SELECT COUNT(DISTINCT shard) FROM simulation_counts"_s));
        QVERIFY(shards.next());
        QVERIFY2(shards.value(0).toInt() > 1, qPrintable(shards.value(0).toString()));
    }
}

void TestListing::nameSearchFindsWhatAScanFinds()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(migrateWithMachine(database));
    SimulationRepository repository(database);
    const QStringList pieces {
        u"über"_s, u"ÜBER"_s, u"straße"_s, u"STRASSE"_s, u"Ωmega"_s, u"модель"_s, u"МОД"_s,
        u"run"_s,  u"Run-"_s, u"42"_s,     u"4"_s,       u"%"_s,     u"_"_s,      u"\""_s,
        u"'"_s,    u" "_s,    u"\\"_s,     u"ab"_s,      u"AbC"_s,   u"日本"_s,   u"?"_s};
    QRandomGenerator random(42);
    QHash<qint64, QString> names;
    for (int i = 0; i < 300; ++i) {
        QString name;
        const int parts = 1 + random.bounded(4);
        for (int p = 0; p < parts; ++p)
            name += pieces.at(random.bounded(pieces.size()));
        const auto created = repository.create(run(name, 1));
        QVERIFY(created.ok());
        names.insert(created->id, name);
    }
    // Renames and deletes keep the index in step.
    const auto renameAndDelete = [&](int changes) {
        for (int i = 0; i < changes; ++i) {
            const qint64 id = names.keys().at(random.bounded(names.size()));
            if (i % 2) {
                QVERIFY(repository.remove(id).ok());
                names.remove(id);
            } else {
                const QString name = pieces.at(random.bounded(pieces.size())) + u"renamed"_s;
                QVERIFY(repository.rename(id, name).ok());
                names.insert(id, name);
            }
        }
    };
    renameAndDelete(40);
    if (QTest::currentTestFailed())
        return;
    QStringList needles {u"über"_s,  u"STRASSE"_s, u"straße"_s, u"ωMEGA"_s, u"Модель"_s,
                         u"%"_s,     u"_"_s,       u"\""_s,     u"\\"_s,    u"42"_s,
                         u"run-4"_s, u"renamed"_s, u"日本"_s,   u"x"_s,     u"abcab"_s,
                         u"?"_s,     u"'?"_s,      u"?\\"_s,    u"%_\\"_s,  u"4%_"_s};
    // Three characters of stored names PostgreSQL's trigram index takes no trigram of
    // (NameSearch::trigramIndexServes).
    QList<qint64> ids = names.keys();
    std::sort(ids.begin(), ids.end());
    for (qsizetype i = 0; i < ids.size() && needles.size() < 30; ++i) {
        const QString &name = names.value(ids.at(i));
        for (qsizetype at = 0; at + 3 <= name.size(); ++at) {
            const QString three = name.mid(at, 3);
            if (!NameSearch(database, three).trigramIndexServes() && !needles.contains(three))
                needles << three;
        }
    }
    for (int i = 0; i < 60; ++i) { // pieces of stored names, in another case
        const QString name = names.values().at(random.bounded(names.size()));
        const int length = 1 + random.bounded(std::min<int>(6, name.size()));
        const int start = random.bounded(name.size() - length + 1);
        const QString piece = name.mid(start, length);
        needles << (i % 2 ? piece.toUpper() : piece);
    }
    const auto searchEveryNeedle = [&] {
        for (const QString &needle : std::as_const(needles)) {
            QList<qint64> expected;
            for (auto it = names.cbegin(); it != names.cend(); ++it) {
                if (it.value().toCaseFolded().contains(needle.toCaseFolded()))
                    expected << it.key();
            }
            std::sort(expected.begin(), expected.end());
            SimulationQuery query;
            query.orderBy = OrderBy::Id;
            query.nameContains = needle;
            const auto found = repository.list(query);
            QVERIFY(found.ok());
            QVERIFY2(idsOf(found.value()) == expected, qPrintable(needle));
            // Newest first in creation order, whole and a first page: on PostgreSQL a short or
            // common text walks the order's index, which holds the names.
            SimulationQuery newest;
            newest.descending = true;
            QList<qint64> expectedNewest;
            for (const qint64 id : idsOf(repository.list(newest).value())) {
                if (std::binary_search(expected.cbegin(), expected.cend(), id))
                    expectedNewest << id;
            }
            newest.nameContains = needle;
            QVERIFY2(idsOf(repository.list(newest).value()) == expectedNewest, qPrintable(needle));
            newest.limit = 5;
            QVERIFY2(idsOf(repository.list(newest).value()) == expectedNewest.mid(0, 5),
                     qPrintable(needle));
            const auto counted = SimulationCounter(database).count(query, false);
            QVERIFY(counted.ok() && counted->exact);
            QCOMPARE(counted->runs, expected.size());
            // The API's count: exact through the index (a text of three characters or more that
            // few runs contain), flagged as an estimate otherwise.
            const auto fast = SimulationCounter(database).count(query, true);
            QVERIFY(fast.ok());
            QCOMPARE(fast->exact, needle.toCaseFolded().size() >= 3);
            if (fast->exact)
                QCOMPARE(fast->runs, expected.size());
        }
    };
    searchEveryNeedle();
    // The same after the index is tidied, and after changes to the tidied index.
    for (int i = 0; i < 20 && !QTest::currentTestFailed(); ++i)
        QVERIFY(NameSearch::tidyIndex(database).ok());
    if (!QTest::currentTestFailed())
        searchEveryNeedle();
    if (!QTest::currentTestFailed())
        renameAndDelete(20);
    if (!QTest::currentTestFailed())
        searchEveryNeedle();
    if (database.isPostgreSql()) { // the index these searches could use is there
        QSqlQuery query(database.connection());
        QVERIFY(query.exec(u"SELECT 1 FROM pg_indexes WHERE indexname = "
                           "'simulations_name_trgm_idx'"_s));
        QVERIFY(query.next());
    }
}

void TestListing::aCommonNameIsCountedAsAnEstimate()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(migrateWithMachine(database));
    SimulationRepository repository(database);
    QVERIFY(repository.create(run(u"odd one"_s, 1)).ok());
    QSqlQuery query(database.connection());
    // More runs named alike than the index answers for, written by one statement.
    const qint64 runs = NameSearch::kIndexedMatches + 500;
    QVERIFY2(query.exec(u"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE "
                        "i < %1) INSERT INTO simulations (simulation_id, name, name_folded, "
                        "name_key, machine_id, status, creation_date, update_date) "
                        "SELECT 10 + i, 'Bulk ' || i, 'bulk ' || i, 'bulk ' || i, 1, 'finished', "
                        "i, i FROM n"_s.arg(runs)),
             qPrintable(query.lastError().text()));
    SimulationQuery search;
    search.nameContains = u"BULK"_s;
    const auto estimate = SimulationCounter(database).count(search, true);
    QVERIFY(estimate.ok());
    QVERIFY(!estimate->exact);
    // Every run of the sample matches: all of them, as far as the estimate can tell.
    QCOMPARE(estimate->runs, runs + 1);
    const auto exact = SimulationCounter(database).count(search, false);
    QVERIFY(exact.ok() && exact->exact);
    QCOMPARE(exact->runs, runs);
    search.limit = 5;
    search.orderBy = OrderBy::Name;
    QStringList names;
    for (const Simulation &simulation : repository.list(search).value())
        names << simulation.name;
    QCOMPARE(names,
             (QStringList {u"Bulk 1"_s, u"Bulk 10"_s, u"Bulk 100"_s, u"Bulk 1000"_s,
                           u"Bulk 10000"_s})); // keys written by hand, not natural
    search.nameContains = u"odd"_s;
    const auto rare = SimulationCounter(database).count(search, true);
    QVERIFY(rare.ok() && rare->exact);
    QCOMPARE(rare->runs, 1);
}

// Adds runs first … first + count - 1 named "<prefix> <i>", in one statement.
static bool addNamedRuns(QSqlQuery &query, const QString &prefix, int first, int count)
{
    const QString folded = prefix.toCaseFolded();
    const bool added = query.exec(
        u"WITH RECURSIVE n(i) AS (SELECT %1 UNION ALL SELECT i + 1 FROM n WHERE i < %2) "
        "INSERT INTO simulations (simulation_id, name, name_folded, name_key, machine_id, status, "
        "creation_date, update_date) SELECT i, '%3 ' || i, '%4 ' || i, '%4 ' || i, 1, "
        "'finished', i, i FROM n"_s.arg(first)
            .arg(first + count - 1)
            .arg(prefix, folded));
    if (!added)
        qWarning() << query.lastError().text();
    return added;
}

void TestListing::theIndexAnswersForRareNamesAndOnceAQuery()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(migrateWithMachine(database));
    QSqlQuery query(database.connection());
    // 1,000 runs: a name that 100 of them bear, one that 400 bear.
    QVERIFY(addNamedRuns(query, u"Rare"_s, 1, 100));
    QVERIFY(addNamedRuns(query, u"Some"_s, 101, 400));
    QVERIFY(addNamedRuns(query, u"Other"_s, 501, 500));
    if (database.isPostgreSql())
        QVERIFY(query.exec(u"ANALYZE simulations"_s)); // the planner's estimate of a name
    // At 1,000 runs the index answers for up to 200 matches.
    QCOMPARE(NameSearch::indexedMatches(1'000), NameSearch::kMinIndexedMatches);
    QCOMPARE(NameSearch::indexedMatches(1'000'000), 5'000);
    QCOMPARE(NameSearch::indexedMatches(100'000'000), NameSearch::kIndexedMatches);

    const auto probe = std::make_shared<NameProbe>();
    NameSearch rare(database, u"RARE"_s, probe);
    QVERIFY(rare.probe().ok());
    QVERIFY(rare.isSelective());
    // PostgreSQL's plan takes the planner's word for few matches; a count counts them.
    QCOMPARE(rare.selectiveMatches(), database.isPostgreSql() ? -1 : 100);
    QVERIFY(rare.probeForCount().ok());
    QCOMPARE(rare.selectiveMatches(), 100);
    QCOMPARE(rare.threshold(), 200);
    NameSearch some(database, u"some"_s);
    QVERIFY(some.probe().ok());
    QVERIFY(!some.isSelective());

    SimulationQuery search;
    search.nameContains = u"some"_s;
    const auto estimate = SimulationCounter(database).count(search, true);
    QVERIFY(estimate.ok());
    QVERIFY(!estimate->exact);
    QVERIFY2(estimate->runs > 200, qPrintable(QString::number(estimate->runs)));
    const auto exact = SimulationCounter(database).count(search, false);
    QVERIFY(exact.ok() && exact->exact);
    QCOMPARE(exact->runs, 400);
    // A page walks the order's index and finds the same runs.
    search.limit = 3;
    search.descending = true;
    QStringList names;
    for (const Simulation &simulation : SimulationRepository(database).list(search).value())
        names << simulation.name;
    QCOMPARE(names, (QStringList {u"Some 500"_s, u"Some 499"_s, u"Some 498"_s}));

    // 300 runs more bear the rare name: a query's copies keep what its first read learnt,
    // a new search learns it afresh.
    QVERIFY(addNamedRuns(query, u"Rare"_s, 1'001, 300));
    if (database.isPostgreSql()) // the planner's statistics, which plan a search there, see them
        QVERIFY(query.exec(u"ANALYZE simulations"_s));
    NameSearch again(database, u"rare"_s, probe);
    QVERIFY(again.probe().ok());
    QVERIFY(again.isSelective());
    QCOMPARE(again.selectiveMatches(), 100);
    NameSearch afresh(database, u"rare"_s);
    QVERIFY(afresh.probe().ok());
    QVERIFY(!afresh.isSelective());
    // The memo is for one text: another one is probed.
    NameSearch other(database, u"other"_s, probe);
    QVERIFY(other.probe().ok());
    QVERIFY(!other.isSelective());
    QCOMPARE(probe->folded, u"other"_s);
}

// A page reads every match of a name and sorts them, or walks the order's index and checks each
// name: a walk of an index that holds the names (by name, status, machine, update or creation
// date) checks each far cheaper than a look-up of its row, so it is chosen for names that fewer
// runs bear than a walk that looks up each row (by loss, rate, duration …).
void TestListing::anIndexThatHoldsTheNamesIsWalkedForMoreCommonNames()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(migrateWithMachine(database));
    QSqlQuery query(database.connection());
    // 20,000 runs, 600 of which bear "bar": more than a walk of the names needs (400), fewer
    // than a walk that looks up each row (707).
    QVERIFY(addNamedRuns(query, u"Bar"_s, 1, 600));
    QVERIFY(addNamedRuns(query, u"Foo"_s, 601, 19'400));
    if (database.isPostgreSql())
        QVERIFY(query.exec(u"ANALYZE simulations"_s)); // the planner's estimate of a name
    QCOMPARE(NameSearch::indexedMatches(20'000, true), 400);
    QCOMPARE(NameSearch::indexedMatches(20'000, false), 707);
    QCOMPARE(NameSearch::indexedMatches(1'000'000, true), 2'828);

    SimulationRepository repository(database);
    for (const auto orderBy :
         {SimulationQuery::OrderBy::Name, SimulationQuery::OrderBy::FinalLoss}) {
        SimulationQuery page;
        page.nameContains = u"BAR"_s;
        page.orderBy = orderBy;
        page.limit = 100;
        const bool namesInIndex = orderBy == SimulationQuery::OrderBy::Name;
        const QString what = SimulationQuery::orderByName(orderBy);
        const auto memo = std::make_shared<NameProbe>();
        NameSearch search(database, page.nameContains, memo);
        QVERIFY(search.planPage(page).ok());
        // SQLite counts the 600 matches; PostgreSQL's plan takes the planner's estimate.
        const qint64 matches = database.isPostgreSql() ? memo->estimate : 600;
        QVERIFY2(matches > 0, qPrintable(what));
        QVERIFY2(search.threshold() == (namesInIndex ? 400 : 707), qPrintable(what));
        QVERIFY2(search.walksNames() == (matches > search.threshold()), qPrintable(what));
        QVERIFY2(search.readsEveryMatch() == !search.walksNames(), qPrintable(what));
        if (!database.isPostgreSql())
            QVERIFY2(search.walksNames() == namesInIndex, qPrintable(what));
        // Either way the pages list what a scan lists, and the count is the matches'.
        const QList<qint64> want = scannedIds(repository, page);
        QCOMPARE(want.size(), 600);
        QVERIFY2(pagedIds(repository, page) == want, qPrintable(what));
        QVERIFY2(pagedIds(repository, page, false) == want, qPrintable(what + u", by offset"_s));
        const auto counted = SimulationCounter(database).count(page, false);
        QVERIFY(counted.ok() && counted->exact);
        QCOMPARE(counted->runs, 600);
    }
}

void TestListing::aCountAfterAPageNewestFirstStartsAtItsFirstRow()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(migrateWithMachine(database));
    QSqlQuery query(database.connection());
    // The newest runs do not bear the name searched for.
    QVERIFY(addNamedRuns(query, u"Rare"_s, 1, 100));
    QVERIFY(addNamedRuns(query, u"Other"_s, 101, 900));
    if (database.isPostgreSql())
        QVERIFY(query.exec(u"ANALYZE simulations"_s));
    SimulationRepository repository(database);
    const auto pageThenCount = [&](SimulationQuery search) {
        search.nameContains = u"rare"_s;
        search.descending = true;
        search.limit = 5;
        search.nameProbe = std::make_shared<NameProbe>();
        const auto page = repository.list(search);
        const auto counted = SimulationCounter(database).count(search, true);
        return std::make_tuple(page.ok() ? page->size() : -1, counted.ok() ? counted->runs : -1,
                               counted.ok() && counted->exact, search.nameProbe->newestMatch);
    };
    // SQLite reads the index's matches newest first: the page's first row is the newest
    // match, and the count reads the index from there.
    SimulationQuery alone;
    const qint64 newest = database.isPostgreSql() ? 0 : 100;
    QCOMPARE(pageThenCount(alone), std::make_tuple(qsizetype(5), qint64(100), true, newest));
    // Pages that do not start at the newest match of the name alone tell nothing.
    SimulationQuery deeper;
    deeper.offset = 1;
    QCOMPARE(pageThenCount(deeper), std::make_tuple(qsizetype(5), qint64(100), true, qint64(0)));
    SimulationQuery finished;
    finished.status = SimulationStatus::Finished;
    QCOMPARE(pageThenCount(finished), std::make_tuple(qsizetype(5), qint64(100), true, qint64(0)));
    SimulationQuery older;
    older.after = SimulationCursor {QVariant(qint64(50)), 50};
    QCOMPARE(std::get<3>(pageThenCount(older)), qint64(0));
}

void TestListing::aWordInMostNamesIsLeftToTheCheckOfEachCandidate()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(migrateWithMachine(database));
    QSqlQuery query(database.connection());
    QVERIFY(addNamedRuns(query, u"Run-Lab"_s, 1, 1'000)); // Run-Lab 1 … Run-Lab 1000
    SimulationRepository repository(database);
    QHash<qint64, QString> names;
    for (qint64 id = 1; id <= 1'000; ++id)
        names.insert(id, u"Run-Lab %1"_s.arg(id));
    // Names that bear every word of the text, some not as the text, in runs still pending.
    QVERIFY(query.prepare(u"INSERT INTO simulations (simulation_id, name, name_folded, name_key, "
                          "machine_id, status, creation_date, update_date) "
                          "VALUES (?, ?, ?, ?, 1, 'pending', ?, ?)"_s));
    qint64 id = 1'000;
    for (const QString &name :
         {u"RUN-LAB 4210"_s, u"421 Run-Lab"_s, u"run-lab-421"_s, u"Run-Lab 421"_s, u"lab 421 run"_s,
          u"xrun-lab 421x"_s, u"Run-Lab \"421\""_s, u"Run-Lab 🚀421🚀"_s}) {
        ++id;
        for (const QVariant &value :
             QVariantList {id, name, name.toCaseFolded(), name.toCaseFolded(), id, id})
            query.addBindValue(value);
        QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
        names.insert(id, name);
    }
    if (database.isPostgreSql())
        QVERIFY(query.exec(u"ANALYZE simulations"_s));
    const QString text = u"run-LAB 421"_s;
    QList<qint64> expected;
    for (auto it = names.cbegin(); it != names.cend(); ++it) {
        if (it.value().toCaseFolded().contains(text.toCaseFolded()))
            expected << it.key();
    }
    std::sort(expected.begin(), expected.end());
    QCOMPARE(expected.size(), 4);

    // "run" and "lab", in every name, are not asked of the index: "421" is, on SQLite with the
    // space before it, which "421 Run-Lab" and "run-lab-421" do not have.
    const auto memo = std::make_shared<NameProbe>();
    NameSearch search(database, text, memo);
    QVERIFY(search.probe().ok());
    QVERIFY(search.isSelective());
    QCOMPARE(memo->indexWords, QStringList {database.isPostgreSql() ? u"421"_s : u" 421"_s});
    // The same runs in every order, on a page, with another filter, and counted.
    for (const OrderBy orderBy : {OrderBy::Id, OrderBy::CreationDate, OrderBy::Name}) {
        for (const bool descending : {false, true}) {
            SimulationQuery page;
            page.orderBy = orderBy;
            page.descending = descending;
            page.nameContains = text;
            page.nameProbe = std::make_shared<NameProbe>();
            const auto found = repository.list(page);
            QVERIFY(found.ok());
            QList<qint64> ids = idsOf(found.value());
            std::sort(ids.begin(), ids.end());
            QCOMPARE(ids, expected);
            page.limit = 2;
            page.status = SimulationStatus::Finished; // addNamedRuns' runs
            page.nameProbe = std::make_shared<NameProbe>();
            const auto finished = repository.list(page);
            QVERIFY(finished.ok());
            QCOMPARE(finished->size(), 1);
            QCOMPARE(finished->first().id, qint64(421));
            const auto counted = SimulationCounter(database).count(page, true);
            QVERIFY(counted.ok() && counted->exact);
            QCOMPARE(counted->runs, 1);
        }
    }
    SimulationQuery all;
    all.nameContains = text;
    const auto counted = SimulationCounter(database).count(all, true);
    QVERIFY(counted.ok() && counted->exact);
    QCOMPARE(counted->runs, expected.size());

    // The separator asked of the index with the word may be a quote, which FTS5 doubles, or a
    // character of two code units, taken whole.
    const auto searchFor = [&](const QString &searched, const QString &asked, qint64 expectedId) {
        SimulationQuery query;
        query.nameContains = searched;
        query.nameProbe = std::make_shared<NameProbe>();
        const auto found = repository.list(query);
        QVERIFY2(found.ok(), qPrintable(searched));
        QCOMPARE(idsOf(found.value()), QList<qint64> {expectedId});
        QCOMPARE(query.nameProbe->indexWords,
                 QStringList {database.isPostgreSql() ? u"421"_s : asked});
    };
    searchFor(u"RUN-lab \"421"_s, u"\"421"_s, id - 1);
    searchFor(u"run-LAB 🚀421🚀"_s, u"🚀421🚀"_s, id);
}

void TestListing::nameSearchPagesInCreationOrderFromTheIndex()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(migrateWithMachine(database));
    QVERIFY(MachineRepository(database).create(2, u"B"_s).ok());
    SimulationRepository repository(database);
    const bool sqlite = !database.isPostgreSql();
    const auto runsInCreationOrder = [&database]() {
        QSqlQuery fact(database.connection());
        return fact.exec(u"SELECT follows_id FROM creation_order"_s) && fact.next()
            && fact.value(0).toLongLong() == 1;
    };
    // A third of the first 200 runs bear "Alpha", one in twenty of the newest: sparse at the
    // newest end, where a descending page starts.
    for (int i = 0; i < 260; ++i) {
        const bool alpha = i < 200 ? i % 3 == 0 : i % 20 == 0;
        const auto created
            = repository.create(run((alpha ? u"Alpha %1"_s : u"beta %1"_s).arg(i), 1 + i % 2));
        QVERIFY(created.ok());
        if (i % 5 == 0)
            QVERIFY(repository.cancel(created->id).ok());
    }
    if (sqlite)
        QVERIFY(runsInCreationOrder());

    // Every page of 7, one after the other: by cursor, or by offset.
    const auto pages = [&repository](SimulationQuery query, bool byCursor) {
        query.limit = 7;
        return pagedIds(repository, query, byCursor);
    };
    const auto listEveryWay = [&](bool fromTheIndexInIdOrder) {
        for (const OrderBy orderBy : {OrderBy::CreationDate, OrderBy::Id}) {
            for (const bool descending : {false, true}) {
                for (int filter = 0; filter < 3; ++filter) {
                    SimulationQuery query;
                    query.orderBy = orderBy;
                    query.descending = descending;
                    query.nameContains = u"LPH"_s;
                    if (filter == 1)
                        query.machineId = 2;
                    if (filter == 2)
                        query.status = SimulationStatus::Cancelled;
                    const QString what = u"order %1 %2 filter %3"_s.arg(
                        SimulationQuery::orderByName(orderBy), descending ? u"desc"_s : u"asc"_s,
                        QString::number(filter));
                    // The plan this test is about, where there is one.
                    NameSearch search(database, query.nameContains);
                    QVERIFY(search.planPage(query).ok());
                    const bool idOrder
                        = sqlite && (fromTheIndexInIdOrder || orderBy == OrderBy::Id);
                    QVERIFY2(search.readsMatchesInIdOrder() == idOrder, qPrintable(what));
                    const QList<qint64> want = scannedIds(repository, query);
                    QVERIFY2(want.size() > 10, qPrintable(what));
                    QVERIFY2(pages(query, true) == want, qPrintable(what + u" by cursor"_s));
                    QVERIFY2(pages(query, false) == want, qPrintable(what + u" by offset"_s));
                }
            }
        }
    };
    listEveryWay(true);
    if (QTest::currentTestFailed())
        return;
    // In other orders a page of a rare name reads every match, sorted, and counts them on
    // the way, filters included: the query's count is that number.
    for (const OrderBy orderBy : {OrderBy::Name, OrderBy::UpdateDate}) {
        for (int filter = 0; filter < 3; ++filter) {
            SimulationQuery query;
            query.orderBy = orderBy;
            query.nameContains = u"lph"_s;
            query.machineId = filter == 1 ? std::optional<qint64>(2) : std::nullopt;
            if (filter == 2)
                query.status = SimulationStatus::Cancelled;
            query.limit = 7;
            query.offset = 3;
            query.nameProbe = std::make_shared<NameProbe>();
            const qint64 want = scannedIds(repository, query).size();
            QVERIFY(repository.list(query).ok());
            QCOMPARE(query.nameProbe->queryMatches, want);
            const auto counted = SimulationCounter(database).count(query, true);
            QVERIFY(counted.ok() && counted->exact);
            QCOMPARE(counted->runs, want);
        }
    }

    // A run created later under a free id below the newest: creation order is no longer id
    // order, and pages in creation order are read another way, still right.
    QVERIFY(repository.remove(10).ok());
    NewSimulation late = run(u"Alpha late"_s, 2);
    late.id = 10;
    QVERIFY(repository.create(late).ok());
    if (sqlite)
        QVERIFY(!runsInCreationOrder());
    SimulationQuery newest;
    newest.descending = true;
    newest.limit = 1;
    newest.nameContains = u"alpha"_s;
    QCOMPARE(idsOf(repository.list(newest).value()), QList<qint64> {10});
    listEveryWay(false);
}

void TestListing::aPageReadsTheMatchesOfTheBlocksThatCanHoldIt()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    constexpr qint64 kBlock = SimulationBlocks::kIds;
    constexpr qint64 kRuns = 6 * kBlock + 100; // blocks 0 to 6, the last a part
    // Named, created and updated in id order ("run-100000001" …): "555" is in a few runs of
    // every block, and the blocks' spans of names and dates follow each other.
    const QString added = addRunsBySql(database, kRuns, u"'Run-' || (100000000 + i)"_s,
                                       u"'finished'"_s, u"1000 + i * 1000"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    SimulationRepository repository(database);
    QSqlQuery change(database.connection());
    const auto compareAll = [&](bool fewBlocks, const QString &when) {
        for (const OrderBy orderBy : {OrderBy::Name, OrderBy::UpdateDate, OrderBy::CreationDate}) {
            for (const bool descending : {false, true}) {
                const auto [query, what] = namePage(orderBy, descending, u"555"_s, 5, when);
                NameSearch search(database, query.nameContains);
                QVERIFY2(search.planPage(query).ok(), qPrintable(what));
                // SQLite reads the matches of some blocks alone (in creation order, while runs
                // are created in id order, the matches in id order); PostgreSQL's trigram index
                // yields no ids in order: it reads every match, or those of the blocks that can
                // hold the page where the blocks count the text (three characters).
                const auto &spans = search.matchSpans();
                QVERIFY2(database.isPostgreSql()
                             ? !search.readsMatchesInIdOrder()
                             : spans.has_value() || search.readsMatchesInIdOrder(),
                         qPrintable(what));
                if (spans && fewBlocks) {
                    qint64 ids = 0;
                    for (const NameSearch::KeySpan &span : *spans)
                        ids += span.last - span.first + 1;
                    QVERIFY2(ids <= 3 * kBlock, qPrintable(what + u": "_s + QString::number(ids)));
                }
                const QList<qint64> scanned = scannedIds(repository, query);
                QVERIFY2(scanned.size() >= 30, qPrintable(what));
                QVERIFY2(pagedIds(repository, query) == scanned, qPrintable(what));
                QVERIFY2(pagedIds(repository, query, false) == scanned, qPrintable(what));
                // A page placed by an offset past the first block's matches: blocks whose rows
                // all come before it are counted, not read, where the spans follow each other
                // (those of update dates overlap by up to a minute: the first block's rows may
                // come after the second's first 13).
                SimulationQuery deep = query;
                deep.offset = 18;
                deep.limit = 2;
                NameSearch deepSearch(database, deep.nameContains);
                QVERIFY2(deepSearch.planPage(deep).ok(), qPrintable(what));
                if (!database.isPostgreSql() && fewBlocks && orderBy != OrderBy::CreationDate) {
                    QVERIFY2(
                        deepSearch.matchSpans() && deepSearch.rowsPassedOver() > 0,
                        qPrintable(what + u": "_s + QString::number(deepSearch.rowsPassedOver())));
                }
                QVERIFY2(deepSearch.rowsPassedOver() <= deep.offset, qPrintable(what));
                const auto page = repository.list(deep);
                QVERIFY2(page.ok(), qPrintable(what));
                QList<qint64> pageIds;
                for (const Simulation &simulation : page.value())
                    pageIds << simulation.id;
                QVERIFY2(pageIds == scanned.mid(18, 2), qPrintable(what));
            }
        }
    };
    compareAll(true, u"in id order"_s);
    // A run of the newest block renamed to come first by name, one of the oldest updated
    // last: their blocks' spans widen, and each can hold a first page of the other end.
    QVERIFY(change.exec(u"UPDATE simulations SET name = 'AAA-555', name_folded = 'aaa-555', "
                        "name_key = 'aaa-555' WHERE simulation_id = %1"_s.arg(kRuns - 7)));
    QVERIFY(change.exec(u"UPDATE simulations SET update_date = %1 WHERE simulation_id = 3"_s.arg(
        1000 + (kRuns + 5) * 1000)));
    QVERIFY(change.exec(u"UPDATE simulations SET name = 'Run-555-last', "
                        "name_folded = 'run-555-last', name_key = 'run-555-last' "
                        "WHERE simulation_id = 3"_s));
    compareAll(false, u"after a rename and an update"_s);
    // Runs deleted, and added to the newest block.
    QVERIFY(change.exec(u"DELETE FROM simulations WHERE simulation_id BETWEEN 5500 AND 5600"_s));
    SimulationRepository runs(database);
    for (int i = 0; i < 3; ++i)
        QVERIFY(runs.create(run(u"run-999555-%1"_s.arg(i), 1)).ok());
    compareAll(false, u"after deletes and creations"_s);
}

void TestListing::aNameByStatusOrMachineReadsWindowsOfIds()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    // 40,000 runs (ten blocks of ids) on machines 1 and 2 in turn: "Mid" in every 49th name,
    // 816 spread evenly, more than the plan's threshold; most finished, every 13th failed, every
    // 31st pending.
    const QString added
        = addRunsBySql(database, 40'000, u"CASE WHEN i % 49 = 0 THEN 'Mid ' ELSE 'Run ' END || i"_s,
                       u"CASE WHEN i % 31 = 0 THEN 'pending' WHEN i % 13 = 0 THEN 'failed' "
                       "ELSE 'finished' END"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    QVERIFY(analyzeEveryName(database)); // the planner counts the text
    SimulationRepository repository(database);
    SimulationLister lister(database);
    const bool postgreSql = database.isPostgreSql();
    for (const OrderBy orderBy : {OrderBy::Status, OrderBy::Machine}) {
        for (const bool descending : {false, true}) {
            for (int filter = 0; filter < 3; ++filter) {
                SimulationQuery query;
                query.orderBy = orderBy;
                query.descending = descending;
                query.nameContains = u"mid"_s;
                query.limit = 41;
                // The other key's filter; then the order's own (a page in id order).
                if (filter == 1 && orderBy == OrderBy::Status)
                    query.machineId = 2;
                if (filter == 1 && orderBy == OrderBy::Machine)
                    query.status = SimulationStatus::Finished;
                if (filter == 2 && orderBy == OrderBy::Status)
                    query.status = SimulationStatus::Finished;
                if (filter == 2 && orderBy == OrderBy::Machine)
                    query.machineId = 1;
                const QString what = u"by %1%2, filter %3"_s
                                         .arg(SimulationQuery::orderByName(orderBy),
                                              descending ? u" desc"_s : QString())
                                         .arg(filter);
                // A page of a group (or of the order's own filter) in id order reads windows of
                // ids on PostgreSQL; SQLite reads FTS5's matches in id order.
                SimulationQuery group = query;
                if (orderBy == OrderBy::Status && !group.status)
                    group.status = SimulationStatus::Finished; // most runs
                if (orderBy == OrderBy::Machine && !group.machineId)
                    group.machineId = descending ? 2 : 1;
                NameSearch search(database, group.nameContains);
                QVERIFY2(search.planPage(group).ok(), qPrintable(what));
                QVERIFY2(search.matchWindows().isEmpty() == !postgreSql, qPrintable(what));
                // A deep page is planned as before (NameSearch::kWindowedOffset).
                SimulationQuery deep = group;
                deep.offset = NameSearch::kWindowedOffset;
                QVERIFY2(search.planPage(deep).ok(), qPrintable(what));
                QVERIFY2(search.matchWindows().isEmpty(), qPrintable(what));
                if (filter < 2) {
                    const Result<bool> grouped = lister.readsGroupByGroup(query);
                    QVERIFY2(grouped.ok() && grouped.value(), qPrintable(what));
                }
                const QList<qint64> scanned = scannedIds(repository, query);
                QVERIFY2(scanned.size() >= 40, qPrintable(what));
                QVERIFY2(pagedIds(repository, query) == scanned, qPrintable(what));
                QVERIFY2(pagedIds(repository, query, false) == scanned, qPrintable(what));
            }
        }
    }
    // A small group first (the failed runs, 7 %, newest first; the pending ones, 3 %, oldest
    // first) is read by itself, the next in windows. Where more than kSmallGroupsFirst come
    // first, PostgreSQL reads the page in the order's index: by machine last first, with a few
    // runs on each of machines 3, 4 and 5.
    const auto firstGroup = [&lister](const SimulationQuery &query) {
        const auto groups = lister.groupsToRead(query);
        return groups.ok() && groups.value() && !groups.value()->isEmpty()
            ? std::optional(groups.value()->constFirst().key)
            : std::nullopt;
    };
    MachineRepository machines(database);
    for (const qint64 machine : {3, 4, 5})
        QVERIFY(machines.create(machine, u"M"_s + QString::number(machine)).ok());
    QSqlQuery change(database.connection());
    for (const OrderBy orderBy : {OrderBy::Status, OrderBy::Machine}) {
        if (orderBy == OrderBy::Machine) {
            QVERIFY(change.exec(u"UPDATE simulations SET machine_id = 3 + simulation_id % 3 "
                                "WHERE simulation_id % 997 = 0"_s));
        }
        for (const bool descending : {false, true}) {
            const auto [query, what] = namePage(orderBy, descending, u"mid"_s, 41, u"groups"_s);
            const std::optional<qint64> first = firstGroup(query);
            if (orderBy == OrderBy::Status) {
                const SimulationStatus expected
                    = descending ? SimulationStatus::Failed : SimulationStatus::Pending;
                QVERIFY2(first == qint64(expected), qPrintable(what));
            } else if (descending && postgreSql) {
                QVERIFY2(!first, qPrintable(what));
            } else {
                QVERIFY2(first == (descending ? 5 : 1), qPrintable(what));
            }
            const QList<qint64> scanned = scannedIds(repository, query);
            QVERIFY2(scanned.size() >= 40, qPrintable(what));
            const auto page = repository.list(query);
            QVERIFY2(page.ok() && idsOf(page.value()) == scanned.mid(0, 41), qPrintable(what));
            QVERIFY2(pagedIds(repository, query) == scanned, qPrintable(what));
            QVERIFY2(pagedIds(repository, query, false) == scanned, qPrintable(what));
        }
    }
}

void TestListing::aNameByStatusOrMachineIsReadGroupByGroup()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    // 12,000 runs on machines 1 and 2 in turn: "Sev" in every seventh name (1,714), "Rare" in
    // 60; most runs finished, every 13th failed, every 31st pending, none cancelled.
    const QString added = addRunsBySql(
        database, 12'000,
        u"CASE WHEN i % 7 = 0 THEN 'Sev ' WHEN i % 200 = 1 THEN 'Rare ' ELSE 'Run ' END || i"_s,
        u"CASE WHEN i % 31 = 0 THEN 'pending' WHEN i % 13 = 0 THEN 'failed' "
        "ELSE 'finished' END"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    SimulationRepository repository(database);
    SimulationLister lister(database);
    for (const QString &text : {u"SEV"_s, u"rare"_s}) {
        for (const OrderBy orderBy : {OrderBy::Status, OrderBy::Machine}) {
            for (const bool descending : {false, true}) {
                for (int filter = 0; filter < 2; ++filter) {
                    SimulationQuery query;
                    query.orderBy = orderBy;
                    query.descending = descending;
                    query.nameContains = text;
                    query.limit = 41;
                    if (filter == 1 && orderBy == OrderBy::Status)
                        query.machineId = 2;
                    if (filter == 1 && orderBy == OrderBy::Machine)
                        query.status = SimulationStatus::Failed;
                    const QString what
                        = u"%1 by %2%3%4"_s.arg(text, SimulationQuery::orderByName(orderBy),
                                                descending ? u" desc"_s : QString(),
                                                filter == 1 ? u" filtered"_s : QString());
                    // SQLite reads the name's matches group by group; PostgreSQL, whose trigram
                    // index does not yield them in id order, only where the planner counts the
                    // text (aNameByStatusOrMachineReadsWindowsOfIds).
                    const Result<bool> grouped = lister.readsGroupByGroup(query);
                    QVERIFY2(grouped.ok(), qPrintable(what));
                    QVERIFY2(database.isPostgreSql() || grouped.value(), qPrintable(what));
                    const QList<qint64> scanned = scannedIds(repository, query);
                    QVERIFY2(scanned.size() >= 3, qPrintable(what));
                    QVERIFY2(pagedIds(repository, query) == scanned, qPrintable(what));
                    // By offset: pages before kDeepOffset group by group, the later ones after
                    // the row before them.
                    QVERIFY2(pagedIds(repository, query, false) == scanned, qPrintable(what));
                    // The count is the query's, whatever each group's page counted.
                    query.nameProbe = std::make_shared<NameProbe>();
                    QVERIFY2(repository.list(query).ok(), qPrintable(what));
                    const auto counted = SimulationCounter(database).count(query, false);
                    QVERIFY2(counted.ok() && counted->exact, qPrintable(what));
                    QVERIFY2(counted->runs == scanned.size(),
                             qPrintable(what + u": "_s + QString::number(counted->runs)));
                }
            }
        }
    }
    // A page of a text too short for the index, and one beyond kDeepOffset, are read as before.
    SimulationQuery shortText;
    shortText.orderBy = OrderBy::Status;
    shortText.nameContains = u"se"_s;
    shortText.limit = 10;
    QVERIFY(!lister.readsGroupByGroup(shortText).value());
    SimulationQuery deep = shortText;
    deep.nameContains = u"sev"_s;
    deep.offset = SimulationLister::kDeepOffset;
    QVERIFY(!lister.readsGroupByGroup(deep).value());
}

void TestListing::aWalkReadsOnlyTheBlocksThatMayHoldTheName()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    constexpr qint64 kBlock = SimulationBlocks::kIds;
    constexpr qint64 kRuns = 4 * kBlock + 100; // blocks 0 to 4, the last a part
    // "Late" in the last 300 runs of block 1 and in every run of block 3: common enough that a
    // page walks the order, gathered in two blocks with one between. A third of the runs
    // failed, the others finished; machines 1 and 2 in turn; updated a second apart.
    const QString added = addRunsBySql(
        database, kRuns,
        u"CASE WHEN (i >= %1 AND i < %2) OR (i >= %3 AND i < %4) THEN 'Late run ' "
        "ELSE 'Run ' END || i"_s.arg(2 * kBlock - 300)
            .arg(2 * kBlock)
            .arg(3 * kBlock)
            .arg(4 * kBlock),
        u"CASE WHEN i % 3 = 0 THEN 'failed' ELSE 'finished' END"_s, u"1000 + i * 1000"_s);
    const auto updatedAt = [](qint64 id) { return 1000 + id * 1000; };
    const auto endOfMinute = [](qint64 date) { return (date / 60'000 + 1) * 60'000; };
    QVERIFY2(added.isEmpty(), qPrintable(added));
    QSqlQuery change(database.connection());
    SimulationRepository repository(database);
    const auto spansOf = [&database](const SimulationQuery &query) {
        NameSearch search(database, query.nameContains);
        return search.planPage(query).ok() ? search.walkSpans() : std::nullopt;
    };
    QList<std::tuple<OrderBy, bool, int>> variants;
    for (const OrderBy orderBy :
         {OrderBy::CreationDate, OrderBy::Id, OrderBy::Name, OrderBy::UpdateDate}) {
        for (const bool descending : {false, true}) {
            for (int filter = 0; filter < 4; ++filter)
                variants << std::tuple(orderBy, descending, filter);
        }
    }
    // The same search in an order, alone, with a status, a machine, or both.
    const auto queryOf = [](OrderBy orderBy, bool descending, int filter) {
        SimulationQuery query;
        query.orderBy = orderBy;
        query.descending = descending;
        query.nameContains = u"LATE"_s;
        query.limit = 97;
        if (filter & 1)
            query.status = SimulationStatus::Failed;
        if (filter & 2)
            query.machineId = 2;
        return query;
    };
    // A page after a cursor at or past the walk's first key (the run passing's) is bounded by
    // the cursor alone, since SQLite would read the index from the walk's first key; one
    // before it (the run behind's), by both. Either way it lists what a scan lists.
    const auto boundedByTheCursor = [&](const SimulationQuery &query, const NameSearch &search,
                                        qint64 passing, qint64 behind, const QString &what) {
        const QString key = SimulationListQuery::orderExpression(query.orderBy);
        for (const auto &[id, passed] : {std::pair(passing, true), std::pair(behind, false)}) {
            const QString where = what + u", after run "_s + QString::number(id);
            QVERIFY2(change.exec(u"SELECT %1 FROM simulations WHERE simulation_id = %2"_s.arg(
                         key, QString::number(id)))
                         && change.next(),
                     qPrintable(where));
            SimulationQuery after = query;
            after.after = SimulationCursor {change.value(0), id};
            change.finish();
            QVERIFY2(search.walkFromPassedBy(after.after->key) == passed, qPrintable(where));
            const QList<SqlStatement> statements
                = SimulationListQuery(after, database.isPostgreSql(), &search)
                      .selects(u"simulation_id"_s, after.limit);
            QVERIFY2(!statements.isEmpty(), qPrintable(where));
            for (const SqlStatement &statement : statements) {
                QVERIFY2(statement.values.contains(search.walkFrom()->key) == !passed,
                         qPrintable(where + u'\n' + statement.text));
            }
            QVERIFY2(pagedIds(repository, after) == scannedIds(repository, after),
                     qPrintable(where));
        }
    };
    const auto compareEveryWay = [&](const QString &when) {
        for (const auto &[orderBy, descending, filter] : variants) {
            SimulationQuery query = queryOf(orderBy, descending, filter);
            const QList<qint64> want = scannedIds(repository, query);
            const QString what = u"%1, order %2 %3, filter %4"_s.arg(
                when, SimulationQuery::orderByName(orderBy), descending ? u"desc"_s : u"asc"_s,
                QString::number(filter));
            QVERIFY2(want.size() > 500, qPrintable(what));
            // Pages of 97 by cursor, the walk confined to the spans from each one's cursor.
            const QList<qint64> walked = pagedIds(repository, query);
            QVERIFY2(walked == want, qPrintable(what + u", by cursor"_s));
            query.after.reset();
            // Offsets spread over the spans: within the first (block 1's 300 runs first, oldest
            // first), at its end, past it, deep (the row before the page found first).
            for (const qint64 offset : {qint64(0), qint64(290), qint64(299), qint64(300),
                                        qint64(301), qint64(2'000), want.size() - 50}) {
                query.offset = offset;
                QVERIFY2(idsOf(repository.list(query).value()) == want.mid(offset, 97),
                         qPrintable(what + u", at offset "_s + QString::number(offset)));
            }
        }
    };
    compareEveryWay(u"as filled"_s);
    for (const auto &[orderBy, descending, filter] : variants) {
        SimulationQuery query = queryOf(orderBy, descending, filter);
        const QString what = u"order %1, filter %2"_s.arg(SimulationQuery::orderByName(orderBy),
                                                          QString::number(filter));
        if (!database.isPostgreSql() && filter != 3
            && (orderBy == OrderBy::Id || (orderBy == OrderBy::CreationDate && filter == 0))) {
            // SQLite's index yields the matches in id order: no walk. With a status (5,494
            // runs) or a machine (8,242), the page's 97 rows are among the first 291 or 194
            // matches, fewer than the 364 runs a walk would read (pageCosts); with both
            // (2,747 runs), among the first 582. The creation order's indexes hold the names:
            // there a walk of a filter's index tests them in it, at a tenth of the cost.
            NameSearch search(database, query.nameContains);
            QVERIFY(search.planPage(query).ok());
            QVERIFY2(search.readsMatchesInIdOrder(), qPrintable(what));
            QVERIFY2(!search.walkSpans().has_value(), qPrintable(what));
            continue;
        }
        {
            if (orderBy == OrderBy::Name || orderBy == OrderBy::UpdateDate) {
                // Their indexes end with the id: the walk passes over those before block 1
                // and after block 3.
                NameSearch search(database, query.nameContains);
                QVERIFY(search.planPage(query).ok());
                QVERIFY2(search.walkIds().has_value(), qPrintable(what));
                QCOMPARE(search.walkIds()->first, kBlock);
                QCOMPARE(search.walkIds()->last, 4 * kBlock - 1);
                if (orderBy == OrderBy::UpdateDate) {
                    // Oldest first from the lowest update date of blocks 1 and 3, block 1's
                    // first (updated in id order here), newest first from the end of the
                    // minute of their highest, block 3's last.
                    QVERIFY2(search.walkFrom(), qPrintable(what));
                    QCOMPARE(search.walkFrom()->column, u"update_date"_s);
                    QCOMPARE(search.walkFrom()->descending, descending);
                    QCOMPARE(search.walkFrom()->key.toLongLong(),
                             descending ? endOfMinute(updatedAt(4 * kBlock - 1))
                                        : updatedAt(kBlock));
                    boundedByTheCursor(query, search,
                                       descending ? 3 * kBlock + 100 : 2 * kBlock - 200,
                                       descending ? 4 * kBlock + 99 : 5, what);
                    continue;
                }
                // The name order starts from the names of blocks 1 and 3: oldest first from
                // the lowest name of all ("late run 12288", in block 3), nothing to leave out;
                // newest first from their highest, below block 2's ("run 9999").
                QVERIFY2(change.exec(u"SELECT MAX(name_key) FROM simulations WHERE "
                                     "simulation_id BETWEEN %1 AND %2 OR simulation_id "
                                     "BETWEEN %3 AND %4"_s.arg(kBlock)
                                         .arg(2 * kBlock - 1)
                                         .arg(3 * kBlock)
                                         .arg(4 * kBlock - 1)),
                         qPrintable(change.lastError().text()));
                QVERIFY(change.next());
                const QString highest = change.value(0).toString();
                QCOMPARE(highest, u"run 7891"_s);
                QCOMPARE(search.walkFrom().has_value(), descending);
                if (descending) {
                    QCOMPARE(search.walkFrom()->column, u"name_key"_s);
                    QCOMPARE(search.walkFrom()->key.toString(), highest);
                    QVERIFY(search.walkFrom()->descending);
                    boundedByTheCursor(query, search, 7'000, 2 * kBlock + 1'000, what);
                }
                continue;
            }
            // Two spans: block 1's and block 3's, not block 2's between them; creation dates
            // follow the ids here.
            const auto spans = spansOf(query);
            QVERIFY2(spans.has_value(), qPrintable(what));
            QCOMPARE(spans->size(), 2);
            const qint64 base = orderBy == OrderBy::Id ? 0 : 1000;
            QVERIFY(spans->at(0).first <= base + 2 * kBlock - 300);
            QVERIFY(spans->at(0).last < base + 2 * kBlock);
            QVERIFY(spans->at(1).first > base + 3 * kBlock - 1);
            QVERIFY(spans->at(1).last >= base + 4 * kBlock - 1);
            // At an offset, the same: the offset is spread over the spans.
            query.offset = 5;
            QVERIFY2(spansOf(query).has_value(), qPrintable(what));
        }
    }
    // The bound is a name of its own block, and may match: a run of block 1 renamed (in the
    // test's own sort keys) to the highest name of its block, below block 2's. Newest first, the
    // walk by name starts at it and finds it first.
    QVERIFY2(
        change.exec(
            u"UPDATE simulations SET name = 'Run 9000 late', name_folded = "
            "'run 9000 late', name_key = 'run 9000 late' WHERE simulation_id = %1"_s.arg(kBlock)),
        qPrintable(change.lastError().text()));
    compareBlocksWithTheTable(database);
    {
        const SimulationQuery byName = queryOf(OrderBy::Name, true, 0);
        NameSearch search(database, byName.nameContains);
        QVERIFY(search.planPage(byName).ok());
        QVERIFY(search.walkFrom());
        QCOMPARE(search.walkFrom()->key.toString(), u"run 9000 late"_s);
        SimulationQuery first = byName;
        first.limit = 1;
        QCOMPARE(idsOf(repository.list(first).value()), QList<qint64> {kBlock});
    }
    compareEveryWay(u"after a rename to the highest name of its block"_s);
    // Among the names a walk by name skips when starting from the bound: a run of block 2
    // renamed "Later" would be missed if its block's span of names were not widened.
    QVERIFY(repository.rename(2 * kBlock + 7, u"Later"_s).ok());
    QVERIFY(repository.create(run(u"Latest"_s, 2)).ok());
    compareBlocksWithTheTable(database);
    compareEveryWay(u"after a rename and a new run"_s);
    // Among the updates a walk by update date skips when starting from the bound: a run of
    // block 3 whose update date is set back among block 0's, and one of block 1 updated after
    // every run of blocks 1 to 4 (which may hold the text now, the newest created just now)
    // but before one of block 0 (which leaves that out), would be missed if their blocks' spans
    // did not widen with them. The walk starts from each and finds it first.
    const qint64 setBack = updatedAt(2'000);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 latest = now + 3'600'000;
    const auto update = [&change](qint64 id, qint64 date) {
        return change.exec(
            u"UPDATE simulations SET update_date = %1 WHERE simulation_id = %2"_s.arg(date).arg(
                id));
    };
    QVERIFY2(update(3 * kBlock + 11, setBack), qPrintable(change.lastError().text()));
    QVERIFY2(update(2 * kBlock - 7, latest), qPrintable(change.lastError().text()));
    QVERIFY2(update(5, now + 7'200'000), qPrintable(change.lastError().text()));
    compareBlocksWithTheTable(database);
    for (const bool descending : {false, true}) {
        SimulationQuery byUpdate = queryOf(OrderBy::UpdateDate, descending, 0);
        NameSearch search(database, byUpdate.nameContains);
        QVERIFY(search.planPage(byUpdate).ok());
        QVERIFY2(search.walkFrom(), descending ? "newest first" : "oldest first");
        QCOMPARE(search.walkFrom()->key.toLongLong(), descending ? endOfMinute(latest) : setBack);
        byUpdate.limit = 1;
        QCOMPARE(idsOf(repository.list(byUpdate).value()),
                 QList<qint64> {descending ? 2 * kBlock - 7 : 3 * kBlock + 11});
    }
    compareEveryWay(u"after update dates set back and forward"_s);
    // Blocks 1 to 4 one after the other.
    QCOMPARE(spansOf(queryOf(OrderBy::CreationDate, false, 3))->size(), 1);
    // A run of block 1 dated before every other: its block's span reaches back to it, and an
    // oldest first walk finds it first.
    QVERIFY(change.exec(u"UPDATE simulations SET creation_date = 5 WHERE simulation_id = %1"_s.arg(
        2 * kBlock - 10)));
    compareBlocksWithTheTable(database);
    compareEveryWay(u"with a run dated before all others"_s);
    SimulationQuery oldest = queryOf(OrderBy::CreationDate, false, 0);
    oldest.limit = 1;
    QCOMPARE(idsOf(repository.list(oldest).value()), QList<qint64> {2 * kBlock - 10});
}

// A run's name adds its three characters to its block after the run's transaction (migration
// 031): until then the block may hold any text and a walk reads it; the housekeeper gathers
// those below the newest block, then the newest, and the walk leaves out again a block that
// does not hold the text.
void TestListing::theCharactersOfNewNamesAreGatheredAfterTheirTransaction()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    constexpr qint64 kBlock = SimulationBlocks::kIds;
    // "Late" in every run of blocks 0 and 2, in none of block 1 nor of the part of block 3; a
    // third of the runs failed, machines 1 and 2 in turn.
    const QString added = addRunsBySql(
        database, 3 * kBlock + 100,
        u"CASE WHEN i < %1 OR (i >= %2 AND i < %3) THEN 'Late run ' ELSE 'Run ' END || i"_s
            .arg(kBlock)
            .arg(2 * kBlock)
            .arg(3 * kBlock),
        u"CASE WHEN i % 3 = 0 THEN 'failed' ELSE 'finished' END"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    SimulationRepository repository(database);
    SimulationQuery query;
    query.orderBy = OrderBy::CreationDate;
    query.nameContains = u"LATE"_s;
    query.status = SimulationStatus::Failed;
    query.machineId = 2;
    query.limit = 97;
    const auto spanCount = [&database, &query] {
        NameSearch search(database, query.nameContains);
        const bool planned = search.planPage(query).ok() && search.walkSpans().has_value();
        return planned ? search.walkSpans()->size() : qsizetype(-1);
    };
    QSqlQuery change(database.connection());
    const auto pendingBlocks = [&change] {
        QList<qint64> blocks;
        if (change.exec(u"SELECT DISTINCT block FROM simulation_blocks WHERE grams_pending > 0 "
                        "ORDER BY block"_s)) {
            while (change.next())
                blocks << change.value(0).toLongLong();
        }
        return blocks;
    };
    // A run of block 1 replaced by one of another name, added by SQL as any writer would, on
    // the connection of the query given.
    const auto replaceOn = [](QSqlQuery &query, qint64 id, const QString &name) {
        return query.exec(u"DELETE FROM simulations WHERE simulation_id = %1"_s.arg(id))
            && query.exec(u"INSERT INTO simulations (simulation_id, name, name_folded, name_key, "
                          "machine_id, status, creation_date, update_date, points_total) "
                          "VALUES (%1, '%2', LOWER('%2'), LOWER('%2'), 2, 'failed', 1000 + %1, "
                          "1000 + %1, 10)"_s.arg(QString::number(id), name));
    };
    const auto replace
        = [&](qint64 id, const QString &name) { return replaceOn(change, id, name); };
    const auto listsWhatAScanLists = [&](const QString &when, qint64 listed) {
        const QList<qint64> want = scannedIds(repository, query);
        QVERIFY2(want.size() > 1'000, qPrintable(when));
        QVERIFY2(listed == 0 || want.contains(listed), qPrintable(when));
        QVERIFY2(pagedIds(repository, query) == want, qPrintable(when + u", by cursor"_s));
        SimulationQuery at = query;
        for (const qint64 offset : {qint64(0), qint64(600), want.size() - 50}) {
            at.offset = offset;
            QVERIFY2(idsOf(repository.list(at).value()) == want.mid(offset, 97),
                     qPrintable(when + u", at offset "_s + QString::number(offset)));
        }
    };
    // As filled, every block gathered: the walk reads blocks 0 and 2, not block 1 between.
    QCOMPARE(pendingBlocks(), QList<qint64> {});
    QCOMPARE(spanCount(), 2);
    listsWhatAScanLists(u"as filled"_s, 0);
    // A name without the text added to block 1: the block may hold it until gathered.
    QVERIFY2(replace(kBlock + 3, u"Run anew"_s), qPrintable(change.lastError().text()));
    QCOMPARE(pendingBlocks(), QList<qint64> {1});
    QCOMPARE(spanCount(), 1);
    listsWhatAScanLists(u"a name to gather"_s, 0);
    auto gathered = SimulationBlocks::foldGrams(database, 10, false);
    QVERIFY(gathered.ok());
    QCOMPARE(gathered.value(), 1);
    QCOMPARE(pendingBlocks(), QList<qint64> {});
    QCOMPARE(spanCount(), 2);
    compareBlocksWithTheTable(database);
    // A name with the text added to block 1: the walk reads the block before and after its
    // characters are gathered, and finds the run.
    QVERIFY2(replace(kBlock + 5, u"Latest"_s), qPrintable(change.lastError().text()));
    QCOMPARE(pendingBlocks(), QList<qint64> {1});
    QCOMPARE(spanCount(), 1);
    listsWhatAScanLists(u"a match to gather"_s, kBlock + 5);
    gathered = SimulationBlocks::foldGrams(database, 10, false);
    QVERIFY(gathered.ok());
    QCOMPARE(gathered.value(), 1);
    QCOMPARE(spanCount(), 1);
    listsWhatAScanLists(u"a match gathered"_s, kBlock + 5);
    compareBlocksWithTheTable(database);
    if (database.isPostgreSql()) {
        // A block's row that a writer holds is passed over, not waited for (this thread would
        // wait for itself), and stays to gather until gathered once the writer has committed.
        Database writer(db->url());
        QSqlQuery write(writer.connection());
        QVERIFY2(replaceOn(write, kBlock + 9, u"Later"_s), qPrintable(write.lastError().text()));
        QVERIFY(writer.connection().transaction());
        QVERIFY2(replaceOn(write, kBlock + 11, u"Later still"_s),
                 qPrintable(write.lastError().text()));
        QCOMPARE(pendingBlocks(), QList<qint64> {1});
        gathered = SimulationBlocks::foldGrams(database, 10, false);
        QVERIFY(gathered.ok());
        QCOMPARE(gathered.value(), 0);
        QVERIFY(writer.connection().commit());
        QCOMPARE(pendingBlocks(), QList<qint64> {1});
        listsWhatAScanLists(u"a writer's match"_s, kBlock + 11);
        gathered = SimulationBlocks::foldGrams(database, 10, false);
        QVERIFY(gathered.ok());
        QCOMPARE(gathered.value(), 1);
        QCOMPARE(pendingBlocks(), QList<qint64> {});
        compareBlocksWithTheTable(database);
    }
    // The newest block is gathered only when asked for: its writers are the busiest.
    QVERIFY(repository.create(run(u"Late too"_s, 2)).ok());
    QCOMPARE(pendingBlocks(), QList<qint64> {3});
    gathered = SimulationBlocks::foldGrams(database, 10, false);
    QVERIFY(gathered.ok());
    QCOMPARE(gathered.value(), 0);
    QCOMPARE(pendingBlocks(), QList<qint64> {3});
    gathered = SimulationBlocks::foldGrams(database, 10, true);
    QVERIFY(gathered.ok());
    QCOMPARE(gathered.value(), 1);
    QCOMPARE(pendingBlocks(), QList<qint64> {});
    compareBlocksWithTheTable(database);
    if (!database.isPostgreSql()) {
        // SQLite gathers a block in parts and then takes off the names it counted at the start,
        // where the block's row is the one it read then: a row made afresh, once every run of
        // the block was deleted, has another epoch (migration 032).
        const auto epoch = [&change](qint64 block) {
            return change.exec(
                       u"SELECT grams_epoch FROM simulation_blocks WHERE block = %1"_s.arg(block))
                    && change.next()
                ? change.value(0)
                : QVariant();
        };
        const QVariant before = epoch(3);
        QVERIFY(!before.isNull());
        QVERIFY2(change.exec(u"DELETE FROM simulations WHERE simulation_id / %1 = 3"_s.arg(kBlock)),
                 qPrintable(change.lastError().text()));
        QVERIFY(epoch(3).isNull());
        QVERIFY2(replace(3 * kBlock + 7, u"Late again"_s), qPrintable(change.lastError().text()));
        QCOMPARE(pendingBlocks(), QList<qint64> {3});
        const QVariant after = epoch(3);
        QVERIFY(!after.isNull());
        QVERIFY(after != before);
        gathered = SimulationBlocks::foldGrams(database, 10, true);
        QVERIFY(gathered.ok());
        QCOMPARE(gathered.value(), 1);
        QCOMPARE(pendingBlocks(), QList<qint64> {});
        compareBlocksWithTheTable(database);
    }
}

// A process that runs no simulation (`aisim serve --workers 0`) keeps the storage's upkeep all
// the same: the characters of the names added before it opened and while it runs are gathered
// by its own housekeeper, in the newest block and in those below it.
void TestListing::aProcessWithoutWorkersGathersThemToo()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    constexpr qint64 kBlock = SimulationBlocks::kIds;
    const QString added = addRunsBySql(database, kBlock + 100, u"'Run ' || i"_s, u"'finished'"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    QSqlQuery change(database.connection());
    const auto pendingBlocks = [&change] {
        QList<qint64> blocks;
        if (change.exec(u"SELECT DISTINCT block FROM simulation_blocks WHERE grams_pending > 0 "
                        "ORDER BY block"_s)) {
            while (change.next())
                blocks << change.value(0).toLongLong();
        }
        return blocks;
    };
    // A run of the given id replaced by one of another name, as any writer would.
    const auto replace = [&change](qint64 id, const QString &name) {
        return change.exec(u"DELETE FROM simulations WHERE simulation_id = %1"_s.arg(id))
            && change.exec(u"INSERT INTO simulations (simulation_id, name, name_folded, name_key, "
                           "machine_id, status, creation_date, update_date, points_total) "
                           "VALUES (%1, '%2', LOWER('%2'), LOWER('%2'), 2, 'failed', 1000 + %1, "
                           "1000 + %1, 10)"_s.arg(QString::number(id), name));
    };
    QVERIFY2(replace(3, u"Early"_s), qPrintable(change.lastError().text()));
    QVERIFY(SimulationRepository(database).create(run(u"Newest"_s, 2)).ok());
    QCOMPARE(pendingBlocks(), (QList<qint64> {0, 1}));
    RuntimeOptions options;
    options.database = db->url();
    options.runEngine = false;
    options.engine.pollIntervalMs = 50;
    auto runtime = Runtime::open(options);
    QVERIFY2(runtime.ok(), qPrintable(runtime.ok() ? QString() : runtime.error().message));
    QVERIFY(runtime.value()->engine() == nullptr);
    QTRY_COMPARE(pendingBlocks(), QList<qint64> {});
    QVERIFY2(replace(5, u"Later"_s), qPrintable(change.lastError().text()));
    QCOMPARE(pendingBlocks(), QList<qint64> {0});
    QTRY_COMPARE(pendingBlocks(), QList<qint64> {});
    compareBlocksWithTheTable(database);
}

// PostgreSQL: the trigram index keeps the entries of rows written since in a pending list, which
// every search reads whole; it is bounded (migration 035) and the upkeep moves it into the index
// every tick.
void TestListing::theNameIndexTakesInItsPendingEntriesEveryTick()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    QSqlQuery query(database.connection());
    QVERIFY(query.exec(u"SELECT array_to_string(reloptions, ',') FROM pg_class "
                       "WHERE relname = 'simulations_name_trgm_idx'"_s));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toString(), u"gin_pending_list_limit=256"_s);
    // Moves the pending entries into the index itself: how many pages they took.
    const auto movedPages = [&query]() -> qint64 {
        if (!query.exec(u"SELECT gin_clean_pending_list('simulations_name_trgm_idx')"_s)
            || !query.next())
            return -1;
        return query.value(0).toLongLong();
    };
    SimulationRepository repository(database);
    const auto addRuns = [&repository](int first) {
        for (int i = first; i < first + 20; ++i) {
            if (!repository.create(run(u"Pending %1"_s.arg(i), 1)).ok())
                return false;
        }
        return true;
    };
    // Runs added one at a time, as the API adds them, wait in the pending list ...
    QVERIFY(addRuns(0));
    QVERIFY(movedPages() > 0);
    // ... until the next tick of a process's upkeep, which leaves none.
    QVERIFY(addRuns(20));
    StorageUpkeep upkeep(database);
    upkeep.tick();
    QCOMPARE(movedPages(), 0);
    SimulationQuery search;
    search.nameContains = u"pending 3"_s;
    const auto found = repository.list(search);
    QVERIFY(found.ok());
    QCOMPARE(found->size(), 11); // 3 and 30 … 39
}

// A page placed by a deep offset plans twice in one snapshot, and reads the blocks that may
// hold the name once, kept with the request's probe of the name; a later page of the same
// request, in another snapshot, reads them again: a run renamed meanwhile in another block is
// found.
void TestListing::theBlocksOfANameAreKeptForOneSnapshot()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    constexpr qint64 kBlock = SimulationBlocks::kIds;
    // "Late" in the first 1,500 runs of block 1 alone: common enough that a page by name walks
    // the name order's index, within the ids of block 1.
    const QString added = addRunsBySql(
        database, 3 * kBlock + 100,
        u"CASE WHEN i >= %1 AND i < %2 THEN 'Late run ' ELSE 'Run ' END || i"_s.arg(kBlock).arg(
            kBlock + 1500),
        u"'finished'"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    SimulationRepository repository(database);
    SimulationQuery query;
    query.nameContains = u"LATE"_s;
    query.orderBy = OrderBy::Name;
    query.limit = 10;
    query.offset = 1'495; // past SimulationLister::kDeepOffset: placed, then read
    query.nameProbe = std::make_shared<NameProbe>();
    {
        NameSearch search(database, query.nameContains);
        QVERIFY(search.planPage(query).ok());
        QVERIFY(search.walksNames());
        QVERIFY(search.walkIds());
        QCOMPARE(search.walkIds()->last, 2 * kBlock - 1);
    }
    const QList<qint64> before = idsOf(repository.list(query).value());
    QCOMPARE(before, scannedIds(repository, query).mid(1'495, 10));
    QCOMPARE(before.size(), 5);
    QCOMPARE(query.nameProbe->blocks.size(), 4); // blocks 0 to 3, read in the snapshot
    // A run of block 3 renamed "Late …": it sorts after every "late run …", on this page.
    QVERIFY(repository.rename(3 * kBlock + 5, u"Late zzz"_s).ok());
    const QList<qint64> after = idsOf(repository.list(query).value());
    QCOMPARE(after, scannedIds(repository, query).mid(1'495, 10));
    QCOMPARE(after.size(), 6);
    QCOMPARE(after.last(), 3 * kBlock + 5);
}

void TestListing::aProbeServesPlansWithOtherThresholds()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    // 12,000 runs: "Sev" in every seventh name (1,714), "Mid" in 400, "Rare" in 60.
    const QString added = addRunsBySql(
        database, 12'000,
        u"CASE WHEN i % 7 = 0 THEN 'Sev ' WHEN i % 30 = 1 THEN 'Mid ' WHEN i % 200 = 2 "
        "THEN 'Rare ' ELSE 'Run ' END || i"_s,
        u"'finished'"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    SimulationRepository repository(database);
    // Whether the second plan, for a page of fewer rows (a lower threshold), counted again.
    const auto secondProbe = [&](const QString &text, bool *countedAgain) {
        const auto memo = std::make_shared<NameProbe>();
        SimulationQuery first;
        first.orderBy = OrderBy::Name;
        first.nameContains = text;
        first.limit = 300;
        first.nameProbe = memo;
        NameSearch wide(database, text, memo);
        QVERIFY(wide.planPage(first).ok());
        SimulationQuery second = first;
        second.limit = 100;
        NameSearch narrow(database, text, memo);
        QVERIFY(narrow.planPage(second).ok());
        QVERIFY2(narrow.threshold() < wide.threshold(), qPrintable(text));
        *countedAgain = narrow.counted() != wide.counted();
        const QList<qint64> scanned = scannedIds(repository, second);
        // SQLite's probe counts: selective where the lower threshold holds every match.
        if (!database.isPostgreSql())
            QCOMPARE(narrow.isSelective(), scanned.size() <= narrow.threshold());
        // The pages, with the memo shared as a request shares it, are the scan's.
        QCOMPARE(idsOf(repository.list(second).value()), scanned.mid(0, 100));
        second.offset = 150;
        QCOMPARE(idsOf(repository.list(second).value()), scanned.mid(150, 100));
    };
    // SQLite's probe counts: more matches than the higher threshold are more than the lower
    // one too, and all of fewer than the lower one are all. PostgreSQL's planner's estimate is
    // asked for each threshold.
    bool again = false;
    secondProbe(u"sev"_s, &again);
    QCOMPARE(again, database.isPostgreSql());
    secondProbe(u"rare"_s, &again);
    QCOMPARE(again, database.isPostgreSql());
    // All 400 counted under the higher threshold, more than the lower one: counted again.
    secondProbe(u"mid"_s, &again);
    QVERIFY(again);
}

void TestListing::aDeepPageOfEveryMatchIsReadAtItsOffset()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    // 12,000 runs, "Sel" in every eighth name (1,500): few enough that a page by loss reads
    // every match and sorts them.
    const QString added
        = addRunsBySql(database, 12'000, u"CASE WHEN i % 8 = 0 THEN 'Sel ' ELSE 'Run ' END || i"_s,
                       u"CASE WHEN i % 3 = 0 THEN 'failed' ELSE 'finished' END"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    SimulationRepository repository(database);
    // By loss, and by progress, whose key PostgreSQL reads back as text.
    for (const auto &[orderBy, descending] :
         {std::pair(OrderBy::FinalLoss, false), std::pair(OrderBy::FinalLoss, true),
          std::pair(OrderBy::Progress, false), std::pair(OrderBy::Progress, true)}) {
        SimulationQuery query;
        query.orderBy = orderBy;
        query.descending = descending;
        query.nameContains = u"SEL"_s;
        query.limit = 50;
        query.offset = SimulationLister::kDeepOffset + 200;
        query.nameProbe = std::make_shared<NameProbe>();
        {
            NameSearch search(database, query.nameContains, query.nameProbe);
            QVERIFY(search.planPage(query).ok());
            QVERIFY(search.readsEveryMatch());
            // SQLite's probe counted the matches of the name alone: the page need not count
            // them again; PostgreSQL's planner estimated them, and the page counts them.
            const SimulationListQuery list(query, database.isPostgreSql(), &search);
            QCOMPARE(list.countsEveryMatch(), database.isPostgreSql());
            // With another filter the page counts its own.
            SimulationQuery failed = query;
            failed.status = SimulationStatus::Failed;
            NameSearch failedSearch(database, failed.nameContains);
            QVERIFY(failedSearch.planPage(failed).ok());
            QVERIFY(failedSearch.readsEveryMatch());
            QVERIFY(SimulationListQuery(failed, database.isPostgreSql(), &failedSearch)
                        .countsEveryMatch());
        }
        const QList<qint64> scanned = scannedIds(repository, query);
        QCOMPARE(scanned.size(), 1'500);
        // The page, read at its offset, and the count it took on the way, kept for the query
        // while the page's own plan probed the text.
        query.nameProbe = std::make_shared<NameProbe>();
        QCOMPARE(idsOf(repository.list(query).value()), scanned.mid(1'200, 50));
        QCOMPARE(query.nameProbe->queryMatches, 1'500);
        const auto counted = SimulationCounter(database).count(query, true);
        QVERIFY(counted.ok() && counted->exact);
        QCOMPARE(counted->runs, 1'500);
        // Without a memo of its own the page is the same.
        query.nameProbe.reset();
        QCOMPARE(idsOf(repository.list(query).value()), scanned.mid(1'200, 50));
        // Past the last match: an empty page.
        query.offset = 1'500;
        QVERIFY(repository.list(query).value().isEmpty());
    }
}

// A page of a name past SimulationLister::kDeepOffset, in its first half, is read at its offset
// in as many statements as a page nearer the start, not through the row before it and the page
// after that row: a text in every name (walked) and one in every other (its blocks weighed
// against the walk), alone, in the name, update and creation orders both ways. Every page equals
// the scan's, from the start, from the end with the count given, and past the last row.
void TestListing::aDeepPageOfANameIsReadInOneStatement()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    constexpr qint64 kRuns = 3 * SimulationBlocks::kIds;
    const QString added = addRunsBySql(
        database, kRuns,
        u"'Run-' || (100000000 + i) || CASE WHEN i % 2 = 0 THEN '-even' ELSE '' END"_s,
        u"'finished'"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    QVERIFY(analyzeEveryName(database));
    SimulationRepository repository(database);
    // The statements a page sends, in one snapshot as a request's.
    const auto sentFor
        = [&database, &repository](const SimulationQuery &query, QList<qint64> *ids) {
              const sql::ReadSnapshot snapshot(database);
              const quint64 before = sql::statementsSent();
              const auto page = repository.list(query);
              *ids = page.ok() ? idsOf(page.value()) : QList<qint64>({-1});
              return sql::statementsSent() - before;
          };
    for (const QString &text : {u"RUN"_s, u"EVEN"_s}) {
        for (const OrderBy orderBy : {OrderBy::Name, OrderBy::UpdateDate, OrderBy::CreationDate}) {
            for (const bool descending : {false, true}) {
                auto [query, what] = namePage(orderBy, descending, text, 100, text);
                const QList<qint64> scanned = scannedIds(repository, query);
                QCOMPARE(scanned.size(), text == u"RUN"_s ? kRuns : kRuns / 2);
                QVERIFY(scanned.size() > 2 * (SimulationLister::kDeepOffset + 900));
                QList<qint64> shallowIds;
                QList<qint64> deepIds;
                query.offset = SimulationLister::kDeepOffset - 100;
                query.nameProbe = std::make_shared<NameProbe>();
                const quint64 shallow = sentFor(query, &shallowIds);
                query.offset = SimulationLister::kDeepOffset + 900;
                query.nameProbe = std::make_shared<NameProbe>();
                const quint64 deep = sentFor(query, &deepIds);
                QVERIFY2(shallowIds == scanned.mid(SimulationLister::kDeepOffset - 100, 100),
                         qPrintable(what));
                QVERIFY2(deepIds == scanned.mid(query.offset, 100), qPrintable(what));
                QVERIFY2(deep <= shallow,
                         qPrintable(what
                                    + u": %1 statements, %2 at a shallow offset"_s.arg(deep).arg(
                                        shallow)));
                query.nameProbe.reset();
                // From the end, with the count given (the row before is nearer there), and past
                // the last row.
                for (const qint64 offset : {qint64(scanned.size() - 150), qint64(scanned.size())}) {
                    SimulationQuery counted = query;
                    counted.offset = offset;
                    counted.matches = scanned.size();
                    const auto page = repository.list(counted);
                    QVERIFY2(page.ok() && idsOf(page.value()) == scanned.mid(offset, 100),
                             qPrintable(what + u" at "_s + QString::number(offset)));
                }
            }
        }
    }
}

void TestListing::aDeepPageKeepsTheCountItsRowBeforeTook()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    // 30,000 runs named in id order, "-sel" after every twentieth name (1,500): on SQLite the
    // row before a page at offset 1,100 by name counts every match (its threshold is the
    // offset's rows) and reads the blocks that hold it; the page after that row probes with
    // the threshold of its own 50 rows, below the matches.
    const QString added = addRunsBySql(
        database, 30'000,
        u"'Run-' || (100000000 + i) || CASE WHEN i % 20 = 0 THEN '-sel' ELSE '' END"_s,
        u"'finished'"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    SimulationRepository repository(database);
    for (const OrderBy orderBy : {OrderBy::Name, OrderBy::UpdateDate}) {
        SimulationQuery query;
        query.orderBy = orderBy;
        query.nameContains = u"SEL"_s;
        query.limit = 50;
        query.offset = SimulationLister::kDeepOffset + 100;
        const QList<qint64> scanned = scannedIds(repository, query);
        QCOMPARE(scanned.size(), 1'500);
        query.nameProbe = std::make_shared<NameProbe>();
        QCOMPARE(idsOf(repository.list(query).value()), scanned.mid(1'100, 50));
        // The count of the request (X-Total-Count) is the one taken, exact, on SQLite. On
        // PostgreSQL the planner expects more matches than the row before's threshold: the
        // page walks, and the count is estimated, and says so.
        const auto counted = SimulationCounter(database).count(query, true);
        QVERIFY(counted.ok());
        QVERIFY2(counted->exact || database.isPostgreSql(),
                 qPrintable(QString::number(counted->runs)));
        if (counted->exact)
            QCOMPARE(counted->runs, 1'500);
    }
}

// A name in a fiftieth of the runs, too many to read them all for a page: the page reads the
// matches of the blocks that hold it, on PostgreSQL from the trigram index keyed by block
// (migration 030), in every order whose keys follow the ids.
void TestListing::aCommonNameReadsTheMatchesOfTheBlocksThatHoldThePage()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    constexpr qint64 kBlock = SimulationBlocks::kIds;
    constexpr qint64 kRuns = 8 * kBlock + 100;
    // "-zed" after every 50th name (657 of 32,868), named, created and updated in id order.
    const QString added = addRunsBySql(
        database, kRuns,
        u"'Run-' || (100000000 + i) || CASE WHEN i % 50 = 0 THEN '-zed' ELSE '' END"_s,
        u"'finished'"_s, u"1000 + i * 1000"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    SimulationRepository repository(database);
    QSqlQuery explain(database.connection());
    QVERIFY(analyzeEveryName(database));
    const auto compareAll = [&](const QString &when) {
        for (const OrderBy orderBy : {OrderBy::CreationDate, OrderBy::Name, OrderBy::UpdateDate}) {
            for (const bool descending : {false, true}) {
                const auto [query, what] = namePage(orderBy, descending, u"ZED"_s, 40, when);
                NameSearch search(database, query.nameContains);
                QVERIFY2(search.planPage(query).ok(), qPrintable(what));
                QVERIFY2(!search.isSelective(), qPrintable(what));
                if (database.isPostgreSql() && !search.matchSpans()) {
                    // The blocks' spans of update dates reach a minute into their
                    // neighbours': two blocks' matches cost about what the walk does.
                    QVERIFY2(orderBy == OrderBy::UpdateDate, qPrintable(what));
                } else if (database.isPostgreSql()) {
                    // A block at each end holds 81 or more: one or two blocks are read, and
                    // by update date the block whose span reaches a minute into the second's.
                    qint64 ids = 0;
                    for (const NameSearch::KeySpan &span : *search.matchSpans())
                        ids += span.last - span.first + 1;
                    QVERIFY2(ids <= (orderBy == OrderBy::UpdateDate ? 3 : 2) * kBlock,
                             qPrintable(what + u": "_s + QString::number(ids)));
                    // The index keyed by block serves the condition of one or two blocks (the
                    // planner would rather scan a table this small; with a third block of its
                    // 32,868 runs it takes the trigrams alone and checks the blocks).
                    const auto statements = SimulationListQuery(query, true, &search)
                                                .selects(u"simulation_id"_s, query.limit);
                    QCOMPARE(statements.size(), 1);
                    const std::optional<QString> text
                        = sql::withLiterals(*explain.driver(), statements.constFirst().text,
                                            statements.constFirst().values);
                    QVERIFY(text);
                    QVERIFY(explain.exec(u"SET enable_seqscan = off"_s));
                    QVERIFY2(explain.exec(u"EXPLAIN "_s + *text), qPrintable(what));
                    QStringList plan;
                    while (explain.next())
                        plan << explain.value(0).toString();
                    QVERIFY(explain.exec(u"RESET enable_seqscan"_s));
                    const QString lines = plan.join(u'\n');
                    QVERIFY2(
                        ids > 2 * kBlock
                            || (lines.contains(u"simulations_name_trgm_idx"_s)
                                && lines.contains(u"Index Cond: (((simulation_id / 4096) = ANY"_s)
                                && !lines.contains(u"Seq Scan"_s)),
                        qPrintable(what + u"\n"_s + lines));
                } else {
                    QVERIFY2(search.matchSpans() || search.readsMatchesInIdOrder(),
                             qPrintable(what));
                }
                const QList<qint64> scanned = scannedIds(repository, query);
                QVERIFY2(scanned.size() == 657, qPrintable(what));
                QVERIFY2(pagedIds(repository, query) == scanned, qPrintable(what));
                for (const qint64 offset : {qint64(0), qint64(150), qint64(scanned.size() - 30)}) {
                    SimulationQuery page = query;
                    page.offset = offset;
                    const auto read = repository.list(page);
                    QVERIFY2(read.ok(), qPrintable(what));
                    QVERIFY2(idsOf(read.value()) == scanned.mid(offset, 40),
                             qPrintable(what + u" at "_s + QString::number(offset)));
                }
            }
        }
    };
    compareAll(u"in id order"_s);
    // Under a machine: every "-zed" run is on machine 1 (even ids), none on machine 2. On
    // PostgreSQL the blocks' matches are counted under the machine too.
    for (const qint64 machine : {1, 2}) {
        for (const OrderBy orderBy : {OrderBy::CreationDate, OrderBy::Name, OrderBy::UpdateDate}) {
            for (const bool descending : {false, true}) {
                auto [query, what] = namePage(orderBy, descending, u"zed"_s, 40,
                                              u"machine "_s + QString::number(machine));
                query.machineId = machine;
                NameSearch search(database, query.nameContains);
                QVERIFY2(search.planPage(query).ok(), qPrintable(what));
                // In creation order, where the blocks follow it, the page reads windows of
                // whole blocks instead (NameSearch::matchWindows).
                if (database.isPostgreSql() && machine == 1 && orderBy == OrderBy::CreationDate)
                    QVERIFY2(!search.matchWindows().isEmpty(), qPrintable(what));
                const QList<qint64> scanned = scannedIds(repository, query);
                QCOMPARE(scanned.size(), machine == 1 ? 657 : 0);
                QVERIFY2(pagedIds(repository, query) == scanned, qPrintable(what));
                QVERIFY2(pagedIds(repository, query, false) == scanned, qPrintable(what));
            }
        }
    }
    // Renamed out of order, deleted and added: the blocks' spans widen, and the pages follow.
    QSqlQuery change(database.connection());
    QVERIFY(change.exec(u"UPDATE simulations SET name = 'AAA-zed', name_folded = 'aaa-zed', "
                        "name_key = 'aaa-zed' WHERE simulation_id = %1"_s.arg(kRuns - 3)));
    QVERIFY(change.exec(u"DELETE FROM simulations WHERE simulation_id BETWEEN 30 AND 4000"_s));
    for (int i = 0; i < 3; ++i)
        QVERIFY(repository.create(run(u"late-zed-%1"_s.arg(i), 1)).ok());
    for (const OrderBy orderBy : {OrderBy::CreationDate, OrderBy::Name, OrderBy::UpdateDate}) {
        for (const bool descending : {false, true}) {
            const auto [query, what] = namePage(orderBy, descending, u"zed"_s, 40, u"changed"_s);
            const QList<qint64> scanned = scannedIds(repository, query);
            QCOMPARE(scanned.size(), 657 - 80 + 1 + 3);
            QVERIFY2(pagedIds(repository, query) == scanned, qPrintable(what));
            QVERIFY2(pagedIds(repository, query, false) == scanned, qPrintable(what));
        }
    }
}

// PostgreSQL: a page whose rows lie beyond many blocks that hold the text a time or two each
// would count them one by one, a seek of the trigram index each: every block is counted in one
// statement instead, and that count of every match is the query's, exact.
void TestListing::aPageBeyondManySparseBlocksCountsEveryBlockAtOnce()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    constexpr qint64 kBlock = SimulationBlocks::kIds;
    constexpr qint64 kRuns = 40 * kBlock;
    // Named, created and updated in id order: "-hot" once in each block (an odd id, machine 2)
    // but blocks 20 to 24, where every tenth name bears it (even ids, machine 1): 35 and 2,048
    // of 163,840.
    const QString added = addRunsBySql(
        database, kRuns,
        u"'Run-' || (100000000 + i) || CASE WHEN i / %1 BETWEEN 20 AND 24 AND i % 10 = 0 "
        "THEN '-hot' WHEN i / %1 NOT BETWEEN 20 AND 24 AND i % %1 = 7 THEN '-hot' "
        "ELSE '' END"_s.arg(kBlock),
        u"'finished'"_s, u"1000 + i * 1000"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    SimulationRepository repository(database);
    QVERIFY(analyzeEveryName(database));
    for (const std::optional<qint64> machine :
         {std::optional<qint64>(), std::optional<qint64>(1)}) {
        for (const OrderBy orderBy : {OrderBy::CreationDate, OrderBy::Name, OrderBy::UpdateDate}) {
            for (const bool descending : {false, true}) {
                auto [query, what] = namePage(orderBy, descending, u"HOT"_s, 20,
                                              machine ? u"machine 1"_s : u"any machine"_s);
                query.machineId = machine;
                const QList<qint64> scanned = scannedIds(repository, query);
                QCOMPARE(scanned.size(), machine ? 2'048 : 2'048 + 35);
                // Past the sparse blocks at either end, among the dense ones.
                query.offset = 30;
                query.nameProbe = std::make_shared<NameProbe>();
                const auto page = repository.list(query);
                QVERIFY2(page.ok(), qPrintable(what));
                QVERIFY2(idsOf(page.value()) == scanned.mid(30, 20), qPrintable(what));
                SimulationQuery every = query;
                every.offset = 0;
                every.limit = 100;
                every.nameProbe.reset();
                QVERIFY2(pagedIds(repository, every) == scanned, qPrintable(what));
                if (!database.isPostgreSql() || orderBy == OrderBy::UpdateDate)
                    continue; // SQLite's FTS5 counts a block in microseconds
                // The page reads the blocks that hold it, or walks the order's index over their
                // ids, every block counted: the query's count, exact.
                SimulationQuery planned = query;
                planned.nameProbe = std::make_shared<NameProbe>();
                NameSearch search(database, planned.nameContains, planned.nameProbe);
                QVERIFY2(search.planPage(planned).ok(), qPrintable(what));
                if (machine && orderBy == OrderBy::CreationDate) {
                    // Under a machine in creation order the page reads windows of whole blocks
                    // from its end (NameSearch::matchWindows), which count nothing: the count
                    // is read by itself.
                    QVERIFY2(!search.matchWindows().isEmpty() && !search.queryMatches(),
                             qPrintable(what));
                    const auto counted = SimulationCounter(database).count(query, false);
                    QVERIFY2(counted.ok() && counted->exact && counted->runs == scanned.size(),
                             qPrintable(what));
                    continue;
                }
                const std::optional<NameSearch::KeySpan> &walked = search.walkIds();
                QVERIFY2(!search.readsEveryMatch()
                             && (search.matchSpans()
                                 || (walked && walked->last - walked->first < 2 * kBlock)),
                         qPrintable(what));
                QVERIFY2(search.queryMatches() == scanned.size(),
                         qPrintable(what + u": "_s
                                    + QString::number(search.queryMatches().value_or(-1))));
                const auto counted = SimulationCounter(database).count(query, true);
                QVERIFY2(counted.ok() && counted->exact && counted->runs == scanned.size(),
                         qPrintable(what));
            }
        }
    }
}

// A text of three characters is one of the characters the blocks gather, with the number of
// names that hold it (migration 033): a deep page among its matches is placed by those counts,
// its blocks' matches not counted again, and the counts tell the query's. A run added,
// deleted, renamed or given another id leaves its block to gather afresh: until then the
// block's matches are counted as before, and the pages stay those a scan lists.
void TestListing::aTextOfThreeCharactersIsPlacedByItsBlocksCounts()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    constexpr qint64 kBlock = SimulationBlocks::kIds;
    constexpr qint64 kRuns = 8 * kBlock;
    // Named, created and updated in id order: "-qzx" in every 20th name, 1,638 of 32,768.
    const QString added = addRunsBySql(
        database, kRuns,
        u"'Run-' || (100000000 + i) || CASE WHEN i % 20 = 7 THEN '-qzx' ELSE '' END"_s,
        u"'finished'"_s, u"1000 + i * 1000"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    QVERIFY(analyzeEveryName(database));
    SimulationRepository repository(database);
    QSqlQuery change(database.connection());
    // Every deep page, in each order the blocks place, equals the scan's rows at its offset;
    // where asked, planned from the blocks, every block counted by its gathered count.
    const auto pagesAreTheScans = [&](const QString &when, bool planned,
                                      const QList<OrderBy> &orders
                                      = {OrderBy::CreationDate, OrderBy::Name,
                                         OrderBy::UpdateDate}) {
        for (const OrderBy orderBy : orders) {
            for (const bool descending : {false, true}) {
                auto [query, what] = namePage(orderBy, descending, u"QZX"_s, 20, when);
                const QList<qint64> scanned = scannedIds(repository, query);
                QVERIFY2(scanned.size() > 1'000, qPrintable(what));
                // The query's count, exact, from the blocks' counts.
                const auto counted = SimulationCounter(database).count(query, true);
                QVERIFY2(counted.ok() && counted->exact && counted->runs == scanned.size(),
                         qPrintable(what + u": "_s
                                    + QString::number(counted.ok() ? counted->runs : -1)));
                // As the API asks: the first page, then the count, sharing the query's probe;
                // on a database object of its own, which has kept no estimate of the text, so
                // that on PostgreSQL the page's plan reads the blocks' count and the count takes
                // it from the probe.
                Database own(db->url());
                SimulationQuery first = query;
                first.offset = 0;
                first.nameProbe = std::make_shared<NameProbe>();
                QVERIFY2(SimulationRepository(own).list(first).ok(), qPrintable(what));
                const auto afterPage = SimulationCounter(own).count(first, true);
                QVERIFY2(afterPage.ok() && afterPage->exact && afterPage->runs == scanned.size(),
                         qPrintable(what + u", after its first page: "_s
                                    + QString::number(afterPage.ok() ? afterPage->runs : -1)));
                for (const qint64 offset : {qint64(700), scanned.size() - 30}) {
                    query.offset = offset;
                    query.nameProbe = std::make_shared<NameProbe>();
                    const auto page = repository.list(query);
                    QVERIFY2(page.ok(), qPrintable(what));
                    QVERIFY2(idsOf(page.value()) == scanned.mid(offset, 20),
                             qPrintable(what + u" at offset "_s + QString::number(offset)));
                    // SQLite reads a name's matches in creation order from FTS5, in id order.
                    if (!planned || (orderBy == OrderBy::CreationDate && !database.isPostgreSql()))
                        continue;
                    NameSearch search(database, query.nameContains, std::make_shared<NameProbe>());
                    QVERIFY2(search.planPage(query).ok(), qPrintable(what));
                    QVERIFY2(search.matchSpans() && !search.readsEveryMatch(), qPrintable(what));
                    QVERIFY2(search.queryMatches() == scanned.size(), qPrintable(what));
                }
            }
        }
    };
    const auto gatherAll = [&database] {
        const auto gathered = SimulationBlocks::foldGrams(database, 1'000, true);
        return gathered.ok();
    };
    pagesAreTheScans(u"as filled"_s, true);
    // A count the page trusts: made wrong by hand in a block wholly before the page, the page
    // moves by as many rows; gathered afresh, it is right again.
    QVERIFY2(change.exec(u"UPDATE simulation_block_grams SET names = names + 3 "
                         "WHERE gram = 'qzx' AND block = 1"_s),
             qPrintable(change.lastError().text()));
    {
        auto [query, what] = namePage(OrderBy::Name, false, u"QZX"_s, 20, u"miscounted"_s);
        const QList<qint64> scanned = scannedIds(repository, query);
        query.offset = 700;
        query.nameProbe = std::make_shared<NameProbe>();
        const auto page = repository.list(query);
        QVERIFY(page.ok());
        QCOMPARE(idsOf(page.value()), scanned.mid(697, 20));
    }
    QVERIFY2(change.exec(u"UPDATE simulation_blocks SET grams_pending = 1 WHERE block = 1"_s),
             qPrintable(change.lastError().text()));
    QVERIFY(gatherAll());
    compareBlocksWithTheTable(database);
    pagesAreTheScans(u"gathered afresh"_s, true);
    // Every kind of change to a name, each leaving its block to gather: the pages stay right
    // before and after.
    const QStringList changes {
        u"DELETE FROM simulations WHERE simulation_id = %1"_s.arg(kBlock + 11),
        u"UPDATE simulations SET name = 'plain', name_folded = 'plain', name_key = 'plain' "
        "WHERE simulation_id = %1"_s.arg(2 * kBlock + 15),
        u"UPDATE simulations SET name = 'Now QZX', name_folded = 'now qzx', "
        "name_key = 'now qzx' WHERE simulation_id = %1"_s.arg(3 * kBlock + 1),
        u"UPDATE simulations SET simulation_id = %1 WHERE simulation_id = %2"_s.arg(
            QString::number(kRuns + 5), QString::number(4 * kBlock + 3)),
        u"INSERT INTO simulations (simulation_id, name, name_folded, name_key, machine_id, "
        "status, creation_date, update_date, points_total) VALUES (%1, 'Late qzx', 'late qzx', "
        "'late qzx', 2, 'failed', 1000 + %1, 1000 + %1 * 1000, 10)"_s.arg(kRuns + 9)};
    for (const QString &statement : changes) {
        QVERIFY2(change.exec(statement), qPrintable(change.lastError().text()));
        QVERIFY(change.exec(u"SELECT COUNT(*) FROM simulation_blocks WHERE grams_pending > 0"_s));
        QVERIFY(change.next());
        QVERIFY2(change.value(0).toLongLong() > 0, qPrintable(statement));
        pagesAreTheScans(statement, false, {OrderBy::Name});
        QVERIFY(gatherAll());
        compareBlocksWithTheTable(database);
    }
    pagesAreTheScans(u"every change gathered"_s, false);
    // A whole block deleted: SQLite drops its row and keeps its characters' rows, which no
    // count may read.
    QVERIFY2(change.exec(u"DELETE FROM simulations WHERE simulation_id / %1 = 6"_s.arg(kBlock)),
             qPrintable(change.lastError().text()));
    QVERIFY(gatherAll());
    compareBlocksWithTheTable(database);
    pagesAreTheScans(u"a block deleted"_s, false);
}

// PostgreSQL: the planner counts a text its statistics do not show at its floor (a hundredth of
// a percent of the runs), whatever its matches. A page that reads every match on that count
// reads at most the plan's threshold of them and one: where it finds that many, the text is
// taken to have more (kept for its next searches), and the page is planned again, from the
// blocks. A text that has few is read whole and counted exactly, as before.
void TestListing::aTextAtThePlannersFloorReadsNoMoreMatchesThanItsPlanAllows()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    constexpr qint64 kRuns = 12 * SimulationBlocks::kIds;
    // Named, created and updated in id order, the statistics read before any name bears "-zed"
    // (then every 20th: 2,457 of 49,152) or "-yak" (three).
    const QString added = addRunsBySql(database, kRuns, u"'Run-' || (100000000 + i)"_s,
                                       u"'finished'"_s, u"1000 + i * 1000"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    QSqlQuery change(database.connection());
    const auto rename = [&change](const QString &word, const QString &which) {
        return change.exec(u"UPDATE simulations SET name = name || '%1', "
                           "name_folded = name_folded || '%1', name_key = name_key || '%1' "
                           "WHERE %2"_s.arg(word, which));
    };
    QVERIFY2(rename(u"-zed"_s, u"simulation_id % 20 = 0"_s), qPrintable(change.lastError().text()));
    QVERIFY2(rename(u"-yak"_s, u"simulation_id IN (5, 25001, 49000)"_s),
             qPrintable(change.lastError().text()));
    SimulationRepository repository(database);
    for (const OrderBy orderBy : {OrderBy::Name, OrderBy::CreationDate, OrderBy::UpdateDate}) {
        for (const bool descending : {false, true}) {
            auto [query, what] = namePage(orderBy, descending, u"ZED"_s, 100, u"-zed"_s);
            const QList<qint64> scanned = scannedIds(repository, query);
            QCOMPARE(scanned.size(), kRuns / 20);
            // Each database object keeps its own estimates: this one has none yet.
            Database unkept(db->url());
            query.nameProbe = std::make_shared<NameProbe>();
            if (database.isPostgreSql()) {
                NameSearch blind(unkept, query.nameContains);
                QVERIFY2(blind.planPage(query).ok(), qPrintable(what));
                QVERIFY2(blind.readsEveryMatch(), qPrintable(what));
                QVERIFY2(
                    blind.everyMatchBound(query) == blind.threshold() + 1
                        && blind.threshold() < scanned.size(),
                    qPrintable(what + u": "_s + QString::number(blind.everyMatchBound(query))));
            }
            const auto page = SimulationRepository(unkept).list(query);
            QVERIFY2(page.ok(), qPrintable(what));
            QVERIFY2(idsOf(page.value()) == scanned.mid(0, 100), qPrintable(what));
            if (database.isPostgreSql()) {
                // The page found more matches than its threshold: the memo and the estimates
                // kept for the text say so, and its plans read the blocks that hold a page.
                QVERIFY2(query.nameProbe->matches > query.nameProbe->counted, qPrintable(what));
                NameSearch again(unkept, query.nameContains);
                QVERIFY2(again.planPage(query).ok(), qPrintable(what));
                QVERIFY2(!again.isSelective() && again.everyMatchBound(query) == 0,
                         qPrintable(what));
                QVERIFY2(orderBy == OrderBy::UpdateDate || again.matchSpans(), qPrintable(what));
                // In the status order, which no blocks place, every match is read as before.
                SimulationQuery byStatus = query;
                byStatus.orderBy = OrderBy::Status;
                NameSearch elsewhere(unkept, byStatus.nameContains);
                QVERIFY2(elsewhere.planPage(byStatus).ok() && elsewhere.readsEveryMatch(),
                         qPrintable(what));
                // Counted as an estimate of at least that many, or exactly.
                const auto counted = SimulationCounter(unkept).count(query, true);
                QVERIFY2(counted.ok()
                             && (counted->exact ? counted->runs == scanned.size()
                                                : counted->runs > again.threshold()),
                         qPrintable(what));
            }
            query.nameProbe.reset();
            QVERIFY2(pagedIds(repository, query) == scanned, qPrintable(what));
            for (const qint64 offset : {qint64(300), qint64(scanned.size() - 40)}) {
                SimulationQuery deep = query;
                deep.offset = offset;
                Database fresh(db->url());
                const auto read = SimulationRepository(fresh).list(deep);
                QVERIFY2(read.ok() && idsOf(read.value()) == scanned.mid(offset, 100),
                         qPrintable(what + u" at "_s + QString::number(offset)));
            }
        }
    }
    // Once the blocks have gathered their names, a text of three characters is counted by them,
    // exactly, whatever the planner's statistics say: its pages are planned on that count from
    // the first (the blocks that hold the page, no bounded read of every match), and in the
    // status order read group by group, in windows of ids.
    if (database.isPostgreSql()) {
        QVERIFY(SimulationBlocks::foldGrams(database, 1'000, true).ok());
        compareBlocksWithTheTable(database);
        Database counted(db->url());
        auto [query, what] = namePage(OrderBy::Name, false, u"ZED"_s, 100, u"gathered"_s);
        NameSearch search(counted, query.nameContains);
        QVERIFY2(search.planPage(query).ok(), qPrintable(what));
        QVERIFY2(!search.readsEveryMatch() && search.everyMatchBound(query) == 0
                     && search.matchSpans(),
                 qPrintable(what));
        SimulationQuery byStatus = query;
        byStatus.orderBy = OrderBy::Status;
        const Result<bool> grouped = SimulationLister(counted).readsGroupByGroup(byStatus);
        QVERIFY2(grouped.ok() && grouped.value(), qPrintable(what));
        const auto page = SimulationRepository(counted).list(byStatus);
        QVERIFY2(page.ok(), qPrintable(what));
        QCOMPARE(idsOf(page.value()), scannedIds(repository, byStatus).mid(0, 100));
    }
    // Few matches at the floor: read whole, counted by the page. Under a machine, or in the
    // status order, every match is read as before (no blocks to plan it from otherwise).
    auto [few, what] = namePage(OrderBy::Name, false, u"yak"_s, 100, u"-yak"_s);
    few.nameProbe = std::make_shared<NameProbe>();
    Database unkept(db->url());
    QCOMPARE(idsOf(SimulationRepository(unkept).list(few).value()),
             QList<qint64>({5, 25001, 49000}));
    if (database.isPostgreSql()) {
        QCOMPARE(few.nameProbe->queryMatches, 3);
        NameSearch read(unkept, few.nameContains);
        QVERIFY(read.planPage(few).ok());
        QVERIFY(read.readsEveryMatch() && read.everyMatchBound(few) > 0);
        for (const bool filtered : {true, false}) {
            SimulationQuery other = few;
            other.orderBy = filtered ? OrderBy::Name : OrderBy::Status;
            other.machineId = filtered ? std::optional<qint64>(2) : std::nullopt;
            NameSearch planned(unkept, other.nameContains);
            QVERIFY(planned.planPage(other).ok());
            QVERIFY(planned.readsEveryMatch() && planned.everyMatchBound(other) == 0);
        }
    }
}

void TestListing::aFirstWindowHoldsThePageByTheBlocksCounts()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    constexpr qint64 kBlock = SimulationBlocks::kIds;
    constexpr qint64 kRuns = 12 * kBlock;
    // Created in id order, all finished, on machines 1 (even ids) and 2 (odd) in turn. "-qxv" in
    // every 200th name of blocks 0 to 9 (about 20 a block, machine 2) and in every 16th of
    // blocks 10 and 11 (256 each, machine 1): about 59 a block on average, far fewer at the
    // start. "-dnz" in every 400th name of blocks 0 to 10 (about 10 a block, machine 2) and in
    // every other one of block 11 (2,048, machine 1). The blocks gathered.
    const QString added = addRunsBySql(
        database, kRuns,
        u"'Run-' || (100000000 + i) || CASE WHEN (i / %1 < 10 AND i % 200 = 3) "
        "OR (i / %1 >= 10 AND i % 16 = 2) THEN '-qxv' ELSE '' END || CASE WHEN "
        "(i / %1 < 11 AND i % 400 = 7) OR (i / %1 = 11 AND i % 2 = 0) THEN '-dnz' ELSE '' END"_s
            .arg(kBlock),
        u"'finished'"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    compareBlocksWithTheTable(database);
    SimulationRepository repository(database);
    const bool postgreSql = database.isPostgreSql();
    // The first window of a page of query's, where the page reads windows (PostgreSQL).
    const auto firstWindow = [&database](const SimulationQuery &query) {
        NameSearch search(database, query.nameContains);
        const bool planned = search.planPage(query).ok();
        return planned && !search.matchWindows().isEmpty()
            ? std::optional(search.matchWindows().constFirst().ids)
            : std::nullopt;
    };
    const auto spanText = [](const std::optional<NameSearch::KeySpan> &span) {
        return span ? QString::number(span->first) + u".."_s + QString::number(span->last)
                    : u"none"_s;
    };
    const auto samePages = [&repository](const SimulationQuery &query, const QString &what) {
        const QList<qint64> scanned = scannedIds(repository, query);
        QVERIFY2(scanned.size() > 100, qPrintable(what));
        const auto page = repository.list(query);
        QVERIFY2(page.ok(), qPrintable(what));
        QVERIFY2(idsOf(page.value()) == scanned.mid(0, query.limit), qPrintable(what));
        QVERIFY2(pagedIds(repository, query) == scanned, qPrintable(what));
        QVERIFY2(pagedIds(repository, query, false) == scanned, qPrintable(what));
    };
    for (const bool descending : {false, true}) {
        SimulationQuery query;
        query.orderBy = OrderBy::Status;
        query.descending = descending;
        query.nameContains = u"QXV"_s;
        query.limit = 100;
        const QString what = descending ? u"by status, last first"_s : u"by status"_s;
        if (postgreSql) {
            // The group of finished runs is read in windows of ids; the first holds the page's
            // rows by the blocks' counts, half as many again: from the start the first eight
            // blocks (about 20 each), from the end the last one (with the newest block's single
            // run), where the text's average over the blocks would have taken three blocks.
            QVERIFY2(SimulationLister(database).readsGroupByGroup(query).value(), qPrintable(what));
            SimulationQuery group = query;
            group.status = SimulationStatus::Finished;
            const std::optional<NameSearch::KeySpan> first = firstWindow(group);
            const QString span = what + u": "_s + spanText(first);
            if (descending)
                QVERIFY2(first && first->first == 11 * kBlock && first->last == kRuns,
                         qPrintable(span));
            else
                QVERIFY2(first && first->first == 1 && first->last == 8 * kBlock - 1,
                         qPrintable(span));
            // A text the block that fills the page holds densely, with few ids before it: the
            // page walks to it. With many ids before it, the window reads it.
            group.nameContains = u"dnz"_s;
            const std::optional<NameSearch::KeySpan> dense = firstWindow(group);
            QVERIFY2(dense.has_value() == !descending,
                     qPrintable(what + u", dense: "_s + spanText(dense)));
        }
        samePages(query, what);
        query.nameContains = u"dnz"_s;
        samePages(query, what + u", dense"_s);
    }
    // In creation order under a machine, the windows are whole blocks in creation order: the
    // first of machine 2's newest runs that bear "qxv" (none in blocks 10 and 11) holds what
    // the blocks' counts put there (256 each, those of machine 1), the next ones the rest.
    for (const qint64 machine : {1, 2}) {
        for (const bool descending : {false, true}) {
            auto [query, what] = namePage(OrderBy::CreationDate, descending, u"qxv"_s, 30,
                                          u"machine "_s + QString::number(machine));
            query.machineId = machine;
            if (postgreSql) {
                const std::optional<NameSearch::KeySpan> first = firstWindow(query);
                QVERIFY2(first
                             && (descending ? first->first % kBlock == 0 && first->last == kRuns
                                            : first->first == 1 && (first->last + 1) % kBlock == 0),
                         qPrintable(what + u": "_s + spanText(first)));
            }
            samePages(query, what);
        }
    }
    // A run created before all others, in the newest block: the blocks no longer follow
    // creation order, and the page is read as before.
    QSqlQuery change(database.connection());
    QVERIFY2(
        change.exec(u"INSERT INTO simulations (simulation_id, name, name_folded, name_key, "
                    "machine_id, status, creation_date, update_date, points_total) VALUES "
                    "(%1, 'Early-qxv', 'early-qxv', 'early-qxv', 2, 'finished', 5, 5, 10)"_s.arg(
                        kRuns + 1)),
        qPrintable(change.lastError().text()));
    QVERIFY(SimulationBlocks::foldGrams(database, 1'000, true).ok());
    for (const bool descending : {false, true}) {
        SimulationQuery query;
        query.machineId = 2;
        query.descending = descending;
        query.nameContains = u"qxv"_s;
        query.limit = 30;
        const QString what
            = u"an early run last%1"_s.arg(descending ? u", newest first"_s : QString());
        if (postgreSql)
            QVERIFY2(!firstWindow(query), qPrintable(what));
        const QList<qint64> scanned = scannedIds(repository, query);
        QVERIFY2(scanned.contains(kRuns + 1), qPrintable(what));
        QVERIFY2((descending ? scanned.constLast() : scanned.constFirst()) == kRuns + 1,
                 qPrintable(what));
        samePages(query, what);
    }
}

void TestListing::aDeepRowAmongADenseBlockIsWalkedTo()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    constexpr qint64 kBlock = SimulationBlocks::kIds;
    constexpr qint64 kRuns = 16 * kBlock + 100;
    // Named, created and updated in id order: "-hot" after every third name of block 2 and
    // every 997th (1,367 in block 2, 61 elsewhere, of 65,636): few enough for the probe to count.
    const QString added = addRunsBySql(
        database, kRuns,
        u"'Run-' || (100000000 + i) || CASE WHEN i / %1 = 2 AND i % 3 = 0 THEN '-hot' "
        "WHEN i % 997 = 0 THEN '-hot' ELSE '' END"_s.arg(kBlock),
        u"'finished'"_s, u"1000 + i * 1000"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    SimulationRepository repository(database);
    for (const OrderBy orderBy : {OrderBy::Name, OrderBy::UpdateDate}) {
        for (const bool descending : {false, true}) {
            SimulationQuery query;
            query.orderBy = orderBy;
            query.descending = descending;
            query.nameContains = u"HOT"_s;
            const QList<qint64> scanned = scannedIds(repository, query);
            QCOMPARE(scanned.size(), 1'367 + 61);
            // The matches of the blocks before block 2 in the order come first.
            const auto before = std::count_if(scanned.cbegin(), scanned.cend(), [&](qint64 id) {
                return descending ? id >= 3 * kBlock : id < 2 * kBlock;
            });
            // Deep in block 2's matches: read in one statement, and after the row before.
            for (const qint64 offset : {before + 500, SimulationLister::kDeepOffset + 100}) {
                SimulationQuery deep = query;
                deep.offset = offset;
                deep.limit = 20;
                const QString what = u"by %1%2 at %3"_s.arg(SimulationQuery::orderByName(orderBy),
                                                            descending ? u" desc"_s : QString(),
                                                            QString::number(offset));
                QVERIFY2(offset > before && offset + 20 < before + 1'367, qPrintable(what));
                NameSearch search(database, deep.nameContains);
                QVERIFY2(search.planPage(deep).ok(), qPrintable(what));
                // SQLite counts the blocks before block 2 and walks the name order's index over
                // block 2's ids from its first key, rather than read and sort its matches. The
                // update dates' spans reach a minute into the next block's: there the blocks
                // that meet block 2's span, walked, would pass more runs than it has matches.
                if (!database.isPostgreSql() && orderBy == OrderBy::Name) {
                    QVERIFY2(!search.matchSpans() && search.walkIds() && search.walkFrom()
                                 && search.rowsPassedOver() > 0
                                 && search.rowsPassedOver() <= before,
                             qPrintable(what));
                    QCOMPARE(search.walkIds()->first, 2 * kBlock);
                    QCOMPARE(search.walkIds()->last, 3 * kBlock - 1);
                }
                deep.nameProbe = std::make_shared<NameProbe>();
                const auto page = repository.list(deep);
                QVERIFY2(page.ok(), qPrintable(what));
                QVERIFY2(idsOf(page.value()) == scanned.mid(offset, 20), qPrintable(what));
                // The plans of the page (the row before it, the page after that row) share the
                // blocks' counts, each the block's matches (on PostgreSQL, where a plan counted
                // at most kCountedBlocks).
                // A text of three characters is counted by the blocks it lies in, gathered:
                // none is counted again.
                const QHash<qint64, qint64> &counted = deep.nameProbe->blockMatches;
                QVERIFY2(!counted.isEmpty() || database.isPostgreSql() || search.countsByBlock(),
                         qPrintable(what));
                QVERIFY2(counted.size() <= 2 * NameSearch::kCountedBlocks
                             || !database.isPostgreSql(),
                         qPrintable(what));
                for (auto block = counted.cbegin(); block != counted.cend(); ++block) {
                    const auto inBlock
                        = std::count_if(scanned.cbegin(), scanned.cend(),
                                        [&](qint64 id) { return id / kBlock == block.key(); });
                    QVERIFY2(block.value() == inBlock,
                             qPrintable(what + u": block "_s + QString::number(block.key())));
                }
            }
        }
    }
}

// The plan of a statement as the database tells it, a line a step: PostgreSQL's EXPLAIN of the
// text with its values written in (as lists send them), SQLite's EXPLAIN QUERY PLAN.
static QString planOf(QSqlQuery &query, bool postgreSql, const SqlStatement &statement)
{
    bool explained = false;
    if (postgreSql) {
        const std::optional<QString> text
            = sql::withLiterals(*query.driver(), statement.text, statement.values);
        explained = text && query.exec(u"EXPLAIN "_s + *text);
    } else if (query.prepare(u"EXPLAIN QUERY PLAN "_s + statement.text)) {
        for (const QVariant &value : statement.values)
            query.addBindValue(value);
        explained = query.exec();
    }
    if (!explained)
        return u"not explained: "_s + query.lastError().text();
    QStringList lines;
    while (query.next())
        lines << query.value(postgreSql ? 0 : 3).toString();
    return lines.join(u'\n');
}

// The index a plan reads the table by, and whether that index holds the folded names.
static std::pair<QString, bool> indexOfPlan(QSqlQuery &query, bool postgreSql, const QString &plan)
{
    static const QRegularExpression used(
        u"(?:Index Only Scan(?: Backward)? using|USING (?:COVERING )?INDEX) (\\w+)"_s);
    const QString index = used.match(plan).captured(1);
    if (index.isEmpty())
        return {index, false};
    if (postgreSql) {
        query.prepare(u"SELECT pg_get_indexdef(CAST(? AS regclass))"_s);
        query.addBindValue(index);
        return {index,
                query.exec() && query.next()
                    && query.value(0).toString().contains(u"INCLUDE (name_folded"_s)};
    }
    bool holds = false;
    if (query.exec(u"PRAGMA index_info(%1)"_s.arg(index))) {
        while (query.next())
            holds = holds || query.value(2).toString() == u"name_folded"_s;
    }
    return {index, holds};
}

void TestListing::aFilterWalkChecksIdsAmongTheIndexMatches()
{
    // A million runs, a name in 14,000 of them ("042"), pages of 100. On a machine of two, the
    // matches in id order leave a page within 200, where a walk would read 7,143 of the
    // machine's runs, or check 3,679 runs' worth of ids; so deeper too (at offset 2,000, 4,200
    // matches against 7,250).
    const auto cheapest = [](const NameSearch::PageCosts &costs) {
        const double least = std::min({costs.walk, costs.walkCheckingIds, costs.matchesInIdOrder});
        return least == costs.matchesInIdOrder ? 2 : least == costs.walkCheckingIds ? 1 : 0;
    };
    QCOMPARE(cheapest(NameSearch::pageCosts(14'000, 1'000'000, 500'000, 100, 1, false)), 2);
    QCOMPARE(cheapest(NameSearch::pageCosts(14'000, 1'000'000, 500'000, 2'100, 1, false)), 2);
    // With a status of 20,000 runs, checking ids beats both (5,000 matches in id order).
    QCOMPARE(cheapest(NameSearch::pageCosts(14'000, 1'000'000, 20'000, 100, 1, false)), 1);
    // A name in every run fills a page within the first 100 of them.
    QCOMPARE(cheapest(NameSearch::pageCosts(1'000'000, 1'000'000, 20'000, 100, 1, false)), 0);
    // In creation order the filters' indexes hold the names: the status's 7,143 runs are walked
    // at a tenth of the cost, 714; the machine's matches in id order still cost less (200).
    QCOMPARE(cheapest(NameSearch::pageCosts(14'000, 1'000'000, 20'000, 100, 1, true)), 0);
    QCOMPARE(cheapest(NameSearch::pageCosts(14'000, 1'000'000, 500'000, 100, 1, true)), 2);

    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    const bool postgreSql = database.isPostgreSql();
    // 2,400 runs: "Zeta" in one in eight (300, more than a page reads from the index at this
    // size), one in five failed (60 of them Zeta runs); machines 1 and 2 in turn, the Zeta runs
    // all on machine 2.
    constexpr int kRuns = 2400;
    const QString added = addRunsBySql(
        database, kRuns, u"CASE WHEN i % 8 = 3 THEN 'Zeta run ' ELSE 'Run ' END || i"_s,
        u"CASE WHEN i % 5 = 0 THEN 'failed' ELSE 'finished' END"_s, u"5000 - i"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    QSqlQuery change(database.connection());
    // SQLite's statistics (as an ANALYZE leaves them) say how few runs a status leaves: the
    // planner then weighs the matches' ids against the filter's index.
    QVERIFY(change.exec(u"ANALYZE"_s));
    SimulationRepository repository(database);
    const auto queryOf = [](const QString &name, OrderBy orderBy, bool descending, int filter) {
        SimulationQuery query;
        query.nameContains = name;
        query.orderBy = orderBy;
        query.descending = descending;
        query.limit = 25;
        if (filter & 1)
            query.status = SimulationStatus::Failed;
        if (filter & 2)
            query.machineId = 2;
        if (filter & 4)
            query.machineId = 1; // no Zeta run
        return query;
    };
    const auto compareEveryWay = [&](const QString &when) {
        for (const OrderBy orderBy :
             {OrderBy::CreationDate, OrderBy::Id, OrderBy::Name, OrderBy::UpdateDate}) {
            for (const bool descending : {false, true}) {
                for (const int filter : {1, 2, 3, 4, 5}) {
                    SimulationQuery query = queryOf(u"ZETA"_s, orderBy, descending, filter);
                    const QString what = u"%1, order %2 %3, filter %4"_s.arg(
                        when, SimulationQuery::orderByName(orderBy),
                        descending ? u"desc"_s : u"asc"_s, QString::number(filter));
                    NameSearch search(database, query.nameContains);
                    QVERIFY(search.planPage(query).ok());
                    // On SQLite the failed runs (480) are walked past the page's 200 runs or so:
                    // checking their ids among the 300 matches is cheaper. A machine leaves half
                    // the runs: in id order, the matches read in id order fill the page within
                    // about 50; in the other orders its runs are walked, checking the ids.
                    // In creation, name and update order the filters' indexes hold the names,
                    // and on PostgreSQL in id order too (migrations 026 and 034): both dialects
                    // walk them there, at a tenth of a look-up a run (20 a page).
                    const bool namesInIndex = orderBy != OrderBy::Id || postgreSql;
                    const bool byMatches
                        = !postgreSql && orderBy == OrderBy::Id && (filter == 2 || filter == 4);
                    QVERIFY2(search.readsMatchesInIdOrder() == byMatches, qPrintable(what));
                    QVERIFY2(search.walksNames() == (namesInIndex || (!postgreSql && !byMatches)),
                             qPrintable(what));
                    QVERIFY2(search.walkChecksMatches()
                                 == (!namesInIndex && !postgreSql && !byMatches),
                             qPrintable(what));
                    const QList<qint64> want = scannedIds(repository, query);
                    // Machine 1 has no Zeta run but the one renamed into it.
                    QVERIFY2(filter & 4 ? want.size() <= 1 : want.size() >= 58, qPrintable(what));
                    const QList<qint64> walked = pagedIds(repository, query);
                    QVERIFY2(walked == want, qPrintable(what + u", by cursor"_s));
                    query.after.reset();
                    for (const qint64 offset : {qint64(13), qint64(59), qint64(60), qint64(250)}) {
                        query.offset = offset;
                        QVERIFY2(idsOf(repository.list(query).value()) == want.mid(offset, 25),
                                 qPrintable(what + u", at offset "_s + QString::number(offset)));
                    }
                    const auto counted = repository.count(query);
                    QVERIFY(counted.ok());
                    QCOMPARE(counted.value(), qint64(want.size()));
                }
            }
        }
    };
    compareEveryWay(u"as filled"_s);
    // A name in every run fills a page within a few runs of any filter: no ids checked.
    {
        const SimulationQuery query = queryOf(u"RUN"_s, OrderBy::CreationDate, false, 1);
        NameSearch search(database, query.nameContains);
        QVERIFY(search.planPage(query).ok());
        QVERIFY(search.walksNames());
        QVERIFY(!search.walkChecksMatches());
        QCOMPARE(idsOf(repository.list(query).value()), scannedIds(repository, query).mid(0, 25));
    }
    QSqlQuery explain(database.connection());
    for (int variant = 0; variant < 2 * 2 && !postgreSql; ++variant) {
        // The walk reads the filter's index in the order's and checks each id there: SQLite
        // must not read the matches' rows by id and sort them instead.
        const SimulationQuery query
            = queryOf(u"ZETA"_s, OrderBy::Id, variant % 2, variant / 2 % 2 ? 3 : 1);
        NameSearch search(database, query.nameContains);
        QVERIFY(search.planPage(query).ok());
        QVERIFY(search.walkChecksMatches());
        const QList<SqlStatement> statements
            = SimulationListQuery(query, false, &search).selects(u"*"_s, 25);
        QVERIFY(!statements.isEmpty());
        const QString plan = planOf(explain, false, statements.first());
        QVERIFY2(plan.startsWith(u"SEARCH simulations USING INDEX"_s), qPrintable(plan));
        QVERIFY2(!plan.contains(u"TEMP B-TREE"_s), qPrintable(plan));
    }
    // In creation order, a walk with a status, a machine, both or a verdict reads an index
    // that holds the names (migration 022), in name and update order one with a status, a
    // machine or both (023, 025), by status one with a machine and by machine one with a status
    // (026); on PostgreSQL in an index-only scan, which the planner weighs
    // by the table's pages all visible (as a VACUUM leaves them).
    if (postgreSql)
        QVERIFY(explain.exec(u"VACUUM ANALYZE simulations"_s));
    constexpr std::array walkedOrders {OrderBy::CreationDate, OrderBy::Name, OrderBy::UpdateDate,
                                       OrderBy::Status, OrderBy::Machine};
    for (int variant = 0; variant < 2 * 4 * int(walkedOrders.size()); ++variant) {
        const OrderBy orderBy = walkedOrders.at(variant / 8);
        const int filters = variant / 2 % 4;
        if (orderBy != OrderBy::CreationDate && filters == 3)
            continue; // a verdict's index only in creation order
        // By status, a status leaves the id order, and by machine a machine: the other alone.
        if ((orderBy == OrderBy::Status && filters != 1)
            || (orderBy == OrderBy::Machine && filters != 0))
            continue;
        SimulationQuery query
            = queryOf(u"ZETA"_s, orderBy, variant % 2, filters < 3 ? filters + 1 : 0);
        if (filters == 3) {
            query.status.reset();
            query.machineId.reset();
            query.verdict = Verdict::Stalled;
        }
        NameSearch search(database, query.nameContains);
        QVERIFY(search.planPage(query).ok());
        QVERIFY(search.walksNames());
        const QList<SqlStatement> statements
            = SimulationListQuery(query, postgreSql, &search).selects(u"*"_s, 25);
        QVERIFY(!statements.isEmpty());
        for (const SqlStatement &statement : statements) {
            const QString plan = planOf(explain, postgreSql, statement);
            const auto [index, holdsNames] = indexOfPlan(explain, postgreSql, plan);
            const QString what = statement.text + u'\n' + plan;
            const QString ofOrder = orderBy == OrderBy::Name ? u"name"_s
                : orderBy == OrderBy::UpdateDate             ? u"update"_s
                : orderBy == OrderBy::Status                 ? u"rank"_s
                : orderBy == OrderBy::Machine                ? u"status_machine"_s
                                                             : u"creation"_s;
            QVERIFY2(index.contains(ofOrder) && holdsNames, qPrintable(what));
            QVERIFY2(!plan.contains(u"TEMP B-TREE"_s), qPrintable(what));
        }
    }
    // PostgreSQL, in id order (the status or the machine order under its own filter) under a
    // status, a machine or both: the walk reads an index that holds the names too (migrations
    // 026 and 034), in an index-only scan.
    for (int variant = 0; postgreSql && variant < 2 * 3; ++variant) {
        const SimulationQuery query = queryOf(u"ZETA"_s, OrderBy::Id, variant % 2, variant / 2 + 1);
        NameSearch search(database, query.nameContains);
        QVERIFY(search.planPage(query).ok());
        const QString what = u"in id order, filter %1%2"_s.arg(variant / 2 + 1)
                                 .arg(variant % 2 ? u" desc"_s : QString());
        QVERIFY2(search.walksNames(), qPrintable(what));
        const QList<SqlStatement> statements
            = SimulationListQuery(query, postgreSql, &search).selects(u"*"_s, 25);
        QVERIFY2(!statements.isEmpty(), qPrintable(what));
        for (const SqlStatement &statement : statements) {
            const QString plan = planOf(explain, postgreSql, statement);
            const auto [index, holdsNames] = indexOfPlan(explain, postgreSql, plan);
            QVERIFY2(holdsNames, qPrintable(what + u'\n' + statement.text + u'\n' + plan));
        }
    }
    // The trigram index follows renames and deletes: a failed Zeta run renamed away, a failed
    // run renamed into Zeta, another failed Zeta run deleted.
    QVERIFY(repository.rename(35, u"Alpha"_s).ok());
    QVERIFY(repository.rename(40, u"zeta again"_s).ok());
    QVERIFY(repository.remove(75).ok());
    compareEveryWay(u"after renames and a delete"_s);
}

// A walk by status or by machine confined to the blocks that may hold the name seeks their ids
// under each status or machine in the order's index, instead of reading every entry of the
// others first; the pages are those of a scan, by cursor and by offset, in both directions,
// alone and with the other filter, while runs change status and machine. Where every block may
// hold the name there is nothing to seek.
void TestListing::aWalkSeeksItsIdsUnderEachKey()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    const bool postgreSql = database.isPostgreSql();
    QVERIFY(withMachinesAAndB(database));
    MachineRepository machines(database);
    QVERIFY(machines.create(3, u"C"_s).ok()); // holds no run
    constexpr qint64 kBlock = SimulationBlocks::kIds;
    // "Late" in every run of block 2 and none other; statuses in turn, machines 1 and 2.
    const QString added = addRunsBySql(
        database, 3 * kBlock + 50,
        u"CASE WHEN i >= %1 AND i < %2 THEN 'Late run ' ELSE 'Run ' END || i"_s.arg(2 * kBlock)
            .arg(3 * kBlock),
        u"CASE i % 4 WHEN 0 THEN 'failed' WHEN 1 THEN 'finished' WHEN 2 THEN 'cancelled' "
        "ELSE 'pending' END"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    SimulationRepository repository(database);
    QSqlQuery explain(database.connection());
    if (postgreSql)
        QVERIFY(explain.exec(u"VACUUM ANALYZE simulations"_s));
    const auto queryOf = [](const QString &name, OrderBy orderBy, bool descending, bool filter) {
        SimulationQuery query;
        query.nameContains = name;
        query.orderBy = orderBy;
        query.descending = descending;
        query.limit = 97;
        if (filter && orderBy == OrderBy::Status)
            query.machineId = 2;
        if (filter && orderBy == OrderBy::Machine)
            query.status = SimulationStatus::Failed;
        return query;
    };
    const auto compareEveryWay = [&](const QString &when) {
        for (const OrderBy orderBy : {OrderBy::Status, OrderBy::Machine}) {
            for (const bool descending : {false, true}) {
                for (const bool filter : {false, true}) {
                    SimulationQuery query = queryOf(u"LATE"_s, orderBy, descending, filter);
                    const QString what = u"%1, order %2 %3, filter %4"_s.arg(
                        when, SimulationQuery::orderByName(orderBy),
                        descending ? u"desc"_s : u"asc"_s, filter ? u"yes"_s : u"no"_s);
                    NameSearch search(database, query.nameContains);
                    QVERIFY(search.planPage(query).ok());
                    QVERIFY2(search.walksNames(), qPrintable(what));
                    QVERIFY2(search.walkIds(), qPrintable(what));
                    QCOMPARE(search.walkIds()->first, 2 * kBlock);
                    QCOMPARE(search.walkIds()->last, 3 * kBlock - 1);
                    QVERIFY2(!search.walkKeys().isEmpty(), qPrintable(what));
                    // The range of ids is sought in the order's index under each key, with
                    // no sort of the rows read.
                    const QList<SqlStatement> statements
                        = SimulationListQuery(query, postgreSql, &search).selects(u"*"_s, 97);
                    QVERIFY(!statements.isEmpty());
                    const QString plan = planOf(explain, postgreSql, statements.first());
                    static const QRegularExpression sought(
                        u"SEARCH simulations USING (?:COVERING )?INDEX \\w+ "
                        u"\\(.*(simulation_id|rowid)"
                        ">\\? AND (simulation_id|rowid)<\\?\\)|Index Cond: .*simulation_id >= "_s);
                    QVERIFY2(plan.contains(sought), qPrintable(what + u'\n' + plan));
                    // The page's rows alone are sorted, read by the ids the walk found:
                    // nothing under the walk's limit (PostgreSQL), at most the last step, after
                    // the walk's subquery (SQLite).
                    const qsizetype subquery = plan.indexOf(u"LIST SUBQUERY"_s);
                    const qsizetype sorted = plan.indexOf(u"TEMP B-TREE"_s);
                    QVERIFY2((sorted < 0
                              || (subquery >= 0 && sorted > subquery
                                  && sorted == plan.lastIndexOf(u"TEMP B-TREE"_s)
                                  && !plan.mid(sorted).contains(u'\n')))
                                 && !plan.mid(plan.lastIndexOf(u"Limit"_s)).contains(u"Sort"_s),
                             qPrintable(what + u'\n' + plan));
                    const QList<qint64> want = scannedIds(repository, query);
                    QVERIFY2(want.size() > 200, qPrintable(what));
                    QVERIFY2(pagedIds(repository, query) == want,
                             qPrintable(what + u", by cursor"_s));
                    for (const qint64 offset : {qint64(0), qint64(150), want.size() - 30}) {
                        query.offset = offset;
                        QVERIFY2(idsOf(repository.list(query).value()) == want.mid(offset, 97),
                                 qPrintable(what + u", at offset "_s + QString::number(offset)));
                    }
                }
            }
        }
    };
    compareEveryWay(u"as filled"_s);
    // Runs of the block change status and machine; one moves to the machine that had none.
    QSqlQuery change(database.connection());
    QVERIFY2(change.exec(u"UPDATE simulations SET status = 'running' WHERE simulation_id "
                         "BETWEEN %1 AND %2"_s.arg(2 * kBlock + 10)
                             .arg(2 * kBlock + 400)),
             qPrintable(change.lastError().text()));
    QVERIFY2(change.exec(u"UPDATE simulations SET machine_id = 3 WHERE simulation_id = %1"_s.arg(
                 2 * kBlock + 501)),
             qPrintable(change.lastError().text()));
    compareEveryWay(u"after changes"_s);
    // Once the statistics count the runs of each key, SQLite would rather read the range by the
    // primary key and sort it: the same plans still.
    QVERIFY(explain.exec(u"ANALYZE"_s));
    compareEveryWay(u"analyzed"_s);
    // A name every block may hold: nothing to seek.
    NameSearch every(database, u"run"_s);
    const SimulationQuery byStatus = queryOf(u"run"_s, OrderBy::Status, false, false);
    QVERIFY(every.planPage(byStatus).ok());
    QVERIFY(every.walksNames());
    QVERIFY(every.walkKeys().isEmpty());
    QCOMPARE(idsOf(repository.list(byStatus).value()), scannedIds(repository, byStatus).mid(0, 97));
}

void TestListing::everyFilterCombinationIsReadFromAnIndex()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(migrateWithMachine(database));
    const bool postgreSql = database.isPostgreSql();
    QSqlDatabase connection = database.connection();
    QSqlQuery query(connection);
    if (postgreSql) {
        // Sorting and scanning cost nothing to the planner of a nearly empty table: forbid
        // them, so that a plan without a usable index shows its Sort or Seq Scan node.
        QVERIFY(connection.transaction());
        QVERIFY(query.exec(u"SET LOCAL enable_sort = off"_s));
        QVERIFY(query.exec(u"SET LOCAL enable_seqscan = off"_s));
    }
    int plans = 0;
    for (const OrderBy orderBy :
         {OrderBy::CreationDate, OrderBy::UpdateDate, OrderBy::Name, OrderBy::Id, OrderBy::Status,
          OrderBy::Machine, OrderBy::Duration, OrderBy::Progress}) {
        for (int combination = 0; combination < 4 * 3 * 2 * 2; ++combination) {
            SimulationQuery list;
            list.orderBy = orderBy;
            list.descending = combination % 2;
            if ((combination / 2) % 2)
                list.after = SimulationCursor {
                    orderBy == OrderBy::Name
                        ? QVariant(u"k"_s)
                        : (orderBy == OrderBy::Progress ? QVariant(u"0.5"_s) : QVariant(5)),
                    7};
            const int filters = (combination / 4) % 4;
            if (filters & 1)
                list.status = SimulationStatus::Failed;
            if (filters & 2)
                list.machineId = 1;
            const int name = combination / 16; // none, indexed, shorter than a trigram
            if (name == 1)
                list.nameContains = u"Ünderbar"_s;
            if (name == 2)
                list.nameContains = u"ün"_s;
            NameSearch search(database, list.nameContains);
            QVERIFY(search.planPage(list).ok());
            const SimulationListQuery listQuery(list, postgreSql, &search);
            const auto statements = listQuery.selects(u"simulation_id, name"_s, 100);
            for (const SqlStatement &statement : statements) {
                if (postgreSql) {
                    // PostgreSQL prepares no EXPLAIN: the values go into the text, as lists
                    // send them.
                    const std::optional<QString> text
                        = sql::withLiterals(*query.driver(), statement.text, statement.values);
                    QVERIFY(text);
                    QVERIFY2(query.exec(u"EXPLAIN "_s + *text),
                             qPrintable(query.lastError().text()));
                } else {
                    QVERIFY(query.prepare(u"EXPLAIN QUERY PLAN "_s + statement.text));
                    for (const QVariant &value : statement.values)
                        query.addBindValue(value);
                    QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
                }
                QStringList lines;
                while (query.next())
                    lines << query.value(postgreSql ? 0 : 3).toString();
                const QString plan = lines.join(u'\n');
                const QString what = statement.text + u"\n"_s + plan;
                ++plans;
                if (postgreSql) {
                    QVERIFY2(!plan.contains(u"Seq Scan"_s), qPrintable(what));
                    // A cursor bounds the scan of the order's index, not a filter of its rows.
                    if (list.after && listQuery.effectiveOrder() != OrderBy::Id && name != 1)
                        QVERIFY2(plan.contains(QRegularExpression(u"Index Cond: .*ROW\\("_s)),
                                 qPrintable(what));
                    if (name == 1) {
                        // A rare name: its matches from the trigram index, sorted.
                        QVERIFY2(plan.contains(u"simulations_name_trgm_idx"_s), qPrintable(what));
                        continue;
                    }
                    QVERIFY2(!plan.contains(u"Sort"_s), qPrintable(what));
                    continue;
                }
                if (name == 1) {
                    // The index's matches (at most NameSearch::kIndexedMatches) by id, sorted;
                    // in creation or id order read in id order from the index, unsorted.
                    QVERIFY2(plan.contains(u"VIRTUAL TABLE INDEX"_s), qPrintable(what));
                    QVERIFY2(plan.contains(u"SEARCH simulations USING INTEGER PRIMARY KEY"_s),
                             qPrintable(what));
                    const OrderBy effective
                        = SimulationListQuery(list, postgreSql).effectiveOrder();
                    const bool idOrder
                        = effective == OrderBy::CreationDate || effective == OrderBy::Id;
                    QCOMPARE(search.readsMatchesInIdOrder(), idOrder);
                    if (idOrder)
                        QVERIFY2(!plan.contains(u"TEMP B-TREE"_s), qPrintable(what));
                    continue;
                }
                QVERIFY2(!plan.contains(u"TEMP B-TREE"_s), qPrintable(what));
                // A filter or a cursor reads a range of an index; only a first page of the
                // whole table walks one from its start (the table itself for the id order).
                const bool range = list.after || list.status || list.machineId;
                if (range)
                    QVERIFY2(plan.startsWith(u"SEARCH simulations USING"_s), qPrintable(what));
                else
                    QVERIFY2(plan.startsWith(u"SCAN simulations USING INDEX"_s)
                                 || (orderBy == OrderBy::Id && plan == u"SCAN simulations"_s),
                             qPrintable(what));
            }
        }
    }
    QVERIFY(plans >= 8 * 48); // every combination, a statement at least
    if (postgreSql) {
        // A name alone is found through the trigram index. The creation, name, update, status
        // and machine orders' indexes, and a status's in id order, hold the names too (for walks
        // that check them), and the planner of a nearly empty table would take the whole of one
        // as cheap: they go, until the rollback.
        QVERIFY(query.exec(u"SELECT indexname FROM pg_indexes WHERE tablename = 'simulations' "
                           "AND indexdef LIKE '%INCLUDE (name_folded%'"_s));
        QStringList holdingNames;
        while (query.next())
            holdingNames << query.value(0).toString();
        QCOMPARE(holdingNames.size(), 18);
        for (const QString &index : std::as_const(holdingNames))
            QVERIFY(query.exec(u"DROP INDEX "_s + index));
        QVERIFY(query.exec(u"EXPLAIN SELECT simulation_id FROM simulations "
                           "WHERE name_folded LIKE '%ünderbar%'"_s));
        QStringList lines;
        while (query.next())
            lines << query.value(0).toString();
        QVERIFY2(lines.join(u'\n').contains(u"simulations_name_trgm_idx"_s),
                 qPrintable(lines.join(u'\n')));
        connection.rollback();
    }
}

// A name in most runs but none of the newest, with a status: its count is an estimate, which
// the newest runs alone would put at nothing (on PostgreSQL the planner's count holds it up).
void TestListing::aNameOnlyOlderRunsBearIsEstimatedFromTheirShare()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(migrateWithMachine(database));
    QSqlQuery query(database.connection());
    QVERIFY2(addNamedRuns(query, u"Gamma"_s, 1, 3000), qPrintable(query.lastError().text()));
    QVERIFY2(addNamedRuns(query, u"Delta"_s, 3001, 1100), qPrintable(query.lastError().text()));
    if (database.isPostgreSql())
        QVERIFY(query.exec(u"ANALYZE simulations"_s));
    SimulationQuery search;
    search.nameContains = u"GAMMA"_s;
    search.status = SimulationStatus::Finished;
    const auto estimate = SimulationCounter(database).count(search, true);
    QVERIFY(estimate.ok());
    QVERIFY(!estimate->exact);
    QVERIFY2(estimate->runs >= 3000 / 4 && estimate->runs <= 3000 * 4,
             qPrintable(QString::number(estimate->runs)));
    const auto exact = SimulationCounter(database).count(search, false);
    QVERIFY(exact.ok() && exact->exact);
    QCOMPARE(exact->runs, 3000);
}

// Runs named in sequence, run-00000 to run-19999: the newest runs are no sample of the table.
// "run-1" and "-1" are in every one of the newest runs and in half of all, "run-0" in none of
// them and in the other half. Estimates from ids spread over the table come within a quarter of
// the counts, for texts the index finds and one it cannot (two characters), and still once most
// runs are deleted.
void TestListing::namesGivenInSequenceAreEstimatedOverTheWholeTable()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(migrateWithMachine(database));
    QSqlQuery query(database.connection());
    const QString name = database.isPostgreSql() ? u"'run-' || lpad((i - 1)::text, 5, '0')"_s
                                                 : u"printf('run-%05d', i - 1)"_s;
    QVERIFY2(query.exec(u"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                        "WHERE i < 20000) INSERT INTO simulations (simulation_id, name, "
                        "name_folded, name_key, machine_id, status, creation_date, update_date) "
                        "SELECT i, %1, %1, %1, 1, 'finished', i, i FROM n"_s.arg(name)),
             qPrintable(query.lastError().text()));
    if (database.isPostgreSql())
        QVERIFY(query.exec(u"ANALYZE simulations"_s));
    for (const QString &text : {u"run-1"_s, u"run-0"_s, u"-1"_s}) {
        SimulationQuery search;
        search.nameContains = text;
        const auto exact = SimulationCounter(database).count(search, false);
        QVERIFY(exact.ok() && exact->exact);
        const auto estimate = SimulationCounter(database).count(search, true);
        QVERIFY(estimate.ok());
        QVERIFY(!estimate->exact);
        const double ratio = double(estimate->runs) / double(exact->runs);
        QVERIFY2(
            ratio > 0.75 && ratio < 1.25,
            qPrintable(
                u"%1: %2 estimated, %3 counted"_s.arg(text).arg(estimate->runs).arg(exact->runs)));
    }
    // Most runs deleted: one in a thousand is left (run-00000, run-01000 … run-19000), far
    // sparser than the windows of ids; "-1" is still in half of them.
    QVERIFY2(query.exec(u"DELETE FROM simulations WHERE (simulation_id - 1) % 1000 <> 0"_s),
             qPrintable(query.lastError().text()));
    SimulationQuery sparse;
    sparse.nameContains = u"-1"_s;
    const auto exact = SimulationCounter(database).count(sparse, false);
    QVERIFY(exact.ok() && exact->exact);
    QCOMPARE(exact->runs, 10);
    const auto estimate = SimulationCounter(database).count(sparse, true);
    QVERIFY(estimate.ok());
    QVERIFY2(estimate->runs >= 7 && estimate->runs <= 13,
             qPrintable(QString::number(estimate->runs)));
}

// What a search estimates of its text (the planner's count, the sampled share) is kept for the
// next searches of that text on the same database: renames that leave the number of runs do not
// change the estimate while it is kept. Another database object, or a tenth more runs, estimate
// it afresh.
void TestListing::estimatesOfATextAreKeptForItsNextSearches()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(migrateWithMachine(database));
    QSqlQuery query(database.connection());
    // 1,000 runs, 750 of them "Common …": more than the index answers for (200, as with a
    // tenth more runs).
    QVERIFY(addNamedRuns(query, u"Common"_s, 1, 750));
    QVERIFY(addNamedRuns(query, u"Other"_s, 751, 250));
    const auto analyze = [&query, &database] {
        return !database.isPostgreSql() || query.exec(u"ANALYZE simulations"_s);
    };
    QVERIFY(analyze());
    SimulationQuery search;
    search.nameContains = u"common"_s;
    const auto estimateOn = [&search](Database &on) -> qint64 {
        const auto count = SimulationCounter(on).count(search, true);
        return count.ok() && !count->exact ? count->runs : -1;
    };
    const qint64 first = estimateOn(database);
    QVERIFY2(first >= 500 && first <= 1'000, qPrintable(QString::number(first)));
    // A page of the text between them keeps them too (on SQLite it reads the index's matches
    // in id order, without a probe).
    SimulationQuery page = search;
    page.limit = 10;
    QCOMPARE(SimulationRepository(database).list(page).value().size(), 10);
    // A page in another order plans from the kept share: on SQLite its probe counts no matches
    // (750, beyond twice the 200 the index answers for), where another database object, which
    // keeps none, counts them (PostgreSQL's planner tells both). Both list what a scan lists.
    SimulationQuery byName = search;
    byName.orderBy = SimulationQuery::OrderBy::Name;
    byName.limit = 10;
    const auto planOn = [&byName](Database &on) {
        SimulationQuery query = byName;
        query.nameProbe = std::make_shared<NameProbe>();
        NameSearch planned(on, query.nameContains, query.nameProbe);
        return planned.planPage(query).ok() ? query.nameProbe : nullptr;
    };
    Database unkept(db->url());
    const std::shared_ptr<NameProbe> fromKept = planOn(database);
    const std::shared_ptr<NameProbe> fromCount = planOn(unkept);
    QVERIFY(fromKept && fromCount);
    if (!database.isPostgreSql()) {
        QCOMPARE(fromKept->lowestNewestMatch, 0);
        QCOMPARE(fromKept->matches, fromKept->counted + 1);
        QVERIFY(fromCount->lowestNewestMatch > 0);
    }
    for (Database *on : {&database, &unkept}) {
        SimulationRepository repository(*on);
        QCOMPARE(idsOf(repository.list(byName).value()), scannedIds(repository, byName).mid(0, 10));
    }

    // 500 of them renamed: 250 are left, in as many runs as before.
    QVERIFY2(query.exec(u"UPDATE simulations SET name = 'Other ' || simulation_id, "
                        "name_folded = 'other ' || simulation_id, "
                        "name_key = 'other ' || simulation_id WHERE simulation_id <= 500"_s),
             qPrintable(query.lastError().text()));
    QVERIFY(analyze());
    QCOMPARE(estimateOn(database), first);
    Database other(db->url());
    const qint64 afresh = estimateOn(other);
    QVERIFY2(afresh >= 125 && afresh <= 375, qPrintable(QString::number(afresh)));

    // A tenth more runs, none of them "Common": the share is sampled again.
    QVERIFY(addNamedRuns(query, u"Other"_s, 1'001, 100));
    QVERIFY(analyze());
    const qint64 grown = estimateOn(database);
    QVERIFY2(grown >= 125 && grown <= 375, qPrintable(QString::number(grown)));
}

// PostgreSQL: with a status or a machine, a name matched by more runs than a page walks past
// is still read from the trigram index when the walk of the filter's index would look up more
// rows in the table than the index has matches. Both ways list the same runs, on both dialects.
void TestListing::otherFiltersWeighTheIndexAgainstTheWalk()
{
    // A million runs, 20,000 failed: a name in 1,300 runs (the planner expects 10,162) is read
    // from the index; one in 14,000 (20,323 expected), whose page the walk fills within 5,000
    // failed runs, and one in every run are walked.
    QVERIFY(NameSearch::indexBeatsWalk(10'162, 1'000'000, 20'000, 100, false));
    QVERIFY(!NameSearch::indexBeatsWalk(20'323, 1'000'000, 20'000, 100, false));
    QVERIFY(!NameSearch::indexBeatsWalk(1'000'000, 1'000'000, 20'000, 100, false));
    // Deeper pages walk further.
    QVERIFY(NameSearch::indexBeatsWalk(20'323, 1'000'000, 20'000, 10'100, false));

    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(migrateWithMachine(database));
    QVERIFY(MachineRepository(database).create(2, u"B"_s).ok());
    SimulationRepository repository(database);
    // 2,000 runs, one in four named Zeta, four in five on machine 1.
    for (int i = 0; i < 2000; ++i) {
        const QString name = (i % 4 == 0 ? u"Zeta %1"_s : u"tick %1"_s).arg(i);
        QVERIFY(repository.create(run(name, i % 5 == 0 ? 2 : 1)).ok());
    }
    if (database.isPostgreSql()) {
        QSqlQuery analyze(database.connection());
        QVERIFY(analyze.exec(u"ANALYZE simulations"_s));
    }
    SimulationQuery all;
    all.machineId = 1;
    all.limit = -1;
    QList<qint64> want;
    for (const Simulation &simulation : repository.list(all).value()) {
        if (simulation.name.startsWith(u"Zeta"_s))
            want << simulation.id;
    }
    QCOMPARE(want.size(), 400);
    for (const qint64 offset : {qint64(0), qint64(350)}) {
        SimulationQuery query;
        query.machineId = 1;
        query.nameContains = u"ZETA"_s;
        query.offset = offset;
        query.limit = 7;
        NameSearch search(database, query.nameContains);
        QVERIFY(search.planPage(query).ok());
        if (database.isPostgreSql()) {
            // About 500 matches expected, more than a page walks past (224 at 2,000 runs); a
            // share of a quarter fills 7 rows within 28 runs of machine 1, 357 within 1,428.
            QVERIFY2(!search.isSelective(), qPrintable(QString::number(search.threshold())));
            QCOMPARE(search.walksNames(), offset == 0);
        }
        // The pages from there to the end, by offset and by cursor, are the runs checked by hand.
        QList<qint64> byOffset;
        QList<qint64> byCursor;
        SimulationQuery next = query;
        for (int page = 0; page < 100; ++page) {
            SimulationQuery byPosition = query;
            byPosition.offset = offset + page * query.limit;
            SimulationCursor last;
            QList<qint64> rows;
            QVERIFY(repository.forEach(byPosition, [&rows](const Simulation &s) { rows << s.id; })
                        .ok());
            byOffset += rows;
            rows.clear();
            QVERIFY(repository
                        .forEach(
                            next, [&rows](const Simulation &s) { rows << s.id; }, &last)
                        .ok());
            byCursor += rows;
            next.offset = 0;
            next.after = last;
            if (rows.size() < query.limit)
                break;
        }
        QCOMPARE(byOffset, want.mid(offset));
        QCOMPARE(byCursor, want.mid(offset));
        // The count of the whole query, filters included, is exact.
        const auto counted = repository.count(query);
        QVERIFY(counted.ok());
        QCOMPARE(counted.value(), qint64(want.size()));
    }
}

// PostgreSQL: the trigram index is keyed by the status of the runs that have not finished
// (migration 036). A page of a common name among a status few runs have reads from the index the
// matches that have it alone, counts them on the way and sorts them; a status most runs have
// (finished, or any at more than a tenth of the runs) is checked on each match as before. Every
// way lists the runs a scan finds, and counts them exactly where it read them all.
void TestListing::aRareStatusIsReadFromTheNameIndex()
{
    // A million runs, 20,000 failed (2 %), a page of 100 by name (whose index holds the names):
    // a name in 14,000 runs is read from the index keyed by the status (280 matches there),
    // where reading all its matches cost more than walking 7,000 failed runs; a name in a
    // quarter of the runs is still walked (400 failed runs fill the page).
    QVERIFY(NameSearch::indexBeatsWalk(14'000, 1'000'000, 20'000, 100, true, 0.02));
    QVERIFY(!NameSearch::indexBeatsWalk(14'000, 1'000'000, 20'000, 100, true));
    QVERIFY(!NameSearch::indexBeatsWalk(250'000, 1'000'000, 20'000, 100, true, 0.02));

    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    const bool postgreSql = database.isPostgreSql();
    constexpr qint64 kRuns = 3 * SimulationBlocks::kIds;
    // Zeta in one run of eight (1,536); one run of twelve failed (1,024, 8 %), a third
    // cancelled, the rest finished: 512 failed Zetas.
    const QString added
        = addRunsBySql(database, kRuns, u"CASE WHEN i % 8 = 0 THEN 'Zeta ' ELSE 'tick ' END || i"_s,
                       u"CASE WHEN i % 12 = 4 THEN 'failed' WHEN i % 3 = 0 THEN 'cancelled' "
                       "ELSE 'finished' END"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    SimulationRepository repository(database);
    QSqlQuery explain(database.connection());
    for (const SimulationStatus status :
         {SimulationStatus::Failed, SimulationStatus::Cancelled, SimulationStatus::Finished}) {
        for (const OrderBy orderBy : {OrderBy::Name, OrderBy::UpdateDate, OrderBy::FinalLoss}) {
            SimulationQuery query;
            query.nameContains = u"ZETA"_s;
            query.status = status;
            query.orderBy = orderBy;
            query.limit = 100;
            const QString what
                = u"%1, %2"_s.arg(statusName(status), SimulationQuery::orderByName(orderBy));
            NameSearch search(database, query.nameContains);
            QVERIFY(search.planPage(query).ok());
            const bool keyed = postgreSql && status == SimulationStatus::Failed;
            QCOMPARE(search.indexedStatus(), keyed ? statusName(status) : QString());
            const QList<SqlStatement> statements
                = SimulationListQuery(query, postgreSql, &search).selects(u"*"_s, 100);
            QVERIFY(!statements.isEmpty());
            QCOMPARE(statements.first().text.contains(u"NULLIF(status"_s), keyed);
            if (keyed) {
                // The index yields the failed runs' matches: the key is one of its conditions.
                QVERIFY2(search.readsEveryMatch(), qPrintable(what));
                const QString plan = planOf(explain, postgreSql, statements.first());
                static const QRegularExpression keyRead(
                    u"Index Cond: .*NULLIF\\(status, 'finished'::text\\) = 'failed'"_s);
                QVERIFY2(plan.contains(u"simulations_name_trgm_idx"_s) && plan.contains(keyRead)
                             && !plan.contains(u"Seq Scan"_s),
                         qPrintable(what + u'\n' + plan));
            }
            const QList<qint64> want = scannedIds(repository, query);
            if (status == SimulationStatus::Failed)
                QCOMPARE(want.size(), 512);
            QVERIFY2(want.size() > 100, qPrintable(what));
            QCOMPARE(pagedIds(repository, query), want);
            QCOMPARE(pagedIds(repository, query, false), want);
            // The page's read counted the query's runs, filters included.
            query.nameProbe = std::make_shared<NameProbe>();
            QVERIFY(repository.list(query).ok());
            const auto counted = SimulationCounter(database).count(query, true);
            QVERIFY(counted.ok());
            if (keyed)
                QVERIFY2(counted->exact, qPrintable(what));
            if (counted->exact)
                QCOMPARE(counted->runs, qint64(want.size()));
        }
    }
}

// Lists on PostgreSQL send their values written into the statement (sql::runValueDependent):
// a ? in a quoted literal or identifier stays, every value reads back as it was bound.
void TestListing::valuesAreWrittenIntoStatementsOutsideQuotes()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QSqlQuery query(database.connection());
    const QString value = u"a'b?\\\"c'' -- ?"_s;
    const std::optional<QString> text = sql::withLiterals(
        *query.driver(),
        u"SELECT '?', ?, 'it''s ?', \"?\".x, ?, ?, 1 -? FROM (SELECT 7 AS x) AS \"?\""_s,
        {value, qint64(1) << 40, QVariant(), -2.5});
    QVERIFY(text);
    QVERIFY2(query.exec(*text), qPrintable(query.lastError().text() + u"\n"_s + *text));
    QVERIFY(query.next());
    QCOMPARE(query.value(0).toString(), u"?"_s);
    QCOMPARE(query.value(1).toString(), value);
    QCOMPARE(query.value(2).toString(), u"it's ?"_s);
    QCOMPARE(query.value(3).toLongLong(), 7);
    QCOMPARE(query.value(4).toLongLong(), qint64(1) << 40);
    QVERIFY(query.value(5).isNull());
    QCOMPARE(query.value(6).toDouble(), 3.5);
    // As many values as places for them, or no statement.
    QVERIFY(!sql::withLiterals(*query.driver(), u"SELECT ?, ?"_s, {1}));
    QVERIFY(!sql::withLiterals(*query.driver(), u"SELECT ?"_s, {1, 2}));
    QVERIFY(!sql::withLiterals(*query.driver(), u"SELECT '?'"_s, {1}));
}

QTEST_GUILESS_MAIN(TestListing)
#include "tst_listing.moc"

void TestListing::aTextWithoutATrigramIsReadInTheBlocksThatHoldIt()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(withMachinesAAndB(database));
    const bool postgreSql = database.isPostgreSql();
    // The trigrams pg_trgm takes from a text's words: none from separators alone, nor from one
    // letter before them.
    const QList<std::pair<QString, bool>> texts {
        {u"---"_s, false}, {u"x--"_s, false}, {u"%_."_s, false},   {u"é--"_s, false},
        {u"--x"_s, true},  {u"ab-"_s, true},  {u"-ab"_s, true},    {u"a-b"_s, true},
        {u"abc"_s, true},  {u"7%_"_s, false}, {u"日本語"_s, true}, {u"-é-"_s, true}};
    for (const auto &[text, serves] : texts)
        QVERIFY2(NameSearch(database, text).trigramIndexServes() == serves, qPrintable(text));
    constexpr qint64 kBlock = SimulationBlocks::kIds;
    constexpr qint64 kRuns = 4 * kBlock + 100;
    // Runs "run-1" …, but in the third block of ids those whose id ends in 7: "X--8197%_." …
    const QString added = addRunsBySql(
        database, kRuns,
        u"CASE WHEN i / %1 = 2 AND i % 10 = 7 THEN 'X--' || i || '%_.' ELSE 'run-' || i END"_s.arg(
            kBlock),
        u"CASE WHEN i % 3 = 0 THEN 'failed' ELSE 'finished' END"_s);
    QVERIFY2(added.isEmpty(), qPrintable(added));
    SimulationRepository repository(database);
    QSqlQuery query(database.connection());
    for (const QString &text : {u"x--"_s, u"%_."_s, u"7%_"_s, u"---"_s}) {
        for (const OrderBy orderBy :
             {OrderBy::CreationDate, OrderBy::Name, OrderBy::UpdateDate, OrderBy::Status}) {
            for (const bool descending : {false, true}) {
                auto [list, what] = namePage(orderBy, descending, text, 30, text);
                if (orderBy == OrderBy::Status)
                    list.status = SimulationStatus::Failed;
                NameSearch search(database, list.nameContains);
                QVERIFY2(search.planPage(list).ok(), qPrintable(what));
                if (postgreSql) {
                    // Read in the third block alone, or nowhere.
                    const auto &spans = search.holdingSpans();
                    QVERIFY2(spans, qPrintable(what));
                    QCOMPARE(spans->isEmpty(), text == u"---"_s);
                    for (const NameSearch::KeySpan &span : *spans)
                        QVERIFY2(span.first >= 2 * kBlock && span.last < 3 * kBlock,
                                 qPrintable(what));
                    // No statement of the page reads the trigram index, which would take
                    // every row for a candidate, or the whole table.
                    QVERIFY(database.connection().transaction());
                    QVERIFY(query.exec(u"SET LOCAL enable_seqscan = off"_s));
                    const SimulationListQuery listQuery(list, true, &search);
                    for (const SqlStatement &statement :
                         listQuery.selects(u"simulation_id, name"_s, list.limit)) {
                        const std::optional<QString> text
                            = sql::withLiterals(*query.driver(), statement.text, statement.values);
                        QVERIFY(text);
                        QVERIFY2(query.exec(u"EXPLAIN "_s + *text),
                                 qPrintable(query.lastError().text()));
                        QStringList lines;
                        while (query.next())
                            lines << query.value(0).toString();
                        const QString plan = lines.join(u'\n');
                        QVERIFY2(!plan.contains(u"simulations_name_trgm_idx"_s)
                                     && !plan.contains(u"Seq Scan on simulations"_s),
                                 qPrintable(what + u"\n"_s + *text + u"\n"_s + plan));
                    }
                    QVERIFY(database.connection().rollback());
                }
                // The runs a scan finds, page after page, by cursor and by offset, and counted.
                const QList<qint64> scanned = scannedIds(repository, list);
                QCOMPARE(scanned.isEmpty(), text == u"---"_s);
                QVERIFY2(pagedIds(repository, list) == scanned, qPrintable(what));
                QVERIFY2(pagedIds(repository, list, false) == scanned, qPrintable(what));
                for (const bool estimate : {false, true}) {
                    const auto counted = SimulationCounter(database).count(list, estimate);
                    QVERIFY2(counted.ok(), qPrintable(what));
                    QVERIFY2(counted.value().runs == scanned.size() && counted.value().exact,
                             qPrintable(what + u": "_s + QString::number(counted.value().runs)));
                }
            }
        }
    }
    // A run of another block renamed to hold the text: its block holds it now.
    QVERIFY(query.exec(u"UPDATE simulations SET name = 'late x--', name_folded = 'late x--', "
                       "name_key = 'late x--' WHERE simulation_id = 5"_s));
    auto [list, what] = namePage(OrderBy::CreationDate, false, u"x--"_s, 30, u"renamed"_s);
    const QList<qint64> scanned = scannedIds(repository, list);
    QCOMPARE(scanned.constFirst(), 5);
    QVERIFY2(pagedIds(repository, list) == scanned, qPrintable(what));
}
