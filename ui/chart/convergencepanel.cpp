#include "convergencepanel.h"

#include "chartaxes.h"
#include "chartexporter.h"
#include "chartoverlay.h"
#include "chartstyle.h"
#include "charttoolbar.h"
#include "chartview.h"
#include "downsampler.h"
#include "eventhub.h"
#include "redrawthrottle.h"
#include "runcolors.h"
#include "smoothing.h"
#include "storedpointsloader.h"

#include <QChart>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>

using namespace Qt::StringLiterals;

namespace aisim {

Q_LOGGING_CATEGORY(lcChart, "aisim.ui.chart")

namespace {

// Redraws are coalesced: at most one per this many milliseconds however fast points arrive.
constexpr int kRefreshIntervalMs = 50;
// Runs with at most this many points show a marker on each.
constexpr qsizetype kMarkerLimit = 60;
// Panels shorter than this leave the chart's title out.
constexpr int kTitleMinHeight = 360;

} // namespace

ConvergencePanel::ConvergencePanel(Database &database, EventHub &events, QWidget *parent)
    : QWidget(parent)
    , m_loader(new StoredPointsLoader(database, this))
    , m_colors(new RunColors(this))
    , m_throttle(new RedrawThrottle(kRefreshIntervalMs, this))
{
    m_chart = new QChart;
    m_chart->setTitle(tr("Convergence"));
    // Every pixel counts in a small window: the plot gets the room of wide margins.
    m_chart->setMargins(QMargins(6, 2, 10, 2));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_overlay = std::make_unique<ChartOverlay>(m_chart);
    m_view = new ChartView(m_chart, this);
    m_view->setFrameShape(QFrame::NoFrame);
    replaceAxis(Qt::Horizontal);
    replaceAxis(Qt::Vertical);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_toolBar = new ChartToolBar(this);
    m_toolBar->setLogScales(m_logX, m_logY);
    layout->addWidget(m_toolBar);
    layout->addWidget(m_view, 1);

    connect(m_throttle, &RedrawThrottle::due, this, &ConvergencePanel::refreshNow);
    connect(m_chart, &QChart::plotAreaChanged, this, [this] {
        m_overlay->relayout();
        m_throttle->schedule();
    });
    connect(m_toolBar, &ChartToolBar::logXToggled, this, &ConvergencePanel::setLogX);
    connect(m_toolBar, &ChartToolBar::logYToggled, this, &ConvergencePanel::setLogY);
    connect(m_toolBar, &ChartToolBar::resetZoomRequested, this, &ConvergencePanel::resetZoom);
    connect(m_toolBar, &ChartToolBar::exportRequested, this, &ConvergencePanel::exportWithDialog);
    connect(m_toolBar, &ChartToolBar::smoothingChanged, this, &ConvergencePanel::setSmoothing);
    connect(m_view, &ChartView::clicked, this, &ConvergencePanel::onClicked);
    connect(m_colors, &RunColors::highlightChanged, this, &ConvergencePanel::recolorSeries);
    connect(m_loader, &StoredPointsLoader::loaded, this, &ConvergencePanel::onStoredPointsLoaded);
    connect(m_view, &ChartView::resetRequested, this, &ConvergencePanel::resetZoom);
    connect(m_view, &ChartView::hovered, this, &ConvergencePanel::onHovered);
    connect(m_view, &ChartView::seriesToggled, m_throttle, &RedrawThrottle::schedule);
    connect(m_view, &ChartView::left, this, [this] {
        QToolTip::hideText();
        m_colors->setHighlighted(0);
    });
    connect(&events, &EventHub::pointAdded, this,
            [this](qint64 id, const ConvergencePoint &point, int) { onPointAdded(id, point); });
    connect(&events, &EventHub::simulationChanged, this, &ConvergencePanel::onStatusChanged);
    restyle();
    refreshNow();
}

ConvergencePanel::~ConvergencePanel() = default;

void ConvergencePanel::showSimulations(const QList<QPair<qint64, QString>> &simulations)
{
    QList<qint64> order;
    for (const auto &[id, label] : simulations) {
        if (!order.contains(id))
            order.append(id);
    }
    const bool sameRuns = order == m_order;
    for (const qint64 id : QList<qint64>(m_order)) {
        if (!order.contains(id))
            removePlot(id);
    }
    // Runs still shown keep their points (they stay current from live events).
    for (const auto &[id, label] : simulations) {
        if (m_plots.contains(id)) {
            m_plots[id].label = label;
            m_plots[id].series->setName(label);
        } else {
            addPlot(id, label).loadToken = m_loader->load(id);
        }
    }
    // Another choice of runs shows all their data; the same runs keep the user's zoom.
    if (!sameRuns)
        m_zoomed = false;
    m_order = order;
    recolorSeries();
    m_throttle->schedule();
}

void ConvergencePanel::showPoints(qint64 simulationId, const QString &label,
                                  const QList<QPointF> &points)
{
    Plot &plot
        = m_plots.contains(simulationId) ? m_plots[simulationId] : addPlot(simulationId, label);
    plot.label = label;
    plot.series->setName(label);
    plot.loadToken = 0; // a stored load under way no longer applies
    plot.data.setPoints(points);
    plot.dirty = true;
    if (!m_order.contains(simulationId))
        m_order.append(simulationId);
    recolorSeries();
    m_throttle->schedule();
}

ConvergencePanel::Plot &ConvergencePanel::addPlot(qint64 simulationId, const QString &label)
{
    Plot &plot = m_plots[simulationId];
    plot.label = label;
    // The raw curve first, so that it is drawn beneath the smoothed one; shown when smoothing.
    plot.raw = new QLineSeries;
    plot.raw->setVisible(false);
    m_chart->addSeries(plot.raw);
    plot.raw->attachAxis(m_xAxis);
    plot.raw->attachAxis(m_yAxis);
    for (QLegendMarker *marker : m_chart->legend()->markers(plot.raw))
        marker->setVisible(false);
    plot.series = new QLineSeries;
    plot.series->setName(label);
    m_chart->addSeries(plot.series);
    plot.series->attachAxis(m_xAxis);
    plot.series->attachAxis(m_yAxis);
    m_view->addLegendToggle(plot.series);
    return plot;
}

void ConvergencePanel::reloadStoredPoints()
{
    for (auto it = m_plots.begin(); it != m_plots.end(); ++it) {
        it->error.clear();
        it->loadToken = m_loader->load(it.key());
    }
}

void ConvergencePanel::removePlot(qint64 simulationId)
{
    const Plot plot = m_plots.take(simulationId);
    m_order.removeAll(simulationId);
    for (QLineSeries *series : {plot.series, plot.raw}) {
        if (series) {
            m_chart->removeSeries(series);
            delete series;
        }
    }
}

void ConvergencePanel::onStoredPointsLoaded(qint64 simulationId, quint64 token,
                                            const QList<QPointF> &points, const QString &error)
{
    const auto found = m_plots.find(simulationId);
    if (found == m_plots.end() || found->loadToken != token)
        return; // no longer shown, or shown again since
    if (!error.isEmpty()) {
        qCWarning(lcChart) << "cannot load the points of simulation" << simulationId << error;
        found->error = error;
    }
    found->loadToken = 0; // loaded
    found->data.mergeStored(points);
    found->dirty = true;
    m_throttle->schedule();
    Q_EMIT seriesLoaded(simulationId, int(found->data.size()));
}

void ConvergencePanel::onPointAdded(qint64 simulationId, const ConvergencePoint &point)
{
    const auto found = m_plots.find(simulationId);
    if (found == m_plots.end())
        return;
    found->data.add({point.seconds, point.loss});
    found->dirty = true;
    m_throttle->schedule();
}

void ConvergencePanel::onStatusChanged(qint64 simulationId, SimulationStatus status)
{
    // Back to pending: a retry cleared the run's points, or a lost worker left some; either
    // way what is stored now replaces what is drawn, and the points that follow add to it.
    const auto found = m_plots.find(simulationId);
    if (found == m_plots.end() || status != SimulationStatus::Pending)
        return;
    found->data.clear();
    found->dirty = true;
    found->error.clear();
    found->loadToken = m_loader->load(simulationId);
    m_throttle->schedule();
}

ConvergenceSeries ConvergencePanel::plottedPoints(qint64 simulationId) const
{
    ConvergenceSeries points;
    const auto found = m_plots.constFind(simulationId);
    if (found == m_plots.cend())
        return points;
    points.reserve(found->data.size());
    for (const QPointF &point : found->data.points())
        points.append({point.x(), point.y()});
    return points;
}

QList<QPointF> ConvergencePanel::drawnPoints(qint64 simulationId) const
{
    const auto found = m_plots.constFind(simulationId);
    return found == m_plots.cend() ? QList<QPointF>() : found->series->points();
}

void ConvergencePanel::setLogX(bool on)
{
    if (on == m_logX)
        return;
    m_logX = on;
    m_toolBar->setLogScales(m_logX, m_logY);
    replaceAxis(Qt::Horizontal);
    resetZoom();
}

void ConvergencePanel::setLogY(bool on)
{
    if (on == m_logY)
        return;
    m_logY = on;
    m_toolBar->setLogScales(m_logX, m_logY);
    replaceAxis(Qt::Vertical);
    resetZoom();
}

void ConvergencePanel::replaceAxis(Qt::Orientation orientation)
{
    const bool horizontal = orientation == Qt::Horizontal;
    const bool log = horizontal ? m_logX : m_logY;
    QAbstractAxis *&axis = horizontal ? m_xAxis : m_yAxis;
    const QString title = horizontal ? (log ? tr("seconds (log)") : tr("seconds"))
                                     : (log ? tr("loss (log)") : tr("loss"));
    QList<QAbstractSeries *> series;
    for (const Plot &plot : std::as_const(m_plots))
        series << plot.raw << plot.series;
    axis = chartaxes::replace(m_chart, axis, log, title,
                              horizontal ? Qt::AlignBottom : Qt::AlignLeft, series);
    chartstyle::styleAxis(axis, palette());
    chartaxes::onRangeChanged(axis, this, [this] { onAxisRangeChanged(); });
}

void ConvergencePanel::onAxisRangeChanged()
{
    if (m_applyingRange)
        return;
    // The user zoomed or panned: keep that range, draw the points it holds.
    m_zoomed = true;
    m_throttle->schedule();
}

void ConvergencePanel::resetZoom()
{
    m_zoomed = false;
    refreshNow();
}

void ConvergencePanel::applyAutoRange()
{
    Extent x, y;
    for (const Plot &plot : std::as_const(m_plots)) {
        if (!plot.series->isVisible())
            continue; // hidden from the legend
        x.include(plot.data.xExtent(m_logX, m_logY));
        y.include(plot.data.yExtent(m_logX, m_logY));
    }
    const auto [minX, maxX] = chartaxes::fittingRange(x, m_logX);
    const auto [minY, maxY] = chartaxes::fittingRange(y, m_logY);
    m_applyingRange = true;
    chartaxes::setRange(m_xAxis, minX, maxX);
    chartaxes::setRange(m_yAxis, minY, maxY);
    m_applyingRange = false;
}

void ConvergencePanel::refreshNow()
{
    m_throttle->markDone();
    if (!m_zoomed)
        applyAutoRange();
    chartaxes::updateTicks(m_xAxis);
    chartaxes::updateTicks(m_yAxis);
    const auto [minX, maxX] = chartaxes::range(m_xAxis);
    const double pixels = m_chart->plotArea().width() * devicePixelRatioF();
    // Before the first layout the plot area is empty; a later resize redraws anyway.
    const int columns = pixels >= 2 ? int(std::ceil(pixels)) : 1000;
    const Downsampler::Options options {minX, maxX, columns, m_logX, m_logY};
    // Another range, width or smoothing redraws every run; otherwise only the runs that changed
    // (a live point redraws one run of many).
    const DrawnState state {minX, maxX, columns, m_logX, m_logY, m_smoothing};
    const bool everything = !(state == m_drawn);
    m_drawn = state;
    m_hiddenPoints = 0;
    for (const qint64 id : std::as_const(m_order)) {
        Plot &plot = m_plots[id];
        m_hiddenPoints += plot.data.hiddenCount(m_logX, m_logY);
        if (!everything && !plot.dirty
            && plot.raw->isVisible() == (m_smoothing > 0 && plot.series->isVisible()))
            continue;
        plot.dirty = false;
        const bool smoothed = m_smoothing > 0;
        plot.series->setPointsVisible(!smoothed && plot.data.size() <= kMarkerLimit);
        // Smoothed on every point, in the loss axis's space, before the reduction to pixels.
        plot.series->replace(Downsampler::reduce(
            smoothed ? Smoothing::ema(plot.data.points(), m_smoothing, m_logY) : plot.data.points(),
            options));
        plot.raw->setVisible(smoothed && plot.series->isVisible());
        plot.raw->replace(smoothed ? Downsampler::reduce(plot.data.points(), options)
                                   : QList<QPointF>());
    }
    updateNote();
}

QString ConvergencePanel::note() const
{
    QStringList lines;
    if (m_hiddenPoints > 0)
        lines.append(m_hiddenPoints == 1
                         ? tr("1 point ≤ 0 hidden on log axis")
                         : tr("%1 points ≤ 0 hidden on log axis").arg(m_hiddenPoints));
    for (const qint64 id : m_order) {
        const Plot &plot = m_plots[id];
        if (!plot.error.isEmpty())
            lines.append(tr("%1: points not loaded (%2)").arg(plot.label, plot.error));
    }
    return lines.join(u'\n');
}

void ConvergencePanel::updateNote()
{
    m_overlay->setNote(note());
    bool empty = true;
    bool loading = false;
    for (const Plot &plot : std::as_const(m_plots)) {
        empty = empty && plot.data.size() == 0;
        loading = loading || plot.loadToken != 0;
    }
    QString placeholder;
    if (m_order.isEmpty())
        placeholder = tr("Select simulations to plot their convergence");
    else if (empty)
        placeholder = loading ? tr("Loading…") : tr("No points yet");
    m_overlay->setPlaceholder(placeholder);
}

void ConvergencePanel::recolorSeries()
{
    m_colors->setDark(chartstyle::isDark(palette()));
    m_colors->assign(m_order);
    const qint64 highlighted = m_colors->highlighted();
    for (const qint64 id : std::as_const(m_order)) {
        const Plot &plot = m_plots[id];
        const QColor color = m_colors->colorOf(id);
        chartstyle::styleSeries(plot.series, color, highlighted == 0 || highlighted == id,
                                highlighted == id);
        if (plot.raw->pen().color().rgb() != color.rgb())
            chartstyle::styleRawSeries(plot.raw, color);
    }
}

void ConvergencePanel::restyle()
{
    chartstyle::applyTheme(m_chart, palette());
    m_view->setBackgroundBrush(palette().color(QPalette::Base));
    recolorSeries();
    m_overlay->setColors(palette());
    chartstyle::styleAxis(m_xAxis, palette());
    chartstyle::styleAxis(m_yAxis, palette());
    updateNote();
}

void ConvergencePanel::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // A short chart gives the title's height to the plot.
    const QString title = height() >= kTitleMinHeight ? tr("Convergence") : QString();
    if (m_chart->title() != title)
        m_chart->setTitle(title);
}

void ConvergencePanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        restyle();
    QWidget::changeEvent(event);
}

std::optional<ConvergencePanel::HoveredPoint>
ConvergencePanel::pointNear(const QPointF &viewPosition, double radius)
{
    const auto found = m_view->nearestPoint(viewPosition, radius);
    if (!found)
        return std::nullopt;
    for (const qint64 id : std::as_const(m_order)) {
        if (m_plots[id].series == found->first || m_plots[id].raw == found->first)
            return HoveredPoint {id, m_plots[id].label, found->second};
    }
    return std::nullopt;
}

void ConvergencePanel::onHovered(const QPointF &viewPosition)
{
    const auto point = pointNear(viewPosition);
    m_colors->setHighlighted(point ? point->simulationId : 0);
    if (!point) {
        QToolTip::hideText();
        return;
    }
    const QString text = tr("%1 (#%2)\nseconds: %3\nloss: %4")
                             .arg(point->label)
                             .arg(point->simulationId)
                             .arg(point->value.x(), 0, 'g', 12)
                             .arg(point->value.y(), 0, 'g', 12);
    QToolTip::showText(m_view->viewport()->mapToGlobal(viewPosition.toPoint()), text, m_view);
}

void ConvergencePanel::onClicked(const QPointF &viewPosition)
{
    if (const auto point = pointNear(viewPosition))
        Q_EMIT curveClicked(point->simulationId);
}

