#include "runtime.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace aisim;
using test::httpRequest;

// GET /simulations without a limit, the original's answer, over a real socket: a list longer
// than one window of the stream (SimulationListStream::kWindowRows) comes chunked, window by
// window, each row once and in order, the very bytes of the same list read as one page.
class TestListStream : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_server.stop(); }
    void theWholeListComesInWindows_data();
    void theWholeListComesInWindows();
    void aShortListIsSentWhole();
    void headersOnlyForHead();
    void runsAddedAndDeletedMeanwhileAreNoProblem();

private:
    bool insertRuns(qint64 first, qint64 count);
    test::HttpReply get(const QByteArray &path)
    {
        return httpRequest(m_server.port(), "GET", path);
    }

    static constexpr qint64 kRuns = 4321;
    test::TestServer m_server;
};

bool TestListStream::insertRuns(qint64 first, qint64 count)
{
    QSqlQuery query(m_server.runtime()->database().connection());
    const bool done = query.exec(
        u"WITH RECURSIVE n(i) AS (SELECT %1 UNION ALL SELECT i + 1 FROM n WHERE i < %2) "
        "INSERT INTO simulations (simulation_id, name, name_folded, name_key, machine_id, status, "
        "creation_date, update_date) SELECT i, 'Run ' || (i %% 97), 'run ' || (i %% 97), "
        "'run ' || (i %% 97), 101 + i %% 2, CASE WHEN i %% 7 = 0 THEN 'failed' ELSE 'finished' "
        "END, 1700000000000 + i * 1000, 1700000000000 + i * 1000 FROM n"_s.arg(first)
            .arg(first + count - 1)
            .replace(u"%%"_s, u"%"_s));
    if (!done)
        qWarning() << query.lastError().text();
    return done;
}

void TestListStream::initTestCase()
{
    QVERIFY2(m_server.start([](RuntimeOptions &options) { options.engine.workers = 0; }),
             qPrintable(m_server.error()));
    SimulationService &service = m_server.runtime()->service();
    QVERIFY(service.createMachine(101, u"Machine A"_s).ok());
    QVERIFY(service.createMachine(102, u"Machine B"_s).ok());
    QVERIFY(insertRuns(1, kRuns));
}

void TestListStream::theWholeListComesInWindows_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<qint64>("rows");
    const qint64 failed = kRuns / 7;
    QTest::newRow("the original's") << QByteArray() << kRuns;
    QTest::newRow("name, descending") << "order_by=name&order=desc"_ba << kRuns;
    QTest::newRow("status then id") << "order_by=status"_ba << kRuns;
    QTest::newRow("finished of one machine")
        << "status=finished&machine_id=102"_ba << (kRuns / 2 + 1 - (kRuns / 14 + 1));
    QTest::newRow("detailed") << "detail=true&order=desc"_ba << kRuns;
    QTest::newRow("from an offset") << "offset=1500"_ba << kRuns - 1500;
    QTest::newRow("failed, by name") << "status=failed&order_by=name&name=RUN"_ba << failed;
}

void TestListStream::theWholeListComesInWindows()
{
    QFETCH(QByteArray, query);
    QFETCH(qint64, rows);
    const auto whole = get("/simulations?" + query);
    QCOMPARE(whole.status, 200);
    const QJsonArray list = whole.json().array();
    QCOMPARE(list.size(), rows);
    if (rows > 2000)
        QCOMPARE(whole.header("Transfer-Encoding"), "chunked"_ba);
    const QList<qint64> ids = test::simulationIds(list);
    QCOMPARE(QSet<qint64>(ids.cbegin(), ids.cend()).size(), ids.size()); // each once
    // The same bytes as the list read as one page, which is neither streamed nor windowed.
    const auto page = get("/simulations?" + query + "&limit=100000");
    QCOMPARE(page.status, 200);
    QVERIFY(page.header("Transfer-Encoding").isEmpty());
    QCOMPARE(whole.body, page.body);
    if (query.contains("offset"))
        QCOMPARE(whole.header("X-Total-Count"), QByteArray::number(kRuns));
}

