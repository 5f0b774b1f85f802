#include "charttoolbar.h"

#include <QAction>
#include <QCheckBox>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>

using namespace Qt::StringLiterals;

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
    auto *smoothingLabel = new QLabel(tr("Smoothing"), this);
    smoothingLabel->setContentsMargins(4, 0, 4, 0);
    addWidget(smoothingLabel);
    m_smoothing = new QSlider(Qt::Horizontal, this);
    m_smoothing->setObjectName(u"smoothingSlider"_s);
    m_smoothing->setRange(0, 99);
    m_smoothing->setMaximumWidth(120);
    m_smoothing->setToolTip(
        tr("Exponential moving average of each curve (0: raw, up to 0.99), debiased at the "
           "start and taken on log loss when the loss axis is logarithmic. The raw curve "
           "stays, faint, beneath."));
    smoothingLabel->setBuddy(m_smoothing);
    addWidget(m_smoothing);
    m_smoothingValue = new QLabel(u"0.00"_s, this);
    m_smoothingValue->setContentsMargins(4, 0, 4, 0);
    addWidget(m_smoothingValue);
    connect(m_smoothing, &QSlider::valueChanged, this, [this](int value) {
        m_smoothingValue->setText(QString::number(value / 100.0, 'f', 2));
        Q_EMIT smoothingChanged(value / 100.0);
    });
    addSeparator();
    QAction *reset = addAction(tr("Reset zoom"), this, &ChartToolBar::resetZoomRequested);
    reset->setToolTip(tr("Show all the data (Home, double-click).\nDrag to zoom into a rectangle, "
                         "wheel to zoom, middle button or arrow keys to pan."));
    QAction *exportAction = addAction(tr("Export…"), this, &ChartToolBar::exportRequested);
    exportAction->setToolTip(tr("Save the chart as PNG or SVG, or its data as CSV"));
}

void ChartToolBar::setSmoothing(double weight)
{
    const QSignalBlocker block(m_smoothing);
    m_smoothing->setValue(qRound(weight * 100));
    m_smoothingValue->setText(QString::number(m_smoothing->value() / 100.0, 'f', 2));
}

void ChartToolBar::setLogScales(bool logX, bool logY)
{
    const QSignalBlocker blockX(m_logX);
    const QSignalBlocker blockY(m_logY);
    m_logX->setChecked(logX);
    m_logY->setChecked(logY);
}

} // namespace aisim
