#pragma once

#include "databaseurl.h"
#include "result.h"

#include <QMutex>
#include <QSqlDatabase>
#include <QStringList>

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

private:
    QString connectionNameForThisThread() const;

    DatabaseUrl m_url;
    quint64 m_instanceId;
    QMutex m_mutex;
    QStringList m_connectionNames;
};

} // namespace aisim
