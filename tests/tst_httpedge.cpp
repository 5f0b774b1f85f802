#include "convergencejson.h"
#include "convergencerepository.h"
#include "jsonwriter.h"
#include "runtime.h"
#include "serialize.h"
#include "testsupport.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMutex>
#include <QTcpSocket>
#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;
using namespace aisim;
using aisim::test::httpRequest;

// The dispatcher's status codes, malformed HTTP, and large convergence answers.
class TestHttpEdge : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void dispatcherStatusCodes_data();
    void dispatcherStatusCodes();
    void malformedHttpLeavesTheServerServing_data();
    void malformedHttpLeavesTheServerServing();
    void halfSentRequestsDoNotBlockOthers();
    void headAnswersAsGetWithoutTheBody_data();
    void headAnswersAsGetWithoutTheBody();
    void headOnEventsOpensNoStream();
    void trailingSlashRedirectsAndRepeatedParametersTakeTheLast();
    void accessLogWritesOneLinePerRequest();
    void convergenceDocumentMatchesTheJsonWriter();
    void thinningKeepsAtMostNPointsSpreadOnTheLogAxis();
    void maxPointsOverHttp();
    void keptDocumentsFollowTheirRun();

private:
    aisim::test::TestServer m_server;
};

void TestHttpEdge::initTestCase()
{
    QVERIFY2(m_server.start([](RuntimeOptions &options) { options.engine.workers = 1; }),
             qPrintable(m_server.error()));
}

void TestHttpEdge::cleanupTestCase()
{
    m_server.stop();
}

void TestHttpEdge::dispatcherStatusCodes_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<int>("status");
    QTest::newRow("405") << "PUT"_ba
                         << "/machines"_ba
                         << "{}"_ba
                         << "application/json"_ba << 405;
    QTest::newRow("413") << "POST"_ba
                         << "/machines"_ba << QByteArray(qsizetype(2) * 1024 * 1024, ' ') + "{}"
                         << "application/json"_ba << 413;
    QTest::newRow("415") << "POST"_ba
                         << "/machines"_ba
                         << "name=x"_ba
                         << "application/x-www-form-urlencoded"_ba << 415;
    QTest::newRow("422 json") << "POST"_ba
                              << "/machines"_ba
                              << "{\"name\": "_ba
                              << "application/json"_ba << 422;
    QTest::newRow("422 path") << "GET"_ba
                              << "/machines/three"_ba << QByteArray() << QByteArray() << 422;
    QTest::newRow("422 max_points")
        << "GET"_ba
        << "/converge/1?max_points=0"_ba << QByteArray() << QByteArray() << 422;
    QTest::newRow("501") << "FROB"_ba
                         << "/machines"_ba << QByteArray() << QByteArray() << 501;
    QTest::newRow("404") << "GET"_ba
                         << "/nowhere"_ba << QByteArray() << QByteArray() << 404;
}

void TestHttpEdge::dispatcherStatusCodes()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(int, status);
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!contentType.isEmpty())
        headers.append({"Content-Type"_ba, contentType});
    const auto reply = httpRequest(m_server.port(), method, path, body, headers);
    QCOMPARE(reply.status, status);
    QVERIFY(reply.json().object().contains(u"detail"_s));
    if (status == 405)
        QCOMPARE(reply.header("Allow"), "GET, HEAD, POST"_ba);
    if (status == 422)
        QVERIFY(reply.json()[u"detail"_s][0].toObject().contains(u"loc"_s));
}

void TestHttpEdge::malformedHttpLeavesTheServerServing_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("garbage") << "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello\r\n\r\n"_ba;
    QTest::newRow("no version") << "GET /\r\n\r\n"_ba;
    QTest::newRow("bad method") << "FROB /machines HTTP/1.1\r\nHost: x\r\n\r\n"_ba;
    QTest::newRow("huge header") << "GET /machines HTTP/1.1\r\nHost: x\r\nX-Big: "_ba
            + QByteArray(qsizetype(4) * 1024 * 1024, 'a') + "\r\n\r\n"_ba;
    QTest::newRow("many headers") << "GET /machines HTTP/1.1\r\n"_ba
            + QByteArray("X-A: b\r\n").repeated(50000) + "\r\n"_ba;
    QTest::newRow("bad length") << "POST /machines HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n"
                                   "Content-Type: application/json\r\n\r\n{}"_ba;
    QTest::newRow("truncated body") << "POST /machines HTTP/1.1\r\nHost: x\r\nContent-Length: "
                                       "1000\r\nContent-Type: application/json\r\n\r\n{\"na"_ba;
    QTest::newRow("bad chunk") << "POST /machines HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                                  "chunked\r\n\r\nzz\r\nabc\r\n"_ba;
    QTest::newRow("nul bytes") << QByteArray(1000, '\0');
}

