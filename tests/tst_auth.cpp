#include "database.h"
#include "runtime.h"
#include "testsupport.h"
#include "tokenrepository.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QSqlQuery>
#include <QTest>
#include <QWebSocket>

using namespace Qt::StringLiterals;
using namespace aisim;
using aisim::test::httpRequest;
using aisim::test::TestDatabase;

namespace {
QPair<QByteArray, QByteArray> bearer(const QString &secret)
{
    return {"Authorization"_ba, "Bearer "_ba + secret.toLatin1()};
}
} // namespace

// Bearer tokens: their storage, the scope matrix of the REST API and the auth options.
class TestAuth : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void tokensAreStoredAsHashesOnly_data() { test::addDialectRows(); }
    void tokensAreStoredAsHashesOnly();
    void firstStartCreatesOneAdminToken();
    void scopeMatrix_data();
    void scopeMatrix();
    void missingOrMalformedTokenIsChallenged_data();
    void missingOrMalformedTokenIsChallenged();
    void revokedTokenIsRefused();
    void tokenRevokedElsewhereIsRefusedWithinASecond();
    void useIsRecorded();
    void adminManagesTokensOverHttp();
    void publicEndpointsNeedNoToken_data();
    void publicEndpointsNeedNoToken();
    void disabledAuthIsRefusedOffLoopback();
    void disabledAuthServesWithoutToken();
    void corsIsOffByDefaultAndAnswersAllowedOrigins();
    void seedRequestsAnswerAsBeforeWithAToken();
    void webSocketEventsNeedAToken();

private:
    void startApi(api::AuthMode mode, const QStringList &corsOrigins = {}, bool runEngine = false);
    QString createToken(const QString &name, TokenScope scope);

    std::unique_ptr<TestDatabase> m_database;
    std::unique_ptr<Runtime> m_runtime;
    quint16 m_port = 0;
};

void TestAuth::init()
{
    m_database = std::make_unique<TestDatabase>(TestDatabase::Dialect::Sqlite);
    QVERIFY(m_database->isAvailable());
}

void TestAuth::cleanup()
{
    m_runtime.reset();
    m_database.reset();
}

void TestAuth::startApi(api::AuthMode mode, const QStringList &corsOrigins, bool runEngine)
{
    RuntimeOptions options;
    options.database = m_database->url();
    options.runEngine = runEngine;
    options.engine.workers = 1;
    options.apiAuth = mode;
    options.corsOrigins = corsOrigins;
    auto server = aisim::test::openServer(options);
    QVERIFY2(server.ok(), qPrintable(server ? QString() : server.error().message));
    m_runtime = std::move(server.value());
    m_port = m_runtime->apiServer()->port();
}

QString TestAuth::createToken(const QString &name, TokenScope scope)
{
    const auto created = TokenRepository(m_runtime->database()).create(name, scope);
    return created ? created->secret : QString();
}

void TestAuth::tokensAreStoredAsHashesOnly()
{
    AISIM_OPEN_TEST_DATABASE(database);
    Database db(database->url());
    QVERIFY(db.migrate().ok());
    TokenRepository tokens(db);
    const auto created = tokens.create(u"ci"_s, TokenScope::Write);
    QVERIFY(created.ok());
    QVERIFY(created->secret.startsWith("aisim_"_L1));
    QVERIFY(created->secret.size() > 40);
    QCOMPARE(tokens.create(u"ci"_s, TokenScope::Read).error().kind, Error::Kind::Conflict);

    QSqlQuery query(db.connection());
    QVERIFY(query.exec(u"SELECT token_hash FROM api_tokens"_s));
    QVERIFY(query.next());
    const QString stored = query.value(0).toString();
    QVERIFY(!stored.contains(created->secret));
    QCOMPARE(stored.toLatin1(), TokenRepository::hashSecret(created->secret.toLatin1()));

    const auto found = tokens.findBySecret(created->secret.toLatin1());
    QVERIFY(found.ok() && found.value());
    QCOMPARE(found.value()->name, u"ci"_s);
    QCOMPARE(scopeName(found.value()->scope), u"write"_s);
    const auto unknown = tokens.findBySecret("aisim_nonsense"_ba);
    QVERIFY(unknown.ok() && !unknown.value());

    QVERIFY(tokens.revoke(u"ci"_s).ok());
    QVERIFY(tokens.findBySecret(created->secret.toLatin1()).value()->isRevoked());
    QCOMPARE(tokens.revoke(u"nobody"_s).error().kind, Error::Kind::NotFound);
}

