#include "chartview.h"
#include "convergencepanel.h"
#include "runtime.h"
#include "testsupport.h"

#include <QChart>
#include <QCheckBox>
#include <QFile>
#include <QImage>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QToolTip>

#include <cmath>

using namespace Qt::StringLiterals;
using namespace aisim;

// The convergence chart: its data reduction, live and stored points, axes, zoom and export,
// on a real SQLite database and a real engine, drawn by a real (offscreen) window.
class TestChart : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanup();

    void pointsArriveLiveInOrderFromTheEngine();
    void storedPointsLoad();
    void zeroAndNegativeLossesDoNotHideTheRunOnALogAxis();
    void togglesSwitchTheAxisTypes();
    void aBurstOfLivePointsIsDrawnInOneRedraw();
    void largeSeriesAreReducedToThePixels();
    void wheelZoomsArrowsPanAndHomeResets();
    void aLogAxisZoomedInsideADecadeKeepsItsLabels();
    void reselectingTheSameRunsKeepsTheZoom();
    void aLegendClickHidesAndShowsARun();
    void hoveringFindsTheExactPoint();
    void exportWritesPngSvgAndExactCsv();
    void exportFailuresAreReported();
    void aPanelNeverShownExportsAFullChart();
    void darkPaletteGivesADarkChart();

private:
    // A database with one machine; the engine runs only when asked, else stored points stay.
    void openRuntime(bool runEngine);
    qint64 createSimulation(const EmulationParameters &parameters);
    void insertStoredPoints(qint64 simulationId, const QList<QPointF> &points);
    ConvergencePanel *createPanel();
    QLineSeries *lineSeries(ConvergencePanel *panel, const QString &name);

    std::unique_ptr<test::TestDatabase> m_testDatabase;
    std::unique_ptr<Runtime> m_runtime;
    std::unique_ptr<ConvergencePanel> m_panel;
    qint64 m_machineId = 0;
};

void TestChart::openRuntime(bool runEngine)
{
    m_testDatabase = std::make_unique<test::TestDatabase>(test::TestDatabase::Dialect::Sqlite);
    QVERIFY(m_testDatabase->isAvailable());
    RuntimeOptions options;
    options.database = m_testDatabase->url();
    options.engine.workers = 1;
    options.engine.pollIntervalMs = 50;
    options.runEngine = runEngine;
    auto runtime = Runtime::open(options);
    QVERIFY2(runtime.ok(), runtime.ok() ? "" : qPrintable(runtime.error().message));
    m_runtime = std::move(runtime.value());
    const auto machine = m_runtime->service().createMachine(std::nullopt, u"bench"_s);
    QVERIFY(machine.ok());
    m_machineId = machine->id;
}

void TestChart::cleanup()
{
    m_panel.reset();
    m_runtime.reset();
    m_testDatabase.reset();
}

qint64 TestChart::createSimulation(const EmulationParameters &parameters)
{
    NewSimulation simulation;
    simulation.name = u"run"_s;
    simulation.machineId = m_machineId;
    simulation.parameters = parameters;
    const auto created = m_runtime->service().create(simulation);
    return created ? created->id : -1;
}

void TestChart::insertStoredPoints(qint64 simulationId, const QList<QPointF> &points)
{
    QSqlDatabase connection = m_runtime->database().connection();
    QVERIFY(connection.transaction());
    QSqlQuery query(connection);
    QVERIFY(query.prepare(
        u"INSERT INTO convergence (simulation_id, seconds, loss) VALUES (?, ?, ?)"_s));
    for (const QPointF &point : points) {
        query.addBindValue(simulationId);
        query.addBindValue(point.x());
        query.addBindValue(point.y());
        QVERIFY(query.exec());
    }
    QVERIFY(connection.commit());
}

ConvergencePanel *TestChart::createPanel()
{
    if (!m_runtime)
        openRuntime(false);
    if (!m_runtime)
        return nullptr;
    m_panel = std::make_unique<ConvergencePanel>(m_runtime->database(), m_runtime->events());
    m_panel->resize(900, 560);
    m_panel->show();
    if (!QTest::qWaitForWindowExposed(m_panel.get()))
        return nullptr;
    return m_panel.get();
}

