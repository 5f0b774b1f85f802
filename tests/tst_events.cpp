#include "pendingreply.h"
#include "runtime.h"
#include "simulationwaiter.h"
#include "testsupport.h"

#include <QHttpServer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

using namespace Qt::StringLiterals;
using namespace aisim;
using aisim::test::httpRequest;
using aisim::test::TestDatabase;

namespace {
using Event = aisim::test::SseEvent;
using aisim::test::SseClient;

QByteArray newSimulation(int id, int points, int paceMs)
{
    return u"{\"simulation_id\": %1, \"name\": \"run %1\", \"machine\": {\"machine_id\": 1, "
           "\"name\": \"m1\"}, \"parameters\": {\"points\": %2, \"pace_ms\": %3, "
           "\"step_seconds\": 1, \"curve\": \"exponential\"}}"_s.arg(id)
               .arg(points)
               .arg(paceMs)
               .toUtf8();
}
} // namespace

// Live events over Server-Sent Events, and POST /simulation?wait=true.
class TestEvents : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void subscriberReceivesEveryPointInOrder();
    void webSocketReceivesEveryPointInOrder();
    void webSocketOnAnotherPathIsClosed();
    void filterKeepsOtherRunsOut();
    void invalidFilterIsRejected();
    void closedSubscribersAreDropped();
    void waitAnswersWhenTheRunEnds();
    void waitTimesOutWithTheCurrentStatus();
    void waitBegunAfterItsRunEndedAnswersAtOnce();
    void waitDoesNotBlockOtherRequests();
    void abandonedWaitIsStillCounted();
    void webSocketFromAForeignPageIsRefused();

private:
    aisim::test::TestServer m_server;
};

void TestEvents::init()
{
    QVERIFY2(m_server.start(), qPrintable(m_server.error()));
}

void TestEvents::cleanup()
{
    m_server.stop();
}

