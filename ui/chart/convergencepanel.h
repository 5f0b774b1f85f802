#pragma once

#include "convergencepoint.h"

#include <QHash>
#include <QWidget>

class QChart;
class QChartView;
class QLineSeries;
class QLogValueAxis;
class QValueAxis;

namespace aisim {

class Database;
class EventHub;

// Plots the convergence of the selected simulations, loss against seconds on a log axis,
// loading stored points off the GUI thread and growing live as workers add points.
class ConvergencePanel : public QWidget
{
    Q_OBJECT
public:
    ConvergencePanel(Database &database, EventHub &events, QWidget *parent = nullptr);

    // Shows these simulations (id and legend label), replacing what was shown.
    void showSimulations(const QList<QPair<qint64, QString>> &simulations);
    QList<qint64> shownSimulations() const { return m_series.keys(); }
    // Points currently plotted for a simulation (for tests and exports).
    ConvergenceSeries plottedPoints(qint64 simulationId) const;

Q_SIGNALS:
    void seriesLoaded(qint64 simulationId, int pointCount);

private:
    void onPointAdded(qint64 simulationId, const ConvergencePoint &point);
    void onSeriesLoaded(qint64 simulationId, quint64 generation, const ConvergenceSeries &points);
    void addPoint(QLineSeries *series, const ConvergencePoint &point);
    void updateRanges();

    Database &m_database;
    QChart *m_chart = nullptr;
    QChartView *m_view = nullptr;
    QValueAxis *m_secondsAxis = nullptr;
    QLogValueAxis *m_lossAxis = nullptr;
    QHash<qint64, QLineSeries *> m_series;
    quint64 m_generation = 0;
};

} // namespace aisim
