#include "chartoverlay.h"

#include <QChart>
#include <QFont>
#include <QGraphicsSimpleTextItem>
#include <QPalette>

namespace aisim {

ChartOverlay::ChartOverlay(QChart *chart)
    : m_chart(chart)
    , m_note(new QGraphicsSimpleTextItem(chart)) // owned by the chart
    , m_placeholder(new QGraphicsSimpleTextItem(chart))
{
    QFont font = m_placeholder->font();
    font.setPointSizeF(font.pointSizeF() * 1.2);
    m_placeholder->setFont(font);
    m_note->setVisible(false);
    m_placeholder->setVisible(false);
}

void ChartOverlay::setNote(const QString &text)
{
    if (text == m_note->text())
        return;
    m_note->setText(text);
    m_note->setVisible(!text.isEmpty());
    relayout();
}

QString ChartOverlay::note() const
{
    return m_note->text();
}

void ChartOverlay::setPlaceholder(const QString &text)
{
    if (text == m_placeholder->text())
        return;
    m_placeholder->setText(text);
    m_placeholder->setVisible(!text.isEmpty());
    relayout();
}

void ChartOverlay::setColors(const QPalette &palette)
{
    m_note->setBrush(palette.color(QPalette::Text));
    m_placeholder->setBrush(palette.color(QPalette::PlaceholderText));
}

void ChartOverlay::relayout()
{
    const QRectF area = m_chart->plotArea();
    // Above the plot: clear of the curves and the grid.
    const QRectF note = m_note->boundingRect();
    m_note->setPos(area.right() - note.width(), area.top() - note.height() - 4);
    m_placeholder->setPos(area.center() - m_placeholder->boundingRect().center());
}

} // namespace aisim
