#pragma once

#include "databaseurl.h"
#include "runtime.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <functional>
#include <memory>

namespace aisim::test {

// A database that exists for one test: a fresh SQLite file, or a fresh PostgreSQL database
// on the server named by AISIM_TEST_POSTGRES_URL (dropped again afterwards).
class TestDatabase
{
public:
    enum class Dialect { Sqlite, PostgreSql };

    explicit TestDatabase(Dialect dialect);
    ~TestDatabase();

    bool isAvailable() const { return m_available; }
    QString whyUnavailable() const { return m_why; }
    const DatabaseUrl &url() const { return m_url; }

private:
    Dialect m_dialect;
    bool m_available = false;
    QString m_why;
    DatabaseUrl m_url;
    QTemporaryDir m_dir;
    QString m_adminConnection;
};

// The dialects the storage and engine tests run on, as Qt Test data rows.
// PostgreSQL rows are skipped only when no server is configured and AISIM_REQUIRE_POSTGRES
// is unset; scripts/test always sets both, so there a missing server fails the run.
void addDialectRows();
// A test of PostgreSQL alone (its locks, its deadlocks): its one row.
void addPostgreSqlRow();

// Runs a statement on this thread's connection of database (inside its open transaction, if
// any) for a test's other session: what went wrong, or an empty text.
QString runStatement(Database &database, const QString &statement, const QVariantList &values = {});
// PostgreSQL: waits, for at most 10 s, until another session waits for a lock that this
// thread's session of database holds; what went wrong, or an empty text. A deadlock test's
// session then asks for its second lock knowing which transaction waited first.
QString waitForSessionBlocked(Database &database);

// Opens a runtime and starts its REST API on a free loopback port, or says why it cannot.
Result<std::unique_ptr<Runtime>> openServer(const RuntimeOptions &options);

// A fresh SQLite database and a runtime serving its REST API on a free loopback port: the
// fixture of the API tests. Defaults: two workers polling every 50 ms, no tokens.
class TestServer
{
public:
    // adjust() changes the options (workers, auth, CORS …) before the runtime opens.
    bool start(const std::function<void(RuntimeOptions &)> &adjust = {});
    void stop();

    Runtime *runtime() const { return m_runtime.get(); }
    quint16 port() const { return m_runtime ? m_runtime->apiServer()->port() : 0; }
    const QString &error() const { return m_error; }

private:
    std::unique_ptr<TestDatabase> m_database;
    std::unique_ptr<Runtime> m_runtime;
    QString m_error;
};

struct HttpReply
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const;
    QJsonDocument json() const { return QJsonDocument::fromJson(body); }
};

// One HTTP request over a real socket to 127.0.0.1:port, waiting for the whole answer. The
// answer must be what the OpenAPI document promises (see ResponseValidator), or the test fails.
HttpReply httpRequest(quint16 port, const QByteArray &method, const QByteArray &path,
                      const QByteArray &body = {},
                      const QList<QPair<QByteArray, QByteArray>> &headers = {});

// The first answer in bytes read from a socket: status line, headers, and as many body bytes as
// Content-Length says (none when headersOnly). Status 0 while it is incomplete; *consumed tells
// how many bytes it took.
HttpReply parseHttpAnswer(const QByteArray &bytes, bool headersOnly = false,
                          qsizetype *consumed = nullptr);

// Fails the running test unless the answer to method and path (with its query) is what the
// OpenAPI document promises; for answers read without httpRequest().
void expectDocumentedAnswer(const QByteArray &method, const QByteArray &path,
                            const HttpReply &reply, bool bodyOmitted = false);

// The same for an answer read from a raw socket: request is what was sent (its request line
// names the operation; bytes that are no HTTP request leave only the refusals before the API),
// answer what came back. An interim 100 Continue is skipped; an incomplete answer is no answer.
void expectDocumentedRawAnswer(const QByteArray &request, const QByteArray &answer);

// Ends this thread's PostgreSQL connection of database from another session, as a server
// restart would; the next statement finds the connection gone.
bool terminateConnection(Database &database);

// The simulation_id of each run of a JSON list of runs, in its order.
QList<qint64> simulationIds(const QJsonArray &runs);

struct SseEvent
{
    QByteArray name;
    QJsonObject data;
};

// A Server-Sent Events client over a plain socket: collects every frame it receives.
class SseClient : public QObject
{
public:
    SseClient(quint16 port, const QByteArray &path, const QByteArray &authorization = {});

    QByteArray head() const { return m_head; }
    const QList<SseEvent> &events() const { return m_events; }
    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }

private:
    void read();

    QByteArray m_path;
    QTcpSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_head;
    QList<SseEvent> m_events;
    bool m_checked = false;
};

} // namespace aisim::test

// Opens the current data row's database into `name`, or skips (fails, when
// AISIM_REQUIRE_POSTGRES is set) when that dialect has no server.
#define AISIM_OPEN_TEST_DATABASE(name)                                                             \
    QFETCH(int, dialect);                                                                          \
    auto name = std::make_unique<aisim::test::TestDatabase>(                                       \
        aisim::test::TestDatabase::Dialect(dialect));                                              \
    if (!name->isAvailable()) {                                                                    \
        if (qEnvironmentVariableIsSet("AISIM_REQUIRE_POSTGRES"))                                   \
            QFAIL(qPrintable(name->whyUnavailable()));                                             \
        QSKIP(qPrintable(name->whyUnavailable()));                                                 \
    }
