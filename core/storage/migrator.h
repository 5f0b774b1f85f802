#pragma once

#include "result.h"

#include <QSqlDatabase>
#include <QString>

namespace aisim {

// Brings a database's schema up to date from the numbered SQL files of its dialect.
class Migrator
{
public:
    struct Migration
    {
        int version = 0;
        QString name;
        QString sql;
    };

    Migrator(const QSqlDatabase &db, bool postgreSql);

    // The migrations shipped with this build, in order.
    QList<Migration> available() const;
    // The highest migration applied to the database, 0 for an empty one.
    Result<int> currentVersion();
    Status migrate();

private:
    Status apply(const Migration &migration);

    QSqlDatabase m_db;
    bool m_postgreSql;
};

} // namespace aisim
