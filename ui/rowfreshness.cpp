#include "rowfreshness.h"

#include "simulationformat.h"

#include <QCoreApplication>
#include <QFont>
#include <QLocale>

#include <algorithm>

namespace aisim {

bool RowFreshness::markStale()
{
    const bool changed = !m_stale;
    m_stale = true;
    return changed;
}

QVariant RowFreshness::durationData(const Simulation &simulation, int role) const
{
    const bool unknown = m_stale && simulation.status == SimulationStatus::Running;
    switch (role) {
    case Qt::DisplayRole:
        if (!unknown)
            return formatDuration(runningTimeMs(simulation));
        // As of the last read: the run may have ended since.
        if (!simulation.startedAt.isValid() || !m_readAt.isValid())
            return QString();
        return QCoreApplication::translate("aisim", "≥ %1")
            .arg(formatDuration(std::max<qint64>(0, simulation.startedAt.msecsTo(m_readAt))));
    case Qt::ToolTipRole:
        if (!unknown)
            return {};
        return QCoreApplication::translate("aisim",
                                           "As of %1, the last time the database answered: "
                                           "whether the run still runs is unknown.")
            .arg(QLocale().toString(m_readAt.toLocalTime().time(), QLocale::LongFormat));
    case Qt::FontRole:
        if (!unknown)
            return {};
        {
            QFont font;
            font.setItalic(true);
            return font;
        }
    default:
        return {};
    }
}

} // namespace aisim
