#include "downsampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace aisim {

namespace {

// Maps x to its position along the axis, where equal steps are equal distances on screen.
double axisPosition(double x, bool logX)
{
    return logX ? std::log(std::max(x, std::numeric_limits<double>::min())) : x;
}

} // namespace

QList<QPointF> Downsampler::reduce(const QList<QPointF> &points, const Options &options)
{
    const bool logX = options.logX;
    const bool logY = options.logY;
    const auto plottable = [&](qsizetype i) { return isPlottable(points[i], logX, logY); };
    const auto byX = [](const QPointF &p, double x) { return p.x() < x; };
    const auto xBefore = [](double x, const QPointF &p) { return x < p.x(); };

    const qsizetype count = points.size();
    // [low, high]: the points inside the visible range.
    const qsizetype low
        = std::lower_bound(points.cbegin(), points.cend(), options.minX, byX) - points.cbegin();
    const qsizetype high = std::upper_bound(points.cbegin(), points.cend(), options.maxX, xBefore)
        - points.cbegin() - 1;
    // The nearest drawable neighbours outside the range carry the lines to its edges.
    qsizetype before = low - 1;
    while (before >= 0 && !plottable(before))
        --before;
    qsizetype after = high + 1;
    while (after < count && !plottable(after))
        ++after;

    QList<QPointF> reduced;
    const int columns = std::max(options.columns, 1);
    const qsizetype inside = std::max<qsizetype>(high - low + 1, 0);
    if (inside + 2 <= 2 * qsizetype(columns)) {
        reduced.reserve(inside + 2);
        if (before >= 0)
            reduced.append(points[before]);
        for (qsizetype i = low; i <= high; ++i) {
            if (plottable(i))
                reduced.append(points[i]);
        }
        if (after < count)
            reduced.append(points[after]);
        return reduced;
    }

    // The end points, kept as they are; the rest goes into columns - 1 buckets.
    qsizetype first = before;
    qsizetype innerLow = low;
    if (first < 0) {
        while (innerLow <= high && !plottable(innerLow))
            ++innerLow;
        if (innerLow <= high)
            first = innerLow++;
    }
    qsizetype last = after < count ? after : -1;
    qsizetype innerHigh = high;
    if (last < 0) {
        while (innerHigh >= innerLow && !plottable(innerHigh))
            --innerHigh;
        if (innerHigh >= innerLow)
            last = innerHigh--;
    }

    reduced.reserve(2 * qsizetype(columns));
    if (first >= 0)
        reduced.append(points[first]);
    const int buckets = columns - 1;
    const double start = axisPosition(options.minX, logX);
    const double span = axisPosition(options.maxX, logX) - start;
    const double scale = span > 0 ? buckets / span : 0;
    int bucket = -1;
    qsizetype lowest = -1, highest = -1;
    const auto flush = [&] {
        if (lowest < 0)
            return;
        const qsizetype a = std::min(lowest, highest), b = std::max(lowest, highest);
        reduced.append(points[a]);
        if (b != a)
            reduced.append(points[b]);
    };
    for (qsizetype i = innerLow; buckets > 0 && i <= innerHigh; ++i) {
        if (!plottable(i))
            continue;
        const double y = points[i].y();
        const int column
            = std::clamp(int((axisPosition(points[i].x(), logX) - start) * scale), 0, buckets - 1);
        if (column != bucket) {
            flush();
            bucket = column;
            lowest = highest = i;
        } else if (y < points[lowest].y()) {
            lowest = i;
        } else if (y > points[highest].y()) {
            highest = i;
        }
    }
    flush();
    if (last >= 0 && last != first)
        reduced.append(points[last]);
    return reduced;
}

} // namespace aisim
