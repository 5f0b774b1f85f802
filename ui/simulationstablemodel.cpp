#include "simulationstablemodel.h"

#include "async.h"
#include "eventhub.h"
#include "runcolors.h"
#include "runstatisticsformat.h"
#include "simulationformat.h"

#include <QFont>

#include <algorithm>
#include <iterator>
#include <limits>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {

constexpr int kMaxCachedPages = 40;
constexpr int kMaxQueuedPages = 8;
constexpr int kPagesRefreshed = 3;
// Selected rows whose runs are remembered, and blocks of them a refresh looks up, at most.
constexpr int kMaxTrackedRows = 2'000;
constexpr int kMaxTrackedBlocks = 8;
constexpr int kRefreshDelayMs = 150;
constexpr int kRetryDelayMs = 2000;

// What each column sorts by, in column order.
constexpr SimulationQuery::OrderBy kColumnOrder[] = {
    SimulationQuery::OrderBy::Id,           SimulationQuery::OrderBy::Name,
    SimulationQuery::OrderBy::Machine,      SimulationQuery::OrderBy::Status,
    SimulationQuery::OrderBy::CreationDate, SimulationQuery::OrderBy::UpdateDate,
    SimulationQuery::OrderBy::Duration,     SimulationQuery::OrderBy::Progress,
    SimulationQuery::OrderBy::FinalLoss,    SimulationQuery::OrderBy::BestLoss,
    SimulationQuery::OrderBy::Rate,         SimulationQuery::OrderBy::Verdict,
};
static_assert(std::size(kColumnOrder) == SimulationsTableModel::ColumnCount);

const char *const kColumnTitles[] = {
    QT_TRANSLATE_NOOP("aisim::SimulationsTableModel", "ID"),
    QT_TRANSLATE_NOOP("aisim::SimulationsTableModel", "Name"),
    QT_TRANSLATE_NOOP("aisim::SimulationsTableModel", "Machine"),
    QT_TRANSLATE_NOOP("aisim::SimulationsTableModel", "Status"),
    QT_TRANSLATE_NOOP("aisim::SimulationsTableModel", "Created"),
    QT_TRANSLATE_NOOP("aisim::SimulationsTableModel", "Updated"),
    QT_TRANSLATE_NOOP("aisim::SimulationsTableModel", "Duration"),
    QT_TRANSLATE_NOOP("aisim::SimulationsTableModel", "Progress"),
    QT_TRANSLATE_NOOP("aisim::SimulationsTableModel", "Final loss"),
    QT_TRANSLATE_NOOP("aisim::SimulationsTableModel", "Best loss"),
    QT_TRANSLATE_NOOP("aisim::SimulationsTableModel", "Rate"),
    QT_TRANSLATE_NOOP("aisim::SimulationsTableModel", "Verdict"),
};
static_assert(std::size(kColumnTitles) == SimulationsTableModel::ColumnCount);

bool sameQuery(const SimulationQuery &a, const SimulationQuery &b)
{
    return a.orderBy == b.orderBy && a.descending == b.descending && a.status == b.status
        && a.machineId == b.machineId && a.nameContains == b.nameContains && a.verdict == b.verdict;
}

} // namespace

SimulationsTableModel::SimulationsTableModel(Database &database, EventHub &events, QObject *parent)
    : QAbstractTableModel(parent)
    , m_database(database)
{
    m_query.orderBy = SimulationQuery::OrderBy::CreationDate;
    m_query.descending = true;
    m_pool.setMaxThreadCount(1);
    m_pool.setExpiryTimeout(-1);
    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(kRefreshDelayMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, [this] {
        m_refreshWanted = true;
        pump();
    });
    m_durationTimer.setInterval(1000);
    connect(&m_durationTimer, &QTimer::timeout, this, &SimulationsTableModel::tickRunningDurations);
    m_durationTimer.start();
    connect(&events, &EventHub::simulationChanged, this,
            &SimulationsTableModel::onSimulationChanged);
    connect(&events, &EventHub::simulationRemoved, this, [this] { scheduleRefresh(); });
    connect(&events, &EventHub::pointAdded, this,
            [this](qint64 id, const ConvergencePoint &point, int pointsDone) {
                // Final and best loss follow each point; rate and verdict the next read.
                if (Simulation *s = m_cache.findById(id)) {
                    s->finalLoss = point.loss;
                    if (!s->bestLoss || point.loss < *s->bestLoss) {
                        s->bestLoss = point.loss;
                        s->bestSeconds = point.seconds;
                    }
                }
                onPointAdded(id, pointsDone);
            });
    connect(&events, &EventHub::machinesChanged, this, [this] {
        m_machinesStale = true;
        scheduleRefresh();
    });
    pump();
}

