#include "apiresponse.h"
#include "convergencerepository.h"
#include "privatepostgres.h"
#include "simulationrepository.h"
#include "sqlsupport.h"
#include "storagefaults.h"
#include "storagehealth.h"
#include "testsupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QUuid>

#include <atomic>
#include <functional>

using namespace Qt::StringLiterals;
using namespace aisim;
using test::httpRequest;

namespace {

constexpr int kPoints = 8;
constexpr int kPaceMs = 150;
constexpr int kFailuresToSee = 8;

// Counts the log lines that say the same thing once per episode, or should never appear.
std::atomic<int> s_faultLines {0};
std::atomic<int> s_rollbackNoise {0};
QtMessageHandler s_previousHandler = nullptr;
QLoggingCategory::CategoryFilter s_previousFilter = nullptr;

void keepStorageWarnings(QLoggingCategory *category)
{
    s_previousFilter(category);
    if (qstrcmp(category->categoryName(), "aisim.storage") == 0)
        category->setEnabled(QtWarningMsg, true);
}

void countingHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (message.contains("storage fault ("_L1))
        ++s_faultLines;
    if (message.contains("rollback failed"_L1))
        ++s_rollbackNoise;
    s_previousHandler(type, context, message);
}

class LogWatch
{
public:
    LogWatch()
    {
        s_faultLines = 0;
        s_rollbackNoise = 0;
        s_previousHandler = qInstallMessageHandler(countingHandler);
    }
    ~LogWatch() { qInstallMessageHandler(s_previousHandler); }
};

test::HttpReply postRun(quint16 port, const QString &name)
{
    const QJsonObject body {
        {u"name"_s, name},
        {u"machine_id"_s, 101},
        {u"machine"_s, QJsonObject {{u"machine_id"_s, 101}, {u"name"_s, u"Machine A"_s}}},
        {u"parameters"_s, QJsonObject {{u"points"_s, kPoints}, {u"pace_ms"_s, kPaceMs}}}};
    return httpRequest(port, "POST", "/simulation", QJsonDocument(body).toJson(),
                       {{"Content-Type", "application/json"}});
}

// A connection of the test's own to the same database, as another program would have.
class OwnConnection
{
public:
    explicit OwnConnection(const DatabaseUrl &url)
        : m_name(u"own-"_s + QUuid::createUuid().toString(QUuid::Id128))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(url.driverName(), m_name);
        if (url.dialect == DatabaseUrl::Dialect::Sqlite) {
            db.setDatabaseName(url.path);
        } else {
            db.setHostName(url.host);
            db.setPort(url.port);
            db.setUserName(url.user);
            db.setPassword(url.password);
            db.setDatabaseName(url.databaseName);
        }
        db.open();
    }
    ~OwnConnection()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    bool exec(const QString &statement, QVariant *first = nullptr) const
    {
        QSqlQuery query(QSqlDatabase::database(m_name));
        if (!query.exec(statement)) {
            qWarning() << statement << "failed:" << query.lastError().text();
            return false;
        }
        if (first && query.next())
            *first = query.value(0);
        return true;
    }

private:
    QString m_name;
};

// Another program holding the database's write lock: the sqlite3 or psql command-line tool
// in an open transaction.
class LockHolder
{
public:
    bool take(const DatabaseUrl &url)
    {
        m_url = url;
        if (url.dialect == DatabaseUrl::Dialect::Sqlite) {
            // The server's own writes may hold the lock a moment: the tool waits for them,
            // and stops at an error rather than say it holds a lock it never took.
            m_process.start(u"sqlite3"_s, {u"-bail"_s, url.path});
            m_process.write(".timeout 10000\nBEGIN IMMEDIATE;\nSELECT 'locked';\n");
        } else {
            DatabaseUrl plain = url; // psql knows no busy_timeout_ms
            plain.busyTimeoutMs = DatabaseUrl::kDefaultBusyTimeoutMs;
            m_process.start(
                u"psql"_s,
                {u"-X"_s, u"-q"_s, u"-At"_s, u"-v"_s, u"ON_ERROR_STOP=1"_s, plain.toString()});
            m_process.write(
                "BEGIN;\nLOCK TABLE simulations IN EXCLUSIVE MODE;\nSELECT 'locked';\n");
        }
        if (!m_process.waitForStarted(10000))
            return false;
        // The tool says so once its transaction holds the lock.
        QByteArray output;
        QDeadlineTimer deadline(15000);
        while (!output.contains("locked") && !deadline.hasExpired()) {
            m_process.waitForReadyRead(200);
            output += m_process.readAllStandardOutput();
        }
        return output.contains("locked");
    }
    bool release()
    {
        m_process.write("COMMIT;\n");
        m_process.closeWriteChannel();
        return m_process.waitForFinished(10000) && m_process.exitCode() == 0;
    }

private:
    QProcess m_process;
    DatabaseUrl m_url;
};

