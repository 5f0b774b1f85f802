#include "downsampler.h"
#include "seriesbuffer.h"

#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;
using namespace aisim;

// The chart's GUI-free data side: the per-pixel reduction and the buffer of a run's points.
class TestDownsampler : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keepsEndsAndExtremesWithinBudget_data();
    void keepsEndsAndExtremesWithinBudget();
    void returnsSmallRangesWhole();
    void drawsOnlyTheVisibleRangeAndItsNeighbours();
    void skipsWhatALogAxisCannotShow();
    void seriesBufferKeepsOrderExtentsAndHiddenCounts();
};

namespace {

QList<QPointF> noisyRun(int count)
{
    QList<QPointF> points;
    for (int i = 1; i <= count; ++i)
        points.append({i * 0.5, 1.0 / std::sqrt(i) * (1 + 0.2 * std::sin(i * 1.7))});
    return points;
}

} // namespace

void TestDownsampler::keepsEndsAndExtremesWithinBudget_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("columns");
    QTest::newRow("100k into 800") << 100'000 << 800;
    QTest::newRow("100k into 1") << 100'000 << 1;
    QTest::newRow("100k into 2") << 100'000 << 2;
    QTest::newRow("5000 into 1000") << 5000 << 1000;
    QTest::newRow("2001 into 1000") << 2001 << 1000;
}

void TestDownsampler::keepsEndsAndExtremesWithinBudget()
{
    QFETCH(int, count);
    QFETCH(int, columns);
    QList<QPointF> points = noisyRun(count);
    points[count / 3].setY(-5); // the lowest and highest points sit in the middle
    points[count / 2].setY(50);
    const Downsampler::Options options {points.first().x(), points.last().x(), columns};
    const QList<QPointF> reduced = Downsampler::reduce(points, options);

    QVERIFY(reduced.size() <= 2 * columns);
    QCOMPARE(reduced.first(), points.first());
    QCOMPARE(reduced.last(), points.last());
    if (columns >= 2) { // one column holds just the two ends
        QVERIFY(reduced.contains(QPointF(points[count / 3])));
        QVERIFY(reduced.contains(QPointF(points[count / 2])));
    }
    for (qsizetype i = 1; i < reduced.size(); ++i)
        QVERIFY(reduced[i - 1].x() < reduced[i].x());
    for (const QPointF &point : reduced)
        QVERIFY(points.contains(point)); // real samples only
}

void TestDownsampler::returnsSmallRangesWhole()
{
    const QList<QPointF> points = noisyRun(100);
    QCOMPARE(Downsampler::reduce(points, {0, 100, 60}), points);
    QCOMPARE(Downsampler::reduce({}, {0, 1, 10}), QList<QPointF>());
    const QList<QPointF> one {{3, 4}};
    QCOMPARE(Downsampler::reduce(one, {0, 10, 10}), one);
}

void TestDownsampler::drawsOnlyTheVisibleRangeAndItsNeighbours()
{
    const QList<QPointF> points = noisyRun(100'000); // x from 0.5 to 50000
    const QList<QPointF> reduced = Downsampler::reduce(points, {1000, 1010, 500});
    // 21 points lie in [1000, 1010]; the neighbours at 999.5 and 1010.5 reach the edges.
    QCOMPARE(reduced.size(), 23);
    QCOMPARE(reduced.first().x(), 999.5);
    QCOMPARE(reduced.last().x(), 1010.5);
    const QList<QPointF> wide = Downsampler::reduce(points, {1000, 40000, 500});
    QVERIFY(wide.size() <= 1000);
    QCOMPARE(wide.first().x(), 999.5);
    QCOMPARE(wide.last().x(), 40000.5);
}

void TestDownsampler::skipsWhatALogAxisCannotShow()
{
    QList<QPointF> points = noisyRun(10'000);
    points.prepend({0, 0.5});
    points[50].setY(0);
    points[70].setY(-1);
    Downsampler::Options options {0, 5000, 300};
    options.logX = true;
    options.logY = true;
    for (const QPointF &point : Downsampler::reduce(points, options))
        QVERIFY2(point.x() > 0 && point.y() > 0,
                 qPrintable(u"%1,%2"_s.arg(point.x()).arg(point.y())));
    options.logX = options.logY = false;
    QVERIFY(Downsampler::reduce(points, options).contains(QPointF(0, 0.5)));
}

void TestDownsampler::seriesBufferKeepsOrderExtentsAndHiddenCounts()
{
    SeriesBuffer buffer;
    buffer.add({2, 0.5});
    buffer.add({3, 0});
    buffer.add({1, 2}); // out of order
    buffer.add({3, 0.25}); // replaces the zero
    buffer.add({0, -1});
    QCOMPARE(buffer.points(), (QList<QPointF> {{0, -1}, {1, 2}, {2, 0.5}, {3, 0.25}}));
    QCOMPARE(buffer.hiddenCount(false, true), 1);
    QCOMPARE(buffer.hiddenCount(true, false), 1);
    QCOMPARE(buffer.hiddenCount(true, true), 1);
    QCOMPARE(buffer.hiddenCount(false, false), 0);
    QCOMPARE(buffer.yExtent(false, false).min, -1.0);
    QCOMPARE(buffer.yExtent(false, true).min, 0.25);
    QCOMPARE(buffer.yExtent(false, true).max, 2.0);
    QCOMPARE(buffer.xExtent(true, false).min, 1.0);

    // NaN or infinite values never reach an axis range.
    buffer.add({qQNaN(), 1});
    buffer.add({4, qInf()});
    QCOMPARE(buffer.size(), 5);
    QCOMPARE(buffer.yExtent(false, false).max, 2.0);
    QVERIFY(!Downsampler::isPlottable({4, qInf()}, false, false));
    buffer.add({4, 0.2});

    buffer.mergeStored({{0.5, 1}, {2, 9}}); // live points win on equal x
    QCOMPARE(buffer.points(),
             (QList<QPointF> {{0, -1}, {0.5, 1}, {1, 2}, {2, 0.5}, {3, 0.25}, {4, 0.2}}));
}

QTEST_APPLESS_MAIN(TestDownsampler)
#include "tst_downsampler.moc"