void TestHttpEdge::malformedHttpLeavesTheServerServing()
{
    QFETCH(QByteArray, bytes);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write(bytes);
    socket.waitForBytesWritten(5000);
    // The server may answer, close or wait for more; it must not crash or stop serving.
    socket.waitForReadyRead(300);
    const QByteArray answer = socket.readAll();
    test::expectDocumentedRawAnswer(bytes, answer);
    if (!answer.isEmpty())
        QVERIFY2(answer.startsWith("HTTP/1.1 "), answer.left(200).constData());
    socket.abort();
    QCOMPARE(httpRequest(m_server.port(), "GET", "/healthz").status, 200);
    QCOMPARE(httpRequest(m_server.port(), "GET", "/machines").status, 200);
}

void TestHttpEdge::halfSentRequestsDoNotBlockOthers()
{
    std::vector<std::unique_ptr<QTcpSocket>> stalled;
    for (int i = 0; i < 20; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, m_server.port());
        QVERIFY(socket->waitForConnected(5000));
        socket->write("POST /machines HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{"_ba);
        socket->waitForBytesWritten(5000);
        stalled.push_back(std::move(socket));
    }
    for (int i = 0; i < 5; ++i)
        QCOMPARE(httpRequest(m_server.port(), "GET", "/simulations").status, 200);
}

namespace {
// Reads from socket until buffer holds a whole response (header block, then as many body
// bytes as Content-Length says; none for HEAD), and checks it against the document as the
// answer to request. Returns the response, or empty on timeout.
QByteArray readResponse(QTcpSocket &socket, QByteArray &buffer, const QByteArray &request)
{
    const bool headersOnly = request.startsWith("HEAD ");
    QDeadlineTimer deadline(10'000);
    for (;;) {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end >= 0) {
            QByteArray head = buffer.left(end);
            qsizetype length = 0;
            for (const QByteArray &line : head.split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            const qsizetype total = end + 4 + (headersOnly ? 0 : length);
            if (buffer.size() >= total) {
                const QByteArray response = buffer.left(total);
                buffer.remove(0, total);
                test::expectDocumentedRawAnswer(request, response);
                return response;
            }
        }
        if (deadline.hasExpired() || !socket.waitForReadyRead(int(deadline.remainingTime())))
            return {};
        buffer += socket.readAll();
    }
}

QByteArray headerOf(const QByteArray &response, const QByteArray &name)
{
    const QByteArray head = response.left(response.indexOf("\r\n\r\n"));
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}
} // namespace

void TestHttpEdge::headAnswersAsGetWithoutTheBody_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("status");
    QTest::newRow("machines") << "/machines"_ba << 200;
    QTest::newRow("page of runs") << "/simulations?limit=1"_ba << 200;
    QTest::newRow("openapi") << "/openapi.json"_ba << 200;
    QTest::newRow("docs page") << "/docs"_ba << 200;
    QTest::newRow("unknown run") << "/simulation/999999"_ba << 404;
    QTest::newRow("invalid id") << "/converge/x"_ba << 422;
    QTest::newRow("unknown path") << "/nowhere"_ba << 404;
}

// HEAD gets GET's status line and headers, Content-Length included, and not one body byte:
// the next answer on the same connection follows the header block at once.
void TestHttpEdge::headAnswersAsGetWithoutTheBody()
{
    QFETCH(QByteArray, path);
    QFETCH(int, status);
    QCOMPARE(httpRequest(m_server.port(), "POST", "/machines", R"({"name": "head"})"_ba).status,
             201);
    const auto get = httpRequest(m_server.port(), "GET", path);
    QCOMPARE(get.status, status);

    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server.port());
    QVERIFY(socket.waitForConnected(5000));
    const QByteArray request = "HEAD "_ba + path + " HTTP/1.1\r\nHost: x\r\n\r\n"_ba;
    socket.write(request);
    QByteArray buffer;
    const QByteArray head = readResponse(socket, buffer, request);
    QVERIFY2(head.startsWith(QByteArray("HTTP/1.1 " + QByteArray::number(status))),
             head.constData());
    QCOMPARE(headerOf(head, "Content-Type"), get.header("Content-Type"));
    QCOMPARE(headerOf(head, "Content-Length").toLongLong(), get.body.size());
    QCOMPARE(headerOf(head, "X-Total-Count"), get.header("X-Total-Count"));

    const QByteArray health = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"_ba;
    socket.write(health);
    const QByteArray next = readResponse(socket, buffer, health);
    QVERIFY2(next.startsWith("HTTP/1.1 200"), next.constData());
    QVERIFY(buffer.isEmpty());
}

