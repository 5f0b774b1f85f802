#include "mainwindow.h"

#include "convergencepanel.h"
#include "databasestatuslabel.h"
#include "desktopsettings.h"
#include "machinespanel.h"
#include "runexporter.h"
#include "runtime.h"
#include "sessionsettingsbox.h"
#include "settingsdialog.h"
#include "simulationactions.h"
#include "simulationspanel.h"
#include "simulationstablemodel.h"
#include "storagebanner.h"
#include "tokensdialog.h"
#include "uilogging.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

static void initUiResources()
{
    Q_INIT_RESOURCE(aisim_ui);
}

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
constexpr int kMessageMs = 5000;
constexpr int kFailureMs = 15000;
// The chart overlays at most this many of the selected runs.
constexpr int kMaxChartRuns = 500;
} // namespace

MainWindow::MainWindow(Runtime &runtime, QWidget *parent)
    : QMainWindow(parent)
    , m_runtime(runtime)
{
    initUiResources();
    setWindowTitle(tr("AISimulation"));
    setWindowIcon(QIcon(u":/icons/aisim.svg"_s));
    m_simulations = new SimulationsPanel(runtime.database(), runtime.events(), this);
    m_machines = new MachinesPanel(runtime.service(), this);
    m_chart = new ConvergencePanel(runtime.database(), runtime.events(), this);
    m_actions = new SimulationActions(runtime.service(), *m_simulations, *m_machines, this);
    m_exporter = new RunExporter(runtime.database(), this);
    // The table is the chart's legend: each plotted run's row carries its curve's colour.
    m_chart->setLegendVisible(false);
    m_simulations->model()->setRunColors(m_chart->runColors());

    m_rightSplitter = new QSplitter(Qt::Vertical, this);
    m_rightSplitter->addWidget(m_simulations);
    m_rightSplitter->addWidget(m_chart);
    m_rightSplitter->setSizes({420, 360});
    m_mainSplitter = new QSplitter(Qt::Horizontal, this);
    m_mainSplitter->addWidget(m_machines);
    m_mainSplitter->addWidget(m_rightSplitter);
    // A smaller window takes width from both sides, not only from the table and the chart.
    m_mainSplitter->setStretchFactor(0, 1);
    m_mainSplitter->setStretchFactor(1, 3);
    m_rightSplitter->setStretchFactor(0, 1);
    m_rightSplitter->setStretchFactor(1, 1);
    // The table and its chart are what the window is for: the machines take a fifth.
    m_mainSplitter->setSizes({260, 1020});
    m_mainSplitter->setContentsMargins(6, 6, 6, 0);
    auto *central = new QWidget(this);
    auto *centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(0);
    m_storageBanner = new StorageBanner(runtime.database().health(), central);
    centralLayout->addWidget(m_storageBanner);
    centralLayout->addWidget(m_mainSplitter, 1);
    setCentralWidget(central);

    createMenus();
    createStatusBar();
    connect(m_simulations, &SimulationsPanel::selectionChanged, this,
            &MainWindow::showSelectionInChart);
    connect(m_simulations, &SimulationsPanel::contextMenuRequested, this,
            &MainWindow::showContextMenu);
    connect(m_machines, &MachinesPanel::machinesLoaded, m_simulations,
            &SimulationsPanel::setMachines);
    connect(m_machines, &MachinesPanel::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, kMessageMs); });
    connect(m_machines, &MachinesPanel::failed, this, &MainWindow::showFailure);
    connect(m_actions, &SimulationActions::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, kMessageMs); });
    connect(m_actions, &SimulationActions::failed, this, &MainWindow::showFailure);
    connect(m_chart, &ConvergencePanel::curveClicked, m_simulations,
            &SimulationsPanel::revealSimulation);
    connect(m_chart, &ConvergencePanel::message, this,
            [this](const QString &text) { statusBar()->showMessage(text, kMessageMs); });
    connect(m_exporter, &RunExporter::finished, this,
            [this](const QString &path, int runs, qint64 points) {
                statusBar()->showMessage(
                    tr("Exported %n run(s), %1 points, to %2", nullptr, runs)
                        .arg(QLocale().toString(points), QDir::toNativeSeparators(path)),
                    kFailureMs);
            });
    connect(m_exporter, &RunExporter::failed, this,
            [this](const QString &text) { showFailure(tr("Export failed: %1").arg(text)); });
    watchDatabase();
    // Rows refreshed in place may change what the actions apply to.
    connect(m_simulations->model(), &QAbstractItemModel::dataChanged, m_actions,
            &SimulationActions::updateEnabled);
    restoreLayout();
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    m_exportRuns = new QAction(tr("E&xport Selected Runs…"), this);
    m_exportRuns->setObjectName(u"exportRunsAction"_s);
    m_exportRuns->setToolTip(tr("Save every point of the selected runs as CSV or JSON"));
    m_exportRuns->setEnabled(false);
    connect(m_exportRuns, &QAction::triggered, this,
            [this] { m_exporter->exportWithDialog(selectedRuns(), this); });
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_actions->newSimulation());
    file->addSeparator();
    QAction *settings = file->addAction(QIcon::fromTheme(u"preferences-system"_s), tr("&Settings…"),
                                        this, &MainWindow::showSettings);
    settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    file->addAction(tr("REST API &Tokens…"), this, &MainWindow::showTokens);
    file->addSeparator();
    QAction *quit = file->addAction(QIcon::fromTheme(u"application-exit"_s), tr("&Quit"), this,
                                    &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_actions->find());
    edit->addAction(tr("Select &All"), QKeySequence::SelectAll, m_simulations->view(),
                    &QAbstractItemView::selectAll);

    QMenu *simulation = menuBar()->addMenu(tr("&Simulation"));
    simulation->addAction(m_actions->newSimulation());
    simulation->addSeparator();
    simulation->addActions(m_actions->simulationActions());
    simulation->addSeparator();
    simulation->addAction(m_exportRuns);

    QMenu *machine = menuBar()->addMenu(tr("&Machine"));
    machine->addAction(tr("&Add Machine…"), m_machines, &MachinesPanel::addMachine);
    machine->addAction(m_machines->renameAction());
    machine->addAction(m_machines->removeAction());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("Copy REST &Address"), this, &MainWindow::copyApiAddress);
    help->addAction(tr("&About AISimulation"), this, [this] {
        QMessageBox::about(this, tr("About AISimulation"),
                           tr("<b>AISimulation %1</b><p>Manage machines and simulation runs, "
                              "watch them converge, and script against them through the REST "
                              "API.</p>")
                               .arg(QCoreApplication::applicationVersion()));
    });

    QToolBar *tools = addToolBar(tr("Simulations"));
    tools->setObjectName(u"simulationsToolBar"_s);
    tools->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    tools->setMovable(false);
    tools->addAction(m_actions->newSimulation());
    tools->addSeparator();
    tools->addActions(m_actions->simulationActions());
}

