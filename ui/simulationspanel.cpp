#include "simulationspanel.h"

#include "emptytablehint.h"
#include "nametooltipdelegate.h"
#include "progressdelegate.h"
#include "runstatisticsformat.h"
#include "simulationstablemodel.h"
#include "sortarrowstyle.h"
#include "statusbadgedelegate.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QEvent>
#include <QFontMetrics>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QScrollBar>
#include <QSet>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <iterator>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
// Selected rows not in memory are read for the chart and the actions up to this many.
constexpr qint64 kMaxRowsFetchedForSelection = 300;
// A run to select once it shows up in the table is looked for this long.
constexpr qint64 kSelectWithinMs = 5000;
// Rows of a large selection looked at for the runs the chart shows, at most.
constexpr qint64 kMaxRowsScanned = 20'000;
} // namespace

SimulationsPanel::SimulationsPanel(Database &database, EventHub &events, QWidget *parent)
    : QWidget(parent)
    , m_model(new SimulationsTableModel(database, events, this))
    , m_view(new QTableView(this))
    , m_search(new QLineEdit(this))
    , m_status(new QComboBox(this))
    , m_machine(new QComboBox(this))
    , m_total(new QLabel(this))
{
    m_verdict = new QComboBox(this);
    m_verdict->setObjectName(u"verdictFilter"_s);
    m_verdict->addItem(tr("All verdicts"));
    for (const Verdict verdict :
         {Verdict::Converging, Verdict::Stalled, Verdict::Diverging, Verdict::TooFewPoints})
        m_verdict->addItem(runformat::verdict(verdict), verdictName(verdict));
    m_search->setPlaceholderText(tr("Search by name (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->setObjectName(u"searchField"_s);
    m_total->setObjectName(u"simulationsTotal"_s);
    m_total->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    reserveTotalWidth();
    m_status->setObjectName(u"statusFilter"_s);
    m_status->addItem(tr("All statuses"));
    for (const QString &name : allStatusNames())
        m_status->addItem(name, name);
    m_machine->setObjectName(u"machineFilter"_s);
    m_machine->addItem(tr("All machines"));
    m_machine->setSizeAdjustPolicy(QComboBox::AdjustToContents);

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_search, 1);
    filters->addWidget(m_status);
    filters->addWidget(m_machine);
    filters->addWidget(m_verdict);
    filters->addWidget(m_total);

    m_view->setObjectName(u"simulationsView"_s);
    m_view->setModel(m_model);
    m_model->trackSelection(m_view->selectionModel());
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->verticalHeader()->hide();
    // Fixed row heights: the view never measures a million rows.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 10);
    // The name takes the room left, so that the columns fit beside the vertical scroll bar.
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->horizontalHeader()->setSectionsMovable(true);
    auto *arrows = new SortArrowStyle;
    arrows->setParent(m_view->horizontalHeader());
    m_view->horizontalHeader()->setStyle(arrows);
    m_view->horizontalHeader()->setSortIndicator(SimulationsTableModel::CreatedColumn,
                                                 Qt::DescendingOrder);
    m_view->setSortingEnabled(true);
    m_view->setItemDelegateForColumn(SimulationsTableModel::StatusColumn,
                                     new StatusBadgeDelegate(m_view));
    m_view->setItemDelegateForColumn(SimulationsTableModel::ProgressColumn,
                                     new ProgressDelegate(m_view));
    m_view->setItemDelegateForColumn(SimulationsTableModel::NameColumn,
                                     new NameTooltipDelegate(m_view));
    // Ids of seven digits show whole: a table of millions of runs.
    const int idWidth = std::max(56, m_view->fontMetrics().horizontalAdvance(u"9999999"_s) + 2 * 8);
    const int widths[] = {idWidth, 190, 110, 96, 140, 140, 80, 110, 80, 80, 64, 100};
    static_assert(std::size(widths) == SimulationsTableModel::ColumnCount);
    for (int column = 0; column < SimulationsTableModel::ColumnCount; ++column)
        m_view->setColumnWidth(column, widths[column]);
    // The loss columns next to the status: what comparing runs looks at first.
    QHeaderView *header = m_view->horizontalHeader();
    for (int column = SimulationsTableModel::FinalLossColumn;
         column <= SimulationsTableModel::VerdictColumn; ++column)
        header->moveSection(header->visualIndex(column),
                            header->visualIndex(SimulationsTableModel::StatusColumn) + 1
                                + (column - SimulationsTableModel::FinalLossColumn));
    // What fits beside the machines at the first window's size; the header's menu shows the rest.
    header->setSectionHidden(SimulationsTableModel::UpdatedColumn, true);
    header->setSectionHidden(SimulationsTableModel::BestLossColumn, true);
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(header, &QWidget::customContextMenuRequested, this, [this, header](const QPoint &at) {
        QMenu menu;
        for (int column = 0; column < SimulationsTableModel::ColumnCount; ++column) {
            QAction *action = menu.addAction(
                m_model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString());
            action->setCheckable(true);
            action->setChecked(!header->isSectionHidden(column));
            // The name always shows: without it no row says which run it is.
            action->setEnabled(column != SimulationsTableModel::NameColumn);
            connect(action, &QAction::toggled, header,
                    [header, column](bool shown) { header->setSectionHidden(column, !shown); });
        }
        menu.exec(header->mapToGlobal(at));
    });
    m_view->horizontalHeader()->setSectionResizeMode(SimulationsTableModel::NameColumn,
                                                     QHeaderView::Stretch);
    m_view->horizontalHeader()->setMinimumSectionSize(40);
    m_hint = new EmptyTableHint(m_view, m_model);
    m_search->installEventFilter(this);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addWidget(m_view, 1);

    // Typing searches after a short pause, not on every key stroke.
    auto *searchDelay = new QTimer(this);
    searchDelay->setSingleShot(true);
    searchDelay->setInterval(250);
    connect(m_search, &QLineEdit::textChanged, searchDelay, qOverload<>(&QTimer::start));
    connect(searchDelay, &QTimer::timeout, this,
            [this] { m_model->setNameFilter(m_search->text()); });
    connect(m_search, &QLineEdit::returnPressed, this, [this, searchDelay] {
        searchDelay->stop();
        m_model->setNameFilter(m_search->text());
    });
    connect(m_status, &QComboBox::currentIndexChanged, this, [this] {
        const QString name = m_status->currentData().toString();
        m_model->setStatusFilter(name.isEmpty() ? std::nullopt : statusFromString(name));
    });
    connect(m_machine, &QComboBox::currentIndexChanged, this, [this] {
        const QVariant id = m_machine->currentData();
        m_model->setMachineFilter(id.isValid() ? std::optional<qint64>(id.toLongLong())
                                               : std::nullopt);
    });
    connect(m_verdict, &QComboBox::currentIndexChanged, this, [this] {
        const QString name = m_verdict->currentData().toString();
        m_model->setVerdictFilter(name.isEmpty() ? std::nullopt : verdictFromString(name));
    });
    connect(m_model, &SimulationsTableModel::totalChanged, this, &SimulationsPanel::updateTotal);
    connect(m_model, &SimulationsTableModel::queryChanged, this, [this] {
        m_total->setText(loadingText());
        // Another order or filter starts at its first rows.
        m_view->scrollToTop();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &SimulationsPanel::onSelectionChanged);
    connect(m_model, &QAbstractItemModel::modelReset, this, &SimulationsPanel::onSelectionChanged);
    connect(m_model, &SimulationsTableModel::rowsLoaded, this, [this] {
        selectRequestedRuns();
        // Selected rows read since: their runs are known now.
        if (m_selectionIncomplete)
            onSelectionChanged();
    });
    // Runs arriving above the rows in view push them down: keep the same runs in view, unless
    // the view is at the top, where the newest runs are to be seen.
    connect(m_model, &QAbstractItemModel::layoutAboutToBeChanged, this, [this] {
        const int top = m_view->rowAt(0);
        const Simulation *shown = top > 0 ? m_model->loadedAt(top) : nullptr;
        m_anchor = shown ? std::optional<QPair<qint64, int>>({shown->id, top}) : std::nullopt;
    });
    connect(m_model, &QAbstractItemModel::layoutChanged, this, [this] {
        if (!m_anchor)
            return;
        const int row = m_model->loadedRowOf(m_anchor->first);
        if (row >= 0 && row != m_anchor->second)
            m_view->scrollTo(m_model->index(row, 0), QAbstractItemView::PositionAtTop);
        m_anchor.reset();
    });
    // Rows that moved or went away (a deletion) change the selection without selectionChanged.
    connect(m_model, &QAbstractItemModel::layoutChanged, this,
            &SimulationsPanel::onSelectionChanged);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &SimulationsPanel::onSelectionChanged);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &position) {
        Q_EMIT contextMenuRequested(m_view->viewport()->mapToGlobal(position));
    });
    connect(m_view, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex &index) {
        const QVariant id = index.data(SimulationsTableModel::SimulationIdRole);
        if (id.isValid())
            Q_EMIT activated(id.toLongLong());
    });
    updateTotal(0);
}

