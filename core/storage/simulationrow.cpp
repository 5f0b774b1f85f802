#include "simulationrow.h"

#include "sqlsupport.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace aisim {

const QString kSimulationColumns
    = u"simulation_id, name, machine_id, status, creation_date, update_date, "
      "version, attempts, max_attempts, lease_owner, lease_expires_at, "
      "heartbeat_at, started_at, finished_at, error, points_done, parameters, "
      "timeout_seconds, final_loss, best_loss, best_seconds, loss_rate, verdict, "
      "lease_acquired_at"_s;

namespace {
std::optional<double> optionalDouble(const QVariant &value)
{
    return value.isNull() ? std::nullopt : std::optional<double>(value.toDouble());
}
} // namespace

Simulation readSimulation(const QSqlQuery &query)
{
    Simulation s;
    s.id = query.value(0).toLongLong();
    s.name = query.value(1).toString();
    s.machineId = query.value(2).toLongLong();
    s.status = statusFromString(query.value(3).toString()).value_or(SimulationStatus::Failed);
    s.creationDate = sql::fromMs(query.value(4));
    s.updateDate = sql::fromMs(query.value(5));
    s.version = query.value(6).toLongLong();
    s.attempts = query.value(7).toInt();
    s.maxAttempts = query.value(8).toInt();
    s.leaseOwner = query.value(9).toString();
    s.leaseExpiresAt = sql::fromMs(query.value(10));
    s.heartbeatAt = sql::fromMs(query.value(11));
    s.startedAt = sql::fromMs(query.value(12));
    s.finishedAt = sql::fromMs(query.value(13));
    s.error = query.value(14).toString();
    s.pointsDone = query.value(15).toInt();
    QList<FieldError> ignored;
    s.parameters = parseEmulationParameters(
        QJsonDocument::fromJson(query.value(16).toString().toUtf8()).object(), {}, &ignored);
    if (!query.isNull(17))
        s.timeoutSeconds = query.value(17).toInt();
    s.finalLoss = optionalDouble(query.value(18));
    s.bestLoss = optionalDouble(query.value(19));
    s.bestSeconds = optionalDouble(query.value(20));
    s.rate = optionalDouble(query.value(21));
    s.verdict = verdictFromString(query.value(22).toString()).value_or(Verdict::TooFewPoints);
    s.leaseAcquiredAt = sql::fromMs(query.value(23));
    return s;
}

} // namespace aisim
