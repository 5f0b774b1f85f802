#pragma once

#include "rowfreshness.h"
#include "simulation.h"
#include "simulationpagecache.h"
#include "simulationpageloader.h"
#include "simulationrepository.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QItemSelectionModel>
#include <QPointer>
#include <QSet>
#include <QThreadPool>
#include <QTimer>

#include <optional>

namespace aisim {

class Database;
class EventHub;
class RunColors;
struct ConvergencePoint;

// The simulations table, read by windows of rows: only the pages the view shows are in memory,
// sorting and filtering happen in SQL, all SQL runs on the model's own worker thread, and
// changes announced by the engine update the rows in place.
class SimulationsTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        IdColumn,
        NameColumn,
        MachineColumn,
        StatusColumn,
        CreatedColumn,
        UpdatedColumn,
        DurationColumn,
        ProgressColumn,
        FinalLossColumn,
        BestLossColumn,
        RateColumn,
        VerdictColumn,
        ColumnCount
    };
    enum Role { SimulationIdRole = Qt::UserRole + 1, StatusRole, ProgressRole, LoadedRole };
    static constexpr int kPageSize = 100;

    SimulationsTableModel(Database &database, EventHub &events, QObject *parent = nullptr);
    ~SimulationsTableModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    void setStatusFilter(std::optional<SimulationStatus> status);
    void setMachineFilter(std::optional<qint64> machineId);
    void setNameFilter(const QString &text);
    void setVerdictFilter(std::optional<Verdict> verdict);
    // The chart's colours: each plotted run's row shows its curve's colour, and the run whose
    // curve the pointer is on is highlighted.
    void setRunColors(const RunColors *colors);
    // The machines some worker serves now: pending runs on the others say they wait.
    void setOnlineMachines(const QSet<qint64> &machineIds);
    const SimulationQuery &query() const { return m_query; }

    // The simulation shown in a row, when its page is loaded.
    std::optional<Simulation> simulationAt(int row) const;
    // The same without asking for a missing page: null when not in memory.
    const Simulation *loadedAt(int row) const;
    // The run of a row: in memory, or followed since it was (a selected row pushed out of the
    // pages read); nullopt when not known.
    std::optional<qint64> idAt(int row) const;
    // Asks for the pages holding these rows (at most a few are queued at a time).
    void fetchRows(int first, int last);
    // The row of a run in memory, or -1.
    int loadedRowOf(qint64 id) const { return m_cache.rowOf(id); }
    QString machineName(qint64 machineId) const;
    // Rereads the rows in view and the row count (coalesced with other requests).
    void scheduleRefresh();
    // The database stopped answering: running durations stop at the last read, marked, until
    // a read works again.
    void markStale();
    // Another read worked: until one fails, the rows count as current up to now.
    void noteDatabaseAnswered() { m_freshness.noteAnswer(); }
    bool isStale() const { return m_freshness.isStale(); }
    bool isLoading() const { return m_busy || !m_queue.isEmpty() || m_refreshWanted; }
    // False while the rows are those of an estimate (a name many runs bear, just searched for):
    // an exact count follows in the background.
    bool isTotalExact() const { return m_totalExact; }
    // The view's selection: selected runs stay selected while rows come and go around them,
    // also when they are far from the rows in view.
    void trackSelection(QItemSelectionModel *selection) { m_selection = selection; }

Q_SIGNALS:
    // Every completed read; tests and the benchmark wait on it.
    void rowsLoaded();
    void totalChanged(qint64 total);
    // Sorting or filtering changed; the rows follow once read.
    void queryChanged();
    void loadFailed(const QString &message);

private:
    void setQuery(const SimulationQuery &query);
    const Simulation *cached(int row) const; // asks for the page when missing
    void requestPage(int page) const;
    void pump();
    void startRefresh();
    void startPageLoad(int page);
    void applyWindow(quint64 generation, bool reset, const Result<SimulationWindow> &window);
    void applyPage(quint64 generation, int page, const Result<QList<Simulation>> &rows);
    void onSimulationChanged(qint64 id, SimulationStatus status);
    void onPointAdded(qint64 id, int pointsDone);
    void emitRowChanged(int row, int firstColumn, int lastColumn);
    void tickRunningDurations();
    // Notes the runs of the selected rows and of the rows the view holds on to, while their
    // pages are in memory, so that a refresh can find where they went.
    void rememberTrackedIds();
    QList<QList<qint64>> trackedBlocks() const;

    Database &m_database;
    SimulationQuery m_query;
    quint64 m_generation = 0;
    bool m_resetPending = true;
    int m_rowCount = 0;
    bool m_totalExact = true;
    mutable SimulationPageCache m_cache {kPageSize};
    mutable QList<int> m_queue; // pages asked for, most recent last
    // The runs in the selected rows and the rows the view holds on to (current row), also
    // after their pages left memory: a refresh finds where they went.
    QHash<int, qint64> m_trackedIds;
    QPointer<QItemSelectionModel> m_selection;
    QHash<qint64, QString> m_machineNames;
    QSet<qint64> m_onlineMachines;
    QPointer<const RunColors> m_runColors;
    bool m_machinesStale = true;
    bool m_busy = false;
    mutable bool m_pumpScheduled = false;
    bool m_refreshWanted = true;
    QTimer m_refreshTimer;
    QTimer m_durationTimer;
    RowFreshness m_freshness;
    QThreadPool m_pool; // one thread: reads run in order on one connection
};

} // namespace aisim
