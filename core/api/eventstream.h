#pragma once

#include "apirequest.h"
#include "convergencepoint.h"
#include "eventhub.h"
#include "pendingreply.h"
#include "simulationstatus.h"

#include <QObject>
#include <QTimer>
#include <QWebSocket>

#include <memory>
#include <optional>

namespace aisim {
class Database;
} // namespace aisim

namespace aisim::api {

// GET /events: Server-Sent Events. Every subscriber keeps its connection and receives each
// status change and each new convergence point as a JSON `data:` frame, in the order the
// EventHub announced them. A stream opened with a token ends soon after the token is revoked,
// wherever that happens (this server, the window, `aisim token revoke`). Lives on the server
// thread, and follows the hub only while it has subscribers.
class EventStream : public QObject
{
    Q_OBJECT
public:
    EventStream(Database &database, EventHub &events, QObject *parent = nullptr);
    ~EventStream() override;

    void subscribe(const ApiRequest &request, PendingReply &&reply);
    // A WebSocket subscriber: each event arrives as one text message
    // {"event": "point", "data": {…}}.
    void subscribe(std::unique_ptr<QWebSocket> socket, std::optional<qint64> simulationId,
                   qint64 tokenId);
    int subscriberCount() const { return int(m_subscribers.size()); }
    // Ends every stream, so that clients see the end instead of silence.
    void closeAll();
    // Ends the streams whose token has been revoked or deleted.
    void closeRevoked();

private:
    struct Subscriber
    {
        std::unique_ptr<PendingReply> reply; // a Server-Sent Events stream, or
        std::unique_ptr<QWebSocket> webSocket; // a WebSocket
        std::optional<qint64> simulationId;
        qint64 tokenId = 0; // 0 when opened without authentication

        bool isOpen() const;
        void close(QWebSocketProtocol::CloseCode code, const QByteArray &reason);
    };

    void publish(qint64 simulationId, const QByteArray &event, const QByteArray &json);
    void removeClosed();
    void add(Subscriber &&subscriber);
    void followHub();

    Database &m_database;
    EventHub &m_events;
    HubConnections m_hub;
    std::vector<Subscriber> m_subscribers;
    quint64 m_nextEventId = 1;
    QTimer m_keepAlive {this}; // children, so that they move to the server thread too
    QTimer m_tokenCheck {this};
};

} // namespace aisim::api