void MainWindow::createStatusBar()
{
    m_api = new QToolButton(this);
    m_api->setObjectName(u"apiAddress"_s);
    m_api->setAutoRaise(true);
    m_api->setToolTip(tr("Click to copy the REST API address"));
    m_api->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto *copy = new QAction(tr("Copy Address"), m_api);
    connect(copy, &QAction::triggered, this, &MainWindow::copyApiAddress);
    m_api->addAction(copy);
    connect(m_api, &QToolButton::clicked, this, &MainWindow::copyApiAddress);
    m_workers = new QLabel(this);
    m_workers->setObjectName(u"workersLabel"_s);
    m_database = new DatabaseStatusLabel(m_runtime.options().database.displayString(), this);
    statusBar()->addPermanentWidget(m_database);
    statusBar()->addPermanentWidget(m_workers);
    statusBar()->addPermanentWidget(m_api);
    // The first admin token of a new database is shown this once; the database keeps a hash.
    m_adminToken = new QToolButton(this);
    m_adminToken->setObjectName(u"adminToken"_s);
    m_adminToken->setAutoRaise(true);
    m_adminToken->setText(tr("Copy admin token"));
    m_adminToken->setToolTip(tr("The first admin token of this database was created now and is "
                                "shown only this once. Click to copy it; manage tokens under "
                                "File > REST API Tokens."));
    m_adminToken->setVisible(false);
    connect(m_adminToken, &QToolButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_runtime.initialAdminToken());
        statusBar()->showMessage(tr("Admin token copied: send it as 'Authorization: Bearer …'"),
                                 kMessageMs);
    });
    statusBar()->addPermanentWidget(m_adminToken);
    if (Engine *engine = m_runtime.engine()) {
        connect(engine, &Engine::busyWorkersChanged, this, &MainWindow::updateWorkers);
        updateWorkers(engine->busyWorkers());
    } else {
        m_workers->setText(tr("No workers: runs wait for another process"));
    }
    m_api->setText(apiStatusText());
}

