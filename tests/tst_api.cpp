#include "runtime.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace aisim;
using test::httpRequest;

namespace {

const QByteArray kSeedBody = R"({
  "simulation_id": 1,
  "name": "Sample Simulation",
  "machine_id": 101,
  "status": "pending",
  "creation_date": "2024-03-05T14:30:00",
  "update_date": "2024-03-05T15:00:00",
  "machine": {
    "machine_id": 101,
    "name": "Machine A"
  }
})";

RuntimeOptions optionsFor(const DatabaseUrl &url)
{
    RuntimeOptions options;
    options.database = url;
    options.engine.workers = 2;
    options.engine.pollIntervalMs = 50;
    return options;
}

QStringList namesOf(const QJsonArray &array)
{
    QStringList names;
    for (const auto &value : array)
        names << value[u"name"_s].toString();
    return names;
}

} // namespace

// The REST API over a real socket: the seed's endpoints, shapes and every error case.
class TestApi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void seedReadmeRequestsAnswerAsDocumented_data() { test::addDialectRows(); }
    void seedReadmeRequestsAnswerAsDocumented();

    void createAssignsAnIdAndOwnsStatusAndDates();
    void createRegistersAnUnknownMachineFromTheBody();
    void createRefusesInvalidInput_data();
    void createRefusesInvalidInput();
    void createRefusesAnExistingId();
    void listSortsAndFilters_data();
    void listSortsAndFilters();
    void listRefusesBadParameters_data();
    void listRefusesBadParameters();
    void listPagesWithATotalCount();
    void oneSimulationUnderBothPaths();
    void unknownIdsAre404AndBadIds422_data();
    void unknownIdsAre404AndBadIds422();
    void convergeReturnsThePointsSoFar();
    void cancelRetryAndDeleteControlRuns();
    void machinesCanBeManaged();
    void protocolErrorsGetTheRightStatus_data();
    void protocolErrorsGetTheRightStatus();
    void malformedHttpNeverTakesTheServerDown();

private:
    quint16 port() const { return m_runtime->apiServer()->port(); }
    test::HttpReply post(const QByteArray &path, const QByteArray &body)
    {
        return httpRequest(port(), "POST", path, body);
    }
    test::HttpReply get(const QByteArray &path) { return httpRequest(port(), "GET", path); }
    qint64 createFast(const QString &name, qint64 machineId = 101, int points = 3, int paceMs = 10);

    std::unique_ptr<test::TestDatabase> m_db;
    std::unique_ptr<Runtime> m_runtime;
};

void TestApi::initTestCase()
{
    m_db = std::make_unique<test::TestDatabase>(test::TestDatabase::Dialect::Sqlite);
    auto server = test::openServer(optionsFor(m_db->url()));
    QVERIFY(server.ok());
    m_runtime = std::move(server.value());
    QVERIFY(m_runtime->service().createMachine(101, u"Machine A"_s).ok());
    QVERIFY(m_runtime->service().createMachine(102, u"Machine B"_s).ok());
}

void TestApi::cleanupTestCase()
{
    m_runtime.reset();
}

qint64 TestApi::createFast(const QString &name, qint64 machineId, int points, int paceMs)
{
    const QJsonObject body {
        {u"name"_s, name},
        {u"machine_id"_s, machineId},
        {u"parameters"_s, QJsonObject {{u"points"_s, points}, {u"pace_ms"_s, paceMs}}}};
    const auto reply = post("/simulation", QJsonDocument(body).toJson());
    return reply.status == 201 ? reply.json()[u"id"_s].toInteger() : -1;
}

