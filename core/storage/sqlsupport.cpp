#include "sqlsupport.h"

#include "database.h"
#include "logging.h"
#include "storagefaults.h"
#include "storagehealth.h"

#include <QHash>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlField>

#include <sqlite3.h>

#include <atomic>
#include <functional>
#include <optional>
#include <utility>

using namespace Qt::StringLiterals;

namespace aisim::sql {

namespace {
// Transactions open on this thread's connections: a statement inside one is never repeated.
thread_local int t_openTransactions = 0;
// statementsSent()
thread_local quint64 t_statementsSent = 0;
// Set when a failed statement ended this thread's PostgreSQL transaction early.
thread_local bool t_transactionEnded = false;
// Savepoints open on this thread's connections: a failed statement is undone to the last one.
thread_local int t_openSavepoints = 0;
// A Savepoint's statements; nested ones share the name, each undoing to the innermost.
const QString kBeginSavepoint = QStringLiteral("SAVEPOINT part");
const QString kRollBackToSavepoint = QStringLiteral("ROLLBACK TO SAVEPOINT part");
const QString kReleaseSavepoint = QStringLiteral("RELEASE SAVEPOINT part");

// Whether an ended transaction left nothing to undo: SQLite ends one itself on some errors
// (a full disk among them), PostgreSQL when the connection drops.
bool nothingToRollBack(const QSqlError &error)
{
    const QString text = error.text();
    return text.contains("no transaction is active"_L1)
        || text.contains("no transaction in progress"_L1);
}

// The error of a transaction PostgreSQL ended to break a deadlock (40P01) or a serialization
// conflict (40001); nullopt for any other error.
std::optional<Error> abortedTransaction(const QSqlError &error, bool postgreSql,
                                        const QString &what)
{
    const QString state = error.nativeErrorCode();
    if (!postgreSql || (state != "40P01"_L1 && state != "40001"_L1))
        return std::nullopt;
    qCDebug(lcStorage) << what << "was aborted:" << error.text();
    return Error::abortedTransaction(what + u": "_s + error.databaseText());
}

Error failure(QSqlQuery &query, const QString &what, Database *database)
{
    const QSqlError error = query.lastError();
    const bool conflict = isUniqueViolation(query);
    const bool connectionLost = !conflict && isConnectionLost(query);
    const bool postgreSql = query.driver() && query.driver()->dbmsType() == QSqlDriver::PostgreSQL;
    const StorageFault fault
        = connectionLost ? StorageFault::Unreachable : classifySqlError(error, postgreSql);
    // PostgreSQL refuses every statement of a transaction after a failed one, even the
    // DEALLOCATE of the statements prepared in it (Qt warns of each): end it now, or within a
    // Savepoint go back to where it began (its end does so again, harmlessly).
    if (postgreSql && !connectionLost && t_openTransactions > 0 && !t_transactionEnded) {
        auto *driver = const_cast<QSqlDriver *>(query.driver());
        if (t_openSavepoints > 0) {
            QSqlQuery(driver->createResult()).exec(kRollBackToSavepoint);
        } else {
            driver->rollbackTransaction();
            t_transactionEnded = true;
        }
    }
    if (conflict) {
        qCDebug(lcStorage) << what << "conflicts:" << error.text();
        return Error::conflict(what + u": "_s + error.databaseText());
    }
    if (std::optional<Error> aborted = abortedTransaction(error, postgreSql, what))
        return *aborted;
    // A dropped server connection, or a file that may become writable or reachable again: close
    // it so that the thread's next Database::open() connects afresh.
    if (connectionLost
        || (!postgreSql && (fault == StorageFault::ReadOnly || fault == StorageFault::Unreachable)))
        const_cast<QSqlDriver *>(query.driver())->close(); // the connection owns it
    if (fault == StorageFault::None) {
        qCWarning(lcStorage) << what << "failed:" << error.text();
        return Error::internal(what + u": "_s + error.text());
    }
    qCDebug(lcStorage) << what << "failed:" << error.text();
    if (database)
        database->health().recordFailure(fault, what + u": "_s + error.text());
    return Error::storage(fault, what + u": "_s + error.text());
}

Error failure(QSqlQuery &query, const QString &what)
{
    return failure(query, what, nullptr);
}
} // namespace

QMutex &sqliteWriteTurn(const QString &file)
{
    static QMutex registryMutex;
    static QHash<QString, std::shared_ptr<QMutex>> mutexes;
    const QMutexLocker lock(&registryMutex);
    std::shared_ptr<QMutex> &mutex = mutexes[file];
    if (!mutex)
        mutex = std::make_shared<QMutex>();
    return *mutex;
}

Error failure(Database &database, const QSqlError &error, const QString &what)
{
    if (std::optional<Error> aborted = abortedTransaction(error, database.isPostgreSql(), what))
        return *aborted;
    const StorageFault fault = classifySqlError(error, database.isPostgreSql());
    if (fault == StorageFault::None) {
        qCWarning(lcStorage) << what << "failed:" << error.text();
        return Error::internal(what + u": "_s + error.text());
    }
    qCDebug(lcStorage) << what << "failed:" << error.text();
    database.health().recordFailure(fault, what + u": "_s + error.text());
    return Error::storage(fault, what + u": "_s + error.text());
}

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

namespace {
// Runs a statement on a query of the thread's connection: start() prepares and runs it. A
// connection the server dropped (a restart, an administrator) is noticed only when it is next
// used: outside a transaction the statement is tried once more on a new connection.
Result<QSqlQuery> runOnConnection(Database &database, const QString &what,
                                  const std::function<bool(QSqlQuery &query)> &start)
{
    for (int attempt = 0;; ++attempt) {
        const auto db = database.open();
        if (!db) {
            database.health().recordFailure(db.error().fault, db.error().message);
            return db.error();
        }
        QSqlQuery query(db.value());
        query.setForwardOnly(true); // rows are read once, in order: no cache of them all
        ++t_statementsSent;
        if (start(query))
            return query;
        if (attempt == 0 && t_openTransactions == 0 && isConnectionLost(query)) {
            qCDebug(lcStorage) << what << "met a dropped connection; trying a new one";
            const_cast<QSqlDriver *>(query.driver())->close();
            continue;
        }
        return failure(query, what, &database);
    }
}
} // namespace

quint64 statementsSent()
{
    return t_statementsSent;
}

Result<QSqlQuery> run(Database &database, const QString &statement, const QVariantList &values,
                      const QString &what)
{
    return runOnConnection(database, what, [&](QSqlQuery &query) {
        if (!query.prepare(statement))
            return false;
        for (const QVariant &value : values)
            query.addBindValue(value);
        return query.exec();
    });
}

std::optional<QString> withLiterals(const QSqlDriver &driver, const QString &statement,
                                    const QVariantList &values)
{
    QString text;
    text.reserve(statement.size() + values.size() * 16);
    qsizetype next = 0;
    QChar quote; // the quote of the literal or identifier the text is in, if any
    for (const QChar c : statement) {
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar(); // a doubled quote opens the literal again at once
            text += c;
        } else if (c == u'\'' || c == u'"') {
            quote = c;
            text += c;
        } else if (c != u'?') {
            text += c;
        } else {
            if (next == values.size())
                return std::nullopt;
            const QVariant &value = values.at(next++);
            QSqlField field(QString(), value.metaType());
            field.setValue(value);
            const QString literal = driver.formatValue(field);
            // A negative number right after a minus would start a comment: "x -?" as "x --1".
            text += literal.startsWith(u'-') ? u'(' + literal + u')' : literal;
        }
    }
    if (next != values.size())
        return std::nullopt;
    return text;
}

