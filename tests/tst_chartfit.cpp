#include "chartaxes.h"
#include "chartview.h"
#include "convergencepanel.h"
#include "desktopfixture.h"
#include "simulationrepository.h"

#include <QAbstractAxis>
#include <QChart>
#include <QStandardPaths>
#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;
using namespace aisim;
using aisim::test::Desktop;

// The convergence chart of a real window (offscreen): what it draws after a retry, axes that
// fit the data, labels at every zoom, and a plot that stays usable in a small window.
class TestChartFit : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void aRetryReplacesTheDrawnPointsAtOnce();
    void logAxesFitTheDataWithASmallMargin();
    void markersAtTheEndsAreWhole_data();
    void markersAtTheEndsAreWhole();
    void everyRangeShowsAtLeastThreeLabels_data();
    void everyRangeShowsAtLeastThreeLabels();
    void aSmallWindowKeepsARoomyPlot();

private:
    static QList<QPointF> curve(double first, double last, int count)
    {
        QList<QPointF> points;
        for (int i = 0; i < count; ++i) {
            const double x = first + (last - first) * i / (count - 1);
            points.append({x, 0.1 / std::log(x + 1)});
        }
        return points;
    }
};

void TestChartFit::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestChartFit::aRetryReplacesTheDrawnPointsAtOnce()
{
    Desktop desktop(1);
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    const Simulation run = desktop.create(u"retried"_s, 1, 40, 150);
    QTRY_COMPARE(desktop.rowOf(run.id), 0);
    desktop.selectRows({0});
    ConvergencePanel *chart = desktop.window->chart();
    QTRY_COMPARE(chart->shownSimulations(), QList<qint64> {run.id});
    QTRY_VERIFY_WITH_TIMEOUT(chart->plottedPoints(run.id).size() >= 14, 20'000);
    QVERIFY(desktop.service().cancel(run.id));
    SimulationRepository repository(desktop.runtime->database());
    QTRY_COMPARE(repository.get(run.id)->status, SimulationStatus::Cancelled);
    const qsizetype before = chart->plottedPoints(run.id).size();
    QVERIFY(before >= 14);

    QVERIFY(desktop.service().retry(run.id));
    // Well before the new attempt has made as many points, the old ones are gone.
    QTRY_VERIFY_WITH_TIMEOUT(chart->plottedPoints(run.id).size() < before / 2, 1000);
    // And what is drawn is what is stored.
    QTRY_VERIFY_WITH_TIMEOUT(repository.get(run.id)->pointsDone >= 3, 5000);
    chart->refreshNow();
    const ConvergenceSeries plotted = chart->plottedPoints(run.id);
    QVERIFY(plotted.size() < before);
    for (qsizetype i = 0; i < plotted.size(); ++i)
        QCOMPARE(plotted.at(i).seconds, 10.0 * double(i + 1));
}

// With log X the axis used to run to the next decade (1000 for data ending at 400).
void TestChartFit::logAxesFitTheDataWithASmallMargin()
{
    Desktop desktop(0);
    ConvergencePanel *chart = desktop.window->chart();
    chart->setLogX(true);
    chart->showPoints(1, u"run"_s, curve(10, 400, 40));
    chart->refreshNow();
    const auto [minX, maxX] = chartaxes::range(chart->xAxis());
    QVERIFY2(minX < 10 && minX > 7, qPrintable(QString::number(minX)));
    QVERIFY2(maxX > 400 && maxX < 500, qPrintable(QString::number(maxX)));
    const auto [minY, maxY] = chartaxes::range(chart->yAxis());
    const double low = 0.1 / std::log(401.0);
    const double high = 0.1 / std::log(11.0);
    QVERIFY(minY < low && minY > low / 1.5);
    QVERIFY(maxY > high && maxY < high * 1.5);
}

void TestChartFit::markersAtTheEndsAreWhole_data()
{
    QTest::addColumn<bool>("logX");
    QTest::addColumn<bool>("logY");
    QTest::newRow("linear") << false << false;
    QTest::newRow("log y") << false << true;
    QTest::newRow("log both") << true << true;
}

void TestChartFit::markersAtTheEndsAreWhole()
{
    QFETCH(bool, logX);
    QFETCH(bool, logY);
    Desktop desktop(0);
    desktop.window->resize(1280, 820);
    ConvergencePanel *chart = desktop.window->chart();
    chart->setLogX(logX);
    chart->setLogY(logY);
    const QList<QPointF> points = curve(10, 100, 10);
    chart->showPoints(1, u"run"_s, points);
    QTest::qWait(100); // laid out
    chart->refreshNow();
    const QRectF area = chart->chart()->plotArea();
    QVERIFY(area.width() > 100 && area.height() > 50);
    const double radius = 3; // markers are 5 px wide
    for (const QPointF &point : {points.first(), points.last()}) {
        const QPointF at = chart->chart()->mapToPosition(point);
        QVERIFY2(area.adjusted(radius, radius, -radius, -radius).contains(at),
                 qPrintable(u"(%1, %2) in %3,%4 %5x%6"_s.arg(at.x())
                                .arg(at.y())
                                .arg(area.x())
                                .arg(area.y())
                                .arg(area.width())
                                .arg(area.height())));
    }
}

void TestChartFit::everyRangeShowsAtLeastThreeLabels_data()
{
    QTest::addColumn<double>("first");
    QTest::addColumn<double>("last");
    QTest::newRow("five decades") << 1.0 << 1e5;
    QTest::newRow("a decade and a bit") << 12.0 << 200.0;
    QTest::newRow("inside a decade") << 20.0 << 60.0;
    QTest::newRow("narrow") << 100.0 << 101.0;
}

void TestChartFit::everyRangeShowsAtLeastThreeLabels()
{
    QFETCH(double, first);
    QFETCH(double, last);
    Desktop desktop(0);
    ConvergencePanel *chart = desktop.window->chart();
    chart->setLogX(true);
    chart->showPoints(1, u"run"_s, curve(first, last, 30));
    chart->refreshNow();
    QAbstractAxis *x = chart->xAxis();
    QVERIFY2(x->property("tickCount").toInt() >= 3,
             qPrintable(QString::number(x->property("tickCount").toInt())));
    QVERIFY(x->property("tickCount").toInt() <= 12);
    // Zoomed into the middle, still three at least.
    QTest::qWait(50);
    chart->view()->zoomAt(chart->view()->rect().center(), 3);
    chart->refreshNow();
    QVERIFY2(x->property("tickCount").toInt() >= 3,
             qPrintable(QString::number(x->property("tickCount").toInt())));
}

// At 900 × 600 the chart gets a fair share of the window: the machines panel yields width.
void TestChartFit::aSmallWindowKeepsARoomyPlot()
{
    Desktop desktop(0);
    desktop.window->resize(1280, 820);
    QTest::qWait(50);
    desktop.window->resize(900, 600);
    ConvergencePanel *chart = desktop.window->chart();
    chart->showPoints(1, u"run"_s, curve(10, 100, 10));
    QTest::qWait(100);
    chart->refreshNow();
    const QRectF area = chart->chart()->plotArea();
    QVERIFY2(area.width() >= 450, qPrintable(QString::number(area.width())));
    QVERIFY2(area.height() >= 80, qPrintable(QString::number(area.height())));
}

QTEST_MAIN(TestChartFit)
#include "tst_chartfit.moc"
