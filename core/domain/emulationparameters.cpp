#include "emulationparameters.h"

#include <QJsonValue>

#include <cmath>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {

double roundTo3(double value)
{
    return std::round(value * 1000.0) / 1000.0;
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
    return {u"seed"_s, u"exponential"_s, u"power"_s};
}

double EmulationParameters::lossAt(double seconds) const
{
    double loss = 0;
    if (curve == "exponential"_L1)
        loss = 0.02 + 0.08 * std::exp(-seconds / 30.0);
    else if (curve == "power"_L1)
        loss = 0.5 / std::sqrt(seconds + 1.0);
    else
        loss = 0.1 / std::log(seconds + 1.0);
    return roundTo3(loss);
}

QJsonObject EmulationParameters::toJson() const
{
    QJsonObject json {{u"points"_s, points},
                      {u"step_seconds"_s, stepSeconds},
                      {u"pace_ms"_s, paceMs},
                      {u"curve"_s, curve}};
    if (failAtPoint)
        json.insert(u"fail_at_point"_s, *failAtPoint);
    return json;
}

bool EmulationParameters::isDefault() const
{
    return *this == EmulationParameters {};
}

bool operator==(const EmulationParameters &a, const EmulationParameters &b)
{
    return a.points == b.points && a.stepSeconds == b.stepSeconds && a.paceMs == b.paceMs
        && a.curve == b.curve && a.failAtPoint == b.failAtPoint;
}

EmulationParameters parseEmulationParameters(const QJsonObject &json, const QStringList &location,
                                             QList<FieldError> *errors)
{
    EmulationParameters params;
    static const QStringList known {u"points"_s, u"step_seconds"_s, u"pace_ms"_s, u"curve"_s,
                                    u"fail_at_point"_s};
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
