#pragma once

#include "machine.h"
#include "simulation.h"
#include "simulationselection.h"

#include <QElapsedTimer>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace aisim {

class Database;
class EmptyTableHint;
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
    // The selected runs in row order, at most max: each with its row when in memory, or its id
    // alone when the row was pushed out of the rows read since it was selected.
    QList<QPair<qint64, std::optional<Simulation>>> selectedRuns(int max) const;
    // Selects these runs (only them) as soon as the table shows them, e.g. a run just created;
    // given up after a few seconds if they never come into the rows read.
    void selectWhenShown(const QList<qint64> &ids);
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

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    // The total's texts: while a query's first rows load, and once they are counted.
    QString loadingText() const;
    QString totalText(qint64 total, bool exact) const;
    void updateTotal(qint64 total);
    // Keeps the total's width to that of its longest text, so that the search field beside it
    // keeps its width while the total changes (Loading…, an estimate, the count) as one types.
    void reserveTotalWidth();
    void onSelectionChanged();
    void selectRequestedRuns();

    SimulationsTableModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    QLineEdit *m_search = nullptr;
    QComboBox *m_status = nullptr;
    QComboBox *m_machine = nullptr;
    QComboBox *m_verdict = nullptr;
    QLabel *m_total = nullptr;
    EmptyTableHint *m_hint = nullptr;
    QList<qint64> m_requested; // runs to select once shown
    QElapsedTimer m_requestedSince;
    bool m_selectionIncomplete = false;
    std::optional<QPair<qint64, int>> m_anchor; // the run at the top of the view, and its row
};

} // namespace aisim
