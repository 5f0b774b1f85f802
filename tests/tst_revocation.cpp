#include "runtime.h"
#include "testsupport.h"
#include "tokenrepository.h"

#include <QTest>
#include <QWebSocket>

using namespace Qt::StringLiterals;
using namespace aisim;
using aisim::test::httpRequest;
using aisim::test::SseClient;

// Revoking a token ends the event streams opened with it, wherever it is revoked, and leaves
// the other streams alone.
class TestRevocation : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanup();
    void revokingOverHttpEndsItsStreamsAtOnce();
    void revokingFromAnotherConnectionEndsItsStreams_data() { test::addDialectRows(); }
    void revokingFromAnotherConnectionEndsItsStreams();

private:
    void startApi(const DatabaseUrl &url);
    QByteArray createToken(const QString &name, TokenScope scope);

    std::unique_ptr<Runtime> m_runtime;
    quint16 m_port = 0;
};

void TestRevocation::cleanup()
{
    m_runtime.reset();
}

void TestRevocation::startApi(const DatabaseUrl &url)
{
    RuntimeOptions options;
    options.database = url;
    options.runEngine = false;
    options.apiAuth = api::AuthMode::Required;
    auto server = aisim::test::openServer(options);
    QVERIFY2(server.ok(), qPrintable(server ? QString() : server.error().message));
    m_runtime = std::move(server.value());
    m_port = m_runtime->apiServer()->port();
}

QByteArray TestRevocation::createToken(const QString &name, TokenScope scope)
{
    const auto created = TokenRepository(m_runtime->database()).create(name, scope);
    return created ? created->secret.toLatin1() : QByteArray();
}

namespace {
bool endedWithRevocation(const SseClient &client)
{
    return !client.isConnected() && !client.events().isEmpty()
        && client.events().constLast().name == "error"
        && client.events().constLast().data[u"detail"_s] == u"Token revoked"_s;
}
} // namespace

void TestRevocation::revokingOverHttpEndsItsStreamsAtOnce()
{
    test::TestDatabase database(test::TestDatabase::Dialect::Sqlite);
    QVERIFY(database.isAvailable());
    startApi(database.url());
    const QByteArray admin = "Bearer "_ba + createToken(u"root"_s, TokenScope::Admin);
    const QByteArray doomed = createToken(u"dashboard"_s, TokenScope::Read);
    const QByteArray kept = createToken(u"monitor"_s, TokenScope::Read);

    SseClient doomedStream(m_port, "/events", "Bearer "_ba + doomed);
    SseClient keptStream(m_port, "/events", "Bearer "_ba + kept);
    QWebSocket doomedSocket;
    doomedSocket.open(
        QUrl(u"ws://127.0.0.1:%1/events?access_token=%2"_s.arg(m_port).arg(QLatin1String(doomed))));
    QTRY_VERIFY(doomedStream.head().startsWith("HTTP/1.1 200"));
    QTRY_VERIFY(keptStream.head().startsWith("HTTP/1.1 200"));
    QTRY_COMPARE(doomedSocket.state(), QAbstractSocket::ConnectedState);

    const auto revoked
        = httpRequest(m_port, "DELETE", "/tokens/dashboard", {}, {{"Authorization"_ba, admin}});
    QCOMPARE(revoked.status, 200);
    // Ended by the revocation itself, well before the periodic check (1 s) would come round.
    QTRY_VERIFY_WITH_TIMEOUT(endedWithRevocation(doomedStream), 700);
    QTRY_COMPARE_WITH_TIMEOUT(doomedSocket.state(), QAbstractSocket::UnconnectedState, 700);
    QCOMPARE(doomedSocket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QCOMPARE(doomedSocket.closeReason(), u"Token revoked"_s);

    // The other stream still streams.
    QVERIFY(keptStream.isConnected());
    QCOMPARE(httpRequest(m_port, "POST", "/machines", R"({"name": "after"})"_ba,
                         {{"Authorization"_ba, admin}})
                 .status,
             201);
    QTRY_VERIFY(!keptStream.events().isEmpty()
                && keptStream.events().constLast().name == "machines");
    QVERIFY(keptStream.isConnected());
    // And the revoked token opens no new stream.
    SseClient refused(m_port, "/events", "Bearer "_ba + doomed);
    QTRY_VERIFY(refused.head().startsWith("HTTP/1.1 401"));
}

// As `aisim token revoke` or the window would: through another connection to the database.
void TestRevocation::revokingFromAnotherConnectionEndsItsStreams()
{
    AISIM_OPEN_TEST_DATABASE(database);
    startApi(database->url());
    const QByteArray doomed = createToken(u"dashboard"_s, TokenScope::Read);
    const QByteArray kept = createToken(u"monitor"_s, TokenScope::Read);
    SseClient doomedStream(m_port, "/events", "Bearer "_ba + doomed);
    SseClient keptStream(m_port, "/events", "Bearer "_ba + kept);
    QTRY_VERIFY(doomedStream.head().startsWith("HTTP/1.1 200"));
    QTRY_VERIFY(keptStream.head().startsWith("HTTP/1.1 200"));

    Database elsewhere(database->url());
    QVERIFY(TokenRepository(elsewhere).revoke(u"dashboard"_s).ok());
    QTRY_VERIFY_WITH_TIMEOUT(endedWithRevocation(doomedStream), 5'000);
    QTest::qWait(1'500); // another check or two
    QVERIFY(keptStream.isConnected());
}

QTEST_GUILESS_MAIN(TestRevocation)
#include "tst_revocation.moc"
