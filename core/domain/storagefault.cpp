#include "storagefault.h"

using namespace Qt::StringLiterals;

namespace aisim {

QString storageFaultName(StorageFault fault)
{
    switch (fault) {
    case StorageFault::None:
        break;
    case StorageFault::Full:
        return u"full"_s;
    case StorageFault::ReadOnly:
        return u"read_only"_s;
    case StorageFault::Unreachable:
        return u"unreachable"_s;
    case StorageFault::Locked:
        return u"locked"_s;
    }
    return {};
}

QList<StorageFault> allStorageFaults()
{
    return {StorageFault::Full, StorageFault::ReadOnly, StorageFault::Unreachable,
            StorageFault::Locked};
}

QString storageFaultSentence(StorageFault fault)
{
    switch (fault) {
    case StorageFault::None:
        break;
    case StorageFault::Full:
        return u"The database's storage is full: nothing new can be saved until space is "
               "freed."_s;
    case StorageFault::ReadOnly:
        return u"The database is read-only: changes cannot be saved until it is writable "
               "again."_s;
    case StorageFault::Unreachable:
        return u"The database cannot be reached; try again shortly."_s;
    case StorageFault::Locked:
        return u"The database is locked by another program; try again shortly."_s;
    }
    return {};
}

QString storageFaultBanner(StorageFault fault)
{
    switch (fault) {
    case StorageFault::None:
        break;
    case StorageFault::Full:
        return u"The database's disk is full — new runs and points cannot be saved until "
               "space is freed."_s;
    case StorageFault::ReadOnly:
        return u"The database is read-only — new runs and points cannot be saved until it is "
               "writable again."_s;
    case StorageFault::Unreachable:
        return u"The database cannot be reached — new runs and points cannot be saved until "
               "it is back."_s;
    case StorageFault::Locked:
        return u"Another program holds a lock on the database — new runs and points wait "
               "until it lets go."_s;
    }
    return {};
}

} // namespace aisim
