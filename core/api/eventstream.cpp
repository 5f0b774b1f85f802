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
    connect(
        &events, &EventHub::simulationChanged, this, [this](qint64 id, SimulationStatus status) {
            publish(id, "status"_ba, compact({{u"id"_s, id}, {u"status"_s, statusName(status)}}));
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
        for (Subscriber &subscriber : m_subscribers) {
            if (subscriber.reply)
                subscriber.reply->writeChunk(": keep-alive\n\n"_ba);
            else
                subscriber.webSocket->ping();
        }
        removeClosed();
    });
}

EventStream::~EventStream() = default;

bool EventStream::Subscriber::isOpen() const
{
    if (webSocket)
        return webSocket->state() == QAbstractSocket::ConnectedState;
    const QTcpSocket *socket = reply->socket();
    return socket && socket->state() == QAbstractSocket::ConnectedState;
}

void EventStream::subscribe(std::unique_ptr<QWebSocket> socket, std::optional<qint64> simulationId)
{
    socket->setParent(nullptr);
    connect(socket.get(), &QWebSocket::disconnected, this, &EventStream::removeClosed,
            Qt::QueuedConnection);
    Subscriber subscriber;
    subscriber.webSocket = std::move(socket);
    subscriber.simulationId = simulationId;
    m_subscribers.push_back(std::move(subscriber));
    m_keepAlive.start();
}

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
        m_subscribers.push_back({std::move(held), {}, simulationId});
        m_keepAlive.start();
    }
}

void EventStream::publish(qint64 simulationId, const QByteArray &event, const QByteArray &json)
{
    if (m_subscribers.empty())
        return;
    const QByteArray frame = "id: "_ba + QByteArray::number(m_nextEventId++) + "\nevent: "_ba
        + event + "\ndata: "_ba + json + "\n\n"_ba;
    const QString message
        = QString::fromUtf8("{\"event\":\""_ba + event + "\",\"data\":"_ba + json + '}');
    for (Subscriber &subscriber : m_subscribers) {
        // Machine events (simulationId 0) go to the unfiltered streams only.
        if (subscriber.simulationId && *subscriber.simulationId != simulationId)
            continue;
        if (subscriber.reply)
            subscriber.reply->writeChunk(frame);
        else if (subscriber.webSocket->state() == QAbstractSocket::ConnectedState)
            subscriber.webSocket->sendTextMessage(message);
    }
}

void EventStream::removeClosed()
{
    const auto closed = [](const Subscriber &subscriber) { return !subscriber.isOpen(); };
    m_subscribers.erase(std::remove_if(m_subscribers.begin(), m_subscribers.end(), closed),
                        m_subscribers.end());
    if (m_subscribers.empty())
        m_keepAlive.stop();
}

void EventStream::closeAll()
{
    for (Subscriber &subscriber : m_subscribers) {
        if (subscriber.webSocket)
            subscriber.webSocket->close(QWebSocketProtocol::CloseCodeGoingAway);
        else if (QTcpSocket *socket = subscriber.reply->socket())
            socket->disconnectFromHost();
    }
    m_subscribers.clear();
    m_keepAlive.stop();
}

} // namespace aisim::api