Result<KeptQuery> runKept(Database &database, const QString &statement, const QVariantList &values,
                          const QString &what)
{
    // As run(): a connection the server dropped is tried once more, outside a transaction.
    for (int attempt = 0;; ++attempt) {
        const Result<std::shared_ptr<QSqlQuery>> prepared = database.prepared(statement);
        if (!prepared) {
            database.health().recordFailure(prepared.error().fault, prepared.error().message);
            return prepared.error();
        }
        const std::shared_ptr<QSqlQuery> &query = prepared.value();
        for (qsizetype i = 0; i < values.size(); ++i)
            query->bindValue(int(i), values.at(i));
        ++t_statementsSent;
        if (query->exec())
            return KeptQuery(query);
        const bool retry = attempt == 0 && t_openTransactions == 0 && isConnectionLost(*query);
        if (retry)
            const_cast<QSqlDriver *>(query->driver())->close();
        const Error error = retry ? Error() : failure(*query, what, &database);
        query->finish();
        // A statement that failed may have lost its connection or its server-side plan:
        // prepared afresh next time.
        database.forgetPrepared(statement);
        if (!retry)
            return error;
        qCDebug(lcStorage) << what << "met a dropped connection; trying a new one";
    }
}

Result<KeptQuery> runValueDependent(Database &database, const QString &statement,
                                    const QVariantList &values, const QString &what)
{
    if (!database.isPostgreSql())
        return runKept(database, statement, values, what);
    // One round trip: the values written into the statement, as the driver writes them into the
    // EXECUTE of a prepared one, which would take a PREPARE and a DEALLOCATE more.
    const auto db = database.open();
    if (!db) {
        database.health().recordFailure(db.error().fault, db.error().message);
        return db.error();
    }
    const std::optional<QString> text = withLiterals(*db->driver(), statement, values);
    if (!text)
        return Error::internal(what + u": the statement's placeholders and its values differ"_s);
    auto query
        = runOnConnection(database, what, [&text](QSqlQuery &query) { return query.exec(*text); });
    if (!query)
        return query.error();
    return KeptQuery(std::make_shared<QSqlQuery>(std::move(query.value())));
}

