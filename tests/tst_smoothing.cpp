#include "smoothing.h"

#include <QTest>

#include <cmath>

using namespace aisim;

// The exponential moving average of the chart: debiased, in the loss axis's space.
class TestSmoothing : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void weightZeroLeavesTheCurveAlone();
    void debiasedStartIsNotPulledTowardsZero();
    void matchesTheRecurrenceOnALinearAxis();
    void averagesLogLossOnALogAxis();
    void pointsALogAxisCannotShowAreLeftOut();
    void weightIsClampedToTheSliderRange();
};

namespace {
QList<QPointF> line(const QList<double> &ys)
{
    QList<QPointF> points;
    for (int i = 0; i < ys.size(); ++i)
        points.append({double(i + 1) * 10, ys[i]});
    return points;
}
} // namespace

void TestSmoothing::weightZeroLeavesTheCurveAlone()
{
    const QList<QPointF> points = line({0.5, 0.2, 0.9, -1});
    QCOMPARE(Smoothing::ema(points, 0, false), points);
    QCOMPARE(Smoothing::ema(points, 0, true), points);
}

void TestSmoothing::debiasedStartIsNotPulledTowardsZero()
{
    // A constant curve stays constant from its first point: no ramp up from zero.
    const QList<QPointF> smoothed = Smoothing::ema(line({0.3, 0.3, 0.3, 0.3}), 0.9, false);
    QCOMPARE(smoothed.size(), 4);
    for (const QPointF &point : smoothed)
        QVERIFY2(std::fabs(point.y() - 0.3) < 1e-12, qPrintable(QString::number(point.y())));
    QCOMPARE(smoothed.first().x(), 10.0);
}

void TestSmoothing::matchesTheRecurrenceOnALinearAxis()
{
    const double w = 0.6;
    const QList<QPointF> smoothed = Smoothing::ema(line({1.0, 0.0, 0.5}), w, false);
    // s1 = 0.4 -> 0.4 / 0.4 = 1; s2 = 0.24 -> 0.24 / 0.64; s3 = 0.144 + 0.2 -> / 0.784.
    QVERIFY(std::fabs(smoothed[0].y() - 1.0) < 1e-12);
    QVERIFY(std::fabs(smoothed[1].y() - 0.24 / 0.64) < 1e-12);
    QVERIFY(std::fabs(smoothed[2].y() - 0.344 / 0.784) < 1e-12);
}

void TestSmoothing::averagesLogLossOnALogAxis()
{
    // On a log axis 0.1 and 0.001 average to 0.01 (their geometric mean), not 0.0505.
    const QList<QPointF> smoothed = Smoothing::ema(line({0.1, 0.001}), 0.5, true);
    const double expected = std::exp((0.25 * std::log(0.1) + 0.5 * std::log(0.001)) / 0.75);
    QVERIFY(std::fabs(smoothed[1].y() - expected) < 1e-12);
    const QList<QPointF> linear = Smoothing::ema(line({0.1, 0.001}), 0.5, false);
    QVERIFY(std::fabs(linear[1].y() - (0.25 * 0.1 + 0.5 * 0.001) / 0.75) < 1e-12);
    QVERIFY(smoothed[1].y() < linear[1].y());
}

void TestSmoothing::pointsALogAxisCannotShowAreLeftOut()
{
    const QList<QPointF> smoothed = Smoothing::ema(line({0.2, 0.0, -0.5, 0.2}), 0.5, true);
    QCOMPARE(smoothed.size(), 2);
    QCOMPARE(smoothed[1].x(), 40.0);
    QVERIFY(std::fabs(smoothed[1].y() - 0.2) < 1e-12); // the zero did not pull it down
    QCOMPARE(Smoothing::ema(line({0.2, 0.0}), 0.5, false).size(), 2); // a linear axis shows 0
}

void TestSmoothing::weightIsClampedToTheSliderRange()
{
    const QList<QPointF> points = line({1, 0, 0, 0});
    const QList<QPointF> high = Smoothing::ema(points, 5.0, false);
    const QList<QPointF> max = Smoothing::ema(points, Smoothing::kMaxWeight, false);
    QCOMPARE(high, max);
    QVERIFY(max.last().y() > 0.2); // 0.99 still remembers the first point strongly
}

QTEST_GUILESS_MAIN(TestSmoothing)
#include "tst_smoothing.moc"
