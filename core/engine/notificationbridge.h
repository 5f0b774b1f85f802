#pragma once

#include "convergencepoint.h"
#include "simulationstatus.h"

#include <QObject>
#include <QString>
#include <QThread>

namespace aisim {

class Database;
class Engine;
class EventHub;

// Carries events between processes sharing one PostgreSQL database: every local change is
// published with NOTIFY, and changes made elsewhere are re-announced on the local hub (which
// also wakes the local engine when new work appears), so windows and workers on other hosts
// see runs move live.
class NotificationBridge : public QObject
{
    Q_OBJECT
public:
    static constexpr const char *kChannel = "aisim_events";

    NotificationBridge(Database &database, EventHub &events, Engine *engine,
                       QObject *parent = nullptr);
    ~NotificationBridge() override;

    // Starts listening; false (with a warning) when the server cannot be reached.
    bool start();
    void stop();

private:
    void publish(const QByteArray &payload);
    void receive(const QString &payload);

    Database &m_database;
    EventHub &m_events;
    Engine *m_engine;
    QString m_origin; // tells this process's own notifications apart
    QThread m_listenerThread;
    QObject *m_listener = nullptr;
};

} // namespace aisim
