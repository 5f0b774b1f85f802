#include "responsevalidator.h"
#include "runtime.h"
#include "testsupport.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace aisim;
using aisim::test::httpRequest;
using aisim::test::TestDatabase;

// The OpenAPI document at /openapi.json and Swagger UI at /docs.
class TestOpenApi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void documentPassesTheValidator();
    void validatorRejectsABrokenDocument();
    void everyServedRouteIsDocumentedAndBack();
    void securedOperationsDocumentTheirErrors();
    void docsPageShowsEveryOperationInChromium();
    void docsServesOnlyItsOwnFiles();
    void servedDocumentIsTheOneAnswersAreCheckedAgainst();
    void simulationAnswersMatchExactlyOneShape();
    void validatorRejectsAnswersTheDocumentDoesNotAllow_data();
    void validatorRejectsAnswersTheDocumentDoesNotAllow();
    void generatedClientRunsTheReadmeRequests();

private:
    QJsonObject document();
    // Runs node with the build's npm packages; its exit code, and its output in *output.
    int runNode(const QStringList &arguments, QString *output,
                const QProcessEnvironment &extra = {}, int timeoutMs = 60'000);
    // Runs the npm validator on a document; its exit code, and its output in *output.
    int validate(const QByteArray &json, QString *output);

    aisim::test::TestServer m_server;
};

void TestOpenApi::initTestCase()
{
    QVERIFY2(m_server.start([](RuntimeOptions &options) {
        options.runEngine = false;
        options.apiAuth = api::AuthMode::Required;
    }),
             qPrintable(m_server.error()));
}

void TestOpenApi::cleanupTestCase()
{
    m_server.stop();
}

QJsonObject TestOpenApi::document()
{
    const auto reply = httpRequest(m_server.port(), "GET", "/openapi.json");
    return reply.status == 200 ? reply.json().object() : QJsonObject();
}

int TestOpenApi::runNode(const QStringList &arguments, QString *output,
                         const QProcessEnvironment &extra, int timeoutMs)
{
    const QString node = QStandardPaths::findExecutable(u"node"_s);
    if (node.isEmpty()) {
        *output = u"node is not installed (apt-get install nodejs)"_s;
        return -1;
    }
    const QString modules = QStringLiteral(AISIM_NPM_DIR) + "/node_modules"_L1;
    if (!QFileInfo::exists(modules + "/@apidevtools/swagger-parser"_L1)) {
        *output = u"the OpenAPI validator is missing: configure with npm installed "
                  "(-DAISIM_WEB_ASSETS=ON)"_s;
        return -1;
    }
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"NODE_PATH"_s, modules);
    environment.insert(extra);
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(node, arguments);
    if (!process.waitForFinished(timeoutMs)) {
        *output = u"node did not finish: "_s + QString::fromUtf8(process.readAll());
        process.kill();
        process.waitForFinished();
        return -1;
    }
    *output = QString::fromUtf8(process.readAll());
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

int TestOpenApi::validate(const QByteArray &json, QString *output)
{
    QTemporaryDir dir;
    QFile file(dir.filePath(u"openapi.json"_s));
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size())
        return -1;
    file.close();
    return runNode({QStringLiteral(AISIM_OPENAPI_VALIDATOR), file.fileName()}, output);
}

void TestOpenApi::documentPassesTheValidator()
{
    const auto reply = httpRequest(m_server.port(), "GET", "/openapi.json");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Content-Type"), "application/json"_ba);
    QString output;
    QCOMPARE(validate(reply.body, &output), 0);
    const QString operations
        = u", %1 operations"_s.arg(m_server.runtime()->apiServer()->routes().size());
    QVERIFY2(output.contains(operations), qPrintable(output));
    QVERIFY2(output.startsWith("valid: AISimulation REST API"_L1), qPrintable(output));
}

void TestOpenApi::validatorRejectsABrokenDocument()
{
    QJsonObject broken = document();
    QJsonObject paths = broken[u"paths"_s].toObject();
    QJsonObject machines = paths[u"/machines"_s].toObject();
    QJsonObject list = machines[u"get"_s].toObject();
    list.remove(u"responses"_s);
    machines[u"get"_s] = list;
    paths[u"/machines"_s] = machines;
    broken[u"paths"_s] = paths;
    QString output;
    QCOMPARE(validate(QJsonDocument(broken).toJson(), &output), 1);
    QVERIFY2(output.contains(u"responses"_s), qPrintable(output));
}

