#pragma once

#include "seriesbuffer.h"

#include <QList>
#include <QPair>
#include <QString>

#include <functional>

class QAbstractAxis;
class QAbstractSeries;
class QChart;
class QObject;

namespace aisim::chartaxes {

// A value axis, logarithmic (base 10, minor ticks at 2…9) or linear, with this title.
QAbstractAxis *create(bool logarithmic, const QString &title);
bool isLogarithmic(const QAbstractAxis *axis);
// Puts a new axis in place of old (null: none yet) for these series, which are emptied first
// since a log axis must never hold a point it cannot show. Returns the new axis.
QAbstractAxis *replace(QChart *chart, QAbstractAxis *old, bool logarithmic, const QString &title,
                       Qt::Alignment alignment, const QList<QAbstractSeries *> &series);
// Calls handler whenever the axis' range changes.
void onRangeChanged(QAbstractAxis *axis, QObject *context, const std::function<void()> &handler);
// The visible range of a value axis.
QPair<double, double> range(const QAbstractAxis *axis);
void setRange(QAbstractAxis *axis, double min, double max);
// The range that shows all of extent with a small margin (in log space on a log axis); a
// linear one starts from zero (or the lowest value when negative). A default range without data.
QPair<double, double> fittingRange(const Extent &extent, bool logarithmic);
// A round distance between linear ticks that cuts span into about five intervals.
double tickStep(double span);
// Puts a linear axis' ticks on round numbers for its current range; a log axis gets at least
// three labels: at decades when its range holds three, else at powers of a root of ten.
void updateTicks(QAbstractAxis *axis);

} // namespace aisim::chartaxes
