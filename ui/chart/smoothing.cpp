#include "smoothing.h"

#include <algorithm>
#include <cmath>

namespace aisim {

QList<QPointF> Smoothing::ema(const QList<QPointF> &points, double weight, bool logY)
{
    weight = std::clamp(weight, 0.0, kMaxWeight);
    if (!(weight > 0))
        return points;
    QList<QPointF> smoothed;
    smoothed.reserve(points.size());
    double last = 0;
    double weightPower = 1; // w^n
    for (const QPointF &point : points) {
        const double y = point.y();
        if (!std::isfinite(y) || (logY && !(y > 0)))
            continue; // off this axis: it neither shows nor moves the average
        const double value = logY ? std::log(y) : y;
        last = last * weight + (1 - weight) * value;
        weightPower *= weight;
        const double debiased = last / (1 - weightPower);
        smoothed.append({point.x(), logY ? std::exp(debiased) : debiased});
    }
    return smoothed;
}

} // namespace aisim