void TestOpenApi::everyServedRouteIsDocumentedAndBack()
{
    QSet<QString> served;
    for (const auto &[method, path] : m_server.runtime()->apiServer()->routes())
        served.insert(QString::fromLatin1(method.toLower()) + u' ' + path);
    QVERIFY(served.size() >= 20);
    QSet<QString> documented;
    const QJsonObject paths = document()[u"paths"_s].toObject();
    for (auto path = paths.begin(); path != paths.end(); ++path) {
        const QJsonObject item = path.value().toObject();
        for (auto method = item.begin(); method != item.end(); ++method)
            documented.insert(method.key() + u' ' + path.key());
    }
    QCOMPARE(QSet<QString>(served).subtract(documented), QSet<QString>());
    QCOMPARE(QSet<QString>(documented).subtract(served), QSet<QString>());
}

void TestOpenApi::securedOperationsDocumentTheirErrors()
{
    const QJsonObject api = document();
    QCOMPARE(api[u"components"_s][u"securitySchemes"_s][u"bearerAuth"_s][u"scheme"_s].toString(),
             u"bearer"_s);
    QSet<QString> publicPaths;
    for (const auto &[method, path] : m_server.runtime()->apiServer()->routes()) {
        const QJsonObject operation
            = api[u"paths"_s][path][QString::fromLatin1(method.toLower())].toObject();
        const QJsonObject responses = operation[u"responses"_s].toObject();
        const bool isPublic = operation.contains(u"security"_s);
        if (isPublic)
            publicPaths.insert(path);
        // What the document says must be what the server does.
        const int status = httpRequest(m_server.port(), method, path.toUtf8()).status;
        if (isPublic) {
            QVERIFY2(status != 401, qPrintable(path));
        } else {
            QCOMPARE(status, 401);
            QVERIFY2(responses.contains(u"401"_s) && responses.contains(u"403"_s),
                     qPrintable(path));
        }
        if (operation.contains(u"parameters"_s) || operation.contains(u"requestBody"_s))
            QVERIFY2(responses.contains(u"422"_s),
                     qPrintable(QString::fromLatin1(method) + u' ' + path));
        if (operation.contains(u"requestBody"_s))
            QVERIFY(responses.contains(u"413"_s) && responses.contains(u"415"_s));
    }
    QCOMPARE(publicPaths,
             (QSet<QString> {u"/healthz"_s, u"/readyz"_s, u"/openapi.json"_s, u"/docs"_s,
                             u"/docs/{file}"_s}));
}

void TestOpenApi::docsPageShowsEveryOperationInChromium()
{
    const QString chromium = QStandardPaths::findExecutable(u"chromium"_s);
    QVERIFY2(!chromium.isEmpty(), "chromium is not installed (apt-get install chromium)");
    QTemporaryDir profile;
    QProcess browser;
    browser.start(chromium,
                  {u"--headless"_s, u"--no-sandbox"_s, u"--disable-gpu"_s,
                   u"--disable-background-networking"_s, u"--disable-component-update"_s,
                   u"--no-first-run"_s, u"--user-data-dir="_s + profile.path(),
                   u"--virtual-time-budget=15000"_s, u"--dump-dom"_s,
                   u"http://127.0.0.1:%1/docs"_s.arg(m_server.port())});
    QVERIFY(browser.waitForFinished(120000));
    const QByteArray dom = browser.readAllStandardOutput();
    QVERIFY2(dom.contains("swagger-ui"), dom.left(2000).constData());

    int operations = 0;
    const QJsonObject paths = document()[u"paths"_s].toObject();
    for (auto path = paths.begin(); path != paths.end(); ++path) {
        const QJsonObject item = path.value().toObject();
        for (auto method = item.begin(); method != item.end(); ++method) {
            const QJsonObject operation = method.value().toObject();
            const QByteArray id = "id=\"operations-"_ba
                + operation[u"tags"_s][0].toString().toUtf8() + '-'
                + operation[u"operationId"_s].toString().toUtf8() + '"';
            QVERIFY2(dom.contains(id), id.constData());
            QVERIFY2(dom.contains(QByteArray("data-path=\""_ba + path.key().toUtf8() + '"')),
                     qPrintable(path.key()));
            ++operations;
        }
    }
    QCOMPARE(operations, int(m_server.runtime()->apiServer()->routes().size()));
}

void TestOpenApi::docsServesOnlyItsOwnFiles()
{
    const auto script = httpRequest(m_server.port(), "GET", "/docs/swagger-ui-bundle.js");
    QCOMPARE(script.status, 200);
    QCOMPARE(script.header("Content-Type"), "application/javascript"_ba);
    QVERIFY(script.body.size() > 100000);
    QCOMPARE(httpRequest(m_server.port(), "GET", "/docs/package.json").status, 404);
    QCOMPARE(httpRequest(m_server.port(), "GET", "/docs/..%2F..%2Fetc%2Fpasswd").status, 404);
    const auto page = httpRequest(m_server.port(), "GET", "/docs");
    QCOMPARE(page.status, 200);
    QVERIFY(page.body.contains("/openapi.json"));
    QVERIFY(!page.body.contains("http://") && !page.body.contains("https://"));
}

