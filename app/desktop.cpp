#include "desktop.h"

#include "commandline.h"
#include "demo.h"
#include "desktopsettings.h"
#include "mainwindow.h"
#include "signalwatcher.h"
#include "simulationactions.h"
#include "simulationspanel.h"
#include "simulationstablemodel.h"

#include <QApplication>
#include <QDialog>
#include <QMessageBox>
#include <QTableView>
#include <QTextStream>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {

// The saved settings fill in whatever the command line left open.
CommandLine withSavedSettings(CommandLine options)
{
    const DesktopSettings saved = DesktopSettings::load();
    if (!options.databaseGiven && !saved.databaseUrl.isEmpty()) {
        QString error;
        if (const auto url = DatabaseUrl::parse(saved.databaseUrl, &error))
            options.runtime.database = *url;
        else
            QTextStream(stderr) << "aisim: ignoring the saved database setting: " << error << '\n';
    }
    if (!options.hostGiven)
        options.host.setAddress(saved.apiHost);
    if (!options.portGiven && saved.apiPort > 0 && saved.apiPort < 65536)
        options.port = quint16(saved.apiPort);
    if (options.serveApi && !options.hostGiven && !options.portGiven)
        options.serveApi = saved.apiEnabled;
    if (!options.workersGiven && saved.workers > 0)
        options.runtime.engine.workers = saved.workers;
    if (!options.verdictPointsGiven && saved.verdictPoints >= LossThresholds::kMinPoints
        && saved.verdictPoints <= LossThresholds::kMaxPoints)
        options.runtime.engine.lossThresholds.points = saved.verdictPoints;
    if (!options.stallThresholdGiven && saved.stallThreshold >= 0
        && saved.stallThreshold <= LossThresholds::kMaxStallThreshold)
        options.runtime.engine.lossThresholds.stallThreshold = saved.stallThreshold;
    // A desktop database holds its user's run history and token hashes: theirs alone. Only the
    // default folder is made private as a whole; a folder the user chose keeps its permissions.
    const bool defaultLocation
        = options.runtime.database.path == DatabaseUrl::sqliteFile(defaultDatabasePath()).path;
    options.runtime.databasePrivacy
        = defaultLocation ? Database::Privacy::PrivateFolder : Database::Privacy::PrivateFiles;
    if (!options.runTimeoutGiven && saved.runTimeoutSeconds > 0
        && saved.runTimeoutSeconds <= kMaxRunTimeoutSeconds)
        options.runtime.engine.runTimeoutSeconds = saved.runTimeoutSeconds;
    return options;
}

// Saves a picture of the window, or of one of its dialogs, then quits (README, reviews).
void scheduleScreenshot(MainWindow &window, const CommandLine &options)
{
    // The runs that have started, so that the chart has curves and the badges stay readable.
    QTimer::singleShot(options.screenshotDelayMs / 2, &window, [&window] {
        QTableView *view = window.simulations()->view();
        for (int row = 0; row < view->model()->rowCount(); ++row) {
            const QModelIndex index = view->model()->index(row, 0);
            if (index.data(SimulationsTableModel::StatusRole).toInt()
                != int(SimulationStatus::Pending))
                view->selectionModel()->select(
                    index, QItemSelectionModel::Select | QItemSelectionModel::Rows);
        }
    });
    QTimer::singleShot(options.screenshotDelayMs, &window, [&window, options] {
        QWidget *target = &window;
        if (options.screenshotDialog == "new"_L1)
            window.actions()->newSimulation()->trigger();
        else if (options.screenshotDialog == "settings"_L1)
            window.showSettings();
        else if (options.screenshotDialog == "tokens"_L1)
            window.showTokens();
        if (!options.screenshotDialog.isEmpty())
            target = window.findChild<QDialog *>();
        QTimer::singleShot(500, &window, [target, options] {
            const bool saved = target && target->grab().save(options.screenshotPath);
            if (!saved)
                QTextStream(stderr) << "aisim: cannot save " << options.screenshotPath << '\n';
            QCoreApplication::exit(saved ? 0 : 1);
        });
    });
}

} // namespace

int runDesktop(const CommandLine &commandLine)
{
    const CommandLine options = withSavedSettings(commandLine);
    auto runtime = Runtime::open(options.runtime);
    if (!runtime) {
        QMessageBox::critical(
            nullptr, QObject::tr("AISimulation"),
            QObject::tr("Cannot open the database %1:\n\n%2")
                .arg(options.runtime.database.displayString(), runtime.error().message));
        return 1;
    }
    Runtime &rt = *runtime.value();
    if (options.demo)
        seedDemoData(rt.service());
    int status = 0;
    {
        MainWindow window(rt);
        // Ctrl+C or SIGTERM close the window as the user would, handing unfinished runs back.
        SignalWatcher signals;
        QObject::connect(&signals, &SignalWatcher::terminationRequested, &window, &QWidget::close);
        if (options.serveApi)
            window.startApi(options.host, options.port);
        if (options.screenshotPath.isEmpty())
            window.show();
        else {
            window.resize(options.screenshotSize);
            window.show();
            scheduleScreenshot(window, options);
        }
        status = QApplication::exec();
    }
    runtime.value().reset(); // stops the API and hands unfinished runs back
    return status;
}

} // namespace aisim
