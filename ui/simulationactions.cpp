#include "simulationactions.h"

#include "async.h"
#include "databaseproblem.h"
#include "machinespanel.h"
#include "newsimulationdialog.h"
#include "selectionabilities.h"
#include "simulationservice.h"
#include "simulationspanel.h"
#include "uilogging.h"

#include <QAction>
#include <QIcon>
#include <QMessageBox>
#include <QPointer>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {

// The run an operation leaves behind (the copy, for a duplicate), or why it failed.
Result<qint64> idOf(const Result<Simulation> &result)
{
    if (!result)
        return result.error();
    return result->id;
}

Result<qint64> idOf(const Status &status, qint64 id)
{
    if (!status)
        return status.error();
    return id;
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

// One action reads and changes at most this many runs; more must be narrowed with the filters.
constexpr qint64 kMaxRunsPerAction = 100'000;

struct Outcome
{
    QString refusal; // the selection could not be read: nothing was done
    QStringList errors;
    qsizetype changed = 0;
    QList<qint64> results; // the runs changed or made
};

} // namespace

SimulationActions::SimulationActions(SimulationService &service, SimulationsPanel &simulations,
                                     MachinesPanel &machines, QWidget *window)
    : QObject(window)
    , m_service(service)
    , m_simulations(simulations)
    , m_machines(machines)
    , m_window(window)
    , m_abilities(new SelectionAbilities(service.database(), this))
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
            [](SimulationService &s, const Simulation &sim) { return idOf(s.cancel(sim.id)); },
            canCancel,
            tr("Nothing to cancel: none of the selected simulations is pending or running."));
    });
    connect(m_retry, &QAction::triggered, this, [this] {
        apply(
            tr("Retried"),
            [](SimulationService &s, const Simulation &sim) { return idOf(s.retry(sim.id)); },
            canRetry,
            tr("Nothing to retry: none of the selected simulations failed or was cancelled."));
    });
    connect(m_duplicate, &QAction::triggered, this, [this] {
        apply(
            tr("Duplicated"),
            [](SimulationService &s, const Simulation &sim) { return idOf(s.duplicate(sim.id)); },
            always, QString(), true);
    });
    connect(m_abilities, &SelectionAbilities::changed, this, &SimulationActions::updateEnabled);
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
    const SimulationSelection selection = m_simulations.selection();
    const QList<Simulation> &loaded = selection.loaded;
    bool cancel = std::any_of(loaded.begin(), loaded.end(), canCancel);
    bool retry = std::any_of(loaded.begin(), loaded.end(), canRetry);
    if (!selection.isComplete()) {
        // Rows not in memory may hold runs of any status: they are read in the background,
        // and until then the actions stay available (acting reads them anyway, and says so
        // when nothing applies).
        if (selection.count() <= kMaxRunsPerAction)
            m_abilities->probe(selection);
        const auto known
            = selection.count() <= kMaxRunsPerAction ? m_abilities->known() : std::nullopt;
        cancel = known ? known->cancel : true;
        retry = known ? known->retry : true;
    } else {
        m_abilities->forget();
    }
    m_cancel->setEnabled(cancel);
    m_retry->setEnabled(retry);
    m_duplicate->setEnabled(selection.count() > 0);
    m_remove->setEnabled(selection.count() > 0);
}

