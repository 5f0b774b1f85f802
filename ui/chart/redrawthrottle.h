#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace aisim {

// Coalesces redraw requests: the first after a quiet spell is due at the next event loop pass,
// later ones at most once per interval, however many arrive.
class RedrawThrottle : public QObject
{
    Q_OBJECT
public:
    explicit RedrawThrottle(int intervalMs, QObject *parent = nullptr);

    void schedule();
    // A redraw just happened (due or not): cancels the pending one and restarts the interval.
    void markDone();

Q_SIGNALS:
    void due();

private:
    int m_intervalMs;
    QTimer m_timer;
    QElapsedTimer m_sinceRedraw;
};

} // namespace aisim
