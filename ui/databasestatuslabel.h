#pragma once

#include <QDateTime>
#include <QLabel>

namespace aisim {

// The database in the status bar, and whether it answers: the panels report each read, and
// while reads fail it says so in place (no stream of messages covering the others) and logs
// the driver's words once. It announces when the database answers again.
class DatabaseStatusLabel : public QLabel
{
    Q_OBJECT
public:
    DatabaseStatusLabel(const QString &database, QWidget *parent = nullptr);

    bool isReachable() const { return m_reachable; }
    void readFailed(const QString &error);
    void readSucceeded();

Q_SIGNALS:
    void reachabilityChanged(bool reachable);

private:
    void updateText();

    QString m_database;
    bool m_reachable = true;
    QString m_lastError;
    QDateTime m_failingSince;
};

} // namespace aisim
