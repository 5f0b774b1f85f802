#pragma once

#include "convergencepoint.h"
#include "simulationstatus.h"

#include <QByteArrayList>
#include <QJsonObject>
#include <QMutex>
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
// see runs move live. Local events are published from a thread of their own, after the commit
// that made them: whatever piled up meanwhile goes out as one notification (a JSON array), so
// neither requests nor workers wait on it and a busy process sends few notifications.
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
    // Queues an event for the publisher thread.
    void publish(const QByteArray &event);
    // Sends what is queued, as few notifications as the size limit allows (publisher thread).
    void flush();
    void receive(const QString &payload);
    void receiveEvent(const QJsonObject &event);

    Database &m_database;
    EventHub &m_events;
    Engine *m_engine;
    QString m_origin; // tells this process's own notifications apart
    QThread m_listenerThread;
    QObject *m_listener = nullptr;
    QThread m_publisherThread;
    QObject *m_publisher = nullptr;
    QMutex m_outboxMutex; // guards m_outbox
    QByteArrayList m_outbox; // events not sent yet, oldest first
};

} // namespace aisim
