#pragma once

#include "databaseurl.h"
#include "result.h"

#include <QAtomicInteger>
#include <QHash>
#include <QMutex>
#include <QSqlDatabase>
#include <QStringList>

#include <memory>

namespace aisim {

class StorageHealth;

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

    // The calling thread's connection, opened on first use; check isOpen() or use open().
    QSqlDatabase connection();
    // Opens the calling thread's connection, or says why it cannot (with its storage fault).
    Result<QSqlDatabase> open();
    // Applies the pending schema migrations; refuses a database written by a newer version.
    Status migrate();
    // Whether writes succeed now, what failed, and when it works again.
    StorageHealth &health() { return *m_health; }

    // Statements every connection runs after it opens, the ones open now included at their
    // next use: session settings such as `PRAGMA busy_timeout=…` or `SET lock_timeout=…`.
    void setSessionStatements(const QStringList &statements);

private:
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
};

} // namespace aisim