void TestApi::seedReadmeRequestsAnswerAsDocumented()
{
    AISIM_OPEN_TEST_DATABASE(db);
    auto runtime = test::openServer(optionsFor(db->url()));
    QVERIFY(runtime.ok());
    const std::optional<quint16> port = runtime.value()->apiServer()->port();

    // The original README's POST, default emulation: ten points, one per second.
    QElapsedTimer clock;
    clock.start();
    const auto created = httpRequest(*port, "POST", "/simulation", kSeedBody);
    QCOMPARE(created.status, 201);
    QVERIFY2(clock.elapsed() < 2000, "the answer must not wait for the run");
    QCOMPARE(created.json().object(), QJsonObject({{u"id"_s, 1}, {u"status"_s, u"pending"_s}}));
    // Byte for byte, keys in the original's order: scripts that compare text keep working.
    QCOMPARE(created.body, R"({"id":1,"status":"pending"})"_ba);
    QCOMPARE(created.header("Location"), "/simulation/1"_ba);
    QCOMPARE(created.header("Content-Type"), "application/json"_ba);

    QTRY_COMPARE_WITH_TIMEOUT(
        httpRequest(*port, "GET", "/simulation/1").json()[u"status"_s].toString(), u"finished"_s,
        20000);
    QVERIFY2(clock.elapsed() >= 9000, "the seed's pace is one point per second");
    const QJsonDocument expected = QJsonDocument::fromJson(R"({"data": [
        {"seconds": 10, "loss": 0.042}, {"seconds": 20, "loss": 0.033},
        {"seconds": 30, "loss": 0.029}, {"seconds": 40, "loss": 0.027},
        {"seconds": 50, "loss": 0.025}, {"seconds": 60, "loss": 0.024},
        {"seconds": 70, "loss": 0.023}, {"seconds": 80, "loss": 0.023},
        {"seconds": 90, "loss": 0.022}, {"seconds": 100, "loss": 0.022}]})");
    const QByteArray converged = httpRequest(*port, "GET", "/converge/1").body;
    QCOMPARE(QJsonDocument::fromJson(converged), expected);
    // The README's points in its own order, as compact text.
    QByteArray readmeText("{\"data\":[");
    for (const QJsonValue &point : expected[u"data"_s].toArray()) {
        readmeText += "{\"seconds\":" + QByteArray::number(point[u"seconds"_s].toInt())
            + ",\"loss\":" + QByteArray::number(point[u"loss"_s].toDouble()) + "},";
    }
    readmeText.chop(1);
    readmeText += "]}";
    QCOMPARE(converged, readmeText);

    const QByteArray one = httpRequest(*port, "GET", "/simulation/1").body;
    const QByteArray seedOrder = "{\"simulation_id\":1,\"name\":\"Sample Simulation\","
                                 "\"machine_id\":101,\"status\":\"finished\",\"creation_date\":";
    QVERIFY2(one.startsWith(seedOrder), one.constData());
    const QJsonObject simulation = QJsonDocument::fromJson(one).object();
    QCOMPARE(simulation.keys(),
             QStringList({u"creation_date"_s, u"machine_id"_s, u"name"_s, u"simulation_id"_s,
                          u"status"_s, u"update_date"_s}));
    QCOMPARE(simulation[u"name"_s].toString(), u"Sample Simulation"_s);
    QCOMPARE(simulation[u"machine_id"_s].toInteger(), 101);
    static const QRegularExpression seedTime(
        u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}$"_s);
    QVERIFY(seedTime.match(simulation[u"creation_date"_s].toString()).hasMatch());
    QVERIFY(simulation[u"update_date"_s].toString() > simulation[u"creation_date"_s].toString());

    const QJsonArray list = httpRequest(*port, "GET", "/simulations").json().array();
    QCOMPARE(list.size(), 1);
    QCOMPARE(list.first().toObject(), simulation);
    QCOMPARE(httpRequest(*port, "GET", "/machines").body,
             R"([{"machine_id":101,"name":"Machine A"}])"_ba);
}

void TestApi::createAssignsAnIdAndOwnsStatusAndDates()
{
    const auto reply = post("/simulation", R"({"name": "no id", "machine_id": 102,
        "status": "finished", "creation_date": "1999-01-01T00:00:00",
        "parameters": {"points": 2, "pace_ms": 60000}})");
    QCOMPARE(reply.status, 201);
    const qint64 id = reply.json()[u"id"_s].toInteger();
    QVERIFY(id > 0);
    QCOMPARE(reply.json()[u"status"_s].toString(), u"pending"_s);
    const QJsonObject stored
        = get("/simulation/" + QByteArray::number(id) + "?detail=true").json().object();
    QVERIFY(stored[u"status"_s].toString() != u"finished"_s);
    QVERIFY(stored[u"creation_date"_s].toString().startsWith(
        QString::number(QDate::currentDate().year())));
    QCOMPARE(stored[u"parameters"_s][u"points"_s].toInt(), 2);
    QCOMPARE(
        httpRequest(port(), "POST", "/simulation/" + QByteArray::number(id) + "/cancel").status,
        200);
}