void ConvergencePanel::setLegendVisible(bool visible)
{
    m_chart->legend()->setVisible(visible);
}

void ConvergencePanel::setSmoothing(double weight)
{
    weight = std::clamp(weight, 0.0, Smoothing::kMaxWeight);
    if (weight == m_smoothing)
        return;
    m_smoothing = weight;
    m_toolBar->setSmoothing(weight);
    refreshNow();
}

QList<QPointF> ConvergencePanel::drawnRawPoints(qint64 simulationId) const
{
    const auto found = m_plots.constFind(simulationId);
    return found == m_plots.cend() || !found->raw->isVisible() ? QList<QPointF>()
                                                               : found->raw->points();
}

void ConvergencePanel::prepareForExport()
{
    if (!isVisible()) {
        // Never shown, the panel has no size of its own nor a laid out chart: give it both.
        resize(size().expandedTo(QSize(960, 600)));
        layout()->activate();
        m_view->grab(); // delivers the pending resize events
    }
    refreshNow();
}

bool ConvergencePanel::exportPng(const QString &path)
{
    prepareForExport();
    const Status written = ChartExporter::writePng(m_view, path);
    return finishExport(written);
}

bool ConvergencePanel::exportSvg(const QString &path)
{
    prepareForExport();
    const Status written = ChartExporter::writeSvg(m_view, path, m_chart->title());
    return finishExport(written);
}