// How a fault is brought about and taken away again, and what the API must say meanwhile.
struct Fault
{
    StorageFault kind = StorageFault::None;
    std::function<bool(Runtime &)> inject;
    std::function<bool(Runtime &)> heal;
};

int pageCount(const DatabaseUrl &url)
{
    QVariant pages;
    OwnConnection(url).exec(u"PRAGMA page_count"_s, &pages);
    return pages.toInt();
}

// Makes the PostgreSQL database read-only for every new session and ends the current ones, as
// an administrator (or a fail-over to a standby) would.
bool setPostgresReadOnly(const DatabaseUrl &url, bool readOnly)
{
    const OwnConnection admin(url);
    // Its own session may have started read-only, too.
    return admin.exec(u"SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE"_s)
        && admin.exec(u"ALTER DATABASE %1 SET default_transaction_read_only = %2"_s.arg(
            url.databaseName, readOnly ? u"on"_s : u"off"_s))
        && admin.exec(u"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                      "current_database() AND pid <> pg_backend_pid()"_s);
}

DatabaseUrl withShortBusyTimeout(DatabaseUrl url)
{
    url.busyTimeoutMs = 300;
    return url;
}

} // namespace

// Storage faults injected under a real server: the documented status and sentence for each,
// /readyz and /metrics following them, nothing acknowledged lost, every run finished after.
class TestStorageFaults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // The log lines these tests count are warnings of aisim.storage: on, whatever the rules say.
    void initTestCase() { s_previousFilter = QLoggingCategory::installFilter(keepStorageWarnings); }
    void driverErrorsAreClassified_data();
    void driverErrorsAreClassified();
    void anAbortedTransactionIsAnsweredAsOneToRetry();
    void busyTimeoutIsAnOptionOfTheUrl();
    void aTransactionEndedByAFullDiskIsNotRolledBackNoisily();
    void fullDatabaseAnswers507AndLosesNothing();
    void readOnlyDatabaseAnswers503_data() { test::addDialectRows(); }
    void readOnlyDatabaseAnswers503();
    void lockHeldPastTheBusyTimeoutAnswers503_data() { test::addDialectRows(); }
    void lockHeldPastTheBusyTimeoutAnswers503();
    void stoppedPostgresqlAnswers503AndRunsResume();

private:
    void runThroughFault(const DatabaseUrl &url, const Fault &fault);
};

