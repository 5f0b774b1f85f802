#pragma once

#include "machine.h"
#include "simulationrepository.h"

#include <QDialog>

#include <optional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace aisim {

// Asks for a new simulation: its name, its machine (an existing one or a new one) and,
// optionally, its emulation parameters. OK stays disabled until the input is valid.
class NewSimulationDialog : public QDialog
{
    Q_OBJECT
public:
    explicit NewSimulationDialog(const QList<Machine> &machines, QWidget *parent = nullptr);

    NewSimulation simulation() const;
    // The name of the machine to register first, when the user chose to create one.
    std::optional<QString> newMachineName() const;
    // Why the input cannot be accepted; empty when it can.
    QString problem() const;
    // OK then asks for the run to be created (submitted()) and waits, open, for the outcome:
    // failed() keeps everything typed so that OK tries again; the caller accepts on success.
    void setSubmitsBeforeClosing(bool submits) { m_submits = submits; }
    void failed(const QString &text);
    bool isSubmitting() const { return m_submitting; }

    QLineEdit *nameField() const { return m_name; }
    QComboBox *machineField() const { return m_machine; }
    QLineEdit *newMachineNameField() const { return m_newMachineName; }
    QSpinBox *newMachineIdField() const { return m_newMachineId; }
    QGroupBox *parametersGroup() const { return m_parameters; }
    QSpinBox *pointsField() const { return m_points; }
    QSpinBox *paceField() const { return m_pace; }
    QComboBox *curveField() const { return m_curve; }
    QDoubleSpinBox *noiseField() const { return m_noise; }
    QSpinBox *seedField() const { return m_seed; }
    QSpinBox *maxAttemptsField() const { return m_maxAttempts; }
    QSpinBox *timeoutField() const { return m_timeout; }
    QLabel *problemLabel() const { return m_problem; }
    QDialogButtonBox *buttons() const { return m_buttons; }

Q_SIGNALS:
    void submitted();

private:
    void validate();
    void submit();
    bool creatingMachine() const;

    QList<Machine> m_machines;
    QLineEdit *m_name = nullptr;
    QComboBox *m_machine = nullptr;
    QLineEdit *m_newMachineName = nullptr;
    QSpinBox *m_newMachineId = nullptr;
    QWidget *m_newMachine = nullptr;
    QGroupBox *m_parameters = nullptr;
    QSpinBox *m_points = nullptr;
    QDoubleSpinBox *m_step = nullptr;
    QSpinBox *m_pace = nullptr;
    QComboBox *m_curve = nullptr;
    QDoubleSpinBox *m_noise = nullptr;
    QSpinBox *m_seed = nullptr;
    QSpinBox *m_maxAttempts = nullptr;
    QSpinBox *m_timeout = nullptr;
    QLabel *m_problem = nullptr;
    bool m_touched = false; // the user typed a name once
    QString m_failure; // why the last creation failed, until the input changes
    bool m_submits = false;
    bool m_submitting = false;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace aisim