// The suite checks answers against resources/openapi.json: it must be what the server serves.
void TestOpenApi::servedDocumentIsTheOneAnswersAreCheckedAgainst()
{
    QFile file(QStringLiteral(AISIM_OPENAPI_FILE));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const auto reply = httpRequest(m_server.port(), "GET", "/openapi.json");
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.body == file.readAll());
}

// GET /simulation/{id} answers one of two shapes; a strict client (oneOf) needs exactly one to
// match each answer: the plain shape is closed, the detail shape requires its fields.
void TestOpenApi::simulationAnswersMatchExactlyOneShape()
{
    const QList<QPair<QByteArray, QByteArray>> admin {
        {"Authorization"_ba, "Bearer "_ba + m_server.runtime()->initialAdminToken().toLatin1()}};
    const auto created
        = httpRequest(m_server.port(), "POST", "/simulation",
                      R"({"name": "shape", "machine": {"machine_id": 7, "name": "m"}})"_ba, admin);
    QCOMPARE(created.status, 201);
    const QByteArray path = created.header("Location");
    auto &validator = test::ResponseValidator::instance();
    for (const QByteArray &query : {""_ba, "?detail=true"_ba, "?detail=false"_ba}) {
        const auto reply = httpRequest(m_server.port(), "GET", path + query, {}, admin);
        QCOMPARE(reply.status, 200);
        QCOMPARE(reply.json().object().contains(u"progress"_s), query == "?detail=true");
        const test::Verdict verdict = validator.check(
            {"GET", path + query, reply.status, reply.headers, reply.body, false});
        QVERIFY2(verdict.ok, qPrintable(verdict.errors.join(u"; "_s)));
        QCOMPARE(verdict.operation, u"getSimulation"_s);
    }
    const QJsonObject schema
        = document()[u"paths"_s][u"/simulation/{simulation_id}"_s][u"get"_s][u"responses"_s]
                    [u"200"_s][u"content"_s][u"application/json"_s][u"schema"_s]
                        .toObject();
    QCOMPARE(schema[u"oneOf"_s].toArray().size(), 2);
}

void TestOpenApi::validatorRejectsAnswersTheDocumentDoesNotAllow_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("reason");
    const QByteArray json = "Content-Type: application/json"_ba;
    const QByteArray run = R"({"simulation_id":1,"name":"a","machine_id":1,"status":"pending",)"
                           R"("creation_date":"2024-03-05T14:30:00.000000",)"
                           R"("update_date":"2024-03-05T14:30:00.000000")"_ba;
    QTest::newRow("a plain answer that passes")
        << "GET"_ba
        << "/simulation/1"_ba << 200 << json << run + '}' << QString();
    QTest::newRow("wrong type") << "GET"_ba
                                << "/machines"_ba << 200 << json
                                << R"([{"machine_id":"1","name":"a"}])"_ba << u"must be integer"_s;
    QTest::newRow("extra property on the plain shape")
        << "GET"_ba
        << "/simulation/1"_ba << 200 << json << run + R"(,"progress":0.5})"
        << u"must match exactly one schema in oneOf"_s;
    QTest::newRow("detail field missing")
        << "GET"_ba
        << "/simulation/1?detail=true"_ba << 200 << json
        << run + R"(,"progress":0,"points_done":0,"attempts":0,"max_attempts":3})"
        << u"must match exactly one schema in oneOf"_s;
    QTest::newRow("missing required field")
        << "GET"_ba
        << "/converge/1"_ba << 200 << json << R"({"points":[]})"_ba << u"required property"_s;
    QTest::newRow("undocumented status")
        << "GET"_ba
        << "/machines"_ba << 404 << json << R"({"detail":"Not Found"})"_ba
        << u"status 404 is not documented"_s;
    QTest::newRow("undocumented path")
        << "GET"_ba
        << "/nowhere"_ba << 200 << json << "[]"_ba << u"is not in the document"_s;
    QTest::newRow("wrong content type") << "GET"_ba
                                        << "/machines"_ba << 200 << "Content-Type: text/html"_ba
                                        << "[]"_ba << u"content type"_s;
    QTest::newRow("not JSON") << "GET"_ba
                              << "/machines"_ba << 200 << json << "[{"_ba << u"not JSON"_s;
    QTest::newRow("201 without Location")
        << "POST"_ba
        << "/simulation"_ba << 201 << json << R"({"id":1,"status":"pending"})"_ba
        << u"header Location is missing"_s;
    QTest::newRow("401 without WWW-Authenticate")
        << "GET"_ba
        << "/machines"_ba << 401 << json << R"({"detail":"Not authenticated"})"_ba
        << u"header WWW-Authenticate is missing"_s;
    QTest::newRow("405 without Allow")
        << "PUT"_ba
        << "/machines"_ba << 405 << json << R"({"detail":"Method Not Allowed"})"_ba
        << u"header Allow is missing"_s;
    QTest::newRow("X-Total-Count not a number")
        << "GET"_ba
        << "/simulations?limit=1"_ba << 200 << json + "\nX-Total-Count: many"_ba
        << "[]"_ba << u"header X-Total-Count"_s;
    QTest::newRow("body on 204") << "DELETE"_ba
                                 << "/machines/1"_ba << 204 << json << "{}"_ba
                                 << u"a body where the document declares none"_s;
    QTest::newRow("422 in the wrong shape")
        << "POST"_ba
        << "/machines"_ba << 422 << json << R"({"detail":"name is missing"})"_ba
        << u"must be array"_s;
    QTest::newRow("redirect elsewhere")
        << "GET"_ba
        << "/machines/"_ba << 307 << "Location: /simulations"_ba << QByteArray()
        << u"rather than to the path without its slash"_s;
}

