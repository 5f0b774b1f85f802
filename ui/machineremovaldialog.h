#pragma once

#include "machine.h"
#include "machinerepository.h"
#include "simulationservice.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QRadioButton;

namespace aisim {

// Asks what becomes of the runs of a machine about to be removed: moved to another machine,
// or deleted with their convergence data. The button says what will happen.
class MachineRemovalDialog : public QDialog
{
    Q_OBJECT
public:
    MachineRemovalDialog(const Machine &machine, const MachineLoad &load,
                         const QList<Machine> &others, QWidget *parent = nullptr);

    SimulationService::RunsOnRemoval choice() const;
    qint64 moveTo() const;

    QRadioButton *moveOption() const { return m_move; }
    QRadioButton *deleteOption() const { return m_delete; }
    QComboBox *targetField() const { return m_target; }
    QDialogButtonBox *buttons() const { return m_buttons; }

private:
    void updateButton();

    qint64 m_runs = 0;
    QRadioButton *m_move = nullptr;
    QRadioButton *m_delete = nullptr;
    QComboBox *m_target = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace aisim