void TestHttpEdge::headOnEventsOpensNoStream()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server.port());
    QVERIFY(socket.waitForConnected(5000));
    const QByteArray request = "HEAD /events HTTP/1.1\r\nHost: x\r\n\r\n"_ba;
    socket.write(request);
    QByteArray buffer;
    const QByteArray head = readResponse(socket, buffer, request);
    QVERIFY2(head.startsWith("HTTP/1.1 200"), head.constData());
    QCOMPARE(headerOf(head, "Content-Type"), "text/event-stream"_ba);
    // Not a subscriber: the connection answers the next request instead of streaming.
    const QByteArray machines = "GET /machines HTTP/1.1\r\nHost: x\r\n\r\n"_ba;
    socket.write(machines);
    const QByteArray next = readResponse(socket, buffer, machines);
    QVERIFY2(next.startsWith("HTTP/1.1 200"), next.constData());
    QCOMPARE(headerOf(next, "Content-Type"), "application/json"_ba);
}

namespace {
QMutex accessLogMutex;
QStringList accessLog;
QLoggingCategory::CategoryFilter previousFilter = nullptr;

void enableAccessLog(QLoggingCategory *category)
{
    if (previousFilter)
        previousFilter(category);
    if (qstrcmp(category->categoryName(), "aisim.api.access") == 0)
        category->setEnabled(QtInfoMsg, true);
}

void collectAccessLog(QtMsgType, const QMessageLogContext &context, const QString &message)
{
    if (qstrcmp(context.category, "aisim.api.access") == 0) {
        const QMutexLocker lock(&accessLogMutex);
        accessLog << message;
    }
}
} // namespace

// A path cannot forge log lines: %0A, %0D and %00 stay encoded in the one line it gets.
void TestHttpEdge::accessLogWritesOneLinePerRequest()
{
    previousFilter = QLoggingCategory::installFilter(enableAccessLog);
    const QtMessageHandler previousHandler = qInstallMessageHandler(collectAccessLog);
    const auto reply
        = httpRequest(m_server.port(), "GET",
                      "/simulation/1%0Aaisim.api.access:%20127.0.0.1%20DELETE%20/tokens"
                      "/admin%20204%0D%0A%00");
    qInstallMessageHandler(previousHandler);
    QLoggingCategory::installFilter(previousFilter);
    QVERIFY(reply.status >= 400 && reply.status < 500);
    const QMutexLocker lock(&accessLogMutex);
    QCOMPARE(accessLog.size(), 1);
    const QString &line = accessLog.first();
    QVERIFY2(!line.contains(u'\n') && !line.contains(u'\r') && !line.contains(QChar(0)),
             qPrintable(line));
    QVERIFY2(line.contains(u"%0A"_s) && line.endsWith(u"ms"_s), qPrintable(line));
}

// Two habits of the original (FastAPI) that scripts rely on.
void TestHttpEdge::trailingSlashRedirectsAndRepeatedParametersTakeTheLast()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server.port());
    QVERIFY(socket.waitForConnected(5000));
    const QByteArray request = "GET /simulations/?order_by=name HTTP/1.1\r\nHost: x\r\n\r\n"_ba;
    socket.write(request);
    QByteArray buffer;
    const QByteArray head = readResponse(socket, buffer, request);
    QVERIFY2(head.startsWith("HTTP/1.1 307 "), head.constData());
    QCOMPARE(headerOf(head, "Location"), "/simulations?order_by=name"_ba);
    QCOMPARE(httpRequest(m_server.port(), "GET", "/nowhere/").status, 404);

    QCOMPARE(
        httpRequest(m_server.port(), "GET", "/simulations?order_by=bogus&order_by=name").status,
        200);
    QCOMPARE(
        httpRequest(m_server.port(), "GET", "/simulations?order_by=name&order_by=bogus").status,
        422);
}

void TestHttpEdge::convergenceDocumentMatchesTheJsonWriter()
{
    const ConvergenceSeries points {{0, 1},      {10, 0.5},     {20.5, 0.123456789012345},
                                    {30, 1e-7},  {40, 0},       {50, -2.5},
                                    {1e9, 3e20}, {0.25, 1e-300}};
    // toJsonBytes() is QJsonDocument's output in the original's key order (tst_jsonwriter).
    const QByteArray expected
        = api::toJsonBytes(QJsonObject {{u"data"_s, convergenceToJson(points)}});
    QCOMPARE(api::convergenceDocument(points), expected);
    QCOMPARE(api::convergenceDocument({}), "{\"data\":[]}"_ba);
}

