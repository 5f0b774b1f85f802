#include "database.h"
#include "simulationsummaries.h"
#include "sqlsupport.h"
#include "testsupport.h"
#include "walwrites.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/resource.h>

using namespace aisim;
using namespace Qt::StringLiterals;

namespace {

// The sqlite3 command-line tool on the database: another process, reading the file and its log
// as SQLite does, so it sees only what has reached them.
class OtherProcess
{
public:
    explicit OtherProcess(const QString &path)
    {
        m_process.setProcessChannelMode(QProcess::MergedChannels); // its errors answer too
        m_process.start(u"sqlite3"_s, {u"-batch"_s, path});
        m_started = m_process.waitForStarted(10000);
    }
    ~OtherProcess()
    {
        m_process.closeWriteChannel();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
    }
    OtherProcess(const OtherProcess &) = delete;
    OtherProcess &operator=(const OtherProcess &) = delete;

    bool isStarted() const { return m_started; }
    // The first line the query prints, or "(no answer)".
    QString ask(const QString &query)
    {
        m_process.write(query.toUtf8() + ";\nSELECT 'end-of-answer';\n");
        QByteArray output;
        const QDeadlineTimer deadline(15000);
        while (!output.contains("end-of-answer\n") && !deadline.hasExpired()) {
            m_process.waitForReadyRead(100);
            output += m_process.readAllStandardOutput();
        }
        if (!output.contains("end-of-answer\n"))
            return u"(no answer)"_s;
        return QString::fromUtf8(output.left(output.indexOf('\n')));
    }

private:
    QProcess m_process;
    bool m_started = false;
};

// Inserts rows of the given size into rows_of_test, in one transaction.
Status insertRows(Database &database, int rows, int bytes)
{
    sql::Transaction transaction(database);
    if (!transaction.isActive())
        return transaction.beginError();
    for (int i = 0; i < rows; ++i) {
        const auto inserted = sql::change(
            database, u"INSERT INTO rows_of_test (n, filler) VALUES (?, zeroblob(?))"_s, {i, bytes},
            u"store a row"_s);
        if (!inserted)
            return inserted.error();
    }
    return transaction.commit();
}

QString rowCount(Database &database)
{
    Result<sql::KeptRows> rows
        = sql::readKept(database, u"SELECT COUNT(*) FROM rows_of_test"_s, {}, u"count the rows"_s);
    if (!rows)
        return rows.error().message;
    sql::KeptRows &count = rows.value();
    return count.next() ? count.value(0).toString() : u"(no row)"_s;
}

} // namespace

// SQLite's log frames of a transaction reach the log file together, and every commit is there
// for other connections and processes the moment it returns, whatever its size, and a write
// that fails fails its commit.
class TestWalWrites : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void aTransactionsFramesReachTheLogInFewWrites();
    void eachCommitIsSeenAtOnceByAnotherProcess();
    void transactionsLargerThanTheCacheAreWholeOrAbsent();
    void aLogWriteThatFailsFailsItsCommitAndLosesNothing();
    void commitsOfEverySizeAreWholeForAnotherProcess();
    void framesOfARolledBackTransactionNeverOverwriteLaterCommits();
    void aConnectionWaitingToWriteTakesNothingFromTheWriter();
    void theLogAloneRecoversEveryCommit();
    void aStampChangesWithEachCommitOfAnyProcessAndOnlyThen();
    void keptSummariesFollowEveryCommit();

private:
    std::unique_ptr<test::TestDatabase> m_db;
    std::unique_ptr<Database> m_database;
};

void TestWalWrites::initTestCase()
{
    // A write past the file size limit fails (EFBIG) instead of ending the process.
    std::signal(SIGXFSZ, SIG_IGN);
}

void TestWalWrites::init()
{
    m_database.reset();
    m_db = std::make_unique<test::TestDatabase>(test::TestDatabase::Dialect::Sqlite);
    m_database = std::make_unique<Database>(m_db->url());
    QVERIFY(m_database->migrate().ok());
    QVERIFY(sql::change(*m_database, u"CREATE TABLE rows_of_test (n INTEGER, filler BLOB)"_s, {},
                        u"create a table"_s)
                .ok());
}