void TestStorageFaults::driverErrorsAreClassified_data()
{
    QTest::addColumn<bool>("postgreSql");
    QTest::addColumn<QString>("code");
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("fault");
    const int statement = QSqlError::StatementError;
    const int connection = QSqlError::ConnectionError;
    QTest::newRow("sqlite full") << false << u"13"_s << statement << int(StorageFault::Full);
    QTest::newRow("sqlite readonly") << false << u"8"_s << statement << int(StorageFault::ReadOnly);
    QTest::newRow("sqlite readonly dbmoved")
        << false << u"1032"_s << statement << int(StorageFault::ReadOnly);
    QTest::newRow("sqlite busy") << false << u"5"_s << statement << int(StorageFault::Locked);
    QTest::newRow("sqlite busy snapshot")
        << false << u"517"_s << statement << int(StorageFault::Locked);
    QTest::newRow("sqlite cantopen")
        << false << u"14"_s << connection << int(StorageFault::Unreachable);
    QTest::newRow("sqlite ioerr write")
        << false << u"778"_s << statement << int(StorageFault::Unreachable);
    QTest::newRow("sqlite unique") << false << u"2067"_s << statement << int(StorageFault::None);
    QTest::newRow("sqlite syntax") << false << u"1"_s << statement << int(StorageFault::None);
    QTest::newRow("pg disk full") << true << u"53100"_s << statement << int(StorageFault::Full);
    QTest::newRow("pg read only") << true << u"25006"_s << statement << int(StorageFault::ReadOnly);
    QTest::newRow("pg lock timeout")
        << true << u"55P03"_s << statement << int(StorageFault::Locked);
    QTest::newRow("pg admin shutdown")
        << true << u"57P01"_s << statement << int(StorageFault::Unreachable);
    QTest::newRow("pg connection failure")
        << true << u"08006"_s << statement << int(StorageFault::Unreachable);
    QTest::newRow("pg cannot connect")
        << true << QString() << connection << int(StorageFault::Unreachable);
    QTest::newRow("pg unique") << true << u"23505"_s << statement << int(StorageFault::None);
    QTest::newRow("pg syntax") << true << u"42601"_s << statement << int(StorageFault::None);
    // A deadlock or a serialization conflict is no fault of the storage: the transaction is
    // written again (Error::aborted).
    QTest::newRow("pg deadlock") << true << u"40P01"_s << statement << int(StorageFault::None);
    QTest::newRow("pg serialization") << true << u"40001"_s << statement << int(StorageFault::None);
}

// A transaction aborted past its retries (a deadlock) is answered 503 with a moment to try
// again and a sentence, not the driver's words, and the window says the same.
void TestStorageFaults::anAbortedTransactionIsAnsweredAsOneToRetry()
{
    const Error aborted = Error::abortedTransaction(
        u"create simulation: ERROR:  deadlock detected; Process 6066 waits for ShareLock"_s);
    QVERIFY(aborted.isTransient());
    const QHttpServerResponse response = api::errorResponse(aborted);
    QCOMPARE(response.statusCode(), QHttpServerResponse::StatusCode::ServiceUnavailable);
    QVERIFY(response.hasHeader("Retry-After"_ba, "1"_ba));
    const QString detail
        = QJsonDocument::fromJson(response.data()).object()[u"detail"_s].toString();
    QCOMPARE(detail, aborted.userMessage());
    QVERIFY(detail.contains(u"nothing was stored"_s));
    QVERIFY(!detail.contains(u"deadlock"_s));
    QVERIFY(!Error::internal(u"x"_s).isTransient());
}

void TestStorageFaults::driverErrorsAreClassified()
{
    QFETCH(bool, postgreSql);
    QFETCH(QString, code);
    QFETCH(int, type);
    QFETCH(int, fault);
    const QSqlError error(u"driver words"_s, u"database words"_s, QSqlError::ErrorType(type), code);
    QCOMPARE(int(classifySqlError(error, postgreSql)), fault);
}

void TestStorageFaults::busyTimeoutIsAnOptionOfTheUrl()
{
    QString error;
    const auto sqlite = DatabaseUrl::parse(u"sqlite:///tmp/a.db?busy_timeout_ms=250"_s, &error);
    QVERIFY2(sqlite, qPrintable(error));
    QCOMPARE(sqlite->path, u"/tmp/a.db"_s);
    QCOMPARE(sqlite->busyTimeoutMs, 250);
    QCOMPARE(DatabaseUrl::parse(sqlite->toString(), &error)->busyTimeoutMs, 250);
    const auto postgres
        = DatabaseUrl::parse(u"postgresql://u:p@h:5/db?busy_timeout_ms=1500"_s, &error);
    QVERIFY2(postgres, qPrintable(error));
    QCOMPARE(postgres->databaseName, u"db"_s);
    QCOMPARE(postgres->busyTimeoutMs, 1500);
    QCOMPARE(DatabaseUrl::parse(postgres->toString(), &error)->busyTimeoutMs, 1500);
    QCOMPARE(DatabaseUrl::parse(u"sqlite:///tmp/a.db"_s, &error)->busyTimeoutMs,
             DatabaseUrl::kDefaultBusyTimeoutMs);
    QVERIFY(!DatabaseUrl::parse(u"sqlite:///tmp/a.db?busy_timeout_ms=soon"_s, &error));
    QVERIFY(error.contains(u"busy_timeout_ms"_s));
}

