#include "emulationparameters.h"

#include <QJsonValue>

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {

double roundTo(double value, double scale)
{
    return std::round(value * scale) / scale;
}

// A uniform number in [-1, 1] that depends only on its inputs (SplitMix64 of both).
double deterministicUniform(qint64 seed, double seconds)
{
    quint64 bits = 0;
    static_assert(sizeof(bits) == sizeof(seconds));
    std::memcpy(&bits, &seconds, sizeof(bits));
    quint64 z = bits ^ (quint64(seed) * 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return double(z >> 11) / double(1ULL << 53) * 2.0 - 1.0;
}

// Reads an integer field in [minimum, maximum]; records an error otherwise.
std::optional<int> readInt(const QJsonObject &json, const QString &key, int minimum, int maximum,
                           const QStringList &location, QList<FieldError> *errors)
{
    const QJsonValue value = json.value(key);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    const double number = value.toDouble(std::nan(""));
    if (!value.isDouble() || std::floor(number) != number) {
        errors->append({location + QStringList {key}, u"value is not a valid integer"_s,
                        u"type_error.integer"_s});
        return std::nullopt;
    }
    if (number < minimum || number > maximum) {
        errors->append({location + QStringList {key},
                        u"ensure this value is between %1 and %2"_s.arg(minimum).arg(maximum),
                        u"value_error.number.not_in_range"_s});
        return std::nullopt;
    }
    return static_cast<int>(number);
}

} // namespace

QStringList EmulationParameters::curveNames()
{
    return {u"seed"_s, u"exponential"_s, u"power"_s, u"plateau"_s, u"diverge"_s};
}

double EmulationParameters::lossAt(double seconds) const
{
    double loss = 0;
    if (curve == "exponential"_L1)
        loss = 0.02 + 0.08 * std::exp(-seconds / 30.0);
    else if (curve == "power"_L1)
        loss = 0.5 / std::sqrt(seconds + 1.0);
    else if (curve == "plateau"_L1) // the seed's descent, stalled at 0.03 from about 27 s
        loss = std::max(0.03, 0.1 / std::log(seconds + 1.0));
    else if (curve == "diverge"_L1) // descends, turns near 40 s and rises ever faster
        loss = 0.1 / std::log(seconds + 1.0) * (1.0 + (seconds / 100.0) * (seconds / 100.0));
    else
        loss = 0.1 / std::log(seconds + 1.0);
    if (noise > 0)
        return roundTo(loss * (1.0 + noise * deterministicUniform(seed, seconds)), 1e6);
    return roundTo(loss, 1e3);
}

QJsonObject EmulationParameters::toJson() const
{
    QJsonObject json {{u"points"_s, points},
                      {u"step_seconds"_s, stepSeconds},
                      {u"pace_ms"_s, paceMs},
                      {u"curve"_s, curve}};
    if (failAtPoint)
        json.insert(u"fail_at_point"_s, *failAtPoint);
    if (noise > 0) {
        json.insert(u"noise"_s, noise);
        json.insert(u"seed"_s, seed);
    }
    return json;
}

bool EmulationParameters::isDefault() const
{
    return *this == EmulationParameters {};
}

bool operator==(const EmulationParameters &a, const EmulationParameters &b)
{
    return a.points == b.points && a.stepSeconds == b.stepSeconds && a.paceMs == b.paceMs
        && a.curve == b.curve && a.failAtPoint == b.failAtPoint && a.noise == b.noise
        && a.seed == b.seed;
}

EmulationParameters parseEmulationParameters(const QJsonObject &json, const QStringList &location,
                                             QList<FieldError> *errors)
{
    EmulationParameters params;
    static const QStringList known {u"points"_s,        u"step_seconds"_s, u"pace_ms"_s, u"curve"_s,
                                    u"fail_at_point"_s, u"noise"_s,        u"seed"_s};
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key()))
            errors->append({location + QStringList {it.key()}, u"extra fields not permitted"_s,
                            u"value_error.extra"_s});
    }
    if (const auto points
        = readInt(json, u"points"_s, 1, EmulationParameters::kMaxPoints, location, errors))
        params.points = *points;
    if (const auto pace
        = readInt(json, u"pace_ms"_s, 0, EmulationParameters::kMaxPaceMs, location, errors))
        params.paceMs = *pace;
    if (const auto failAt
        = readInt(json, u"fail_at_point"_s, 1, EmulationParameters::kMaxPoints, location, errors))
        params.failAtPoint = failAt;

    const QJsonValue step = json.value(u"step_seconds"_s);
    if (!step.isUndefined() && !step.isNull()) {
        if (!step.isDouble() || !(step.toDouble() > 0) || !std::isfinite(step.toDouble())
            || step.toDouble() > 1e9) {
            errors->append({location + QStringList {u"step_seconds"_s},
                            u"ensure this value is a number greater than 0 and at most 1e9"_s,
                            u"value_error.number.not_gt"_s});
        } else {
            params.stepSeconds = step.toDouble();
        }
    }
    const QJsonValue noise = json.value(u"noise"_s);
    if (!noise.isUndefined() && !noise.isNull()) {
        if (!noise.isDouble() || !(noise.toDouble() >= 0)
            || noise.toDouble() > EmulationParameters::kMaxNoise) {
            errors->append({location + QStringList {u"noise"_s},
                            u"ensure this value is a number between 0 and %1"_s.arg(
                                EmulationParameters::kMaxNoise),
                            u"value_error.number.not_in_range"_s});
        } else {
            params.noise = noise.toDouble();
        }
    }
    const QJsonValue seed = json.value(u"seed"_s);
    if (!seed.isUndefined() && !seed.isNull()) {
        const double number = seed.toDouble(-1);
        if (!seed.isDouble() || std::floor(number) != number || number < 0
            || number > double(EmulationParameters::kMaxSeed))
            errors->append({location + QStringList {u"seed"_s},
                            u"ensure this value is an integer between 0 and %1"_s.arg(
                                EmulationParameters::kMaxSeed),
                            u"value_error.number.not_in_range"_s});
        else
            params.seed = qint64(number);
    }
    const QJsonValue curve = json.value(u"curve"_s);
    if (!curve.isUndefined() && !curve.isNull()) {
        if (!curve.isString() || !EmulationParameters::curveNames().contains(curve.toString())) {
            errors->append({location + QStringList {u"curve"_s},
                            u"value is not a valid enumeration member; permitted: %1"_s.arg(
                                EmulationParameters::curveNames().join(u", "_s)),
                            u"type_error.enum"_s});
        } else {
            params.curve = curve.toString();
        }
    }
    return params;
}

} // namespace aisim
