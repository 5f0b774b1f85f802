#include "charttoolbar.h"

#include <QAction>
#include <QCheckBox>
#include <QSignalBlocker>

namespace aisim {

ChartToolBar::ChartToolBar(QWidget *parent)
    : QToolBar(parent)
{
    setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_logX = new QCheckBox(tr("Log X"), this);
    m_logX->setToolTip(tr("Logarithmic seconds axis"));
    connect(m_logX, &QCheckBox::toggled, this, &ChartToolBar::logXToggled);
    m_logX->setContentsMargins(4, 0, 4, 0);
    addWidget(m_logX);
    m_logY = new QCheckBox(tr("Log Y"), this);
    m_logY->setToolTip(tr("Logarithmic loss axis"));
    connect(m_logY, &QCheckBox::toggled, this, &ChartToolBar::logYToggled);
    m_logY->setContentsMargins(4, 0, 4, 0);
    addWidget(m_logY);
    addSeparator();
    QAction *reset = addAction(tr("Reset zoom"), this, &ChartToolBar::resetZoomRequested);
    reset->setToolTip(tr("Show all the data (Home, double-click).\nDrag to zoom into a rectangle, "
                         "wheel to zoom, middle button or arrow keys to pan."));
    QAction *exportAction = addAction(tr("Export…"), this, &ChartToolBar::exportRequested);
    exportAction->setToolTip(tr("Save the chart as PNG or SVG, or its data as CSV"));
}

void ChartToolBar::setLogScales(bool logX, bool logY)
{
    const QSignalBlocker blockX(m_logX);
    const QSignalBlocker blockY(m_logY);
    m_logX->setChecked(logX);
    m_logY->setChecked(logY);
}

} // namespace aisim
