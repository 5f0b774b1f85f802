#include "seriesbuffer.h"

#include <algorithm>
#include <cmath>

namespace aisim {

namespace {

bool lessX(const QPointF &a, const QPointF &b)
{
    return a.x() < b.x();
}

} // namespace

void SeriesBuffer::add(const QPointF &point)
{
    if (!std::isfinite(point.x()))
        return; // no place on any axis, and it would break the order
    if (m_points.isEmpty() || m_points.constLast().x() < point.x()) {
        m_points.append(point); // the usual case: a run's next point
        include(point);
        return;
    }
    // Out of order (a merge, a retried step): rare.
    const auto at = std::lower_bound(m_points.begin(), m_points.end(), point, lessX);
    if (at != m_points.end() && at->x() == point.x()) {
        *at = point;
        recount(); // the replaced point may have been an extreme
    } else {
        m_points.insert(at, point);
        include(point);
    }
}

void SeriesBuffer::setPoints(QList<QPointF> points)
{
    const auto notFinite = [](const QPointF &point) { return !std::isfinite(point.x()); };
    if (std::any_of(points.cbegin(), points.cend(), notFinite)) // removeIf would copy shared data
        points.removeIf(notFinite);
    if (!std::is_sorted(points.cbegin(), points.cend(), lessX))
        std::stable_sort(points.begin(), points.end(), lessX);
    m_points = std::move(points);
    recount();
}

void SeriesBuffer::mergeStored(QList<QPointF> stored)
{
    const QList<QPointF> live = std::exchange(m_points, {});
    setPoints(std::move(stored));
    for (const QPointF &point : live)
        add(point);
}

qsizetype SeriesBuffer::hiddenCount(bool logX, bool logY) const
{
    return (logX ? m_nonPositiveX : 0) + (logY ? m_nonPositiveY : 0)
        - (logX && logY ? m_nonPositiveBoth : 0);
}

void SeriesBuffer::include(const QPointF &point)
{
    const double x = point.x();
    const double y = point.y();
    const bool positiveX = x > 0;
    const bool finiteY = std::isfinite(y);
    const bool positiveY = finiteY && y > 0;
    m_nonPositiveX += positiveX ? 0 : 1;
    m_nonPositiveY += positiveY ? 0 : 1;
    m_nonPositiveBoth += !positiveX && !positiveY ? 1 : 0;
    if (!finiteY)
        return;
    const auto includeIn = [&](size_t filter) {
        Extent &ex = m_x[filter];
        Extent &ey = m_y[filter];
        ex.min = x < ex.min ? x : ex.min;
        ex.max = x > ex.max ? x : ex.max;
        ey.min = y < ey.min ? y : ey.min;
        ey.max = y > ey.max ? y : ey.max;
    };
    includeIn(0);
    if (positiveX)
        includeIn(1);
    if (positiveY)
        includeIn(2);
    if (positiveX && positiveY)
        includeIn(3);
}

void SeriesBuffer::recount()
{
    m_x.fill(Extent {});
    m_y.fill(Extent {});
    m_nonPositiveX = m_nonPositiveY = m_nonPositiveBoth = 0;
    for (const QPointF &point : std::as_const(m_points))
        include(point);
}

} // namespace aisim
