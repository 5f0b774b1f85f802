#include "walwrites.h"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace aisim::walwrites {

namespace {

std::atomic<qint64> s_fileWrites {0};
std::atomic<qint64> s_sqliteWrites {0};

// The VFS that was the default: every call but xOpen goes to it.
sqlite3_vfs *s_base = nullptr;

// A frame's header is 24 bytes; bytes 4 to 7 hold, in a commit frame only, the database's size
// in pages after the commit (never 0).
constexpr int kFrameHeaderBytes = 24;

bool isCommitFrameHeader(const void *data, int bytes)
{
    if (bytes != kFrameHeaderBytes)
        return false;
    const auto *header = static_cast<const unsigned char *>(data);
    return (header[4] | header[5] | header[6] | header[7]) != 0;
}

// The write lock of a database's log as this process sees it: which of its database files
// (connections) holds it, and how often it changed hands. SQLite gives it to one connection of
// a process at a time, and only that connection writes to the log.
struct WriteLock
{
    std::atomic<const struct File *> holder {nullptr};
    std::atomic<std::uint64_t> turn {0};
};

// By database path; entries live as long as the process, so that files can keep a pointer.
WriteLock &writeLockOf(const std::string &database)
{
    static std::mutex mutex;
    static std::unordered_map<std::string, WriteLock> locks;
    const std::lock_guard lock(mutex);
    return locks[database];
}

// A database or log file: the base VFS's file follows it in the memory SQLite gives the VFS for
// a file. Only a log buffers; a database file keeps its log's WriteLock.
struct File
{
    sqlite3_file base; // first: SQLite sees this
    sqlite3_file *file = nullptr; // the base VFS's
    bool isLog = false;
    WriteLock *writeLock = nullptr;
    std::unique_ptr<char[]> buffer; // allocated at the first write: readers never write
    sqlite3_int64 offset = 0; // of buffer[0] in the file
    int buffered = 0;
    // The write lock's turn in which this log wrote what it buffers.
    std::uint64_t turn = 0;
    bool commitFrameFollows = false; // a commit frame's header is buffered; its page comes next
    // The transaction's commit frame is in the file: what SQLite writes after it (the
    // checksums of frames it wrote again, the padding of synchronous=FULL) goes there at once.
    bool committed = false;
    // A database file's first region of the log index, while it is mapped.
    const volatile void *logIndex = nullptr;

    static File *of(sqlite3_file *file) { return reinterpret_cast<File *>(file); }
    const sqlite3_io_methods &methods() const { return *file->pMethods; }

    // Since this log last wrote, the write lock changed hands: what it buffers (the frames of
    // a transaction rolled back after SQLite wrote part of it early) is no transaction's any
    // more, and written now it would overwrite frames another connection committed meanwhile.
    void forgetAnEndedTransaction()
    {
        const std::uint64_t now = writeLock->turn.load(std::memory_order_acquire);
        if (turn == now)
            return;
        turn = now;
        buffered = 0;
        commitFrameFollows = false;
        committed = false;
    }

