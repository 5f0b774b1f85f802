#include "database.h"
#include "testsupport.h"
#include "tokenrepository.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace aisim;
using aisim::test::TestDatabase;

namespace {
struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run runAisim(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(AISIM_EXECUTABLE), arguments);
    Run run;
    if (!process.waitForFinished(30000))
        return run;
    run.exitCode = process.exitCode();
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}
} // namespace

// `aisim token create|list|revoke` and the options of the command line, through the program.
class TestTokenCommand : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void createListRevoke();
    void badArgumentsAreRefused_data();
    void badArgumentsAreRefused();
    void desktopTakesOptionsWithValues();
    void requestTimeoutReachesTheServer();
};

void TestTokenCommand::createListRevoke()
{
    TestDatabase database(TestDatabase::Dialect::Sqlite);
    QVERIFY(database.isAvailable());
    const QString url = u"sqlite://"_s + database.url().path;
    const Run created = runAisim({u"token"_s, u"create"_s, u"--name"_s, u"ci"_s, u"--scope"_s,
                                  u"write"_s, u"--database"_s, url});
    QCOMPARE(created.exitCode, 0);
    // Standard output holds the secret alone, so that scripts can capture it.
    const QString secret = created.out.trimmed();
    QVERIFY2(secret.startsWith("aisim_"_L1) && !secret.contains(u' '), qPrintable(created.out));
    QVERIFY(created.err.contains(u"shown only this once"_s));

    Database db(database.url());
    const auto found = TokenRepository(db).findBySecret(secret.toLatin1());
    QVERIFY(found.ok() && found.value());
    QCOMPARE(scopeName(found.value()->scope), u"write"_s);

    const Run again = runAisim({u"token"_s, u"create"_s, u"--name"_s, u"ci"_s, u"--scope"_s,
                                u"read"_s, u"--database"_s, url});
    QCOMPARE(again.exitCode, 1);
    QVERIFY(again.err.contains(u"already exists"_s));

    const Run listed = runAisim({u"token"_s, u"list"_s, u"--database"_s, url});
    QCOMPARE(listed.exitCode, 0);
    QVERIFY(listed.out.contains(u"ci"_s) && listed.out.contains(u"write"_s));
    QVERIFY(!listed.out.contains(secret));

    QCOMPARE(runAisim({u"token"_s, u"revoke"_s, u"ci"_s, u"--database"_s, url}).exitCode, 0);
    QVERIFY(TokenRepository(db).findBySecret(secret.toLatin1()).value()->isRevoked());
    QCOMPARE(runAisim({u"token"_s, u"revoke"_s, u"nobody"_s, u"--database"_s, url}).exitCode, 1);
}

void TestTokenCommand::badArgumentsAreRefused_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("no action") << QStringList {u"token"_s} << u"create, list or revoke"_s;
    QTest::newRow("bad scope") << QStringList {u"token"_s, u"create"_s,  u"--name"_s,
                                               u"x"_s,     u"--scope"_s, u"root"_s}
                               << u"read, write or admin"_s;
    QTest::newRow("no name") << QStringList {u"token"_s, u"create"_s, u"--scope"_s, u"read"_s}
                             << u"--name"_s;
    QTest::newRow("revoke without name")
        << QStringList {u"token"_s, u"revoke"_s} << u"wrong arguments"_s;
    QTest::newRow("no-auth off loopback")
        << QStringList {u"serve"_s, u"--host"_s, u"0.0.0.0"_s, u"--no-auth"_s} << u"loopback"_s;
    QTest::newRow("bad cors origin")
        << QStringList {u"serve"_s, u"--cors-origin"_s, u"nonsense"_s} << u"--cors-origin"_s;
    QTest::newRow("host as a number")
        << QStringList {u"serve"_s, u"--host"_s, u"18600"_s} << u"--host"_s;
    QTest::newRow("bad request timeout")
        << QStringList {u"serve"_s, u"--request-timeout"_s, u"soon"_s} << u"--request-timeout"_s;
    QTest::newRow("bad idle timeout")
        << QStringList {u"serve"_s, u"--idle-timeout"_s, u"-4"_s} << u"--idle-timeout"_s;
}

void TestTokenCommand::badArgumentsAreRefused()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    TestDatabase database(TestDatabase::Dialect::Sqlite);
    const Run run
        = runAisim(arguments + QStringList {u"--database"_s, u"sqlite://"_s + database.url().path});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(message), qPrintable(run.err));
}

// Options with a value before no command still mean the desktop (the value is not a command).
void TestTokenCommand::desktopTakesOptionsWithValues()
{
    TestDatabase database(TestDatabase::Dialect::Sqlite);
    QTemporaryDir dir;
    const QString picture = dir.filePath(u"window.png"_s);
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    environment.insert(u"XDG_CONFIG_HOME"_s, dir.filePath(u"config"_s));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(AISIM_EXECUTABLE),
                  {u"--cors-origin"_s, u"https://dash.example"_s, u"--request-timeout"_s, u"20"_s,
                   u"--idle-timeout"_s, u"60"_s, u"--port"_s, u"0"_s, u"--database"_s,
                   u"sqlite://"_s + database.url().path, u"--screenshot"_s, picture,
                   u"--screenshot-delay"_s, u"300"_s});
    QVERIFY(process.waitForFinished(30'000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    QVERIFY(QFileInfo(picture).size() > 0);
}

void TestTokenCommand::requestTimeoutReachesTheServer()
{
    TestDatabase database(TestDatabase::Dialect::Sqlite);
    QProcess server;
    server.setProcessChannelMode(QProcess::SeparateChannels);
    server.start(QStringLiteral(AISIM_EXECUTABLE),
                 {u"serve"_s, u"--no-auth"_s, u"--port"_s, u"0"_s, u"--workers"_s, u"0"_s,
                  u"--request-timeout"_s, u"1"_s, u"--database"_s,
                  u"sqlite://"_s + database.url().path});
    static const QRegularExpression listening(u"REST API on http://127\\.0\\.0\\.1:(\\d+)"_s);
    QByteArray log;
    quint16 port = 0;
    QVERIFY(QTest::qWaitFor(
        [&] {
            server.waitForReadyRead(100);
            log += server.readAll();
            const auto match = listening.match(QString::fromUtf8(log));
            port = match.hasMatch() ? quint16(match.captured(1).toUInt()) : 0;
            return port != 0;
        },
        20'000));

    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(socket.waitForConnected(5000));
    QElapsedTimer timer;
    timer.start();
    const QByteArray request = "GET /machines HTTP/1.1\r\nHost: x\r\n"_ba; // never complete
    socket.write(request);
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 10'000);
    const QByteArray answer = socket.readAll();
    test::expectDocumentedRawAnswer(request, answer);
    QVERIFY(answer.startsWith("HTTP/1.1 408 "));
    QVERIFY2(timer.elapsed() >= 900 && timer.elapsed() < 8'000,
             qPrintable(QString::number(timer.elapsed())));
    server.terminate();
    QVERIFY(server.waitForFinished(10'000));
}

QTEST_GUILESS_MAIN(TestTokenCommand)
#include "tst_tokencommand.moc"