SimulationsTableModel::~SimulationsTableModel()
{
    endBackgroundWork(this, m_pool);
}

int SimulationsTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rowCount;
}

int SimulationsTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const Simulation *SimulationsTableModel::cached(int row) const
{
    const Simulation *simulation = m_cache.use(row);
    if (!simulation && !m_cache.contains(row / kPageSize))
        requestPage(row / kPageSize);
    return simulation;
}

QVariant SimulationsTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rowCount)
        return {};
    const Simulation *s = cached(index.row());
    if (role == LoadedRole)
        return s != nullptr;
    if (!s)
        return role == Qt::DisplayRole && index.column() == NameColumn ? tr("Loading…")
                                                                       : QVariant();
    if (index.column() == DurationColumn
        && (role == Qt::DisplayRole || role == Qt::ToolTipRole || role == Qt::FontRole)) {
        if (QVariant cell = m_freshness.durationData(*s, role); cell.isValid())
            return cell;
    }
    switch (role) {
    case SimulationIdRole:
        return s->id;
    case StatusRole:
        return int(s->status);
    case ProgressRole:
        return s->progress();
    case Qt::TextAlignmentRole:
        if (index.column() == IdColumn || index.column() == DurationColumn
            || (index.column() >= FinalLossColumn && index.column() <= RateColumn))
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::DecorationRole:
        // The table is the chart's legend: the run's curve colour beside its name.
        if (index.column() == NameColumn && m_runColors) {
            if (const QColor color = m_runColors->colorOf(s->id); color.isValid())
                return color;
        }
        return {};
    case Qt::FontRole:
        // The run whose curve the pointer is on; bold shows on selected rows too.
        if (m_runColors && m_runColors->highlighted() == s->id) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        return {};
    case Qt::ForegroundRole:
        if (index.column() == VerdictColumn) {
            if (const QColor color = runformat::verdictColor(s->verdict); color.isValid())
                return color;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == VerdictColumn || index.column() == RateColumn)
            return runformat::verdictExplanation(*s);
        // The row says who runs it, or what it waits for; three columns keep their own tip.
        // The name keeps its cell for the whole name when it is cut.
        if (index.column() != MachineColumn && index.column() != ProgressColumn
            && index.column() != NameColumn) {
            if (const QString lease = runformat::lease(*s, m_onlineMachines.contains(s->machineId),
                                                       machineName(s->machineId));
                !lease.isEmpty())
                return lease;
        }
        if (!s->error.isEmpty())
            return s->error;
        if (index.column() == MachineColumn)
            return tr("Machine %1").arg(s->machineId);
        if (index.column() == ProgressColumn)
            return tr("%1 of %2 points").arg(s->pointsDone).arg(s->parameters.points);
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case IdColumn:
        return s->id;
    case NameColumn:
        return s->name;
    case MachineColumn:
        return machineName(s->machineId);
    case StatusColumn:
        return statusName(s->status);
    case CreatedColumn:
        return formatDateTime(s->creationDate);
    case UpdatedColumn:
        return formatDateTime(s->updateDate);
    case ProgressColumn:
        return u"%1%"_s.arg(qRound(s->progress() * 100));
    case FinalLossColumn:
        return runformat::loss(s->finalLoss);
    case BestLossColumn:
        return runformat::loss(s->bestLoss);
    case RateColumn:
        return runformat::rate(s->rate);
    case VerdictColumn:
        return runformat::verdict(s->verdict);
    default:
        return {};
    }
}

