#pragma once

#include "databaseurl.h"
#include "result.h"

#include <QHash>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStringList>

#include <memory>

namespace aisim {

// Hands every thread its own open connection to one database, as QSqlDatabase requires.
class Database
{
public:
    explicit Database(DatabaseUrl url);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    const DatabaseUrl &url() const { return m_url; }
    bool isPostgreSql() const { return m_url.dialect == DatabaseUrl::Dialect::PostgreSql; }

    // The calling thread's connection, opened on first use; check isOpen() or use open().
    QSqlDatabase connection();
    // Opens the calling thread's connection, or says why it cannot.
    Result<QSqlDatabase> open();
    // Applies the pending schema migrations; refuses a database written by a newer version.
    Status migrate();
    // The calling thread's query for statement, prepared once per connection and kept until
    // the connection closes (PostgreSQL then skips a PREPARE and a DEALLOCATE, SQLite the
    // parse). Forward-only. The caller binds by position, runs and reads it, then finish()es it;
    // nothing else may use the same statement on this thread meanwhile.
    Result<QSqlQuery *> prepared(const QString &statement);
    // Forgets the calling thread's prepared statement (after it failed).
    void forgetPrepared(const QString &statement);

private:
    // Prepared statements by connection name, then by their text.
    struct PreparedStatements
    {
        QMutex mutex;
        QHash<QString, QHash<QString, std::shared_ptr<QSqlQuery>>> byConnection;
    };

    QString connectionNameForThisThread() const;

    DatabaseUrl m_url;
    quint64 m_instanceId;
    QMutex m_mutex;
    QStringList m_connectionNames;
    std::shared_ptr<PreparedStatements> m_prepared;
};

} // namespace aisim
