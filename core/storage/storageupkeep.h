#pragma once

#include <QElapsedTimer>

namespace aisim {

class Database;

// What keeps a database's lists, counts and name searches quick as runs come and go, done a
// little at a time by every process that serves or runs them (the engine's housekeeper, or
// the runtime's own where no engine runs): the characters of the names added since gathered by
// block, the name index merged, the blocks' rows folded and the ranges of the loss orders split.
// Several processes on one database may each do it.
class StorageUpkeep
{
public:
    explicit StorageUpkeep(Database &database)
        : m_database(database)
    { }

    // One step of it, every pollIntervalMs or so; on one thread. Nothing while writes fail.
    void tick();

private:
    Database &m_database;
    // Since the name index was last tidied and the blocks folded (on PostgreSQL since the
    // name index could not be tidied); since the ranges were split.
    QElapsedTimer m_sinceIndexTidy;
    QElapsedTimer m_sinceIndexFailure;
    QElapsedTimer m_sinceRangeSplit;
};

} // namespace aisim