void TestStorageFaults::aTransactionEndedByAFullDiskIsNotRolledBackNoisily()
{
    const test::TestDatabase db(test::TestDatabase::Dialect::Sqlite);
    Database database(db.url());
    QVERIFY(database.migrate().ok());
    database.setSessionStatements({u"PRAGMA max_page_count=%1"_s.arg(pageCount(db.url()))});
    const LogWatch watch;
    {
        sql::Transaction transaction(database);
        QVERIFY(transaction.isActive());
        // Too large for the pages left: SQLite fails it and ends the whole transaction itself.
        const auto inserted = sql::change(
            database, u"INSERT INTO storage_probe (written_at, filler) VALUES (1, zeroblob(?))"_s,
            {200000}, u"store a large row"_s);
        QVERIFY(!inserted.ok());
        QCOMPARE(inserted.error().fault, StorageFault::Full);
        QCOMPARE(database.health().fault(), StorageFault::Full);
    } // rolls back what SQLite has already rolled back
    QCOMPARE(s_rollbackNoise.load(), 0);
    QCOMPARE(s_faultLines.load(), 1);
}

void TestStorageFaults::runThroughFault(const DatabaseUrl &url, const Fault &fault)
{
    RuntimeOptions options;
    options.database = url;
    options.engine.workers = 2;
    options.engine.pollIntervalMs = 50;
    options.engine.leaseMs = 15000; // long enough that a busy machine never loses one
    auto server = test::openServer(options);
    QVERIFY2(server.ok(), server.ok() ? "" : qPrintable(server.error().message));
    Runtime &runtime = *server.value();
    runtime.database().health().setProbeIntervalMs(100);
    const quint16 port = runtime.apiServer()->port();
    const LogWatch watch;

    QList<qint64> acknowledged;
    for (int i = 0; i < 3; ++i) {
        const auto reply = postRun(port, u"before %1"_s.arg(i));
        QCOMPARE(reply.status, 201);
        acknowledged << reply.json()[u"id"_s].toInteger();
    }
    SimulationRepository simulations(runtime.database());
    QTRY_VERIFY(simulations.get(acknowledged.first()).ok()
                && simulations.get(acknowledged.first())->pointsDone >= 1);

    QVERIFY(fault.inject(runtime));
    const int expectedStatus = fault.kind == StorageFault::Full ? 507 : 503;
    int failures = 0;
    for (int attempt = 0; attempt < 1000 && failures < kFailuresToSee; ++attempt) {
        const auto reply = postRun(port, u"during %1"_s.arg(attempt));
        if (reply.status == 201) { // a full database may still find room for a few rows
            QCOMPARE(fault.kind, StorageFault::Full);
            acknowledged << reply.json()[u"id"_s].toInteger();
            continue;
        }
        QCOMPARE(reply.status, expectedStatus);
        QCOMPARE(reply.json()[u"detail"_s].toString(), storageFaultSentence(fault.kind));
        QCOMPARE(reply.header("Retry-After").isEmpty(), fault.kind == StorageFault::Full);
        for (const char *leak : {"127.0.0.1", "QSQLITE", "QPSQL", "sqlite://", "postgresql://"})
            QVERIFY2(!reply.body.contains(leak), reply.body.constData());
        ++failures;
    }
    QCOMPARE(failures, kFailuresToSee);

    const auto notReady = httpRequest(port, "GET", "/readyz");
    QCOMPARE(notReady.status, 503);
    QCOMPARE(notReady.json()[u"reason"_s].toString(), storageFaultName(fault.kind));
    QCOMPARE(notReady.json()[u"detail"_s].toString(), storageFaultSentence(fault.kind));
    QVERIFY(!notReady.header("Retry-After").isEmpty());
    const QByteArray metrics = httpRequest(port, "GET", "/metrics").body;
    QVERIFY(metrics.contains("aisim_storage_writable 0\n"));
    const QByteArray counter
        = "aisim_storage_failures_total{kind=\"" + storageFaultName(fault.kind).toUtf8() + "\"} ";
    const qsizetype at = metrics.indexOf(counter);
    QVERIFY(at >= 0);
    QVERIFY(metrics.mid(at + counter.size(), 12).split('\n').first().toInt() >= failures);

    QVERIFY(fault.heal(runtime));
    QTRY_COMPARE_WITH_TIMEOUT(httpRequest(port, "GET", "/readyz").status, 200, 20000);
    const auto after = postRun(port, u"after"_s);
    QCOMPARE(after.status, 201);
    acknowledged << after.json()[u"id"_s].toInteger();

    // Every acknowledged run is there and finishes with exactly its points, none failed.
    ConvergenceRepository convergence(runtime.database());
    for (const qint64 id : std::as_const(acknowledged)) {
        QTRY_COMPARE_WITH_TIMEOUT(simulations.get(id)->status, SimulationStatus::Finished, 30000);
        // The fault cost no attempt: the worker waited with its lease instead of failing.
        QCOMPARE(simulations.get(id)->attempts, 1);
        const auto points = convergence.points(id);
        QVERIFY(points.ok());
        QCOMPARE(points->size(), kPoints);
        for (int i = 0; i < kPoints; ++i)
            QCOMPARE(points->at(i).seconds, 10.0 * (i + 1));
    }
    // The driver's words reached the log once per episode, not once per request, and no
    // failed commit was followed by a complaint about the rollback.
    QVERIFY2(s_faultLines >= 1 && s_faultLines <= 3, qPrintable(QString::number(s_faultLines)));
    QCOMPARE(s_rollbackNoise.load(), 0);
}

