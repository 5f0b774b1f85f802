#include "async.h"
#include "desktopfixture.h"
#include "machinerepository.h"
#include "machinespanel.h"
#include "mainwindow.h"
#include "newsimulationdialog.h"
#include "runtime.h"
#include "settingsdialog.h"
#include "simulationactions.h"
#include "simulationspanel.h"
#include "simulationstablemodel.h"
#include "testsupport.h"
#include "tokenrepository.h"
#include "tokensdialog.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>

#include <atomic>

using namespace Qt::StringLiterals;
using namespace aisim;

using aisim::test::answerNextMessageBox;
using aisim::test::Desktop;

// The desktop window against a real SQLite file, under the offscreen platform.
class TestUi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void dialogCreatesSimulationThatRunsToFinished();
    void dialogRefusesInvalidInput();
    void sortingAndFilteringHappenInTheDatabase_data();
    void sortingAndFilteringHappenInTheDatabase();
    void tableSortsNamesNaturallyIgnoringCase();
    void lastRowsOfALargeTableLoadWithoutTheRest();
    void aNameManyRunsBearShowsItsRowsBeforeTheyAreCounted_data();
    void aNameManyRunsBearShowsItsRowsBeforeTheyAreCounted();
    void newRowsKeepTheSelectionOnTheSameRun();
    void cancelAndDeleteActOnTheDatabase();
    void machineRemovalRefusalIsShown();
    void machinesShowWhetherTheyAreBusyAndOnline();
    void settingsDialogValidatesAndTestsTheConnectionOffThread();
    void portInUseIsShownAndTheWindowKeepsWorking();
    void settingsThatCannotStartTheApiSayWhyAndOkTriesAgain();
    void firstAdminTokenIsOfferedOnceAndTokensAreManaged();
    void backgroundWorkNeverOutlivesItsContext_data();
    void backgroundWorkNeverOutlivesItsContext();
};

void TestUi::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // keep the user's settings out
}

void TestUi::dialogCreatesSimulationThatRunsToFinished()
{
    Desktop desktop(1);
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    QTRY_COMPARE(desktop.window->machines()->machines().size(), 1);
    // Keeps the only worker busy so that the new run is seen waiting first.
    desktop.create(u"blocker"_s, 1, 20, 30);

    desktop.window->actions()->newSimulation()->trigger();
    auto *dialog = desktop.window->findChild<NewSimulationDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    dialog->nameField()->setText(u"from the dialog"_s);
    dialog->parametersGroup()->setChecked(true);
    dialog->pointsField()->setValue(10);
    dialog->paceField()->setValue(40);
    QSignalSpy created(desktop.window->actions(), &SimulationActions::operationFinished);
    QPushButton *ok = dialog->buttons()->button(QDialogButtonBox::Ok);
    QVERIFY(ok->isEnabled());
    QTest::mouseClick(ok, Qt::LeftButton);
    QTRY_COMPARE(created.size(), 1);

    // Every status the table shows for the new run, in order.
    QStringList seen;
    const auto record = [&] {
        for (int row = 0; row < desktop.model()->rowCount(); ++row) {
            const auto s = desktop.model()->simulationAt(row);
            if (s && s->name == "from the dialog"_L1) {
                const QString status = statusName(s->status);
                if (seen.isEmpty() || seen.last() != status)
                    seen << status;
            }
        }
    };
    SimulationsTableModel *model = desktop.model();
    connect(model, &QAbstractItemModel::dataChanged, this, record);
    connect(model, &QAbstractItemModel::layoutChanged, this, record);
    connect(model, &QAbstractItemModel::rowsInserted, this, record);
    connect(model, &SimulationsTableModel::rowsLoaded, this, record);
    record();
    QTRY_VERIFY2_WITH_TIMEOUT(seen.contains(u"finished"_s), qPrintable(seen.join(u' ')), 20000);
    QCOMPARE(seen, (QStringList {u"pending"_s, u"running"_s, u"finished"_s}));
    QCOMPARE(desktop.model()->rowCount(), 2);
    const int row = desktop.rowOf(desktop.model()->simulationAt(0)->id);
    QCOMPARE(desktop.model()
                 ->data(desktop.model()->index(row, SimulationsTableModel::ProgressColumn))
                 .toString(),
             u"100%"_s);
}