void MainWindow::watchDatabase()
{
    // Every read says whether the database answers; failed reads are retried by their panels.
    SimulationsTableModel *model = m_simulations->model();
    connect(model, &SimulationsTableModel::loadFailed, m_database,
            &DatabaseStatusLabel::readFailed);
    connect(model, &SimulationsTableModel::rowsLoaded, m_database,
            &DatabaseStatusLabel::readSucceeded);
    connect(m_machines, &MachinesPanel::readFailed, m_database, &DatabaseStatusLabel::readFailed);
    connect(m_machines, &MachinesPanel::readSucceeded, m_database,
            &DatabaseStatusLabel::readSucceeded);
    connect(m_machines, &MachinesPanel::readSucceeded, model,
            &SimulationsTableModel::noteDatabaseAnswered);
    connect(m_database, &DatabaseStatusLabel::reachabilityChanged, this, [this](bool reachable) {
        if (!reachable) {
            m_simulations->model()->markStale();
            return;
        }
        // Catch up with whatever changed meanwhile.
        m_simulations->model()->scheduleRefresh();
        m_machines->reload();
        m_chart->reloadStoredPoints();
    });
}

QString MainWindow::apiStatusText() const
{
    const api::ApiServer *server = const_cast<Runtime &>(m_runtime).apiServer();
    return server && server->isListening() ? tr("REST %1").arg(server->baseUrl()) : tr("REST off");
}

bool MainWindow::startApi(const QHostAddress &address, quint16 port)
{
    const Result<quint16> started = m_runtime.startApi(address, port);
    m_api->setText(apiStatusText());
    if (!started) {
        m_api->setText(tr("REST off"));
        m_api->setToolTip(started.error().message);
        showFailure(tr("REST API not started: %1").arg(started.error().message));
        return false;
    }
    m_api->setToolTip(tr("Click to copy the REST API address"));
    m_adminToken->setVisible(!m_runtime.initialAdminToken().isEmpty());
    return true;
}

void MainWindow::stopApi()
{
    m_runtime.stopApi();
    m_api->setText(apiStatusText());
}

void MainWindow::copyApiAddress()
{
    const api::ApiServer *server = m_runtime.apiServer();
    if (!server || !server->isListening()) {
        statusBar()->showMessage(tr("The REST API is not running"), kMessageMs);
        return;
    }
    QGuiApplication::clipboard()->setText(server->baseUrl());
    statusBar()->showMessage(tr("Copied %1").arg(server->baseUrl()), kMessageMs);
}

void MainWindow::updateWorkers(int busy)
{
    const int total = m_runtime.engine() ? m_runtime.engine()->workerCount() : 0;
    m_workers->setText(tr("Workers %1/%2 busy").arg(busy).arg(total));
}

void MainWindow::showFailure(const QString &text)
{
    qCWarning(lcUi).noquote() << text;
    statusBar()->showMessage(u"⚠ "_s + text, kFailureMs);
}

void MainWindow::showSelectionInChart()
{
    // Selected rows pushed out of the rows read (runs arriving above them) keep their runs on
    // the chart, with the label they had, until their rows are read again.
    QList<QPair<qint64, QString>> shown;
    QHash<qint64, QString> labels;
    for (const auto &[id, simulation] : m_simulations->selectedRuns(kMaxChartRuns)) {
        // The plain name: the table beside it shows the id, the export writes it as the name.
        const QString label
            = simulation ? simulation->name : m_chartLabels.value(id, u"#%1"_s.arg(id));
        shown.append({id, label});
        labels.insert(id, label);
    }
    m_exportRuns->setEnabled(!shown.isEmpty());
    if (shown == m_chartShown)
        return;
    m_chartShown = shown;
    m_chartLabels = labels;
    m_chart->showSimulations(shown);
}

