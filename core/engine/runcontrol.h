#pragma once

#include <QDeadlineTimer>
#include <QMutex>
#include <QWaitCondition>

namespace aisim {

// Lets a worker sleep between points and be woken at once when its run must stop.
class RunControl
{
public:
    // Sleeps up to ms; false if interrupted meanwhile (or before).
    bool sleep(qint64 ms)
    {
        const QDeadlineTimer deadline(ms);
        QMutexLocker lock(&m_mutex);
        while (!m_interrupted && !deadline.hasExpired())
            m_condition.wait(&m_mutex, deadline);
        return !m_interrupted;
    }

    void interrupt()
    {
        const QMutexLocker lock(&m_mutex);
        m_interrupted = true;
        m_condition.wakeAll();
    }

    bool isInterrupted()
    {
        const QMutexLocker lock(&m_mutex);
        return m_interrupted;
    }

private:
    QMutex m_mutex;
    QWaitCondition m_condition;
    bool m_interrupted = false;
};

} // namespace aisim
