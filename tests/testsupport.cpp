#include "testsupport.h"

#include "responsevalidator.h"
#include "sqlsupport.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace aisim::test {

TestDatabase::TestDatabase(Dialect dialect)
    : m_dialect(dialect)
{
    if (dialect == Dialect::Sqlite) {
        m_available = m_dir.isValid();
        m_url = DatabaseUrl::sqliteFile(m_dir.filePath(u"test.db"_s));
        return;
    }
    const QString serverUrl = qEnvironmentVariable("AISIM_TEST_POSTGRES_URL");
    if (serverUrl.isEmpty()) {
        m_why = u"AISIM_TEST_POSTGRES_URL is not set"_s;
        return;
    }
    QString error;
    const auto server = DatabaseUrl::parse(serverUrl, &error);
    if (!server) {
        m_why = error;
        return;
    }
    m_adminConnection = u"aisim-test-admin-"_s + QUuid::createUuid().toString(QUuid::Id128);
    QSqlDatabase admin = QSqlDatabase::addDatabase(u"QPSQL"_s, m_adminConnection);
    admin.setHostName(server->host);
    admin.setPort(server->port);
    admin.setUserName(server->user);
    admin.setPassword(server->password);
    admin.setDatabaseName(server->databaseName);
    if (!admin.open()) {
        m_why = u"cannot reach PostgreSQL: "_s + admin.lastError().text();
        return;
    }
    m_url = *server;
    m_url.databaseName = u"aisim_test_"_s + QUuid::createUuid().toString(QUuid::Id128).left(12);
    QSqlQuery query(admin);
    if (!query.exec(u"CREATE DATABASE "_s + m_url.databaseName)) {
        m_why = u"cannot create a test database: "_s + query.lastError().text();
        return;
    }
    m_available = true;
}

TestDatabase::~TestDatabase()
{
    if (m_adminConnection.isEmpty())
        return;
    {
        QSqlDatabase admin = QSqlDatabase::database(m_adminConnection, false);
        if (m_available) {
            QSqlQuery query(admin);
            query.exec(u"DROP DATABASE IF EXISTS %1 WITH (FORCE)"_s.arg(m_url.databaseName));
        }
        admin.close();
    }
    QSqlDatabase::removeDatabase(m_adminConnection);
}

void addDialectRows()
{
    QTest::addColumn<int>("dialect");
    QTest::newRow("sqlite") << int(TestDatabase::Dialect::Sqlite);
    QTest::newRow("postgresql") << int(TestDatabase::Dialect::PostgreSql);
}

void addPostgreSqlRow()
{
    QTest::addColumn<int>("dialect");
    QTest::newRow("postgresql") << int(TestDatabase::Dialect::PostgreSql);
}

QString runStatement(Database &database, const QString &statement, const QVariantList &values)
{
    const auto ran = sql::run(database, statement, values, u"run a test's statement"_s);
    return ran ? QString() : ran.error().message;
}

QString waitForSessionBlocked(Database &database)
{
    QElapsedTimer waited;
    waited.start();
    for (;;) {
        auto waiting = sql::run(database,
                                u"SELECT COUNT(*) FROM pg_locks WHERE NOT granted "
                                "AND pg_backend_pid() = ANY (pg_blocking_pids(pid))"_s,
                                {}, u"look for a session waiting for this one"_s);
        if (!waiting)
            return waiting.error().message;
        if (sql::readCount(waiting.value()) > 0)
            return QString();
        if (waited.elapsed() > 10'000)
            return u"no other session waited for a lock of this one"_s;
        QThread::msleep(5);
    }
}

Result<std::unique_ptr<Runtime>> openServer(const RuntimeOptions &options)
{
    // Every answer is checked: node has loaded the document before the first request is timed.
    ResponseValidator::instance().start();
    auto runtime = Runtime::open(options);
    if (!runtime)
        return runtime.error();
    if (const auto port = runtime.value()->startApi(QHostAddress::LocalHost, 0); !port)
        return port.error();
    return std::move(runtime.value());
}

bool TestServer::start(const std::function<void(RuntimeOptions &)> &adjust)
{
    stop();
    m_database = std::make_unique<TestDatabase>(TestDatabase::Dialect::Sqlite);
    RuntimeOptions options;
    options.database = m_database->url();
    options.engine.workers = 2;
    options.engine.pollIntervalMs = 50;
    options.apiAuth = api::AuthMode::Disabled;
    if (adjust)
        adjust(options);
    auto server = openServer(options);
    if (!server) {
        m_error = server.error().message;
        return false;
    }
    m_runtime = std::move(server.value());
    return true;
}

void TestServer::stop()
{
    m_runtime.reset();
    m_database.reset();
}

QByteArray HttpReply::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

HttpReply httpRequest(quint16 port, const QByteArray &method, const QByteArray &path,
                      const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkAccessManager manager;
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1"_s.arg(port) + QString::fromUtf8(path)));
    bool hasContentType = false;
    for (const auto &[key, value] : headers) {
        request.setRawHeader(key, value);
        hasContentType |= key.compare("Content-Type", Qt::CaseInsensitive) == 0;
    }
    if (!body.isEmpty() && !hasContentType)
        request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json"_ba);
    QNetworkReply *reply = manager.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();
    HttpReply result;
    if (reply->isFinished()) {
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.headers = reply->rawHeaderPairs();
        result.body = reply->readAll();
        // After a redirect the answer is the one of the last URL.
        const QByteArray finalPath
            = reply->url()
                  .toString(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::FullyEncoded)
                  .toUtf8();
        expectDocumentedAnswer(method, finalPath, result, method == "HEAD");
    }
    reply->deleteLater();
    return result;
}

HttpReply parseHttpAnswer(const QByteArray &bytes, bool headersOnly, qsizetype *consumed)
{
    HttpReply reply;
    const qsizetype end = bytes.indexOf("\r\n\r\n");
    if (consumed)
        *consumed = 0;
    if (end < 0)
        return reply;
    const QList<QByteArray> lines = bytes.left(end).split('\n');
    qsizetype length = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed();
        const QByteArray value = line.mid(colon + 1).trimmed();
        reply.headers.append({name, value});
        if (name.compare("Content-Length", Qt::CaseInsensitive) == 0)
            length = value.toLongLong();
    }
    const qsizetype total = end + 4 + (headersOnly ? 0 : length);
    if (bytes.size() < total)
        return reply;
    reply.status = lines.constFirst().split(' ').value(1).toInt();
    reply.body = bytes.mid(end + 4, total - end - 4);
    if (consumed)
        *consumed = total;
    return reply;
}