QVariant SimulationsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (section < 0 || section >= ColumnCount)
        return {};
    return tr(kColumnTitles[section]);
}

void SimulationsTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount)
        return;
    SimulationQuery query = m_query;
    query.orderBy = kColumnOrder[column];
    query.descending = order == Qt::DescendingOrder;
    setQuery(query);
}

void SimulationsTableModel::setStatusFilter(std::optional<SimulationStatus> status)
{
    SimulationQuery query = m_query;
    query.status = status;
    setQuery(query);
}

void SimulationsTableModel::setMachineFilter(std::optional<qint64> machineId)
{
    SimulationQuery query = m_query;
    query.machineId = machineId;
    setQuery(query);
}

void SimulationsTableModel::setNameFilter(const QString &text)
{
    SimulationQuery query = m_query;
    query.nameContains = text.trimmed();
    setQuery(query);
}

void SimulationsTableModel::setVerdictFilter(std::optional<Verdict> verdict)
{
    SimulationQuery query = m_query;
    query.verdict = verdict;
    setQuery(query);
}

void SimulationsTableModel::setRunColors(const RunColors *colors)
{
    m_runColors = colors;
    if (!colors)
        return;
    const auto repaint = [this](int column) {
        if (m_rowCount > 0)
            Q_EMIT dataChanged(index(0, column), index(m_rowCount - 1, ColumnCount - 1),
                               {Qt::DecorationRole, Qt::FontRole});
    };
    connect(colors, &RunColors::colorsChanged, this, [repaint] { repaint(NameColumn); });
    connect(colors, &RunColors::highlightChanged, this, [repaint] { repaint(0); });
}

void SimulationsTableModel::setOnlineMachines(const QSet<qint64> &machineIds)
{
    if (machineIds == m_onlineMachines)
        return;
    m_onlineMachines = machineIds;
    if (m_rowCount > 0)
        Q_EMIT dataChanged(index(0, StatusColumn), index(m_rowCount - 1, StatusColumn),
                           {Qt::ToolTipRole});
}

void SimulationsTableModel::setQuery(const SimulationQuery &query)
{
    if (sameQuery(query, m_query))
        return;
    m_query = query;
    ++m_generation;
    m_resetPending = true;
    m_refreshWanted = true;
    m_queue.clear();
    Q_EMIT queryChanged();
    pump();
}

const Simulation *SimulationsTableModel::loadedAt(int row) const
{
    return row >= 0 && row < m_rowCount ? m_cache.peek(row) : nullptr;
}

std::optional<qint64> SimulationsTableModel::idAt(int row) const
{
    if (const Simulation *simulation = loadedAt(row))
        return simulation->id;
    if (const auto known = m_trackedIds.constFind(row); known != m_trackedIds.cend())
        return known.value();
    return std::nullopt;
}

void SimulationsTableModel::fetchRows(int first, int last)
{
    for (int page = std::max(first, 0) / kPageSize; page <= last / kPageSize; ++page) {
        if (qint64(page) * kPageSize < m_rowCount && !m_cache.contains(page))
            requestPage(page);
    }
}

std::optional<Simulation> SimulationsTableModel::simulationAt(int row) const
{
    if (row < 0 || row >= m_rowCount)
        return std::nullopt;
    if (const Simulation *s = cached(row))
        return *s;
    return std::nullopt;
}

QString SimulationsTableModel::machineName(qint64 machineId) const
{
    return m_machineNames.value(machineId, u"#%1"_s.arg(machineId));
}

void SimulationsTableModel::scheduleRefresh()
{
    if (!m_refreshTimer.isActive())
        m_refreshTimer.start();
}