void TestAuth::firstStartCreatesOneAdminToken()
{
    startApi(api::AuthMode::Required);
    const QString secret = m_runtime->initialAdminToken();
    QVERIFY(!secret.isEmpty());
    const auto reply = httpRequest(m_port, "GET", "/tokens", {}, {bearer(secret)});
    QCOMPARE(reply.status, 200);
    const QJsonArray tokens = reply.json().array();
    QCOMPARE(tokens.size(), 1);
    QCOMPARE(tokens.at(0)[u"scope"_s].toString(), u"admin"_s);
    QVERIFY(!reply.body.contains(secret.toLatin1()));

    // A second start on the same database creates none.
    m_runtime.reset();
    startApi(api::AuthMode::Required);
    QVERIFY(m_runtime->initialAdminToken().isEmpty());
    QCOMPARE(httpRequest(m_port, "GET", "/tokens", {}, {bearer(secret)}).status, 200);
}

void TestAuth::scopeMatrix_data()
{
    QTest::addColumn<int>("scope");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    const QByteArray machine = R"({"name": "m"})"_ba;
    const QByteArray token = R"({"name": "t", "scope": "read"})"_ba;
    for (const auto &[name, scope] :
         {std::pair {"read", TokenScope::Read}, std::pair {"write", TokenScope::Write},
          std::pair {"admin", TokenScope::Admin}}) {
        const bool canWrite = scope != TokenScope::Read;
        const bool isAdmin = scope == TokenScope::Admin;
        QTest::addRow("%s GET /machines", name) << int(scope) << "GET"_ba
                                                << "/machines"_ba << QByteArray() << 200;
        QTest::addRow("%s GET /simulations", name) << int(scope) << "GET"_ba
                                                   << "/simulations"_ba << QByteArray() << 200;
        QTest::addRow("%s GET /metrics", name) << int(scope) << "GET"_ba
                                               << "/metrics"_ba << QByteArray() << 200;
        QTest::addRow("%s POST /machines", name)
            << int(scope) << "POST"_ba
            << "/machines"_ba << machine << (canWrite ? 201 : 403);
        QTest::addRow("%s POST /simulation/1/cancel", name)
            << int(scope) << "POST"_ba
            << "/simulation/1/cancel"_ba << QByteArray() << (canWrite ? 404 : 403);
        QTest::addRow("%s DELETE /machines/5", name)
            << int(scope) << "DELETE"_ba
            << "/machines/5"_ba << QByteArray() << (canWrite ? 404 : 403);
        QTest::addRow("%s GET /tokens", name)
            << int(scope) << "GET"_ba
            << "/tokens"_ba << QByteArray() << (isAdmin ? 200 : 403);
        QTest::addRow("%s POST /tokens", name) << int(scope) << "POST"_ba
                                               << "/tokens"_ba << token << (isAdmin ? 201 : 403);
        QTest::addRow("%s DELETE /tokens/admin", name)
            << int(scope) << "DELETE"_ba
            << "/tokens/nobody"_ba << QByteArray() << (isAdmin ? 404 : 403);
    }
}

void TestAuth::scopeMatrix()
{
    QFETCH(int, scope);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    startApi(api::AuthMode::Required);
    const QString secret = createToken(u"caller"_s, TokenScope(scope));
    const auto reply = httpRequest(m_port, method, path, body, {bearer(secret)});
    QCOMPARE(reply.status, status);
    if (status == 403)
        QVERIFY(reply.json()[u"detail"_s].toString().contains(u"scope"_s));
}

void TestAuth::missingOrMalformedTokenIsChallenged_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<QByteArray>("challenge");
    QTest::newRow("none") << QByteArray() << "Bearer"_ba;
    QTest::newRow("basic") << "Basic dXNlcjpwYXNz"_ba
                           << "Bearer"_ba;
    QTest::newRow("empty bearer") << "Bearer "_ba
                                  << "Bearer"_ba;
    QTest::newRow("unknown") << "Bearer aisim_unknown"_ba
                             << "Bearer error=\"invalid_token\""_ba;
}