void TestEvents::subscriberReceivesEveryPointInOrder()
{
    SseClient client(m_server.port(), "/events");
    QTRY_VERIFY(!client.head().isEmpty());
    QVERIFY(client.head().startsWith("HTTP/1.1 200"));
    QVERIFY(client.head().contains("Content-Type: text/event-stream"));

    constexpr int kPoints = 40;
    QCOMPARE(
        httpRequest(m_server.port(), "POST", "/simulation", newSimulation(7, kPoints, 5)).status,
        201);
    const auto finished = [&client] {
        for (const Event &event : client.events()) {
            if (event.name == "status" && event.data[u"status"_s].toString() == "finished"_L1)
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(finished(), 20000);

    QStringList statuses;
    QList<QJsonObject> points;
    for (const Event &event : client.events()) {
        if (event.name == "machines")
            continue; // the run's machine was registered with it
        QCOMPARE(event.data[u"id"_s].toInteger(), 7);
        if (event.name == "status")
            statuses << event.data[u"status"_s].toString();
        else if (event.name == "point")
            points << event.data;
    }
    QCOMPARE(statuses, (QStringList {u"pending"_s, u"running"_s, u"finished"_s}));
    QCOMPARE(points.size(), kPoints);
    const QJsonArray stored
        = httpRequest(m_server.port(), "GET", "/converge/7").json()[u"data"_s].toArray();
    QCOMPARE(stored.size(), kPoints);
    for (int i = 0; i < kPoints; ++i) {
        QCOMPARE(points.at(i)[u"points_done"_s].toInt(), i + 1);
        QCOMPARE(points.at(i)[u"seconds"_s].toDouble(), stored.at(i)[u"seconds"_s].toDouble());
        QCOMPARE(points.at(i)[u"loss"_s].toDouble(), stored.at(i)[u"loss"_s].toDouble());
    }
}

void TestEvents::webSocketReceivesEveryPointInOrder()
{
    QWebSocket socket;
    QList<QJsonObject> messages;
    connect(&socket, &QWebSocket::textMessageReceived, this, [&messages](const QString &text) {
        messages.append(QJsonDocument::fromJson(text.toUtf8()).object());
    });
    socket.open(QUrl(u"ws://127.0.0.1:%1/events?simulation_id=11"_s.arg(m_server.port())));
    QTRY_COMPARE(socket.state(), QAbstractSocket::ConnectedState);

    constexpr int kPoints = 30;
    QCOMPARE(
        httpRequest(m_server.port(), "POST", "/simulation", newSimulation(11, kPoints, 5)).status,
        201);
    QTRY_VERIFY_WITH_TIMEOUT(!messages.isEmpty()
                                 && messages.constLast()[u"data"_s][u"status"_s] == u"finished"_s,
                             20000);
    QCOMPARE(messages.size(), 3 + kPoints);
    QCOMPARE(messages.first()[u"event"_s].toString(), u"status"_s);
    int expected = 1;
    for (const QJsonObject &message : std::as_const(messages)) {
        QCOMPARE(message[u"data"_s][u"id"_s].toInteger(), 11);
        if (message[u"event"_s] == u"point"_s)
            QCOMPARE(message[u"data"_s][u"points_done"_s].toInt(), expected++);
    }
    QCOMPARE(expected, kPoints + 1);
}

void TestEvents::webSocketOnAnotherPathIsClosed()
{
    QWebSocket socket;
    socket.open(QUrl(u"ws://127.0.0.1:%1/machines"_s.arg(m_server.port())));
    QTRY_COMPARE(socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QTRY_COMPARE(socket.state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(httpRequest(m_server.port(), "GET", "/healthz").status, 200);
}

void TestEvents::filterKeepsOtherRunsOut()
{
    SseClient client(m_server.port(), "/events?simulation_id=2");
    QTRY_VERIFY(!client.head().isEmpty());
    // Paced so that the second creation does not race the first run's point writes: a
    // creation that registers a machine fails on SQLite when a commit lands inside it.
    QCOMPARE(httpRequest(m_server.port(), "POST", "/simulation", newSimulation(1, 5, 20)).status,
             201);
    QCOMPARE(httpRequest(m_server.port(), "POST", "/simulation", newSimulation(2, 5, 20)).status,
             201);
    QTRY_VERIFY_WITH_TIMEOUT(!client.events().isEmpty()
                                 && client.events().constLast().data[u"status"_s] == u"finished"_s,
                             20000);
    for (const Event &event : client.events())
        QCOMPARE(event.data[u"id"_s].toInteger(), 2);
    QCOMPARE(client.events().size(), 3 + 5);
}

void TestEvents::invalidFilterIsRejected()
{
    const auto reply = httpRequest(m_server.port(), "GET", "/events?simulation_id=abc");
    QCOMPARE(reply.status, 422);
    QCOMPARE(reply.json()[u"detail"_s][0][u"loc"_s].toArray(),
             (QJsonArray {u"query"_s, u"simulation_id"_s}));
}

// A server thread follows the hub only while it has a stream open: an idle one is posted
// nothing for each point and status change.
void TestEvents::closedSubscribersAreDropped()
{
    const EventHub &hub = m_server.runtime()->events();
    const int idle = hub.pointFollowers(); // the window's or the notification bridge's, if any
    auto client = std::make_unique<SseClient>(m_server.port(), "/events");
    QTRY_VERIFY(!client->head().isEmpty());
    QCOMPARE(hub.pointFollowers(), idle + 1);
    auto second = std::make_unique<SseClient>(m_server.port(), "/events");
    QTRY_VERIFY(!second->head().isEmpty());
    // Two threads with a stream each, or one thread with both: one connection per thread.
    QVERIFY(hub.pointFollowers() == idle + 1 || hub.pointFollowers() == idle + 2);
    client.reset();
    second.reset();
    QTRY_COMPARE(hub.pointFollowers(), idle);
    // Events after the client left go nowhere and break nothing.
    QCOMPARE(httpRequest(m_server.port(), "POST", "/simulation", newSimulation(3, 5, 1)).status,
             201);
    QTRY_COMPARE(
        httpRequest(m_server.port(), "GET", "/simulation/3").json()[u"status"_s].toString(),
        u"finished"_s);
    QCOMPARE(httpRequest(m_server.port(), "GET", "/healthz").status, 200);
}

void TestEvents::waitAnswersWhenTheRunEnds()
{
    const int idleFollowers = m_server.runtime()->events().statusFollowers();
    const auto reply
        = httpRequest(m_server.port(), "POST", "/simulation?wait=true", newSimulation(4, 20, 10));
    QCOMPARE(reply.status, 201);
    QCOMPARE(reply.json().object(), (QJsonObject {{u"id"_s, 4}, {u"status"_s, u"finished"_s}}));
    QCOMPARE(reply.header("Location"), "/simulation/4"_ba);
    QCOMPARE(httpRequest(m_server.port(), "GET", "/converge/4").json()[u"data"_s].toArray().size(),
             20);

    const auto failing
        = httpRequest(m_server.port(), "POST", "/simulation?wait=1",
                      R"({"simulation_id": 5, "name": "f", "machine_id": 1, "max_attempts": 1,
            "parameters": {"points": 5, "pace_ms": 1, "fail_at_point": 2}})"_ba);
    QCOMPARE(failing.json()[u"status"_s].toString(), u"failed"_s);
    // Once no one waits, no server thread follows the runs' status any longer.
    QTRY_COMPARE(m_server.runtime()->events().statusFollowers(), idleFollowers);
}

void TestEvents::waitTimesOutWithTheCurrentStatus()
{
    const auto reply = httpRequest(m_server.port(), "POST", "/simulation?wait=true&timeout=1",
                                   newSimulation(6, 1000, 50));
    QCOMPARE(reply.status, 201);
    QCOMPARE(reply.json()[u"id"_s].toInteger(), 6);
    const QString status = reply.json()[u"status"_s].toString();
    QVERIFY2(status == "running"_L1 || status == "pending"_L1, qPrintable(status));

    const auto invalid = httpRequest(m_server.port(), "POST", "/simulation?wait=maybe&timeout=-1",
                                     newSimulation(8, 5, 1));
    QCOMPARE(invalid.status, 422);
    QCOMPARE(invalid.json()[u"detail"_s].toArray().size(), 2);
    QCOMPARE(httpRequest(m_server.port(), "GET", "/simulation/8").status, 404);
}

// The engine can end a run before its creation is answered on the server thread that waits for
// it: a wait begun after the ending (or the deletion) answers at once, not at its time-out.
void TestEvents::waitBegunAfterItsRunEndedAnswersAtOnce()
{
    const auto created
        = httpRequest(m_server.port(), "POST", "/simulation?wait=true", newSimulation(14, 3, 0));
    QCOMPARE(created.json()[u"status"_s].toString(), u"finished"_s);

    // Waits begun now, through a server of the test's own: /wait/ID waits an hour at most.
    api::SimulationWaiter waiter(m_server.runtime()->database(), m_server.runtime()->events());
    QHttpServer server;
    server.route(
        u"/wait/<arg>"_s,
        [&waiter](qint64 id, const QHttpServerRequest &, QHttpServerResponder &&responder) {
            waiter.wait(id, 3600, api::PendingReply(std::move(responder), {}, {}));
        });
    const quint16 port = server.listen(QHostAddress::LocalHost);
    QVERIFY(port != 0);
    QNetworkAccessManager manager;
    const auto waitFor = [&](qint64 id) {
        QNetworkReply *reply = manager.get(
            QNetworkRequest(QUrl(u"http://127.0.0.1:%1/wait/%2"_s.arg(port).arg(id))));
        // Within seconds, where the hour-long wait would answer only when it times out.
        QSignalSpy finished(reply, &QNetworkReply::finished);
        finished.wait(5000);
        const auto answer
            = std::pair {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                         QJsonDocument::fromJson(reply->readAll())};
        delete reply;
        return answer;
    };
    const auto [status, ended] = waitFor(14);
    QCOMPARE(status, 201);
    QCOMPARE(ended.object(), (QJsonObject {{u"id"_s, 14}, {u"status"_s, u"finished"_s}}));
    QCOMPARE(waitFor(15).first, 404); // never created, or deleted before the wait began
    QCOMPARE(waiter.waitingCount(), 0);
}

void TestEvents::waitDoesNotBlockOtherRequests()
{
    QNetworkAccessManager manager;
    QNetworkRequest request(
        QUrl(u"http://127.0.0.1:%1/simulation?wait=true"_s.arg(m_server.port())));
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json"_ba);
    QNetworkReply *waiting = manager.post(request, newSimulation(9, 30, 30));
    QTRY_COMPARE(
        httpRequest(m_server.port(), "GET", "/simulation/9").json()[u"status"_s].toString(),
        u"running"_s);
    QVERIFY(!waiting->isFinished());
    QCOMPARE(httpRequest(m_server.port(), "GET", "/machines").status, 200);
    QCOMPARE(httpRequest(m_server.port(), "POST", "/simulation/9/cancel").status, 200);
    QTRY_VERIFY(waiting->isFinished());
    test::HttpReply answer;
    answer.status = waiting->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.headers = waiting->rawHeaderPairs();
    answer.body = waiting->readAll();
    test::expectDocumentedAnswer("POST", "/simulation?wait=true", answer);
    QCOMPARE(answer.json()[u"status"_s].toString(), u"cancelled"_s);
    waiting->deleteLater();
}

// A client that gives up on wait=true still gets its access-log line and its count.
void TestEvents::abandonedWaitIsStillCounted()
{
    const auto counted = [this] {
        const QByteArray metrics = httpRequest(m_server.port(), "GET", "/metrics").body;
        return metrics.contains(
            R"(aisim_http_requests_total{route="/simulation",method="POST",status="499"} 1)");
    };
    QVERIFY(!counted());
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server.port());
        QVERIFY(socket.waitForConnected(5000));
        const QByteArray body = newSimulation(12, 5, 50);
        socket.write("POST /simulation?wait=true HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     "application/json\r\nContent-Length: "_ba
                     + QByteArray::number(body.size()) + "\r\n\r\n"_ba + body);
        QVERIFY(socket.waitForBytesWritten(5000));
        QTRY_COMPARE(
            httpRequest(m_server.port(), "GET", "/simulation/12").json()[u"status"_s].toString(),
            u"running"_s);
    } // the client leaves while the run goes on
    QTRY_COMPARE(
        httpRequest(m_server.port(), "GET", "/simulation/12").json()[u"status"_s].toString(),
        u"finished"_s);
    QTRY_VERIFY(counted());
}

void TestEvents::webSocketFromAForeignPageIsRefused()
{
    const auto open = [this](const QByteArray &origin, QWebSocket &socket) {
        QNetworkRequest request(QUrl(u"ws://127.0.0.1:%1/events"_s.arg(m_server.port())));
        request.setRawHeader("Origin", origin);
        socket.open(request);
    };
    QWebSocket foreign;
    open("http://evil.example"_ba, foreign);
    QTRY_COMPARE(foreign.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QCOMPARE(foreign.closeReason(), u"Origin not allowed"_s);
    QWebSocket own; // a page served by the API itself
    open("http://127.0.0.1:"_ba + QByteArray::number(m_server.port()), own);
    QTRY_COMPARE(own.state(), QAbstractSocket::ConnectedState);
}

QTEST_GUILESS_MAIN(TestEvents)
#include "tst_events.moc"
