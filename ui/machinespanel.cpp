#include "machinespanel.h"

#include "async.h"
#include "databaseproblem.h"
#include "eventhub.h"
#include "machineremovaldialog.h"
#include "simulationformat.h"
#include "simulationservice.h"
#include "uilogging.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QResizeEvent>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
enum Column { NameColumn, StateColumn, RunningColumn, PendingColumn, TotalColumn, ColumnCount };
// Narrower than this, the panel leaves out the Running and Pending counts.
constexpr int kNarrowWidth = 320;

// What a failed change means for the user; the driver's words go to the log.
QString userMessage(const Error &error)
{
    qCWarning(lcUi).noquote() << "machine change failed:" << error.message;
    return describeFailure(error);
}
} // namespace

MachinesPanel::MachinesPanel(SimulationService &service, QWidget *parent)
    : QWidget(parent)
    , m_service(service)
    , m_tree(new QTreeWidget(this))
    , m_add(new QPushButton(tr("Add…"), this))
    , m_rename(new QPushButton(tr("Rename…"), this))
    , m_remove(new QPushButton(tr("Remove"), this))
    , m_error(new QLabel(this))
{
    auto *title = new QLabel(tr("<b>Machines</b>"), this);
    m_tree->setObjectName(u"machinesTree"_s);
    m_tree->setRootIsDecorated(false);
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels({tr("Machine"), tr("State"), tr("Running"), tr("Pending"), tr("Runs")});
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(StateColumn, QHeaderView::Stretch);
    m_add->setObjectName(u"addMachine"_s);
    m_rename->setObjectName(u"renameMachine"_s);
    m_remove->setObjectName(u"removeMachine"_s);
    m_error->setObjectName(u"machinesProblem"_s);
    m_error->setWordWrap(true);
    QPalette warning = m_error->palette();
    warning.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    m_error->setPalette(warning);
    m_error->hide();

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_rename);
    buttons->addWidget(m_remove);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title);
    layout->addWidget(m_tree, 1);
    layout->addWidget(m_error);
    layout->addLayout(buttons);

    m_renameAction = new QAction(tr("&Rename Machine…"), this);
    m_removeAction = new QAction(tr("Re&move Machine…"), this);
    connect(m_renameAction, &QAction::triggered, this, &MachinesPanel::renameSelected);
    connect(m_removeAction, &QAction::triggered, this, &MachinesPanel::removeSelected);
    connect(m_add, &QPushButton::clicked, this, &MachinesPanel::addMachine);
    connect(m_rename, &QPushButton::clicked, this, &MachinesPanel::renameSelected);
    connect(m_remove, &QPushButton::clicked, this, &MachinesPanel::removeSelected);
    connect(m_tree, &QTreeWidget::itemSelectionChanged, this, &MachinesPanel::updateButtons);
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this, &MachinesPanel::renameSelected);

    // Changes come in bursts; heartbeats age even when nothing changes.
    m_reloadTimer.setSingleShot(true);
    m_reloadTimer.setInterval(300);
    connect(&m_reloadTimer, &QTimer::timeout, this, &MachinesPanel::reload);
    auto *ageTimer = new QTimer(this);
    ageTimer->start(2000);
    connect(ageTimer, &QTimer::timeout, this, &MachinesPanel::reload);
    EventHub &events = service.events();
    const auto later = [this] {
        if (!m_reloadTimer.isActive())
            m_reloadTimer.start();
    };
    connect(&events, &EventHub::machinesChanged, this, later);
    connect(&events, &EventHub::simulationChanged, this, later);
    connect(&events, &EventHub::simulationRemoved, this, later);
    updateButtons();
    reload();
}

void MachinesPanel::reload()
{
    if (m_loading) {
        m_reloadTimer.start();
        return;
    }
    m_loading = true;
    runInBackground(
        this,
        [database = &m_service.database()]() -> Result<Snapshot> {
            MachineRepository repository(*database);
            const auto machines = repository.list();
            if (!machines)
                return machines.error();
            const auto loads = repository.loads();
            if (!loads)
                return loads.error();
            return Snapshot {machines.value(), loads.value()};
        },
        [this](const Result<Snapshot> &snapshot) {
            m_loading = false;
            if (!snapshot) {
                showReadFailure(snapshot.error());
                return;
            }
            if (!m_error->isHidden())
                qCInfo(lcUi) << "the machines can be read again";
            m_error->hide();
            m_lastReadError.clear();
            m_lastReadAt = QDateTime::currentDateTime();
            show(snapshot.value());
            Q_EMIT readSucceeded();
        });
}