void TestApi::createRegistersAnUnknownMachineFromTheBody()
{
    const auto reply = post("/simulation", R"({"name": "new machine", "machine_id": 777,
        "machine": {"machine_id": 777, "name": "Machine Z"}, "parameters": {"pace_ms": 0}})");
    QCOMPARE(reply.status, 201);
    const QJsonArray machines = get("/machines").json().array();
    QVERIFY(machines.contains(QJsonObject {{u"machine_id"_s, 777}, {u"name"_s, u"Machine Z"_s}}));
    // Only the machine object is needed: its id stands for machine_id.
    QCOMPARE(post("/simulation", R"({"name": "nested", "machine": {"machine_id": 778,
        "name": "Machine Y"}, "parameters": {"pace_ms": 0}})")
                 .status,
             201);
}

void TestApi::createRefusesInvalidInput_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("location");
    QTest::newRow("malformed JSON") << R"({"name": "x",)"_ba << u"body"_s;
    QTest::newRow("array") << R"([1, 2])"_ba << u"body"_s;
    QTest::newRow("empty body") << QByteArray() << u"body"_s;
    QTest::newRow("no name") << R"({"machine_id": 101})"_ba << u"body.name"_s;
    QTest::newRow("empty name") << R"({"name": "  ", "machine_id": 101})"_ba << u"body.name"_s;
    QTest::newRow("name not a string") << R"({"name": 5, "machine_id": 101})"_ba << u"body.name"_s;
    QTest::newRow("machine_id a string")
        << R"({"name": "x", "machine_id": "101"})"_ba << u"body.machine_id"_s;
    QTest::newRow("machine_id fractional")
        << R"({"name": "x", "machine_id": 1.5})"_ba << u"body.machine_id"_s;
    QTest::newRow("machine_id negative")
        << R"({"name": "x", "machine_id": -3})"_ba << u"body.machine_id"_s;
    QTest::newRow("no machine at all") << R"({"name": "x"})"_ba << u"body.machine_id"_s;
    QTest::newRow("unknown machine, no object")
        << R"({"name": "x", "machine_id": 999})"_ba << u"body.machine_id"_s;
    QTest::newRow("machine ids disagree")
        << R"({"name": "x", "machine_id": 101, "machine": {"machine_id": 102, "name": "B"}})"_ba
        << u"body.machine.machine_id"_s;
    QTest::newRow("machine without name")
        << R"({"name": "x", "machine_id": 900, "machine": {"machine_id": 900}})"_ba
        << u"body.machine.name"_s;
    QTest::newRow("simulation_id zero")
        << R"({"simulation_id": 0, "name": "x", "machine_id": 101})"_ba << u"body.simulation_id"_s;
    QTest::newRow("bad parameters")
        << R"({"name": "x", "machine_id": 101, "parameters": {"points": 0}})"_ba
        << u"body.parameters.points"_s;
    QTest::newRow("parameters not an object")
        << R"({"name": "x", "machine_id": 101, "parameters": 3})"_ba << u"body.parameters"_s;
}

void TestApi::createRefusesInvalidInput()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, location);
    const int countBefore = int(get("/simulations").json().array().size());
    const auto reply
        = httpRequest(port(), "POST", "/simulation", body, {{"Content-Type", "application/json"}});
    QCOMPARE(reply.status, 422);
    const QJsonArray detail = reply.json()[u"detail"_s].toArray();
    QVERIFY(!detail.isEmpty());
    QStringList locations;
    for (const auto &error : detail) {
        QStringList parts;
        for (const auto &part : error[u"loc"_s].toArray())
            parts << (part.isString() ? part.toString() : QString::number(part.toInt()));
        locations << parts.join(u'.');
        QVERIFY(!error[u"msg"_s].toString().isEmpty());
        QVERIFY(!error[u"type"_s].toString().isEmpty());
    }
    QVERIFY2(std::any_of(locations.cbegin(), locations.cend(),
                         [&](const QString &l) { return l.startsWith(location); }),
             qPrintable(locations.join(u", "_s)));
    // Nothing was stored.
    QCOMPARE(get("/simulations").json().array().size(), countBefore);
}

void TestApi::createRefusesAnExistingId()
{
    const QByteArray body = R"({"simulation_id": 500, "name": "once", "machine_id": 101,
                                "parameters": {"pace_ms": 0}})";
    QCOMPARE(post("/simulation", body).status, 201);
    const auto again = post("/simulation", body);
    QCOMPARE(again.status, 409);
    QVERIFY(again.json()[u"detail"_s].toString().contains(u"500"_s));
}