void TestWalWrites::aTransactionsFramesReachTheLogInFewWrites()
{
    const walwrites::Counts before = walwrites::counts();
    // Some 300 pages of rows: over 600 writes of SQLite's (a header and a page a frame).
    QVERIFY(insertRows(*m_database, 300, 3000).ok());
    const walwrites::Counts after = walwrites::counts();
    const qint64 sqliteWrites = after.sqliteWrites - before.sqliteWrites;
    const qint64 fileWrites = after.fileWrites - before.fileWrites;
    QVERIFY2(sqliteWrites >= 600, qPrintable(QString::number(sqliteWrites)));
    // About 1.2 MB of frames in writes of up to 127 KiB.
    QVERIFY2(fileWrites * 20 < sqliteWrites,
             qPrintable(
                 u"%1 writes to the file for %2 of SQLite's"_s.arg(fileWrites).arg(sqliteWrites)));

    OtherProcess other(m_db->url().path);
    QVERIFY(other.isStarted());
    QCOMPARE(other.ask(u"SELECT COUNT(*), SUM(LENGTH(filler)) FROM rows_of_test"_s),
             u"300|900000"_s);
}

void TestWalWrites::eachCommitIsSeenAtOnceByAnotherProcess()
{
    OtherProcess other(m_db->url().path);
    QVERIFY(other.isStarted());
    QCOMPARE(other.ask(u"SELECT COUNT(*) FROM rows_of_test"_s), u"0"_s);
    // Small commits (a frame or two, the commit frame among them) and larger ones.
    int rows = 0;
    for (int i = 0; i < 30; ++i) {
        const int added = i % 3 == 2 ? 40 : 1;
        QVERIFY(insertRows(*m_database, added, i % 3 == 2 ? 2000 : 10).ok());
        rows += added;
        QCOMPARE(other.ask(u"SELECT COUNT(*) FROM rows_of_test"_s), QString::number(rows));
    }
    QCOMPARE(other.ask(u"PRAGMA integrity_check"_s), u"ok"_s);
}

void TestWalWrites::transactionsLargerThanTheCacheAreWholeOrAbsent()
{
    // A page cache of 20 pages: SQLite writes the transaction's pages to the log before its
    // commit, many times the buffer's size.
    m_database->setSessionStatements({u"PRAGMA cache_size=20"_s});
    QVERIFY(insertRows(*m_database, 2000, 2000).ok());
    OtherProcess other(m_db->url().path);
    QVERIFY(other.isStarted());
    QCOMPARE(other.ask(u"SELECT COUNT(*), SUM(LENGTH(filler)) FROM rows_of_test"_s),
             u"2000|4000000"_s);

    // The same, rolled back: the frames written before are not the database's.
    {
        sql::Transaction transaction(*m_database);
        QVERIFY(transaction.isActive());
        for (int i = 0; i < 2000; ++i) {
            QVERIFY(sql::change(*m_database,
                                u"INSERT INTO rows_of_test (n, filler) "
                                "VALUES (?, zeroblob(2000))"_s,
                                {i}, u"store a row"_s)
                        .ok());
        }
        QVERIFY(sql::change(*m_database, u"DELETE FROM rows_of_test WHERE n < 1000"_s, {},
                            u"remove rows"_s)
                    .ok());
    } // rolled back
    QCOMPARE(rowCount(*m_database), u"2000"_s);
    QCOMPARE(other.ask(u"SELECT COUNT(*), SUM(LENGTH(filler)) FROM rows_of_test"_s),
             u"2000|4000000"_s);
    // And a commit after it, in the log where the rolled-back frames were.
    QVERIFY(insertRows(*m_database, 10, 100).ok());
    QCOMPARE(other.ask(u"SELECT COUNT(*) FROM rows_of_test"_s), u"2010"_s);
    QCOMPARE(other.ask(u"PRAGMA integrity_check"_s), u"ok"_s);
}

