#pragma once

#include "desktopsettings.h"

#include <QGroupBox>

class QFormLayout;
class QLabel;

namespace aisim {

class Runtime;

// What a running session uses, in the terms of the saved settings: its database, its REST
// server as it listens (off when it does not), its workers (negative: none) and run time-out.
DesktopSettings sessionSettings(Runtime &runtime, const DesktopSettings &saved);

// The values this session runs with (the command line and $AISIM_DATABASE override the saved
// settings), each marked where it differs from the saved one.
class SessionSettingsBox : public QGroupBox
{
    Q_OBJECT
public:
    SessionSettingsBox(const DesktopSettings &saved, const QString &defaultDatabasePath,
                       QWidget *parent = nullptr);

    void setInUse(const DesktopSettings &inUse);
    // The names of the values that differ from the saved ones ("database", "port" …).
    const QStringList &differences() const { return m_differences; }
    QLabel *summary() const { return m_summary; }
    // The text shown for one value: "database", "rest", "workers" or "timeout".
    QString valueText(const QString &key) const;

private:
    QString databaseText(const QString &url) const;
    void addRow(const QString &key, const QString &label, const QString &inUse,
                const QString &saved, const QStringList &differing);

    DesktopSettings m_saved;
    QString m_defaultPath;
    QFormLayout *m_form = nullptr;
    QLabel *m_summary = nullptr;
    QStringList m_differences;
};

} // namespace aisim
