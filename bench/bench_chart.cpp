// Time to display a large convergence series: the panel's per-pixel reduction beside plain
// QLineSeries baselines, measured from setting the data to the first finished paint.

#include "chartview.h"
#include "convergencepanel.h"
#include "database.h"
#include "eventhub.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;
using namespace aisim;

namespace {

const QSize kSize(1000, 600);

// A noisy power-law run: what a long training run's loss curve looks like.
QList<QPointF> makeRun(qsizetype count, double step, double scale, quint32 seed)
{
    QRandomGenerator random(seed);
    QList<QPointF> points;
    points.reserve(count);
    for (qsizetype i = 1; i <= count; ++i) {
        const double seconds = i * step;
        const double noise = 1 + 0.25 * (random.generateDouble() - 0.5);
        points.append({seconds, scale / std::sqrt(seconds + 1) * noise});
    }
    return points;
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0 : values[values.size() / 2];
}

struct PanelTimes
{
    double display = -1; // set data to first paint
    double livePoint = -1; // one more live point: redraw and paint
};

// The panel: hand it the points, let its throttled redraw run, paint once; then one live point.
PanelTimes timePanel(Database &database, EventHub &events, const QList<QPointF> &points)
{
    ConvergencePanel panel(database, events);
    panel.resize(kSize);
    panel.show();
    // Idle for a while, as when a user picks a run: no redraw is due from the throttle.
    QEventLoop idle;
    QTimer::singleShot(200, &idle, &QEventLoop::quit);
    idle.exec();
    QElapsedTimer timer;
    timer.start();
    panel.showPoints(1, u"run"_s, points);
    while (panel.drawnPoints(1).isEmpty())
        QCoreApplication::processEvents();
    QPixmap painted = panel.view()->grab();
    PanelTimes times;
    times.display = painted.isNull() ? -1 : timer.nsecsElapsed() / 1e6;

    const QPointF next(points.constLast().x() + 1, points.constLast().y());
    timer.restart();
    Q_EMIT events.pointAdded(1, {next.x(), next.y()}, int(points.size() + 1));
    panel.refreshNow(); // what the throttle runs at most every 50 ms while points arrive
    painted = panel.view()->grab();
    times.livePoint = painted.isNull() ? -1 : timer.nsecsElapsed() / 1e6;
    return times;
}

// Many runs overlaid, as when comparing: all of them shown to the first paint, then one live
// point of one run to the next paint (the throttle's redraw), each run its own colour.
PanelTimes timeOverlay(Database &database, EventHub &events, int runCount, qsizetype points,
                       double smoothing)
{
    ConvergencePanel panel(database, events);
    panel.resize(kSize);
    panel.setLegendVisible(false); // the table is the legend in the window
    panel.setSmoothing(smoothing);
    panel.show();
    QEventLoop idle;
    QTimer::singleShot(200, &idle, &QEventLoop::quit);
    idle.exec();
    QList<QList<QPointF>> runs;
    for (int run = 1; run <= runCount; ++run)
        runs.append(makeRun(points, 1.0, 0.2 + 0.01 * run, quint32(run)));
    QElapsedTimer timer;
    timer.start();
    for (int run = 1; run <= runCount; ++run)
        panel.showPoints(run, u"run %1"_s.arg(run), runs[run - 1]);
    while (panel.drawnPoints(runCount).isEmpty())
        QCoreApplication::processEvents();
    QPixmap painted = panel.view()->grab();
    PanelTimes times;
    times.display = painted.isNull() ? -1 : timer.nsecsElapsed() / 1e6;
    const QPointF next(runs.constLast().constLast().x() + 1, runs.constLast().constLast().y());
    timer.restart();
    Q_EMIT events.pointAdded(runCount, {next.x(), next.y()}, int(points + 1));
    panel.refreshNow();
    painted = panel.view()->grab();
    times.livePoint = painted.isNull() ? -1 : timer.nsecsElapsed() / 1e6;
    return times;
}

// The baseline: every point straight into a QLineSeries on the same axes, painted once.
double timePlainSeries(const QList<QPointF> &points)
{
    auto *chart = new QChart;
    auto *x = new QValueAxis;
    auto *y = new QLogValueAxis;
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    auto *series = new QLineSeries;
    chart->addSeries(series);
    series->attachAxis(x);
    series->attachAxis(y);
    QChartView view(chart);
    view.setRenderHint(QPainter::Antialiasing);
    view.resize(kSize);
    view.show();
    QCoreApplication::processEvents();
    QElapsedTimer timer;
    timer.start();
    series->replace(points);
    x->setRange(0, points.constLast().x());
    y->setRange(0.0001, 1);
    const QPixmap painted = view.grab();
    const double ms = timer.nsecsElapsed() / 1e6;
    return painted.isNull() ? -1 : ms;
}

QPalette darkPalette()
{
    QPalette palette;
    palette.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    palette.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
    palette.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    palette.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
    palette.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    palette.setColor(QPalette::ButtonText, QColor(0xe0, 0xe0, 0xe0));
    palette.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
    palette.setColor(QPalette::Light, QColor(0x50, 0x50, 0x50));
    palette.setColor(QPalette::Midlight, QColor(0x40, 0x40, 0x40));
    palette.setColor(QPalette::Mid, QColor(0x30, 0x30, 0x30));
    palette.setColor(QPalette::Dark, QColor(0x18, 0x18, 0x18));
    palette.setColor(QPalette::Highlight, QColor(0x3d, 0x7a, 0xd6));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    return palette;
}

// A picture of the panel comparing three runs, one with a zero loss the log axis cannot show.
bool renderPicture(Database &database, EventHub &events, const QList<QPointF> &large,
                   const QString &path, const QCommandLineParser &parser)
{
    const bool dark = parser.isSet(u"dark"_s);
    if (dark)
        QApplication::setPalette(darkPalette());
    ConvergencePanel panel(database, events);
    panel.resize(kSize);
    panel.show();
    if (parser.isSet(u"empty"_s)) {
        QCoreApplication::processEvents();
        return panel.grab().save(path);
    }
    panel.showPoints(1, u"large run (%1 points)"_s.arg(large.size()), large);
    panel.showPoints(2, u"exponential"_s, makeRun(40, 2500, 2.0, 7));
    QList<QPointF> seed;
    for (int s = 10; s <= 100; s += 10)
        seed.append({s * 1000.0, std::round(100.0 / std::log(s + 1.0)) / 1000.0});
    seed.append({110000, 0});
    panel.showPoints(3, u"seed (one zero loss)"_s, seed);
    panel.setLogX(parser.isSet(u"log-x"_s));
    panel.refreshNow();
    if (const double zoom = parser.value(u"zoom"_s).toDouble(); zoom > 0) {
        QCoreApplication::processEvents();
        // Around the large run at a tenth of its length.
        QAbstractSeries *series = panel.chart()->series().constFirst();
        const QPointF anchor = large[large.size() / 10];
        panel.view()->zoomAt(panel.view()->mapFromScene(panel.chart()->mapToScene(
                                 panel.chart()->mapToPosition(anchor, series))),
                             zoom);
        panel.refreshNow();
    }
    QCoreApplication::processEvents();
    // The whole panel with its toolbar, or the chart as its PNG export shows it.
    return parser.isSet(u"whole"_s) ? panel.grab().save(path) : panel.exportPng(path);
}

} // namespace

