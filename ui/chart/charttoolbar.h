#pragma once

#include <QToolBar>

class QCheckBox;
class QLabel;
class QSlider;

namespace aisim {

// The chart's toolbar: log/linear toggles for both axes, smoothing, reset zoom and export.
class ChartToolBar : public QToolBar
{
    Q_OBJECT
public:
    explicit ChartToolBar(QWidget *parent = nullptr);

    // Shows the axis kinds without announcing a change.
    void setLogScales(bool logX, bool logY);
    // Shows the smoothing weight without announcing a change.
    void setSmoothing(double weight);
    QSlider *smoothingSlider() const { return m_smoothing; }

Q_SIGNALS:
    void logXToggled(bool on);
    void logYToggled(bool on);
    void resetZoomRequested();
    void exportRequested();
    // The exponential moving average's weight, 0 to 0.99.
    void smoothingChanged(double weight);

private:
    // Check boxes rather than checkable buttons: their state reads at a glance in any style.
    QCheckBox *m_logX = nullptr;
    QCheckBox *m_logY = nullptr;
    QSlider *m_smoothing = nullptr;
    QLabel *m_smoothingValue = nullptr;
};

} // namespace aisim
