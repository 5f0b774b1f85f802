#pragma once

#include <QList>
#include <QPointF>

#include <cmath>

namespace aisim {

// Reduces a series sorted by x to what a plot of a given pixel width can show: the first and
// last points and, for every pixel column in between, the points of lowest and highest y.
// Every returned point is a real sample; the shape on screen is the same as with all points.
class Downsampler
{
public:
    struct Options
    {
        double minX = 0; // the visible x-range
        double maxX = 0;
        int columns = 0; // pixel columns of that range
        bool logX = false; // columns evenly spaced in log(x); points with x <= 0 are skipped
        bool logY = false; // points with y <= 0 are skipped
    };

    // The points to draw for the visible range: at most 2 * columns of them, plus the nearest
    // point on each side outside the range so that lines reach the edges.
    static QList<QPointF> reduce(const QList<QPointF> &points, const Options &options);

    // Whether a point can be drawn on axes of these kinds (never a NaN or infinite loss).
    static bool isPlottable(const QPointF &point, bool logX, bool logY)
    {
        return (!logX || point.x() > 0) && (!logY || point.y() > 0) && std::isfinite(point.y());
    }
};

} // namespace aisim
