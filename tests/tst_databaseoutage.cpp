#include "convergencepanel.h"
#include "databasestatuslabel.h"
#include "machinespanel.h"
#include "mainwindow.h"
#include "newsimulationdialog.h"
#include "privatepostgres.h"
#include "runtime.h"
#include "simulationactions.h"
#include "simulationrepository.h"
#include "simulationspanel.h"
#include "simulationstablemodel.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace aisim;

// The window while its PostgreSQL server is stopped and started again: it says in words what
// is wrong, keeps what the user typed and what it last read, and recovers by itself.
class TestDatabaseOutage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void windowKeepsItsHeadWhileTheDatabaseIsGoneAndRecovers();

private:
    // Saves a picture of the window when AISIM_SCREENSHOT_DIR names a folder (for reviews).
    static void screenshot(QWidget *window, const QString &name);
};

void TestDatabaseOutage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestDatabaseOutage::screenshot(QWidget *window, const QString &name)
{
    const QString folder = qEnvironmentVariable("AISIM_SCREENSHOT_DIR");
    if (!folder.isEmpty())
        QVERIFY(window->grab().save(QDir(folder).filePath(name)));
}

void TestDatabaseOutage::windowKeepsItsHeadWhileTheDatabaseIsGoneAndRecovers()
{
    test::PrivatePostgres server;
    if (!server.start()) {
        if (qEnvironmentVariableIsSet("AISIM_REQUIRE_POSTGRES"))
            QFAIL(qPrintable(server.error()));
        QSKIP(qPrintable(server.error()));
    }
    RuntimeOptions options;
    options.database = server.url();
    options.engine.workers = 1;
    options.engine.pollIntervalMs = 100;
    auto runtime = Runtime::open(options);
    QVERIFY2(runtime.ok(), runtime.ok() ? "" : qPrintable(runtime.error().message));
    MainWindow window(*runtime.value());
    window.resize(1280, 800);
    window.show();
    SimulationService &service = runtime.value()->service();
    SimulationsTableModel *model = window.simulations()->model();
    QVERIFY(service.createMachine(1, u"Machine A"_s));
    NewSimulation longRun;
    longRun.name = u"long run"_s;
    longRun.machineId = 1;
    longRun.parameters.points = 600;
    longRun.parameters.paceMs = 1000;
    QVERIFY(service.create(longRun));
    const auto duration = [&] {
        return model->data(model->index(0, SimulationsTableModel::DurationColumn)).toString();
    };
    const auto status = [&] {
        return model->data(model->index(0, SimulationsTableModel::StatusColumn)).toString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(status(), u"running"_s, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(duration().startsWith(u"3."_s), 10000); // it grows
    const QString before = duration();
    QLabel *machinesProblem = window.machines()->problemLabel();
    QVERIFY(machinesProblem->isHidden());

    // The server goes away.
    QVERIFY2(server.stop(), qPrintable(server.error()));
    QTRY_VERIFY_WITH_TIMEOUT(!window.databaseStatus()->isReachable(), 10000);
    QTRY_VERIFY(!machinesProblem->isHidden());
    // A sentence, not the driver's words.
    const QString problem = machinesProblem->text();
    QVERIFY2(problem.contains(u"cannot be reached"_s), qPrintable(problem));
    for (const QString &raw : {u"QPSQL"_s, u"connection to server"_s, u"Connection refused"_s,
                               u"terminating connection"_s, u"could not connect"_s})
        QVERIFY2(!problem.contains(raw, Qt::CaseInsensitive), qPrintable(problem));
    QVERIFY2(window.databaseStatus()->text().contains(u"does not answer"_s),
             qPrintable(window.databaseStatus()->text()));
    // The running row's duration stands still, marked, at the last successful read.
    QTRY_VERIFY(model->isStale());
    const QString frozen = duration();
    QVERIFY2(frozen.startsWith(u"≥"_s), qPrintable(frozen));
    // Frozen at the last time the database answered (a read every two seconds, a point every
    // second), not at the table's last full read long before.
    const auto seconds
        = [](QString text) { return text.remove(u"≥"_s).remove(u" s"_s).trimmed().toDouble(); };
    QVERIFY2(seconds(frozen) > seconds(before) - 2.1, qPrintable(frozen + u" vs "_s + before));
    QVERIFY(!model->data(model->index(0, SimulationsTableModel::DurationColumn), Qt::ToolTipRole)
                 .toString()
                 .isEmpty());

    // A run chosen for the chart now cannot have its points read.
    const qint64 longRunId = model->simulationAt(0)->id;
    window.simulations()->view()->selectionModel()->select(
        model->index(0, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QTRY_COMPARE(window.chart()->shownSimulations(), QList<qint64> {longRunId});
    QTest::qWait(500);
    QVERIFY(window.chart()->plottedPoints(longRunId).isEmpty());

    // A creation fails: the dialog stays open with the reason and everything typed.
    window.actions()->newSimulation()->trigger();
    QPointer<NewSimulationDialog> dialog = window.findChild<NewSimulationDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    dialog->nameField()->setText(u"typed while it was down"_s);
    dialog->buttons()->button(QDialogButtonBox::Ok)->click();
    QTRY_VERIFY_WITH_TIMEOUT(dialog->problemLabel()->text().contains(u"Cannot create"_s), 15000);
    QVERIFY(dialog->isVisible());
    QVERIFY(dialog->problemLabel()->text().contains(u"cannot be reached"_s));
    QVERIFY(dialog->buttons()->button(QDialogButtonBox::Ok)->isEnabled());
    QCOMPARE(dialog->nameField()->text(), u"typed while it was down"_s);
    QVERIFY(window.statusBar()->currentMessage().contains(u"Cannot create"_s));
    screenshot(&window, u"outage-window.png"_s);
    screenshot(dialog, u"outage-dialog.png"_s);
    // Several rounds of failing reads later, the message is still the creation's.
    QTest::qWait(4500);
    QVERIFY2(window.statusBar()->currentMessage().contains(u"Cannot create"_s),
             qPrintable(window.statusBar()->currentMessage()));
    QVERIFY(dialog->problemLabel()->text().contains(u"Cannot create"_s));
    QCOMPARE(duration(), frozen);

    // The server comes back on the same port: everything catches up without a click.
    QVERIFY2(server.start(), qPrintable(server.error()));
    QTRY_VERIFY_WITH_TIMEOUT(window.databaseStatus()->isReachable(), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(machinesProblem->isHidden(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!model->isStale(), 10000);
    QVERIFY(window.databaseStatus()->text().startsWith(u"Database: "_s));
    QTRY_VERIFY(!duration().startsWith(u"≥"_s));
    // The chart reads the points it could not read before.
    QTRY_VERIFY(window.chart()->plottedPoints(longRunId).size() >= 2);
    screenshot(&window, u"outage-recovered.png"_s);

    // OK tries again with what was typed.
    QVERIFY(dialog->isVisible());
    dialog->buttons()->button(QDialogButtonBox::Ok)->click();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog || !dialog->isVisible(), 15000);
    SimulationQuery named;
    named.nameContains = u"typed while it was down"_s;
    // This thread's connection was cut with the server: its first use reconnects.
    const auto countNamed = [&] {
        const auto counted = SimulationRepository(runtime.value()->database()).count(named);
        return counted ? counted.value() : -1;
    };
    QTRY_COMPARE(countNamed(), 1);
    QTRY_COMPARE(model->rowCount(), 2);
}

QTEST_MAIN(TestDatabaseOutage)
#include "tst_databaseoutage.moc"
