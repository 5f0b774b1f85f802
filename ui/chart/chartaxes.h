#pragma once

#include "seriesbuffer.h"

#include <QPair>
#include <QString>

class QAbstractAxis;

namespace aisim::chartaxes {

// A value axis, logarithmic (base 10, minor ticks at 2…9) or linear, with this title.
QAbstractAxis *create(bool logarithmic, const QString &title);
bool isLogarithmic(const QAbstractAxis *axis);
// The visible range of a value axis.
QPair<double, double> range(const QAbstractAxis *axis);
void setRange(QAbstractAxis *axis, double min, double max);
// The range that shows all of extent: whole decades on a log axis, from zero (or the lowest
// value when negative) with round ticks on a linear one. fallback when there is no data.
QPair<double, double> fittingRange(const Extent &extent, bool logarithmic);
// Rounds a linear axis' range and ticks to round numbers; does nothing to a log axis.
void applyNiceNumbers(QAbstractAxis *axis);

} // namespace aisim::chartaxes
