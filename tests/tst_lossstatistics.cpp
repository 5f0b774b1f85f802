#include "emulationparameters.h"
#include "lossstatistics.h"

#include <QJsonDocument>
#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;
using namespace aisim;

// The curves worth comparing and the verdict each of them earns.
class TestLossStatistics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyCurveEarnsItsVerdict_data();
    void everyCurveEarnsItsVerdict();
    void noiseIsDeterministicForItsSeed();
    void noiseAndSeedRoundTripAndAreValidated();
    void rateIsTheSlopeOfLogLossOverLogSeconds();
    void tooFewPointsGiveNoVerdict();
    void thresholdsDecideBetweenStalledAndConverging();
    void verdictNamesRoundTrip();
};

namespace {
ConvergenceSeries emulate(const EmulationParameters &params)
{
    ConvergenceSeries points;
    for (int i = 1; i <= params.points; ++i) {
        const double seconds = params.stepSeconds * i;
        points.append({seconds, params.lossAt(seconds)});
    }
    return points;
}
} // namespace

void TestLossStatistics::everyCurveEarnsItsVerdict_data()
{
    QTest::addColumn<QString>("curve");
    QTest::addColumn<int>("points");
    QTest::addColumn<double>("noise");
    QTest::addColumn<int>("verdict");
    QTest::newRow("seed") << u"seed"_s << 10 << 0.0 << int(Verdict::Converging);
    QTest::newRow("power") << u"power"_s << 10 << 0.0 << int(Verdict::Converging);
    QTest::newRow("exponential, long") << u"exponential"_s << 60 << 0.0 << int(Verdict::Stalled);
    QTest::newRow("plateau") << u"plateau"_s << 10 << 0.0 << int(Verdict::Stalled);
    QTest::newRow("diverge") << u"diverge"_s << 10 << 0.0 << int(Verdict::Diverging);
    QTest::newRow("diverge, noisy") << u"diverge"_s << 20 << 0.02 << int(Verdict::Diverging);
    QTest::newRow("power, noisy") << u"power"_s << 20 << 0.02 << int(Verdict::Converging);
}

void TestLossStatistics::everyCurveEarnsItsVerdict()
{
    QFETCH(QString, curve);
    QFETCH(int, points);
    QFETCH(double, noise);
    QFETCH(int, verdict);
    EmulationParameters params;
    params.curve = curve;
    params.points = points;
    params.noise = noise;
    params.seed = 7;
    const LossTrend trend = lossTrend(emulate(params), LossThresholds {});
    QCOMPARE(verdictName(trend.verdict), verdictName(Verdict(verdict)));
    QVERIFY(trend.rate.has_value());
}

void TestLossStatistics::noiseIsDeterministicForItsSeed()
{
    EmulationParameters a;
    a.curve = u"power"_s;
    a.points = 200;
    a.noise = 0.1;
    a.seed = 42;
    EmulationParameters b = a;
    EmulationParameters c = a;
    c.seed = 43;
    QVERIFY(emulate(a) == emulate(b));
    QVERIFY(emulate(a) != emulate(c));
    EmulationParameters clean = a;
    clean.noise = 0;
    const ConvergenceSeries noisy = emulate(a);
    const ConvergenceSeries plain = emulate(clean);
    double largest = 0;
    for (qsizetype i = 0; i < noisy.size(); ++i) {
        const double relative
            = std::fabs(noisy[i].loss / (0.5 / std::sqrt(noisy[i].seconds + 1)) - 1);
        largest = std::max(largest, relative);
    }
    QVERIFY2(largest <= 0.1 + 1e-4, qPrintable(QString::number(largest)));
    QVERIFY(largest > 0.05); // the noise is there, up to its amplitude
    QVERIFY(noisy != plain);
}

void TestLossStatistics::noiseAndSeedRoundTripAndAreValidated()
{
    EmulationParameters params;
    params.curve = u"plateau"_s;
    params.noise = 0.05;
    params.seed = 123;
    FieldErrors errors;
    QVERIFY(parseEmulationParameters(params.toJson(), {}, &errors) == params);
    QVERIFY(errors.isEmpty());
    // Without noise the JSON stays what it was before noise existed.
    QVERIFY(!EmulationParameters().toJson().contains(u"noise"_s));

    const QJsonObject bad
        = QJsonDocument::fromJson(R"({"noise": 2, "seed": -1, "curve": "sideways"})").object();
    parseEmulationParameters(bad, {u"body"_s, u"parameters"_s}, &errors);
    QStringList fields;
    for (const FieldError &error : std::as_const(errors))
        fields << error.location.last();
    fields.sort();
    QCOMPARE(fields, QStringList({u"curve"_s, u"noise"_s, u"seed"_s}));
}

void TestLossStatistics::rateIsTheSlopeOfLogLossOverLogSeconds()
{
    // loss = 3 t^-0.5 exactly: the slope is -0.5 whatever the window.
    ConvergenceSeries points;
    for (const double t : {1.0, 2.0, 4.0, 8.0, 16.0, 32.0})
        points.append({t, 3.0 / std::sqrt(t)});
    const LossTrend trend = lossTrend(points, LossThresholds {4, 0.01});
    QVERIFY(trend.rate);
    QVERIFY(std::fabs(*trend.rate + 0.5) < 1e-12);
    QCOMPARE(trend.verdict, Verdict::Converging);
    // Points with a loss <= 0 have no logarithm and are left out of the fit.
    points.append({64.0, 0.0});
    QVERIFY(std::fabs(*lossTrend(points, LossThresholds {4, 0.01}).rate + 0.5) < 1e-12);
}

void TestLossStatistics::tooFewPointsGiveNoVerdict()
{
    const ConvergenceSeries two {{10, 0.5}, {20, 0.4}};
    const LossTrend trend = lossTrend(two, LossThresholds {5, 0.01});
    QCOMPARE(trend.verdict, Verdict::TooFewPoints);
    QVERIFY(trend.rate); // a slope exists from two points
    QCOMPARE(lossTrend({{10, 0.5}}, LossThresholds {}).rate, std::nullopt);
    QCOMPARE(lossTrend({}, LossThresholds {}).verdict, Verdict::TooFewPoints);
}

void TestLossStatistics::thresholdsDecideBetweenStalledAndConverging()
{
    // 2 % better over the window: converging at a 1 % threshold, stalled at 5 %.
    ConvergenceSeries points;
    for (int i = 1; i <= 5; ++i)
        points.append({double(i * 10), 1.0 - 0.005 * (i - 1)});
    QCOMPARE(lossTrend(points, LossThresholds {5, 0.01}).verdict, Verdict::Converging);
    QCOMPARE(lossTrend(points, LossThresholds {5, 0.05}).verdict, Verdict::Stalled);
    // Only the last K points count: an early rise does not make a run diverge.
    ConvergenceSeries late {{1, 0.1}, {2, 0.9}};
    for (int i = 3; i <= 7; ++i)
        late.append({double(i), 1.0 / i});
    QCOMPARE(lossTrend(late, LossThresholds {5, 0.01}).verdict, Verdict::Converging);
}

void TestLossStatistics::verdictNamesRoundTrip()
{
    for (const QString &name : allVerdictNames())
        QCOMPARE(verdictName(*verdictFromString(name)), name);
    QCOMPARE(verdictFromString(u"Stalled"_s), std::nullopt);
}

QTEST_GUILESS_MAIN(TestLossStatistics)
#include "tst_lossstatistics.moc"
