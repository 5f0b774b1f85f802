#include "convergencepanel.h"

#include "chartaxes.h"
#include "chartexporter.h"
#include "chartstyle.h"
#include "chartview.h"
#include "convergencerepository.h"
#include "database.h"
#include "downsampler.h"
#include "eventhub.h"

#include <QAction>
#include <QChart>
#include <QCoreApplication>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGraphicsSimpleTextItem>
#include <QLegend>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QLoggingCategory>
#include <QMessageBox>
#include <QPointer>
#include <QToolBar>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

using namespace Qt::StringLiterals;

namespace aisim {

Q_LOGGING_CATEGORY(lcChart, "aisim.ui.chart")

namespace {

// Redraws are coalesced: at most one per this many milliseconds however fast points arrive.
constexpr int kRefreshIntervalMs = 50;
// Runs with at most this many points show a marker on each.
constexpr qsizetype kMarkerLimit = 60;

} // namespace

ConvergencePanel::ConvergencePanel(Database &database, EventHub &events, QWidget *parent)
    : QWidget(parent)
    , m_database(database)
{
    m_chart = new QChart;
    m_chart->setTitle(tr("Convergence"));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_noteItem = new QGraphicsSimpleTextItem(m_chart);
    m_placeholderItem = new QGraphicsSimpleTextItem(m_chart);
    QFont font = m_placeholderItem->font();
    font.setPointSizeF(font.pointSizeF() * 1.2);
    m_placeholderItem->setFont(font);
    m_view = new ChartView(m_chart, this);
    m_view->setFrameShape(QFrame::NoFrame);
    replaceAxis(Qt::Horizontal);
    replaceAxis(Qt::Vertical);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(createToolBar());
    layout->addWidget(m_view, 1);

    m_refreshTimer.setSingleShot(true);
    connect(&m_refreshTimer, &QTimer::timeout, this, &ConvergencePanel::refreshNow);
    connect(m_chart, &QChart::plotAreaChanged, this, [this] {
        updateNote();
        scheduleRefresh();
    });
    connect(m_view, &ChartView::resetRequested, this, &ConvergencePanel::resetZoom);
    connect(m_view, &ChartView::hovered, this, &ConvergencePanel::onHovered);
    connect(m_view, &ChartView::left, this, [] { QToolTip::hideText(); });
    connect(&events, &EventHub::pointAdded, this,
            [this](qint64 id, const ConvergencePoint &point, int) { onPointAdded(id, point); });
    restyle();
    refreshNow();
}

QWidget *ConvergencePanel::createToolBar()
{
    auto *bar = new QToolBar(this);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_logXAction = bar->addAction(tr("Log X"), this, [this](bool on) { setLogX(on); });
    m_logXAction->setCheckable(true);
    m_logXAction->setToolTip(tr("Logarithmic seconds axis"));
    m_logYAction = bar->addAction(tr("Log Y"), this, [this](bool on) { setLogY(on); });
    m_logYAction->setCheckable(true);
    m_logYAction->setChecked(m_logY);
    m_logYAction->setToolTip(tr("Logarithmic loss axis"));
    bar->addSeparator();
    QAction *reset = bar->addAction(tr("Reset zoom"), this, &ConvergencePanel::resetZoom);
    reset->setToolTip(tr("Show all the data (Home, double-click).\nDrag to zoom into a rectangle, "
                         "wheel to zoom, middle button or arrow keys to pan."));
    QAction *exportAction
        = bar->addAction(tr("Export…"), this, &ConvergencePanel::exportWithDialog);
    exportAction->setToolTip(tr("Save the chart as PNG or SVG, or its data as CSV"));
    return bar;
}

void ConvergencePanel::showSimulations(const QList<QPair<qint64, QString>> &simulations)
{
    QList<qint64> order;
    for (const auto &[id, label] : simulations) {
        if (!order.contains(id))
            order.append(id);
    }
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
            addPlot(id, label);
            loadStoredPoints(id);
        }
    }
    m_order = order;
    m_zoomed = false;
    restyle();
    scheduleRefresh();
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
    if (!m_order.contains(simulationId))
        m_order.append(simulationId);
    restyle();
    scheduleRefresh();
}

ConvergencePanel::Plot &ConvergencePanel::addPlot(qint64 simulationId, const QString &label)
{
    Plot &plot = m_plots[simulationId];
    plot.label = label;
    plot.series = new QLineSeries;
    plot.series->setName(label);
    m_chart->addSeries(plot.series);
    plot.series->attachAxis(m_xAxis);
    plot.series->attachAxis(m_yAxis);
    return plot;
}