void TestApi::listSortsAndFilters_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QStringList>("expected");
    // Made in the order b, c, a and last updated (cancelled) in the order c, a, b.
    QTest::newRow("default: creation date")
        << "?name=sort-"_ba << QStringList {u"sort-b"_s, u"sort-c"_s, u"sort-a"_s};
    QTest::newRow("creation date") << "?order_by=creation_date&name=sort-"_ba
                                   << QStringList {u"sort-b"_s, u"sort-c"_s, u"sort-a"_s};
    QTest::newRow("name") << "?order_by=name&name=sort-"_ba
                          << QStringList {u"sort-a"_s, u"sort-b"_s, u"sort-c"_s};
    QTest::newRow("name desc") << "?order_by=name&order=desc&name=sort-"_ba
                               << QStringList {u"sort-c"_s, u"sort-b"_s, u"sort-a"_s};
    QTest::newRow("update date") << "?order_by=update_date&name=sort-"_ba
                                 << QStringList {u"sort-c"_s, u"sort-a"_s, u"sort-b"_s};
    QTest::newRow("status") << "?status=cancelled&name=sort-"_ba
                            << QStringList {u"sort-b"_s, u"sort-c"_s, u"sort-a"_s};
    QTest::newRow("status, nothing") << "?status=finished&name=sort-"_ba << QStringList();
    QTest::newRow("machine") << "?machine_id=101&name=sort-"_ba << QStringList {u"sort-c"_s};
}

void TestApi::listSortsAndFilters()
{
    if (get("/simulations?name=sort-").json().array().isEmpty()) {
        QHash<QString, qint64> ids;
        for (const auto &name : {u"sort-b"_s, u"sort-c"_s, u"sort-a"_s}) {
            ids.insert(name, createFast(name, name == u"sort-c"_s ? 101 : 102, 1, 60000));
            QTest::qWait(5);
        }
        for (const auto &name : {u"sort-c"_s, u"sort-a"_s, u"sort-b"_s}) {
            QCOMPARE(httpRequest(port(), "POST",
                                 "/simulation/" + QByteArray::number(ids.value(name)) + "/cancel")
                         .status,
                     200);
            QTest::qWait(5);
        }
    }
    QFETCH(QByteArray, query);
    QFETCH(QStringList, expected);
    const auto reply = get("/simulations" + query);
    QCOMPARE(reply.status, 200);
    QCOMPARE(namesOf(reply.json().array()), expected);
}

void TestApi::listRefusesBadParameters_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QString>("parameter");
    QTest::newRow("order_by") << "?order_by=colour"_ba << u"order_by"_s;
    QTest::newRow("order_by injection")
        << "?order_by=name;DROP%20TABLE%20simulations"_ba << u"order_by"_s;
    QTest::newRow("status") << "?status=done"_ba << u"status"_s;
    QTest::newRow("limit") << "?limit=-1"_ba << u"limit"_s;
    QTest::newRow("offset") << "?offset=abc"_ba << u"offset"_s;
    QTest::newRow("machine_id") << "?machine_id=x"_ba << u"machine_id"_s;
    QTest::newRow("order") << "?order=sideways"_ba << u"order"_s;
}

void TestApi::listRefusesBadParameters()
{
    QFETCH(QByteArray, query);
    QFETCH(QString, parameter);
    const auto reply = get("/simulations" + query);
    QCOMPARE(reply.status, 422);
    const QJsonArray location = reply.json()[u"detail"_s][0][u"loc"_s].toArray();
    QCOMPARE(location, QJsonArray({u"query"_s, parameter}));
    QCOMPARE(get("/simulations").status, 200); // the table is still there
}

void TestApi::listPagesWithATotalCount()
{
    for (int i = 0; i < 5; ++i)
        QVERIFY(createFast(u"page-%1"_s.arg(i), 102, 1, 0) > 0);
    const auto reply = get("/simulations?name=page-&limit=2&offset=1&order_by=name");
    QCOMPARE(reply.status, 200);
    QCOMPARE(namesOf(reply.json().array()), QStringList({u"page-1"_s, u"page-2"_s}));
    QCOMPARE(reply.header("X-Total-Count"), "5"_ba);
    QVERIFY(get("/simulations").header("X-Total-Count").isEmpty()); // the seed's answer
}