void TestUi::dialogRefusesInvalidInput()
{
    const QList<Machine> machines {{7, u"Machine A"_s, {}, {}}};
    NewSimulationDialog dialog(machines);
    dialog.show();
    QPushButton *ok = dialog.buttons()->button(QDialogButtonBox::Ok);
    auto *problem = dialog.findChild<QLabel *>(u"problemLabel"_s);
    QVERIFY(problem);

    QVERIFY(!ok->isEnabled()); // no name yet, and no reproach before anything was typed
    QVERIFY(!problem->isVisible());
    dialog.nameField()->setText(u"   "_s);
    QVERIFY(!ok->isEnabled());
    QVERIFY(problem->isVisible());
    QCOMPARE(problem->text(), u"Give the simulation a name."_s);
    dialog.nameField()->setText(QString(201, u'x'));
    QVERIFY(!ok->isEnabled());
    QVERIFY(problem->text().contains(u"too long"_s));
    dialog.nameField()->setText(u"valid"_s);
    QVERIFY(ok->isEnabled());
    QVERIFY(!problem->isVisible());

    // A new machine needs a name and a free id.
    dialog.machineField()->setCurrentIndex(dialog.machineField()->count() - 1);
    QVERIFY(!ok->isEnabled());
    dialog.newMachineNameField()->setText(u"GPU node"_s);
    QVERIFY(ok->isEnabled());
    dialog.newMachineIdField()->setValue(7);
    QVERIFY(!ok->isEnabled());
    QVERIFY(problem->text().contains(u"Machine A"_s));
    dialog.newMachineIdField()->setValue(8);
    QVERIFY(ok->isEnabled());
    QCOMPARE(dialog.simulation().machineId, 8);
    QCOMPARE(dialog.newMachineName(), std::optional<QString>(u"GPU node"_s));

    // Clicking OK while invalid does not accept.
    dialog.nameField()->clear();
    QVERIFY(!ok->isEnabled());
    Q_EMIT dialog.buttons()->accepted();
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QVERIFY(dialog.isVisible());
}

void TestUi::sortingAndFilteringHappenInTheDatabase_data()
{
    test::addDialectRows();
}

void TestUi::sortingAndFilteringHappenInTheDatabase()
{
    AISIM_OPEN_TEST_DESKTOP(desktop);
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    QVERIFY(desktop.service().createMachine(2, u"Machine B"_s));
    const Simulation beta = desktop.create(u"beta"_s, 1);
    const Simulation gamma = desktop.create(u"gamma"_s, 2);
    const Simulation alpha = desktop.create(u"alpha"_s, 1);
    QVERIFY(desktop.service().cancel(gamma.id));
    {
        // Progress 100 % / 50 % / 0 %, and durations 1 s / 9 s / none.
        QSqlQuery update(desktop.runtime->database().connection());
        QVERIFY(update.exec(u"UPDATE simulations SET points_done = 10, started_at = 1000, "
                            "finished_at = 2000 WHERE simulation_id = %1"_s.arg(gamma.id)));
        QVERIFY(update.exec(u"UPDATE simulations SET points_done = 5, started_at = 1000, "
                            "finished_at = 10000 WHERE simulation_id = %1"_s.arg(beta.id)));
    }
    SimulationsTableModel *model = desktop.model();
    QTRY_COMPARE(model->rowCount(), 3);

    desktop.view()->sortByColumn(SimulationsTableModel::ProgressColumn, Qt::DescendingOrder);
    QTRY_VERIFY(!desktop.model()->isLoading());
    QTRY_COMPARE(desktop.nameAt(0), u"gamma"_s);
    QCOMPARE(desktop.nameAt(1), u"beta"_s);
    QCOMPARE(desktop.nameAt(2), u"alpha"_s);
    desktop.view()->sortByColumn(SimulationsTableModel::DurationColumn, Qt::DescendingOrder);
    QTRY_VERIFY(!desktop.model()->isLoading());
    QTRY_COMPARE(desktop.nameAt(0), u"beta"_s);
    QCOMPARE(desktop.nameAt(1), u"gamma"_s);
    QCOMPARE(desktop.nameAt(2), u"alpha"_s);
    Q_UNUSED(alpha);

    desktop.view()->sortByColumn(SimulationsTableModel::NameColumn, Qt::AscendingOrder);
    QTRY_VERIFY(!desktop.model()->isLoading()); // every read applied
    QTRY_COMPARE(desktop.nameAt(0), u"alpha"_s);
    QCOMPARE(desktop.nameAt(2), u"gamma"_s);
    desktop.view()->sortByColumn(SimulationsTableModel::NameColumn, Qt::DescendingOrder);
    QTRY_VERIFY(!desktop.model()->isLoading()); // every read applied
    QTRY_COMPARE(desktop.nameAt(0), u"gamma"_s);
    QCOMPARE(desktop.nameAt(2), u"alpha"_s);

    QComboBox *status = desktop.window->simulations()->statusFilter();
    status->setCurrentIndex(status->findData(u"cancelled"_s));
    QTRY_COMPARE(model->rowCount(), 1);
    QTRY_COMPARE(desktop.nameAt(0), u"gamma"_s);
    status->setCurrentIndex(0);
    QTRY_COMPARE(model->rowCount(), 3);

    QComboBox *machine = desktop.window->simulations()->machineFilter();
    QTRY_COMPARE(machine->count(), 3);
    machine->setCurrentIndex(machine->findData(1));
    QTRY_COMPARE(model->rowCount(), 2);
    machine->setCurrentIndex(0);
    QTRY_COMPARE(model->rowCount(), 3);

    QLineEdit *search = desktop.window->simulations()->searchField();
    search->setText(u"AMM"_s); // case-insensitive
    QTRY_COMPARE(model->rowCount(), 1);
    QTRY_COMPARE(desktop.nameAt(0), u"gamma"_s);
    search->setText(u"no such run"_s);
    QTRY_COMPARE(model->rowCount(), 0);
}

