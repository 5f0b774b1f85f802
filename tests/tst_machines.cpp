#include "database.h"
#include "desktopfixture.h"
#include "eventhub.h"
#include "machineremovaldialog.h"
#include "machinerepository.h"
#include "machinespanel.h"
#include "simulationrepository.h"
#include "simulationservice.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QMenu>
#include <QMenuBar>
#include <QRadioButton>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTest>
#include <QTreeWidget>

using namespace Qt::StringLiterals;
using namespace aisim;
using aisim::test::Desktop;

// Machines: their runs moved or deleted with them, on both dialects, and the machines panel
// of a real window (offscreen).
class TestMachines : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void runsMoveToAnotherMachine_data() { test::addDialectRows(); }
    void runsMoveToAnotherMachine();
    void runsAreDeletedWithTheirPoints_data() { test::addDialectRows(); }
    void runsAreDeletedWithTheirPoints();
    void aRunningRunKeepsItsMachine_data() { test::addDialectRows(); }
    void aRunningRunKeepsItsMachine();
    void renameAndRemoveNeedASelectedMachine();
    void removingAMachineOffersToMoveOrDeleteItsRuns();
    void aMachineJustStartedShowsBusyAndOnline();
    void runsWaitingForAFreeWorkerAreShown();
    void aNarrowPanelKeepsTheStateReadable();

private:
    static qint64 addRun(Database &database, qint64 machineId)
    {
        NewSimulation simulation;
        simulation.name = u"run"_s;
        simulation.machineId = machineId;
        return SimulationRepository(database).create(simulation)->id;
    }
    static qint64 runsOf(Database &database, qint64 machineId)
    {
        SimulationQuery query;
        query.machineId = machineId;
        return SimulationRepository(database).count(query).value();
    }
    static QTreeWidgetItem *itemNamed(MachinesPanel *panel, const QString &name)
    {
        const auto found = panel->tree()->findItems(name, Qt::MatchExactly);
        return found.isEmpty() ? nullptr : found.first();
    }
};

void TestMachines::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestMachines::runsMoveToAnotherMachine()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    MachineRepository machines(database);
    QVERIFY(machines.create(101, u"Machine A"_s).ok());
    QVERIFY(machines.create(102, u"Machine B"_s).ok());
    for (int i = 0; i < 3; ++i)
        addRun(database, 101);
    addRun(database, 102);

    // The refusal names the machine as the window shows it.
    const Status refused = machines.remove(101);
    QCOMPARE(refused.error().kind, Error::Kind::Conflict);
    QVERIFY2(refused.error().message.contains(u"“Machine A” (#101)"_s),
             qPrintable(refused.error().message));
    QCOMPARE(machines.moveSimulations(101, 999).error().kind, Error::Kind::NotFound);
    QCOMPARE(runsOf(database, 101), 3);

    QCOMPARE(machines.moveSimulations(101, 102).value(), 3);
    QCOMPARE(runsOf(database, 101), 0);
    QCOMPARE(runsOf(database, 102), 4);
    QVERIFY(machines.remove(101).ok());
}

void TestMachines::runsAreDeletedWithTheirPoints()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    MachineRepository machines(database);
    QVERIFY(machines.create(101, u"Machine A"_s).ok());
    QVERIFY(machines.create(102, u"Machine B"_s).ok());
    const qint64 first = addRun(database, 101);
    const qint64 second = addRun(database, 101);
    const qint64 other = addRun(database, 102);
    QSqlQuery points(database.connection());
    QVERIFY(points.exec(u"INSERT INTO convergence (simulation_id, seconds, loss) VALUES "
                        "(%1, 10, 0.5), (%2, 10, 0.4)"_s.arg(first)
                            .arg(other)));

    QList<qint64> deleted = machines.removeSimulations(101).value();
    std::sort(deleted.begin(), deleted.end());
    QCOMPARE(deleted, (QList<qint64> {first, second}));
    QCOMPARE(runsOf(database, 101), 0);
    QCOMPARE(runsOf(database, 102), 1);
    QVERIFY(points.exec(u"SELECT simulation_id FROM convergence"_s));
    QVERIFY(points.next());
    QCOMPARE(points.value(0).toLongLong(), other);
    QVERIFY(!points.next());
    QVERIFY(machines.remove(101).ok());
}

