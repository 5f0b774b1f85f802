#pragma once

#include "convergencepoint.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace aisim {

// What the last points of a run say about it.
enum class Verdict { Converging, Stalled, Diverging, TooFewPoints };

QString verdictName(Verdict verdict);
std::optional<Verdict> verdictFromString(const QString &text);
QStringList allVerdictNames();

// How a verdict is reached: over the last `points` points, a run that improves by less than
// `stallThreshold` (relative, 0.01 = 1 %) has stalled; one whose loss rises by more has
// diverged.
struct LossThresholds
{
    static constexpr int kMinPoints = 3;
    static constexpr int kMaxPoints = 1000;
    static constexpr double kMaxStallThreshold = 0.5;

    int points = 5;
    double stallThreshold = 0.01;

    friend bool operator==(const LossThresholds &a, const LossThresholds &b)
    {
        return a.points == b.points && a.stallThreshold == b.stallThreshold;
    }
};

// The rate and verdict of a run from its last points.
struct LossTrend
{
    // Least-squares slope of ln(loss) over ln(seconds) on the last points with loss > 0 and
    // seconds > 0: about -0.5 for a loss falling as 1/sqrt(t), 0 flat, > 0 rising.
    std::optional<double> rate;
    Verdict verdict = Verdict::TooFewPoints;
};

// lastPoints: the run's last points in time order (at most thresholds.points are used). The
// improvement is read from the fitted line, 1 - (t_last / t_first)^rate, so that one noisy
// point does not decide; fewer than thresholds.points usable points give TooFewPoints.
LossTrend lossTrend(const ConvergenceSeries &lastPoints, const LossThresholds &thresholds);

} // namespace aisim