void TestUi::tableSortsNamesNaturallyIgnoringCase()
{
    Desktop desktop(0);
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    const QStringList names {u"burst-39"_s, u"Burst-100"_s, u"burst-4"_s, u"über"_s,
                             u"ALPHA 2"_s,  u"alpha"_s,     u"Alpha 10"_s};
    for (const QString &name : names)
        desktop.create(name, 1);
    QVERIFY(desktop.service().cancel(1)); // burst-39
    desktop.view()->sortByColumn(SimulationsTableModel::NameColumn, Qt::AscendingOrder);
    QTRY_COMPARE(desktop.model()->rowCount(), names.size());
    QTRY_VERIFY(!desktop.model()->isLoading());
    const QStringList natural {u"alpha"_s,    u"ALPHA 2"_s,   u"Alpha 10"_s, u"burst-4"_s,
                               u"burst-39"_s, u"Burst-100"_s, u"über"_s};
    QStringList shown;
    for (int row = 0; row < names.size(); ++row)
        shown << desktop.nameAt(row);
    QCOMPARE(shown, natural);
    desktop.view()->sortByColumn(SimulationsTableModel::StatusColumn, Qt::DescendingOrder);
    QTRY_VERIFY(!desktop.model()->isLoading());
    QTRY_COMPARE(desktop.nameAt(0), u"burst-39"_s); // cancelled ends the lifecycle
    desktop.view()->sortByColumn(SimulationsTableModel::NameColumn, Qt::DescendingOrder);
    QTRY_VERIFY(!desktop.model()->isLoading());
    QTRY_COMPARE(desktop.nameAt(0), u"über"_s);
    QCOMPARE(desktop.nameAt(names.size() - 1), u"alpha"_s);
    if (const QString folder = qEnvironmentVariable("AISIM_SCREENSHOT_DIR"); !folder.isEmpty())
        desktop.window->grab().save(folder + u"/table-natural-sort.png"_s);
}

void TestUi::lastRowsOfALargeTableLoadWithoutTheRest()
{
    Desktop desktop(0);
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    QVERIFY(desktop.insertRuns(5000, u"finished"_s));
    desktop.model()->scheduleRefresh();
    desktop.view()->sortByColumn(SimulationsTableModel::IdColumn, Qt::AscendingOrder);
    QTRY_COMPARE(desktop.model()->rowCount(), 5000);
    QTRY_COMPARE(desktop.nameAt(0), u"run 00001"_s);
    desktop.view()->scrollToBottom();
    QTRY_COMPARE(desktop.nameAt(4999), u"run 05000"_s);
    QCOMPARE(desktop.nameAt(4900), u"run 04901"_s);
    desktop.view()->scrollTo(desktop.model()->index(3210, 0));
    QTRY_COMPARE(desktop.nameAt(3210), u"run 03211"_s);
    // Only the pages looked at were read: the middle of the table never was.
    QVERIFY(!desktop.model()->simulationAt(1500));
}

