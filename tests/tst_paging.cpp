#include "database.h"
#include "runtime.h"
#include "simulationrepository.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace aisim;
using test::httpRequest;

// GET /simulations page by page over a real socket: after= cursors, the Link header and the
// count headers.
class TestPaging : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_server.stop(); }
    void linksWalkEveryRowOnce_data();
    void linksWalkEveryRowOnce();
    void aCursorOfAnotherOrderIsRefused();
    void garbageCursorsAreRefused_data();
    void garbageCursorsAreRefused();
    void offsetAndAfterTogetherAreRefused();
    void countsComeWithEveryPage();
    void listsFollowEveryCommit();

private:
    test::HttpReply get(const QByteArray &path)
    {
        return httpRequest(m_server.port(), "GET", path);
    }

    test::TestServer m_server;
};

void TestPaging::initTestCase()
{
    QVERIFY2(m_server.start([](RuntimeOptions &options) { options.engine.workers = 0; }),
             qPrintable(m_server.error()));
    SimulationService &service = m_server.runtime()->service();
    QVERIFY(service.createMachine(101, u"Machine A"_s).ok());
    QVERIFY(service.createMachine(102, u"Machine B"_s).ok());
    // Names and machines repeat, so that pages end inside runs of equal keys.
    for (int i = 0; i < 23; ++i) {
        const QJsonObject body {{u"name"_s, u"Run-%1"_s.arg(i % 6)},
                                {u"machine_id"_s, 101 + i % 2}};
        const auto reply
            = httpRequest(m_server.port(), "POST", "/simulation", QJsonDocument(body).toJson());
        QCOMPARE(reply.status, 201);
        if (i % 5 == 0)
            QCOMPARE(httpRequest(m_server.port(), "POST",
                                 "/simulation/" + QByteArray::number(i + 1) + "/cancel")
                         .status,
                     200);
    }
}

void TestPaging::linksWalkEveryRowOnce_data()
{
    QTest::addColumn<QByteArray>("query");
    for (const char *order :
         {"creation_date", "update_date", "name", "simulation_id", "status", "machine_id"}) {
        for (const char *direction : {"asc", "desc"}) {
            const QByteArray query = "order_by="_ba + order + "&order=" + direction;
            for (const QByteArray &filter :
                 {QByteArray(), "&machine_id=102"_ba, "&status=pending"_ba, "&name=RUN-"_ba}) {
                const QByteArray rowQuery = query + filter;
                QTest::newRow(rowQuery.constData()) << rowQuery;
            }
        }
    }
}

void TestPaging::linksWalkEveryRowOnce()
{
    QFETCH(QByteArray, query);
    const auto whole = get("/simulations?" + query);
    QCOMPARE(whole.status, 200);
    QVERIFY(whole.header("Link").isEmpty()); // the original's answer: everything, no paging
    const QList<qint64> expected = test::simulationIds(whole.json().array());
    QVERIFY(!expected.isEmpty());

    static const QRegularExpression link(u"^<([^>]+)>; rel=\"next\"$"_s);
    QList<qint64> walked;
    QByteArray next = "/simulations?" + query + "&limit=4";
    for (int page = 0; page < 20 && !next.isEmpty(); ++page) {
        const auto reply = get(next);
        QCOMPARE(reply.status, 200);
        walked += test::simulationIds(reply.json().array());
        const auto match = link.match(QString::fromLatin1(reply.header("Link")));
        next = match.hasMatch() ? match.captured(1).toLatin1() : QByteArray();
        if (!next.isEmpty())
            QVERIFY2(next.startsWith("/simulations?") && next.contains("limit=4")
                         && next.contains("after="),
                     next.constData());
    }
    QCOMPARE(walked, expected);
}

void TestPaging::aCursorOfAnotherOrderIsRefused()
{
    const auto first = get("/simulations?order_by=name&limit=3");
    const QByteArray link = first.header("Link");
    QVERIFY(!link.isEmpty());
    const QByteArray after = link.mid(link.indexOf("after=") + 6).split('>').first();
    QCOMPARE(get("/simulations?order_by=name&limit=3&after=" + after).status, 200);
    const auto other = get("/simulations?order_by=name&order=desc&limit=3&after=" + after);
    QCOMPARE(other.status, 422);
    QCOMPARE(other.json()[u"detail"_s][0][u"loc"_s].toArray(),
             QJsonArray({u"query"_s, u"after"_s}));
    QVERIFY(other.json()[u"detail"_s][0][u"msg"_s].toString().contains(u"order_by=name"_s));
    QCOMPARE(get("/simulations?order_by=creation_date&limit=3&after=" + after).status, 422);
}

void TestPaging::garbageCursorsAreRefused_data()
{
    QTest::addColumn<QByteArray>("after");
    QTest::newRow("not base64") << "%25%25%25"_ba;
    QTest::newRow("not json") << "aGVsbG8"_ba;
    QTest::newRow("wrong shape") << QByteArray(R"(["name","asc"])").toBase64();
    QTest::newRow("key not a number")
        << QByteArray(R"(["creation_date","asc","x","1"])").toBase64(QByteArray::Base64UrlEncoding);
    QTest::newRow("id not a number")
        << QByteArray(R"(["name","asc","a","1; DROP TABLE simulations"])")
               .toBase64(QByteArray::Base64UrlEncoding);
    QTest::newRow("empty") << QByteArray();
}