void SimulationsTableModel::requestPage(int page) const
{
    m_queue.removeAll(page);
    m_queue.append(page);
    while (m_queue.size() > kMaxQueuedPages)
        m_queue.removeFirst(); // scrolled past: no longer wanted
    if (!m_busy && !m_pumpScheduled) {
        // Once per paint, after the view has asked for every row it shows.
        m_pumpScheduled = true;
        auto *self = const_cast<SimulationsTableModel *>(this);
        QMetaObject::invokeMethod(
            self,
            [self] {
                self->m_pumpScheduled = false;
                self->pump();
            },
            Qt::QueuedConnection);
    }
}

void SimulationsTableModel::pump()
{
    if (m_busy)
        return;
    if (m_refreshWanted) {
        startRefresh();
        return;
    }
    while (!m_queue.isEmpty()) {
        const int page = m_queue.takeLast();
        if (!m_cache.contains(page) && qint64(page) * kPageSize < m_rowCount) {
            startPageLoad(page);
            return;
        }
    }
}

void SimulationsTableModel::startRefresh()
{
    m_refreshWanted = false;
    m_busy = true;
    QList<int> pages;
    if (m_resetPending) {
        pages << 0;
    } else {
        pages = m_cache.recentlyUsedPages(kPagesRefreshed);
        if (pages.isEmpty())
            pages << 0;
    }
    const bool withMachines = m_machinesStale;
    m_machinesStale = false;
    const quint64 generation = m_generation;
    const bool reset = m_resetPending;
    QList<QList<qint64>> tracked;
    if (!reset) {
        rememberTrackedIds();
        tracked = trackedBlocks();
    }
    // Another query shows its first rows before its matches are all counted; a refresh then
    // counts them (applyWindow).
    const WindowTotal counted = reset ? WindowTotal::EstimateLargeSearches : WindowTotal::Exact;
    runInBackground(
        this,
        [database = &m_database, query = m_query, pages, withMachines, tracked, counted] {
            return loadSimulationWindow(*database, query, pages, kPageSize, withMachines, tracked,
                                        counted);
        },
        [this, generation, reset, withMachines](const Result<SimulationWindow> &window) {
            if (withMachines && window.ok())
                m_machineNames = window->machineNames;
            else if (withMachines)
                m_machinesStale = true;
            applyWindow(generation, reset, window);
        },
        &m_pool);
}

void SimulationsTableModel::startPageLoad(int page)
{
    m_busy = true;
    const quint64 generation = m_generation;
    runInBackground(
        this,
        // An estimated total would misplace a page found from the table's end.
        [database = &m_database, query = m_query, page,
         total = m_totalExact ? qint64(m_rowCount) : 0] {
            return loadSimulationRows(*database, query, qint64(page) * kPageSize, kPageSize, total);
        },
        [this, generation, page](const Result<QList<Simulation>> &rows) {
            applyPage(generation, page, rows);
        },
        &m_pool);
}

