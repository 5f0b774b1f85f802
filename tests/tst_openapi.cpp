#include "runtime.h"
#include "testsupport.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
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

private:
    QJsonObject document();
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

int TestOpenApi::validate(const QByteArray &json, QString *output)
{
    const QString node = QStandardPaths::findExecutable(u"node"_s);
    if (node.isEmpty()) {
        *output = u"node is not installed (apt-get install nodejs)"_s;
        return -1;
    }
    QTemporaryDir dir;
    QFile file(dir.filePath(u"openapi.json"_s));
    if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size())
        return -1;
    file.close();
    const QString modules = QStringLiteral(AISIM_NPM_DIR) + "/node_modules"_L1;
    if (!QFileInfo::exists(modules + "/@apidevtools/swagger-parser"_L1)) {
        *output = u"the OpenAPI validator is missing: configure with npm installed "
                  "(-DAISIM_WEB_ASSETS=ON)"_s;
        return -1;
    }
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"NODE_PATH"_s, modules);
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(node, {QStringLiteral(AISIM_OPENAPI_VALIDATOR), file.fileName()});
    if (!process.waitForFinished(60000)) {
        *output = u"the validator did not finish"_s;
        return -1;
    }
    *output = QString::fromUtf8(process.readAll());
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
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

QTEST_GUILESS_MAIN(TestOpenApi)
#include "tst_openapi.moc"
