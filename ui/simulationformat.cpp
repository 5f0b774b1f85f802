#include "simulationformat.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace aisim {

qint64 runningTimeMs(const Simulation &simulation)
{
    if (!simulation.startedAt.isValid())
        return -1;
    QDateTime end = simulation.finishedAt;
    if (!end.isValid()) {
        end = simulation.status == SimulationStatus::Running ? QDateTime::currentDateTimeUtc()
                                                             : simulation.updateDate;
    }
    return std::max<qint64>(0, simulation.startedAt.msecsTo(end));
}

QString formatDuration(qint64 ms)
{
    if (ms < 0)
        return QString();
    if (ms < 60'000)
        return QCoreApplication::translate("aisim", "%1 s").arg(ms / 1000.0, 0, 'f', 1);
    const qint64 seconds = ms / 1000;
    if (seconds < 3600) {
        return QCoreApplication::translate("aisim", "%1 min %2 s")
            .arg(seconds / 60)
            .arg(seconds % 60, 2, 10, QChar(u'0'));
    }
    return QCoreApplication::translate("aisim", "%1 h %2 min")
        .arg(seconds / 3600)
        .arg(seconds % 3600 / 60, 2, 10, QChar(u'0'));
}

QString formatDateTime(const QDateTime &date)
{
    return date.isValid() ? QLocale().toString(date.toLocalTime(), u"yyyy-MM-dd HH:mm:ss"_s)
                          : QString();
}

} // namespace aisim