    int flush()
    {
        forgetAnEndedTransaction();
        if (buffered == 0)
            return SQLITE_OK;
        const int bytes = std::exchange(buffered, 0);
        s_fileWrites.fetch_add(1, std::memory_order_relaxed);
        // On an error the frames are dropped: they are the current transaction's, which
        // fails with this error.
        return methods().xWrite(file, buffer.get(), bytes, offset);
    }
};

// The first bytes of a file's memory hold a File; the base VFS's file follows, aligned.
constexpr int kFileBytes = int((sizeof(File) + 15) & ~size_t(15));

// SQLite's lock of the log's writer: the first of its shared-memory locks.
constexpr int kWriteLock = 0;

int fileClose(sqlite3_file *handle)
{
    File *file = File::of(handle);
    const int closed = file->methods().xClose(file->file);
    file->~File();
    return closed;
}

// A call passed on to the base VFS's file.
template<auto call, typename... Args> auto forward(sqlite3_file *handle, Args... args)
{
    File *file = File::of(handle);
    return (file->methods().*call)(file->file, args...);
}

// A call that needs what a log buffers in its file: passed on once that is written.
template<auto call, typename... Args> int flushThenForward(sqlite3_file *handle, Args... args)
{
    File *file = File::of(handle);
    if (file->isLog) {
        if (const int flushed = file->flush(); flushed != SQLITE_OK)
            return flushed;
    }
    return (file->methods().*call)(file->file, args...);
}

int fileWrite(sqlite3_file *handle, const void *data, int bytes, sqlite3_int64 offset)
{
    File *file = File::of(handle);
    if (!file->isLog)
        return file->methods().xWrite(file->file, data, bytes, offset);
    s_sqliteWrites.fetch_add(1, std::memory_order_relaxed);
    file->forgetAnEndedTransaction();
    // This write is the page of a commit frame whose header came before it.
    const bool completesCommit = std::exchange(file->commitFrameFollows, false);
    if (file->buffered > 0
        && (file->committed || offset != file->offset + file->buffered
            || file->buffered + bytes > kBufferBytes)) {
        if (const int flushed = file->flush(); flushed != SQLITE_OK)
            return flushed;
    }
    if (!file->buffer && bytes <= kBufferBytes)
        file->buffer.reset(new (std::nothrow) char[kBufferBytes]);
    if (file->committed || bytes > kBufferBytes || !file->buffer) {
        s_fileWrites.fetch_add(1, std::memory_order_relaxed);
        return file->methods().xWrite(file->file, data, bytes, offset);
    }
    if (file->buffered == 0)
        file->offset = offset;
    std::memcpy(file->buffer.get() + file->buffered, data, size_t(bytes));
    file->buffered += bytes;
    if (completesCommit) {
        // The transaction's frames go out before SQLite publishes them.
        const int flushed = file->flush();
        file->committed = flushed == SQLITE_OK;
        return flushed;
    }
    file->commitFrameFollows = isCommitFrameHeader(data, bytes);
    return SQLITE_OK;
}

int fileShmLock(sqlite3_file *handle, int offset, int count, int flags)
{
    File *file = File::of(handle);
    const int result = file->methods().xShmLock(file->file, offset, count, flags);
    if (file->isLog || result != SQLITE_OK || offset > kWriteLock || kWriteLock >= offset + count)
        return result;
    WriteLock &lock = *file->writeLock;
    if (flags & SQLITE_SHM_UNLOCK) {
        const File *holder = file;
        if (lock.holder.compare_exchange_strong(holder, nullptr))
            lock.turn.fetch_add(1, std::memory_order_acq_rel);
    } else if (flags & SQLITE_SHM_EXCLUSIVE) {
        lock.holder.store(file);
        lock.turn.fetch_add(1, std::memory_order_acq_rel);
    }
    return result;
}

int fileShmMap(sqlite3_file *handle, int region, int regionBytes, int extend,
               void volatile **memory)
{
    File *file = File::of(handle);
    const int result = file->methods().xShmMap(file->file, region, regionBytes, extend, memory);
    if (region == 0)
        file->logIndex = result == SQLITE_OK ? *memory : nullptr;
    return result;
}

int fileShmUnmap(sqlite3_file *handle, int deleteFlag)
{
    File *file = File::of(handle);
    file->logIndex = nullptr;
    return file->methods().xShmUnmap(file->file, deleteFlag);
}

// The calls of a base file of the given version (1 to 3): those it has not are left out.
constexpr sqlite3_io_methods methodsOfVersion(int version)
{
    using M = sqlite3_io_methods;
    return {version,
            fileClose,
            flushThenForward<&M::xRead, void *, int, sqlite3_int64>,
            fileWrite,
            flushThenForward<&M::xTruncate, sqlite3_int64>,
            flushThenForward<&M::xSync, int>,
            flushThenForward<&M::xFileSize, sqlite3_int64 *>,
            forward<&M::xLock, int>,
            forward<&M::xUnlock, int>,
            forward<&M::xCheckReservedLock, int *>,
            flushThenForward<&M::xFileControl, int, void *>,
            forward<&M::xSectorSize>,
            forward<&M::xDeviceCharacteristics>,
            version >= 2 ? fileShmMap : nullptr,
            version >= 2 ? fileShmLock : nullptr,
            version >= 2 ? forward<&M::xShmBarrier> : nullptr,
            version >= 2 ? fileShmUnmap : nullptr,
            version >= 3 ? flushThenForward<&M::xFetch, sqlite3_int64, int, void **> : nullptr,
            version >= 3 ? forward<&M::xUnfetch, sqlite3_int64, void *> : nullptr};
}

constexpr sqlite3_io_methods kMethods[]
    = {methodsOfVersion(1), methodsOfVersion(2), methodsOfVersion(3)};

constexpr std::string_view kLogSuffix = "-wal";

int vfsOpen(sqlite3_vfs *, sqlite3_filename name, sqlite3_file *handle, int flags, int *outFlags)
{
    const bool isLog = flags & SQLITE_OPEN_WAL;
    if (!name || !(isLog || (flags & SQLITE_OPEN_MAIN_DB))) // in place: the memory suffices
        return s_base->xOpen(s_base, name, handle, flags, outFlags);
    auto *file = new (handle) File;
    file->isLog = isLog;
    std::string database = name;
    if (isLog && database.size() > kLogSuffix.size()
        && std::string_view(database).substr(database.size() - kLogSuffix.size()) == kLogSuffix)
        database.resize(database.size() - kLogSuffix.size());
    file->writeLock = &writeLockOf(database);
    file->turn = file->writeLock->turn.load(std::memory_order_acquire);
    file->file = reinterpret_cast<sqlite3_file *>(reinterpret_cast<char *>(handle) + kFileBytes);
    std::memset(static_cast<void *>(file->file), 0, size_t(s_base->szOsFile));
    if (const int opened = s_base->xOpen(s_base, name, file->file, flags, outFlags);
        opened != SQLITE_OK) {
        // SQLite closes a file whose xOpen failed if it has methods: this one is ours to close.
        if (file->file->pMethods)
            file->file->pMethods->xClose(file->file);
        file->~File();
        handle->pMethods = nullptr;
        return opened;
    }
    file->base.pMethods = &kMethods[std::clamp(file->file->pMethods->iVersion, 1, 3) - 1];
    return SQLITE_OK;
}

// A call of the VFS passed on to the base VFS.
template<auto call, typename... Args> auto vfsForward(sqlite3_vfs *, Args... args)
{
    return (s_base->*call)(s_base, args...);
}

int vfsGetLastError(sqlite3_vfs *, int size, char *out)
{
    return s_base->xGetLastError ? s_base->xGetLastError(s_base, size, out) : 0;
}

sqlite3_vfs s_vfs {};

} // namespace

