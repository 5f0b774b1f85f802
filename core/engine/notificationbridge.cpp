#include "notificationbridge.h"

#include "database.h"
#include "engine.h"
#include "eventhub.h"
#include "logging.h"
#include "sqlsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
// PostgreSQL refuses payloads of 8000 bytes and more.
constexpr qsizetype kMaxPayloadBytes = 7900;

QByteArray encode(const QString &origin, const QString &type, qint64 id, QJsonObject extra = {})
{
    extra.insert(u"o"_s, origin);
    extra.insert(u"t"_s, type);
    extra.insert(u"id"_s, id);
    return QJsonDocument(extra).toJson(QJsonDocument::Compact);
}
} // namespace

NotificationBridge::NotificationBridge(Database &database, EventHub &events, Engine *engine,
                                       QObject *parent)
    : QObject(parent)
    , m_database(database)
    , m_events(events)
    , m_engine(engine)
    , m_origin(QUuid::createUuid().toString(QUuid::Id128).left(12))
{
    m_listenerThread.setObjectName(u"aisim-listen"_s);
    m_publisherThread.setObjectName(u"aisim-publish"_s);
}

NotificationBridge::~NotificationBridge()
{
    stop();
}

bool NotificationBridge::start()
{
    if (m_listener)
        return true;
    // Local events go out from whichever thread announced them, on that thread's connection.
    // Events received from elsewhere are announced on the listener thread and not sent back.
    const auto local = [this] { return QThread::currentThread() != &m_listenerThread; };
    {
        const QMutexLocker lock(&m_outboxMutex);
        m_publisher = new QObject;
        m_publisher->moveToThread(&m_publisherThread);
    }
    m_publisherThread.start();
    connect(
        &m_events, &EventHub::simulationChanged, this,
        [this, local](qint64 id, SimulationStatus status) {
            if (local())
                publish(encode(m_origin, u"status"_s, id, {{u"s"_s, statusName(status)}}));
        },
        Qt::DirectConnection);
    connect(
        &m_events, &EventHub::pointAdded, this,
        [this, local](qint64 id, const ConvergencePoint &point, int done) {
            if (local())
                publish(encode(m_origin, u"point"_s, id,
                               {{u"x"_s, point.seconds}, {u"y"_s, point.loss}, {u"n"_s, done}}));
        },
        Qt::DirectConnection);
    connect(
        &m_events, &EventHub::simulationRemoved, this,
        [this, local](qint64 id) {
            if (local())
                publish(encode(m_origin, u"removed"_s, id));
        },
        Qt::DirectConnection);
    connect(
        &m_events, &EventHub::machinesChanged, this,
        [this, local] {
            if (local())
                publish(encode(m_origin, u"machines"_s, 0));
        },
        Qt::DirectConnection);

    m_listener = new QObject;
    m_listener->moveToThread(&m_listenerThread);
    m_listenerThread.start();
    bool subscribed = false;
    QMetaObject::invokeMethod(
        m_listener,
        [this, &subscribed] {
            const auto db = m_database.open();
            if (!db)
                return;
            QSqlDriver *driver = db.value().driver();
            subscribed = driver->subscribeToNotification(QString::fromLatin1(kChannel));
            QObject::connect(driver, &QSqlDriver::notification, m_listener,
                             [this](const QString &, QSqlDriver::NotificationSource,
                                    const QVariant &payload) { receive(payload.toString()); });
        },
        Qt::BlockingQueuedConnection);
    if (!subscribed)
        qCWarning(lcEngine) << "cannot listen for changes made by other processes";
    return subscribed;
}

void NotificationBridge::stop()
{
    disconnect(&m_events, nullptr, this, nullptr);
    QObject *publisher = nullptr;
    {
        const QMutexLocker lock(&m_outboxMutex);
        publisher = std::exchange(m_publisher, nullptr);
    }
    if (publisher) {
        // What is still queued goes out before the thread ends.
        QMetaObject::invokeMethod(
            publisher,
            [this, publisher] {
                flush();
                delete publisher;
            },
            Qt::BlockingQueuedConnection);
        m_publisherThread.quit();
        m_publisherThread.wait();
    }
    if (!m_listener)
        return;
    QObject *listener = m_listener;
    QMetaObject::invokeMethod(
        listener, [listener] { delete listener; }, Qt::BlockingQueuedConnection);
    m_listener = nullptr;
    m_listenerThread.quit();
    m_listenerThread.wait();
}

void NotificationBridge::publish(const QByteArray &event)
{
    const QMutexLocker lock(&m_outboxMutex);
    if (!m_publisher)
        return;
    const bool wasEmpty = m_outbox.isEmpty();
    m_outbox.append(event);
    // One flush is enough for everything queued before it runs.
    if (wasEmpty)
        QMetaObject::invokeMethod(
            m_publisher, [this] { flush(); }, Qt::QueuedConnection);
}

void NotificationBridge::flush()
{
    QByteArrayList events;
    {
        const QMutexLocker lock(&m_outboxMutex);
        events.swap(m_outbox);
    }
    if (events.isEmpty())
        return;
    // A kept statement: one round trip a notification, where a statement prepared afresh
    // costs three (PREPARE, EXECUTE, DEALLOCATE).
    const auto send = [this](const QByteArray &payload) {
        const auto sent = sql::runKept(m_database, u"SELECT pg_notify(?, ?)"_s,
                                       {QString::fromLatin1(kChannel), QString::fromUtf8(payload)},
                                       u"publish a change"_s);
        if (!sent)
            qCWarning(lcEngine) << "cannot publish a change:" << sent.error().message;
    };
    QByteArray payload;
    for (const QByteArray &event : std::as_const(events)) {
        if (!payload.isEmpty() && payload.size() + event.size() + 2 > kMaxPayloadBytes) {
            send(payload + ']');
            payload.clear();
        }
        payload += payload.isEmpty() ? '[' : ',';
        payload += event;
    }
    send(payload + ']');
}

void NotificationBridge::receive(const QString &payload)
{
    // A process publishes an array of events; one event alone is an object.
    const QJsonDocument document = QJsonDocument::fromJson(payload.toUtf8());
    if (document.isObject()) {
        receiveEvent(document.object());
        return;
    }
    const QJsonArray events = document.array();
    for (const auto &event : events)
        receiveEvent(event.toObject());
}

void NotificationBridge::receiveEvent(const QJsonObject &event)
{
    if (event.value(u"o"_s).toString() == m_origin)
        return;
    const QString type = event.value(u"t"_s).toString();
    const qint64 id = event.value(u"id"_s).toInteger();
    if (type == "point"_L1) {
        Q_EMIT m_events.pointAdded(id,
                                   {event.value(u"x"_s).toDouble(), event.value(u"y"_s).toDouble()},
                                   event.value(u"n"_s).toInt());
    } else if (type == "status"_L1) {
        const auto status = statusFromString(event.value(u"s"_s).toString());
        if (!status)
            return;
        Q_EMIT m_events.simulationChanged(id, *status);
        // Work queued by another process: look for it now rather than at the next poll.
        if (*status == SimulationStatus::Pending && m_engine)
            m_engine->wake();
    } else if (type == "removed"_L1) {
        Q_EMIT m_events.simulationRemoved(id);
    } else if (type == "machines"_L1) {
        Q_EMIT m_events.machinesChanged();
    }
}

} // namespace aisim
