#include "housekeeper.h"

#include <QTimer>

namespace aisim {

void Housekeeper::start(int intervalMs, std::function<void()> tick)
{
    if (m_thread.isRunning())
        return;
    auto *timer = new QTimer;
    timer->setInterval(intervalMs);
    timer->moveToThread(&m_thread);
    QObject::connect(timer, &QTimer::timeout, timer, tick);
    QObject::connect(&m_thread, &QThread::started, timer, [timer] { timer->start(); });
    QObject::connect(&m_thread, &QThread::finished, timer, &QObject::deleteLater);
    m_thread.start();
    QMetaObject::invokeMethod(timer, std::move(tick), Qt::QueuedConnection);
}

void Housekeeper::stop()
{
    m_thread.quit();
    m_thread.wait();
}

} // namespace aisim