void TestHttpEdge::thinningKeepsAtMostNPointsSpreadOnTheLogAxis()
{
    // Loss falls from 1 to 1e-4 quickly, then creeps along a long flat tail.
    ConvergenceSeries points;
    for (int i = 0; i < 10'000; ++i)
        points.append({double(i), std::max(1e-4, std::pow(10.0, -i / 25.0)) * (1 + 1e-6 * i)});
    for (const int maximum : {2, 3, 10, 50, 500}) {
        const ConvergenceSeries thinned = api::thinOnLogAxis(points, maximum);
        QVERIFY(thinned.size() <= maximum);
        QVERIFY(thinned.size() >= std::min(maximum, 2));
        QCOMPARE(thinned.constFirst(), points.constFirst());
        QCOMPARE(thinned.constLast(), points.constLast());
        for (qsizetype i = 1; i < thinned.size(); ++i)
            QVERIFY(thinned.at(i).seconds > thinned.at(i - 1).seconds);
    }
    // Evenly on the log axis: the descent (first 100 s) gets most of 10 points, where an
    // even spread in time would give it none between the ends.
    const ConvergenceSeries ten = api::thinOnLogAxis(points, 10);
    const auto inDescent = std::count_if(ten.begin(), ten.end(),
                                         [](const ConvergencePoint &p) { return p.seconds < 100; });
    QVERIFY2(inDescent >= 5, qPrintable(QString::number(inDescent)));
    QCOMPARE(api::thinOnLogAxis(points, 20'000), points);
    QCOMPARE(api::thinOnLogAxis(points.mid(0, 1), 1).size(), 1);
    QCOMPARE(api::thinOnLogAxis(points, 1).size(), 1);
}

void TestHttpEdge::maxPointsOverHttp()
{
    const auto reply = httpRequest(
        m_server.port(), "POST", "/simulation?wait=true",
        R"({"simulation_id": 40, "name": "long", "machine": {"machine_id": 1, "name": "m"},
            "parameters": {"points": 300, "pace_ms": 0, "curve": "exponential"}})"_ba);
    QCOMPARE(reply.json()[u"status"_s].toString(), u"finished"_s);
    const QJsonArray all
        = httpRequest(m_server.port(), "GET", "/converge/40").json()[u"data"_s].toArray();
    QCOMPARE(all.size(), 300);
    const QJsonArray some = httpRequest(m_server.port(), "GET", "/converge/40?max_points=25")
                                .json()[u"data"_s]
                                .toArray();
    QVERIFY(some.size() <= 25 && some.size() >= 2);
    QCOMPARE(some.first(), all.first());
    QCOMPARE(some.last(), all.last());
    QCOMPARE(httpRequest(m_server.port(), "GET", "/converge/40?max_points=1000")
                 .json()[u"data"_s]
                 .toArray()
                 .size(),
             300);
}

// /converge keeps the documents it wrote by run: a run deleted and created again under the same
// id, with as many points (so the same version) but others, is read afresh and tagged anew; a
// part is never the whole document kept.
void TestHttpEdge::keptDocumentsFollowTheirRun()
{
    const auto run = [this](const char *curve) {
        const auto created = httpRequest(
            m_server.port(), "POST", "/simulation?wait=true",
            R"({"simulation_id": 41, "name": "again", "machine": {"machine_id": 1, "name": "m"},
                "parameters": {"points": 6, "pace_ms": 0, "curve": ")"_ba
                + curve + R"("}})"_ba);
        QCOMPARE(created.json()[u"status"_s].toString(), u"finished"_s);
    };
    run("exponential");
    const QByteArray first = httpRequest(m_server.port(), "GET", "/converge/41").body;
    QCOMPARE(QJsonDocument::fromJson(first)[u"data"_s].toArray().size(), 6);
    QCOMPARE(httpRequest(m_server.port(), "GET", "/converge/41").body, first); // kept
    const auto firstTag = httpRequest(m_server.port(), "GET", "/converge/41").header("ETag");

    QCOMPARE(httpRequest(m_server.port(), "DELETE", "/simulation/41").status, 204);
    QCOMPARE(httpRequest(m_server.port(), "GET", "/converge/41").status, 404);
    run("power");
    const auto second = httpRequest(m_server.port(), "GET", "/converge/41");
    // The same version, other points: another tag too, or a client would keep the first.
    QVERIFY(second.header("ETag") != firstTag);
    QCOMPARE(
        httpRequest(m_server.port(), "GET", "/converge/41", {}, {{"If-None-Match"_ba, firstTag}})
            .status,
        200);
    QCOMPARE(QJsonDocument::fromJson(second.body)[u"data"_s].toArray().size(), 6);
    QVERIFY(second.body != first);
    const QByteArray fresh = api::convergenceDocument(
        ConvergenceRepository(m_server.runtime()->database()).points(41, std::nullopt).value());
    QCOMPARE(second.body, fresh);
    // A part is never the whole document kept.
    const QJsonArray part
        = httpRequest(m_server.port(), "GET", "/converge/41?since=30").json()[u"data"_s].toArray();
    QVERIFY(part.size() < 6 && !part.isEmpty());
}

QTEST_GUILESS_MAIN(TestHttpEdge)
#include "tst_httpedge.moc"