void TestUi::aNameManyRunsBearShowsItsRowsBeforeTheyAreCounted_data()
{
    test::addDialectRows();
}

// Typed into the search box, a name that many runs bear shows its first rows with the count's
// estimate (as the REST API's), marked as one; the exact count follows and sets the rows. A name
// few runs bear is counted exactly at once.
void TestUi::aNameManyRunsBearShowsItsRowsBeforeTheyAreCounted()
{
    AISIM_OPEN_TEST_DESKTOP(desktop);
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    QVERIFY(desktop.insertRuns(5000, u"finished"_s));
    QVERIFY(SimulationRepository(desktop.runtime->database()).foldNames()); // as a start would
    SimulationsTableModel *model = desktop.model();
    desktop.view()->sortByColumn(SimulationsTableModel::IdColumn, Qt::AscendingOrder);
    model->scheduleRefresh();
    QTRY_COMPARE(model->rowCount(), 5000);
    QTRY_VERIFY(!model->isLoading());
    const auto *total = desktop.window->findChild<QLabel *>(u"simulationsTotal"_s);
    QVERIFY(total);

    struct Shown
    {
        qint64 total;
        bool exact;
        QString firstName;
        QString label;
        int searchWidth; // the search field's, once the layout took the label's text
    };
    QList<Shown> shown;
    const QLineEdit *search = desktop.window->simulations()->searchField();
    QObject::connect(model, &SimulationsTableModel::totalChanged, model, [&](qint64 runs) {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        shown.append(
            {runs, model->isTotalExact(), desktop.nameAt(0), total->text(), search->width()});
    });
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    const int searchWidth = search->width();
    // 1,000 runs bear "run 04": more than a count reads at 5,000 runs.
    model->setNameFilter(u"Run 04"_s);
    QTRY_VERIFY(!model->isLoading());
    QVERIFY2(shown.size() >= 2, qPrintable(QString::number(shown.size())));
    QVERIFY(!shown.first().exact);
    QCOMPARE(shown.first().firstName, u"run 04000"_s); // the first rows, before the count
    QVERIFY2(shown.first().label.startsWith(u"About "_s), qPrintable(shown.first().label));
    QVERIFY(shown.last().exact);
    QCOMPARE(shown.last().total, 1000);
    QCOMPARE(model->rowCount(), 1000);
    QVERIFY(model->isTotalExact());
    QCOMPARE(total->text(), u"1,000 simulation(s)"_s);
    // The search field keeps its width whatever the label says while one types.
    for (const Shown &step : std::as_const(shown))
        QCOMPARE(step.searchWidth, searchWidth);
    desktop.view()->scrollToBottom();
    QTRY_COMPARE(desktop.nameAt(999), u"run 04999"_s);
    QCOMPARE(desktop.nameAt(0), u"run 04000"_s);

    // Ten runs bear "run 0424": counted at once.
    shown.clear();
    model->setNameFilter(u"run 0424"_s);
    QTRY_VERIFY(!model->isLoading());
    QCOMPARE(shown.size(), 1);
    QVERIFY(shown.first().exact);
    QCOMPARE(shown.first().total, 10);
    QCOMPARE(model->rowCount(), 10);
    QCOMPARE(desktop.nameAt(9), u"run 04249"_s);
}

void TestUi::newRowsKeepTheSelectionOnTheSameRun()
{
    Desktop desktop(0);
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    const Simulation first = desktop.create(u"first"_s, 1);
    const Simulation second = desktop.create(u"second"_s, 1);
    QTRY_COMPARE(desktop.model()->rowCount(), 2);
    desktop.view()->sortByColumn(SimulationsTableModel::IdColumn, Qt::DescendingOrder);
    QTRY_VERIFY(!desktop.model()->isLoading()); // every read applied
    QTRY_COMPARE(desktop.nameAt(0), u"second"_s);
    desktop.selectRows({1});
    QCOMPARE(desktop.window->simulations()->selectedSimulations().first().id, first.id);

    desktop.create(u"third"_s, 1); // arrives on top and pushes the others down
    QTRY_COMPARE(desktop.model()->rowCount(), 3);
    QTRY_COMPARE(desktop.nameAt(0), u"third"_s);
    const QList<Simulation> selected = desktop.window->simulations()->selectedSimulations();
    QCOMPARE(selected.size(), 1);
    QCOMPARE(selected.first().id, first.id);
    QCOMPARE(desktop.view()->selectionModel()->selectedRows().first().row(), 2);
    Q_UNUSED(second);
}

