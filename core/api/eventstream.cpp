#include "eventstream.h"

#include "apiresponse.h"
#include "eventhub.h"
#include "jsonwriter.h"
#include "logging.h"
#include "serialize.h"
#include "tokenrepository.h"

#include <QTcpSocket>

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
constexpr int kKeepAliveMs = 15'000;
constexpr int kTokenCheckMs = 1'000;
constexpr int kClosingGraceMs = 5'000;

QByteArray compact(const QJsonObject &object)
{
    return toJsonBytes(object);
}
} // namespace

EventStream::EventStream(Database &database, EventHub &events, QObject *parent)
    : QObject(parent)
    , m_database(database)
    , m_events(events)
{
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
    // Tokens are revoked in other threads and processes too: look at them every second.
    m_tokenCheck.setInterval(kTokenCheckMs);
    connect(&m_tokenCheck, &QTimer::timeout, this, &EventStream::closeRevoked);
}

EventStream::~EventStream() = default;

void EventStream::followHub()
{
    if (!m_hub.isEmpty())
        return;
    m_hub.add(connect(
        &m_events, &EventHub::simulationChanged, this, [this](qint64 id, SimulationStatus status) {
            publish(id, "status"_ba, compact({{u"id"_s, id}, {u"status"_s, statusName(status)}}));
        }));
    m_hub.add(connect(&m_events, &EventHub::pointAdded, this,
                      [this](qint64 id, const ConvergencePoint &point, int pointsDone) {
                          QJsonObject json = convergencePointToJson(point);
                          json.insert(u"id"_s, id);
                          json.insert(u"points_done"_s, pointsDone);
                          publish(id, "point"_ba, compact(json));
                      }));
    m_hub.add(connect(&m_events, &EventHub::simulationRemoved, this, [this](qint64 id) {
        publish(id, "removed"_ba, compact({{u"id"_s, id}}));
    }));
    m_hub.add(connect(&m_events, &EventHub::machinesChanged, this,
                      [this] { publish(0, "machines"_ba, "{}"_ba); }));
}

bool EventStream::Subscriber::isOpen() const
{
    if (webSocket)
        return webSocket->state() == QAbstractSocket::ConnectedState;
    const QTcpSocket *socket = reply->socket();
    return socket && socket->state() == QAbstractSocket::ConnectedState;
}

// A WebSocket gets a close frame with the reason; an SSE stream a last `error` event.
void EventStream::Subscriber::close(QWebSocketProtocol::CloseCode code, const QByteArray &reason)
{
    if (webSocket) {
        webSocket->close(code, QString::fromUtf8(reason));
        return;
    }
    if (!reason.isEmpty())
        reply->writeChunk("event: error\ndata: "_ba
                          + compact({{u"detail"_s, QString::fromUtf8(reason)}}) + "\n\n"_ba);
    if (QTcpSocket *socket = reply->socket())
        socket->disconnectFromHost();
}

void EventStream::subscribe(std::unique_ptr<QWebSocket> socket, std::optional<qint64> simulationId,
                            qint64 tokenId)
{
    socket->setParent(nullptr);
    connect(socket.get(), &QWebSocket::disconnected, this, &EventStream::removeClosed,
            Qt::QueuedConnection);
    Subscriber subscriber;
    subscriber.webSocket = std::move(socket);
    subscriber.simulationId = simulationId;
    subscriber.tokenId = tokenId;
    add(std::move(subscriber));
}

void EventStream::add(Subscriber &&subscriber)
{
    if (subscriber.tokenId != 0)
        m_tokenCheck.start();
    followHub();
    m_subscribers.push_back(std::move(subscriber));
    m_keepAlive.start();
}

void EventStream::subscribe(const ApiRequest &request, PendingReply &&reply)
{
    FieldErrors errors;
    const auto simulationId = request.queryInt(u"simulation_id"_s, 1, ApiRequest::kMaxId, &errors);
    if (!errors.isEmpty()) {
        reply.send(validationResponse(errors));
        return;
    }
    auto held = std::make_unique<PendingReply>(std::move(reply));
    if (!held->startStream("text/event-stream"_ba))
        return;
    // The server deletes the socket later; drop the subscriber as soon as it goes.
    connect(held->socket(), &QTcpSocket::disconnected, this, &EventStream::removeClosed,
            Qt::QueuedConnection);
    add({std::move(held), {}, simulationId, request.tokenId()});
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
    const auto firstClosed = std::stable_partition(
        m_subscribers.begin(), m_subscribers.end(),
        [&closed](const Subscriber &subscriber) { return !closed(subscriber); });
    for (auto it = firstClosed; it != m_subscribers.end(); ++it) {
        // A WebSocket still closing keeps its socket until the close frame is out.
        if (it->webSocket && it->webSocket->state() != QAbstractSocket::UnconnectedState) {
            QWebSocket *socket = it->webSocket.release();
            connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
            QTimer::singleShot(kClosingGraceMs, socket, [socket] {
                socket->abort();
                socket->deleteLater();
            });
        }
    }
    m_subscribers.erase(firstClosed, m_subscribers.end());
    if (m_subscribers.empty()) {
        m_keepAlive.stop();
        m_hub.clear();
    }
    const auto withToken = [](const Subscriber &subscriber) { return subscriber.tokenId != 0; };
    if (std::none_of(m_subscribers.begin(), m_subscribers.end(), withToken))
        m_tokenCheck.stop();
}

void EventStream::closeAll()
{
    for (Subscriber &subscriber : m_subscribers)
        subscriber.close(QWebSocketProtocol::CloseCodeGoingAway, {});
    m_subscribers.clear();
    m_hub.clear();
    m_keepAlive.stop();
    m_tokenCheck.stop();
}

void EventStream::closeRevoked()
{
    const auto tokens = TokenRepository(m_database).list();
    if (!tokens) {
        // Streams stay open while the database cannot tell; the next check tries again. A
        // storage fault is logged once by the database's health.
        if (tokens.error().fault == StorageFault::None)
            qCWarning(lcApi).noquote()
                << "cannot check the tokens of event streams:" << tokens.error().message;
        return;
    }
    QSet<qint64> valid;
    for (const ApiToken &token : tokens.value()) {
        if (!token.isRevoked())
            valid.insert(token.id);
    }
    bool closed = false;
    for (Subscriber &subscriber : m_subscribers) {
        if (subscriber.tokenId == 0 || valid.contains(subscriber.tokenId) || !subscriber.isOpen())
            continue;
        subscriber.close(QWebSocketProtocol::CloseCodePolicyViolated, "Token revoked"_ba);
        closed = true;
    }
    if (closed)
        removeClosed();
}

} // namespace aisim::api