void TestAuth::missingOrMalformedTokenIsChallenged()
{
    QFETCH(QByteArray, authorization);
    QFETCH(QByteArray, challenge);
    startApi(api::AuthMode::Required);
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!authorization.isEmpty())
        headers.append({"Authorization"_ba, authorization});
    for (const QByteArray &path : {"/simulations"_ba, "/machines/1"_ba, "/events"_ba}) {
        const auto reply = httpRequest(m_port, "GET", path, {}, headers);
        QCOMPARE(reply.status, 401);
        QCOMPARE(reply.header("WWW-Authenticate"), challenge);
        QVERIFY(reply.json()[u"detail"_s].isString());
    }
    const auto post = httpRequest(m_port, "POST", "/machines", R"({"name": "m"})"_ba, headers);
    QCOMPARE(post.status, 401);
}

void TestAuth::revokedTokenIsRefused()
{
    startApi(api::AuthMode::Required);
    const QString secret = createToken(u"soon-gone"_s, TokenScope::Admin);
    QCOMPARE(httpRequest(m_port, "GET", "/machines", {}, {bearer(secret)}).status, 200);
    QVERIFY(TokenRepository(m_runtime->database()).revoke(u"soon-gone"_s).ok());
    const auto reply = httpRequest(m_port, "GET", "/machines", {}, {bearer(secret)});
    QCOMPARE(reply.status, 401);
    QCOMPARE(reply.header("WWW-Authenticate"), "Bearer error=\"invalid_token\""_ba);
}

// As `aisim token revoke` does from its own process: the row changes, nothing in this process
// hears of it. A token is believed for a second after it was read, no longer.
void TestAuth::tokenRevokedElsewhereIsRefusedWithinASecond()
{
    startApi(api::AuthMode::Required);
    const QString secret = createToken(u"elsewhere"_s, TokenScope::Read);
    const QString kept = createToken(u"kept"_s, TokenScope::Read);
    QCOMPARE(httpRequest(m_port, "GET", "/machines", {}, {bearer(secret)}).status, 200);
    const quint64 revocations = TokenRepository::revocationsInThisProcess();
    {
        Database other(m_database->url());
        QSqlQuery query(other.connection());
        QVERIFY(query.exec(u"UPDATE api_tokens SET revoked_at = 1 WHERE name = 'elsewhere'"_s));
        QCOMPARE(query.numRowsAffected(), 1);
    }
    QCOMPARE(TokenRepository::revocationsInThisProcess(), revocations);
    QElapsedTimer sinceRevocation;
    sinceRevocation.start();
    QTRY_COMPARE_WITH_TIMEOUT(httpRequest(m_port, "GET", "/machines", {}, {bearer(secret)}).status,
                              401, 5'000);
    qInfo() << "refused" << sinceRevocation.elapsed() << "ms after the revocation";
    QCOMPARE(httpRequest(m_port, "GET", "/machines", {}, {bearer(kept)}).status, 200);
    // Refused for good: the refusal is not believed away.
    for (int i = 0; i < 3; ++i)
        QCOMPARE(httpRequest(m_port, "GET", "/machines", {}, {bearer(secret)}).status, 401);
}

void TestAuth::useIsRecorded()
{
    startApi(api::AuthMode::Required);
    const QString secret = createToken(u"reader"_s, TokenScope::Read);
    TokenRepository tokens(m_runtime->database());
    QVERIFY(!tokens.findBySecret(secret.toLatin1()).value()->lastUsedAt.isValid());
    QCOMPARE(httpRequest(m_port, "GET", "/machines", {}, {bearer(secret)}).status, 200);
    QTRY_VERIFY(tokens.findBySecret(secret.toLatin1()).value()->lastUsedAt.isValid());
}

void TestAuth::adminManagesTokensOverHttp()
{
    startApi(api::AuthMode::Required);
    const auto admin = bearer(m_runtime->initialAdminToken());
    const auto created = httpRequest(m_port, "POST", "/tokens",
                                     R"({"name": "dashboard", "scope": "write"})"_ba, {admin});
    QCOMPARE(created.status, 201);
    const QString secret = created.json()[u"token"_s].toString();
    QVERIFY(!secret.isEmpty());
    QCOMPARE(
        httpRequest(m_port, "POST", "/machines", R"({"name": "m"})"_ba, {bearer(secret)}).status,
        201);
    QCOMPARE(httpRequest(m_port, "POST", "/tokens", R"({"name": "dashboard", "scope": "read"})"_ba,
                         {admin})
                 .status,
             409);
    const auto invalid
        = httpRequest(m_port, "POST", "/tokens", R"({"name": "", "scope": "root"})"_ba, {admin});
    QCOMPARE(invalid.status, 422);
    QCOMPARE(invalid.json()[u"detail"_s].toArray().size(), 2);
    // Names must work in a path and a table: no spaces, slashes, line feeds or other letters.
    for (const QByteArray &name :
         {"my token"_ba, "a/b"_ba, "two\\nlines"_ba, "über"_ba, QByteArray(65, 'a')}) {
        const auto refused = httpRequest(
            m_port, "POST", "/tokens", R"({"name": ")" + name + R"(", "scope": "read"})", {admin});
        QVERIFY2(refused.status == 422, name.constData());
        QCOMPARE(refused.json()[u"detail"_s][0][u"loc"_s].toArray(),
                 (QJsonArray {u"body"_s, u"name"_s}));
    }
    QCOMPARE(httpRequest(m_port, "POST", "/tokens",
                         R"({"name": "ci.build-2_x", "scope": "read"})"_ba, {admin})
                 .status,
             201);

    const auto revoked = httpRequest(m_port, "DELETE", "/tokens/dashboard", {}, {admin});
    QCOMPARE(revoked.status, 200);
    QVERIFY(!revoked.json()[u"revoked_at"_s].isNull());
    QCOMPARE(httpRequest(m_port, "GET", "/machines", {}, {bearer(secret)}).status, 401);
}

void TestAuth::publicEndpointsNeedNoToken_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::newRow("healthz") << "/healthz"_ba;
    QTest::newRow("readyz") << "/readyz"_ba;
    QTest::newRow("openapi") << "/openapi.json"_ba;
}

