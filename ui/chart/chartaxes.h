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
// The range that shows all of extent: whole decades on a log axis; on a linear one from zero
// (or the lowest value when negative) with a small margin. A default range without data.
QPair<double, double> fittingRange(const Extent &extent, bool logarithmic);
// A round distance between linear ticks that cuts span into about five intervals.
double tickStep(double span);
// Puts a linear axis' ticks on round numbers for its current range; log axes keep decades.
void updateTicks(QAbstractAxis *axis);

} // namespace aisim::chartaxes
