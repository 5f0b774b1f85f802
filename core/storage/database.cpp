#include "database.h"

#include "logging.h"
#include "migrator.h"
#include "sqlsupport.h"
#include "storagefaults.h"
#include "storagehealth.h"
#include "walcheckpointer.h"
#include "walwrites.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

#include <sqlite3.h>

#include <atomic>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
std::atomic<quint64> s_nextInstanceId {1};
constexpr QFile::Permissions kOwnerOnlyFile = QFile::ReadOwner | QFile::WriteOwner;
constexpr QFile::Permissions kOwnerOnlyFolder
    = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner;
constexpr QFile::Permissions kGroupAndOthers = QFile::ReadGroup | QFile::WriteGroup
    | QFile::ExeGroup | QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;

// Creates the missing folders of path, the new ones for the owner alone when asked.
bool makeFolders(const QString &path, bool ownerOnly)
{
    if (!ownerOnly)
        return QDir().mkpath(path);
    QStringList missing;
    for (QString folder = QDir::cleanPath(path); !QFileInfo::exists(folder);
         folder = QFileInfo(folder).absolutePath()) {
        missing.prepend(folder);
        if (folder == QFileInfo(folder).absolutePath())
            break;
    }
    for (const QString &folder : std::as_const(missing)) {
        if (!QDir().mkdir(folder, kOwnerOnlyFolder) && !QFileInfo(folder).isDir())
            return false;
    }
    return true;
}
} // namespace

Database::Database(DatabaseUrl url, Privacy privacy)
    : m_url(std::move(url))
    , m_privacy(privacy)
    , m_instanceId(s_nextInstanceId++)
    , m_health(std::make_unique<StorageHealth>(*this))
    , m_prepared(std::make_shared<PreparedStatements>())
{
    if (m_url.dialect == DatabaseUrl::Dialect::Sqlite)
        walwrites::install(); // before this process's first SQLite connection opens
}

Database::~Database()
{
    if (m_checkpointer)
        m_checkpointer->stop();
    {
        // The queries go before their connections do.
        const QMutexLocker lock(&m_prepared->mutex);
        m_prepared->byConnection.clear();
        m_prepared->sqliteByConnection.clear();
    }
    m_health->stop();
    const QMutexLocker lock(&m_mutex);
    for (const QString &name : std::as_const(m_connectionNames))
        QSqlDatabase::removeDatabase(name);
}

QString Database::connectionNameForThisThread() const
{
    // Asked at every statement: named once per thread for the Database it last used (ids are
    // never reused, so a name kept for another one is only a miss).
    thread_local quint64 namedFor = 0;
    thread_local QString name;
    if (namedFor != m_instanceId) {
        name = u"aisim-%1-%2"_s.arg(m_instanceId).arg(quintptr(QThread::currentThreadId()), 0, 16);
        namedFor = m_instanceId;
    }
    return name;
}

QSqlDatabase Database::connection()
{
    const Result<QSqlDatabase> db = open();
    return db.ok() ? db.value() : QSqlDatabase();
}

Error Database::openError(const QString &what, const QSqlError &error) const
{
    const StorageFault fault = classifySqlError(error, isPostgreSql());
    return Error::storage(fault == StorageFault::None ? StorageFault::Unreachable : fault,
                          u"%1 %2: %3"_s.arg(what, m_url.displayString(), error.text()));
}

Result<QSqlDatabase> Database::open()
{
    const QString name = connectionNameForThisThread();
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isOpen()) {
            if (m_sessionGeneration.loadRelaxed() != 0) {
                if (const Status applied = applySessionStatements(db, name); !applied)
                    return applied.error();
            }
            return db;
        }
        // Closed after the server dropped it, or after a fault that a new connection may not
        // meet (a file made writable again): open it afresh, settings and all. Statements
        // prepared on the connection that closed are gone with it.
        {
            const QMutexLocker lock(&m_prepared->mutex);
            m_prepared->byConnection.remove(name);
            if (const auto kept = m_prepared->sqliteByConnection.take(name))
                kept->finalizeAndClose();
        }
        if (!db.open())
            return openError(u"cannot open"_s, db.lastError());
        return configure(db, name);
    }

    QSqlDatabase db = QSqlDatabase::addDatabase(m_url.driverName(), name);
    {
        const QMutexLocker lock(&m_mutex);
        m_connectionNames << name;
    }
    // A pooled thread that ends takes its connection, and the statements prepared on it, along.
    QObject::connect(QThread::currentThread(), &QThread::finished,
                     [name, prepared = std::weak_ptr(m_prepared)] {
                         if (const auto statements = prepared.lock()) {
                             const QMutexLocker lock(&statements->mutex);
                             statements->forget(name);
                         }
                         QSqlDatabase::removeDatabase(name);
                     });

    if (m_url.dialect == DatabaseUrl::Dialect::Sqlite) {
        if (const Status prepared = prepareSqliteFile(); !prepared)
            return prepared.error();
        db.setDatabaseName(m_url.path);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(m_url.busyTimeoutMs));
    } else {
        db.setHostName(m_url.host);
        db.setPort(m_url.port);
        db.setUserName(m_url.user);
        db.setPassword(m_url.password);
        db.setDatabaseName(m_url.databaseName);
        // A statement that waits for another's lock longer than the busy timeout fails (55P03),
        // as on SQLite, instead of holding its caller indefinitely.
        db.setConnectOptions(
            u"connect_timeout=5;application_name=aisim;options='-c lock_timeout=%1'"_s.arg(
                m_url.busyTimeoutMs));
    }
    if (!db.open())
        return openError(u"cannot open"_s, db.lastError());
    return configure(db, name);
}

