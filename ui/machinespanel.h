#pragma once

#include "machine.h"
#include "machinerepository.h"
#include "simulationservice.h"

#include <QHash>
#include <QTimer>
#include <QWidget>

class QAction;
class QLabel;
class QPushButton;
class QTreeWidget;

namespace aisim {

// The machines: their state (busy or idle, online or offline), their running and pending runs,
// and adding, renaming and removing them. Reads and writes run off the GUI thread.
class MachinesPanel : public QWidget
{
    Q_OBJECT
public:
    // A machine without a worker heartbeat for this long is shown offline.
    static constexpr qint64 kOnlineWithinMs = Machine::kOnlineWithinMs;

    explicit MachinesPanel(SimulationService &service, QWidget *parent = nullptr);

    const QList<Machine> &machines() const { return m_machines; }
    QTreeWidget *tree() const { return m_tree; }
    // The sentence shown under the list while the machines cannot be read; hidden otherwise.
    QLabel *problemLabel() const { return m_error; }
    void reload();
    void addMachine();
    void renameSelected();
    void removeSelected();
    // The operations behind the buttons, without asking: for scripts and tests.
    void createMachine(const QString &name);
    // Why a machine cannot take this name (empty, or another machine's), or empty.
    QString nameProblem(const QString &name, std::optional<qint64> renamedId) const;
    void removeMachine(qint64 id,
                       SimulationService::RunsOnRemoval runs
                       = SimulationService::RunsOnRemoval::Refuse,
                       qint64 moveTo = 0);
    // Rename and Remove for menus: enabled only while a machine is selected.
    QAction *renameAction() const { return m_renameAction; }
    QAction *removeAction() const { return m_removeAction; }
    // The words of the State column for a machine with this load.
    static QString stateText(const MachineLoad &load, bool online);
    // Why the machine's pending runs wait, for the State tooltip; empty when none does.
    static QString waitingText(const MachineLoad &load, bool online);

Q_SIGNALS:
    void machinesLoaded(const QList<aisim::Machine> &machines);
    void message(const QString &text);
    void failed(const QString &text);
    // The periodic read of the machines failed (the driver's words) or worked again.
    void readFailed(const QString &error);
    void readSucceeded();

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    struct Snapshot
    {
        QList<Machine> machines;
        QList<MachineLoad> loads;
    };
    void show(const Snapshot &snapshot);
    void showError(const QString &title, const QString &text);
    void showReadFailure(const Error &error);
    std::optional<Machine> selectedMachine() const;
    void updateButtons();

    SimulationService &m_service;
    QList<Machine> m_machines;
    QHash<qint64, MachineLoad> m_loads;
    QAction *m_renameAction = nullptr;
    QAction *m_removeAction = nullptr;
    QTreeWidget *m_tree = nullptr;
    QPushButton *m_add = nullptr;
    QPushButton *m_rename = nullptr;
    QPushButton *m_remove = nullptr;
    QLabel *m_error = nullptr;
    QString m_lastReadError;
    QDateTime m_lastReadAt;
    QTimer m_reloadTimer;
    bool m_loading = false;
};

} // namespace aisim
