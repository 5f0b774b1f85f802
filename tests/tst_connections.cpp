#include "runtime.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

using namespace Qt::StringLiterals;
using namespace aisim;
using aisim::test::httpRequest;
using aisim::test::SseClient;
using aisim::test::TestServer;

// How the REST server treats connections over time: incomplete requests are answered 408 and
// closed, idle kept-alive connections are closed, and answers that take long are left alone.
class TestConnections : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void incompleteRequestIsAnswered408AndClosed();
    void clientTricklingBytesCannotHoldAConnection();
    void requestSplitAcrossPacketsIsAnswered();
    void idleKeptAliveConnectionIsClosed();
    void streamsAndWaitsOutliveTheTimeouts();
    void ambiguousRequestsAreRefusedAndHideNothing_data();
    void ambiguousRequestsAreRefusedAndHideNothing();
    void endlessHeaderIsRefused();
    void oversizedBodyIsRefusedBeforeItIsSent();
    void closeIsHonouredAfterTheAnswer_data();
    void closeIsHonouredAfterTheAnswer();
    void expectContinueIsAnswered();

private:
    static bool startServer(TestServer &server, int requestMs, int idleMs);
};

bool TestConnections::startServer(TestServer &server, int requestMs, int idleMs)
{
    return server.start([requestMs, idleMs](RuntimeOptions &options) {
        options.engine.workers = 1;
        options.connectionTimeouts.requestMs = requestMs;
        options.connectionTimeouts.idleMs = idleMs;
    });
}

namespace {
std::unique_ptr<QTcpSocket> connectTo(quint16 port)
{
    auto socket = std::make_unique<QTcpSocket>();
    socket->connectToHost(QHostAddress::LocalHost, port);
    socket->waitForConnected(5000);
    return socket;
}
} // namespace

