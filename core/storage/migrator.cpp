#include "migrator.h"

#include "logging.h"
#include "sqlsupport.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
// Any constant that other programs are unlikely to use for an advisory lock.
constexpr qint64 kMigrationLockKey = 0x41495349;

Error sqlError(const QString &what, const QSqlQuery &query)
{
    return Error::internal(what + u": "_s + query.lastError().text());
}

// Statements end with a semicolon at the end of a line, except inside a dollar-quoted body
// (PostgreSQL functions and DO blocks) and inside a trigger, which ends with END;.
QStringList splitStatements(const QString &sql)
{
    QStringList statements;
    QString current;
    bool inDollarQuote = false;
    const QStringList lines = sql.split(u'\n');
    for (const QString &line : lines) {
        current += line + u'\n';
        if (line.count(u"$$"_s) % 2 == 1)
            inDollarQuote = !inDollarQuote;
        const QString trimmed = line.trimmed();
        if (inDollarQuote || !trimmed.endsWith(u';'))
            continue;
        QString code = current.trimmed();
        while (code.startsWith("--"_L1)) {
            const qsizetype lineEnd = code.indexOf(u'\n');
            code = lineEnd < 0 ? QString() : code.mid(lineEnd + 1).trimmed();
        }
        const bool trigger = code.startsWith("CREATE TRIGGER"_L1, Qt::CaseInsensitive);
        if (trigger && !trimmed.endsWith("END;"_L1, Qt::CaseInsensitive))
            continue;
        current.chop(current.size() - current.lastIndexOf(u';'));
        statements << current;
        current.clear();
    }
    statements << current;
    return statements;
}
} // namespace

Migrator::Migrator(const QSqlDatabase &db, bool postgreSql)
    : m_db(db)
    , m_postgreSql(postgreSql)
{ }

QList<Migrator::Migration> Migrator::available() const
{
    const QString folder = m_postgreSql ? u":/sql/postgresql"_s : u":/sql/sqlite"_s;
    static const QRegularExpression fileName(u"^(\\d+)_(\\w+)\\.sql$"_s);
    QList<Migration> migrations;
    const QStringList files = QDir(folder).entryList({u"*.sql"_s}, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        const auto match = fileName.match(file);
        if (!match.hasMatch())
            continue;
        QFile sqlFile(folder + u'/' + file);
        if (!sqlFile.open(QIODevice::ReadOnly))
            continue;
        migrations.append(
            {match.captured(1).toInt(), match.captured(2), QString::fromUtf8(sqlFile.readAll())});
    }
    return migrations;
}

Result<int> Migrator::currentVersion()
{
    QSqlQuery query(m_db);
    if (!m_db.tables().contains(u"schema_migrations"_s)
        && !query.exec(
            u"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
            "name TEXT NOT NULL, applied_at BIGINT NOT NULL)"_s))
        return sqlError(u"cannot create schema_migrations"_s, query);
    if (!query.exec(u"SELECT COALESCE(MAX(version), 0) FROM schema_migrations"_s) || !query.next())
        return sqlError(u"cannot read the schema version"_s, query);
    return query.value(0).toInt();
}

Status Migrator::migrate(int upTo)
{
    QSqlQuery lock(m_db);
    // Two processes starting on one server must not migrate at the same time.
    if (m_postgreSql && !lock.exec(u"SELECT pg_advisory_lock(%1)"_s.arg(kMigrationLockKey)))
        return sqlError(u"cannot lock the schema"_s, lock);
    Status status = success();
    const Result<int> current = currentVersion();
    const QList<Migration> migrations = available();
    const int latest = migrations.isEmpty() ? 0 : migrations.last().version;
    if (!current) {
        status = current.error();
    } else if (current.value() > latest) {
        status = Error::conflict(
            u"the database schema is at version %1, newer than this aisim understands (%2): "
            "upgrade aisim or use another database"_s.arg(current.value())
                .arg(latest));
    } else {
        for (const Migration &migration : migrations) {
            if (migration.version <= current.value())
                continue;
            if (migration.version > upTo)
                break;
            status = apply(migration);
            if (!status)
                break;
            qCInfo(lcStorage) << "applied migration" << migration.version << migration.name;
        }
    }
    if (m_postgreSql)
        lock.exec(u"SELECT pg_advisory_unlock(%1)"_s.arg(kMigrationLockKey));
    return status;
}

Status Migrator::apply(const Migration &migration)
{
    sql::Transaction transaction(m_db);
    if (!transaction.isActive())
        return Error::internal(u"cannot start a transaction: "_s + m_db.lastError().text());
    QSqlQuery query(m_db);
    for (const QString &statement : splitStatements(migration.sql)) {
        const QString trimmed = statement.trimmed();
        if (trimmed.isEmpty() || (trimmed.startsWith("--"_L1) && !trimmed.contains(u'\n')))
            continue;
        if (!query.exec(trimmed)) {
            const Error error = sqlError(
                u"migration %1 (%2) failed"_s.arg(migration.version).arg(migration.name), query);
            m_db.rollback();
            return error;
        }
    }
    query.prepare(u"INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"_s);
    query.addBindValue(migration.version);
    query.addBindValue(migration.name);
    query.addBindValue(QDateTime::currentMSecsSinceEpoch());
    if (!query.exec())
        return sqlError(u"cannot record migration"_s, query);
    return transaction.commit();
}

} // namespace aisim
