#include "chartview.h"

#include <QKeyEvent>
#include <QLegend>
#include <QLegendMarker>
#include <QMouseEvent>
#include <QWheelEvent>
#include <QXYSeries>

#include <cmath>
#include <utility>

namespace aisim {

namespace {

constexpr double kKeyPanFraction = 0.1;
constexpr double kKeyZoomFactor = 1.25;

} // namespace

ChartView::ChartView(QChart *chart, QWidget *parent)
    : QChartView(chart, parent)
{
    setRenderHint(QPainter::Antialiasing);
    // Markers reach past the bounding rectangles Qt Charts reports for a series: partial
    // updates left fragments of them behind when points moved or series went away.
    setViewportUpdateMode(QGraphicsView::FullViewportUpdate);
    setRubberBand(QChartView::RectangleRubberBand);
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
}

QPointF ChartView::toChart(const QPointF &viewPosition) const
{
    return chart()->mapFromScene(mapToScene(viewPosition.toPoint()));
}

void ChartView::zoomAt(const QPointF &position, double factor)
{
    const QRectF area = chart()->plotArea();
    if (factor <= 0 || area.isEmpty())
        return;
    const QPointF anchor = toChart(position);
    const QPointF topLeft = anchor - (anchor - area.topLeft()) / factor;
    chart()->zoomIn(QRectF(topLeft, area.size() / factor));
}

std::optional<std::pair<QXYSeries *, QPointF>> ChartView::nearestPoint(const QPointF &position,
                                                                       double radius)
{
    const QPointF at = toChart(position);
    if (!chart()->plotArea().adjusted(-radius, -radius, radius, radius).contains(at))
        return std::nullopt;
    std::optional<std::pair<QXYSeries *, QPointF>> nearest;
    double best = radius * radius;
    for (QAbstractSeries *one : chart()->series()) {
        auto *series = qobject_cast<QXYSeries *>(one);
        if (!series || !series->isVisible())
            continue;
        const QList<QPointF> drawn = series->points();
        for (const QPointF &point : drawn) {
            const QPointF delta = chart()->mapToPosition(point, series) - at;
            const double distance = QPointF::dotProduct(delta, delta);
            if (distance <= best) {
                best = distance;
                nearest = std::make_pair(series, point);
            }
        }
    }
    return nearest;
}

void ChartView::addLegendToggle(QXYSeries *series)
{
    for (QLegendMarker *marker : chart()->legend()->markers(series)) {
        connect(marker, &QLegendMarker::clicked, this, [this, marker, series] {
            series->setVisible(!series->isVisible());
            marker->setVisible(true); // hiding a series hides its entry: keep it to click again
            QColor label = marker->labelBrush().color();
            label.setAlphaF(series->isVisible() ? 1.0 : 0.4);
            marker->setLabelBrush(label);
            QColor fill = marker->brush().color();
            fill.setAlphaF(series->isVisible() ? 1.0 : 0.3);
            marker->setBrush(fill);
            Q_EMIT seriesToggled(series, series->isVisible());
        });
    }
}

void ChartView::panBy(double fractionX, double fractionY)
{
    const QRectF area = chart()->plotArea();
    chart()->scroll(area.width() * fractionX, area.height() * fractionY);
}

void ChartView::wheelEvent(QWheelEvent *event)
{
    const int steps = event->angleDelta().y();
    if (steps == 0) {
        event->ignore();
        return;
    }
    // One notch (120) zooms by 20 %.
    zoomAt(event->position(), std::pow(1.2, steps / 120.0));
    event->accept();
}

void ChartView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::MiddleButton) {
        m_panning = true;
        m_lastPanPosition = event->position();
        setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    if (event->button() == Qt::LeftButton)
        m_pressPosition = event->position();
    QChartView::mousePressEvent(event);
}

void ChartView::mouseMoveEvent(QMouseEvent *event)
{
    if (m_panning) {
        const QPointF delta = event->position() - m_lastPanPosition;
        m_lastPanPosition = event->position();
        // The data follows the mouse: the view moves the other way.
        chart()->scroll(-delta.x(), delta.y());
        event->accept();
        return;
    }
    QChartView::mouseMoveEvent(event);
    Q_EMIT hovered(event->position());
}

void ChartView::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_panning && event->button() == Qt::MiddleButton) {
        m_panning = false;
        unsetCursor();
        event->accept();
        return;
    }
    const std::optional<QPointF> pressed = std::exchange(m_pressPosition, std::nullopt);
    QChartView::mouseReleaseEvent(event);
    if (event->button() == Qt::LeftButton && pressed
        && (event->position() - *pressed).manhattanLength() <= 4)
        Q_EMIT clicked(event->position());
}

void ChartView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        Q_EMIT resetRequested();
        event->accept();
        return;
    }
    QChartView::mouseDoubleClickEvent(event);
}

void ChartView::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Left:
        panBy(-kKeyPanFraction, 0);
        break;
    case Qt::Key_Right:
        panBy(kKeyPanFraction, 0);
        break;
    case Qt::Key_Up:
        panBy(0, kKeyPanFraction);
        break;
    case Qt::Key_Down:
        panBy(0, -kKeyPanFraction);
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomAt(mapFromScene(chart()->mapToScene(chart()->plotArea().center())), kKeyZoomFactor);
        break;
    case Qt::Key_Minus:
        zoomAt(mapFromScene(chart()->mapToScene(chart()->plotArea().center())), 1 / kKeyZoomFactor);
        break;
    case Qt::Key_Home:
        Q_EMIT resetRequested();
        break;
    default:
        QChartView::keyPressEvent(event);
        return;
    }
    event->accept();
}

void ChartView::leaveEvent(QEvent *event)
{
    Q_EMIT left();
    QChartView::leaveEvent(event);
}

} // namespace aisim