QLineSeries *TestChart::lineSeries(ConvergencePanel *panel, const QString &name)
{
    for (QAbstractSeries *series : panel->chart()->series()) {
        if (series->name() == name)
            return qobject_cast<QLineSeries *>(series);
    }
    return nullptr;
}

namespace {

QList<QPointF> noisyRun(int count)
{
    QList<QPointF> points;
    for (int i = 1; i <= count; ++i)
        points.append({i * 0.5, 1.0 / std::sqrt(i) * (1 + 0.2 * std::sin(i * 1.7))});
    return points;
}

int countPixels(const QImage &image, const QColor &color)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x)
            count += image.pixelColor(x, y).rgb() == color.rgb() ? 1 : 0;
    }
    return count;
}

} // namespace

void TestChart::pointsArriveLiveInOrderFromTheEngine()
{
    openRuntime(true);
    ConvergencePanel *panel = createPanel();
    QVERIFY(panel);
    EmulationParameters parameters;
    parameters.points = 6;
    parameters.paceMs = 40;
    const qint64 id = createSimulation(parameters);
    QVERIFY(id > 0);
    panel->showSimulations({{id, u"live run"_s}});
    QCOMPARE(panel->shownSimulations(), QList<qint64> {id});

    // Look at the panel each time the engine announces a point (after the panel took it).
    QList<qsizetype> seen;
    connect(&m_runtime->events(), &EventHub::pointAdded, panel, [&](qint64 simulationId) {
        if (simulationId == id)
            seen.append(panel->plottedPoints(id).size());
    });
    ConvergenceSeries expected;
    for (int point = 1; point <= parameters.points; ++point) {
        const double seconds = parameters.stepSeconds * point;
        expected.append({seconds, parameters.lossAt(seconds)});
    }
    QTRY_COMPARE_WITH_TIMEOUT(panel->plottedPoints(id), expected, 10000);
    // One more point each time, never all at once at the end.
    QCOMPARE(seen, (QList<qsizetype> {1, 2, 3, 4, 5, 6}));
    QTRY_COMPARE(panel->drawnPoints(id).size(), expected.size());
    QCOMPARE(panel->drawnPoints(id).constLast(), QPointF(60, parameters.lossAt(60)));
}

void TestChart::storedPointsLoad()
{
    openRuntime(false);
    const qint64 id = createSimulation({});
    const QList<QPointF> stored {{10, 0.042}, {20, 0.033}, {30, 0.029}, {40, 0.027}};
    insertStoredPoints(id, stored);
    ConvergencePanel *panel = createPanel();
    QVERIFY(panel);
    QSignalSpy loaded(panel, &ConvergencePanel::seriesLoaded);
    panel->showSimulations({{id, u"stored"_s}});
    QTRY_COMPARE(loaded.size(), 1);
    QCOMPARE(loaded.first().at(0).toLongLong(), id);
    QCOMPARE(loaded.first().at(1).toInt(), 4);
    QCOMPARE(panel->plottedPoints(id),
             (ConvergenceSeries {{10, 0.042}, {20, 0.033}, {30, 0.029}, {40, 0.027}}));
    QTRY_COMPARE(panel->drawnPoints(id), stored);
    QVERIFY(panel->note().isEmpty());
}

void TestChart::zeroAndNegativeLossesDoNotHideTheRunOnALogAxis()
{
    openRuntime(false);
    const qint64 id = createSimulation({});
    insertStoredPoints(id, {{10, 0.04}, {20, 0}, {30, 0.02}, {40, -0.5}, {50, 0.01}});
    ConvergencePanel *panel = createPanel();
    QVERIFY(panel);
    QSignalSpy loaded(panel, &ConvergencePanel::seriesLoaded);
    panel->showSimulations({{id, u"with zeros"_s}});
    QTRY_COMPARE(loaded.size(), 1);
    QVERIFY(panel->isLogY());
    QTRY_COMPARE(panel->drawnPoints(id), (QList<QPointF> {{10, 0.04}, {30, 0.02}, {50, 0.01}}));
    QCOMPARE(panel->note(), u"2 points ≤ 0 hidden on log axis"_s);
    QCOMPARE(panel->plottedPoints(id).size(), 5); // kept for linear axes and exports

    // The line is really drawn: its colour is on screen.
    QLineSeries *series = lineSeries(panel, u"with zeros"_s);
    QVERIFY(series);
    const QImage shot = panel->view()->grab().toImage();
    QVERIFY2(countPixels(shot, series->pen().color()) > 100, "the run is not drawn");

    panel->setLogY(false);
    QCOMPARE(panel->drawnPoints(id).size(), 5);
    QVERIFY(panel->note().isEmpty());
}

