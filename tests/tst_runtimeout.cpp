#include "desktopfixture.h"
#include "machinespanel.h"
#include "newsimulationdialog.h"
#include "runtime.h"
#include "simulationactions.h"
#include "simulationrepository.h"
#include "simulationstablemodel.h"
#include "testsupport.h"

#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QGroupBox>
#include <QJsonArray>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace aisim;

namespace {

// A runtime over the current data row's database, serving its REST API on a free port.
struct Server
{
    std::unique_ptr<test::TestDatabase> database;
    std::unique_ptr<Runtime> runtime;

    quint16 port() const { return runtime->apiServer()->port(); }
    test::HttpReply post(const QByteArray &path, const QByteArray &body = {}) const
    {
        return test::httpRequest(port(), "POST", path, body);
    }
    QJsonObject detail(qint64 id) const
    {
        return test::httpRequest(port(), "GET",
                                 "/simulation/" + QByteArray::number(id) + "?detail=true")
            .json()
            .object();
    }
};

// A run of `points` points one `paceMs` apart on machine 1, with these extra body fields.
QByteArray runBody(int points, int paceMs, const QByteArray &extra)
{
    return R"({"name": "timed", "machine": {"machine_id": 1, "name": "m"}, "parameters": {"points": )"
        + QByteArray::number(points) + R"(, "pace_ms": )" + QByteArray::number(paceMs) + "}"
        + (extra.isEmpty() ? QByteArray() : ", " + extra) + "}";
}

} // namespace

// Execution time-outs: an attempt still running past its time-out fails with "timed out after
// N s" and is retried like any failure; a run handed back or cancelled is never timed out.
class TestRunTimeout : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void timedOutRunFailsAfterItsAttempts_data() { test::addDialectRows(); }
    void timedOutRunFailsAfterItsAttempts();
    void runWithinItsTimeoutFinishes_data() { test::addDialectRows(); }
    void runWithinItsTimeoutFinishes();
    void engineDefaultAppliesToRunsWithoutTheirOwn_data() { test::addDialectRows(); }
    void engineDefaultAppliesToRunsWithoutTheirOwn();
    void cancelDuringATimedRunIsCancelledNotTimedOut_data() { test::addDialectRows(); }
    void cancelDuringATimedRunIsCancelledNotTimedOut();
    void runHandedBackAtStopIsNotTimedOut_data() { test::addDialectRows(); }
    void runHandedBackAtStopIsNotTimedOut();
    void runWhoseLeaseWasTakenIsNotTimedOut_data() { test::addDialectRows(); }
    void runWhoseLeaseWasTakenIsNotTimedOut();
    void invalidTimeoutIsRefusedAndNothingIsCreated_data();
    void invalidTimeoutIsRefusedAndNothingIsCreated();
    void windowShowsTheTimedOutRun_data() { test::addDialectRows(); }
    void windowShowsTheTimedOutRun();

private:
    // Opens the data row's database with one worker; false (and a failure) when it cannot.
    bool open(Server &server, int runTimeoutSeconds = 0);
};

void TestRunTimeout::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

bool TestRunTimeout::open(Server &server, int runTimeoutSeconds)
{
    QFETCH(int, dialect);
    server.database = std::make_unique<test::TestDatabase>(test::TestDatabase::Dialect(dialect));
    if (!server.database->isAvailable()) {
        if (qEnvironmentVariableIsSet("AISIM_REQUIRE_POSTGRES"))
            QTest::qFail(qPrintable(server.database->whyUnavailable()), __FILE__, __LINE__);
        else
            QTest::qSkip(qPrintable(server.database->whyUnavailable()), __FILE__, __LINE__);
        return false;
    }
    RuntimeOptions options;
    options.database = server.database->url();
    options.engine.workers = 1;
    options.engine.pollIntervalMs = 50;
    options.engine.retryBackoffMs = 200;
    options.engine.runTimeoutSeconds = runTimeoutSeconds;
    auto opened = test::openServer(options);
    if (!opened) {
        QTest::qFail(qPrintable(opened.error().message), __FILE__, __LINE__);
        return false;
    }
    server.runtime = std::move(opened.value());
    return true;
}

void TestRunTimeout::timedOutRunFailsAfterItsAttempts()
{
    Server server;
    if (!open(server))
        return;
    QElapsedTimer clock;
    clock.start();
    const auto created = server.post(
        "/simulation", runBody(10, 1000, R"("max_attempts": 2, "timeout_seconds": 2)"));
    QCOMPARE(created.status, 201);
    const qint64 id = created.json()[u"id"_s].toInteger();
    QCOMPARE(server.detail(id)[u"timeout_seconds"_s].toInt(), 2);

    QTRY_COMPARE_WITH_TIMEOUT(server.detail(id)[u"status"_s].toString(), u"failed"_s, 20000);
    const QJsonObject run = server.detail(id);
    QCOMPARE(run[u"error"_s].toString(), u"timed out after 2 s"_s);
    QCOMPARE(run[u"attempts"_s].toInt(), 2);
    // Each attempt was stopped at its time-out: two of them, far from the ten points.
    QVERIFY2(run[u"points_done"_s].toInt() >= 1 && run[u"points_done"_s].toInt() <= 5,
             qPrintable(QString::number(run[u"points_done"_s].toInt())));
    QVERIFY2(clock.elapsed() >= 4000, qPrintable(QString::number(clock.elapsed())));
    // The convergence kept what the attempts produced, no more.
    const QJsonArray points
        = test::httpRequest(server.port(), "GET", "/converge/" + QByteArray::number(id))
              .json()[u"data"_s]
              .toArray();
    QCOMPARE(points.size(), run[u"points_done"_s].toInt());
}

