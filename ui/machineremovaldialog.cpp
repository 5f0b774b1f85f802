#include "machineremovaldialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace aisim {

MachineRemovalDialog::MachineRemovalDialog(const Machine &machine, const MachineLoad &load,
                                           const QList<Machine> &others, QWidget *parent)
    : QDialog(parent)
    , m_runs(load.total)
    , m_move(new QRadioButton(tr("&Move them to"), this))
    , m_delete(new QRadioButton(tr("&Delete them and their convergence data"), this))
    , m_target(new QComboBox(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(u"machineRemovalDialog"_s);
    setWindowTitle(tr("Remove machine"));
    auto *question
        = new QLabel(tr("“%1” holds %Ln simulation(s). What becomes of them when it is removed?",
                        nullptr, int(std::min<qint64>(load.total, INT_MAX)))
                         .arg(machine.name),
                     this);
    question->setWordWrap(true);
    auto *running = new QLabel(
        tr("%Ln of them running: cancel them or let them end first.", nullptr, int(load.running)),
        this);
    running->setWordWrap(true);
    running->setVisible(load.running > 0);
    m_target->setObjectName(u"targetMachine"_s);
    for (const Machine &other : others)
        m_target->addItem(other.name, other.id);
    m_move->setEnabled(!others.isEmpty());
    m_target->setEnabled(!others.isEmpty());
    (others.isEmpty() ? m_delete : m_move)->setChecked(true);

    auto *move = new QHBoxLayout;
    move->addWidget(m_move);
    move->addWidget(m_target, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(question);
    layout->addWidget(running);
    layout->addLayout(move);
    layout->addWidget(m_delete);
    layout->addStretch();
    layout->addWidget(m_buttons);

    connect(m_move, &QRadioButton::toggled, this, &MachineRemovalDialog::updateButton);
    connect(m_target, &QComboBox::currentIndexChanged, this, &MachineRemovalDialog::updateButton);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(load.running == 0);
    updateButton();
    resize(std::max(sizeHint().width(), 440), sizeHint().height());
}

SimulationService::RunsOnRemoval MachineRemovalDialog::choice() const
{
    return m_move->isChecked() ? SimulationService::RunsOnRemoval::Move
                               : SimulationService::RunsOnRemoval::Delete;
}

qint64 MachineRemovalDialog::moveTo() const
{
    return m_target->currentData().toLongLong();
}

void MachineRemovalDialog::updateButton()
{
    const int runs = int(std::min<qint64>(m_runs, INT_MAX));
    m_buttons->button(QDialogButtonBox::Ok)
        ->setText(m_move->isChecked() ? tr("Move %Ln simulation(s) and remove", nullptr, runs)
                                      : tr("Delete %Ln simulation(s) and remove", nullptr, runs));
}

} // namespace aisim
