#include "database.h"
#include "runtime.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace aisim;
using aisim::test::httpRequest;

namespace {
// A POST of a JSON body as a client sends it, for a raw socket.
QByteArray jsonPost(const QByteArray &path, const QByteArray &body)
{
    return "POST "_ba + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

// Starts a server on two HTTP threads without an engine, with machine 1; says what failed.
QString startWithMachine(test::TestServer &server)
{
    if (!server.start([](RuntimeOptions &options) {
            options.runEngine = false;
            options.httpThreads = 2;
        }))
        return server.error();
    const int status
        = httpRequest(server.port(), "POST", "/machines", R"({"machine_id": 1, "name": "A"})")
              .status;
    return status == 201 ? QString() : u"POST /machines answered %1"_s.arg(status);
}
} // namespace

// The REST API serves on several threads sharing one listening socket: a request that waits
// (here on the database) holds up only its own thread, and what the threads share (the
// metrics) sees every request, whichever thread served it.
class TestHttpThreads : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aRequestWaitingOnTheDatabaseHoldsUpNoOther();
    void oneThreadWhenAskedForOne();
    void runsPostedMeanwhileShareATransaction();
    void keptRunsFollowCommitsOfEveryThreadAndProcess();
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
    writer.write(jsonPost("/machines", body));
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

void TestHttpThreads::runsPostedMeanwhileShareATransaction()
{
    test::TestServer server;
    const QString problem = startWithMachine(server);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    // While another connection holds SQLite's write lock, runs are posted on eight connections
    // (so to both threads): the first waits for the lock, the others wait for it.
    Database other(server.runtime()->database().url());
    QSqlQuery lock(other.connection());
    QVERIFY(lock.exec(u"BEGIN IMMEDIATE"_s));
    const QList<QByteArray> bodies {
        R"({"machine_id": 1, "name": "run 0"})",
        R"({"machine_id": 1, "name": "run 1", "simulation_id": 700})",
        R"({"machine_id": 1, "name": "run 2", "simulation_id": 700})",
        R"({"machine_id": 5, "name": "run 3"})",
        R"({"machine_id": 1, "name": "run 4"})",
        R"({"machine_id": 6, "name": "run 5", "machine": {"name": "Six"}})",
        R"({"machine_id": 1, "name": "run 6"})",
        R"({"machine_id": 1, "name": "run 7"})",
    };
    std::vector<std::unique_ptr<QTcpSocket>> clients;
    for (const QByteArray &body : bodies) {
        auto client = std::make_unique<QTcpSocket>();
        client->connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(client->waitForConnected(5000));
        client->write(jsonPost("/simulation", body));
        QVERIFY(client->waitForBytesWritten(5000));
        clients.push_back(std::move(client));
        QTest::qWait(20); // in this order
    }
    QTest::qWait(300);
    for (const auto &client : clients)
        QCOMPARE(client->bytesAvailable(), 0); // nothing is acknowledged before its commit
    QVERIFY(lock.exec(u"COMMIT"_s));

    const auto answer = [](QTcpSocket &client) {
        QByteArray bytes;
        test::HttpReply reply;
        QElapsedTimer timer;
        timer.start();
        while ((reply = test::parseHttpAnswer(bytes)).status == 0 && timer.elapsed() < 10000) {
            client.waitForReadyRead(100);
            bytes += client.readAll();
        }
        return reply;
    };
    QList<int> statuses;
    QSet<QByteArray> ids;
    for (const auto &client : clients) {
        const test::HttpReply reply = answer(*client);
        statuses << reply.status;
        if (reply.status == 201) {
            ids << reply.header("Location");
            QVERIFY(reply.header("Location").startsWith("/simulation/"));
        }
    }
    QCOMPARE(statuses, (QList<int> {201, 201, 409, 422, 201, 201, 201, 201}));
    QCOMPARE(ids.size(), 6); // each its own run
    QCOMPARE(httpRequest(server.port(), "GET", "/machines/6").status, 200);

    // The seven that waited for the lock went into one transaction, or at most two if the
    // writer took more than the first before it waited.
    const QByteArray metrics = httpRequest(server.port(), "GET", "/metrics").body;
    QVERIFY2(metrics.contains("\naisim_api_creations_total 8\n"), metrics.constData());
    const QRegularExpressionMatch transactions
        = QRegularExpression(u"\\naisim_api_creation_transactions_total (\\d+)\\n"_s)
              .match(QString::fromUtf8(metrics));
    QVERIFY2(transactions.hasMatch(), metrics.constData());
    QVERIFY2(transactions.captured(1).toInt() >= 1 && transactions.captured(1).toInt() <= 2,
             metrics.constData());
}

// Each thread keeps the runs it answered while nothing is committed: a commit through either
// thread, or by another process, is in the next answer of both.
void TestHttpThreads::keptRunsFollowCommitsOfEveryThreadAndProcess()
{
    test::TestServer server;
    const QString problem = startWithMachine(server);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const auto created = httpRequest(server.port(), "POST", "/simulation",
                                     R"({"machine_id": 1, "name": "first"})");
    QCOMPARE(created.status, 201);
    const QByteArray id = QByteArray::number(created.json()[u"id"_s].toInteger());
    // What eight connections, so both threads, are answered: a run's name and status, or the
    // status code alone.
    const auto answers = [&](const QByteArray &path) {
        QSet<QString> seen;
        for (int i = 0; i < 8; ++i) {
            const auto reply = httpRequest(server.port(), "GET", path);
            const QJsonObject run = reply.json().object();
            seen << (reply.status == 200
                         ? run[u"name"_s].toString() + u' ' + run[u"status"_s].toString()
                         : QString::number(reply.status));
        }
        return QStringList(seen.cbegin(), seen.cend());
    };
    const auto otherProcess = [&](const QString &statement) {
        return QProcess::execute(u"sqlite3"_s,
                                 {u"-bail"_s, server.runtime()->database().url().path, statement});
    };
    const QByteArray run = "/simulation/" + id;
    QCOMPARE(answers(run), QStringList {u"first pending"_s});
    QCOMPARE(answers(run), QStringList {u"first pending"_s});
    QCOMPARE(httpRequest(server.port(), "POST", run + "/cancel").status, 200);
    QCOMPARE(answers(run), QStringList {u"first cancelled"_s});
    QCOMPARE(otherProcess(u"UPDATE simulations SET name = 'second' WHERE simulation_id = "_s
                          + QString::fromLatin1(id)),
             0);
    QCOMPARE(answers(run), QStringList {u"second cancelled"_s});
    QCOMPARE(answers("/converge/" + id), QStringList {u" "_s}); // found: no name, no status
    QCOMPARE(
        otherProcess(u"DELETE FROM simulations WHERE simulation_id = "_s + QString::fromLatin1(id)),
        0);
    QCOMPARE(answers(run), QStringList {u"404"_s});
    QCOMPARE(answers("/converge/" + id), QStringList {u"404"_s});
}