void TestRunTimeout::runWithinItsTimeoutFinishes()
{
    Server server;
    if (!open(server))
        return;
    const auto created
        = server.post("/simulation", runBody(4, 200, R"("max_attempts": 1, "timeout_seconds": 3)"));
    QCOMPARE(created.status, 201);
    const qint64 id = created.json()[u"id"_s].toInteger();
    QTRY_COMPARE_WITH_TIMEOUT(server.detail(id)[u"status"_s].toString(), u"finished"_s, 15000);
    const QJsonObject run = server.detail(id);
    QVERIFY(run[u"error"_s].isNull());
    QCOMPARE(run[u"points_done"_s].toInt(), 4);
    QCOMPARE(run[u"attempts"_s].toInt(), 1);
}

void TestRunTimeout::engineDefaultAppliesToRunsWithoutTheirOwn()
{
    Server server;
    if (!open(server, 1))
        return;
    const auto slow = server.post("/simulation", runBody(10, 1000, R"("max_attempts": 1)"));
    QCOMPARE(slow.status, 201);
    // A run's own time-out wins over the default.
    const auto own
        = server.post("/simulation", runBody(3, 400, R"("max_attempts": 1, "timeout_seconds": 5)"));
    QCOMPARE(own.status, 201);
    const qint64 slowId = slow.json()[u"id"_s].toInteger();
    const qint64 ownId = own.json()[u"id"_s].toInteger();
    QVERIFY(server.detail(slowId)[u"timeout_seconds"_s].isNull());
    QTRY_COMPARE_WITH_TIMEOUT(server.detail(slowId)[u"status"_s].toString(), u"failed"_s, 15000);
    QCOMPARE(server.detail(slowId)[u"error"_s].toString(), u"timed out after 1 s"_s);
    QTRY_COMPARE_WITH_TIMEOUT(server.detail(ownId)[u"status"_s].toString(), u"finished"_s, 15000);
}

void TestRunTimeout::cancelDuringATimedRunIsCancelledNotTimedOut()
{
    Server server;
    if (!open(server))
        return;
    const auto created = server.post(
        "/simulation", runBody(10, 1000, R"("max_attempts": 3, "timeout_seconds": 2)"));
    QCOMPARE(created.status, 201);
    const qint64 id = created.json()[u"id"_s].toInteger();
    QTRY_COMPARE_WITH_TIMEOUT(server.detail(id)[u"status"_s].toString(), u"running"_s, 10000);
    QTest::qWait(1200); // past the first point, before the time-out
    QCOMPARE(server.post("/simulation/" + QByteArray::number(id) + "/cancel").status, 200);
    // Well past where the time-out would have struck.
    QTest::qWait(2500);
    const QJsonObject run = server.detail(id);
    QCOMPARE(run[u"status"_s].toString(), u"cancelled"_s);
    QVERIFY2(run[u"error"_s].isNull(), qPrintable(run[u"error"_s].toString()));
    QCOMPARE(run[u"attempts"_s].toInt(), 1);
}

void TestRunTimeout::runHandedBackAtStopIsNotTimedOut()
{
    Server server;
    if (!open(server))
        return;
    const auto created = server.post(
        "/simulation", runBody(10, 1000, R"("max_attempts": 1, "timeout_seconds": 2)"));
    QCOMPARE(created.status, 201);
    const qint64 id = created.json()[u"id"_s].toInteger();
    QTRY_COMPARE_WITH_TIMEOUT(server.detail(id)[u"status"_s].toString(), u"running"_s, 10000);
    QTest::qWait(1500);
    server.runtime->engine()->stop(); // an orderly stop hands the run back
    QTest::qWait(1500);
    const QJsonObject run = server.detail(id);
    QCOMPARE(run[u"status"_s].toString(), u"pending"_s);
    QVERIFY2(run[u"error"_s].isNull(), qPrintable(run[u"error"_s].toString()));
    QCOMPARE(run[u"attempts"_s].toInt(), 0); // its only attempt is still to come
}

