#pragma once

#include <QMutex>
#include <QString>
#include <QThread>
#include <QWaitCondition>

namespace aisim {

// Copies a SQLite database's write-ahead log back into its file on a thread of its own, with a
// connection of its own. SQLite otherwise does it in whichever thread commits past a thousand
// pages of log: that commit then takes several milliseconds more (the copy, a sync of each
// file), and every request waiting on it with it. Meanwhile the process's connections leave it
// to this thread: Database::checkpointInBackground raises their wal_autocheckpoint to
// kCommitterPages, where a committing connection copies the log itself again, so that writers
// faster than this thread still find the log bounded.
//
// Every kIntervalMs it copies what was committed since (PASSIVE: it never waits for a writer),
// again at once while it keeps up; a log wholly copied when a transaction begins starts over
// from its beginning. Under a steady load that moment rarely comes (each round syncs both files,
// longer than the gap between commits), so once the log passes kRestartPages it holds this
// process's writers (their turn, then RESTART) while it copies the little left, and the next
// commit starts the log over: the log stays near kRestartPages pages, and the rounds before
// keep that wait short. That wait is a copy and a sync of each file (10–15 ms on a slow disk), so
// the restart comes rarely: every 256 MB of log. At 32 MB it came ten times a second under a
// full load of POSTs, and the requests it held were the slowest 2 % (p99 at the server 8–10 ms,
// 3 ms at 256 MB). Readers do not pay for a long log: they look up only the frames not yet copied.
class WalCheckpointer : public QThread
{
public:
    static constexpr int kIntervalMs = 10;
    static constexpr int kRestartPages = 65536;
    static constexpr int kCommitterPages = 2 * kRestartPages;
    static constexpr int kRestartWaitMs = 100;

    // restartPages: the log's size at which the writers are held to restart it.
    explicit WalCheckpointer(QString path, int restartPages = kRestartPages);
    ~WalCheckpointer() override;
    WalCheckpointer(const WalCheckpointer &) = delete;
    WalCheckpointer &operator=(const WalCheckpointer &) = delete;

    void stop();

protected:
    void run() override;

private:
    QString m_path;
    int m_restartPages;
    QMutex m_mutex;
    QWaitCondition m_wake;
    bool m_stopping = false; // guarded by m_mutex
};

} // namespace aisim
