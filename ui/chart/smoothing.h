#pragma once

#include <QList>
#include <QPointF>

namespace aisim {

// Exponential moving average of a curve, debiased at the start as TensorBoard's: with weight
// w, s_n = (w s_{n-1} + (1 - w) y_n) and the point drawn is s_n / (1 - w^n), so the first
// points are not pulled towards zero. On a logarithmic loss axis the average runs over
// ln(loss), the axis's own space, and points with a loss <= 0 (which that axis cannot show)
// are left out; on a linear axis over the loss itself. GUI-free.
class Smoothing
{
public:
    static constexpr double kMaxWeight = 0.99;

    // The smoothed points, at the same x as the input; the input as is for weight 0.
    static QList<QPointF> ema(const QList<QPointF> &points, double weight, bool logY);
};

} // namespace aisim