void MachinesPanel::showReadFailure(const Error &error)
{
    // The driver's words go to the log once, not to the window every two seconds.
    if (error.message != m_lastReadError)
        qCWarning(lcUi).noquote() << "cannot read the machines:" << error.message;
    m_lastReadError = error.message;
    const QString asOf = m_lastReadAt.isValid()
        ? tr("The list shows them as of %1; it updates by itself once the database answers.")
              .arg(QLocale().toString(m_lastReadAt.time(), QLocale::ShortFormat))
        : tr("They appear by themselves once the database answers.");
    m_error->setText(tr("Cannot read the machines. %1 %2").arg(describeFailure(error), asOf));
    m_error->show();
    Q_EMIT readFailed(error.message);
}

void MachinesPanel::show(const Snapshot &snapshot)
{
    const std::optional<Machine> selected = selectedMachine();
    QHash<qint64, MachineLoad> loads;
    for (const MachineLoad &load : snapshot.loads)
        loads.insert(load.machineId, load);
    m_loads = loads;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QSignalBlocker blocker(m_tree);
    m_tree->clear();
    for (const Machine &machine : snapshot.machines) {
        const MachineLoad load = loads.value(machine.id);
        // A machine running a run has a worker serving it, heartbeat written yet or not.
        const bool online = load.running > 0 || machine.isOnline(now, kOnlineWithinMs);
        const QString state = stateText(load, online);
        auto *item = new QTreeWidgetItem(m_tree);
        item->setText(NameColumn, machine.name);
        item->setToolTip(NameColumn, tr("Machine %1").arg(machine.id));
        item->setData(NameColumn, Qt::UserRole, machine.id);
        item->setText(StateColumn, state);
        const QString heartbeat = machine.heartbeatAt.isValid()
            ? tr("Last worker heartbeat: %1").arg(formatDateTime(machine.heartbeatAt))
            : tr("No worker has served this machine yet");
        const QString waiting = waitingText(load, online);
        item->setToolTip(StateColumn, waiting.isEmpty() ? heartbeat : waiting + u'\n' + heartbeat);
        if (!online)
            item->setForeground(StateColumn, palette().brush(QPalette::PlaceholderText));
        item->setText(RunningColumn, QString::number(load.running));
        item->setText(PendingColumn, QString::number(load.pending));
        item->setText(TotalColumn, QString::number(load.total));
        for (int column = RunningColumn; column < ColumnCount; ++column)
            item->setTextAlignment(column, Qt::AlignRight | Qt::AlignVCenter);
        if (selected && selected->id == machine.id)
            item->setSelected(true);
    }
    m_machines = snapshot.machines;
    updateButtons();
    Q_EMIT machinesLoaded(m_machines);
}

void MachinesPanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // A narrow panel keeps the state readable: it already says busy and how many wait.
    const bool narrow = width() < kNarrowWidth;
    m_tree->setColumnHidden(RunningColumn, narrow);
    m_tree->setColumnHidden(PendingColumn, narrow);
}

QString MachinesPanel::stateText(const MachineLoad &load, bool online)
{
    QString state = (load.running > 0 ? tr("busy") : tr("idle")) + u", "_s
        + (online ? tr("online") : tr("offline"));
    if (load.pending > 0)
        state += u", "_s + tr("%Ln waiting", nullptr, int(std::min<qint64>(load.pending, INT_MAX)));
    return state;
}

QString MachinesPanel::waitingText(const MachineLoad &load, bool online)
{
    // Pending runs no worker has taken: every worker serving the machine is busy, or none is
    // there at all.
    if (load.pending == 0)
        return QString();
    const int pending = int(std::min<qint64>(load.pending, INT_MAX));
    return online
        ? tr("%Ln run(s) waiting for a free worker: every worker serving this machine "
             "is busy",
             nullptr, pending)
        : tr("%Ln run(s) waiting for a worker: none serves this machine now", nullptr, pending);
}

