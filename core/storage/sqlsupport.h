#pragma once

#include "result.h"

#include <QDateTime>
#include <QMutex>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

struct sqlite3_stmt;

namespace aisim {
class Database;
}

namespace aisim::sql {

// Times are stored as milliseconds since the epoch; null stays null.
inline QVariant toMs(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toMSecsSinceEpoch())
                          : QVariant(QMetaType::fromType<qint64>());
}

inline QDateTime fromMs(const QVariant &value)
{
    return value.isNull() ? QDateTime()
                          : QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

inline QVariant nullableString(const QString &text)
{
    return text.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

// Runs a prepared query; on failure, an Error naming what was being done.
Status exec(QSqlQuery &query, const QString &what);
// Prepares and runs a statement with positional bound values.
Status exec(QSqlQuery &query, const QString &statement, const QVariantList &values,
            const QString &what);
// The statements the calling thread has sent through run(), runValueDependent() and runKept():
// on PostgreSQL each is a round trip to the server, and what a request costs in them is the
// difference before and after it. (SQLite's reads are calls; readKept() on the connection's own
// handle is not counted.)
quint64 statementsSent();
// Prepares and runs a statement on the calling thread's connection to the database; the query
// stands before its first row.
Result<QSqlQuery> run(Database &database, const QString &statement, const QVariantList &values,
                      const QString &what);
// A statement kept prepared on the thread's connection (Database::prepared), run with values.
// It is finished when this goes, so that SQLite ends the read at once and the statement is
// ready for its next use.
class KeptQuery
{
public:
    explicit KeptQuery(std::shared_ptr<QSqlQuery> query)
        : m_query(std::move(query))
    { }
    KeptQuery(KeptQuery &&other) noexcept = default;
    KeptQuery &operator=(KeptQuery &&) = delete;
    ~KeptQuery()
    {
        if (m_query)
            m_query->finish();
    }
    QSqlQuery &operator*() const { return *m_query; }
    QSqlQuery *operator->() const { return m_query.get(); }

private:
    std::shared_ptr<QSqlQuery> m_query; // held while in use: the connection's keep lets go of it
};

// As run(), for a statement whose best plan depends on the values bound (a list: its name,
// status, machine). Kept on SQLite, which plans without the values (its parse costs more than
// reading a page). On PostgreSQL, which would plan a kept statement once for all values after
// its fifth run, sent with its values written in (withLiterals) and planned for them.
Result<KeptQuery> runValueDependent(Database &database, const QString &statement,
                                    const QVariantList &values, const QString &what);

// The statement with each ? outside quoted literals and identifiers replaced by its value,
// written by the driver as it writes the values of a prepared statement's EXECUTE (quotes
// doubled, NULL, numbers as they read back, a negative one in parentheses); nullopt if the ?s
// and the values differ in number.
std::optional<QString> withLiterals(const QSqlDriver &driver, const QString &statement,
                                    const QVariantList &values);

// As run(), on a kept statement: for the statements every request or every point runs.
Result<KeptQuery> runKept(Database &database, const QString &statement, const QVariantList &values,
                          const QString &what);

// The rows of a kept read, one after the other (as a forward-only QSqlQuery: next(), then
// value()). On SQLite the statement runs on the connection's own handle: Qt's driver describes
// every column afresh each time it runs a statement and copies each row into QVariants, which
// costs several times SQLite's own reading of a row by its key. On PostgreSQL it is runKept().
// Released (reset) when this goes, which ends SQLite's read.
class KeptRows
{
public:
    explicit KeptRows(sqlite3_stmt *statement, bool hasRow);
    explicit KeptRows(KeptQuery query);
    KeptRows(KeptRows &&other) noexcept;
    KeptRows &operator=(KeptRows &&) = delete;
    ~KeptRows();

    bool next();
    // As QSqlQuery::value(): a null QVariant for NULL, a qint64, a double or a QString.
    QVariant value(int column) const;

private:
    sqlite3_stmt *m_statement = nullptr;
    bool m_rowWaiting = false; // SQLite: the first row was stepped to, next() has not shown it
    bool m_onRow = false;
    std::optional<KeptQuery> m_query;
};

// runKept() read through KeptRows. Whatever SQLite refuses (a statement, a value of another type
// than integers, reals, text and null, a failed step), the driver runs again and reports.
Result<KeptRows> readKept(Database &database, const QString &statement, const QVariantList &values,
                          const QString &what);
// readKept() of a statement whose best plan depends on its values: on PostgreSQL
// runValueDependent(), sent with its values written in and planned for them.
Result<KeptRows> readValueDependent(Database &database, const QString &statement,
                                    const QVariantList &values, const QString &what);
// Runs a statement that changes rows and answers how many it changed.
Result<int> change(Database &database, const QString &statement, const QVariantList &values,
                   const QString &what);
// PostgreSQL: moves the identity sequence of table.column past an id given explicitly, which
// does not move it; only forward, and only when the largest id is past it.
Status moveIdentityPastLargestId(Database &database, const QString &table, const QString &column);

// Every row of a query, each read by read(query).
template<typename Read> auto readAll(QSqlQuery &query, Read read)
{
    QList<std::decay_t<decltype(read(query))>> rows;
    while (query.next())
        rows.append(read(query));
    return rows;
}

// The first row of a query, or nullopt; the statement is released at once, which also ends the
// implicit transaction of an UPDATE … RETURNING.
template<typename Read>
auto readOne(QSqlQuery &query, Read read) -> std::optional<std::decay_t<decltype(read(query))>>
{
    std::optional<std::decay_t<decltype(read(query))>> row;
    if (query.next())
        row = read(query);
    query.finish();
    return row;
}

// A column's number, none where it is NULL.
inline std::optional<qint64> optionalLong(const QVariant &value)
{
    return value.isNull() ? std::nullopt : std::optional<qint64>(value.toLongLong());
}

// The first column of the first row as a number (a count), 0 without a row; finishes the query.
inline qint64 readCount(QSqlQuery &query)
{
    return readOne(query, [](const QSqlQuery &row) { return row.value(0).toLongLong(); })
        .value_or(0);
}

bool isUniqueViolation(const QSqlQuery &query);
// True when PostgreSQL dropped the connection (server restart, administrator, network).
bool isConnectionLost(const QSqlQuery &query);

// Turns a driver error into an Error: a storage fault (reported to the database's health,
// which logs the driver's words once per episode) or an internal error (logged here).
Error failure(Database &database, const QSqlError &error, const QString &what);

// One mutex per SQLite file, for the whole process (the file's write lock is process-wide
// too): Transaction takes its turn on it before BEGIN IMMEDIATE, and so must any other writer
// of the file in this process, or the writers queued here hand the lock on to each other
// while it waits in SQLite's busy handler.
QMutex &sqliteWriteTurn(const QString &file);

// Commits or, if never committed, rolls back the transaction it opened.
class Transaction
{
public:
    // A transaction on the calling thread's connection; its faults reach the database's health.
    explicit Transaction(Database &database);
    // A transaction on one connection (schema migrations).
    explicit Transaction(const QSqlDatabase &db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    bool isActive() const { return m_active; }
    // Why the transaction could not begin; meaningful only when !isActive() right after.
    const Error &beginError() const { return m_beginError; }
    Status commit();

private:
    void begin();
    void rollback();
    void rollbackNow();
    Error fail(const QSqlError &error, const QString &what);

    Database *m_database = nullptr;
    QSqlDatabase m_db;
    bool m_sqlite = false;
    bool m_active = false;
    Error m_beginError;
    // SQLite: the threads of this process take turns writing to one file here, rather than
    // in SQLite's busy handler, which sleeps a millisecond or more at each try.
    std::unique_ptr<QMutexLocker<QMutex>> m_writeTurn;
};

// A part of the open Transaction that can fail alone: unless released, it is rolled back to
// where it began and the rest of the transaction is kept. Within it, a failed PostgreSQL
// statement leaves the transaction usable once rolled back, where outside one it ends it.
class Savepoint
{
public:
    // On the calling thread's connection, which must be in a Transaction.
    explicit Savepoint(Database &database);
    ~Savepoint();
    Savepoint(const Savepoint &) = delete;
    Savepoint &operator=(const Savepoint &) = delete;

    bool isActive() const { return m_active; }
    // Why it could not begin; meaningful only when !isActive() right after.
    const Error &beginError() const { return m_beginError; }
    // Keeps what was done since it began, as part of the transaction.
    Status release();

private:
    Status run(const QString &statement, const QString &what);

    Database &m_database;
    QSqlDatabase m_db;
    bool m_active = false;
    Error m_beginError;
};

// A read-only transaction that sees the database as of its first read, so that several
// queries describe one moment (REPEATABLE READ on PostgreSQL, a deferred BEGIN on SQLite's WAL).
// Writers are not blocked; it ends with a COMMIT when it goes out of scope. One made while
// another is open on the same connection, or a Transaction on the same thread, is part of it.
class ReadSnapshot
{
public:
    explicit ReadSnapshot(Database &database);
    ~ReadSnapshot();
    ReadSnapshot(const ReadSnapshot &) = delete;
    ReadSnapshot &operator=(const ReadSnapshot &) = delete;

    // The id of the snapshot open on database's connection on this thread (each its own), or 0
    // outside one: what a read in it learnt holds until it ends.
    static quint64 current(Database &database);

private:
    QSqlDatabase m_db;
    bool m_active = false;
    bool m_outermost = false;
};

} // namespace aisim::sql
