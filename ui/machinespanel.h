#pragma once

#include "machine.h"
#include "machinerepository.h"

#include <QTimer>
#include <QWidget>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace aisim {

class SimulationService;

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
    void removeMachine(qint64 id);

Q_SIGNALS:
    void machinesLoaded(const QList<aisim::Machine> &machines);
    void message(const QString &text);
    void failed(const QString &text);
    // The periodic read of the machines failed (the driver's words) or worked again.
    void readFailed(const QString &error);
    void readSucceeded();

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
