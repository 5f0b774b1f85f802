#pragma once

#include <QColor>

class QAbstractAxis;
class QChart;
class QPalette;
class QXYSeries;

namespace aisim::chartstyle {

// Whether a palette is dark (light text on a dark window).
bool isDark(const QPalette &palette);
// The colour of the index-th plotted run: distinct for the first 24, readable on either theme.
QColor seriesColor(int index, bool dark);
// A line of the index-th run's colour, markers small enough for dense runs.
void styleSeries(QXYSeries *series, int index, bool dark);
// A line of this colour: faded when another run is highlighted, wider when this one is.
void styleSeries(QXYSeries *series, const QColor &color, bool opaque, bool highlighted);
// The raw curve drawn faintly beneath a smoothed one.
void styleRawSeries(QXYSeries *series, const QColor &color);
// Gives the chart the theme that matches the palette, its window colour as background.
void applyTheme(QChart *chart, const QPalette &palette);
// Quiet solid grid lines in the palette's text colour, the minor ones fainter.
void styleAxis(QAbstractAxis *axis, const QPalette &palette);

} // namespace aisim::chartstyle