void ConvergencePanel::removePlot(qint64 simulationId)
{
    const Plot plot = m_plots.take(simulationId);
    m_order.removeAll(simulationId);
    if (plot.series) {
        m_chart->removeSeries(plot.series);
        delete plot.series;
    }
}

void ConvergencePanel::loadStoredPoints(qint64 simulationId)
{
    // Stored points are read on a pool thread; the answer comes back queued.
    const quint64 token = ++m_lastLoadToken;
    m_plots[simulationId].loadToken = token;
    QPointer<ConvergencePanel> self(this);
    Database *database = &m_database;
    static_cast<void>(QtConcurrent::run([self, database, simulationId, token] {
        const auto stored = ConvergenceRepository(*database).points(simulationId);
        QList<QPointF> points;
        QString error;
        if (stored) {
            points.reserve(stored->size());
            for (const ConvergencePoint &point : stored.value())
                points.append({point.seconds, point.loss});
        } else {
            error = stored.error().message;
        }
        QMetaObject::invokeMethod(
            QCoreApplication::instance(), [self, simulationId, token, points, error] {
                if (self)
                    self->onStoredPointsLoaded(simulationId, token, points, error);
            });
    }));
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
    found->data.mergeStored(points);
    scheduleRefresh();
    Q_EMIT seriesLoaded(simulationId, int(found->data.size()));
}

void ConvergencePanel::onPointAdded(qint64 simulationId, const ConvergencePoint &point)
{
    const auto found = m_plots.find(simulationId);
    if (found == m_plots.end())
        return;
    found->data.add({point.seconds, point.loss});
    scheduleRefresh();
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
    m_logXAction->setChecked(on);
    replaceAxis(Qt::Horizontal);
    resetZoom();
}

void ConvergencePanel::setLogY(bool on)
{
    if (on == m_logY)
        return;
    m_logY = on;
    m_logYAction->setChecked(on);
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
    QAbstractAxis *fresh = chartaxes::create(log, title);
    m_chart->addAxis(fresh, horizontal ? Qt::AlignBottom : Qt::AlignLeft);
    for (const Plot &plot : std::as_const(m_plots)) {
        // Points a log axis cannot take must never be attached to it, even for a moment.
        plot.series->clear();
        plot.series->detachAxis(axis);
        plot.series->attachAxis(fresh);
    }
    if (axis) {
        // Its drawing goes away only at the next event loop pass: hide it now for exports.
        axis->setVisible(false);
        m_chart->removeAxis(axis);
        delete axis;
    }
    axis = fresh;
    chartstyle::styleAxis(axis, palette());
    if (auto *logAxis = qobject_cast<QLogValueAxis *>(axis))
        connect(logAxis, &QLogValueAxis::rangeChanged, this, &ConvergencePanel::onAxisRangeChanged);
    else if (auto *linearAxis = qobject_cast<QValueAxis *>(axis))
        connect(linearAxis, &QValueAxis::rangeChanged, this, &ConvergencePanel::onAxisRangeChanged);
}

void ConvergencePanel::onAxisRangeChanged()
{
    if (m_applyingRange)
        return;
    // The user zoomed or panned: keep that range, draw the points it holds.
    m_zoomed = true;
    scheduleRefresh();
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
        const Extent oneX = plot.data.xExtent(m_logX, m_logY);
        if (oneX.isValid()) {
            x.include(oneX.min);
            x.include(oneX.max);
        }
        const Extent oneY = plot.data.yExtent(m_logX, m_logY);
        if (oneY.isValid()) {
            y.include(oneY.min);
            y.include(oneY.max);
        }
    }
    const auto [minX, maxX] = chartaxes::fittingRange(x, m_logX);
    const auto [minY, maxY] = chartaxes::fittingRange(y, m_logY);
    m_applyingRange = true;
    chartaxes::setRange(m_xAxis, minX, maxX);
    chartaxes::setRange(m_yAxis, minY, maxY);
    m_applyingRange = false;
}

void ConvergencePanel::scheduleRefresh()
{
    if (m_refreshTimer.isActive())
        return;
    // The first change after a quiet spell is drawn at once, later ones at most every 50 ms.
    const qint64 since = m_sinceRefresh.isValid() ? m_sinceRefresh.elapsed() : kRefreshIntervalMs;
    m_refreshTimer.start(int(std::max<qint64>(0, kRefreshIntervalMs - since)));
}

