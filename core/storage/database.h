#pragma once

#include "databaseurl.h"
#include "result.h"

#include <QAtomicInteger>
#include <QHash>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStringList>

#include <array>
#include <memory>
#include <optional>

struct sqlite3;
struct sqlite3_stmt;

namespace aisim {

class StorageHealth;
class WalCheckpointer;

// Hands every thread its own open connection to one database, as QSqlDatabase requires.
class Database
{
public:
    // Who may read a SQLite database's files.
    enum class Privacy {
        Umask, // as the process's umask says (a service's state folder sets its own)
        PrivateFiles, // the file (and its -wal and -shm) and new folders for the owner alone
        PrivateFolder, // also the file's folder, even when it exists (the default location)
    };

    explicit Database(DatabaseUrl url, Privacy privacy = Privacy::Umask);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    const DatabaseUrl &url() const { return m_url; }
    bool isPostgreSql() const { return m_url.dialect == DatabaseUrl::Dialect::PostgreSql; }
    // Tells this object from every other the process made, even one made later at the same
    // address: what is kept for a database is kept by it.
    quint64 instanceId() const { return m_instanceId; }

    // The calling thread's connection, opened on first use; check isOpen() or use open().
    QSqlDatabase connection();
    // Opens the calling thread's connection, or says why it cannot (with its storage fault).
    Result<QSqlDatabase> open();
    // Applies the pending schema migrations; refuses a database written by a newer version.
    Status migrate();
    // The calling thread's query for statement, prepared once per connection and kept until
    // the connection closes (PostgreSQL then skips a PREPARE and a DEALLOCATE, SQLite the
    // parse). Forward-only. The caller binds by position, runs and reads it, then finish()es it;
    // nothing else may use the same statement on this thread meanwhile. A connection keeps at
    // most kKeptStatements: past them, those nobody holds are let go (the lists, whose text
    // varies with their filters and order, could otherwise grow it without end).
    Result<std::shared_ptr<QSqlQuery>> prepared(const QString &statement);
    static constexpr int kKeptStatements = 256;
    // How many statements the calling thread's connection keeps.
    int keptStatements() const;
    // The calling thread's SQLite statement for statement, prepared on its connection's own
    // handle and kept while that connection stays open (see sql::readKept). Null on PostgreSQL,
    // or when SQLite cannot prepare it: prepared() then says why.
    sqlite3_stmt *preparedSqlite(const QString &statement);
    // What the calling thread's SQLite connection sees of its database when it is called: two
    // equal stamps, each taken before a read, mean that nothing was committed in between, by any
    // connection or process, this one included. Read from the log index's header in shared
    // memory (walwrites::publishedHeader), without a lock; before the connection has mapped it,
    // from PRAGMA data_version and the connection's own changes. Empty on PostgreSQL, or when it
    // cannot be read.
    struct DataStamp
    {
        enum class Source { LogIndex, DataVersion };
        Source source = Source::DataVersion;
        // The header's words; or the data version, then the rows this connection changed.
        std::array<quint32, 12> words {};
        friend bool operator==(const DataStamp &a, const DataStamp &b)
        {
            return a.source == b.source && a.words == b.words;
        }
        friend bool operator!=(const DataStamp &a, const DataStamp &b) { return !(a == b); }
    };
    std::optional<DataStamp> dataStamp();
    // Forgets the calling thread's prepared statement (after it failed).
    void forgetPrepared(const QString &statement);
    // Whether writes succeed now, what failed, and when it works again.
    StorageHealth &health() { return *m_health; }

    // SQLite: copies the write-ahead log back into the file on a thread of its own
    // (WalCheckpointer) from now on, and the connections, the ones open now included at their
    // next use, leave it to that thread. Nothing on PostgreSQL. restartPages, when not 0, is the
    // log's size at which that thread restarts it (WalCheckpointer::kRestartPages by default).
    void checkpointInBackground(int restartPages = 0);

    // Statements every connection runs after it opens, the ones open now included at their
    // next use: session settings such as `PRAGMA busy_timeout=…` or `SET lock_timeout=…`.
    void setSessionStatements(const QStringList &statements);

private:
    // SQLite statements kept on one connection's handle; finalized when they go.
    struct SqliteStatements
    {
        SqliteStatements() = default;
        SqliteStatements(const SqliteStatements &) = delete;
        SqliteStatements &operator=(const SqliteStatements &) = delete;
        ~SqliteStatements() { finalize(); }
        void finalize();
        // After the driver closed the connection: SQLite keeps a connection open while
        // statements are kept on it, so it closes once they are finalized.
        void finalizeAndClose();

        sqlite3 *connection = nullptr;
        QHash<QString, sqlite3_stmt *> statements;
    };
    // Prepared statements by connection name, then by their text.
    struct PreparedStatements
    {
        QMutex mutex;
        QHash<QString, QHash<QString, std::shared_ptr<QSqlQuery>>> byConnection;
        QHash<QString, std::shared_ptr<SqliteStatements>> sqliteByConnection;

        void forget(const QString &connection)
        {
            byConnection.remove(connection);
            sqliteByConnection.remove(connection);
        }
    };

    // What each connection is told while checkpoints run in the background.
    static const QString kBackgroundAutoCheckpoint;

    QString connectionNameForThisThread() const;
    Status prepareSqliteFile() const;
    Result<QSqlDatabase> configure(QSqlDatabase db, const QString &name);
    Status applySessionStatements(QSqlDatabase &db, const QString &name);
    Error openError(const QString &what, const QSqlError &error) const;

    DatabaseUrl m_url;
    Privacy m_privacy = Privacy::Umask;
    quint64 m_instanceId;
    std::unique_ptr<StorageHealth> m_health;
    QMutex m_mutex; // guards the fields below
    QStringList m_connectionNames;
    QStringList m_sessionStatements;
    QAtomicInteger<quint64> m_sessionGeneration = 0;
    QHash<QString, quint64> m_appliedGeneration; // by connection name
    std::unique_ptr<WalCheckpointer> m_checkpointer;
    std::shared_ptr<PreparedStatements> m_prepared; // guarded by its own mutex
};

} // namespace aisim