void TestListStream::aShortListIsSentWhole()
{
    const auto reply = get("/simulations?name=run%2096");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json().array().size(), kRuns / 97);
    QVERIFY(reply.header("Transfer-Encoding").isEmpty());
    QCOMPARE(reply.header("Content-Length"), QByteArray::number(reply.body.size()));
}

void TestListStream::headersOnlyForHead()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_server.port());
    QVERIFY(socket.waitForConnected(5000));
    const QByteArray head = "HEAD /simulations HTTP/1.1\r\nHost: x\r\n\r\n";
    socket.write(head + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    QByteArray raw;
    QTRY_VERIFY_WITH_TIMEOUT((raw += socket.readAll()).endsWith("{\"status\":\"ok\"}"), 10000);
    // The headers GET would send, no body: the next answer follows the header block at once.
    const qsizetype end = raw.indexOf("\r\n\r\n");
    const QByteArray headers = raw.left(end);
    QVERIFY2(headers.startsWith("HTTP/1.1 200"), headers.constData());
    QVERIFY2(headers.contains("Transfer-Encoding: chunked"), headers.constData());
    QVERIFY2(raw.mid(end + 4).startsWith("HTTP/1.1 200"), raw.constData());
    test::expectDocumentedRawAnswer(head, raw.left(end + 4));
}

void TestListStream::runsAddedAndDeletedMeanwhileAreNoProblem()
{
    // More than the sockets' buffers hold, so that the stream is under way for a while.
    const qint64 total = kRuns + 40'000;
    QVERIFY(insertRuns(kRuns + 1, total - kRuns));
    // A client that reads slowly: the server writes a window only while it keeps up.
    QTcpSocket socket;
    socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 4096);
    socket.connectToHost(QHostAddress::LocalHost, m_server.port());
    QVERIFY(socket.waitForConnected(5000));
    socket.setReadBufferSize(4096);
    socket.write("GET /simulations HTTP/1.1\r\nHost: x\r\n\r\n"
                 "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    QByteArray raw;
    QTRY_VERIFY_WITH_TIMEOUT((raw += socket.readAll()).contains("\r\n\r\n"), 10000);
    QVERIFY2(raw.startsWith("HTTP/1.1 200"), raw.left(200).constData());
    // Meanwhile: runs added after the last one, and some of the last ones deleted.
    QVERIFY(insertRuns(total + 1, 500));
    QSqlQuery remove(m_server.runtime()->database().connection());
    QVERIFY(
        remove.exec(u"DELETE FROM simulations WHERE simulation_id > %1 AND simulation_id <= %2"_s
                        .arg(total - 100)
                        .arg(total)));
    socket.setReadBufferSize(0);
    QTRY_VERIFY2_WITH_TIMEOUT((raw += socket.readAll()).contains("\r\n0\r\n\r\nHTTP/1.1 200"),
                              QByteArray(raw.left(300) + " … " + raw.right(300)).constData(),
                              20000);
    // Undo the chunk framing.
    const qsizetype bodyStart = raw.indexOf("\r\n\r\n") + 4;
    QByteArray body;
    qsizetype at = bodyStart;
    for (;;) {
        const qsizetype lineEnd = raw.indexOf("\r\n", at);
        bool ok = false;
        const qsizetype size = raw.mid(at, lineEnd - at).toLongLong(&ok, 16);
        QVERIFY(ok);
        if (size == 0)
            break;
        body += raw.mid(lineEnd + 2, size);
        at = lineEnd + 2 + size + 2;
    }
    QJsonParseError error;
    const QJsonArray list = QJsonDocument::fromJson(body, &error).array();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    const QList<qint64> ids = test::simulationIds(list);
    QVERIFY(std::is_sorted(ids.cbegin(), ids.cend()));
    QCOMPARE(QSet<qint64>(ids.cbegin(), ids.cend()).size(), ids.size());
    // Everything up to what was deleted, nothing deleted, the new runs after: the stream was
    // still under way when they changed. Then the pipelined request's own answer.
    QCOMPARE(ids.size(), total - 100 + 500);
    for (qint64 id = 1; id <= total - 100; ++id)
        QCOMPARE(ids.at(id - 1), id);
    QCOMPARE(ids.last(), total + 500);
}

QTEST_GUILESS_MAIN(TestListStream)
#include "tst_liststream.moc"
