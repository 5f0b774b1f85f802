#pragma once

#include <QDateTime>
#include <QString>

namespace aisim {

// A place where simulations run; workers keep a heartbeat on the machines they serve.
struct Machine
{
    // A machine is online while a worker heartbeat on it is at most this old.
    static constexpr qint64 kOnlineWithinMs = 10'000;

    qint64 id = 0;
    QString name;
    QDateTime createdAt;
    QDateTime heartbeatAt; // null until a worker has served the machine

    bool isOnline(const QDateTime &now, qint64 staleAfterMs) const
    {
        return heartbeatAt.isValid() && heartbeatAt.msecsTo(now) <= staleAfterMs;
    }
};

} // namespace aisim