void TestApi::oneSimulationUnderBothPaths()
{
    const qint64 id = createFast(u"both paths"_s);
    const QByteArray path = QByteArray::number(id);
    const auto singular = get("/simulation/" + path);
    QCOMPARE(singular.status, 200);
    QCOMPARE(singular.json()[u"simulation_id"_s].toInteger(), id);
    QCOMPARE(get("/simulations/" + path).json()[u"name"_s], singular.json()[u"name"_s]);
}

void TestApi::unknownIdsAre404AndBadIds422_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("status");
    QTest::newRow("get unknown") << "GET"_ba
                                 << "/simulation/987654"_ba << 404;
    QTest::newRow("alias unknown") << "GET"_ba
                                   << "/simulations/987654"_ba << 404;
    QTest::newRow("converge unknown") << "GET"_ba
                                      << "/converge/987654"_ba << 404;
    QTest::newRow("cancel unknown") << "POST"_ba
                                    << "/simulation/987654/cancel"_ba << 404;
    QTest::newRow("retry unknown") << "POST"_ba
                                   << "/simulation/987654/retry"_ba << 404;
    QTest::newRow("delete unknown") << "DELETE"_ba
                                    << "/simulation/987654"_ba << 404;
    QTest::newRow("machine unknown") << "GET"_ba
                                     << "/machines/987654"_ba << 404;
    QTest::newRow("get text id") << "GET"_ba
                                 << "/simulation/abc"_ba << 422;
    // Whole numbers that name no run are unknown ids, as in the original: 404, not 422.
    QTest::newRow("get zero id") << "GET"_ba
                                 << "/simulation/0"_ba << 404;
    QTest::newRow("delete negative id") << "DELETE"_ba
                                        << "/simulation/-1"_ba << 404;
    QTest::newRow("converge text id") << "GET"_ba
                                      << "/converge/1e3"_ba << 422;
    QTest::newRow("converge bad since") << "GET"_ba
                                        << "/converge/1?since=soon"_ba << 422;
    QTest::newRow("unknown path") << "GET"_ba
                                  << "/simulationz"_ba << 404;
    QTest::newRow("root") << "GET"_ba
                          << "/"_ba << 404;
}

void TestApi::unknownIdsAre404AndBadIds422()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(int, status);
    const auto reply = httpRequest(port(), method, path);
    QCOMPARE(reply.status, status);
    QVERIFY(reply.json().object().contains(u"detail"_s));
}

void TestApi::convergeReturnsThePointsSoFar()
{
    const qint64 id = createFast(u"growing"_s, 101, 50, 40);
    const QByteArray path = "/converge/" + QByteArray::number(id);
    QTRY_VERIFY(get(path).json()[u"data"_s].toArray().size() >= 3);
    const QJsonArray soFar = get(path).json()[u"data"_s].toArray();
    QVERIFY(soFar.size() < 50);
    QCOMPARE(soFar.first()[u"seconds"_s].toInt(), 10);
    const double lastSeconds = soFar.last()[u"seconds"_s].toDouble();
    QTRY_VERIFY(!get(path + "?since=" + QByteArray::number(lastSeconds))
                     .json()[u"data"_s]
                     .toArray()
                     .isEmpty());
    for (const auto &point :
         get(path + "?since=" + QByteArray::number(lastSeconds)).json()[u"data"_s].toArray())
        QVERIFY(point[u"seconds"_s].toDouble() > lastSeconds);
    httpRequest(port(), "POST", "/simulation/" + QByteArray::number(id) + "/cancel");
}

void TestApi::cancelRetryAndDeleteControlRuns()
{
    const qint64 id = createFast(u"controlled"_s, 101, 5, 60000);
    const QByteArray base = "/simulation/" + QByteArray::number(id);
    QCOMPARE(httpRequest(port(), "POST", base + "/retry").status, 409);
    QTRY_COMPARE(get(base).json()[u"status"_s].toString(), u"running"_s);
    QCOMPARE(httpRequest(port(), "DELETE", base).status, 409);
    const auto cancelled = httpRequest(port(), "POST", base + "/cancel");
    QCOMPARE(cancelled.status, 200);
    QCOMPARE(cancelled.json()[u"status"_s].toString(), u"cancelled"_s);
    QCOMPARE(httpRequest(port(), "POST", base + "/cancel").status, 409);
    const auto retried = httpRequest(port(), "POST", base + "/retry");
    QCOMPARE(retried.status, 200);
    QCOMPARE(retried.json()[u"status"_s].toString(), u"pending"_s);
    QTRY_COMPARE(get(base).json()[u"status"_s].toString(), u"running"_s);
    QCOMPARE(httpRequest(port(), "POST", base + "/cancel").status, 200);
    QCOMPARE(httpRequest(port(), "DELETE", base).status, 204);
    QCOMPARE(get(base).status, 404);
    QCOMPARE(get("/converge/" + QByteArray::number(id)).status, 404);
}

