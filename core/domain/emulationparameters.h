#pragma once

#include "fielderror.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace aisim {

// How an emulated run behaves. The defaults reproduce the original service exactly:
// ten points at 10, 20 ... 100 seconds, one per second of wall time, loss = 0.1 / ln(s + 1).
struct EmulationParameters
{
    static constexpr int kMaxPoints = 1'000'000;
    static constexpr int kMaxPaceMs = 3'600'000;
    static constexpr double kMaxNoise = 0.5;
    static constexpr qint64 kMaxSeed = 2'147'483'647;

    int points = 10;
    double stepSeconds = 10.0;
    int paceMs = 1000;
    QString curve = QStringLiteral("seed");
    std::optional<int> failAtPoint; // the run fails when it reaches this point (1-based)
    // Each loss is multiplied by 1 + noise * u, u in [-1, 1] drawn from (seed, seconds): the
    // same parameters always give the same points.
    double noise = 0.0;
    qint64 seed = 0;

    static QStringList curveNames();
    // The loss of the curve at the given simulated time, rounded to three decimals like the seed
    // (to six when noisy, so that the noise is not rounded away).
    double lossAt(double seconds) const;

    QJsonObject toJson() const;
    bool isDefault() const;
    friend bool operator==(const EmulationParameters &a, const EmulationParameters &b);
};

// Parses parameters from JSON, collecting every problem rather than stopping at the first.
EmulationParameters parseEmulationParameters(const QJsonObject &json, const QStringList &location,
                                             QList<FieldError> *errors);

} // namespace aisim
