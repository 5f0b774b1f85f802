#pragma once

#include <QChartView>

#include <optional>
#include <utility>

class QXYSeries;

namespace aisim {

// A chart view that zooms with a rubber band and the mouse wheel, pans with the middle button
// and the arrow keys, and asks for the whole data again on double-click or Home.
class ChartView : public QChartView
{
    Q_OBJECT
public:
    explicit ChartView(QChart *chart, QWidget *parent = nullptr);

    // Zooms by factor (> 1: in) keeping the chart point under position (view coordinates).
    void zoomAt(const QPointF &position, double factor);
    // The drawn point of any line series nearest to position (view coordinates), if one is
    // within radius pixels.
    std::optional<std::pair<QXYSeries *, QPointF>> nearestPoint(const QPointF &position,
                                                                double radius);
    // Lets a click on the series' legend entry hide and show it again; the entry stays, dimmed.
    void addLegendToggle(QXYSeries *series);
    // Moves the visible area by a fraction of the plot area (positive: right and up).
    void panBy(double fractionX, double fractionY);

Q_SIGNALS:
    void resetRequested();
    void seriesToggled(QXYSeries *series, bool visible);
    // The mouse moved over the view (view coordinates), or left it.
    void hovered(const QPointF &position);
    void left();
    // A left click that did not drag (view coordinates).
    void clicked(const QPointF &position);

protected:
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    QPointF toChart(const QPointF &viewPosition) const;

    bool m_panning = false;
    std::optional<QPointF> m_pressPosition;
    QPointF m_lastPanPosition;
};

} // namespace aisim
