#include "convergencepanel.h"

#include "convergencerepository.h"
#include "database.h"
#include "eventhub.h"

#include <QChart>
#include <QChartView>
#include <QCoreApplication>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPointer>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QtConcurrent/QtConcurrentRun>

#include <limits>

using namespace Qt::StringLiterals;

namespace aisim {

ConvergencePanel::ConvergencePanel(Database &database, EventHub &events, QWidget *parent)
    : QWidget(parent)
    , m_database(database)
{
    m_chart = new QChart;
    m_chart->setTitle(tr("Convergence"));
    m_secondsAxis = new QValueAxis(m_chart);
    m_secondsAxis->setTitleText(tr("seconds"));
    m_secondsAxis->setLabelFormat(u"%g"_s);
    m_lossAxis = new QLogValueAxis(m_chart);
    m_lossAxis->setTitleText(tr("loss (log)"));
    m_lossAxis->setLabelFormat(u"%g"_s);
    m_lossAxis->setBase(10);
    m_chart->addAxis(m_secondsAxis, Qt::AlignBottom);
    m_chart->addAxis(m_lossAxis, Qt::AlignLeft);
    m_view = new QChartView(m_chart, this);
    m_view->setRenderHint(QPainter::Antialiasing);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    connect(&events, &EventHub::pointAdded, this,
            [this](qint64 id, const ConvergencePoint &point, int) { onPointAdded(id, point); });
}

void ConvergencePanel::showSimulations(const QList<QPair<qint64, QString>> &simulations)
{
    ++m_generation;
    for (QLineSeries *series : std::as_const(m_series)) {
        m_chart->removeSeries(series);
        delete series;
    }
    m_series.clear();
    for (const auto &[id, label] : simulations) {
        auto *series = new QLineSeries;
        series->setName(label);
        series->setPointsVisible(true);
        m_chart->addSeries(series);
        series->attachAxis(m_secondsAxis);
        series->attachAxis(m_lossAxis);
        m_series.insert(id, series);
        // Stored points are read on a pool thread; the answer comes back queued.
        const quint64 generation = m_generation;
        QPointer<ConvergencePanel> self(this);
        Database *database = &m_database;
        static_cast<void>(QtConcurrent::run([self, database, id, generation] {
            const auto points = ConvergenceRepository(*database).points(id);
            QMetaObject::invokeMethod(QCoreApplication::instance(), [self, id, generation, points] {
                if (self && points)
                    self->onSeriesLoaded(id, generation, points.value());
            });
        }));
    }
    updateRanges();
}

ConvergenceSeries ConvergencePanel::plottedPoints(qint64 simulationId) const
{
    ConvergenceSeries points;
    if (const QLineSeries *series = m_series.value(simulationId)) {
        for (const QPointF &p : series->points())
            points.append({p.x(), p.y()});
    }
    return points;
}

void ConvergencePanel::onSeriesLoaded(qint64 simulationId, quint64 generation,
                                      const ConvergenceSeries &points)
{
    QLineSeries *series = m_series.value(simulationId);
    if (generation != m_generation || !series)
        return;
    // Points that arrived live while loading are kept; stored ones fill in before them.
    QList<QPointF> merged;
    for (const ConvergencePoint &point : points) {
        if (point.loss > 0)
            merged.append({point.seconds, point.loss});
    }
    for (const QPointF &live : series->points()) {
        if (merged.isEmpty() || live.x() > merged.last().x())
            merged.append(live);
    }
    series->replace(merged);
    updateRanges();
    Q_EMIT seriesLoaded(simulationId, int(merged.size()));
}

void ConvergencePanel::onPointAdded(qint64 simulationId, const ConvergencePoint &point)
{
    if (QLineSeries *series = m_series.value(simulationId)) {
        addPoint(series, point);
        updateRanges();
    }
}

void ConvergencePanel::addPoint(QLineSeries *series, const ConvergencePoint &point)
{
    // A log axis drops a whole series with one non-positive value: keep such points off it.
    if (point.loss > 0)
        series->append(point.seconds, point.loss);
}

void ConvergencePanel::updateRanges()
{
    double minX = std::numeric_limits<double>::max(), maxX = 0;
    double minY = std::numeric_limits<double>::max(), maxY = 0;
    for (const QLineSeries *series : std::as_const(m_series)) {
        for (const QPointF &p : series->points()) {
            minX = std::min(minX, p.x());
            maxX = std::max(maxX, p.x());
            minY = std::min(minY, p.y());
            maxY = std::max(maxY, p.y());
        }
    }
    if (maxY <= 0) {
        m_secondsAxis->setRange(0, 100);
        m_lossAxis->setRange(0.01, 0.1);
        return;
    }
    m_secondsAxis->setRange(std::min(0.0, minX), maxX);
    m_lossAxis->setRange(minY * 0.9, maxY * 1.1);
}

} // namespace aisim