void TestWalWrites::aLogWriteThatFailsFailsItsCommitAndLosesNothing()
{
    QVERIFY(insertRows(*m_database, 10, 100).ok());
    const QString log = m_db->url().path + "-wal"_L1;
    const qint64 logBytes = QFileInfo(log).size();
    QVERIFY(logBytes > 0);

    // No file of this process may grow past a few pages beyond the log's size: the frames of a
    // transaction of 100 pages reach the log only when its commit frame is written.
    rlimit limit {};
    QCOMPARE(getrlimit(RLIMIT_FSIZE, &limit), 0);
    const rlimit unlimited = limit;
    limit.rlim_cur = rlim_t(logBytes + 3 * 4120);
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &limit), 0);
    const Status failed = insertRows(*m_database, 100, 3000);
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &unlimited), 0);
    QVERIFY(!failed.ok());

    QCOMPARE(rowCount(*m_database), u"10"_s);
    OtherProcess other(m_db->url().path);
    QVERIFY(other.isStarted());
    QCOMPARE(other.ask(u"SELECT COUNT(*) FROM rows_of_test"_s), u"10"_s);
    QVERIFY(insertRows(*m_database, 100, 3000).ok());
    QCOMPARE(other.ask(u"SELECT COUNT(*), SUM(LENGTH(filler)) FROM rows_of_test"_s),
             u"110|301000"_s);
    QCOMPARE(other.ask(u"PRAGMA integrity_check"_s), u"ok"_s);
}

void TestWalWrites::commitsOfEverySizeAreWholeForAnotherProcess()
{
    OtherProcess other(m_db->url().path);
    QVERIFY(other.isStarted());
    // Rows of most of a page: a commit of n rows writes some n frames, so that the commit frame
    // falls at every place in the buffer, its end included.
    int rows = 0;
    for (int added = 1; added <= 70; ++added) {
        QVERIFY(insertRows(*m_database, added, 3900).ok());
        rows += added;
        QCOMPARE(other.ask(u"SELECT COUNT(*), SUM(LENGTH(filler)) FROM rows_of_test"_s),
                 u"%1|%2"_s.arg(rows).arg(qint64(rows) * 3900));
    }
    QCOMPARE(other.ask(u"PRAGMA integrity_check"_s), u"ok"_s);
}

void TestWalWrites::framesOfARolledBackTransactionNeverOverwriteLaterCommits()
{
    QVERIFY(insertRows(*m_database, 60, 3000).ok());
    // The log copied into the file and emptied: the update below reads its pages from the file.
    QVERIFY(test::runStatement(*m_database, u"PRAGMA wal_checkpoint(TRUNCATE)"_s).isEmpty());
    // A page cache of 5 pages: the update's pages go to the log before it ends.
    m_database->setSessionStatements({u"PRAGMA cache_size=5"_s});
    const walwrites::Counts before = walwrites::counts();
    // The connection's own statements, nothing after the rollback.
    QCOMPARE(test::runStatement(*m_database, u"BEGIN IMMEDIATE"_s), QString());
    QCOMPARE(test::runStatement(*m_database, u"UPDATE rows_of_test SET n = n + 1000"_s), QString());
    QCOMPARE(test::runStatement(*m_database, u"ROLLBACK"_s), QString());
    QVERIFY(walwrites::counts().sqliteWrites > before.sqliteWrites); // the pages went to the log
    // Another process commits more frames than those, where they were; then this one reads the
    // log again.
    OtherProcess other(m_db->url().path);
    QVERIFY(other.isStarted());
    QCOMPARE(other.ask(u"INSERT INTO rows_of_test (n, filler) SELECT value, zeroblob(3000) "
                       "FROM generate_series(1, 100); SELECT changes()"_s),
             u"100"_s);
    QCOMPARE(rowCount(*m_database), u"160"_s);
    // A process that has none of the pages in its cache yet reads what the log holds.
    OtherProcess fresh(m_db->url().path);
    QVERIFY(fresh.isStarted());
    QCOMPARE(fresh.ask(u"SELECT COUNT(*), SUM(LENGTH(filler)), MAX(n) FROM rows_of_test"_s),
             u"160|480000|100"_s);
    QCOMPARE(fresh.ask(u"PRAGMA integrity_check"_s), u"ok"_s);
}