namespace {
// Binds values as Qt's SQLite driver would; false for a type it is not sure of.
bool bindSqlite(sqlite3_stmt *statement, const QVariantList &values)
{
    for (int i = 0; i < values.size(); ++i) {
        const QVariant &value = values.at(i);
        int bound = SQLITE_OK;
        if (value.isNull()) {
            bound = sqlite3_bind_null(statement, i + 1);
        } else {
            switch (value.typeId()) {
            case QMetaType::Int:
            case QMetaType::LongLong:
            case QMetaType::Bool:
                bound = sqlite3_bind_int64(statement, i + 1, value.toLongLong());
                break;
            case QMetaType::Double:
                bound = sqlite3_bind_double(statement, i + 1, value.toDouble());
                break;
            case QMetaType::QString: {
                const QString text = value.toString();
                bound = sqlite3_bind_text16(statement, i + 1, text.utf16(),
                                            int(text.size() * sizeof(char16_t)), SQLITE_TRANSIENT);
                break;
            }
            default:
                return false;
            }
        }
        if (bound != SQLITE_OK)
            return false;
    }
    return true;
}

// Ends the statement's read and forgets its values: ready for its next use.
void releaseSqlite(sqlite3_stmt *statement)
{
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
}
} // namespace

KeptRows::KeptRows(sqlite3_stmt *statement, bool hasRow)
    : m_statement(statement)
    , m_rowWaiting(hasRow)
{ }

KeptRows::KeptRows(KeptQuery query)
    : m_query(std::move(query))
{ }

KeptRows::KeptRows(KeptRows &&other) noexcept
    : m_statement(std::exchange(other.m_statement, nullptr))
    , m_rowWaiting(other.m_rowWaiting)
    , m_onRow(other.m_onRow)
    , m_query(std::exchange(other.m_query, std::nullopt))
{ }

KeptRows::~KeptRows()
{
    if (m_statement)
        releaseSqlite(m_statement);
}

bool KeptRows::next()
{
    if (m_query)
        return (*m_query)->next();
    if (!m_statement)
        return false;
    if (m_rowWaiting) {
        m_rowWaiting = false;
        m_onRow = true;
        return true;
    }
    if (!m_onRow)
        return false;
    const int stepped = sqlite3_step(m_statement);
    m_onRow = stepped == SQLITE_ROW;
    if (stepped != SQLITE_ROW && stepped != SQLITE_DONE)
        qCWarning(lcStorage).noquote()
            << "reading rows stopped:" << sqlite3_errmsg(sqlite3_db_handle(m_statement));
    return m_onRow;
}

QVariant KeptRows::value(int column) const
{
    if (m_query)
        return (*m_query)->value(column);
    if (!m_onRow)
        return {};
    switch (sqlite3_column_type(m_statement, column)) {
    case SQLITE_INTEGER:
        return QVariant(qint64(sqlite3_column_int64(m_statement, column)));
    case SQLITE_FLOAT:
        return QVariant(sqlite3_column_double(m_statement, column));
    case SQLITE_NULL:
        return {};
    default: {
        const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
        return QVariant(QString::fromUtf8(text, sqlite3_column_bytes(m_statement, column)));
    }
    }
}