int main(int argc, char *argv[])
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Benchmarks the display of a large convergence series."_s);
    parser.addHelpOption();
    parser.addOption({u"points"_s, u"Points of the large series."_s, u"n"_s, u"1000000"_s});
    parser.addOption({u"runs"_s, u"Timed runs per variant (median)."_s, u"n"_s, u"5"_s});
    parser.addOption({u"png"_s, u"Also save a picture of the panel here."_s, u"path"_s});
    parser.addOption({u"dark"_s, u"Picture in a dark palette."_s});
    parser.addOption({u"log-x"_s, u"Picture with a log seconds axis."_s});
    parser.addOption({u"zoom"_s, u"Picture zoomed in by this factor near the start."_s, u"f"_s});
    parser.addOption({u"whole"_s, u"Picture of the whole panel, toolbar included."_s});
    parser.addOption({u"empty"_s, u"Picture of the panel with nothing selected."_s});
    parser.addOption({u"overlay"_s,
                      u"Instead: this many runs of 1,000 points overlaid, beside one run."_s,
                      u"runs"_s});
    parser.process(app);

    const qsizetype count = std::max(2, parser.value(u"points"_s).toInt());
    const int runs = std::max(1, parser.value(u"runs"_s).toInt());
    QTemporaryDir dir;
    Database database(DatabaseUrl::sqliteFile(dir.filePath(u"bench.db"_s)));
    EventHub events;
    const QList<QPointF> large = makeRun(count, 0.1, 0.5, 42);
    const QList<QPointF> small = large.first(std::min<qsizetype>(count, 10'000));

    QTextStream out(stdout);
    if (parser.isSet(u"png"_s)) {
        const QString path = parser.value(u"png"_s);
        if (!renderPicture(database, events, large, path, parser)) {
            out << "cannot write " << path << Qt::endl;
            return 1;
        }
        out << "picture: " << path << Qt::endl;
        return 0;
    }

    if (parser.isSet(u"overlay"_s)) {
        const int overlaid = std::max(1, parser.value(u"overlay"_s).toInt());
        constexpr qsizetype kPoints = 1000;
        out << "runs of " << kPoints << " points overlaid, " << kSize.width() << "x"
            << kSize.height() << ", median of " << runs << " runs: first paint / one live point\n";
        for (const double smoothing : {0.0, 0.9}) {
            QList<double> oneFirst, oneLive, manyFirst, manyLive;
            for (int run = 0; run < runs; ++run) {
                const PanelTimes one = timeOverlay(database, events, 1, kPoints, smoothing);
                const PanelTimes many = timeOverlay(database, events, overlaid, kPoints, smoothing);
                oneFirst << one.display;
                oneLive << one.livePoint;
                manyFirst << many.display;
                manyLive << many.livePoint;
            }
            out << "  smoothing " << smoothing << ": 1 run "
                << QString::number(median(oneFirst), 'f', 1) << " / "
                << QString::number(median(oneLive), 'f', 1) << " ms, " << overlaid << " runs "
                << QString::number(median(manyFirst), 'f', 1) << " / "
                << QString::number(median(manyLive), 'f', 1) << " ms ("
                << QString::number(median(manyFirst) / median(oneFirst), 'f', 1) << "x / "
                << QString::number(median(manyLive) / median(oneLive), 'f', 1) << "x)\n";
        }
        out.flush();
        return 0;
    }

    QList<double> panel, livePoint, plainLarge, plainSmall;
    for (int run = 0; run < runs; ++run) {
        const PanelTimes times = timePanel(database, events, large);
        panel.append(times.display);
        livePoint.append(times.livePoint);
        plainSmall.append(timePlainSeries(small));
        // The plain 1,000,000-point baseline takes seconds: measured once.
        if (run == 0)
            plainLarge.append(timePlainSeries(large));
    }
    const double reduced = median(panel);
    out << "display of a series, set data to first paint, " << kSize.width() << "x"
        << kSize.height() << ", median of " << runs << " runs\n";
    out << Qt::left << qSetFieldWidth(44) << u"panel, %1 points reduced per pixel"_s.arg(count)
        << qSetFieldWidth(0) << QString::number(reduced, 'f', 1) << " ms\n";
    out << qSetFieldWidth(44) << u"plain QLineSeries, %1 points"_s.arg(count) << qSetFieldWidth(0)
        << QString::number(median(plainLarge), 'f', 1) << " ms  ("
        << QString::number(median(plainLarge) / reduced, 'f', 1) << "x the panel)\n";
    out << qSetFieldWidth(44) << u"plain QLineSeries, %1 points"_s.arg(small.size())
        << qSetFieldWidth(0) << QString::number(median(plainSmall), 'f', 1) << " ms  ("
        << QString::number(median(plainSmall) / reduced, 'f', 1) << "x the panel)\n";
    out << qSetFieldWidth(44) << u"panel, one more live point on %1"_s.arg(count)
        << qSetFieldWidth(0) << QString::number(median(livePoint), 'f', 1)
        << " ms  (redraws capped at one per 50 ms)\n";
    out << "target: panel under 200 ms: " << (reduced < 200 ? "met" : "NOT met") << Qt::endl;
    return 0;
}