void TestWalWrites::aConnectionWaitingToWriteTakesNothingFromTheWriter()
{
    QVERIFY(insertRows(*m_database, 60, 3000).ok());
    QVERIFY(test::runStatement(*m_database, u"PRAGMA wal_checkpoint(TRUNCATE)"_s).isEmpty());
    m_database->setSessionStatements({u"PRAGMA cache_size=5"_s});
    // The writer holds part of its transaction's frames in its buffer…
    QCOMPARE(test::runStatement(*m_database, u"BEGIN IMMEDIATE"_s), QString());
    QCOMPARE(test::runStatement(*m_database, u"UPDATE rows_of_test SET n = n + 1000"_s), QString());
    // … when another connection of this process fails to take the write lock …
    DatabaseUrl url = m_db->url();
    url.busyTimeoutMs = 50;
    Database waiting(url);
    QVERIFY(!test::runStatement(waiting, u"BEGIN IMMEDIATE"_s).isEmpty());
    // … and then commits: its frames are all in the log.
    QCOMPARE(test::runStatement(*m_database, u"COMMIT"_s), QString());
    OtherProcess fresh(m_db->url().path);
    QVERIFY(fresh.isStarted());
    QCOMPARE(fresh.ask(u"SELECT COUNT(*), MIN(n), MAX(n) FROM rows_of_test"_s), u"60|1000|1059"_s);
    QCOMPARE(fresh.ask(u"PRAGMA integrity_check"_s), u"ok"_s);
}

void TestWalWrites::theLogAloneRecoversEveryCommit()
{
    QVERIFY(insertRows(*m_database, 60, 3000).ok());
    QVERIFY(test::runStatement(*m_database, u"PRAGMA wal_checkpoint(TRUNCATE)"_s).isEmpty());
    m_database->setSessionStatements({u"PRAGMA cache_size=5"_s});
    {
        // Pages written to the log early and changed again before the commit: SQLite writes
        // them again in place and then the checksums of the frames after them, the commit
        // frame's among them.
        sql::Transaction transaction(*m_database);
        QVERIFY(transaction.isActive());
        QVERIFY(sql::change(*m_database, u"UPDATE rows_of_test SET n = n + 1000"_s, {},
                            u"change the rows"_s)
                    .ok());
        QVERIFY(sql::change(*m_database, u"UPDATE rows_of_test SET n = n + 1 WHERE n < 1030"_s, {},
                            u"change half of them again"_s)
                    .ok());
        QVERIFY(transaction.commit().ok());
    }
    // What a crash leaves: the file and the log, without the log's index (in shared memory),
    // which SQLite then builds again from the frames, checking their checksums.
    const QTemporaryDir copy;
    QVERIFY(copy.isValid());
    const QString path = copy.filePath(u"copy.db"_s);
    QVERIFY(QFile::copy(m_db->url().path, path));
    QVERIFY(QFile::copy(m_db->url().path + "-wal"_L1, path + "-wal"_L1));
    OtherProcess recovering(path);
    QVERIFY(recovering.isStarted());
    QCOMPARE(recovering.ask(u"SELECT COUNT(*), MIN(n), MAX(n) FROM rows_of_test"_s),
             u"60|1001|1059"_s);
    QCOMPARE(recovering.ask(u"PRAGMA integrity_check"_s), u"ok"_s);
}

