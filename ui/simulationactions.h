#pragma once

#include "result.h"
#include "simulation.h"

#include <QObject>

#include <functional>

class QAction;
class QMenu;
class QWidget;

namespace aisim {

class MachinesPanel;
class SelectionAbilities;
class SimulationService;
class SimulationsPanel;

// The user's operations on simulations as actions (menu bar, tool bar, context menu and
// shortcuts), carried out through the SimulationService off the GUI thread.
class SimulationActions : public QObject
{
    Q_OBJECT
public:
    SimulationActions(SimulationService &service, SimulationsPanel &simulations,
                      MachinesPanel &machines, QWidget *window);

    QAction *newSimulation() const { return m_new; }
    QAction *cancel() const { return m_cancel; }
    QAction *retry() const { return m_retry; }
    QAction *duplicate() const { return m_duplicate; }
    QAction *remove() const { return m_remove; }
    QAction *find() const { return m_find; }
    QList<QAction *> simulationActions() const;

    // Deletion asks first unless told otherwise (scripts and tests).
    void setConfirmDeletion(bool confirm) { m_confirmDeletion = confirm; }
    void updateEnabled();

Q_SIGNALS:
    void message(const QString &text);
    void failed(const QString &text);
    // A background operation finished; tests wait on it.
    void operationFinished();

private:
    // Changes one run; answers the run it leaves behind (the copy, for a duplicate).
    using Operation = std::function<Result<qint64>(SimulationService &, const Simulation &)>;

    void showNewSimulationDialog();
    // nothing: what to say when no selected run is one the operation applies to.
    void apply(const QString &verb, const Operation &operation, bool (*applies)(const Simulation &),
               const QString &nothing = QString(), bool selectResults = false);
    void confirmAndRemove();
    QString tooMany(qint64 count) const;
    QAction *makeAction(const QString &text, const QString &icon, const QKeySequence &shortcut);

    SimulationService &m_service;
    SimulationsPanel &m_simulations;
    MachinesPanel &m_machines;
    QWidget *m_window;
    SelectionAbilities *m_abilities;
    bool m_confirmDeletion = true;
    QAction *m_new = nullptr;
    QAction *m_cancel = nullptr;
    QAction *m_retry = nullptr;
    QAction *m_duplicate = nullptr;
    QAction *m_remove = nullptr;
    QAction *m_find = nullptr;
};

} // namespace aisim