void SimulationsTableModel::applyWindow(quint64 generation, bool reset,
                                        const Result<SimulationWindow> &window)
{
    m_busy = false;
    if (generation != m_generation) {
        pump();
        return;
    }
    if (!window) {
        markStale();
        Q_EMIT loadFailed(window.error().userMessage());
        QTimer::singleShot(kRetryDelayMs, this, &SimulationsTableModel::scheduleRefresh);
        return;
    }
    m_freshness.markRead();
    const int total = int(std::min<qint64>(window->total, std::numeric_limits<int>::max()));
    const int oldTotal = m_rowCount;
    const bool wasExact = m_totalExact;
    m_totalExact = window->totalExact;
    if (!m_totalExact)
        m_refreshWanted = true; // the exact count, before the pages the view asks for next
    if (reset) {
        beginResetModel();
        m_cache.clear();
        m_queue.clear();
        m_trackedIds.clear();
        m_rowCount = total;
        for (auto it = window->pages.cbegin(); it != window->pages.cend(); ++it)
            m_cache.store(it.key(), it.value());
        m_resetPending = false;
        endResetModel();
    } else {
        if (total > m_rowCount) {
            beginInsertRows({}, m_rowCount, total - 1);
            m_rowCount = total;
            endInsertRows();
        }
        bool moved = m_cache.pageCount() != window->pages.size();
        for (auto it = window->pages.cbegin(); !moved && it != window->pages.cend(); ++it) {
            QList<qint64> ids;
            for (const Simulation &simulation : it.value())
                ids << simulation.id;
            moved = !m_cache.contains(it.key()) || m_cache.idsOfPage(it.key()) != ids;
        }
        rememberTrackedIds();
        for (auto it = m_trackedIds.cbegin(); !moved && it != m_trackedIds.cend(); ++it) {
            const auto position = window->positions.constFind(it.value());
            moved = position != window->positions.cend() && *position != it.key();
        }
        if (moved) {
            // Rows changed places: keep the selection and the current row on the same runs.
            Q_EMIT layoutAboutToBeChanged();
            const QModelIndexList before = persistentIndexList();
            QList<qint64> ids;
            for (const QModelIndex &index : before)
                ids << m_trackedIds.value(index.row(), -1);
            m_cache.clear();
            for (auto it = window->pages.cbegin(); it != window->pages.cend(); ++it)
                m_cache.store(it.key(), it.value());
            QModelIndexList after;
            // Every run followed keeps being followed where it went, not only the corners of
            // the selected ranges: the rows between them are selected too.
            QHash<int, qint64> afterIds;
            for (auto it = m_trackedIds.cbegin(); it != m_trackedIds.cend(); ++it) {
                qint64 row = m_cache.rowOf(it.value());
                if (row < 0)
                    row = window->positions.value(it.value(), -1);
                if (row >= 0 && row < total)
                    afterIds.insert(int(row), it.value());
            }
            for (int i = 0; i < before.size(); ++i) {
                const QModelIndex &index = before.at(i);
                const qint64 id = ids.at(i);
                qint64 row = id < 0 ? -2 : m_cache.rowOf(id);
                if (id >= 0 && row < 0)
                    row = window->positions.value(id, -2); // -1: gone; -2: not looked up
                if (row == -2) {
                    after << (index.row() < total ? index : QModelIndex());
                } else if (row >= 0 && row < total) {
                    after << createIndex(int(row), index.column());
                    afterIds.insert(int(row), id);
                } else {
                    after << QModelIndex();
                }
            }
            m_trackedIds = afterIds;
            changePersistentIndexList(before, after);
            Q_EMIT layoutChanged();
        } else {
            m_cache.clear(); // pages out of view may be stale: read again when needed
            for (auto it = window->pages.cbegin(); it != window->pages.cend(); ++it) {
                m_cache.store(it.key(), it.value());
                const int first = it.key() * kPageSize;
                Q_EMIT dataChanged(index(first, 0),
                                   index(first + int(it->size()) - 1, ColumnCount - 1));
            }
        }
        if (total < m_rowCount) {
            beginRemoveRows({}, total, m_rowCount - 1);
            m_rowCount = total;
            endRemoveRows();
        }
    }
    if (total != oldTotal || reset || m_totalExact != wasExact)
        Q_EMIT totalChanged(window->total);
    Q_EMIT rowsLoaded();
    pump();
}

void SimulationsTableModel::applyPage(quint64 generation, int page,
                                      const Result<QList<Simulation>> &rows)
{
    m_busy = false;
    if (generation != m_generation || m_resetPending) {
        pump();
        return;
    }
    if (!rows) {
        markStale();
        Q_EMIT loadFailed(rows.error().userMessage());
        return;
    }
    const int first = page * kPageSize;
    const int count = int(std::min<qint64>(rows->size(), m_rowCount - first));
    for (int i = 0; i < count; ++i) {
        // Runs added or removed since the followed rows were read shift this page: storing it
        // would make the selection follow whichever runs now sit on its rows. The refresh finds
        // where the followed runs went first; the view asks for the page again after it.
        const auto followed = m_trackedIds.constFind(first + i);
        if (followed != m_trackedIds.cend() && followed.value() != rows->at(i).id) {
            m_refreshWanted = true;
            pump();
            return;
        }
    }
    if (count > 0) {
        m_cache.store(page, rows->mid(0, count));
        rememberTrackedIds();
        m_cache.trim(kMaxCachedPages);
        Q_EMIT dataChanged(index(first, 0), index(first + count - 1, ColumnCount - 1));
    }
    Q_EMIT rowsLoaded();
    pump();
}