void install()
{
    static std::once_flag once;
    std::call_once(once, [] {
        s_base = sqlite3_vfs_find(nullptr);
        // Only over a base whose files have every call of version 3, as the unix VFS's have.
        if (!s_base || s_base->iVersion < 3)
            return;
        s_vfs.iVersion = 3;
        s_vfs.szOsFile = kFileBytes + s_base->szOsFile;
        s_vfs.mxPathname = s_base->mxPathname;
        s_vfs.zName = "aisim-wal-writes";
        s_vfs.xOpen = vfsOpen;
        using V = sqlite3_vfs;
        s_vfs.xDelete = vfsForward<&V::xDelete, const char *, int>;
        s_vfs.xAccess = vfsForward<&V::xAccess, const char *, int, int *>;
        s_vfs.xFullPathname = vfsForward<&V::xFullPathname, const char *, int, char *>;
        s_vfs.xDlOpen = vfsForward<&V::xDlOpen, const char *>;
        s_vfs.xDlError = vfsForward<&V::xDlError, int, char *>;
        s_vfs.xDlSym = vfsForward<&V::xDlSym, void *, const char *>;
        s_vfs.xDlClose = vfsForward<&V::xDlClose, void *>;
        s_vfs.xRandomness = vfsForward<&V::xRandomness, int, char *>;
        s_vfs.xSleep = vfsForward<&V::xSleep, int>;
        s_vfs.xCurrentTime = vfsForward<&V::xCurrentTime, double *>;
        s_vfs.xGetLastError = vfsGetLastError;
        s_vfs.xCurrentTimeInt64 = vfsForward<&V::xCurrentTimeInt64, sqlite3_int64 *>;
        s_vfs.xSetSystemCall = vfsForward<&V::xSetSystemCall, const char *, sqlite3_syscall_ptr>;
        s_vfs.xGetSystemCall = vfsForward<&V::xGetSystemCall, const char *>;
        s_vfs.xNextSystemCall = vfsForward<&V::xNextSystemCall, const char *>;
        sqlite3_vfs_register(&s_vfs, 1);
    });
}

std::optional<LogIndexHeader> publishedHeader(sqlite3 *connection)
{
    sqlite3_file *handle = nullptr;
    if (!connection
        || sqlite3_file_control(connection, "main", SQLITE_FCNTL_FILE_POINTER, &handle) != SQLITE_OK
        || !handle
        || !std::any_of(
            std::begin(kMethods), std::end(kMethods),
            [handle](const sqlite3_io_methods &methods) { return handle->pMethods == &methods; }))
        return std::nullopt;
    const auto *words = static_cast<const volatile quint32 *>(File::of(handle)->logIndex);
    if (!words)
        return std::nullopt;
    constexpr size_t kWords = std::tuple_size_v<LogIndexHeader>;
    // SQLite writes the second copy, then the first; read in the other order, two equal copies
    // are one whole header.
    LogIndexHeader first;
    LogIndexHeader second;
    for (size_t i = 0; i < kWords; ++i)
        first[i] = words[i];
    std::atomic_thread_fence(std::memory_order_seq_cst);
    for (size_t i = 0; i < kWords; ++i)
        second[i] = words[kWords + i];
    // Byte 12 (isInit) is 0 until the index has been built from the log.
    const auto *bytes = reinterpret_cast<const unsigned char *>(first.data());
    if (first != second || bytes[12] == 0)
        return std::nullopt;
    return first;
}

Counts counts()
{
    return {s_fileWrites.load(std::memory_order_relaxed),
            s_sqliteWrites.load(std::memory_order_relaxed)};
}

} // namespace aisim::walwrites
