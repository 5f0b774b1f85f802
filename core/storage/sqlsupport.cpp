#include "sqlsupport.h"

#include "database.h"
#include "logging.h"

#include <QHash>
#include <QSqlDriver>
#include <QSqlError>

using namespace Qt::StringLiterals;

namespace aisim::sql {

namespace {
// Turns the query's last error into an Error of the right kind, logging what went wrong.
Error failure(QSqlQuery &query, const QString &what)
{
    const QSqlError error = query.lastError();
    if (isUniqueViolation(query)) {
        qCDebug(lcStorage) << what << "conflicts:" << error.text();
        return Error::conflict(what + u": "_s + error.databaseText());
    }
    qCWarning(lcStorage) << what << "failed:" << error.text();
    if (isConnectionLost(query)) {
        // Close it so that the thread's next Database::open() connects afresh.
        const_cast<QSqlDriver *>(query.driver())->close(); // the connection owns it
        return Error::unavailable(what + u": the database connection was lost: "_s + error.text());
    }
    if (error.type() == QSqlError::ConnectionError)
        return Error::unavailable(what + u": "_s + error.text());
    return Error::internal(what + u": "_s + error.text());
}
// One mutex per SQLite file, for the whole process: the file's write lock is process-wide too.
QMutex &writeMutexFor(const QString &file)
{
    static QMutex registryMutex;
    static QHash<QString, std::shared_ptr<QMutex>> mutexes;
    const QMutexLocker lock(&registryMutex);
    std::shared_ptr<QMutex> &mutex = mutexes[file];
    if (!mutex)
        mutex = std::make_shared<QMutex>();
    return *mutex;
}
} // namespace

Status exec(QSqlQuery &query, const QString &what)
{
    if (query.exec())
        return success();
    return failure(query, what);
}

Status exec(QSqlQuery &query, const QString &statement, const QVariantList &values,
            const QString &what)
{
    if (!query.prepare(statement))
        return failure(query, what);
    for (const QVariant &value : values)
        query.addBindValue(value);
    return exec(query, what);
}

Result<QSqlQuery> run(Database &database, const QString &statement, const QVariantList &values,
                      const QString &what)
{
    const auto db = database.open();
    if (!db)
        return db.error();
    QSqlQuery query(db.value());
    query.setForwardOnly(true); // rows are read once, in order: no cache of them all
    if (const Status status = exec(query, statement, values, what); !status)
        return status.error();
    return query;
}

Result<KeptQuery> runKept(Database &database, const QString &statement, const QVariantList &values,
                          const QString &what)
{
    const Result<QSqlQuery *> prepared = database.prepared(statement);
    if (!prepared)
        return prepared.error();
    QSqlQuery *query = prepared.value();
    for (qsizetype i = 0; i < values.size(); ++i)
        query->bindValue(int(i), values.at(i));
    if (query->exec())
        return KeptQuery(query);
    const Error error = failure(*query, what);
    query->finish();
    // A statement that failed may have lost its connection or its server-side plan: prepare
    // it afresh next time.
    database.forgetPrepared(statement);
    return error;
}

Result<int> change(Database &database, const QString &statement, const QVariantList &values,
                   const QString &what)
{
    auto query = run(database, statement, values, what);
    if (!query)
        return query.error();
    return query.value().numRowsAffected();
}

bool isConnectionLost(const QSqlQuery &query)
{
    const QSqlDriver *driver = query.driver();
    if (!driver || driver->dbmsType() != QSqlDriver::PostgreSQL)
        return false;
    // libpq reports a dropped server connection in these words (SQLSTATE 57P01 when the
    // administrator terminated it).
    const QSqlError error = query.lastError();
    const QString text = error.text();
    return error.nativeErrorCode().startsWith("57P"_L1)
        || error.nativeErrorCode().startsWith("08"_L1)
        || text.contains("server closed the connection"_L1)
        || text.contains("no connection to the server"_L1)
        || text.contains("terminating connection"_L1);
}

bool isUniqueViolation(const QSqlQuery &query)
{
    const QSqlError error = query.lastError();
    // PostgreSQL: SQLSTATE 23505; SQLite: extended code 2067 (or 1555 for a primary key).
    const QString code = error.nativeErrorCode();
    return code == "23505"_L1 || code == "2067"_L1 || code == "1555"_L1
        || error.databaseText().contains("UNIQUE constraint failed"_L1);
}

Transaction::Transaction(const QSqlDatabase &db)
    : m_db(db)
    , m_sqlite(m_db.driverName() == "QSQLITE"_L1)
{
    if (m_sqlite) {
        m_writeTurn = std::make_unique<QMutexLocker<QMutex>>(&writeMutexFor(m_db.databaseName()));
        // IMMEDIATE takes the write lock up front, waiting for it under the busy timeout. A
        // deferred transaction that reads first cannot write once another connection has
        // committed meanwhile: every later statement would fail with "database is locked".
        QSqlQuery begin(m_db);
        m_active = begin.exec(u"BEGIN IMMEDIATE"_s);
        if (!m_active) {
            qCWarning(lcStorage) << "cannot begin a transaction:" << begin.lastError().text();
            m_writeTurn.reset();
        }
        return;
    }
    m_active = m_db.transaction();
    if (!m_active)
        qCWarning(lcStorage) << "cannot begin a transaction:" << m_db.lastError().text();
}

Transaction::~Transaction()
{
    if (m_active)
        rollback();
}

void Transaction::rollback()
{
    m_active = false;
    QSqlQuery rollback(m_db);
    const bool rolledBack = m_sqlite ? rollback.exec(u"ROLLBACK"_s) : m_db.rollback();
    if (!rolledBack)
        qCWarning(lcStorage) << "rollback failed:"
                             << (m_sqlite ? rollback.lastError() : m_db.lastError()).text();
    m_writeTurn.reset();
}

Status Transaction::commit()
{
    if (!m_active)
        return Error::internal(u"no transaction to commit"_s);
    m_active = false;
    QSqlQuery commit(m_db);
    if (m_sqlite ? commit.exec(u"COMMIT"_s) : m_db.commit()) {
        m_writeTurn.reset();
        return success();
    }
    const QString failure = (m_sqlite ? commit.lastError() : m_db.lastError()).text();
    qCWarning(lcStorage) << "commit failed:" << failure;
    m_active = true;
    rollback();
    return Error::internal(u"commit failed: "_s + failure);
}

} // namespace aisim::sql
