#pragma once

#include <QList>

namespace aisim {

// One sample of a run's convergence: the loss reached after so many seconds.
struct ConvergencePoint
{
    double seconds = 0;
    double loss = 0;

    friend bool operator==(const ConvergencePoint &a, const ConvergencePoint &b)
    {
        return a.seconds == b.seconds && a.loss == b.loss;
    }
};

using ConvergenceSeries = QList<ConvergencePoint>;

} // namespace aisim