void TestPaging::garbageCursorsAreRefused()
{
    QFETCH(QByteArray, after);
    const auto reply = get("/simulations?limit=5&after=" + after);
    QCOMPARE(reply.status, 422);
    QCOMPARE(reply.json()[u"detail"_s][0][u"loc"_s].toArray(),
             QJsonArray({u"query"_s, u"after"_s}));
    QCOMPARE(test::simulationIds(get("/simulations").json().array()).size(), 23); // nothing lost
}

void TestPaging::offsetAndAfterTogetherAreRefused()
{
    const QByteArray link = get("/simulations?limit=2").header("Link");
    const QByteArray after = link.mid(link.indexOf("after=") + 6).split('>').first();
    const auto reply = get("/simulations?limit=2&offset=2&after=" + after);
    QCOMPARE(reply.status, 422);
    QCOMPARE(reply.json()[u"detail"_s][0][u"loc"_s].toArray(),
             QJsonArray({u"query"_s, u"offset"_s}));
}

void TestPaging::countsComeWithEveryPage()
{
    const auto first = get("/simulations?machine_id=101&limit=5");
    QCOMPARE(first.header("X-Total-Count"), "12"_ba);
    QVERIFY(first.header("X-Total-Count-Estimated").isEmpty()); // exact
    const QByteArray link = first.header("Link");
    const auto second = get(link.mid(1, link.indexOf('>') - 1));
    QCOMPARE(second.status, 200);
    QCOMPARE(second.header("X-Total-Count"), "12"_ba);
    QCOMPARE(get("/simulations?status=cancelled&limit=1").header("X-Total-Count"), "5"_ba);
    QCOMPARE(get("/simulations?name=run-3&limit=1").header("X-Total-Count"), "4"_ba);
    // A last page that is not full has no next one.
    const auto last = get("/simulations?status=cancelled&limit=10");
    QCOMPARE(last.json().array().size(), 5);
    QVERIFY(last.header("Link").isEmpty());
    // A page that ends before its limit counts what came before it and its own rows; one past
    // the end is counted from the counters.
    for (const QByteArray &offset : {"0"_ba, "10"_ba, "11"_ba, "12"_ba, "40"_ba}) {
        const auto page = get("/simulations?machine_id=101&limit=5&offset=" + offset);
        QCOMPARE(page.status, 200);
        QCOMPARE(page.header("X-Total-Count"), "12"_ba);
        QVERIFY(page.header("X-Total-Count-Estimated").isEmpty());
    }
    const auto search = get("/simulations?name=RUN-&order=desc&limit=100");
    QCOMPARE(search.json().array().size(), 23);
    QCOMPARE(search.header("X-Total-Count"), "23"_ba);
    QVERIFY(search.header("X-Total-Count-Estimated").isEmpty());
}

// Each server thread keeps the lists it answered while the database is unchanged: a commit by
// another connection (here the test's own, as another process would) and a change on a server
// thread's own connection both show in the next answer, page and whole list; on every thread of
// the shared server, and on a server of one thread, which answers on the connection it changed.
void TestPaging::listsFollowEveryCommit()
{
    test::TestServer single;
    QVERIFY2(single.start([](RuntimeOptions &options) {
        options.runEngine = false;
        options.httpThreads = 1;
    }),
             qPrintable(single.error()));
    QVERIFY(single.runtime()->service().createMachine(102, u"Machine B"_s).ok());
    for (test::TestServer *server : {&m_server, &single}) {
        const quint16 port = server->port();
        const QList<QByteArray> paths {"/simulations?machine_id=102&limit=50"_ba,
                                       "/simulations?machine_id=102"_ba};
        // The last run of a list; a page's count must be its length.
        const auto lastRow = [port](const QByteArray &path) -> QJsonValue {
            const auto reply = httpRequest(port, "GET", path);
            const QJsonArray rows = reply.json().array();
            if (rows.isEmpty()
                || (path.contains("limit")
                    && reply.header("X-Total-Count") != QByteArray::number(rows.size())))
                return {};
            return rows.last();
        };
        // Enough requests to reach every server thread, each with its answers kept.
        constexpr int kRequests = 8;
        for (const QByteArray &path : paths) {
            for (int i = 0; i < kRequests; ++i)
                QCOMPARE(httpRequest(port, "GET", path).status, 200);
        }
        Database other(server->runtime()->database().url());
        NewSimulation added;
        added.name = u"added elsewhere"_s;
        added.machineId = 102;
        const auto created = SimulationRepository(other).create(added);
        QVERIFY(created.ok());
        for (const QByteArray &path : paths) {
            for (int i = 0; i < kRequests; ++i) {
                const QJsonValue last = lastRow(path);
                QCOMPARE(last[u"simulation_id"_s].toInteger(), created->id);
            }
        }
        // Cancelled through the API, on a server thread's connection.
        QCOMPARE(
            httpRequest(port, "POST", "/simulation/" + QByteArray::number(created->id) + "/cancel")
                .status,
            200);
        for (const QByteArray &path : paths) {
            for (int i = 0; i < kRequests; ++i)
                QCOMPARE(lastRow(path)[u"status"_s].toString(), u"cancelled"_s);
        }
    }
}

QTEST_MAIN(TestPaging)
#include "tst_paging.moc"