Status Database::prepareSqliteFile() const
{
    const QFileInfo file(m_url.path);
    if (!makeFolders(file.absolutePath(), m_privacy != Privacy::Umask)) {
        return Error::storage(StorageFault::Unreachable,
                              u"cannot create the folder %1"_s.arg(file.absolutePath()));
    }
    if (m_privacy == Privacy::Umask)
        return success();
    if (m_privacy == Privacy::PrivateFolder) {
        QFile folder(file.absolutePath());
        if (folder.permissions() & kGroupAndOthers)
            folder.setPermissions(folder.permissions() & ~kGroupAndOthers);
    }
    // SQLite gives the -wal and -shm files the database file's permissions, so a file made
    // private before SQLite first opens it keeps all three private.
    if (!file.exists()) {
        QFile created(m_url.path);
        if (!created.open(QIODevice::WriteOnly | QIODevice::NewOnly, kOwnerOnlyFile)
            && !QFileInfo::exists(m_url.path))
            return Error::storage(StorageFault::Unreachable,
                                  u"cannot create %1: %2"_s.arg(m_url.path, created.errorString()));
        return success();
    }
    for (const QString &path :
         QStringList {m_url.path, m_url.path + "-wal"_L1, m_url.path + "-shm"_L1}) {
        QFile existing(path);
        const QFile::Permissions permissions = existing.permissions();
        if (!existing.exists() || !(permissions & kGroupAndOthers))
            continue;
        if (existing.setPermissions(permissions & ~kGroupAndOthers))
            qCInfo(lcStorage).noquote() << "made" << path << "readable by its owner only";
    }
    return success();
}

Result<QSqlDatabase> Database::configure(QSqlDatabase db, const QString &name)
{
    QSqlQuery query(db);
    if (m_url.dialect == DatabaseUrl::Dialect::Sqlite) {
        // Switching to WAL needs an exclusive lock: only ask when the file is not in WAL yet,
        // or a connection opened while another writes would stall it.
        const bool inWal = query.exec(u"PRAGMA journal_mode"_s) && query.next()
            && query.value(0).toString() == "wal"_L1;
        query.finish();
        // A transaction's undo records (of its savepoints and statements) stay in memory: on
        // disk, each POST created, wrote and removed a file.
        QStringList pragmas {u"PRAGMA foreign_keys=ON"_s, u"PRAGMA synchronous=NORMAL"_s,
                             u"PRAGMA temp_store=MEMORY"_s};
        // The log is copied back by a thread of its own (checkpointInBackground).
        {
            const QMutexLocker lock(&m_mutex);
            if (m_checkpointer)
                pragmas << kBackgroundAutoCheckpoint;
        }
        if (!inWal)
            pragmas.prepend(u"PRAGMA journal_mode=WAL"_s);
        for (const QString &pragma : std::as_const(pragmas)) {
            if (!query.exec(pragma)) {
                const Error error = openError(u"cannot configure"_s, query.lastError());
                db.close();
                return error;
            }
        }
    } else {
        query.exec(u"SET TIME ZONE 'UTC'"_s);
    }
    {
        const QMutexLocker lock(&m_mutex);
        m_appliedGeneration.remove(name); // a new session has none of the statements yet
    }
    if (const Status applied = applySessionStatements(db, name); !applied)
        return applied.error();
    qCDebug(lcStorage) << "opened" << m_url.displayString() << "as" << name;
    return db;
}

Result<std::shared_ptr<QSqlQuery>> Database::prepared(const QString &statement)
{
    const Result<QSqlDatabase> db = open();
    if (!db)
        return db.error();
    const QString name = db.value().connectionName();
    const QMutexLocker lock(&m_prepared->mutex);
    auto &statements = m_prepared->byConnection[name];
    if (const auto found = statements.constFind(statement); found != statements.constEnd())
        return found.value();
    auto query = std::make_shared<QSqlQuery>(db.value());
    query->setForwardOnly(true);
    if (!query->prepare(statement))
        return sql::failure(*this, query->lastError(), u"prepare a statement"_s);
    if (statements.size() >= kKeptStatements)
        statements.removeIf([](const auto &kept) { return kept.value().use_count() == 1; });
    statements.insert(statement, query);
    return query;
}

int Database::keptStatements() const
{
    const QMutexLocker lock(&m_prepared->mutex);
    return int(m_prepared->byConnection.value(connectionNameForThisThread()).size());
}

