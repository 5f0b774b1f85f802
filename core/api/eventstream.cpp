#include "eventstream.h"

#include "apiresponse.h"
#include "eventhub.h"
#include "serialize.h"

#include <QJsonDocument>
#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
constexpr int kKeepAliveMs = 15'000;
constexpr qint64 kMaxId = 9'000'000'000'000'000;

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}
} // namespace

EventStream::EventStream(EventHub &events, QObject *parent)
    : QObject(parent)
{
    connect(&events, &EventHub::simulationChanged, this,
            [this](qint64 id, SimulationStatus status) {
                publish(id, "status"_ba, compact({{u"id"_s, id}, {u"status"_s, toString(status)}}));
            });
    connect(&events, &EventHub::pointAdded, this,
            [this](qint64 id, const ConvergencePoint &point, int pointsDone) {
                QJsonObject json = convergencePointToJson(point);
                json.insert(u"id"_s, id);
                json.insert(u"points_done"_s, pointsDone);
                publish(id, "point"_ba, compact(json));
            });
    connect(&events, &EventHub::simulationRemoved, this, [this](qint64 id) {
        publish(id, "removed"_ba, compact({{u"id"_s, id}}));
    });
    connect(&events, &EventHub::machinesChanged, this,
            [this] { publish(0, "machines"_ba, "{}"_ba); });

    // A comment now and then keeps proxies from closing an idle stream and finds dead clients.
    m_keepAlive.setInterval(kKeepAliveMs);
    connect(&m_keepAlive, &QTimer::timeout, this, [this] {
        for (Subscriber &subscriber : m_subscribers)
            subscriber.reply->writeChunk(": keep-alive\n\n"_ba);
        removeClosed();
    });
}

EventStream::~EventStream() = default;

void EventStream::subscribe(const ApiRequest &request, PendingReply &&reply)
{
    FieldErrors errors;
    const auto simulationId = request.queryInt(u"simulation_id"_s, 1, kMaxId, &errors);
    if (!errors.isEmpty()) {
        reply.send(validationResponse(errors));
        return;
    }
    auto held = std::make_unique<PendingReply>(std::move(reply));
    held->startStream("text/event-stream"_ba);
    if (QTcpSocket *socket = held->socket()) {
        // The server deletes the socket later; drop the subscriber as soon as it goes.
        connect(socket, &QTcpSocket::disconnected, this, &EventStream::removeClosed,
                Qt::QueuedConnection);
        m_subscribers.push_back({std::move(held), simulationId});
        m_keepAlive.start();
    }
}

void EventStream::publish(qint64 simulationId, const QByteArray &event, const QByteArray &json)
{
    if (m_subscribers.empty())
        return;
    const QByteArray frame = "id: "_ba + QByteArray::number(m_nextEventId++) + "\nevent: "_ba
        + event + "\ndata: "_ba + json + "\n\n"_ba;
    for (Subscriber &subscriber : m_subscribers) {
        // Machine events (simulationId 0) go to the unfiltered streams only.
        if (!subscriber.simulationId || *subscriber.simulationId == simulationId)
            subscriber.reply->writeChunk(frame);
    }
}

void EventStream::removeClosed()
{
    const auto closed = [](const Subscriber &subscriber) {
        const QTcpSocket *socket = subscriber.reply->socket();
        return !socket || socket->state() != QAbstractSocket::ConnectedState;
    };
    m_subscribers.erase(std::remove_if(m_subscribers.begin(), m_subscribers.end(), closed),
                        m_subscribers.end());
    if (m_subscribers.empty())
        m_keepAlive.stop();
}

void EventStream::closeAll()
{
    for (Subscriber &subscriber : m_subscribers) {
        if (QTcpSocket *socket = subscriber.reply->socket())
            socket->disconnectFromHost();
    }
    m_subscribers.clear();
    m_keepAlive.stop();
}

} // namespace aisim::api