void SimulationActions::showNewSimulationDialog()
{
    auto *dialog = new NewSimulationDialog(m_machines.machines(), m_window);
    dialog->setObjectName(u"newSimulationDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // The dialog stays open until the run exists: a failure keeps what was typed, OK retries.
    dialog->setSubmitsBeforeClosing(true);
    connect(dialog, &NewSimulationDialog::submitted, this, [this, dialog] {
        const NewSimulation simulation = dialog->simulation();
        const std::optional<QString> machineName = dialog->newMachineName();
        runInBackground(
            this,
            [service = &m_service, simulation, machineName] {
                return service->create(simulation, machineName);
            },
            [this,
             dialog = QPointer<NewSimulationDialog>(dialog)](const Result<Simulation> &created) {
                if (created) {
                    Q_EMIT message(
                        tr("Simulation “%1” created (#%2)").arg(created->name).arg(created->id));
                    if (dialog)
                        dialog->accept();
                    // The new run is selected, so that its curve grows in front of the user.
                    m_simulations.selectWhenShown({created->id});
                } else {
                    qCWarning(lcUi).noquote()
                        << "cannot create a simulation:" << created.error().message;
                    const QString text = tr("Cannot create the simulation: %1")
                                             .arg(describeFailure(created.error()));
                    Q_EMIT failed(text);
                    if (dialog)
                        dialog->failed(text + u' ' + tr("Press OK to try again."));
                }
                Q_EMIT operationFinished();
            });
    });
    dialog->open();
}

QString SimulationActions::tooMany(qint64 count) const
{
    return tr("%L1 simulations are selected; one action changes at most %L2. Narrow the "
              "selection with the filters.")
        .arg(count)
        .arg(kMaxRunsPerAction);
}

void SimulationActions::confirmAndRemove()
{
    const SimulationSelection selection = m_simulations.selection();
    const qint64 count = selection.count();
    if (count == 0)
        return;
    if (count > kMaxRunsPerAction) {
        Q_EMIT failed(tooMany(count));
        return;
    }
    if (m_confirmDeletion) {
        const QString question = count == 1 && selection.isComplete()
            ? tr("Delete the simulation “%1” and its convergence data?")
                  .arg(selection.loaded.first().name)
            : tr("Delete %L1 simulations and their convergence data?").arg(count);
        if (QMessageBox::question(m_window, tr("Delete simulations"), question,
                                  QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
            != QMessageBox::Yes)
            return;
    }
    apply(
        tr("Deleted"),
        [](SimulationService &s, const Simulation &sim) { return idOf(s.remove(sim.id), sim.id); },
        always);
}

void SimulationActions::apply(const QString &verb, const Operation &operation,
                              bool (*applies)(const Simulation &), const QString &nothing,
                              bool selectResults)
{
    const SimulationSelection selection = m_simulations.selection();
    if (selection.count() == 0)
        return;
    if (selection.count() > kMaxRunsPerAction) {
        Q_EMIT failed(tooMany(selection.count()));
        return;
    }
    // Rows not in memory are read off the GUI thread, with the change itself.
    runInBackground(
        this,
        [service = &m_service, operation, applies, selection] {
            Outcome outcome;
            const auto targets = resolveSelection(service->database(), selection);
            if (!targets) {
                outcome.refusal = targets.error().userMessage();
                return outcome;
            }
            for (const Simulation &simulation : targets.value()) {
                if (!applies(simulation))
                    continue;
                if (const Result<qint64> done = operation(*service, simulation); !done) {
                    outcome.errors << u"#%1 %2: %3"_s.arg(simulation.id)
                                          .arg(simulation.name, done.error().userMessage());
                } else {
                    ++outcome.changed;
                    outcome.results << done.value();
                }
            }
            return outcome;
        },
        [this, verb, nothing, selectResults](const Outcome &outcome) {
            if (!outcome.refusal.isEmpty()) {
                Q_EMIT failed(outcome.refusal);
            } else if (outcome.errors.isEmpty() && outcome.changed == 0 && !nothing.isEmpty()) {
                Q_EMIT failed(nothing);
            } else if (outcome.errors.isEmpty()) {
                if (selectResults && !outcome.results.isEmpty())
                    m_simulations.selectWhenShown(outcome.results);
                Q_EMIT message(tr("%1 %Ln simulation(s)", nullptr, int(outcome.changed)).arg(verb));
            } else {
                Q_EMIT failed(outcome.errors.join(u'\n'));
                auto *box
                    = new QMessageBox(QMessageBox::Warning, tr("Not every simulation changed"),
                                      outcome.errors.join(u'\n'), QMessageBox::Ok, m_window);
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
            }
            Q_EMIT operationFinished();
        });
}

} // namespace aisim