QList<QPair<qint64, QString>> MainWindow::selectedRuns() const
{
    QList<QPair<qint64, QString>> runs;
    for (const Simulation &simulation : m_simulations->selectedSimulations())
        runs.append({simulation.id, simulation.name});
    return runs;
}

void MainWindow::showContextMenu(const QPoint &globalPosition)
{
    QMenu menu(this);
    menu.addAction(m_actions->newSimulation());
    menu.addSeparator();
    menu.addActions(m_actions->simulationActions());
    menu.addSeparator();
    menu.addAction(m_exportRuns);
    menu.exec(globalPosition);
}

void MainWindow::showTokens()
{
    auto *dialog = new TokensDialog(m_runtime.database(), this);
    dialog->setTokensRequired(m_runtime.options().apiAuth == api::AuthMode::Required);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::showSettings()
{
    const DesktopSettings before = DesktopSettings::load();
    auto *dialog = new SettingsDialog(
        before, QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/aisim.db"_L1,
        this);
    dialog->setObjectName(u"settingsDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setInUse(sessionSettings(m_runtime, before));
    connect(dialog, &QDialog::accepted, this, [this, dialog, before] {
        const DesktopSettings after = dialog->settings();
        after.save();
        // Compared with what runs, not with what was saved: OK after a failed start tries again.
        const api::ApiServer *server = m_runtime.apiServer();
        const bool running = server && server->isListening();
        const auto address = api::ApiServer::parseAddress(after.apiHost);
        const bool same = running && address && server->address() == *address
            && server->port() == after.apiPort;
        if (after.apiEnabled != running || (after.apiEnabled && !same)) {
            stopApi();
            if (after.apiEnabled
                && !startApi(address.value_or(QHostAddress()), quint16(after.apiPort))) {
                auto *box
                    = new QMessageBox(QMessageBox::Warning, tr("REST API"),
                                      tr("The REST API could not start: %1").arg(m_api->toolTip()),
                                      QMessageBox::Ok, this);
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
                return; // the failure stays in the status bar
            }
        }
        if (after.databaseUrl != before.databaseUrl || after.workers != before.workers
            || after.runTimeoutSeconds != before.runTimeoutSeconds
            || after.verdictPoints != before.verdictPoints
            || after.stallThreshold != before.stallThreshold)
            statusBar()->showMessage(
                tr("Saved. The database and engine settings apply when AISimulation restarts."),
                kFailureMs);
        else
            statusBar()->showMessage(tr("Settings saved"), kMessageMs);
    });
    dialog->open();
}

void MainWindow::restoreLayout()
{
    const QSettings settings;
    if (!restoreGeometry(settings.value(u"window/geometry"_s).toByteArray())) {
        // First start: most of the screen, so that the table and the chart both have room.
        const QRect available = screen() ? screen()->availableGeometry() : QRect(0, 0, 1600, 1000);
        resize(std::min(1280, available.width() * 9 / 10),
               std::min(820, available.height() * 9 / 10));
    }
    restoreState(settings.value(u"window/state"_s).toByteArray());
    m_mainSplitter->restoreState(settings.value(u"window/mainSplitter"_s).toByteArray());
    m_rightSplitter->restoreState(settings.value(u"window/rightSplitter"_s).toByteArray());
    m_simulations->restoreHeaderState(settings.value(u"window/columns"_s).toByteArray());
}

void MainWindow::saveLayout() const
{
    QSettings settings;
    settings.setValue(u"window/geometry"_s, saveGeometry());
    settings.setValue(u"window/state"_s, saveState());
    settings.setValue(u"window/mainSplitter"_s, m_mainSplitter->saveState());
    settings.setValue(u"window/rightSplitter"_s, m_rightSplitter->saveState());
    settings.setValue(u"window/columns"_s, m_simulations->saveHeaderState());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    event->accept();
}

} // namespace aisim