void TestConnections::incompleteRequestIsAnswered408AndClosed()
{
    TestServer server;
    QVERIFY2(startServer(server, 300, 60'000), qPrintable(server.error()));
    const auto socket = connectTo(server.port());
    QElapsedTimer timer;
    timer.start();
    const QByteArray request
        = "POST /machines HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{"_ba;
    socket->write(request);
    QTRY_COMPARE_WITH_TIMEOUT(socket->state(), QAbstractSocket::UnconnectedState, 10'000);
    QVERIFY2(timer.elapsed() >= 250, qPrintable(QString::number(timer.elapsed())));
    const QByteArray answer = socket->readAll();
    test::expectDocumentedRawAnswer(request, answer);
    QVERIFY2(answer.startsWith("HTTP/1.1 408 "), answer.constData());
    const QByteArray body = answer.mid(answer.indexOf("\r\n\r\n") + 4);
    QVERIFY(QJsonDocument::fromJson(body)[u"detail"_s].isString());
    // Counted like any request, and nothing was stored.
    const QByteArray metrics = httpRequest(server.port(), "GET", "/metrics").body;
    QVERIFY(metrics.contains(R"m(route="(incomplete)",method="UNKNOWN",status="408"} 1)m"));
    QCOMPARE(httpRequest(server.port(), "GET", "/machines").json().array().size(), 0);
}

void TestConnections::clientTricklingBytesCannotHoldAConnection()
{
    TestServer server;
    QVERIFY2(startServer(server, 400, 60'000), qPrintable(server.error()));
    const auto socket = connectTo(server.port());
    const QByteArray request = "GET /machines HTTP/1.1\r\nHost: x\r\nX-Padding: "_ba
        + QByteArray(200, 'a') + "\r\n\r\n"_ba;
    // One byte every 50 ms would take ten seconds: the connection is closed long before.
    QElapsedTimer timer;
    timer.start();
    qsizetype sent = 0;
    while (sent < request.size() && socket->state() == QAbstractSocket::ConnectedState) {
        socket->write(request.mid(sent++, 1));
        socket->flush();
        QTest::qWait(50);
    }
    QTRY_COMPARE_WITH_TIMEOUT(socket->state(), QAbstractSocket::UnconnectedState, 10'000);
    QVERIFY2(sent < request.size(), "the whole trickled request was taken");
    QVERIFY2(timer.elapsed() < 5'000, qPrintable(QString::number(timer.elapsed())));
    const QByteArray answer = socket->readAll();
    test::expectDocumentedRawAnswer(request, answer);
    QVERIFY(answer.startsWith("HTTP/1.1 408 "));
}

void TestConnections::requestSplitAcrossPacketsIsAnswered()
{
    TestServer server;
    QVERIFY2(startServer(server, 2'000, 60'000), qPrintable(server.error()));
    const auto socket = connectTo(server.port());
    const QByteArray body = R"({"name": "split"})"_ba;
    socket->write("POST /machines HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"_ba);
    socket->flush();
    QTest::qWait(200);
    socket->write("Content-Length: "_ba + QByteArray::number(body.size()) + "\r\n\r\n"_ba
                  + body.left(5));
    socket->flush();
    QTest::qWait(200);
    socket->write(body.mid(5));
    QTRY_VERIFY_WITH_TIMEOUT(socket->bytesAvailable() > 0, 5'000);
    QTRY_VERIFY(socket->peek(1024).contains("\"split\""));
    const QByteArray answer = socket->readAll();
    test::expectDocumentedRawAnswer("POST /machines HTTP/1.1\r\n"_ba, answer);
    QVERIFY(answer.startsWith("HTTP/1.1 201 "));
    QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
}

void TestConnections::idleKeptAliveConnectionIsClosed()
{
    TestServer server;
    QVERIFY2(startServer(server, 60'000, 600), qPrintable(server.error()));
    const auto socket = connectTo(server.port());
    for (int i = 0; i < 3; ++i) {
        // Each request well within the idle time keeps the connection.
        const QByteArray request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"_ba;
        socket->write(request);
        QTRY_VERIFY_WITH_TIMEOUT(socket->peek(4096).endsWith("}"), 5'000);
        const QByteArray answer = socket->readAll();
        test::expectDocumentedRawAnswer(request, answer);
        QVERIFY(answer.startsWith("HTTP/1.1 200 "));
        QCOMPARE(socket->state(), QAbstractSocket::ConnectedState);
        QTest::qWait(150);
    }
    QElapsedTimer timer;
    timer.start();
    QTRY_COMPARE_WITH_TIMEOUT(socket->state(), QAbstractSocket::UnconnectedState, 10'000);
    QVERIFY2(timer.elapsed() >= 300, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(socket->readAll().isEmpty()); // closed quietly, no answer to a request never made
}

// An event stream, a WebSocket and a waiting request stay open far beyond both timeouts.
void TestConnections::streamsAndWaitsOutliveTheTimeouts()
{
    TestServer server;
    QVERIFY2(startServer(server, 200, 300), qPrintable(server.error()));
    SseClient stream(server.port(), "/events");
    QTRY_VERIFY(!stream.head().isEmpty());
    QWebSocket webSocket;
    QList<QJsonObject> messages;
    connect(&webSocket, &QWebSocket::textMessageReceived, this, [&messages](const QString &text) {
        messages.append(QJsonDocument::fromJson(text.toUtf8()).object());
    });
    webSocket.open(QUrl(u"ws://127.0.0.1:%1/events"_s.arg(server.port())));
    QTRY_COMPARE(webSocket.state(), QAbstractSocket::ConnectedState);
    QTest::qWait(800);

    QElapsedTimer timer;
    timer.start();
    const auto reply = httpRequest(server.port(), "POST", "/simulation?wait=true",
                                   R"({"name": "slow", "machine": {"machine_id": 1, "name": "m"},
            "parameters": {"points": 4, "pace_ms": 300, "curve": "exponential"}})"_ba);
    QCOMPARE(reply.status, 201);
    QCOMPARE(reply.json()[u"status"_s].toString(), u"finished"_s);
    QVERIFY2(timer.elapsed() >= 900, qPrintable(QString::number(timer.elapsed())));

    QTRY_VERIFY(!stream.events().isEmpty()
                && stream.events().constLast().data[u"status"_s] == u"finished"_s);
    QVERIFY(stream.isConnected());
    QTRY_VERIFY(!messages.isEmpty()
                && messages.constLast()[u"data"_s][u"status"_s] == u"finished"_s);
    QCOMPARE(webSocket.state(), QAbstractSocket::ConnectedState);
}

namespace {
// Sends bytes and collects what comes back until the server closes (or timeoutMs passes).
QByteArray exchange(quint16 port, const QByteArray &bytes, int timeoutMs = 10'000)
{
    const auto socket = connectTo(port);
    socket->write(bytes);
    QByteArray answer;
    QElapsedTimer timer;
    timer.start();
    while (socket->state() == QAbstractSocket::ConnectedState && timer.elapsed() < timeoutMs) {
        socket->waitForReadyRead(100);
        answer += socket->readAll();
    }
    answer += socket->readAll();
    test::expectDocumentedRawAnswer(bytes, answer);
    return answer;
}
} // namespace

void TestConnections::ambiguousRequestsAreRefusedAndHideNothing_data()
{
    QTest::addColumn<QByteArray>("framing");
    QTest::addColumn<int>("status");
    QTest::newRow("negative length") << "Content-Length: -1\r\n"_ba << 400;
    QTest::newRow("text length") << "Content-Length: abc\r\n"_ba << 400;
    QTest::newRow("huge length") << "Content-Length: 99999999999999999999\r\n"_ba << 400;
    QTest::newRow("two lengths") << "Content-Length: 0\r\nContent-Length: 5\r\n"_ba << 400;
    QTest::newRow("length and chunked")
        << "Content-Length: 0\r\nTransfer-Encoding: chunked\r\n"_ba << 400;
    QTest::newRow("unknown coding") << "Transfer-Encoding: gzip\r\n"_ba << 501;
    QTest::newRow("folded header") << "X-A: b\r\n  folded\r\n"_ba << 400;
}

// A request whose length the parser could read two ways would let a second request ride in
// its body: such requests are refused, and the hidden one never runs.
void TestConnections::ambiguousRequestsAreRefusedAndHideNothing()
{
    QFETCH(QByteArray, framing);
    QFETCH(int, status);
    TestServer server;
    QVERIFY2(startServer(server, 30'000, 60'000), qPrintable(server.error()));
    const QByteArray hidden = R"({"name": "smuggled"})"_ba;
    const QByteArray answer = exchange(
        server.port(),
        "POST /machines HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"_ba + framing
            + "\r\nPOST /machines HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              "Content-Length: "_ba
            + QByteArray::number(hidden.size()) + "\r\n\r\n"_ba + hidden);
    QVERIFY2(answer.startsWith(QByteArray("HTTP/1.1 " + QByteArray::number(status) + ' ')),
             answer.constData());
    QCOMPARE(answer.count("HTTP/1.1 "), 1);
    QCOMPARE(httpRequest(server.port(), "GET", "/machines").json().array().size(), 0);
}

void TestConnections::endlessHeaderIsRefused()
{
    TestServer server;
    QVERIFY2(startServer(server, 30'000, 60'000), qPrintable(server.error()));
    QElapsedTimer timer;
    timer.start();
    const QByteArray answer = exchange(
        server.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: "_ba + QByteArray(200'000, 'a'));
    QVERIFY2(answer.startsWith("HTTP/1.1 431 "), answer.left(100).constData());
    QVERIFY2(timer.elapsed() < 8'000, qPrintable(QString::number(timer.elapsed())));
}

void TestConnections::oversizedBodyIsRefusedBeforeItIsSent()
{
    TestServer server;
    QVERIFY2(startServer(server, 30'000, 60'000), qPrintable(server.error()));
    const auto socket = connectTo(server.port());
    socket->write("POST /machines HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  "Content-Length: 50000000\r\n\r\n{"_ba);
    QTRY_VERIFY(socket->peek(4096).endsWith("}"));
    const QByteArray answer = socket->readAll();
    test::expectDocumentedRawAnswer("POST /machines HTTP/1.1\r\n"_ba, answer);
    QVERIFY(answer.startsWith("HTTP/1.1 413 "));
}

void TestConnections::closeIsHonouredAfterTheAnswer_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::newRow("Connection: close")
        << "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"_ba;
    QTest::newRow("HTTP/1.0") << "GET /healthz HTTP/1.0\r\n\r\n"_ba;
}

// Clients that read until the server closes get their end at once, not after the idle time.
void TestConnections::closeIsHonouredAfterTheAnswer()
{
    QFETCH(QByteArray, request);
    TestServer server;
    QVERIFY2(startServer(server, 30'000, 60'000), qPrintable(server.error()));
    QElapsedTimer timer;
    timer.start();
    const QByteArray answer = exchange(server.port(), request, 20'000);
    QVERIFY2(answer.startsWith("HTTP/1.1 200 ") && answer.endsWith(R"({"status":"ok"})"),
             answer.constData());
    QVERIFY2(timer.elapsed() < 5'000, qPrintable(QString::number(timer.elapsed())));
}

void TestConnections::expectContinueIsAnswered()
{
    TestServer server;
    QVERIFY2(startServer(server, 30'000, 60'000), qPrintable(server.error()));
    const auto socket = connectTo(server.port());
    const QByteArray body = R"({"name": "patient"})"_ba;
    socket->write("POST /machines HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  "Expect: 100-continue\r\nContent-Length: "_ba
                  + QByteArray::number(body.size()) + "\r\n\r\n"_ba);
    QTRY_VERIFY(socket->peek(100).startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
    socket->read(25);
    socket->write(body);
    QTRY_VERIFY(socket->peek(4096).contains("patient"));
    const QByteArray answer = socket->readAll();
    test::expectDocumentedRawAnswer("POST /machines HTTP/1.1\r\n"_ba, answer);
    QVERIFY(answer.startsWith("HTTP/1.1 201 "));
}

QTEST_GUILESS_MAIN(TestConnections)
#include "tst_connections.moc"