SimulationSelection SimulationsPanel::selection() const
{
    SimulationSelection selection;
    selection.query = m_model->query();
    selection.total = m_model->rowCount();
    // Ranges of rows, sorted and merged: a selection may list them in any order, overlapping.
    QList<QPair<int, int>> ranges;
    for (const QItemSelectionRange &range : m_view->selectionModel()->selection())
        ranges.append({range.top(), range.bottom()});
    std::sort(ranges.begin(), ranges.end());
    QList<QPair<int, int>> merged;
    for (const auto &range : std::as_const(ranges)) {
        if (!merged.isEmpty() && range.first <= merged.last().second + 1)
            merged.last().second = std::max(merged.last().second, range.second);
        else
            merged.append(range);
    }
    const auto idAt = [this](int row) -> std::optional<qint64> {
        if (const Simulation *simulation = m_model->loadedAt(row))
            return simulation->id;
        return std::nullopt;
    };
    constexpr int kPage = SimulationsTableModel::kPageSize;
    for (const auto &[top, bottom] : std::as_const(merged)) {
        int row = top;
        while (row <= bottom) {
            if (const Simulation *simulation = m_model->loadedAt(row)) {
                selection.loaded.append(*simulation);
                ++row;
                continue;
            }
            // Rows are held by pages: the rest of this page is missing too.
            const int first = row;
            row = std::min(bottom, (row / kPage + 1) * kPage - 1) + 1;
            while (row <= bottom && !m_model->loadedAt(row))
                row = std::min(bottom, (row / kPage + 1) * kPage - 1) + 1;
            if (!selection.unloaded.isEmpty() && selection.unloaded.last().last == first - 1)
                selection.unloaded.last().last = row - 1;
            else
                selection.unloaded.append(
                    {first, row - 1, first > 0 ? idAt(first - 1) : std::nullopt, {}});
            selection.unloaded.last().idAfter = idAt(row);
        }
    }
    return selection;
}

