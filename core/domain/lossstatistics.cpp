#include "lossstatistics.h"

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace aisim {

QString verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Converging:
        return u"converging"_s;
    case Verdict::Stalled:
        return u"stalled"_s;
    case Verdict::Diverging:
        return u"diverging"_s;
    case Verdict::TooFewPoints:
        break;
    }
    return u"too_few_points"_s;
}

std::optional<Verdict> verdictFromString(const QString &text)
{
    for (const Verdict verdict :
         {Verdict::Converging, Verdict::Stalled, Verdict::Diverging, Verdict::TooFewPoints}) {
        if (verdictName(verdict) == text)
            return verdict;
    }
    return std::nullopt;
}

QStringList allVerdictNames()
{
    return {verdictName(Verdict::Converging), verdictName(Verdict::Stalled),
            verdictName(Verdict::Diverging), verdictName(Verdict::TooFewPoints)};
}

LossTrend lossTrend(const ConvergenceSeries &lastPoints, const LossThresholds &thresholds)
{
    const qsizetype first = std::max<qsizetype>(0, lastPoints.size() - thresholds.points);
    double sumX = 0, sumY = 0, sumXX = 0, sumXY = 0;
    int n = 0;
    double firstX = 0, lastX = 0;
    for (qsizetype i = first; i < lastPoints.size(); ++i) {
        const ConvergencePoint &point = lastPoints.at(i);
        if (!(point.loss > 0) || !(point.seconds > 0) || !std::isfinite(point.loss))
            continue;
        const double x = std::log(point.seconds);
        const double y = std::log(point.loss);
        if (n == 0)
            firstX = x;
        lastX = x;
        sumX += x;
        sumY += y;
        sumXX += x * x;
        sumXY += x * y;
        ++n;
    }
    LossTrend trend;
    const double spread = n * sumXX - sumX * sumX;
    if (n < 2 || !(spread > 0))
        return trend;
    trend.rate = (n * sumXY - sumX * sumY) / spread;
    if (n < thresholds.points)
        return trend;
    // The fitted loss at the last point relative to the fitted loss at the first.
    const double improvement = 1.0 - std::exp(*trend.rate * (lastX - firstX));
    if (improvement < -thresholds.stallThreshold)
        trend.verdict = Verdict::Diverging;
    else if (improvement < thresholds.stallThreshold)
        trend.verdict = Verdict::Stalled;
    else
        trend.verdict = Verdict::Converging;
    return trend;
}

} // namespace aisim
