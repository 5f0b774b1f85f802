#pragma once

#include <QHash>
#include <QHostAddress>
#include <QMainWindow>

class QAction;
class QLabel;
class QSplitter;
class QToolButton;

namespace aisim {

class ConvergencePanel;
class DatabaseStatusLabel;
class MachinesPanel;
class RunExporter;
class Runtime;
class SimulationActions;
class SimulationsPanel;
class StorageBanner;

// The desktop window over a running Runtime: simulations, machines and convergence, with the
// REST address, the worker pool and the database in the status bar.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(Runtime &runtime, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Starts (or restarts) the REST server; a failure is shown, the window keeps working.
    bool startApi(const QHostAddress &address, quint16 port);
    void stopApi();
    void showSettings();
    void showTokens();
    QToolButton *adminTokenButton() const { return m_adminToken; }

    SimulationsPanel *simulations() const { return m_simulations; }
    MachinesPanel *machines() const { return m_machines; }
    ConvergencePanel *chart() const { return m_chart; }
    SimulationActions *actions() const { return m_actions; }
    RunExporter *exporter() const { return m_exporter; }
    QAction *exportRunsAction() const { return m_exportRuns; }
    StorageBanner *storageBanner() const { return m_storageBanner; }
    QString apiStatusText() const;
    DatabaseStatusLabel *databaseStatus() const { return m_database; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void createStatusBar();
    void watchDatabase();
    void showSelectionInChart();
    // The selected runs in memory, id and name, in row order.
    QList<QPair<qint64, QString>> selectedRuns() const;
    void showContextMenu(const QPoint &globalPosition);
    void showFailure(const QString &text);
    void updateWorkers(int busy);
    void copyApiAddress();
    void restoreLayout();
    void saveLayout() const;

    Runtime &m_runtime;
    SimulationsPanel *m_simulations = nullptr;
    MachinesPanel *m_machines = nullptr;
    ConvergencePanel *m_chart = nullptr;
    SimulationActions *m_actions = nullptr;
    RunExporter *m_exporter = nullptr;
    QAction *m_exportRuns = nullptr;
    StorageBanner *m_storageBanner = nullptr;
    QSplitter *m_mainSplitter = nullptr;
    QSplitter *m_rightSplitter = nullptr;
    QToolButton *m_api = nullptr;
    QToolButton *m_adminToken = nullptr;
    QLabel *m_workers = nullptr;
    DatabaseStatusLabel *m_database = nullptr;
    QList<QPair<qint64, QString>> m_chartShown;
    QHash<qint64, QString> m_chartLabels;
};

} // namespace aisim
