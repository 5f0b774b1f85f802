#pragma once

#include <QString>

namespace aisim {

// The desktop's own settings, persisted with QSettings. The command line overrides them.
struct DesktopSettings
{
    QString databaseUrl; // empty: the default SQLite file
    bool apiEnabled = true;
    QString apiHost = QStringLiteral("127.0.0.1");
    int apiPort = 8000;
    int workers = 0; // 0: one per core
    // The thresholds of the verdicts stored with new points (LossThresholds).
    int verdictPoints = 5;
    double stallThreshold = 0.01;
    int runTimeoutSeconds = 0; // 0: runs without their own time-out have no limit

    static DesktopSettings load();
    void save() const;
};

} // namespace aisim
