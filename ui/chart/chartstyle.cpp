#include "chartstyle.h"

#include "runcolors.h"

#include <QAbstractAxis>
#include <QChart>
#include <QPalette>
#include <QXYSeries>

namespace aisim::chartstyle {

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor seriesColor(int index, bool dark)
{
    return RunColors::paletteColor(index, dark);
}

void styleSeries(QXYSeries *series, int index, bool dark)
{
    styleSeries(series, seriesColor(index, dark), true, false);
}

void styleSeries(QXYSeries *series, const QColor &color, bool opaque, bool highlighted)
{
    QColor shown = color;
    if (!opaque)
        shown.setAlphaF(0.3f);
    QPen pen(shown, highlighted ? 3.5 : 2);
    pen.setCosmetic(true);
    // A new pen repaints the run: only when it differs (a hover restyles every run).
    if (series->pen() != pen)
        series->setPen(pen);
    if (series->markerSize() != (highlighted ? 7 : 5))
        series->setMarkerSize(highlighted ? 7 : 5);
}

void styleRawSeries(QXYSeries *series, const QColor &color)
{
    QColor faint = color;
    faint.setAlphaF(0.25f);
    QPen pen(faint, 1);
    pen.setCosmetic(true);
    series->setPen(pen);
}

void applyTheme(QChart *chart, const QPalette &palette)
{
    const bool dark = isDark(palette);
    chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart->setBackgroundRoundness(0);
    chart->setBackgroundBrush(palette.color(QPalette::Base));
    chart->setBackgroundPen(Qt::NoPen);
    chart->setTitleBrush(palette.color(QPalette::Text));
}

void styleAxis(QAbstractAxis *axis, const QPalette &palette)
{
    const QColor text = palette.color(QPalette::Text);
    const auto pen = [&](int alpha) {
        QColor color = text;
        color.setAlpha(alpha);
        QPen line(color, 1);
        line.setCosmetic(true);
        return line;
    };
    axis->setGridLinePen(pen(isDark(palette) ? 70 : 50));
    axis->setMinorGridLinePen(pen(isDark(palette) ? 28 : 22));
    axis->setLinePen(pen(110));
    axis->setLabelsBrush(text);
    axis->setTitleBrush(text);
}

} // namespace aisim::chartstyle
