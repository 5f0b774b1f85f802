#include "storagefaults.h"

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
// SQLite's primary result codes (the low byte of an extended code).
constexpr int kSqlitePerm = 3;
constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;
constexpr int kSqliteReadOnly = 8;
constexpr int kSqliteIoErr = 10;
constexpr int kSqliteFull = 13;
constexpr int kSqliteCantOpen = 14;

StorageFault classifySqlite(const QSqlError &error)
{
    bool numeric = false;
    const int code = error.nativeErrorCode().toInt(&numeric);
    if (numeric) {
        switch (code & 0xff) {
        case kSqliteFull:
            return StorageFault::Full;
        case kSqliteReadOnly:
        case kSqlitePerm:
            return StorageFault::ReadOnly;
        case kSqliteBusy:
        case kSqliteLocked:
            return StorageFault::Locked;
        case kSqliteIoErr:
        case kSqliteCantOpen:
            return StorageFault::Unreachable;
        default:
            break;
        }
    }
    // Errors raised before a statement ran (opening the file) come without a code.
    const QString text = error.databaseText() + u' ' + error.driverText();
    if (text.contains("database or disk is full"_L1))
        return StorageFault::Full;
    if (text.contains("readonly database"_L1))
        return StorageFault::ReadOnly;
    if (text.contains("database is locked"_L1))
        return StorageFault::Locked;
    if (text.contains("unable to open database"_L1) || text.contains("disk I/O error"_L1))
        return StorageFault::Unreachable;
    return StorageFault::None;
}

StorageFault classifyPostgreSql(const QSqlError &error)
{
    const QString state = error.nativeErrorCode();
    if (state == "53100"_L1) // disk_full
        return StorageFault::Full;
    if (state == "25006"_L1) // read_only_sql_transaction (hot standby, read-only database)
        return StorageFault::ReadOnly;
    if (state == "55P03"_L1 || state == "57014"_L1) // lock_not_available, lock or statement timeout
        return StorageFault::Locked;
    // 08: connection exceptions; 57P01–57P03: administrator or crash shutdown, cannot connect
    // now; 53300: too many connections.
    if (state.startsWith("08"_L1) || state.startsWith("57P"_L1) || state == "53300"_L1)
        return StorageFault::Unreachable;
    const QString text = error.text();
    if (text.contains("server closed the connection"_L1)
        || text.contains("no connection to the server"_L1)
        || text.contains("terminating connection"_L1) || text.contains("could not connect"_L1)
        || text.contains("Connection refused"_L1))
        return StorageFault::Unreachable;
    // libpq fails to connect without a SQLSTATE.
    if (state.isEmpty() && error.type() == QSqlError::ConnectionError)
        return StorageFault::Unreachable;
    return StorageFault::None;
}
} // namespace

StorageFault classifySqlError(const QSqlError &error, bool postgreSql)
{
    if (error.type() == QSqlError::NoError)
        return StorageFault::None;
    return postgreSql ? classifyPostgreSql(error) : classifySqlite(error);
}

} // namespace aisim
