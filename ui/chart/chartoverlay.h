#pragma once

#include <QString>

class QChart;
class QGraphicsSimpleTextItem;
class QPalette;

namespace aisim {

// Texts drawn on a chart (so they are in its exports too): a note above the plot area,
// right-aligned, and a placeholder in its middle while there is nothing to plot.
class ChartOverlay
{
public:
    explicit ChartOverlay(QChart *chart);

    void setNote(const QString &text);
    QString note() const;
    // Shows text in the middle of the plot area; an empty text hides it.
    void setPlaceholder(const QString &text);
    void setColors(const QPalette &palette);
    // Puts the texts back in place after the plot area moved.
    void relayout();

private:
    QChart *m_chart;
    QGraphicsSimpleTextItem *m_note;
    QGraphicsSimpleTextItem *m_placeholder;
};

} // namespace aisim