void TestMachines::aRunningRunKeepsItsMachine()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    MachineRepository machines(database);
    QVERIFY(machines.create(101, u"Machine A"_s).ok());
    QVERIFY(machines.create(102, u"Machine B"_s).ok());
    const qint64 running = addRun(database, 101);
    addRun(database, 101);
    QSqlQuery update(database.connection());
    QVERIFY(update.exec(
        u"UPDATE simulations SET status = 'running' WHERE simulation_id = %1"_s.arg(running)));

    const auto moved = machines.moveSimulations(101, 102);
    QCOMPARE(moved.error().kind, Error::Kind::Conflict);
    QVERIFY2(moved.error().message.contains(u"running"_s), qPrintable(moved.error().message));
    QCOMPARE(machines.removeSimulations(101).error().kind, Error::Kind::Conflict);
    QCOMPARE(runsOf(database, 101), 2);
    // The service does both in one transaction: nothing changes.
    EventHub events;
    SimulationService service(database, events);
    QCOMPARE(service.removeMachine(101, SimulationService::RunsOnRemoval::Delete).error().kind,
             Error::Kind::Conflict);
    QCOMPARE(runsOf(database, 101), 2);
    QVERIFY(machines.get(101).ok());
}

void TestMachines::renameAndRemoveNeedASelectedMachine()
{
    Desktop desktop(0);
    MachinesPanel *panel = desktop.window->machines();
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    QTRY_VERIFY(itemNamed(panel, u"Machine A"_s));
    panel->tree()->clearSelection();
    QVERIFY(!panel->renameAction()->isEnabled());
    QVERIFY(!panel->removeAction()->isEnabled());
    // The menu bar holds these very actions.
    QList<QAction *> menuActions;
    for (QAction *menu : desktop.window->menuBar()->actions()) {
        if (menu->menu())
            menuActions += menu->menu()->actions();
    }
    QVERIFY(menuActions.contains(panel->renameAction()));
    QVERIFY(menuActions.contains(panel->removeAction()));
    itemNamed(panel, u"Machine A"_s)->setSelected(true);
    QVERIFY(panel->renameAction()->isEnabled());
    QVERIFY(panel->removeAction()->isEnabled());
}

void TestMachines::removingAMachineOffersToMoveOrDeleteItsRuns()
{
    Desktop desktop(0);
    MachinesPanel *panel = desktop.window->machines();
    QVERIFY(desktop.service().createMachine(101, u"Machine A"_s));
    QVERIFY(desktop.service().createMachine(102, u"Machine B"_s));
    for (int i = 0; i < 3; ++i)
        desktop.create(u"on A %1"_s.arg(i), 101);
    Database &database = desktop.runtime->database();
    QTRY_VERIFY(itemNamed(panel, u"Machine A"_s)
                && itemNamed(panel, u"Machine A"_s)->text(4) == u"3"_s);

    itemNamed(panel, u"Machine A"_s)->setSelected(true);
    panel->removeAction()->trigger();
    auto *dialog = panel->findChild<MachineRemovalDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QVERIFY(dialog->moveOption()->isChecked());
    QCOMPARE(dialog->targetField()->currentText(), u"Machine B"_s);
    QPushButton *ok = dialog->buttons()->button(QDialogButtonBox::Ok);
    QCOMPARE(ok->text(), u"Move 3 simulation(s) and remove"_s);
    ok->click();
    QTRY_VERIFY(!itemNamed(panel, u"Machine A"_s));
    QCOMPARE(runsOf(database, 102), 3);

    // The last machine can only take its runs with it, and says so on its button.
    QTRY_VERIFY(itemNamed(panel, u"Machine B"_s));
    itemNamed(panel, u"Machine B"_s)->setSelected(true);
    panel->removeAction()->trigger();
    QTRY_VERIFY(panel->findChild<MachineRemovalDialog *>()
                && panel->findChild<MachineRemovalDialog *>()->isVisible());
    dialog = panel->findChild<MachineRemovalDialog *>();
    QVERIFY(!dialog->moveOption()->isEnabled());
    QVERIFY(dialog->deleteOption()->isChecked());
    ok = dialog->buttons()->button(QDialogButtonBox::Ok);
    QCOMPARE(ok->text(), u"Delete 3 simulation(s) and remove"_s);
    ok->click();
    QTRY_VERIFY(!itemNamed(panel, u"Machine B"_s));
    QCOMPARE(*SimulationRepository(database).count({}), 0);
    QTRY_COMPARE(desktop.model()->rowCount(), 0);
}

