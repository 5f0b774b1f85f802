#include "newsimulationdialog.h"

#include "engineoptions.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSysInfo>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
constexpr int kMaxNameLength = 200;
}

NewSimulationDialog::NewSimulationDialog(const QList<Machine> &machines, QWidget *parent)
    : QDialog(parent)
    , m_machines(machines)
    , m_name(new QLineEdit(this))
    , m_machine(new QComboBox(this))
    , m_newMachineName(new QLineEdit(this))
    , m_newMachineId(new QSpinBox(this))
    , m_newMachine(new QWidget(this))
    , m_parameters(new QGroupBox(tr("Custom emulation parameters"), this))
    , m_points(new QSpinBox(this))
    , m_step(new QDoubleSpinBox(this))
    , m_pace(new QSpinBox(this))
    , m_curve(new QComboBox(this))
    , m_maxAttempts(new QSpinBox(this))
    , m_timeout(new QSpinBox(this))
    , m_problem(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("New simulation"));
    m_name->setObjectName(u"nameField"_s);
    m_name->setPlaceholderText(tr("e.g. Learning rate 3e-4"));
    m_name->setMaxLength(kMaxNameLength + 1); // one more, so that the limit gets explained
    for (const Machine &machine : machines)
        m_machine->addItem(u"%1  (#%2)"_s.arg(machine.name).arg(machine.id), machine.id);
    m_machine->addItem(tr("New machine…"));
    m_machine->setObjectName(u"machineField"_s);

    qint64 nextId = 1;
    for (const Machine &machine : machines)
        nextId = std::max(nextId, machine.id + 1);
    m_newMachineName->setPlaceholderText(tr("name of the new machine"));
    // On an empty database the first run goes to this computer: only its name is to type.
    if (machines.isEmpty())
        m_newMachineName->setText(QSysInfo::machineHostName());
    m_newMachineId->setRange(1, std::numeric_limits<int>::max());
    m_newMachineId->setValue(int(std::min<qint64>(nextId, std::numeric_limits<int>::max())));
    m_newMachineId->setPrefix(tr("id "));
    auto *newMachineLayout = new QHBoxLayout(m_newMachine);
    newMachineLayout->setContentsMargins(0, 0, 0, 0);
    newMachineLayout->addWidget(m_newMachineName, 1);
    newMachineLayout->addWidget(m_newMachineId);

    const EmulationParameters defaults;
    m_points->setRange(1, EmulationParameters::kMaxPoints);
    m_points->setValue(defaults.points);
    m_step->setRange(0.001, 1e9);
    m_step->setDecimals(3);
    m_step->setValue(defaults.stepSeconds);
    m_step->setSuffix(tr(" s"));
    m_pace->setRange(0, EmulationParameters::kMaxPaceMs);
    m_pace->setValue(defaults.paceMs);
    m_pace->setSuffix(tr(" ms"));
    m_curve->addItems(EmulationParameters::curveNames());
    m_timeout->setObjectName(u"timeoutField"_s);
    m_timeout->setRange(0, kMaxRunTimeoutSeconds);
    m_timeout->setSpecialValueText(tr("the workers' default"));
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setToolTip(tr("An attempt still running this long after its start fails with "
                             "\"timed out after N s\" and is retried while attempts remain."));
    m_maxAttempts->setRange(1, 100);
    m_maxAttempts->setValue(NewSimulation().maxAttempts);
    m_parameters->setCheckable(true);
    m_parameters->setChecked(false);
    auto *parameters = new QFormLayout(m_parameters);
    parameters->addRow(tr("&Points:"), m_points);
    parameters->addRow(tr("&Step:"), m_step);
    parameters->addRow(tr("P&ace per point:"), m_pace);
    parameters->addRow(tr("C&urve:"), m_curve);
    m_noise = new QDoubleSpinBox(this);
    m_noise->setObjectName(u"noiseField"_s);
    m_noise->setRange(0, EmulationParameters::kMaxNoise);
    m_noise->setDecimals(3);
    m_noise->setSingleStep(0.01);
    m_noise->setToolTip(tr("Each loss is multiplied by 1 ± up to this much, drawn from the seed: "
                           "the same seed gives the same points"));
    m_seed = new QSpinBox(this);
    m_seed->setObjectName(u"seedField"_s);
    m_seed->setRange(0, int(EmulationParameters::kMaxSeed));
    m_seed->setEnabled(false);
    connect(m_noise, &QDoubleSpinBox::valueChanged, m_seed,
            [this](double noise) { m_seed->setEnabled(noise > 0); });
    parameters->addRow(tr("N&oise:"), m_noise);
    parameters->addRow(tr("S&eed:"), m_seed);
    parameters->addRow(tr("Max &attempts:"), m_maxAttempts);
    parameters->addRow(tr("&Time-out per attempt:"), m_timeout);

    m_problem->setObjectName(u"problemLabel"_s);
    m_problem->setWordWrap(true);
    QPalette warning = m_problem->palette();
    warning.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    m_problem->setPalette(warning);

    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Machine:"), m_machine);
    form->addRow(QString(), m_newMachine);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_parameters);
    layout->addWidget(m_problem);
    layout->addStretch();
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &NewSimulationDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_name, &QLineEdit::textChanged, this, &NewSimulationDialog::validate);
    connect(m_newMachineName, &QLineEdit::textChanged, this, &NewSimulationDialog::validate);
    connect(m_newMachineId, &QSpinBox::valueChanged, this, &NewSimulationDialog::validate);
    connect(m_machine, &QComboBox::currentIndexChanged, this, &NewSimulationDialog::validate);
    connect(m_parameters, &QGroupBox::toggled, this, &NewSimulationDialog::validate);
    for (QAbstractSpinBox *field : std::initializer_list<QAbstractSpinBox *> {
             m_points, m_step, m_pace, m_maxAttempts, m_timeout})
        connect(field->findChild<QLineEdit *>(), &QLineEdit::textEdited, this,
                &NewSimulationDialog::validate);
    m_machine->setCurrentIndex(0);
    m_name->setFocus();
    validate();
    resize(std::max(sizeHint().width(), 420), sizeHint().height());
}