bool ConvergencePanel::exportCsv(const QString &path)
{
    QList<ExportedSeries> series;
    for (const qint64 id : std::as_const(m_order))
        series.append({id, m_plots[id].label, m_plots[id].data.points()});
    const Status written = ChartExporter::writeCsv(series, path);
    return finishExport(written);
}

bool ConvergencePanel::exportTo(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == "png"_L1)
        return exportPng(path);
    if (suffix == "svg"_L1)
        return exportSvg(path);
    if (suffix == "csv"_L1)
        return exportCsv(path);
    return finishExport(Error::invalid(
        tr("cannot export %1: unknown file type, use .png, .svg or .csv").arg(path)));
}

bool ConvergencePanel::finishExport(const Status &written)
{
    m_lastError = written.ok() ? QString() : written.error().message;
    if (!written.ok())
        qCWarning(lcChart).noquote() << m_lastError;
    return written.ok();
}

void ConvergencePanel::exportWithDialog()
{
    const QString path = ChartExporter::askPath(this);
    if (path.isEmpty())
        return;
    if (!exportTo(path))
        QMessageBox::warning(this, tr("Export failed"), m_lastError);
    else
        Q_EMIT message(tr("Chart exported to %1").arg(QDir::toNativeSeparators(path)));
}

} // namespace aisim