// A new machine's worker has not written a heartbeat when its first run starts; the run shows
// that a worker serves it.
void TestMachines::aMachineJustStartedShowsBusyAndOnline()
{
    Desktop desktop(1, test::TestDatabase::Dialect::Sqlite, 60'000);
    MachinesPanel *panel = desktop.window->machines();
    QVERIFY(desktop.service().createMachine(7, u"Fresh"_s));
    const Simulation run = desktop.create(u"first"_s, 7, 50, 100);
    QTRY_COMPARE(SimulationRepository(desktop.runtime->database()).get(run.id)->status,
                 SimulationStatus::Running);
    panel->reload();
    QTRY_VERIFY(itemNamed(panel, u"Fresh"_s) && itemNamed(panel, u"Fresh"_s)->text(2) == u"1"_s);
    QCOMPARE(itemNamed(panel, u"Fresh"_s)->text(1), u"busy, online"_s);
}

void TestMachines::runsWaitingForAFreeWorkerAreShown()
{
    Desktop desktop(1);
    MachinesPanel *panel = desktop.window->machines();
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    QVERIFY(desktop.service().createMachine(2, u"Machine B"_s));
    const Simulation blocker = desktop.create(u"blocker"_s, 1, 100, 100);
    QTRY_COMPARE(SimulationRepository(desktop.runtime->database()).get(blocker.id)->status,
                 SimulationStatus::Running);
    desktop.create(u"waiting 1"_s, 2);
    desktop.create(u"waiting 2"_s, 2);
    QTRY_VERIFY(itemNamed(panel, u"Machine B"_s)
                && itemNamed(panel, u"Machine B"_s)->text(3) == u"2"_s);
    QTRY_COMPARE(itemNamed(panel, u"Machine B"_s)->text(1), u"idle, online, 2 waiting"_s);
    const QString why = itemNamed(panel, u"Machine B"_s)->toolTip(1);
    QVERIFY2(why.startsWith(u"2 run(s) waiting for a free worker"_s), qPrintable(why));
    QCOMPARE(itemNamed(panel, u"Machine A"_s)->text(1), u"busy, online"_s);
}

// At 900 x 600 the panel is narrow: the counts the state already tells give it their room.
void TestMachines::aNarrowPanelKeepsTheStateReadable()
{
    Desktop desktop(0);
    MachinesPanel *panel = desktop.window->machines();
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    desktop.create(u"waiting"_s, 1);
    QTRY_VERIFY(itemNamed(panel, u"Machine A"_s)
                && itemNamed(panel, u"Machine A"_s)->text(1).contains(u"waiting"_s));
    desktop.window->resize(900, 600);
    QTRY_VERIFY(panel->width() < 320);
    QTRY_VERIFY(panel->tree()->isColumnHidden(2) && panel->tree()->isColumnHidden(3));
    const QString state = itemNamed(panel, u"Machine A"_s)->text(1);
    QTRY_VERIFY2(panel->tree()->columnWidth(1)
                     >= panel->tree()->fontMetrics().horizontalAdvance(state),
                 qPrintable(QString::number(panel->tree()->columnWidth(1))));
    desktop.window->resize(1600, 1000);
    QTRY_VERIFY(!panel->tree()->isColumnHidden(2));
}

QTEST_MAIN(TestMachines)
#include "tst_machines.moc"