void SimulationsTableModel::onSimulationChanged(qint64 id, SimulationStatus status)
{
    if (Simulation *s = m_cache.findById(id); s && s->status != status) {
        s->status = status;
        emitRowChanged(m_cache.rowOf(id), 0, ColumnCount - 1);
    }
    scheduleRefresh();
}

void SimulationsTableModel::onPointAdded(qint64 id, int pointsDone)
{
    m_freshness.noteAnswer(); // the point was just stored
    Simulation *s = m_cache.findById(id);
    if (!s)
        return;
    s->pointsDone = pointsDone;
    s->updateDate = QDateTime::currentDateTimeUtc();
    emitRowChanged(m_cache.rowOf(id), UpdatedColumn, ColumnCount - 1);
}

void SimulationsTableModel::emitRowChanged(int row, int firstColumn, int lastColumn)
{
    Q_EMIT dataChanged(index(row, firstColumn), index(row, lastColumn));
}

void SimulationsTableModel::rememberTrackedIds()
{
    QHash<int, qint64> ids;
    const auto keep = [this, &ids](int row) {
        if (ids.size() >= kMaxTrackedRows || ids.contains(row))
            return;
        if (const Simulation *simulation = m_cache.peek(row))
            ids.insert(row, simulation->id);
        else if (const auto known = m_trackedIds.constFind(row); known != m_trackedIds.cend())
            ids.insert(row, known.value());
    };
    for (const QModelIndex &index : persistentIndexList()) {
        if (index.isValid())
            keep(index.row());
    }
    // With every row selected there is nothing to follow.
    qint64 selectedRows = 0;
    if (m_selection) {
        for (const QItemSelectionRange &range : m_selection->selection())
            selectedRows += range.height();
    }
    const auto selected = [this](int row) { return m_selection->isRowSelected(row, {}); };
    if (selectedRows > 0 && selectedRows < m_rowCount) {
        m_cache.forEachRow([&](int row, const Simulation &) {
            if (selected(row))
                keep(row);
        });
        for (auto it = m_trackedIds.cbegin(); it != m_trackedIds.cend(); ++it) {
            if (selected(it.key()))
                keep(it.key());
        }
    }
    m_trackedIds = ids;
}

QList<QList<qint64>> SimulationsTableModel::trackedBlocks() const
{
    QList<int> rows = m_trackedIds.keys();
    std::sort(rows.begin(), rows.end());
    QList<QList<qint64>> blocks;
    int previous = -2;
    for (const int row : std::as_const(rows)) {
        if (row != previous + 1) {
            if (blocks.size() == kMaxTrackedBlocks)
                break;
            blocks.append(QList<qint64>());
        }
        blocks.last().append(m_trackedIds.value(row));
        previous = row;
    }
    return blocks;
}

void SimulationsTableModel::markStale()
{
    if (!m_freshness.markStale())
        return;
    m_cache.forEachRow([this](int row, const Simulation &simulation) {
        if (simulation.status == SimulationStatus::Running)
            emitRowChanged(row, DurationColumn, DurationColumn);
    });
}

void SimulationsTableModel::tickRunningDurations()
{
    if (m_freshness.isStale())
        return; // they stand still at the last read
    m_cache.forEachRow([this](int row, const Simulation &simulation) {
        if (simulation.status == SimulationStatus::Running)
            emitRowChanged(row, DurationColumn, DurationColumn);
    });
}

} // namespace aisim
