#include "simulationactions.h"

#include "async.h"
#include "machinespanel.h"
#include "newsimulationdialog.h"
#include "simulationservice.h"
#include "simulationspanel.h"

#include <QAction>
#include <QIcon>
#include <QMessageBox>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {

QString errorOf(const Status &status)
{
    return status ? QString() : status.error().message;
}

template<typename T> QString errorOf(const Result<T> &result)
{
    return result ? QString() : result.error().message;
}

bool canCancel(const Simulation &s)
{
    return !isTerminal(s.status);
}

bool canRetry(const Simulation &s)
{
    return s.status == SimulationStatus::Failed || s.status == SimulationStatus::Cancelled;
}

bool always(const Simulation &)
{
    return true;
}

} // namespace

SimulationActions::SimulationActions(SimulationService &service, SimulationsPanel &simulations,
                                     MachinesPanel &machines, QWidget *window)
    : QObject(window)
    , m_service(service)
    , m_simulations(simulations)
    , m_machines(machines)
    , m_window(window)
{
    m_new = makeAction(tr("&New Simulation…"), u"document-new"_s, QKeySequence::New);
    m_cancel = makeAction(tr("&Cancel"), u"process-stop"_s, QKeySequence(Qt::CTRL | Qt::Key_K));
    m_retry = makeAction(tr("&Retry"), u"view-refresh"_s, QKeySequence(Qt::CTRL | Qt::Key_R));
    m_duplicate = makeAction(tr("D&uplicate"), u"edit-copy"_s, QKeySequence(Qt::CTRL | Qt::Key_D));
    m_remove = makeAction(tr("&Delete…"), u"edit-delete"_s, QKeySequence::Delete);
    m_find = makeAction(tr("&Find"), u"edit-find"_s, QKeySequence::Find);
    m_new->setToolTip(tr("Create a simulation (Ctrl+N)"));
    m_cancel->setToolTip(tr("Cancel the selected simulations"));
    m_retry->setToolTip(tr("Run the selected failed or cancelled simulations again"));
    m_duplicate->setToolTip(tr("Create a copy of the selected simulations"));
    m_remove->setToolTip(tr("Delete the selected simulations and their convergence data"));
    // Delete must not fire while the user edits text elsewhere.
    m_remove->setShortcutContext(Qt::WidgetWithChildrenShortcut);

    connect(m_new, &QAction::triggered, this, &SimulationActions::showNewSimulationDialog);
    connect(m_cancel, &QAction::triggered, this, [this] {
        apply(
            tr("Cancelled"),
            [](SimulationService &s, const Simulation &sim) { return errorOf(s.cancel(sim.id)); },
            canCancel);
    });
    connect(m_retry, &QAction::triggered, this, [this] {
        apply(
            tr("Retried"),
            [](SimulationService &s, const Simulation &sim) { return errorOf(s.retry(sim.id)); },
            canRetry);
    });
    connect(m_duplicate, &QAction::triggered, this, [this] {
        apply(
            tr("Duplicated"),
            [](SimulationService &s, const Simulation &sim) {
                return errorOf(s.duplicate(sim.id));
            },
            always);
    });
    connect(m_remove, &QAction::triggered, this, &SimulationActions::confirmAndRemove);
    connect(m_find, &QAction::triggered, &m_simulations, &SimulationsPanel::focusSearch);
    connect(&m_simulations, &SimulationsPanel::selectionChanged, this,
            &SimulationActions::updateEnabled);
    updateEnabled();
}

QAction *SimulationActions::makeAction(const QString &text, const QString &icon,
                                       const QKeySequence &shortcut)
{
    auto *action = new QAction(QIcon::fromTheme(icon), text, m_window);
    action->setShortcut(shortcut);
    m_window->addAction(action);
    return action;
}

QList<QAction *> SimulationActions::simulationActions() const
{
    return {m_cancel, m_retry, m_duplicate, m_remove};
}

void SimulationActions::updateEnabled()
{
    const QList<Simulation> selected = m_simulations.selectedSimulations();
    m_cancel->setEnabled(std::any_of(selected.begin(), selected.end(), canCancel));
    m_retry->setEnabled(std::any_of(selected.begin(), selected.end(), canRetry));
    m_duplicate->setEnabled(!selected.isEmpty());
    m_remove->setEnabled(!selected.isEmpty());
}

void SimulationActions::showNewSimulationDialog()
{
    auto *dialog = new NewSimulationDialog(m_machines.machines(), m_window);
    dialog->setObjectName(u"newSimulationDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const NewSimulation simulation = dialog->simulation();
        const std::optional<QString> machineName = dialog->newMachineName();
        runInBackground(
            this,
            [service = &m_service, simulation, machineName] {
                return service->create(simulation, machineName);
            },
            [this](const Result<Simulation> &created) {
                if (created)
                    Q_EMIT message(
                        tr("Simulation “%1” created (#%2)").arg(created->name).arg(created->id));
                else
                    Q_EMIT failed(
                        tr("Cannot create the simulation: %1").arg(created.error().message));
                Q_EMIT operationFinished();
            });
    });
    dialog->open();
}

void SimulationActions::confirmAndRemove()
{
    const QList<Simulation> selected = m_simulations.selectedSimulations();
    if (selected.isEmpty())
        return;
    if (m_confirmDeletion) {
        const QString question = selected.size() == 1
            ? tr("Delete the simulation “%1” and its convergence data?").arg(selected.first().name)
            : tr("Delete %1 simulations and their convergence data?").arg(selected.size());
        if (QMessageBox::question(m_window, tr("Delete simulations"), question,
                                  QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
            != QMessageBox::Yes)
            return;
    }
    apply(
        tr("Deleted"),
        [](SimulationService &s, const Simulation &sim) { return errorOf(s.remove(sim.id)); },
        always);
}

void SimulationActions::apply(const QString &verb, const Operation &operation,
                              bool (*applies)(const Simulation &))
{
    QList<Simulation> targets = m_simulations.selectedSimulations();
    targets.erase(std::remove_if(targets.begin(), targets.end(),
                                 [applies](const Simulation &s) { return !applies(s); }),
                  targets.end());
    if (targets.isEmpty())
        return;
    runInBackground(
        this,
        [service = &m_service, operation, targets] {
            QStringList errors;
            for (const Simulation &simulation : targets) {
                if (const QString error = operation(*service, simulation); !error.isEmpty())
                    errors << u"#%1 %2: %3"_s.arg(simulation.id).arg(simulation.name, error);
            }
            return errors;
        },
        [this, verb, count = targets.size()](const QStringList &errors) {
            if (errors.isEmpty()) {
                Q_EMIT message(tr("%1 %Ln simulation(s)", nullptr, int(count)).arg(verb));
            } else {
                Q_EMIT failed(errors.join(u'\n'));
                auto *box
                    = new QMessageBox(QMessageBox::Warning, tr("Not every simulation changed"),
                                      errors.join(u'\n'), QMessageBox::Ok, m_window);
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
            }
            Q_EMIT operationFinished();
        });
}

} // namespace aisim
