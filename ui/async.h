#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <type_traits>
#include <utility>

namespace aisim {

// Watches work started for a context, as its child. When the context goes, work not yet begun
// is dropped and work under way is waited for: nothing a task uses (the database above all,
// which outlives every window) is destroyed while the task runs.
template<typename T> class ContextBoundWatcher : public QFutureWatcher<T>
{
public:
    using QFutureWatcher<T>::QFutureWatcher;
    ~ContextBoundWatcher() override
    {
        QFuture<T> running = this->future();
        running.cancel(); // a task that has not begun returns at once
        running.waitForFinished();
    }
    ContextBoundWatcher(const ContextBoundWatcher &) = delete;
    ContextBoundWatcher &operator=(const ContextBoundWatcher &) = delete;
};

// Runs work() on a pool thread and hands its result to done() on the context's thread, queued;
// done() is dropped when the context is destroyed first, and the context's destruction waits
// for work under way (ContextBoundWatcher). The GUI uses it so that it never waits on the
// database while it lives.
template<typename Work, typename Done>
void runInBackground(QObject *context, Work work, Done done,
                     QThreadPool *pool = QThreadPool::globalInstance())
{
    using ResultType = std::invoke_result_t<Work>;
    auto *watcher = new ContextBoundWatcher<ResultType>(context);
    // The context's other work is dropped before any of it is waited for: waiting for one task
    // must not let the pool begin the next.
    QObject::connect(context, &QObject::destroyed, watcher,
                     [watcher] { watcher->future().cancel(); });
    QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                     [watcher, done = std::move(done)]() mutable {
                         watcher->deleteLater();
                         done(watcher->result());
                     });
    watcher->setFuture(QtConcurrent::run(pool, std::move(work)));
}

// From the destructor of a context that owns the pool its work runs on (a member goes before
// the context's children, and with it what a watcher would wait through): drops the context's
// work not yet begun and waits for the rest, so that every watcher finds its work ended.
inline void endBackgroundWork(QObject *context, QThreadPool &pool)
{
    const auto watchers = context->findChildren<QFutureWatcherBase *>(Qt::FindDirectChildrenOnly);
    for (QFutureWatcherBase *watcher : watchers)
        watcher->cancel();
    pool.waitForDone();
}

} // namespace aisim