// The validator every REST test relies on must be able to say no.
void TestOpenApi::validatorRejectsAnswersTheDocumentDoesNotAllow()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, path);
    QFETCH(int, status);
    QFETCH(QByteArray, headers);
    QFETCH(QByteArray, body);
    QFETCH(QString, reason);
    test::CheckedAnswer answer {method, path, status, {}, body, false};
    for (const QByteArray &line : headers.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        answer.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    const test::Verdict verdict = test::ResponseValidator::instance().check(answer);
    const QString errors = verdict.errors.join(u"; "_s);
    if (reason.isEmpty()) {
        QVERIFY2(verdict.ok, qPrintable(errors));
        return;
    }
    QVERIFY2(!verdict.ok, "the validator accepted it");
    QVERIFY2(errors.contains(reason), qPrintable(errors));
}

// A client generated from the served document (openapi-typescript-codegen, compiled by tsc)
// runs the original service's README requests and every other JSON operation against a live
// server; every answer it gets matches the document.
void TestOpenApi::generatedClientRunsTheReadmeRequests()
{
    test::TestServer server;
    QVERIFY2(
        server.start([](RuntimeOptions &options) { options.apiAuth = api::AuthMode::Required; }),
        qPrintable(server.error()));
    QTemporaryDir dir;
    const auto served = httpRequest(server.port(), "GET", "/openapi.json");
    QCOMPARE(served.status, 200);
    QFile document(dir.filePath(u"openapi.json"_s));
    QVERIFY(document.open(QIODevice::WriteOnly)
            && document.write(served.body) == served.body.size());
    document.close();
    QVERIFY(QFile::copy(QStringLiteral(AISIM_README_CLIENT), dir.filePath(u"readme-client.ts"_s)));
    const QString modules = QStringLiteral(AISIM_NPM_DIR) + "/node_modules/"_L1;

    QString output;
    QCOMPARE(runNode({modules + "openapi-typescript-codegen/bin/index.js"_L1, u"--input"_s,
                      document.fileName(), u"--output"_s, dir.filePath(u"generated"_s),
                      u"--client"_s, u"fetch"_s, u"--useOptions"_s, u"--useUnionTypes"_s},
                     &output),
             0);
    const int compiled
        = runNode({modules + "typescript/bin/tsc"_L1, u"--strict"_s, u"--target"_s, u"es2020"_s,
                   u"--module"_s, u"commonjs"_s, u"--lib"_s, u"es2020,dom"_s, u"--outDir"_s,
                   dir.filePath(u"out"_s), dir.filePath(u"readme-client.ts"_s)},
                  &output, {}, 120'000);
    QVERIFY2(compiled == 0, qPrintable(output));

    QProcessEnvironment environment;
    environment.insert(u"AISIM_BASE"_s, u"http://127.0.0.1:%1"_s.arg(server.port()));
    environment.insert(u"AISIM_TOKEN"_s, server.runtime()->initialAdminToken());
    environment.insert(u"AISIM_DOCUMENT"_s, document.fileName());
    environment.insert(u"AISIM_RESPONSE_VALIDATOR"_s, QStringLiteral(AISIM_RESPONSE_VALIDATOR));
    const int ran = runNode({dir.filePath(u"out/readme-client.js"_s)}, &output, environment);
    QVERIFY2(ran == 0, qPrintable(output));
    static const QRegularExpression summary(u"^(\\d+) of (\\d+) answers match the document$"_s,
                                            QRegularExpression::MultilineOption);
    const auto counted = summary.match(output);
    QVERIFY2(counted.hasMatch(), qPrintable(output));
    QCOMPARE(counted.captured(1), counted.captured(2));
    QVERIFY2(counted.captured(2).toInt() >= 30, qPrintable(output));
    qInfo().noquote() << output.trimmed();
}

QTEST_GUILESS_MAIN(TestOpenApi)
#include "tst_openapi.moc"