void TestChart::togglesSwitchTheAxisTypes()
{
    ConvergencePanel *panel = createPanel();
    QVERIFY(panel);
    panel->showPoints(1, u"a"_s, noisyRun(50));
    QCOMPARE(panel->xAxis()->type(), QAbstractAxis::AxisTypeValue);
    QCOMPARE(panel->yAxis()->type(), QAbstractAxis::AxisTypeLogValue);

    // Through the toolbar, as a user would.
    QCheckBox *logX = nullptr;
    QCheckBox *logY = nullptr;
    for (QCheckBox *box : panel->findChildren<QCheckBox *>()) {
        if (box->text() == u"Log X"_s)
            logX = box;
        if (box->text() == u"Log Y"_s)
            logY = box;
    }
    QVERIFY(logX && logY);
    QVERIFY(logY->isChecked());
    QVERIFY(!logX->isChecked());
    QTest::mouseClick(logX, Qt::LeftButton);
    QVERIFY(panel->isLogX());
    QCOMPARE(panel->xAxis()->type(), QAbstractAxis::AxisTypeLogValue);
    QTest::mouseClick(logY, Qt::LeftButton);
    QVERIFY(!panel->isLogY());
    QCOMPARE(panel->yAxis()->type(), QAbstractAxis::AxisTypeValue);
    QCOMPARE(panel->chart()->axes(Qt::Horizontal).size(), 1);
    QCOMPARE(panel->chart()->axes(Qt::Vertical).size(), 1);
    // Every series stays on the axes in use.
    QCOMPARE(lineSeries(panel, u"a"_s)->attachedAxes().size(), 2);
    QVERIFY(lineSeries(panel, u"a"_s)->attachedAxes().contains(panel->xAxis()));

    panel->setLogX(false);
    QVERIFY(!logX->isChecked());
    QCOMPARE(panel->xAxis()->type(), QAbstractAxis::AxisTypeValue);
    QCOMPARE(panel->drawnPoints(1).size(), 50);
}

void TestChart::aBurstOfLivePointsIsDrawnInOneRedraw()
{
    ConvergencePanel *panel = createPanel();
    QVERIFY(panel);
    panel->showPoints(7, u"burst"_s, {});
    QTRY_VERIFY(panel->drawnPoints(7).isEmpty());
    QLineSeries *series = lineSeries(panel, u"burst"_s);
    QSignalSpy replaced(series, &QLineSeries::pointsReplaced);
    for (int i = 1; i <= 1000; ++i)
        Q_EMIT m_runtime->events().pointAdded(7, {double(i), 1.0 / i}, i);
    QTRY_COMPARE(panel->drawnPoints(7).size(), 1000);
    QCOMPARE(panel->drawnPoints(7).constLast(), QPointF(1000, 0.001));
    QVERIFY2(replaced.size() <= 3, qPrintable(QString::number(replaced.size())));
}