void TestUi::cancelAndDeleteActOnTheDatabase()
{
    Desktop desktop(0);
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    const Simulation one = desktop.create(u"one"_s, 1);
    const Simulation two = desktop.create(u"two"_s, 1);
    QTRY_COMPARE(desktop.model()->rowCount(), 2);
    QTRY_VERIFY(desktop.rowOf(one.id) >= 0);
    SimulationActions *actions = desktop.window->actions();
    QSignalSpy finished(actions, &SimulationActions::operationFinished);

    desktop.selectRows({desktop.rowOf(one.id)});
    QVERIFY(actions->cancel()->isEnabled());
    actions->cancel()->trigger();
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(statusName(SimulationRepository(desktop.runtime->database()).get(one.id)->status),
             u"cancelled"_s);
    QTRY_COMPARE(statusName(desktop.model()->simulationAt(desktop.rowOf(one.id))->status),
                 u"cancelled"_s);
    QTRY_VERIFY(!actions->cancel()->isEnabled());
    QVERIFY(actions->retry()->isEnabled());

    // Declining the confirmation deletes nothing.
    desktop.view()->selectAll();
    answerNextMessageBox(QMessageBox::Cancel);
    actions->remove()->trigger();
    QCOMPARE(*SimulationRepository(desktop.runtime->database()).count({}), 2);

    answerNextMessageBox(QMessageBox::Yes);
    actions->remove()->trigger();
    QTRY_COMPARE(finished.size(), 2);
    QCOMPARE(*SimulationRepository(desktop.runtime->database()).count({}), 0);
    QTRY_COMPARE(desktop.model()->rowCount(), 0);
    Q_UNUSED(two);
}

void TestUi::machineRemovalRefusalIsShown()
{
    Desktop desktop(0);
    QVERIFY(desktop.service().createMachine(5, u"Busy machine"_s));
    desktop.create(u"keeps it"_s, 5);
    MachinesPanel *machines = desktop.window->machines();
    QTRY_COMPARE(machines->machines().size(), 1);
    QSignalSpy failed(machines, &MachinesPanel::failed);

    machines->removeMachine(5);
    QTRY_COMPARE(failed.size(), 1);
    auto *box = desktop.window->findChild<QMessageBox *>(u"machineErrorBox"_s);
    QVERIFY(box);
    QTRY_VERIFY(box->isVisible());
    QVERIFY2(box->text().contains(u"simulation"_s, Qt::CaseInsensitive), qPrintable(box->text()));
    QVERIFY(MachineRepository(desktop.runtime->database()).get(5));
    box->accept();
}

void TestUi::machinesShowWhetherTheyAreBusyAndOnline()
{
    Desktop desktop(1);
    QVERIFY(desktop.service().createMachine(3, u"Machine C"_s));
    QTreeWidget *tree = desktop.window->machines()->tree();
    QTRY_COMPARE(tree->topLevelItemCount(), 1);
    desktop.create(u"busy for a while"_s, 3, 40, 50);
    QTRY_VERIFY2(tree->topLevelItemCount() == 1
                     && tree->topLevelItem(0)->text(1) == u"busy, online"_s,
                 qPrintable(tree->topLevelItem(0)->text(1)));
    QCOMPARE(tree->topLevelItem(0)->text(2), u"1"_s); // running
    QTRY_VERIFY_WITH_TIMEOUT(tree->topLevelItem(0)->text(1) == u"idle, online"_s, 15000);
    QCOMPARE(tree->topLevelItem(0)->text(4), u"1"_s); // runs in all
}

