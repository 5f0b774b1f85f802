#pragma once

#include <QToolBar>

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
    QAction *m_logX = nullptr;
    QAction *m_logY = nullptr;
};

} // namespace aisim
