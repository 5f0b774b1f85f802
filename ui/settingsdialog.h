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

// Edits the database, the REST server and the worker count. The database and the worker
// count take effect at the next start; the REST server is applied at once by the window.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(const DesktopSettings &settings, const QString &defaultDatabasePath,
                   QWidget *parent = nullptr);

    DesktopSettings settings() const;
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
    QLabel *m_problem = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace aisim