// The log index's header tells every commit, of this process or another, of any size, and a
// checkpoint's restart of the log; reads and failed writes leave it as it was.
void TestWalWrites::aStampChangesWithEachCommitOfAnyProcessAndOnlyThen()
{
    QCOMPARE(rowCount(*m_database), u"0"_s); // the connection has read: the index is mapped
    const auto stamp = [this] {
        const std::optional<Database::DataStamp> read = m_database->dataStamp();
        return read ? *read : Database::DataStamp {};
    };
    Database::DataStamp seen = stamp();
    QCOMPARE(int(seen.source), int(Database::DataStamp::Source::LogIndex));
    QCOMPARE(stamp(), seen);
    const auto changedOnce = [&] {
        const Database::DataStamp now = stamp();
        const bool changed = now != seen && now.source == Database::DataStamp::Source::LogIndex;
        seen = now;
        return changed && stamp() == now;
    };

    QVERIFY(insertRows(*m_database, 1, 10).ok());
    QVERIFY(changedOnce());
    QCOMPARE(rowCount(*m_database), u"1"_s);
    QCOMPARE(stamp(), seen);

    // Another connection of this process, then another process.
    Database second(m_db->url());
    QVERIFY(insertRows(second, 300, 3000).ok());
    QVERIFY(changedOnce());
    OtherProcess other(m_db->url().path);
    QVERIFY(other.isStarted());
    QCOMPARE(other.ask(u"SELECT COUNT(*) FROM rows_of_test"_s), u"301"_s);
    QCOMPARE(stamp(), seen);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(other.ask(u"INSERT INTO rows_of_test (n) VALUES (%1); SELECT changes()"_s.arg(i)),
                 u"1"_s);
        QVERIFY(changedOnce());
    }
    // A statement that fails, and one that changes no row: nothing committed, or a commit.
    QVERIFY(other.ask(u"INSERT INTO no_such_table VALUES (1)"_s).contains(u"no such table"_s));
    QCOMPARE(stamp(), seen);
    QCOMPARE(other.ask(u"BEGIN; UPDATE rows_of_test SET n = n WHERE n < 0; ROLLBACK; "
                       "SELECT COUNT(*) FROM rows_of_test"_s),
             u"306"_s);
    QCOMPARE(stamp(), seen);

    // A checkpoint that restarts the log, and the commit after it.
    QCOMPARE(other.ask(u"PRAGMA wal_checkpoint(TRUNCATE)"_s).left(2), u"0|"_s);
    stamp();
    seen = stamp();
    QCOMPARE(other.ask(u"DELETE FROM rows_of_test WHERE n = 0; SELECT changes()"_s), u"3"_s);
    QVERIFY(changedOnce());
    QCOMPARE(rowCount(*m_database), u"303"_s);
}

// Runs read through KeptSummaries are what the database holds after every commit, of this
// connection, another, or another process: renamed, moved or deleted.
void TestWalWrites::keptSummariesFollowEveryCommit()
{
    QVERIFY(sql::change(*m_database,
                        u"INSERT INTO machines (machine_id, name, created_at) VALUES (1, 'A', 1)"_s,
                        {}, u"add a machine"_s)
                .ok());
    QVERIFY(sql::change(*m_database,
                        u"INSERT INTO simulations (simulation_id, name, machine_id, status, "
                        "creation_date, update_date) VALUES (5, 'first', 1, 'pending', 1, 1)"_s,
                        {}, u"add a run"_s)
                .ok());
    KeptSummaries kept(*m_database);
    const auto nameOf = [&kept](qint64 id, bool mayKeep = true) {
        const auto read = kept.get(id, mayKeep);
        if (!read)
            return read.error().message;
        return read.value() ? read.value()->name : u"(none)"_s;
    };
    QCOMPARE(nameOf(5), u"first"_s);
    QCOMPARE(nameOf(5), u"first"_s);
    QCOMPARE(nameOf(6), u"(none)"_s);

    Database second(m_db->url());
    QVERIFY(sql::change(second, u"UPDATE simulations SET name = 'second' WHERE simulation_id = 5"_s,
                        {}, u"rename a run"_s)
                .ok());
    QCOMPARE(nameOf(5), u"second"_s);

    OtherProcess other(m_db->url().path);
    QVERIFY(other.isStarted());
    const QStringList names {u"third"_s, u"fourth"_s, u"fifth"_s};
    for (const QString &name : names) {
        QCOMPARE(other.ask(u"UPDATE simulations SET name = '%1' WHERE simulation_id = 5; "
                           "SELECT changes()"_s.arg(name)),
                 u"1"_s);
        QCOMPARE(nameOf(5), name);
        QCOMPARE(nameOf(5), name);
    }
    QCOMPARE(other.ask(u"INSERT INTO simulations (simulation_id, name, machine_id, status, "
                       "creation_date, update_date) VALUES (6, 'new', 1, 'pending', 2, 2); "
                       "SELECT changes()"_s),
             u"1"_s);
    QCOMPARE(nameOf(6), u"new"_s);
    QCOMPARE(other.ask(u"DELETE FROM simulations WHERE simulation_id = 5; SELECT changes()"_s),
             u"1"_s);
    QCOMPARE(nameOf(5), u"(none)"_s);
    QCOMPARE(nameOf(6, false), u"new"_s);
}

QTEST_GUILESS_MAIN(TestWalWrites)
#include "tst_walwrites.moc"
