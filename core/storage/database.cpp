#include "database.h"

#include "logging.h"
#include "migrator.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <atomic>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
std::atomic<quint64> s_nextInstanceId {1};
constexpr int kSqliteBusyTimeoutMs = 10000;
} // namespace

Database::Database(DatabaseUrl url)
    : m_url(std::move(url))
    , m_instanceId(s_nextInstanceId++)
    , m_prepared(std::make_shared<PreparedStatements>())
{ }

Database::~Database()
{
    {
        // The queries go before their connections do.
        const QMutexLocker lock(&m_prepared->mutex);
        m_prepared->byConnection.clear();
    }
    const QMutexLocker lock(&m_mutex);
    for (const QString &name : std::as_const(m_connectionNames))
        QSqlDatabase::removeDatabase(name);
}

QString Database::connectionNameForThisThread() const
{
    return u"aisim-%1-%2"_s.arg(m_instanceId).arg(quintptr(QThread::currentThreadId()), 0, 16);
}

QSqlDatabase Database::connection()
{
    const Result<QSqlDatabase> db = open();
    return db.ok() ? db.value() : QSqlDatabase();
}

Result<QSqlDatabase> Database::open()
{
    const QString name = connectionNameForThisThread();
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isOpen())
            return db;
        {
            // Statements prepared on the connection that closed are gone with it.
            const QMutexLocker lock(&m_prepared->mutex);
            m_prepared->byConnection.remove(name);
        }
        if (db.open())
            return db;
        return Error::unavailable(
            u"cannot open %1: %2"_s.arg(m_url.displayString(), db.lastError().text()));
    }

    QSqlDatabase db = QSqlDatabase::addDatabase(m_url.driverName(), name);
    {
        const QMutexLocker lock(&m_mutex);
        m_connectionNames << name;
    }
    // A pooled thread that ends takes its connection, and the statements prepared on it, along.
    QObject::connect(QThread::currentThread(), &QThread::finished,
                     [name, prepared = std::weak_ptr(m_prepared)] {
                         if (const auto statements = prepared.lock()) {
                             const QMutexLocker lock(&statements->mutex);
                             statements->byConnection.remove(name);
                         }
                         QSqlDatabase::removeDatabase(name);
                     });

    if (m_url.dialect == DatabaseUrl::Dialect::Sqlite) {
        const QFileInfo file(m_url.path);
        if (!QDir().mkpath(file.absolutePath()))
            return Error::unavailable(u"cannot create the folder %1"_s.arg(file.absolutePath()));
        db.setDatabaseName(m_url.path);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(kSqliteBusyTimeoutMs));
    } else {
        db.setHostName(m_url.host);
        db.setPort(m_url.port);
        db.setUserName(m_url.user);
        db.setPassword(m_url.password);
        db.setDatabaseName(m_url.databaseName);
        db.setConnectOptions(u"connect_timeout=5;application_name=aisim"_s);
    }
    if (!db.open()) {
        return Error::unavailable(
            u"cannot open %1: %2"_s.arg(m_url.displayString(), db.lastError().text()));
    }
    if (m_url.dialect == DatabaseUrl::Dialect::Sqlite) {
        QSqlQuery query(db);
        // Switching to WAL needs an exclusive lock: only ask when the file is not in WAL yet,
        // or a connection opened while another writes would stall it.
        const bool inWal = query.exec(u"PRAGMA journal_mode"_s) && query.next()
            && query.value(0).toString() == "wal"_L1;
        query.finish();
        QStringList pragmas {u"PRAGMA foreign_keys=ON"_s, u"PRAGMA synchronous=NORMAL"_s};
        if (!inWal)
            pragmas.prepend(u"PRAGMA journal_mode=WAL"_s);
        for (const QString &pragma : std::as_const(pragmas)) {
            if (!query.exec(pragma)) {
                return Error::unavailable(u"cannot configure %1: %2"_s.arg(
                    m_url.displayString(), query.lastError().text()));
            }
        }
    } else {
        QSqlQuery query(db);
        query.exec(u"SET TIME ZONE 'UTC'"_s);
    }
    qCDebug(lcStorage) << "opened" << m_url.displayString() << "as" << name;
    return db;
}

Result<QSqlQuery *> Database::prepared(const QString &statement)
{
    const Result<QSqlDatabase> db = open();
    if (!db)
        return db.error();
    const QString name = db.value().connectionName();
    const QMutexLocker lock(&m_prepared->mutex);
    auto &statements = m_prepared->byConnection[name];
    if (const auto found = statements.constFind(statement); found != statements.constEnd())
        return found.value().get();
    auto query = std::make_shared<QSqlQuery>(db.value());
    query->setForwardOnly(true);
    if (!query->prepare(statement)) {
        qCWarning(lcStorage) << "cannot prepare a statement:" << query->lastError().text();
        return Error::internal(u"cannot prepare a statement: "_s + query->lastError().text());
    }
    statements.insert(statement, query);
    return query.get();
}

void Database::forgetPrepared(const QString &statement)
{
    const QString name = connectionNameForThisThread();
    const QMutexLocker lock(&m_prepared->mutex);
    if (const auto found = m_prepared->byConnection.find(name);
        found != m_prepared->byConnection.end())
        found->remove(statement);
}

Status Database::migrate()
{
    const Result<QSqlDatabase> db = open();
    if (!db)
        return db.error();
    return Migrator(db.value(), isPostgreSql()).migrate();
}

} // namespace aisim
