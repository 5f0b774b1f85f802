#pragma once

#include <QToolBar>

class QCheckBox;

namespace aisim {

// The chart's toolbar: log/linear toggles for both axes, reset zoom and export.
class ChartToolBar : public QToolBar
{
    Q_OBJECT
public:
    explicit ChartToolBar(QWidget *parent = nullptr);

    // Shows the axis kinds without announcing a change.
    void setLogScales(bool logX, bool logY);

Q_SIGNALS:
    void logXToggled(bool on);
    void logYToggled(bool on);
    void resetZoomRequested();
    void exportRequested();

private:
    // Check boxes rather than checkable buttons: their state reads at a glance in any style.
    QCheckBox *m_logX = nullptr;
    QCheckBox *m_logY = nullptr;
};

} // namespace aisim