std::optional<Machine> MachinesPanel::selectedMachine() const
{
    const QList<QTreeWidgetItem *> items = m_tree->selectedItems();
    if (items.isEmpty())
        return std::nullopt;
    const qint64 id = items.first()->data(NameColumn, Qt::UserRole).toLongLong();
    for (const Machine &machine : m_machines) {
        if (machine.id == id)
            return machine;
    }
    return std::nullopt;
}

void MachinesPanel::updateButtons()
{
    const bool selected = !m_tree->selectedItems().isEmpty();
    m_rename->setEnabled(selected);
    m_remove->setEnabled(selected);
    m_renameAction->setEnabled(selected);
    m_removeAction->setEnabled(selected);
}

void MachinesPanel::addMachine()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Add machine"), tr("Machine name:"),
                                               QLineEdit::Normal, QString(), &ok)
                             .trimmed();
    if (!ok)
        return;
    if (const QString problem = nameProblem(name, std::nullopt); !problem.isEmpty())
        showError(tr("Add machine"), problem);
    else
        createMachine(name);
}

QString MachinesPanel::nameProblem(const QString &name, std::optional<qint64> renamedId) const
{
    if (name.isEmpty())
        return tr("A machine needs a name.");
    // Two machines of one name could not be told apart in the lists and filters.
    for (const Machine &machine : m_machines) {
        if (machine.id != renamedId && machine.name.compare(name, Qt::CaseInsensitive) == 0)
            return tr("A machine named “%1” exists already (#%2).")
                .arg(machine.name)
                .arg(machine.id);
    }
    return QString();
}

void MachinesPanel::createMachine(const QString &name)
{
    runInBackground(
        this, [service = &m_service, name] { return service->createMachine(std::nullopt, name); },
        [this](const Result<Machine> &machine) {
            if (!machine)
                showError(tr("Add machine"), userMessage(machine.error()));
            else
                Q_EMIT message(tr("Machine “%1” added").arg(machine->name));
        });
}

void MachinesPanel::renameSelected()
{
    const std::optional<Machine> machine = selectedMachine();
    if (!machine)
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename machine"), tr("New name:"),
                                               QLineEdit::Normal, machine->name, &ok)
                             .trimmed();
    if (!ok || name == machine->name)
        return;
    if (const QString problem = nameProblem(name, machine->id); !problem.isEmpty()) {
        showError(tr("Rename machine"), problem);
        return;
    }
    runInBackground(
        this,
        [service = &m_service, id = machine->id, name] { return service->renameMachine(id, name); },
        [this](const Result<Machine> &renamed) {
            if (!renamed)
                showError(tr("Rename machine"), userMessage(renamed.error()));
            else
                Q_EMIT message(tr("Machine renamed to “%1”").arg(renamed->name));
        });
}

void MachinesPanel::removeSelected()
{
    const std::optional<Machine> machine = selectedMachine();
    if (!machine)
        return;
    const MachineLoad load = m_loads.value(machine->id);
    if (load.total == 0) {
        removeMachine(machine->id);
        return;
    }
    // Its runs need a place to go, or the user's word that they go away.
    QList<Machine> others;
    for (const Machine &other : std::as_const(m_machines)) {
        if (other.id != machine->id)
            others.append(other);
    }
    auto *dialog = new MachineRemovalDialog(*machine, load, others, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, id = machine->id] {
        removeMachine(id, dialog->choice(), dialog->moveTo());
    });
    dialog->open();
}

void MachinesPanel::removeMachine(qint64 id, SimulationService::RunsOnRemoval runs, qint64 moveTo)
{
    runInBackground(
        this,
        [service = &m_service, id, runs, moveTo] {
            return service->removeMachine(id, runs, moveTo);
        },
        [this](const Status &removed) {
            if (!removed)
                showError(tr("Cannot remove the machine"), userMessage(removed.error()));
            else
                Q_EMIT message(tr("Machine removed"));
        });
}

void MachinesPanel::showError(const QString &title, const QString &text)
{
    Q_EMIT failed(text);
    auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setObjectName(u"machineErrorBox"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

} // namespace aisim