void TestStorageFaults::fullDatabaseAnswers507AndLosesNothing()
{
    const test::TestDatabase db(test::TestDatabase::Dialect::Sqlite);
    const DatabaseUrl url = db.url();
    Fault fault;
    fault.kind = StorageFault::Full;
    // The server's connections may not grow the file past its size now: full, as a disk.
    fault.inject = [url](Runtime &runtime) {
        runtime.database().setSessionStatements(
            {u"PRAGMA max_page_count=%1"_s.arg(pageCount(url))});
        return true;
    };
    fault.heal = [](Runtime &runtime) {
        runtime.database().setSessionStatements({u"PRAGMA max_page_count=1073741823"_s});
        return true;
    };
    runThroughFault(url, fault);
}

void TestStorageFaults::readOnlyDatabaseAnswers503()
{
    AISIM_OPEN_TEST_DATABASE(db);
    const DatabaseUrl url = db->url();
    const bool postgreSql = url.dialect == DatabaseUrl::Dialect::PostgreSql;
    Fault fault;
    fault.kind = StorageFault::ReadOnly;
    fault.inject = [url, postgreSql](Runtime &runtime) {
        if (postgreSql)
            return setPostgresReadOnly(url, true);
        runtime.database().setSessionStatements({u"PRAGMA query_only=1"_s});
        return true;
    };
    fault.heal = [url, postgreSql](Runtime &runtime) {
        if (postgreSql)
            return setPostgresReadOnly(url, false);
        runtime.database().setSessionStatements({u"PRAGMA query_only=0"_s});
        return true;
    };
    runThroughFault(url, fault);
}

void TestStorageFaults::lockHeldPastTheBusyTimeoutAnswers503()
{
    AISIM_OPEN_TEST_DATABASE(db);
    const DatabaseUrl url = withShortBusyTimeout(db->url());
    auto holder = std::make_shared<LockHolder>();
    Fault fault;
    fault.kind = StorageFault::Locked;
    fault.inject = [url, holder](Runtime &) { return holder->take(url); };
    fault.heal = [holder](Runtime &) { return holder->release(); };
    runThroughFault(url, fault);
}

void TestStorageFaults::stoppedPostgresqlAnswers503AndRunsResume()
{
    test::PrivatePostgres postgres;
    if (!postgres.isAvailable()) {
        if (qEnvironmentVariableIsSet("AISIM_REQUIRE_POSTGRES"))
            QFAIL(qPrintable(postgres.error()));
        QSKIP(qPrintable(postgres.error()));
    }
    QVERIFY2(postgres.start(), qPrintable(postgres.error()));
    Fault fault;
    fault.kind = StorageFault::Unreachable;
    fault.inject = [&postgres](Runtime &) { return postgres.stop(); };
    fault.heal = [&postgres](Runtime &) { return postgres.start(); };
    runThroughFault(postgres.url(), fault);
}

QTEST_GUILESS_MAIN(TestStorageFaults)
#include "tst_storagefaults.moc"
