#pragma once

#include "convergencepoint.h"

#include <QByteArray>

namespace aisim::api {

// At most maxPoints of a series, spread evenly over the loss's log axis (the chart's), so a
// long flat tail does not crowd out the descent. Keeps the first and the last point and the
// time order; returns the series as is when it is short enough.
ConvergenceSeries thinOnLogAxis(const ConvergenceSeries &points, int maxPoints);

// {"data": [{"seconds": …, "loss": …}, …]}, the same bytes QJsonDocument would write, built
// directly: a large series is not turned into a JSON tree first.
QByteArray convergenceDocument(const ConvergenceSeries &points);

} // namespace aisim::api
