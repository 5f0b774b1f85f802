#include "database.h"
#include "runtime.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace aisim;
using aisim::test::httpRequest;

// The REST API serves on several threads sharing one listening socket: a request that waits
// (here on the database) holds up only its own thread, and what the threads share (the
// metrics) sees every request, whichever thread served it.
class TestHttpThreads : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aRequestWaitingOnTheDatabaseHoldsUpNoOther();
    void oneThreadWhenAskedForOne();
};

void TestHttpThreads::aRequestWaitingOnTheDatabaseHoldsUpNoOther()
{
    test::TestServer server;
    QVERIFY2(server.start([](RuntimeOptions &options) {
        options.runEngine = false;
        options.httpThreads = 2;
    }),
             qPrintable(server.error()));
    QCOMPARE(server.runtime()->apiServer()->threadCount(), 2);

    // Another connection holds SQLite's write lock: a write request waits for it.
    Database other(server.runtime()->database().url());
    QSqlQuery lock(other.connection());
    QVERIFY(lock.exec(u"BEGIN IMMEDIATE"_s));
    QTcpSocket writer;
    writer.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(writer.waitForConnected(5000));
    const QByteArray body = R"({"machine_id": 7, "name": "blocked"})"_ba;
    writer.write("POST /machines HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                 "Content-Length: "_ba
                 + QByteArray::number(body.size()) + "\r\n\r\n"_ba + body);
    QVERIFY(writer.waitForBytesWritten(5000));
    QTest::qWait(300); // the write is being served, and waits

    // The other thread answers meanwhile; with one thread this took until the lock was gone.
    QElapsedTimer timer;
    timer.start();
    const auto read = httpRequest(server.port(), "GET", "/machines");
    QCOMPARE(read.status, 200);
    QVERIFY2(timer.elapsed() < 2000, qPrintable(u"took %1 ms"_s.arg(timer.elapsed())));
    QVERIFY(writer.bytesAvailable() == 0);

    QVERIFY(lock.exec(u"COMMIT"_s));
    QTRY_VERIFY(writer.bytesAvailable() > 0 || writer.waitForReadyRead(100));
    QVERIFY(writer.readAll().startsWith("HTTP/1.1 201"));

    // One /metrics for both threads: the write and the read were served by different ones.
    const QByteArray metrics = httpRequest(server.port(), "GET", "/metrics").body;
    QVERIFY2(metrics.contains(
                 R"(aisim_http_requests_total{route="/machines",method="POST",status="201"} 1)"),
             metrics.constData());
    QVERIFY2(metrics.contains(
                 R"(aisim_http_requests_total{route="/machines",method="GET",status="200"} 1)"),
             metrics.constData());
}

void TestHttpThreads::oneThreadWhenAskedForOne()
{
    test::TestServer server;
    QVERIFY(server.start([](RuntimeOptions &options) {
        options.runEngine = false;
        options.httpThreads = 1;
    }));
    QCOMPARE(server.runtime()->apiServer()->threadCount(), 1);
    QCOMPARE(httpRequest(server.port(), "GET", "/healthz").status, 200);
}

QTEST_GUILESS_MAIN(TestHttpThreads)
#include "tst_httpthreads.moc"