void TestChart::largeSeriesAreReducedToThePixels()
{
    ConvergencePanel *panel = createPanel();
    QVERIFY(panel);
    const QList<QPointF> points = noisyRun(200'000);
    panel->showPoints(3, u"large"_s, points);
    QTRY_VERIFY(!panel->drawnPoints(3).isEmpty());
    const int columns = int(std::ceil(panel->chart()->plotArea().width()));
    const QList<QPointF> drawn = panel->drawnPoints(3);
    QVERIFY2(drawn.size() <= 2 * columns, qPrintable(QString::number(drawn.size())));
    QCOMPARE(drawn.first(), points.first());
    QCOMPARE(drawn.last(), points.last());
    QCOMPARE(panel->plottedPoints(3).size(), 200'000); // the full data stays
}

void TestChart::wheelZoomsArrowsPanAndHomeResets()
{
    ConvergencePanel *panel = createPanel();
    QVERIFY(panel);
    const QList<QPointF> points = noisyRun(100'000);
    panel->showPoints(4, u"zoom"_s, points);
    QTRY_VERIFY(!panel->drawnPoints(4).isEmpty());
    ChartView *view = panel->view();
    const auto range = [panel] {
        const QPair<double, double> r = {panel->xAxis()->property("min").toDouble(),
                                         panel->xAxis()->property("max").toDouble()};
        return r;
    };
    const auto full = range();

    const QPointF center
        = view->mapFromScene(panel->chart()->mapToScene(panel->chart()->plotArea().center()));
    QWheelEvent wheel(center, view->viewport()->mapToGlobal(center), {}, {0, 120 * 8}, Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QCoreApplication::sendEvent(view->viewport(), &wheel);
    QVERIFY(panel->isZoomed());
    const auto zoomed = range();
    QVERIFY(zoomed.second - zoomed.first < (full.second - full.first) / 3);
    QVERIFY(zoomed.first > full.first && zoomed.second < full.second);
    // The drawn points follow the zoom: denser inside the new range.
    QTRY_VERIFY(panel->drawnPoints(4).first().x() >= zoomed.first - 1);

    view->setFocus();
    QTest::keyClick(view, Qt::Key_Left);
    const auto panned = range();
    QVERIFY(panned.first < zoomed.first);
    QVERIFY(qFuzzyCompare(panned.second - panned.first, zoomed.second - zoomed.first));

    // Dragging with the middle button moves the data with the mouse: to the right, earlier x.
    const auto beforeDrag = range();
    const QPointF start = center;
    const QPointF end = center + QPointF(100, 0);
    QMouseEvent press(QEvent::MouseButtonPress, start, view->viewport()->mapToGlobal(start),
                      Qt::MiddleButton, Qt::MiddleButton, Qt::NoModifier);
    QMouseEvent drag(QEvent::MouseMove, end, view->viewport()->mapToGlobal(end), Qt::NoButton,
                     Qt::MiddleButton, Qt::NoModifier);
    QMouseEvent release(QEvent::MouseButtonRelease, end, view->viewport()->mapToGlobal(end),
                        Qt::MiddleButton, Qt::NoButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view->viewport(), &press);
    QCoreApplication::sendEvent(view->viewport(), &drag);
    QCoreApplication::sendEvent(view->viewport(), &release);
    QVERIFY(range().first < beforeDrag.first);
    QVERIFY(range().second < beforeDrag.second);

    QTest::keyClick(view, Qt::Key_Home);
    QVERIFY(!panel->isZoomed());
    QCOMPARE(range(), full);

    // A rubber band drag zooms too; double-click shows everything again.
    const QRectF area = panel->chart()->plotArea();
    const QPoint from
        = view->mapFromScene(panel->chart()->mapToScene(area.topLeft() + QPointF(50, 20)));
    const QPoint to = view->mapFromScene(panel->chart()->mapToScene(area.center()));
    QTest::mousePress(view->viewport(), Qt::LeftButton, {}, from);
    QMouseEvent move(QEvent::MouseMove, to, view->viewport()->mapToGlobal(to), Qt::NoButton,
                     Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(view->viewport(), &move);
    QTest::mouseRelease(view->viewport(), Qt::LeftButton, {}, to);
    QVERIFY(panel->isZoomed());
    QVERIFY(range().second < full.second);
    QTest::mouseDClick(view->viewport(), Qt::LeftButton, {}, to);
    QVERIFY(!panel->isZoomed());
    QCOMPARE(range(), full);
}

void TestChart::aLogAxisZoomedInsideADecadeKeepsItsLabels()
{
    ConvergencePanel *panel = createPanel();
    QVERIFY(panel);
    panel->showPoints(31, u"narrow"_s, {{10, 0.6}, {20, 0.55}, {30, 0.5}});
    panel->refreshNow();
    QAbstractAxis *loss = panel->yAxis();
    // Less than a decade of data: labels at powers of a root of ten, at least three.
    QVERIFY(loss->property("base").toDouble() < 10);
    QVERIFY(loss->property("tickCount").toInt() >= 3);

    panel->view()->zoomAt(panel->view()->rect().center(), 4);
    panel->refreshNow();
    const double decades
        = std::log10(loss->property("max").toDouble() / loss->property("min").toDouble());
    QVERIFY(decades < 1);
    QVERIFY(loss->property("base").toDouble() < 10);
    QVERIFY2(loss->property("tickCount").toInt() >= 3,
             qPrintable(QString::number(loss->property("tickCount").toInt())));
    QTest::keyClick(panel->view(), Qt::Key_Home);
    QVERIFY(loss->property("tickCount").toInt() >= 3);
}

void TestChart::reselectingTheSameRunsKeepsTheZoom()
{
    openRuntime(false);
    const qint64 first = createSimulation({});
    const qint64 second = createSimulation({});
    insertStoredPoints(first, {{10, 0.5}, {20, 0.25}, {30, 0.125}});
    insertStoredPoints(second, {{10, 0.4}, {20, 0.2}});
    ConvergencePanel *panel = createPanel();
    QVERIFY(panel);
    QSignalSpy loaded(panel, &ConvergencePanel::seriesLoaded);
    panel->showSimulations({{first, u"first"_s}, {second, u"second"_s}});
    QTRY_COMPARE(loaded.size(), 2);
    panel->view()->zoomAt(panel->view()->rect().center(), 2);
    QVERIFY(panel->isZoomed());

    // A refresh of the labels (say, a status change) keeps the zoom and the points.
    panel->showSimulations({{first, u"first (finished)"_s}, {second, u"second"_s}});
    QVERIFY(panel->isZoomed());
    QVERIFY(lineSeries(panel, u"first (finished)"_s));
    QCOMPARE(panel->plottedPoints(first).size(), 3);
    QCOMPARE(loaded.size(), 2); // not read again

    panel->showSimulations({{first, u"first"_s}});
    QVERIFY(!panel->isZoomed());
    QCOMPARE(panel->shownSimulations(), QList<qint64> {first});
    QCOMPARE(panel->chart()->series().size(), 2); // its curve and its raw one for smoothing
}

void TestChart::aLegendClickHidesAndShowsARun()
{
    ConvergencePanel *panel = createPanel();
    QVERIFY(panel);
    panel->showPoints(21, u"kept"_s, {{10, 0.5}, {20, 0.25}});
    panel->showPoints(22, u"hidden"_s, {{10, 0.001}, {20, 0.0005}});
    panel->refreshNow();
    const double lowest = panel->yAxis()->property("min").toDouble();
    QLineSeries *hidden = lineSeries(panel, u"hidden"_s);
    const auto markers = panel->chart()->legend()->markers(hidden);
    QCOMPARE(markers.size(), 1);

    Q_EMIT markers.first()->clicked();
    QVERIFY(!hidden->isVisible());
    QVERIFY(markers.first()->isVisible()); // still there to be clicked again
    // The axes fit the runs still shown.
    QTRY_VERIFY(panel->yAxis()->property("min").toDouble() > lowest);

    Q_EMIT markers.first()->clicked();
    QVERIFY(hidden->isVisible());
    QTRY_COMPARE(panel->yAxis()->property("min").toDouble(), lowest);
}

void TestChart::hoveringFindsTheExactPoint()
{
    ConvergencePanel *panel = createPanel();
    QVERIFY(panel);
    panel->showPoints(5, u"first"_s, {{10, 0.5}, {20, 0.25}, {30, 0.125}});
    panel->showPoints(6, u"second"_s, {{10, 0.05}, {20, 0.0333}, {30, 0.0171}});
    panel->refreshNow();
    QChart *chart = panel->chart();
    QLineSeries *second = lineSeries(panel, u"second"_s);
    const QPointF target(20, 0.0333);
    const QPointF at = panel->view()->mapFromScene(
        chart->mapToScene(chart->mapToPosition(target, second) + QPointF(3, -2)));
    const auto hovered = panel->pointNear(at);
    QVERIFY(hovered);
    QCOMPARE(hovered->simulationId, 6);
    QCOMPARE(hovered->label, u"second"_s);
    QCOMPARE(hovered->value, target);
    // Moving the mouse there shows the exact values in a tooltip.
    QMouseEvent move(QEvent::MouseMove, at, panel->view()->viewport()->mapToGlobal(at),
                     Qt::NoButton, Qt::NoButton, Qt::NoModifier);
    QCoreApplication::sendEvent(panel->view()->viewport(), &move);
    QTRY_VERIFY(QToolTip::isVisible());
    QCOMPARE(QToolTip::text(), u"second (#6)\nseconds: 20\nloss: 0.0333"_s);
    // Far from every point: nothing.
    const QPointF empty = panel->view()->mapFromScene(
        chart->mapToScene(chart->plotArea().topRight() + QPointF(-5, 5)));
    QVERIFY(!panel->pointNear(empty));
}

void TestChart::exportWritesPngSvgAndExactCsv()
{
    ConvergencePanel *panel = createPanel();
    QVERIFY(panel);
    panel->showPoints(11, u"plain"_s, {{10, 0.042}, {20, 0}});
    panel->showPoints(12, u"run \"b\", tuned"_s, {{0.5, 1e-7}, {1, 0.1}});
    QTemporaryDir dir;
    const QString png = dir.filePath(u"chart.png"_s);
    const QString svg = dir.filePath(u"chart.svg"_s);
    const QString csv = dir.filePath(u"chart.csv"_s);

    QVERIFY2(panel->exportPng(png), qPrintable(panel->lastError()));
    const QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), panel->view()->size() * panel->view()->devicePixelRatio());

    QVERIFY2(panel->exportTo(svg), qPrintable(panel->lastError()));
    QFile svgFile(svg);
    QVERIFY(svgFile.open(QIODevice::ReadOnly));
    const QByteArray drawing = svgFile.readAll();
    QVERIFY(drawing.contains("<svg"));
    QVERIFY(drawing.contains("</svg>"));
    QVERIFY(drawing.contains("plain")); // the legend is in it

    QVERIFY2(panel->exportCsv(csv), qPrintable(panel->lastError()));
    QFile csvFile(csv);
    QVERIFY(csvFile.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(csvFile.readAll()),
             u"simulation_id,name,seconds,loss\n"
             "11,plain,10,0.042\n"
             "11,plain,20,0\n"
             "12,\"run \"\"b\"\", tuned\",0.5,1e-07\n"
             "12,\"run \"\"b\"\", tuned\",1,0.1\n"_s);
}

void TestChart::exportFailuresAreReported()
{
    ConvergencePanel *panel = createPanel();
    QVERIFY(panel);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"cannot (write|export) "_s));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"cannot (write|export) "_s));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"cannot (write|export) "_s));
    QVERIFY(!panel->exportPng(u"/nonexistent-directory/chart.png"_s));
    QVERIFY(panel->lastError().contains(u"/nonexistent-directory/chart.png"_s));
    QVERIFY(!panel->exportCsv(u"/nonexistent-directory/chart.csv"_s));
    QVERIFY(!panel->exportTo(u"/tmp/chart.gif"_s));
    QVERIFY(panel->lastError().contains(u".png, .svg or .csv"_s));
}

