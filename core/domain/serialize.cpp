#include "serialize.h"

#include <QRegularExpression>
#include <QTimeZone>

using namespace Qt::StringLiterals;

namespace aisim {

QString formatTimestamp(const QDateTime &time)
{
    if (!time.isValid())
        return {};
    // QDateTime keeps milliseconds; the original prints microseconds.
    return time.toUTC().toString(u"yyyy-MM-ddTHH:mm:ss.zzz"_s) + "000"_L1;
}

QDateTime parseTimestamp(const QString &text)
{
    QString trimmed = text.trimmed();
    // Fractions beyond milliseconds are dropped: QDateTime does not hold them.
    static const QRegularExpression fraction(u"\\.(\\d{3})\\d+"_s);
    trimmed.replace(fraction, u".\\1"_s);
    QDateTime time = QDateTime::fromString(trimmed, Qt::ISODateWithMs);
    if (!time.isValid())
        return {};
    if (time.timeSpec() == Qt::LocalTime)
        time.setTimeSpec(Qt::UTC);
    return time.toUTC();
}

QJsonObject simulationToJson(const Simulation &simulation)
{
    return {{u"simulation_id"_s, simulation.id},
            {u"name"_s, simulation.name},
            {u"machine_id"_s, simulation.machineId},
            {u"status"_s, statusName(simulation.status)},
            {u"creation_date"_s, formatTimestamp(simulation.creationDate)},
            {u"update_date"_s, formatTimestamp(simulation.updateDate)}};
}

namespace {
QJsonValue optionalNumber(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue();
}

QJsonValue optionalTimestamp(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(formatTimestamp(time)) : QJsonValue();
}
} // namespace

QJsonObject simulationToDetailedJson(const Simulation &simulation, bool machineOnline)
{
    QJsonObject json = simulationToJson(simulation);
    json.insert(u"progress"_s, simulation.progress());
    json.insert(u"points_done"_s, simulation.pointsDone);
    json.insert(u"attempts"_s, simulation.attempts);
    json.insert(u"max_attempts"_s, simulation.maxAttempts);
    json.insert(u"timeout_seconds"_s,
                simulation.timeoutSeconds ? QJsonValue(*simulation.timeoutSeconds) : QJsonValue());
    json.insert(u"version"_s, simulation.version);
    json.insert(u"error"_s, simulation.error.isEmpty() ? QJsonValue() : simulation.error);
    json.insert(u"started_at"_s,
                simulation.startedAt.isValid() ? QJsonValue(formatTimestamp(simulation.startedAt))
                                               : QJsonValue());
    json.insert(u"finished_at"_s,
                simulation.finishedAt.isValid() ? QJsonValue(formatTimestamp(simulation.finishedAt))
                                                : QJsonValue());
    json.insert(u"parameters"_s, simulation.parameters.toJson());
    json.insert(u"final_loss"_s, optionalNumber(simulation.finalLoss));
    json.insert(u"best_loss"_s, optionalNumber(simulation.bestLoss));
    json.insert(u"best_seconds"_s, optionalNumber(simulation.bestSeconds));
    json.insert(u"rate"_s, optionalNumber(simulation.rate));
    json.insert(u"verdict"_s, verdictName(simulation.verdict));
    QJsonValue lease;
    if (simulation.status == SimulationStatus::Running && !simulation.leaseOwner.isEmpty())
        lease = QJsonObject {{u"worker"_s, simulation.leaseOwner},
                             {u"since"_s, optionalTimestamp(simulation.leaseAcquiredAt)},
                             {u"expires_at"_s, optionalTimestamp(simulation.leaseExpiresAt)},
                             {u"heartbeat_at"_s, optionalTimestamp(simulation.heartbeatAt)}};
    json.insert(u"lease"_s, lease);
    json.insert(u"waits_for_machine"_s,
                simulation.status == SimulationStatus::Pending && !machineOnline
                    ? QJsonValue(simulation.machineId)
                    : QJsonValue());
    return json;
}

QJsonObject machineToJson(const Machine &machine)
{
    return {{u"machine_id"_s, machine.id}, {u"name"_s, machine.name}};
}

QJsonObject convergencePointToJson(const ConvergencePoint &point)
{
    QJsonObject json;
    // Whole seconds print as integers, as in the original answers.
    if (point.seconds == double(qint64(point.seconds)))
        json.insert(u"seconds"_s, qint64(point.seconds));
    else
        json.insert(u"seconds"_s, point.seconds);
    json.insert(u"loss"_s, point.loss);
    return json;
}

QJsonArray convergenceToJson(const ConvergenceSeries &points)
{
    QJsonArray array;
    for (const auto &point : points)
        array.append(convergencePointToJson(point));
    return array;
}

} // namespace aisim
