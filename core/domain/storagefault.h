#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace aisim {

// Why the database cannot store what it is given, as far as a user can act on it.
enum class StorageFault {
    None, // not a storage fault (or: writes succeed)
    Full, // the disk or the database's size limit is full
    ReadOnly, // the database or its file system only allows reading
    Unreachable, // the database server or file cannot be reached or opened
    Locked, // another connection held a lock longer than the busy timeout
};

// The name used in metrics and JSON: "full", "read_only", "unreachable", "locked" ("" for None).
QString storageFaultName(StorageFault fault);
// Every fault but None, in a fixed order.
QList<StorageFault> allStorageFaults();
// A stable sentence for users that says what happened and what it means; never driver text.
QString storageFaultSentence(StorageFault fault);
// What the window says in its banner while the fault lasts.
QString storageFaultBanner(StorageFault fault);

} // namespace aisim
