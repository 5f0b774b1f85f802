#include "chartstyle.h"

#include <QAbstractAxis>
#include <QChart>
#include <QPalette>
#include <QXYSeries>

#include <array>

namespace aisim::chartstyle {

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor seriesColor(int index, bool dark)
{
    // Tableau 10: told apart easily, also by most colour-blind readers.
    static constexpr std::array<QRgb, 10> kColors {0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2,
                                                   0x59a14f, 0xedc948, 0xb07aa1, 0xff9da7,
                                                   0x9c755f, 0xbab0ac};
    const QColor color = QColor::fromRgb(kColors[size_t(index) % kColors.size()]);
    return dark ? color.lighter(125) : color.darker(105);
}

void styleSeries(QXYSeries *series, int index, bool dark)
{
    QPen pen(seriesColor(index, dark), 2);
    pen.setCosmetic(true);
    series->setPen(pen);
    series->setMarkerSize(5);
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