void ConvergencePanel::refreshNow()
{
    m_refreshTimer.stop();
    m_sinceRefresh.start();
    if (!m_zoomed)
        applyAutoRange();
    chartaxes::updateTicks(m_xAxis);
    chartaxes::updateTicks(m_yAxis);
    const auto [minX, maxX] = chartaxes::range(m_xAxis);
    const double pixels = m_chart->plotArea().width() * devicePixelRatioF();
    // Before the first layout the plot area is empty; a later resize redraws anyway.
    const int columns = pixels >= 2 ? int(std::ceil(pixels)) : 1000;
    const Downsampler::Options options {minX, maxX, columns, m_logX, m_logY};
    m_hiddenPoints = 0;
    for (const qint64 id : std::as_const(m_order)) {
        const Plot &plot = m_plots[id];
        plot.series->setPointsVisible(plot.data.size() <= kMarkerLimit);
        plot.series->replace(Downsampler::reduce(plot.data.points(), options));
        m_hiddenPoints += plot.data.hiddenCount(m_logX, m_logY);
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
    const QRectF area = m_chart->plotArea();
    m_noteItem->setText(note());
    // Above the plot, right-aligned: clear of the curves and the grid.
    const QRectF noteSize = m_noteItem->boundingRect();
    m_noteItem->setPos(area.right() - noteSize.width(), area.top() - noteSize.height() - 4);
    m_noteItem->setVisible(!m_noteItem->text().isEmpty());

    bool empty = true;
    for (const Plot &plot : std::as_const(m_plots))
        empty = empty && plot.data.size() == 0;
    m_placeholderItem->setText(m_order.isEmpty()
                                   ? tr("Select simulations to plot their convergence")
                                   : tr("No points yet"));
    const QRectF text = m_placeholderItem->boundingRect();
    m_placeholderItem->setPos(area.center() - text.center());
    m_placeholderItem->setVisible(empty);
}

void ConvergencePanel::restyle()
{
    chartstyle::applyTheme(m_chart, palette());
    m_view->setBackgroundBrush(palette().color(QPalette::Base));
    const bool dark = chartstyle::isDark(palette());
    for (int index = 0; index < m_order.size(); ++index) {
        QLineSeries *series = m_plots[m_order[index]].series;
        QPen pen(chartstyle::seriesColor(index, dark), 2);
        pen.setCosmetic(true);
        series->setPen(pen);
        series->setMarkerSize(5);
    }
    const QColor text = palette().color(QPalette::Text);
    m_noteItem->setBrush(text);
    chartstyle::styleAxis(m_xAxis, palette());
    chartstyle::styleAxis(m_yAxis, palette());
    m_placeholderItem->setBrush(palette().color(QPalette::PlaceholderText));
    updateNote();
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
    const QPointF at = m_chart->mapFromScene(m_view->mapToScene(viewPosition.toPoint()));
    if (!m_chart->plotArea().adjusted(-radius, -radius, radius, radius).contains(at))
        return std::nullopt;
    std::optional<HoveredPoint> nearest;
    double best = radius * radius;
    for (const qint64 id : std::as_const(m_order)) {
        QLineSeries *series = m_plots[id].series;
        const QList<QPointF> drawn = series->points();
        for (const QPointF &point : drawn) {
            const QPointF delta = m_chart->mapToPosition(point, series) - at;
            const double distance = QPointF::dotProduct(delta, delta);
            if (distance <= best) {
                best = distance;
                nearest = HoveredPoint {id, m_plots[id].label, point};
            }
        }
    }
    return nearest;
}

void ConvergencePanel::onHovered(const QPointF &viewPosition)
{
    const auto point = pointNear(viewPosition);
    if (!point) {
        QToolTip::hideText();
        return;
    }
    const QString text = tr("%1\nseconds: %2\nloss: %3")
                             .arg(point->label)
                             .arg(point->value.x(), 0, 'g', 12)
                             .arg(point->value.y(), 0, 'g', 12);
    QToolTip::showText(m_view->viewport()->mapToGlobal(viewPosition.toPoint()), text, m_view);
}

bool ConvergencePanel::exportPng(const QString &path)
{
    refreshNow();
    const Status written = ChartExporter::writePng(m_view, path);
    return finishExport(written);
}

bool ConvergencePanel::exportSvg(const QString &path)
{
    refreshNow();
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
    const QString png = tr("PNG image (*.png)");
    const QString svg = tr("SVG drawing (*.svg)");
    const QString csv = tr("CSV data (*.csv)");
    QString filter = png;
    QString path
        = QFileDialog::getSaveFileName(this, tr("Export convergence"), u"convergence.png"_s,
                                       QStringList {png, svg, csv}.join(u";;"_s), &filter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += filter == svg ? u".svg"_s : filter == csv ? u".csv"_s : u".png"_s;
    if (!exportTo(path))
        QMessageBox::warning(this, tr("Export failed"), m_lastError);
}

} // namespace aisim