void TestChart::aPanelNeverShownExportsAFullChart()
{
    openRuntime(false);
    ConvergencePanel panel(m_runtime->database(), m_runtime->events());
    panel.showPoints(41, u"offscreen run"_s, noisyRun(500));
    QTemporaryDir dir;
    const QString png = dir.filePath(u"hidden.png"_s);
    QVERIFY2(panel.exportPng(png), qPrintable(panel.lastError()));
    const QImage image(png);
    QVERIFY2(image.width() >= 640 && image.height() >= 400,
             qPrintable(u"%1x%2"_s.arg(image.width()).arg(image.height())));
    QVERIFY(!panel.isVisible());
    QCOMPARE(panel.drawnPoints(41).size(), 500);
}

void TestChart::darkPaletteGivesADarkChart()
{
    ConvergencePanel *panel = createPanel();
    QVERIFY(panel);
    QCOMPARE(panel->chart()->theme(), QChart::ChartThemeLight);
    QPalette dark = panel->palette();
    dark.setColor(QPalette::Window, QColor(30, 30, 30));
    dark.setColor(QPalette::Base, QColor(20, 20, 20));
    dark.setColor(QPalette::Text, QColor(230, 230, 230));
    panel->setPalette(dark);
    QCOMPARE(panel->chart()->theme(), QChart::ChartThemeDark);
    QCOMPARE(panel->chart()->backgroundBrush().color(), QColor(20, 20, 20));
}

QTEST_MAIN(TestChart)
#include "tst_chart.moc"