bool NewSimulationDialog::creatingMachine() const
{
    return !m_machine->currentData().isValid();
}

QString NewSimulationDialog::problem() const
{
    const QString name = m_name->text().trimmed();
    if (name.isEmpty())
        return tr("Give the simulation a name.");
    if (name.size() > kMaxNameLength)
        return tr("The name is too long: at most %1 characters.").arg(kMaxNameLength);
    if (creatingMachine()) {
        const QString machineName = m_newMachineName->text().trimmed();
        if (machineName.isEmpty())
            return tr("Give the new machine a name.");
        if (machineName.size() > kMaxNameLength)
            return tr("The machine name is too long: at most %1 characters.").arg(kMaxNameLength);
        for (const Machine &machine : m_machines) {
            if (machine.id == m_newMachineId->value())
                return tr("Machine id %1 is taken by “%2”.").arg(machine.id).arg(machine.name);
            if (machine.name.compare(machineName, Qt::CaseInsensitive) == 0)
                return tr("A machine named “%1” exists already (#%2): pick it in the list.")
                    .arg(machine.name)
                    .arg(machine.id);
        }
    }
    // What is typed in a number field counts only once it is a valid number in range: a
    // field showing "0 s" must not quietly create a run with the old value.
    if (m_parameters->isChecked()) {
        const QList<QPair<const QAbstractSpinBox *, QString>> fields {
            {m_points, tr("Points")},
            {m_step, tr("Step")},
            {m_pace, tr("Pace")},
            {m_maxAttempts, tr("Attempts")},
            {m_timeout, tr("Time-out")}};
        for (const auto &[field, label] : fields) {
            if (!field->hasAcceptableInput())
                return tr("%1: “%2” is not a value it takes.").arg(label, field->text());
        }
    }
    return QString();
}

void NewSimulationDialog::validate()
{
    m_newMachine->setVisible(creatingMachine());
    const QString text = problem();
    // Nothing is wrong before the user typed anything: OK alone says it is not ready yet. A
    // failed creation stays said until the user acts on the dialog.
    m_touched = m_touched || !m_name->text().isEmpty();
    const QString shown = text.isEmpty() ? m_failure : (m_touched ? text : QString());
    m_problem->setText(shown);
    m_problem->setVisible(!shown.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(text.isEmpty() && !m_submitting);
}

void NewSimulationDialog::submit()
{
    if (!problem().isEmpty() || m_submitting)
        return;
    if (!m_submits) {
        accept();
        return;
    }
    m_submitting = true;
    m_failure = tr("Creating…");
    validate();
    Q_EMIT submitted();
}

void NewSimulationDialog::failed(const QString &text)
{
    m_submitting = false;
    m_failure = text;
    validate();
    raise();
    activateWindow();
}

NewSimulation NewSimulationDialog::simulation() const
{
    NewSimulation simulation;
    simulation.name = m_name->text().trimmed();
    simulation.machineId
        = creatingMachine() ? m_newMachineId->value() : m_machine->currentData().toLongLong();
    if (m_parameters->isChecked()) {
        simulation.parameters.points = m_points->value();
        simulation.parameters.stepSeconds = m_step->value();
        simulation.parameters.paceMs = m_pace->value();
        simulation.parameters.curve = m_curve->currentText();
        simulation.parameters.noise = m_noise->value();
        simulation.parameters.seed = m_noise->value() > 0 ? m_seed->value() : 0;
        simulation.maxAttempts = m_maxAttempts->value();
        if (m_timeout->value() > 0)
            simulation.timeoutSeconds = m_timeout->value();
    }
    return simulation;
}

std::optional<QString> NewSimulationDialog::newMachineName() const
{
    if (!creatingMachine())
        return std::nullopt;
    return m_newMachineName->text().trimmed();
}

} // namespace aisim