void TestUi::settingsDialogValidatesAndTestsTheConnectionOffThread()
{
    QTemporaryDir dir;
    const QString defaultPath = dir.filePath(u"default.db"_s);
    SettingsDialog dialog(DesktopSettings {}, defaultPath);
    dialog.show();
    QPushButton *ok = dialog.buttons()->button(QDialogButtonBox::Ok);
    QVERIFY(ok->isEnabled());
    QVERIFY(dialog.settings().databaseUrl.isEmpty()); // the default file

    dialog.postgresChoice()->setChecked(true);
    QVERIFY(!ok->isEnabled());
    dialog.postgresField()->setText(u"mysql://nowhere"_s);
    QVERIFY(!ok->isEnabled());
    dialog.postgresField()->setText(u"postgresql://aisim@127.0.0.1:1/aisim"_s);
    QVERIFY(ok->isEnabled());
    dialog.testConnection();
    QCOMPARE(dialog.testResult()->text(), u"Connecting…"_s); // not waiting here
    QTRY_VERIFY_WITH_TIMEOUT(dialog.testResult()->text().startsWith(u"Failed"_s), 15000);

    dialog.findChild<QRadioButton *>()->setChecked(true); // SQLite
    QVERIFY(ok->isEnabled());
    for (const QString &address : {u"18600"_s, u"127.1"_s, u"my host"_s}) {
        dialog.apiHostField()->setText(address);
        QVERIFY2(!ok->isEnabled(), qPrintable(address)); // not quietly 0.0.72.168 or 127.0.0.1
    }
    for (const QString &address : {u"127.0.0.1"_s, u"::1"_s, u"localhost"_s}) {
        dialog.apiHostField()->setText(address);
        QVERIFY2(ok->isEnabled(), qPrintable(address));
    }
    dialog.testConnection();
    QTRY_COMPARE(dialog.testResult()->text(), u"Connection works."_s);
    QVERIFY(QFile::exists(defaultPath));
}

void TestUi::portInUseIsShownAndTheWindowKeepsWorking()
{
    Desktop desktop(0);
    QVERIFY(desktop.window->startApi(QHostAddress::LocalHost, 0));
    const quint16 taken = desktop.runtime->apiServer()->port();
    Desktop other(0);
    QVERIFY(!other.window->startApi(QHostAddress::LocalHost, taken));
    QCOMPARE(other.window->apiStatusText(), u"REST off"_s);
    QVERIFY(other.window->statusBar()->currentMessage().contains(QString::number(taken)));
    QVERIFY(other.service().createMachine(1, u"Machine A"_s));
    other.create(u"still works"_s, 1);
    QTRY_COMPARE(other.model()->rowCount(), 1);
}

void TestUi::settingsThatCannotStartTheApiSayWhyAndOkTriesAgain()
{
    QSettings().clear();
    Desktop desktop(0);
    QTcpServer taken;
    QVERIFY(taken.listen(QHostAddress::LocalHost));
    const quint16 port = taken.serverPort();
    const auto applySettings = [&] {
        desktop.window->showSettings();
        auto *dialog = desktop.window->findChild<SettingsDialog *>();
        QVERIFY(dialog);
        dialog->apiHostField()->setText(u"127.0.0.1"_s);
        dialog->apiPortField()->setValue(port);
        dialog->buttons()->button(QDialogButtonBox::Ok)->click();
    };
    applySettings();
    // Said in a message box and in the status bar, not covered by "Settings saved".
    QTRY_VERIFY(QApplication::activeModalWidget());
    auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
    QVERIFY(box);
    QVERIFY2(box->text().contains(QString::number(port)), qPrintable(box->text()));
    box->accept();
    QCOMPARE(desktop.window->apiStatusText(), u"REST off"_s);
    QVERIFY(desktop.window->statusBar()->currentMessage().contains(u"⚠"_s));

    // The port is free now: OK with the same values starts the API.
    taken.close();
    applySettings();
    QTRY_COMPARE(desktop.window->apiStatusText(), u"REST http://127.0.0.1:%1"_s.arg(port));
    QSettings().clear();
}

