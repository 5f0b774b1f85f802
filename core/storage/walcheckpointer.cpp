#include "walcheckpointer.h"

#include "logging.h"
#include "sqlsupport.h"

#include <sqlite3.h>

namespace aisim {

WalCheckpointer::WalCheckpointer(QString path, int restartPages)
    : m_path(std::move(path))
    , m_restartPages(restartPages)
{
    setObjectName(QStringLiteral("aisim-checkpointer"));
}

WalCheckpointer::~WalCheckpointer()
{
    stop();
}

void WalCheckpointer::stop()
{
    {
        const QMutexLocker lock(&m_mutex);
        m_stopping = true;
        m_wake.wakeAll();
    }
    wait();
}

void WalCheckpointer::run()
{
    sqlite3 *connection = nullptr;
    const QByteArray path = m_path.toUtf8();
    if (sqlite3_open_v2(path.constData(), &connection, SQLITE_OPEN_READWRITE, nullptr)
        != SQLITE_OK) {
        qCWarning(lcStorage) << "cannot open" << m_path
                             << "to copy its log back:" << sqlite3_errmsg(connection);
        sqlite3_close(connection);
        return;
    }
    // How long a restart waits for readers (of any process) with this process's writers held:
    // one that does not come in time is tried again at a later round.
    sqlite3_busy_timeout(connection, kRestartWaitMs);
    // A connection finds the log when it first reads the file; until then it checkpoints nothing.
    sqlite3_exec(connection, "PRAGMA journal_mode", nullptr, nullptr, nullptr);
    // A round copies what the log holds beyond what was copied; it returns the log's pages and
    // how many of them are in the file now.
    const auto round = [&](int mode, int *logPages, int *copied) {
        const int code = sqlite3_wal_checkpoint_v2(connection, nullptr, mode, logPages, copied);
        return code == SQLITE_OK;
    };
    while (true) {
        {
            QMutexLocker lock(&m_mutex);
            if (m_stopping)
                break;
            m_wake.wait(&m_mutex, kIntervalMs);
            if (m_stopping)
                break;
        }
        int logPages = 0;
        int copied = 0;
        // Again at once while it copies something and some is left: the log is wholly copied
        // the sooner.
        for (int tries = 0; tries < 4 && round(SQLITE_CHECKPOINT_PASSIVE, &logPages, &copied)
             && copied < logPages && copied > 0;
             ++tries) { }
        if (logPages >= m_restartPages) {
            const QMutexLocker turn(&sql::sqliteWriteTurn(m_path));
            round(SQLITE_CHECKPOINT_RESTART, &logPages, &copied);
        }
    }
    sqlite3_close(connection);
}

} // namespace aisim
