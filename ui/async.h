#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <type_traits>
#include <utility>

namespace aisim {

// Runs work() on a pool thread and hands its result to done() on the context's thread, queued;
// done() is dropped when the context is destroyed first. The GUI uses it so that it never
// waits on the database.
template<typename Work, typename Done>
void runInBackground(QObject *context, Work work, Done done,
                     QThreadPool *pool = QThreadPool::globalInstance())
{
    using ResultType = std::invoke_result_t<Work>;
    auto *watcher = new QFutureWatcher<ResultType>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                     [watcher, done = std::move(done)]() mutable {
                         watcher->deleteLater();
                         done(watcher->result());
                     });
    watcher->setFuture(QtConcurrent::run(pool, std::move(work)));
}

} // namespace aisim