void TestRunTimeout::runWhoseLeaseWasTakenIsNotTimedOut()
{
    Server server;
    if (!open(server))
        return;
    const auto created = server.post(
        "/simulation", runBody(10, 1000, R"("max_attempts": 3, "timeout_seconds": 2)"));
    QCOMPARE(created.status, 201);
    const qint64 id = created.json()[u"id"_s].toInteger();
    QTRY_COMPARE_WITH_TIMEOUT(server.detail(id)[u"status"_s].toString(), u"running"_s, 10000);
    // Another worker takes the run over, as after a lease that expired.
    QSqlQuery takeOver(server.runtime->database().connection());
    QVERIFY(takeOver.prepare(u"UPDATE simulations SET lease_owner = 'elsewhere', "
                             "lease_expires_at = ? WHERE simulation_id = ?"_s));
    takeOver.addBindValue(QDateTime::currentMSecsSinceEpoch() + 60'000);
    takeOver.addBindValue(id);
    QVERIFY(takeOver.exec());
    QTest::qWait(3000); // past this worker's time-out
    const auto stored = SimulationRepository(server.runtime->database()).get(id);
    QVERIFY(stored.ok());
    QCOMPARE(stored->status, SimulationStatus::Running);
    QCOMPARE(stored->leaseOwner, u"elsewhere"_s);
    QVERIFY2(stored->error.isEmpty(), qPrintable(stored->error));
    QCOMPARE(stored->attempts, 1);
}

void TestRunTimeout::invalidTimeoutIsRefusedAndNothingIsCreated_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("type");
    QTest::newRow("zero") << QByteArray("0") << u"value_error.number.not_in_range"_s;
    QTest::newRow("negative") << QByteArray("-3") << u"value_error.number.not_in_range"_s;
    QTest::newRow("too long") << QByteArray("2592001") << u"value_error.number.not_in_range"_s;
    QTest::newRow("fraction") << QByteArray("2.5") << u"type_error.integer"_s;
    QTest::newRow("text") << QByteArray("\"2\"") << u"type_error.integer"_s;
}

void TestRunTimeout::invalidTimeoutIsRefusedAndNothingIsCreated()
{
    QFETCH(QByteArray, value);
    QFETCH(QString, type);
    test::TestServer server;
    QVERIFY2(server.start(), qPrintable(server.error()));
    const auto refused = test::httpRequest(server.port(), "POST", "/simulation",
                                           runBody(10, 1000, "\"timeout_seconds\": " + value));
    QCOMPARE(refused.status, 422);
    const QJsonObject error = refused.json()[u"detail"_s].toArray().at(0).toObject();
    QCOMPARE(error[u"loc"_s].toArray(), (QJsonArray {u"body"_s, u"timeout_seconds"_s}));
    QCOMPARE(error[u"type"_s].toString(), type);
    QVERIFY(!error[u"msg"_s].toString().isEmpty());
    QCOMPARE(test::httpRequest(server.port(), "GET", "/simulations").json().array().size(), 0);
}

void TestRunTimeout::windowShowsTheTimedOutRun()
{
    QFETCH(int, dialect);
    test::Desktop desktop(1, test::TestDatabase::Dialect(dialect));
    if (!desktop.database.isAvailable()) {
        if (qEnvironmentVariableIsSet("AISIM_REQUIRE_POSTGRES") || dialect == 0)
            QFAIL(qPrintable(desktop.database.whyUnavailable()));
        QSKIP(qPrintable(desktop.database.whyUnavailable()));
    }
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    QTRY_COMPARE(desktop.window->machines()->machines().size(), 1);

    desktop.window->actions()->newSimulation()->trigger();
    auto *dialog = desktop.window->findChild<NewSimulationDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    dialog->nameField()->setText(u"timed in the window"_s);
    dialog->parametersGroup()->setChecked(true);
    dialog->pointsField()->setValue(10);
    dialog->paceField()->setValue(1000);
    dialog->maxAttemptsField()->setValue(2);
    dialog->timeoutField()->setValue(2);
    QSignalSpy finished(desktop.window->actions(), &SimulationActions::operationFinished);
    dialog->buttons()->button(QDialogButtonBox::Ok)->click();
    QTRY_COMPARE(finished.size(), 1);

    const auto row = [&] { return desktop.model()->rowCount() == 1 ? 0 : -1; };
    QTRY_COMPARE(row(), 0);
    const auto cell = [&](int column, int role) {
        return desktop.model()->data(desktop.model()->index(0, column), role);
    };
    QTRY_COMPARE_WITH_TIMEOUT(cell(SimulationsTableModel::StatusColumn, Qt::DisplayRole).toString(),
                              u"failed"_s, 25000);
    QCOMPARE(cell(SimulationsTableModel::StatusColumn, Qt::ToolTipRole).toString(),
             u"timed out after 2 s"_s);
    const auto stored = SimulationRepository(desktop.runtime->database())
                            .get(desktop.model()->simulationAt(0)->id);
    QVERIFY(stored.ok());
    QVERIFY(stored->timeoutSeconds == 2);
    QCOMPARE(stored->attempts, 2);
}

QTEST_MAIN(TestRunTimeout)
#include "tst_runtimeout.moc"