void expectDocumentedAnswer(const QByteArray &method, const QByteArray &path,
                            const HttpReply &reply, bool bodyOmitted)
{
    expectDocumented({method, path, reply.status, reply.headers, reply.body, bodyOmitted});
}

bool terminateConnection(Database &database)
{
    QSqlQuery pid(database.connection());
    if (!pid.exec(u"SELECT pg_backend_pid()"_s) || !pid.next())
        return false;
    const int backend = pid.value(0).toInt();
    pid.finish();
    Database admin(database.url());
    QSqlQuery terminate(admin.connection());
    return terminate.exec(u"SELECT pg_terminate_backend(%1)"_s.arg(backend)) && terminate.next()
        && terminate.value(0).toBool();
}

QList<qint64> simulationIds(const QJsonArray &runs)
{
    QList<qint64> ids;
    for (const QJsonValue &run : runs)
        ids << run[u"simulation_id"_s].toInteger();
    return ids;
}

void expectDocumentedRawAnswer(const QByteArray &request, const QByteArray &answer)
{
    const QList<QByteArray> requestLine = request.left(request.indexOf("\r\n")).split(' ');
    const bool isHttp = requestLine.size() == 3 && requestLine.at(1).startsWith('/')
        && requestLine.at(2).startsWith("HTTP/");
    const QByteArray method = isHttp ? requestLine.at(0) : QByteArray();
    const QByteArray path = isHttp ? requestLine.at(1) : QByteArray();
    QByteArray bytes = answer;
    if (bytes.startsWith("HTTP/1.1 100 Continue\r\n\r\n"))
        bytes.remove(0, 25);
    const HttpReply reply = parseHttpAnswer(bytes, method == "HEAD");
    if (reply.status != 0)
        expectDocumentedAnswer(method, path, reply, method == "HEAD");
}

SseClient::SseClient(quint16 port, const QByteArray &path, const QByteArray &authorization)
    : m_path(path)
{
    connect(&m_socket, &QTcpSocket::readyRead, this, [this] { read(); });
    m_socket.connectToHost(QHostAddress::LocalHost, port);
    m_socket.waitForConnected(5000);
    QByteArray request = "GET "_ba + path + " HTTP/1.1\r\nHost: localhost\r\n"_ba;
    if (!authorization.isEmpty())
        request += "Authorization: "_ba + authorization + "\r\n"_ba;
    m_socket.write(request + "\r\n"_ba);
}

void SseClient::read()
{
    m_buffer += m_socket.readAll();
    if (!m_checked) {
        // A refusal is checked whole, the stream's answer by its header block.
        const HttpReply refusal = parseHttpAnswer(m_buffer);
        const HttpReply stream = parseHttpAnswer(m_buffer, true);
        if (refusal.status != 0 && refusal.status != 200) {
            expectDocumentedAnswer("GET", m_path, refusal);
            m_checked = true;
        } else if (stream.status == 200) {
            expectDocumentedAnswer("GET", m_path, stream, true);
            m_checked = true;
        }
    }
    if (m_head.isEmpty()) {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        m_head = m_buffer.left(end);
        m_buffer.remove(0, end + 4);
    }
    qsizetype end;
    while ((end = m_buffer.indexOf("\n\n")) >= 0) {
        const QByteArray frame = m_buffer.left(end);
        m_buffer.remove(0, end + 2);
        SseEvent event;
        for (const QByteArray &line : frame.split('\n')) {
            if (line.startsWith("event: "))
                event.name = line.mid(7);
            else if (line.startsWith("data: "))
                event.data = QJsonDocument::fromJson(line.mid(6)).object();
        }
        if (!event.name.isEmpty())
            m_events.append(event);
    }
}

} // namespace aisim::test
