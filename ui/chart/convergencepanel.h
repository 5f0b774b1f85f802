#pragma once

#include "convergencepoint.h"
#include "result.h"
#include "seriesbuffer.h"
#include "simulationstatus.h"

#include <QHash>
#include <QPointF>
#include <QWidget>

#include <memory>
#include <optional>

class QAbstractAxis;
class QChart;
class QLineSeries;

namespace aisim {

class ChartOverlay;
class ChartToolBar;
class ChartView;
class Database;
class EventHub;
class RedrawThrottle;
class RunColors;
class StoredPointsLoader;

// Plots the convergence of the selected simulations, loss against seconds on log or linear
// axes, loading stored points off the GUI thread and growing live as workers add points.
// Every point is kept; the chart draws only what the visible pixels can show.
class ConvergencePanel : public QWidget
{
    Q_OBJECT
public:
    ConvergencePanel(Database &database, EventHub &events, QWidget *parent = nullptr);
    ~ConvergencePanel() override;

    // Shows these simulations (id and name), replacing what was shown.
    void showSimulations(const QList<QPair<qint64, QString>> &simulations);
    QList<qint64> shownSimulations() const { return m_order; }
    // Reads the stored points of the runs shown again, e.g. once the database answers again
    // after points could not be read or live changes were missed.
    void reloadStoredPoints();
    // Every point held for a simulation in time order, whether drawn or not.
    ConvergenceSeries plottedPoints(qint64 simulationId) const;
    // Adds a run with points given directly (imports, benchmarks) beside those shown.
    void showPoints(qint64 simulationId, const QString &label, const QList<QPointF> &points);
    // What the chart draws for a simulation now: its points reduced to the visible pixels.
    QList<QPointF> drawnPoints(qint64 simulationId) const;

    bool isLogX() const { return m_logX; }
    bool isLogY() const { return m_logY; }
    void setLogX(bool on);
    void setLogY(bool on);
    QAbstractAxis *xAxis() const { return m_xAxis; }
    QAbstractAxis *yAxis() const { return m_yAxis; }
    ChartView *view() const { return m_view; }
    QChart *chart() const { return m_chart; }

    // Whether the user zoomed or panned away from showing all the data.
    bool isZoomed() const { return m_zoomed; }
    void resetZoom();
    // What the chart says about itself, e.g. points a log axis cannot show; empty: nothing.
    QString note() const;

    // A drawn point near a position of the view, with its exact values.
    struct HoveredPoint
    {
        qint64 simulationId = 0;
        QString label;
        QPointF value;
    };
    std::optional<HoveredPoint> pointNear(const QPointF &viewPosition, double radius = 12);

    // Export without a dialog; false with lastError() on failure.
    bool exportPng(const QString &path);
    bool exportSvg(const QString &path);
    bool exportCsv(const QString &path);
    // Picks the format from the file name suffix (png, svg, csv).
    bool exportTo(const QString &path);
    QString lastError() const { return m_lastError; }

    // Brings the drawn points up to date now rather than at the next throttled redraw.
    void refreshNow();

    // The colour of each run, shared with the table that serves as the legend.
    RunColors *runColors() const { return m_colors; }
    // Hides the chart's own legend (when the table shows the colours) or shows it again.
    void setLegendVisible(bool visible);
    // Exponential moving average weight, 0 (raw) to 0.99; the raw curve stays, faint.
    double smoothing() const { return m_smoothing; }
    void setSmoothing(double weight);
    // What the chart draws faintly beneath a smoothed run: its raw points, reduced.
    QList<QPointF> drawnRawPoints(qint64 simulationId) const;

Q_SIGNALS:
    void seriesLoaded(qint64 simulationId, int pointCount);
    // A click on a run's curve.
    void curveClicked(qint64 simulationId);
    // Something for the status bar, e.g. where an export went.
    void message(const QString &text);

protected:
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    struct Plot
    {
        QString label;
        QLineSeries *series = nullptr;
        QLineSeries *raw = nullptr; // the raw curve, beneath a smoothed one
        SeriesBuffer data;
        quint64 loadToken = 0;
        bool dirty = true; // points changed since last drawn
        QString error;
    };

    Plot &addPlot(qint64 simulationId, const QString &label);
    void removePlot(qint64 simulationId);
    void onPointAdded(qint64 simulationId, const ConvergencePoint &point);
    void onStatusChanged(qint64 simulationId, SimulationStatus status);
    void onStoredPointsLoaded(qint64 simulationId, quint64 token, const QList<QPointF> &points,
                              const QString &error);
    void onHovered(const QPointF &viewPosition);
    void onAxisRangeChanged();
    void replaceAxis(Qt::Orientation orientation);
    void applyAutoRange();
    // The theme and colours that match the palette; recolorSeries() for a new choice of runs.
    void restyle();
    void recolorSeries();
    void updateNote();
    void exportWithDialog();
    void prepareForExport();
    bool finishExport(const Status &written);

    void onClicked(const QPointF &viewPosition);

    // What the drawn points were computed for.
    struct DrawnState
    {
        double minX = 0, maxX = 0;
        int columns = 0;
        bool logX = false, logY = false;
        double smoothing = 0;
        friend bool operator==(const DrawnState &a, const DrawnState &b)
        {
            return a.minX == b.minX && a.maxX == b.maxX && a.columns == b.columns
                && a.logX == b.logX && a.logY == b.logY && a.smoothing == b.smoothing;
        }
    };
    DrawnState m_drawn;

    StoredPointsLoader *m_loader = nullptr;
    RunColors *m_colors = nullptr;
    double m_smoothing = 0;
    RedrawThrottle *m_throttle = nullptr;
    QChart *m_chart = nullptr;
    ChartView *m_view = nullptr;
    QAbstractAxis *m_xAxis = nullptr;
    QAbstractAxis *m_yAxis = nullptr;
    ChartToolBar *m_toolBar = nullptr;
    std::unique_ptr<ChartOverlay> m_overlay;
    QHash<qint64, Plot> m_plots;
    QList<qint64> m_order;
    bool m_logX = false;
    bool m_logY = true;
    bool m_zoomed = false;
    bool m_applyingRange = false;
    qsizetype m_hiddenPoints = 0;
    QString m_lastError;
};

} // namespace aisim