QList<QPair<qint64, std::optional<Simulation>>> SimulationsPanel::selectedRuns(int max) const
{
    QList<QPair<qint64, std::optional<Simulation>>> runs;
    QList<QPair<int, int>> ranges;
    for (const QItemSelectionRange &range : m_view->selectionModel()->selection())
        ranges.append({range.top(), range.bottom()});
    std::sort(ranges.begin(), ranges.end());
    QSet<int> seen; // ranges may overlap
    qint64 scanned = 0;
    for (const auto &[top, bottom] : std::as_const(ranges)) {
        for (int row = top; row <= bottom; ++row) {
            if (runs.size() >= max || ++scanned > kMaxRowsScanned)
                return runs;
            if (seen.contains(row))
                continue;
            seen.insert(row);
            if (const Simulation *simulation = m_model->loadedAt(row))
                runs.append({simulation->id, *simulation});
            else if (const std::optional<qint64> id = m_model->idAt(row))
                runs.append({*id, std::nullopt});
        }
    }
    return runs;
}

void SimulationsPanel::selectWhenShown(const QList<qint64> &ids)
{
    m_requested = ids;
    m_requestedSince.start();
    selectRequestedRuns();
}

void SimulationsPanel::selectRequestedRuns()
{
    if (m_requested.isEmpty())
        return;
    if (m_requestedSince.hasExpired(kSelectWithinMs)) {
        m_requested.clear();
        return;
    }
    QList<int> rows;
    for (const qint64 id : std::as_const(m_requested)) {
        const int row = m_model->loadedRowOf(id);
        if (row < 0)
            return; // not read yet: the next refresh brings it
        rows.append(row);
    }
    m_requested.clear();
    QItemSelection selection;
    for (const int row : std::as_const(rows))
        selection.select(m_model->index(row, 0),
                         m_model->index(row, SimulationsTableModel::ColumnCount - 1));
    m_view->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    m_view->selectionModel()->setCurrentIndex(m_model->index(rows.first(), 0),
                                              QItemSelectionModel::NoUpdate);
    m_view->scrollTo(m_model->index(rows.first(), 0));
}

