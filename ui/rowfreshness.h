#pragma once

#include "simulation.h"

#include <QDateTime>
#include <QVariant>

namespace aisim {

// When the database last answered for the table's rows, and whether reads fail since: while they
// do, whether a running run still runs is unknown, so its duration stops at the last read and says
// so.
class RowFreshness
{
public:
    void markRead()
    {
        m_readAt = QDateTime::currentDateTimeUtc();
        m_stale = false;
    }
    // The database answered someone (another panel's read, a live change): the rows were
    // current then, as far as anyone knows.
    void noteAnswer()
    {
        if (!m_stale)
            m_readAt = QDateTime::currentDateTimeUtc();
    }
    // Returns true when the rows just became stale.
    bool markStale();
    bool isStale() const { return m_stale; }
    const QDateTime &readAt() const { return m_readAt; }

    // The duration cell of a run for a role (display, tooltip, font), or an invalid QVariant
    // when the role is not one it answers.
    QVariant durationData(const Simulation &simulation, int role) const;

private:
    QDateTime m_readAt;
    bool m_stale = false;
};

} // namespace aisim
