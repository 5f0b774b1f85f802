#pragma once

#include "apirequest.h"
#include "convergencepoint.h"
#include "pendingreply.h"
#include "simulationstatus.h"

#include <QObject>
#include <QTimer>
#include <QWebSocket>

#include <memory>
#include <optional>

namespace aisim {
class EventHub;
}

namespace aisim::api {

// GET /events: Server-Sent Events. Every subscriber keeps its connection and receives each
// status change and each new convergence point as a JSON `data:` frame, in the order the
// EventHub announced them. Lives on the server thread.
class EventStream : public QObject
{
    Q_OBJECT
public:
    explicit EventStream(EventHub &events, QObject *parent = nullptr);
    ~EventStream() override;

    void subscribe(const ApiRequest &request, PendingReply &&reply);
    // A WebSocket subscriber: each event arrives as one text message
    // {"event": "point", "data": {…}}.
    void subscribe(std::unique_ptr<QWebSocket> socket, std::optional<qint64> simulationId);
    int subscriberCount() const { return int(m_subscribers.size()); }
    // Ends every stream, so that clients see the end instead of silence.
    void closeAll();

private:
    struct Subscriber
    {
        std::unique_ptr<PendingReply> reply; // a Server-Sent Events stream, or
        std::unique_ptr<QWebSocket> webSocket; // a WebSocket
        std::optional<qint64> simulationId;

        bool isOpen() const;
    };

    void publish(qint64 simulationId, const QByteArray &event, const QByteArray &json);
    void removeClosed();

    std::vector<Subscriber> m_subscribers;
    quint64 m_nextEventId = 1;
    QTimer m_keepAlive {this}; // a child, so that it moves to the server thread too
};

} // namespace aisim::api
