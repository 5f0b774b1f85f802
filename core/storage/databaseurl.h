#pragma once

#include <QString>

#include <optional>

namespace aisim {

// Where the data lives: sqlite:///absolute/path.db or postgresql://user:pw@host:port/db.
struct DatabaseUrl
{
    enum class Dialect { Sqlite, PostgreSql };

    Dialect dialect = Dialect::Sqlite;
    QString path; // SQLite file
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString databaseName;
    // How long a statement waits for another connection's lock before it fails (SQLite's busy
    // timeout, PostgreSQL's lock_timeout); ?busy_timeout_ms=N in the URL.
    int busyTimeoutMs = kDefaultBusyTimeoutMs;

    static constexpr int kDefaultBusyTimeoutMs = 10000;

    // Parses a URL; on failure returns nullopt and puts the reason in *error.
    static std::optional<DatabaseUrl> parse(const QString &text, QString *error);
    static DatabaseUrl sqliteFile(const QString &path);
    // The URL without its password, safe to log and display.
    QString displayString() const;
    // The full URL, password included, that parse() reads back.
    QString toString() const;
    QString driverName() const;
};

} // namespace aisim
