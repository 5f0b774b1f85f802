#pragma once

#include "result.h"

#include <QSqlDatabase>
#include <QString>

#include <limits>

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
    // Applies the pending migrations up to version upTo (all of them by default).
    Status migrate(int upTo = std::numeric_limits<int>::max());

private:
    Status apply(const Migration &migration);

    QSqlDatabase m_db;
    bool m_postgreSql;
};

} // namespace aisim