void SimulationsPanel::onSelectionChanged()
{
    // Selected rows that were never read, or were pushed out of the rows read (runs arriving
    // above them), are read now when there are few of them: the chart and the actions need
    // their runs.
    const SimulationSelection current = selection();
    m_selectionIncomplete = !current.isComplete();
    qint64 missing = 0;
    for (const SimulationSelection::Span &span : current.unloaded)
        missing += span.last - span.first + 1;
    if (missing > 0 && missing <= kMaxRowsFetchedForSelection) {
        for (const SimulationSelection::Span &span : current.unloaded)
            m_model->fetchRows(int(span.first), int(span.last));
    }
    Q_EMIT selectionChanged();
}

bool SimulationsPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_search && event->type() == QEvent::KeyPress
        && static_cast<QKeyEvent *>(event)->key() == Qt::Key_Escape
        && !m_search->text().isEmpty()) {
        m_search->clear();
        m_model->setNameFilter(QString());
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

bool SimulationsPanel::revealSimulation(qint64 id)
{
    const int row = m_model->loadedRowOf(id);
    if (row < 0)
        return false;
    const QModelIndex index = m_model->index(row, SimulationsTableModel::NameColumn);
    // The run is plotted, so selected: make it the current row without changing the selection.
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::NoUpdate);
    m_view->scrollTo(index, QAbstractItemView::EnsureVisible);
    return true;
}

void SimulationsPanel::setMachines(const QList<Machine> &machines)
{
    QSet<qint64> online;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const Machine &machine : machines) {
        if (machine.isOnline(now, Machine::kOnlineWithinMs))
            online.insert(machine.id);
    }
    m_model->setOnlineMachines(online);
    const QVariant current = m_machine->currentData();
    const QSignalBlocker blocker(m_machine);
    m_machine->clear();
    m_machine->addItem(tr("All machines"));
    for (const Machine &machine : machines)
        m_machine->addItem(machine.name, machine.id);
    const int index = current.isValid() ? m_machine->findData(current) : 0;
    m_machine->setCurrentIndex(std::max(index, 0));
    if (current.isValid() && index < 0)
        m_model->setMachineFilter(std::nullopt); // the filtered machine is gone
}

void SimulationsPanel::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

QByteArray SimulationsPanel::saveHeaderState() const
{
    return m_view->horizontalHeader()->saveState();
}

void SimulationsPanel::restoreHeaderState(const QByteArray &state)
{
    if (!state.isEmpty())
        m_view->horizontalHeader()->restoreState(state);
}

QString SimulationsPanel::loadingText() const
{
    return tr("Loading…");
}

QString SimulationsPanel::totalText(qint64 total, bool exact) const
{
    const int shown = int(std::min<qint64>(total, INT_MAX));
    return exact ? tr("%Ln simulation(s)", nullptr, shown)
                 : tr("About %Ln simulation(s), counting…", nullptr, shown);
}

void SimulationsPanel::updateTotal(qint64 total)
{
    m_total->setText(totalText(total, m_model->isTotalExact()));
}

void SimulationsPanel::reserveTotalWidth()
{
    // Ten million runs and more widen it.
    const QFontMetrics metrics = m_total->fontMetrics();
    int widest = metrics.horizontalAdvance(loadingText());
    for (const bool exact : {true, false})
        widest = std::max(widest, metrics.horizontalAdvance(totalText(9'999'999, exact)));
    m_total->setMinimumWidth(widest);
}

void SimulationsPanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange)
        reserveTotalWidth();
    QWidget::changeEvent(event);
}

} // namespace aisim
