#pragma once

#include "desktopsettings.h"

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace aisim {

class SessionSettingsBox;

// Edits the database, the REST server, the worker count and the run time-out. The database and
// the engine take effect at the next start; the REST server is applied at once by the window.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(const DesktopSettings &settings, const QString &defaultDatabasePath,
                   QWidget *parent = nullptr);

    DesktopSettings settings() const;
    // Shows the values this session runs with above the saved ones, saying where they differ.
    void setInUse(const DesktopSettings &inUse);
    SessionSettingsBox *inUseBox() const { return m_inUse; }
    QSpinBox *runTimeoutField() const { return m_runTimeout; }
    QString problem() const;
    void testConnection();

    QLineEdit *postgresField() const { return m_postgresUrl; }
    QLineEdit *apiHostField() const { return m_apiHost; }
    QSpinBox *apiPortField() const { return m_apiPort; }
    QRadioButton *postgresChoice() const { return m_postgres; }
    QLabel *testResult() const { return m_testResult; }
    QDialogButtonBox *buttons() const { return m_buttons; }

private:
    QString databaseUrl() const;
    void validate();

    QString m_defaultPath;
    QRadioButton *m_sqlite = nullptr;
    QRadioButton *m_postgres = nullptr;
    QLineEdit *m_sqlitePath = nullptr;
    QPushButton *m_browse = nullptr;
    QLineEdit *m_postgresUrl = nullptr;
    QPushButton *m_test = nullptr;
    QLabel *m_testResult = nullptr;
    QCheckBox *m_apiEnabled = nullptr;
    QLineEdit *m_apiHost = nullptr;
    QSpinBox *m_apiPort = nullptr;
    QSpinBox *m_workers = nullptr;
    QSpinBox *m_verdictPoints = nullptr;
    QDoubleSpinBox *m_stallThreshold = nullptr;
    QSpinBox *m_runTimeout = nullptr;
    SessionSettingsBox *m_inUse = nullptr;
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace aisim