void TestAuth::publicEndpointsNeedNoToken()
{
    QFETCH(QByteArray, path);
    startApi(api::AuthMode::Required);
    QCOMPARE(httpRequest(m_port, "GET", path).status, 200);
}

void TestAuth::disabledAuthIsRefusedOffLoopback()
{
    RuntimeOptions options;
    options.database = m_database->url();
    options.runEngine = false;
    options.apiAuth = api::AuthMode::Disabled;
    auto runtime = Runtime::open(options);
    QVERIFY(runtime.ok());
    const auto refused = runtime.value()->startApi(QHostAddress::AnyIPv4, 0);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().kind, Error::Kind::Invalid);
    QVERIFY(refused.error().message.contains(u"loopback"_s));
    QVERIFY(runtime.value()->startApi(QHostAddress::LocalHost, 0).ok());
}

void TestAuth::disabledAuthServesWithoutToken()
{
    startApi(api::AuthMode::Disabled);
    QVERIFY(m_runtime->initialAdminToken().isEmpty());
    QCOMPARE(httpRequest(m_port, "POST", "/machines", R"({"name": "m"})"_ba).status, 201);
    QCOMPARE(httpRequest(m_port, "GET", "/tokens").status, 200);
}

void TestAuth::corsIsOffByDefaultAndAnswersAllowedOrigins()
{
    const QPair<QByteArray, QByteArray> origin {"Origin"_ba, "https://dash.example"_ba};
    const QList<QPair<QByteArray, QByteArray>> preflight {
        origin, {"Access-Control-Request-Method"_ba, "POST"_ba}};
    startApi(api::AuthMode::Disabled);
    auto plain = httpRequest(m_port, "GET", "/machines", {}, {origin});
    QCOMPARE(plain.status, 200);
    QVERIFY(plain.header("Access-Control-Allow-Origin").isEmpty());
    QCOMPARE(httpRequest(m_port, "OPTIONS", "/machines", {}, preflight).status, 405);

    m_runtime.reset();
    startApi(api::AuthMode::Disabled, {u"https://dash.example"_s});
    plain = httpRequest(m_port, "GET", "/machines", {}, {origin});
    QCOMPARE(plain.header("Access-Control-Allow-Origin"), "https://dash.example"_ba);
    const auto answer = httpRequest(m_port, "OPTIONS", "/machines", {}, preflight);
    QCOMPARE(answer.status, 204);
    QCOMPARE(answer.header("Access-Control-Allow-Origin"), "https://dash.example"_ba);
    QCOMPARE(answer.header("Access-Control-Allow-Methods"), "GET, HEAD, POST"_ba);
    QVERIFY(answer.header("Access-Control-Allow-Headers").contains("Authorization"));
    const auto stranger
        = httpRequest(m_port, "GET", "/machines", {}, {{"Origin"_ba, "https://evil.example"_ba}});
    QVERIFY(stranger.header("Access-Control-Allow-Origin").isEmpty());
    QCOMPARE(httpRequest(m_port, "OPTIONS", "/machines", {},
                         {{"Origin"_ba, "https://evil.example"_ba},
                          {"Access-Control-Request-Method"_ba, "POST"_ba}})
                 .status,
             403);
}

