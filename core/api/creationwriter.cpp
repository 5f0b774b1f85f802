#include "creationwriter.h"

#include "apimetrics.h"
#include "database.h"

#include <algorithm>
#include <iterator>

using namespace Qt::StringLiterals;

namespace aisim::api {

int CreationWriter::threadsFor(const Database &database)
{
    return database.isPostgreSql() ? 2 : 1;
}

CreationWriter::CreationWriter(SimulationService &service, ApiMetrics &metrics, int threads)
    : m_service(service)
    , m_metrics(metrics)
{
    for (int i = 0; i < std::max(1, threads); ++i) {
        m_threads.emplace_back(QThread::create([this] { run(); }));
        m_threads.back()->setObjectName(u"aisim-writer-%1"_s.arg(i + 1));
        m_threads.back()->start();
    }
}

CreationWriter::~CreationWriter()
{
    stop();
}

bool CreationWriter::create(const SimulationService::Creation &creation, QObject *context,
                            Done done)
{
    const QMutexLocker lock(&m_mutex);
    if (m_stopping)
        return false;
    m_queued.push_back({creation, context, std::move(done)});
    m_wake.wakeOne();
    return true;
}

void CreationWriter::stop()
{
    {
        const QMutexLocker lock(&m_mutex);
        m_stopping = true;
        m_wake.wakeAll();
    }
    for (const std::unique_ptr<QThread> &thread : m_threads)
        thread->wait();
}

void CreationWriter::run()
{
    for (;;) {
        std::vector<Queued> queued;
        {
            QMutexLocker lock(&m_mutex);
            while (m_queued.empty() && !m_stopping)
                m_wake.wait(&m_mutex);
            if (m_queued.empty())
                return; // stopping, and nothing left to write
            // Everything posted while the last transaction was written, up to kMaxRuns.
            const auto end = m_queued.begin()
                + std::min<std::ptrdiff_t>(kMaxRuns, std::ptrdiff_t(m_queued.size()));
            queued.assign(std::make_move_iterator(m_queued.begin()), std::make_move_iterator(end));
            m_queued.erase(m_queued.begin(), end);
        }
        write(std::move(queued));
    }
}

void CreationWriter::write(std::vector<Queued> &&queued)
{
    QList<SimulationService::Creation> creations;
    creations.reserve(qsizetype(queued.size()));
    std::transform(queued.cbegin(), queued.cend(), std::back_inserter(creations),
                   [](const Queued &run) { return run.creation; });
    const QList<Result<Simulation>> results = m_service.create(creations);
    m_metrics.recordCreations(int(creations.size()));
    // One event for each context (a server thread) with all its answers: each event wakes its
    // thread, which then takes the core from this one.
    using Answers = std::vector<std::pair<Done, Result<Simulation>>>;
    std::vector<std::pair<QObject *, Answers>> byContext;
    for (size_t i = 0; i < queued.size(); ++i) {
        QObject *context = queued[i].context;
        auto group = std::find_if(byContext.begin(), byContext.end(),
                                  [context](const auto &kept) { return kept.first == context; });
        if (group == byContext.end())
            group = byContext.insert(byContext.end(), {context, {}});
        group->second.emplace_back(std::move(queued[i].done), results.at(qsizetype(i)));
    }
    for (auto &[context, answers] : byContext) {
        QMetaObject::invokeMethod(
            context,
            [answers = std::move(answers)] {
                for (const auto &[done, created] : answers)
                    done(created);
            },
            Qt::QueuedConnection);
    }
}

} // namespace aisim::api