void TestApi::machinesCanBeManaged()
{
    const auto created = post("/machines", R"({"name": "Rack 7"})");
    QCOMPARE(created.status, 201);
    const qint64 id = created.json()[u"machine_id"_s].toInteger();
    const QByteArray path = "/machines/" + QByteArray::number(id);
    QCOMPARE(created.header("Location"), path);
    QCOMPARE(post("/machines", R"({"machine_id": 101, "name": "dup"})").status, 409);
    QCOMPARE(post("/machines", R"({"name": ""})").status, 422);
    const auto renamed = httpRequest(port(), "PATCH", path, R"({"name": "Rack 8"})");
    QCOMPARE(renamed.status, 200);
    QCOMPARE(renamed.json()[u"name"_s].toString(), u"Rack 8"_s);
    QCOMPARE(httpRequest(port(), "PATCH", path, R"({"name": 8})").status, 422);
    QVERIFY(createFast(u"holds the machine"_s, id, 1, 0) > 0);
    const auto refused = httpRequest(port(), "DELETE", path);
    QCOMPARE(refused.status, 409);
    QVERIFY(refused.json()[u"detail"_s].toString().contains(u"holds simulations"_s));

    const qint64 empty
        = post("/machines", R"({"name": "spare"})").json()[u"machine_id"_s].toInteger();
    QCOMPARE(httpRequest(port(), "DELETE", "/machines/" + QByteArray::number(empty)).status, 204);
    QCOMPARE(get("/machines/" + QByteArray::number(empty)).status, 404);
}

void TestApi::protocolErrorsGetTheRightStatus_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("allow");
    QTest::newRow("PUT /simulations")
        << "PUT"_ba
        << "/simulations"_ba << QByteArray() << QByteArray() << 405 << "GET, HEAD"_ba;
    QTest::newRow("GET /simulation")
        << "GET"_ba
        << "/simulation"_ba << QByteArray() << QByteArray() << 405 << "POST"_ba;
    QTest::newRow("POST /simulation/1")
        << "POST"_ba
        << "/simulation/1"_ba << QByteArray() << QByteArray() << 405 << "GET, HEAD, DELETE"_ba;
    QTest::newRow("text body") << "POST"_ba
                               << "/simulation"_ba
                               << "text/plain"_ba
                               << "name=x"_ba << 415 << QByteArray();
    QTest::newRow("huge body") << "POST"_ba
                               << "/simulation"_ba
                               << "application/json"_ba << QByteArray(2 * 1024 * 1024, ' ') << 413
                               << QByteArray();
}

void TestApi::protocolErrorsGetTheRightStatus()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QByteArray, allow);
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!contentType.isEmpty())
        headers.append({"Content-Type", contentType});
    const auto reply = httpRequest(port(), method, path, body, headers);
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.header("Allow"), allow);
    QVERIFY(reply.json().object().contains(u"detail"_s));
}

void TestApi::malformedHttpNeverTakesTheServerDown()
{
    const QList<QByteArray> garbage {
        "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"_ba, // a TLS hello
        "GET /simulations HTTP/9.9\r\n\r\n"_ba,
        "POST /simulation HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"na"_ba, // truncated
        "GARBAGE\r\n\r\n"_ba,
        "GET /" + QByteArray(20000, 'a') + " HTTP/1.1\r\n\r\n",
        "GET /simulations HTTP/1.1\r\nX: " + QByteArray(100000, 'b') + "\r\n\r\n",
    };
    for (const QByteArray &bytes : garbage) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port());
        QVERIFY(socket.waitForConnected(2000));
        socket.write(bytes);
        socket.waitForBytesWritten(2000);
        socket.waitForReadyRead(300);
        test::expectDocumentedRawAnswer(bytes, socket.readAll());
        socket.abort();
    }
    const auto reply = get("/machines");
    QCOMPARE(reply.status, 200);
}

QTEST_GUILESS_MAIN(TestApi)
#include "tst_api.moc"