void TestAuth::seedRequestsAnswerAsBeforeWithAToken()
{
    startApi(api::AuthMode::Required, {}, true);
    const QString secret = createToken(u"seed-client"_s, TokenScope::Write);
    const QByteArray seedBody = R"({"simulation_id": 1, "name": "Sample Simulation",
        "machine_id": 101, "status": "pending", "creation_date": "2024-03-05T14:30:00",
        "update_date": "2024-03-05T15:00:00",
        "machine": {"machine_id": 101, "name": "Machine A"}})"_ba;
    QCOMPARE(httpRequest(m_port, "POST", "/simulation", seedBody).status, 401);

    const auto created = httpRequest(m_port, "POST", "/simulation", seedBody, {bearer(secret)});
    QCOMPARE(created.status, 201);
    QCOMPARE(created.json().object(), (QJsonObject {{u"id"_s, 1}, {u"status"_s, u"pending"_s}}));
    QCOMPARE(created.header("Location"), "/simulation/1"_ba);

    const auto list
        = httpRequest(m_port, "GET", "/simulations?order_by=creation_date", {}, {bearer(secret)});
    QCOMPARE(list.status, 200);
    QCOMPARE(list.json().array().size(), 1);
    const QJsonObject simulation = list.json().array().at(0).toObject();
    QCOMPARE(simulation.keys(),
             (QStringList {u"creation_date"_s, u"machine_id"_s, u"name"_s, u"simulation_id"_s,
                           u"status"_s, u"update_date"_s}));
    QCOMPARE(simulation[u"name"_s].toString(), u"Sample Simulation"_s);
    // The run may start between the two requests: status and update time may move on.
    QJsonObject one
        = httpRequest(m_port, "GET", "/simulation/1", {}, {bearer(secret)}).json().object();
    QJsonObject listed = simulation;
    for (QJsonObject *object : {&one, &listed}) {
        object->remove(u"status"_s);
        object->remove(u"update_date"_s);
    }
    QCOMPARE(one, listed);
    // The seed's first point: 0.042 after 10 seconds, a second of wall time after the start.
    QTRY_VERIFY_WITH_TIMEOUT(!httpRequest(m_port, "GET", "/converge/1", {}, {bearer(secret)})
                                  .json()[u"data"_s]
                                  .toArray()
                                  .isEmpty(),
                             10000);
    const QJsonObject first = httpRequest(m_port, "GET", "/converge/1", {}, {bearer(secret)})
                                  .json()[u"data"_s][0]
                                  .toObject();
    QCOMPARE(first, (QJsonObject {{u"seconds"_s, 10}, {u"loss"_s, 0.042}}));
    QCOMPARE(httpRequest(m_port, "GET", "/converge/1").status, 401);
}

void TestAuth::webSocketEventsNeedAToken()
{
    startApi(api::AuthMode::Required);
    const QString secret = createToken(u"watcher"_s, TokenScope::Read);
    const auto open = [this](const QString &query, QWebSocket &socket) {
        socket.open(QUrl(u"ws://127.0.0.1:%1/events%2"_s.arg(m_port).arg(query)));
    };
    QWebSocket anonymous;
    open(QString(), anonymous);
    QTRY_COMPARE(anonymous.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QCOMPARE(anonymous.closeReason(), u"Not authenticated"_s);
    QWebSocket wrong;
    open(u"?access_token=aisim_wrong"_s, wrong);
    QTRY_COMPARE(wrong.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);

    QWebSocket allowed;
    QStringList messages;
    connect(&allowed, &QWebSocket::textMessageReceived, this,
            [&messages](const QString &text) { messages << text; });
    open(u"?access_token="_s + secret, allowed);
    QTRY_COMPARE(allowed.state(), QAbstractSocket::ConnectedState);
    const QString writer = createToken(u"writer"_s, TokenScope::Write);
    QCOMPARE(
        httpRequest(m_port, "POST", "/machines", R"({"name": "m"})"_ba, {bearer(writer)}).status,
        201);
    QTRY_COMPARE(messages, QStringList {uR"({"event":"machines","data":{}})"_s});
    QCOMPARE(allowed.state(), QAbstractSocket::ConnectedState);
}

QTEST_GUILESS_MAIN(TestAuth)
#include "tst_auth.moc"
