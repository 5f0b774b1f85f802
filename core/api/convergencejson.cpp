#include "convergencejson.h"

#include "jsonwriter.h"

#include <cmath>

namespace aisim::api {

namespace {
ConvergenceSeries evenlyByIndex(const ConvergenceSeries &points, int maxPoints)
{
    if (points.size() <= maxPoints)
        return points;
    ConvergenceSeries kept;
    kept.reserve(maxPoints);
    if (maxPoints == 1) {
        kept.append(points.constLast());
        return kept;
    }
    const double step = double(points.size() - 1) / double(maxPoints - 1);
    for (int i = 0; i < maxPoints; ++i)
        kept.append(points.at(qsizetype(std::llround(i * step))));
    return kept;
}

} // namespace

ConvergenceSeries thinOnLogAxis(const ConvergenceSeries &points, int maxPoints)
{
    if (maxPoints <= 0 || points.size() <= maxPoints)
        return points;
    double low = INFINITY;
    double high = -INFINITY;
    for (const ConvergencePoint &point : points) {
        if (point.loss > 0) {
            low = std::min(low, std::log10(point.loss));
            high = std::max(high, std::log10(point.loss));
        }
    }
    if (!(high > low) || maxPoints < 3)
        return evenlyByIndex(points, maxPoints);

    // A point is kept when the loss has moved a whole step on the log axis since the last
    // kept one; the last point always stays.
    const double step = (high - low) / double(maxPoints - 1);
    ConvergenceSeries kept;
    kept.append(points.constFirst());
    double lastLog = points.constFirst().loss > 0 ? std::log10(points.constFirst().loss) : low;
    for (qsizetype i = 1; i + 1 < points.size(); ++i) {
        const double loss = points.at(i).loss;
        if (loss <= 0)
            continue;
        const double logLoss = std::log10(loss);
        if (std::fabs(logLoss - lastLog) >= step) {
            kept.append(points.at(i));
            lastLog = logLoss;
        }
    }
    kept.append(points.constLast());
    // A noisy series can cross the same levels many times: cap it by index then.
    return evenlyByIndex(kept, maxPoints);
}

QByteArray convergenceDocument(const ConvergenceSeries &points)
{
    QByteArray out;
    out.reserve(16 + points.size() * 40);
    out += "{\"data\":[";
    for (qsizetype i = 0; i < points.size(); ++i) {
        if (i > 0)
            out += ',';
        // The original's order, as toJsonBytes() writes it: seconds before loss.
        out += "{\"seconds\":";
        appendJsonDouble(out, points.at(i).seconds);
        out += ",\"loss\":";
        appendJsonDouble(out, points.at(i).loss);
        out += '}';
    }
    out += "]}";
    return out;
}

} // namespace aisim::api
