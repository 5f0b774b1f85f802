#include "storagehealth.h"

#include "database.h"
#include "logging.h"
#include "sqlsupport.h"
#include "storagefaults.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QMutexLocker>
#include <QSqlError>
#include <QSqlQuery>

#include <optional>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
// Large enough to need pages of its own: a database that cannot grow refuses it.
constexpr int kProbeBytes = 8192;
} // namespace

StorageHealth::StorageHealth(Database &database, QObject *parent)
    : QObject(parent)
    , m_database(database)
{ }

StorageHealth::~StorageHealth()
{
    stop();
}

StorageFault StorageHealth::fault() const
{
    const QMutexLocker lock(&m_mutex);
    return m_fault;
}

quint64 StorageHealth::failureCount(StorageFault fault) const
{
    return m_failures[size_t(fault)].load();
}

void StorageHealth::setProbeIntervalMs(int ms)
{
    const QMutexLocker lock(&m_mutex);
    m_probeIntervalMs = ms;
}

void StorageHealth::recordFailure(StorageFault fault, const QString &driverText)
{
    if (fault == StorageFault::None)
        return;
    ++m_failures[size_t(fault)];
    setFault(fault, driverText);
    QMutexLocker lock(&m_mutex);
    if (m_probing || m_stopped)
        return;
    m_probing = true;
    if (m_probe) {
        m_probe->wait(); // the last probe ended: it cleared m_probing before returning
        m_probe.reset();
    }
    m_probe.reset(QThread::create([this] { probeUntilHealthy(); }));
    m_probe->setObjectName(u"aisim-storage-probe"_s);
    m_probe->start();
}

void StorageHealth::setFault(StorageFault fault, const QString &driverText)
{
    {
        const QMutexLocker lock(&m_mutex);
        if (m_fault == fault)
            return;
        m_fault = fault;
    }
    if (fault == StorageFault::None) {
        qCInfo(lcStorage).noquote() << "the database takes writes again";
    } else {
        qCWarning(lcStorage).noquote()
            << u"storage fault (%1):"_s.arg(storageFaultName(fault)) << driverText
            << "— later failures of this kind are not logged until writes succeed again";
    }
    Q_EMIT faultChanged(fault);
}

void StorageHealth::stop()
{
    std::unique_ptr<QThread> probe;
    {
        const QMutexLocker lock(&m_mutex);
        m_stopped = true;
        m_wakeProbe.wakeAll();
        probe = std::move(m_probe);
    }
    if (probe)
        probe->wait();
}

void StorageHealth::probeUntilHealthy()
{
    for (;;) {
        {
            QMutexLocker lock(&m_mutex);
            const QDeadlineTimer deadline(m_probeIntervalMs);
            while (!m_stopped && !deadline.hasExpired())
                m_wakeProbe.wait(&m_mutex, deadline);
            if (m_stopped) {
                m_probing = false;
                return;
            }
        }
        QString driverText;
        const StorageFault fault = probeOnce(&driverText);
        if (fault == StorageFault::None) {
            setFault(StorageFault::None, {});
            const QMutexLocker lock(&m_mutex);
            m_probing = false;
            return;
        }
        setFault(fault, driverText);
    }
}

StorageFault StorageHealth::probeOnce(QString *driverText)
{
    const auto db = m_database.open();
    if (!db) {
        *driverText = db.error().message;
        return db.error().fault == StorageFault::None ? StorageFault::Unreachable
                                                      : db.error().fault;
    }
    QSqlDatabase connection = db.value();
    const bool postgreSql = m_database.isPostgreSql();
    QSqlQuery query(connection);
    const auto failed = [&](const QSqlError &error) {
        *driverText = error.text();
        const StorageFault fault = classifySqlError(error, postgreSql);
        QSqlQuery(connection).exec(u"ROLLBACK"_s); // quietly: there may be nothing to undo
        if (fault == StorageFault::Unreachable || fault == StorageFault::ReadOnly)
            connection.close(); // the next probe connects afresh
        return fault == StorageFault::None ? StorageFault::Unreachable : fault;
    };
    // On SQLite the probe takes its turn among this process's writers, as they do.
    std::optional<QMutexLocker<QMutex>> turn;
    if (!postgreSql)
        turn.emplace(&sql::sqliteWriteTurn(connection.databaseName()));
    if (!query.exec(postgreSql ? u"BEGIN"_s : u"BEGIN IMMEDIATE"_s))
        return failed(query.lastError());
    // SQLite's write lock covers the whole file; on PostgreSQL take the lock that every write
    // of a run needs, so that a table locked by another program counts as a fault too.
    if (postgreSql && !query.exec(u"LOCK TABLE simulations IN ROW EXCLUSIVE MODE"_s))
        return failed(query.lastError());
    query.prepare(u"INSERT INTO storage_probe (written_at, filler) VALUES (?, ?)"_s);
    query.addBindValue(QDateTime::currentMSecsSinceEpoch());
    query.addBindValue(QByteArray(kProbeBytes, '\x5a'));
    if (!query.exec())
        return failed(query.lastError());
    if (!query.exec(u"DELETE FROM storage_probe"_s))
        return failed(query.lastError());
    if (!query.exec(u"COMMIT"_s))
        return failed(query.lastError());
    return StorageFault::None;
}

} // namespace aisim