void TestUi::firstAdminTokenIsOfferedOnceAndTokensAreManaged()
{
    test::TestDatabase database(test::TestDatabase::Dialect::Sqlite);
    RuntimeOptions options;
    options.database = database.url();
    options.runEngine = false;
    options.apiAuth = api::AuthMode::Required;
    auto runtime = Runtime::open(options);
    QVERIFY(runtime.ok());
    MainWindow window(*runtime.value());
    window.show();
    QVERIFY(!window.adminTokenButton()->isVisible());
    QVERIFY(window.startApi(QHostAddress::LocalHost, 0));
    // A new database gets an admin token, offered for copying in the status bar.
    QVERIFY(window.adminTokenButton()->isVisible());
    window.adminTokenButton()->click();
    const QString secret = QGuiApplication::clipboard()->text();
    QCOMPARE(secret, runtime.value()->initialAdminToken());
    const auto found = TokenRepository(runtime.value()->database()).findBySecret(secret.toUtf8());
    QVERIFY(found.ok() && found.value());
    QCOMPARE(found.value()->scope, TokenScope::Admin);

    TokensDialog dialog(runtime.value()->database());
    dialog.setConfirmRevocation(false);
    dialog.show();
    QTRY_COMPARE(dialog.list()->topLevelItemCount(), 1);
    QVERIFY(!dialog.createButton()->isEnabled()); // no name yet
    dialog.nameEdit()->setText(u"ci"_s);
    dialog.scopeBox()->setCurrentIndex(dialog.scopeBox()->findText(u"read"_s));
    QVERIFY(dialog.createButton()->isEnabled());
    dialog.createButton()->click();
    QTRY_VERIFY(!dialog.secretEdit()->text().isEmpty());
    QTRY_COMPARE(dialog.list()->topLevelItemCount(), 2);
    const auto created = TokenRepository(runtime.value()->database())
                             .findBySecret(dialog.secretEdit()->text().toUtf8());
    QVERIFY(created.ok() && created.value());
    QCOMPARE(created.value()->name, u"ci"_s);
    QCOMPARE(created.value()->scope, TokenScope::Read);

    // A second token of the same name is refused with a message; nothing changes.
    dialog.nameEdit()->setText(u"ci"_s);
    dialog.createButton()->click();
    QTRY_VERIFY(dialog.messageLabel()->text().contains(u"exists"_s));
    QCOMPARE(TokenRepository(runtime.value()->database()).count().value(), 2);

    QTreeWidgetItem *ci = dialog.list()->findItems(u"ci"_s, Qt::MatchExactly).value(0);
    QVERIFY(ci);
    dialog.list()->setCurrentItem(ci);
    QVERIFY(dialog.revokeButton()->isEnabled());
    dialog.revokeButton()->click();
    QTRY_VERIFY(TokenRepository(runtime.value()->database())
                    .findBySecret(dialog.secretEdit()->text().toUtf8())
                    .value()
                    .value()
                    .isRevoked());
}

namespace {
// A context that owns the pool its work runs on, as the table's model does: it ends its work
// from its destructor, before the pool goes.
class PoolOwner : public QObject
{
public:
    PoolOwner() { pool.setMaxThreadCount(1); }
    ~PoolOwner() override { endBackgroundWork(this, pool); }
    PoolOwner(const PoolOwner &) = delete;
    PoolOwner &operator=(const PoolOwner &) = delete;
    QThreadPool pool;
};
} // namespace

void TestUi::backgroundWorkNeverOutlivesItsContext_data()
{
    QTest::addColumn<bool>("contextOwnsPool");
    QTest::newRow("a pool beside the context") << false;
    QTest::newRow("the context's own pool") << true;
}

// A panel or dialog that goes while its read runs (the window closing) waits for that read and
// drops the ones not begun: none of them then uses the database after the runtime is gone.
void TestUi::backgroundWorkNeverOutlivesItsContext()
{
    QFETCH(bool, contextOwnsPool);
    QThreadPool beside;
    beside.setMaxThreadCount(1);
    PoolOwner *owner = contextOwnsPool ? new PoolOwner : nullptr;
    QObject *context = owner ? owner : new QObject;
    QThreadPool *pool = owner ? &owner->pool : &beside;
    std::atomic<bool> began {false};
    std::atomic<bool> ended {false};
    std::atomic<bool> queuedRan {false};
    int delivered = 0;
    runInBackground(
        context,
        [&] {
            began = true;
            QThread::msleep(300);
            ended = true;
            return 1;
        },
        [&](int) { ++delivered; }, pool);
    runInBackground(
        context,
        [&] {
            queuedRan = true;
            return 2;
        },
        [&](int) { ++delivered; }, pool);
    QTRY_VERIFY(began.load());
    delete context;
    QVERIFY2(ended.load(), "the context went while its work was still running");
    beside.waitForDone();
    QVERIFY2(!queuedRan.load(), "work queued for a context that is gone still ran");
    QCoreApplication::processEvents();
    QCOMPARE(delivered, 0);

    // While the context lives, the result arrives on its thread.
    QObject living;
    int result = 0;
    runInBackground(
        &living, [] { return 42; }, [&](int value) { result = value; }, &beside);
    QTRY_COMPARE(result, 42);
}

QTEST_MAIN(TestUi)
#include "tst_ui.moc"
