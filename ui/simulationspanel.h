#pragma once

#include "machine.h"
#include "simulation.h"
#include "simulationselection.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace aisim {

class Database;
class EventHub;
class SimulationsTableModel;

// The simulations table with its search field and its status and machine filters.
class SimulationsPanel : public QWidget
{
    Q_OBJECT
public:
    SimulationsPanel(Database &database, EventHub &events, QWidget *parent = nullptr);

    QTableView *view() const { return m_view; }
    SimulationsTableModel *model() const { return m_model; }
    QLineEdit *searchField() const { return m_search; }
    QComboBox *statusFilter() const { return m_status; }
    QComboBox *machineFilter() const { return m_machine; }
    QComboBox *verdictFilter() const { return m_verdict; }

    // The loaded simulations of the selected rows, in row order.
    QList<Simulation> selectedSimulations() const { return selection().loaded; }
    // Every selected row: the loaded runs and the spans still to be read.
    SimulationSelection selection() const;
    void setMachines(const QList<Machine> &machines);
    // Makes a run's row current and scrolls to it, keeping the selection; false when its row
    // is not in memory.
    bool revealSimulation(qint64 id);
    void focusSearch();

    QByteArray saveHeaderState() const;
    void restoreHeaderState(const QByteArray &state);

Q_SIGNALS:
    void selectionChanged();
    void contextMenuRequested(const QPoint &globalPosition);
    void activated(qint64 simulationId);

private:
    void updateTotal(qint64 total);

    SimulationsTableModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    QLineEdit *m_search = nullptr;
    QComboBox *m_status = nullptr;
    QComboBox *m_machine = nullptr;
    QComboBox *m_verdict = nullptr;
    QLabel *m_total = nullptr;
    std::optional<QPair<qint64, int>> m_anchor; // the run at the top of the view, and its row
};

} // namespace aisim
