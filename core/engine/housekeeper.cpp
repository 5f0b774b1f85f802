#include "housekeeper.h"

#include <QTimer>

#include <memory>

namespace aisim {

void Housekeeper::start(int intervalMs, std::function<void()> tick)
{
    if (m_thread.isRunning())
        return;
    // One function for the first call and the timer's, whatever state it holds.
    const auto call
        = [shared = std::make_shared<std::function<void()>>(std::move(tick))] { (*shared)(); };
    auto *timer = new QTimer;
    timer->setInterval(intervalMs);
    timer->moveToThread(&m_thread);
    QObject::connect(timer, &QTimer::timeout, timer, call);
    QObject::connect(&m_thread, &QThread::started, timer, [timer] { timer->start(); });
    QObject::connect(&m_thread, &QThread::finished, timer, &QObject::deleteLater);
    m_thread.start();
    QMetaObject::invokeMethod(timer, call, Qt::QueuedConnection);
}

void Housekeeper::stop()
{
    m_thread.quit();
    m_thread.wait();
}

} // namespace aisim