sqlite3_stmt *Database::preparedSqlite(const QString &statement)
{
    if (isPostgreSql())
        return nullptr;
    const Result<QSqlDatabase> db = open();
    if (!db)
        return nullptr;
    const QVariant handle = db.value().driver()->handle();
    if (qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    sqlite3 *connection = *static_cast<sqlite3 *const *>(handle.constData());
    if (!connection)
        return nullptr;
    const QMutexLocker lock(&m_prepared->mutex);
    std::shared_ptr<SqliteStatements> &kept
        = m_prepared->sqliteByConnection[db.value().connectionName()];
    if (!kept) {
        kept = std::make_shared<SqliteStatements>();
        kept->connection = connection;
    } else if (kept->connection != connection) {
        // The driver closed the connection and opened another meanwhile.
        kept->finalizeAndClose();
        kept->connection = connection;
    }
    if (const auto found = kept->statements.constFind(statement);
        found != kept->statements.constEnd())
        return found.value();
    const QByteArray text = statement.toUtf8();
    sqlite3_stmt *prepared = nullptr;
    if (sqlite3_prepare_v3(connection, text.constData(), int(text.size()),
                           SQLITE_PREPARE_PERSISTENT, &prepared, nullptr)
            != SQLITE_OK
        || !prepared) {
        sqlite3_finalize(prepared);
        return nullptr;
    }
    kept->statements.insert(statement, prepared);
    return prepared;
}

const QString Database::kBackgroundAutoCheckpoint
    = u"PRAGMA wal_autocheckpoint=%1"_s.arg(WalCheckpointer::kCommitterPages);

std::optional<Database::DataStamp> Database::dataStamp()
{
    sqlite3_stmt *statement = preparedSqlite(u"PRAGMA data_version"_s);
    if (!statement)
        return std::nullopt;
    DataStamp stamp;
    if (const auto header = walwrites::publishedHeader(sqlite3_db_handle(statement))) {
        stamp.source = DataStamp::Source::LogIndex;
        stamp.words = *header;
        return stamp;
    }
    const bool read = sqlite3_step(statement) == SQLITE_ROW;
    const auto version = quint64(sqlite3_column_int64(statement, 0));
    const auto changes = quint64(sqlite3_total_changes64(sqlite3_db_handle(statement)));
    sqlite3_reset(statement);
    if (!read)
        return std::nullopt;
    stamp.words
        = {quint32(version), quint32(version >> 32), quint32(changes), quint32(changes >> 32)};
    return stamp;
}

void Database::SqliteStatements::finalize()
{
    for (sqlite3_stmt *statement : std::as_const(statements))
        sqlite3_finalize(statement);
    statements.clear();
}

void Database::SqliteStatements::finalizeAndClose()
{
    const bool held = !statements.isEmpty();
    finalize();
    if (held && connection)
        sqlite3_close(connection);
    connection = nullptr;
}

void Database::forgetPrepared(const QString &statement)
{
    const QString name = connectionNameForThisThread();
    const QMutexLocker lock(&m_prepared->mutex);
    if (const auto found = m_prepared->byConnection.find(name);
        found != m_prepared->byConnection.end())
        found->remove(statement);
    if (const auto found = m_prepared->sqliteByConnection.constFind(name);
        found != m_prepared->sqliteByConnection.constEnd()) {
        if (sqlite3_stmt *kept = found.value()->statements.take(statement))
            sqlite3_finalize(kept);
    }
}

void Database::checkpointInBackground(int restartPages)
{
    if (isPostgreSql())
        return;
    const QMutexLocker lock(&m_mutex);
    if (m_checkpointer)
        return;
    m_checkpointer = std::make_unique<WalCheckpointer>(
        m_url.path, restartPages > 0 ? restartPages : WalCheckpointer::kRestartPages);
    m_checkpointer->start();
    // Connections opened from now on are told in configure(); this thread's, if open, now.
    if (const QString name = connectionNameForThisThread(); QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isOpen())
            QSqlQuery(db).exec(kBackgroundAutoCheckpoint);
    }
}

void Database::setSessionStatements(const QStringList &statements)
{
    const QMutexLocker lock(&m_mutex);
    m_sessionStatements = statements;
    m_sessionGeneration.fetchAndAddRelaxed(1);
}

Status Database::applySessionStatements(QSqlDatabase &db, const QString &name)
{
    QStringList statements;
    quint64 generation = 0;
    {
        const QMutexLocker lock(&m_mutex);
        generation = m_sessionGeneration.loadRelaxed();
        if (m_appliedGeneration.value(name) == generation)
            return success();
        statements = m_sessionStatements;
    }
    QSqlQuery query(db);
    for (const QString &statement : std::as_const(statements)) {
        if (!query.exec(statement))
            return openError(u"cannot set up the session of"_s, query.lastError());
    }
    const QMutexLocker lock(&m_mutex);
    m_appliedGeneration.insert(name, generation);
    return success();
}

Status Database::migrate()
{
    const Result<QSqlDatabase> db = open();
    if (!db)
        return db.error();
    return Migrator(db.value(), isPostgreSql()).migrate();
}

} // namespace aisim
