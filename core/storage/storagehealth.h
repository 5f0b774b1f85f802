#pragma once

#include "storagefault.h"

#include <QMutex>
#include <QObject>
#include <QThread>
#include <QWaitCondition>

#include <array>
#include <atomic>
#include <memory>

namespace aisim {

class Database;

// Whether the database takes writes now. Operations report the storage faults they meet; the
// first of an episode is logged with the driver's words, and from then on a probe writes (and
// removes) a small row every second until a write succeeds again. Thread-safe.
class StorageHealth : public QObject
{
    Q_OBJECT
public:
    explicit StorageHealth(Database &database, QObject *parent = nullptr);
    ~StorageHealth() override;

    // The fault writes meet now; StorageFault::None while they succeed.
    StorageFault fault() const;
    bool isHealthy() const { return fault() == StorageFault::None; }
    // Operations that failed with each fault since this process opened the database.
    quint64 failureCount(StorageFault fault) const;

    // An operation failed with fault; driverText goes to the log, once per episode.
    void recordFailure(StorageFault fault, const QString &driverText);
    // How long the probe waits between writes while storage fails (default 1000 ms).
    void setProbeIntervalMs(int ms);
    // Ends probing for good (the database is closing).
    void stop();

Q_SIGNALS:
    // Writes started failing (fault), fail differently, or work again (StorageFault::None).
    // Emitted from the thread that noticed.
    void faultChanged(aisim::StorageFault fault);

private:
    void probeUntilHealthy();
    // Writes and removes a row in one transaction; the fault it met, or None.
    StorageFault probeOnce(QString *driverText);
    void setFault(StorageFault fault, const QString &driverText);

    Database &m_database;
    mutable QMutex m_mutex; // guards the fields below
    QWaitCondition m_wakeProbe;
    StorageFault m_fault = StorageFault::None;
    bool m_probing = false;
    bool m_stopped = false;
    int m_probeIntervalMs = 1000;
    std::unique_ptr<QThread> m_probe;
    std::array<std::atomic<quint64>, 5> m_failures {};
};

} // namespace aisim
