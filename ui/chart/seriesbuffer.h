#pragma once

#include <QList>
#include <QPointF>

#include <array>
#include <limits>

namespace aisim {

// The lowest and highest of a stream of values, kept as they arrive.
struct Extent
{
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();

    bool isValid() const { return min <= max; }
    void include(double value)
    {
        min = std::min(min, value);
        max = std::max(max, value);
    }
    void include(const Extent &other)
    {
        min = std::min(min, other.min);
        max = std::max(max, other.max);
    }
};

// Every point of one plotted run, sorted by x, with running extents and counts of the points
// a logarithmic axis cannot show. Appending in order costs O(1); GUI-free.
class SeriesBuffer
{
public:
    const QList<QPointF> &points() const { return m_points; }
    qsizetype size() const { return m_points.size(); }

    // Adds a point; one with the x of an existing point replaces it. Points whose x is NaN or
    // infinite are dropped: they have no place on any axis.
    void add(const QPointF &point);
    // Replaces everything (sorted here when needed).
    void setPoints(QList<QPointF> points);
    // Puts stored points under the ones that arrived live meanwhile (those win on equal x).
    void mergeStored(QList<QPointF> stored);
    void clear() { setPoints({}); }

    // The range of x (of y) over the points that axes of these kinds can show.
    Extent xExtent(bool logX, bool logY) const { return m_x[filter(logX, logY)]; }
    Extent yExtent(bool logX, bool logY) const { return m_y[filter(logX, logY)]; }
    // How many points axes of these kinds cannot show (x <= 0 on log x, y <= 0 on log y).
    qsizetype hiddenCount(bool logX, bool logY) const;

private:
    // Extents are kept per filter: bit 0, x > 0 only; bit 1, y > 0 only.
    static int filter(bool logX, bool logY) { return (logX ? 1 : 0) | (logY ? 2 : 0); }
    void include(const QPointF &point);
    void recount();

    QList<QPointF> m_points;
    std::array<Extent, 4> m_x, m_y;
    qsizetype m_nonPositiveX = 0;
    qsizetype m_nonPositiveY = 0;
    qsizetype m_nonPositiveBoth = 0;
};

} // namespace aisim
