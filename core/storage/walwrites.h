#pragma once

#include <QtGlobal>

#include <array>
#include <optional>

struct sqlite3;

namespace aisim::walwrites {

// Makes SQLite's default VFS one that writes each transaction's log frames with a few system
// calls instead of two a frame (its header, then its page). A commit of a POST's batch writes
// some eighty frames: the calls, not the bytes, were a third of the writer's time.
//
// Only write-ahead log files buffer; database files pass every call on to the VFS that was the
// default (and follow which connection holds the log's write lock), and other files are that
// VFS's own. A log file keeps frames written one after the other in a buffer of its own (up to
// kBufferBytes) and writes them when the frame that commits them is complete, in the call that
// completes it, so that an error (a full disk) is the commit's error; what SQLite writes after
// the commit frame (checksums of frames written again, padding) goes to the file at once.
// SQLite publishes a transaction to other connections (the log index, in shared memory) only
// after that, so no connection, of this process or another, reads a frame still in a buffer. The
// connection that wrote them writes them out before it reads, syncs, truncates or sizes the log,
// and before it writes elsewhere in it. Only the connection holding the log's write lock writes
// to the log; once the lock has changed hands, what a log still buffers (a transaction rolled
// back after SQLite wrote part of it early) is dropped, never written. Synchronous settings keep
// their meaning: a sync writes the buffer first.
//
// Call once, before the first SQLite connection opens; later calls do nothing.
void install();

// Largest number of bytes a log file keeps before writing them: the unix VFS writes less than
// 128 KiB in one call (a larger write fails as a full disk).
inline constexpr int kBufferBytes = 127 * 1024;

// The header SQLite publishes in a database's log index (the -shm file, shared by every
// connection of every process) when a transaction commits, as the connection's database file
// maps it: 48 bytes, in the layout of SQLite's file format documentation (walformat.html). Its
// counter of transactions and its checksum change with every commit, of any connection or
// process, so two equal headers mean that nothing was committed in between. Read without a lock
// or a system call: both copies SQLite keeps, equal, or nothing while a commit is writing them.
// Nothing either when the connection's file has not mapped the index yet (before its first
// read), is not in WAL mode, or is not one of this VFS's.
using LogIndexHeader = std::array<quint32, 12>;
std::optional<LogIndexHeader> publishedHeader(sqlite3 *connection);

// For tests: the writes that reached the log files so far, and those SQLite made.
struct Counts
{
    qint64 fileWrites = 0;
    qint64 sqliteWrites = 0;
};
Counts counts();

} // namespace aisim::walwrites
