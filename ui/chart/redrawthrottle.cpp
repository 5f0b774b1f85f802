#include "redrawthrottle.h"

#include <algorithm>

namespace aisim {

RedrawThrottle::RedrawThrottle(int intervalMs, QObject *parent)
    : QObject(parent)
    , m_intervalMs(intervalMs)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &RedrawThrottle::due);
}

void RedrawThrottle::schedule()
{
    if (m_timer.isActive())
        return;
    const qint64 since = m_sinceRedraw.isValid() ? m_sinceRedraw.elapsed() : m_intervalMs;
    m_timer.start(int(std::max<qint64>(0, m_intervalMs - since)));
}

void RedrawThrottle::markDone()
{
    m_timer.stop();
    m_sinceRedraw.start();
}

} // namespace aisim