Result<KeptRows> readKept(Database &database, const QString &statement, const QVariantList &values,
                          const QString &what)
{
    if (sqlite3_stmt *kept = database.preparedSqlite(statement)) {
        const int first = bindSqlite(kept, values) ? sqlite3_step(kept) : SQLITE_MISUSE;
        if (first == SQLITE_ROW || first == SQLITE_DONE)
            return KeptRows(kept, first == SQLITE_ROW);
        releaseSqlite(kept);
    }
    auto query = runKept(database, statement, values, what);
    if (!query)
        return query.error();
    return KeptRows(std::move(query.value()));
}

Result<KeptRows> readValueDependent(Database &database, const QString &statement,
                                    const QVariantList &values, const QString &what)
{
    if (!database.isPostgreSql())
        return readKept(database, statement, values, what);
    auto query = runValueDependent(database, statement, values, what);
    if (!query)
        return query.error();
    return KeptRows(std::move(query.value()));
}

Result<int> change(Database &database, const QString &statement, const QVariantList &values,
                   const QString &what)
{
    auto query = run(database, statement, values, what);
    if (!query)
        return query.error();
    return query.value().numRowsAffected();
}

Status moveIdentityPastLargestId(Database &database, const QString &table, const QString &column)
{
    // Never to a value the sequence has already handed out: another connection may number runs
    // meanwhile, and setting the sequence back to where this one read it would hand their ids
    // out again (setval(GREATEST(MAX, nextval)) did, when the largest id was below it).
    const auto moved
        = run(database,
              u"SELECT setval(ids.sequence, ids.largest) FROM (SELECT "
              "pg_get_serial_sequence('%1', '%2')::regclass AS sequence, "
              "(SELECT MAX(%2) FROM %1) AS largest) AS ids "
              "WHERE ids.largest > COALESCE(pg_sequence_last_value(ids.sequence), 0)"_s.arg(table,
                                                                                            column),
              {}, u"advance the ids of %1"_s.arg(table));
    return moved ? success() : Status(moved.error());
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

Transaction::Transaction(Database &database)
    : m_database(&database)
{
    const auto db = database.open();
    if (!db) {
        m_beginError = db.error();
        database.health().recordFailure(db.error().fault, db.error().message);
        return;
    }
    m_db = db.value();
    m_sqlite = m_db.driverName() == "QSQLITE"_L1;
    begin();
}

Transaction::Transaction(const QSqlDatabase &db)
    : m_db(db)
    , m_sqlite(m_db.driverName() == "QSQLITE"_L1)
{
    begin();
}

void Transaction::begin()
{
    if (m_sqlite && !m_writeTurn)
        m_writeTurn = std::make_unique<QMutexLocker<QMutex>>(&sqliteWriteTurn(m_db.databaseName()));
    for (int attempt = 0;; ++attempt) {
        QSqlError error;
        if (m_sqlite) {
            // IMMEDIATE takes the write lock up front, waiting for it under the busy timeout. A
            // deferred transaction that reads first cannot write once another connection has
            // committed meanwhile: every later statement would fail with "database is locked".
            QSqlQuery begin(m_db);
            m_active = begin.exec(u"BEGIN IMMEDIATE"_s);
            error = begin.lastError();
        } else {
            m_active = m_db.transaction();
            error = m_db.lastError();
        }
        if (m_active) {
            ++t_openTransactions;
            t_transactionEnded = false;
            return;
        }
        // A connection the server dropped since its last use: once more on a new one.
        if (attempt == 0 && m_database && !m_sqlite
            && classifySqlError(error, true) == StorageFault::Unreachable) {
            m_db.close();
            if (const auto db = m_database->open()) {
                m_db = db.value();
                continue;
            }
        }
        m_beginError = fail(error, u"begin a transaction"_s);
        m_writeTurn.reset();
        return;
    }
}

Error Transaction::fail(const QSqlError &error, const QString &what)
{
    if (m_database)
        return failure(*m_database, error, what);
    qCWarning(lcStorage) << what << "failed:" << error.text();
    return Error::internal(what + u": "_s + error.text());
}

Transaction::~Transaction()
{
    if (m_active)
        rollback();
}

void Transaction::rollback()
{
    rollbackNow();
    m_writeTurn.reset(); // after the rollback: the next writer finds the file free
}

void Transaction::rollbackNow()
{
    m_active = false;
    --t_openTransactions;
    if (std::exchange(t_transactionEnded, false))
        return; // a failed statement ended it already
    if (!m_db.isOpen())
        return; // the connection was dropped, and the transaction with it
    QSqlQuery rollback(m_db);
    const bool rolledBack = m_sqlite ? rollback.exec(u"ROLLBACK"_s) : m_db.rollback();
    if (rolledBack)
        return;
    const QSqlError error = m_sqlite ? rollback.lastError() : m_db.lastError();
    if (nothingToRollBack(error) || classifySqlError(error, !m_sqlite) != StorageFault::None)
        qCDebug(lcStorage) << "nothing to roll back:" << error.text();
    else
        qCWarning(lcStorage) << "rollback failed:" << error.text();
}

Status Transaction::commit()
{
    if (!m_active)
        return Error::internal(u"no transaction to commit"_s);
    m_active = false;
    --t_openTransactions;
    if (std::exchange(t_transactionEnded, false)) {
        m_writeTurn.reset();
        return Error::internal(u"a statement of the transaction failed; nothing was committed"_s);
    }
    QSqlQuery commit(m_db);
    if (m_sqlite ? commit.exec(u"COMMIT"_s) : m_db.commit()) {
        m_writeTurn.reset();
        return success();
    }
    const Error error = fail(m_sqlite ? commit.lastError() : m_db.lastError(), u"commit"_s);
    // PostgreSQL ends the transaction whatever COMMIT answers; SQLite may keep it open (a lock
    // it could not get) or may have ended it itself (a full disk).
    if (m_sqlite) {
        m_active = true;
        ++t_openTransactions;
        rollback();
    }
    m_writeTurn.reset();
    return error;
}

Savepoint::Savepoint(Database &database)
    : m_database(database)
    , m_db(database.connection())
{
    if (t_openTransactions == 0 || t_transactionEnded) {
        m_beginError = Error::internal(u"a savepoint needs an open transaction"_s);
        return;
    }
    const Status begun = run(kBeginSavepoint, u"begin a savepoint"_s);
    if (!begun) {
        m_beginError = begun.error();
        return;
    }
    m_active = true;
    ++t_openSavepoints;
}

Savepoint::~Savepoint()
{
    if (!m_active)
        return;
    m_active = false;
    --t_openSavepoints;
    if (!run(kRollBackToSavepoint, u"roll back to a savepoint"_s)
        || !run(kReleaseSavepoint, u"end a savepoint"_s))
        qCWarning(lcStorage) << "a savepoint could not be rolled back";
}

Status Savepoint::release()
{
    if (!m_active)
        return Error::internal(u"no savepoint to release"_s);
    m_active = false;
    --t_openSavepoints;
    return run(kReleaseSavepoint, u"release a savepoint"_s);
}

Status Savepoint::run(const QString &statement, const QString &what)
{
    // SQLite's statements are kept prepared, as a batch of runs takes two per run; PostgreSQL
    // prepares no savepoint statement, and runs each in one round trip anyway.
    if (!m_database.isPostgreSql()) {
        const Result<KeptQuery> kept = runKept(m_database, statement, {}, what);
        return kept ? success() : Status(kept.error());
    }
    QSqlQuery query(m_db);
    return query.exec(statement) ? success() : Status(failure(m_database, query.lastError(), what));
}

namespace {
// The connections of this thread with a snapshot open, and each one's id.
thread_local QHash<QString, quint64> t_snapshots;
std::atomic<quint64> g_lastSnapshot {0};
} // namespace

ReadSnapshot::ReadSnapshot(Database &database)
    : m_db(database.connection())
{
    // Within a transaction of this thread (a write's) or a snapshot of this connection, it is
    // part of that one, which its COMMIT would end.
    if (t_openTransactions > 0 || t_snapshots.contains(m_db.connectionName()))
        return;
    m_outermost = true;
    QSqlQuery begin(m_db);
    m_active = begin.exec(database.isPostgreSql()
                              ? QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                              : QStringLiteral("BEGIN"));
    // Without its BEGIN the reads see no one moment: no id.
    t_snapshots.insert(m_db.connectionName(), m_active ? ++g_lastSnapshot : 0);
}

ReadSnapshot::~ReadSnapshot()
{
    if (!m_outermost)
        return;
    t_snapshots.remove(m_db.connectionName());
    if (m_active)
        QSqlQuery(m_db).exec(QStringLiteral("COMMIT"));
}

quint64 ReadSnapshot::current(Database &database)
{
    return t_snapshots.value(database.connection().connectionName(), 0);
}

} // namespace aisim::sql
