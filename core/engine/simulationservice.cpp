#include "simulationservice.h"

#include "database.h"
#include "engine.h"
#include "eventhub.h"
#include "logging.h"
#include "machinerepository.h"
#include "sqlsupport.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
constexpr int kMaxNameLength = 200;

Status validateName(const QString &name, const QString &what)
{
    if (name.trimmed().isEmpty())
        return Error::invalid(what + u" name must not be empty"_s);
    if (name.size() > kMaxNameLength)
        return Error::invalid(what + u" name must be at most %1 characters"_s.arg(kMaxNameLength));
    return success();
}
// "run" → "run (copy)" → "run (copy 2)" …, kept within the name limit.
QString copyName(const QString &name)
{
    static const QRegularExpression copied(u"^(.*) \\(copy(?: (\\d+))?\\)$"_s);
    QString base = name;
    int number = 1;
    if (const QRegularExpressionMatch match = copied.match(name); match.hasMatch()) {
        base = match.captured(1);
        number = match.captured(2).isEmpty() ? 2 : match.captured(2).toInt() + 1;
    }
    const QString suffix = number == 1 ? u" (copy)"_s : u" (copy %1)"_s.arg(number);
    return base.left(kMaxNameLength - suffix.size()) + suffix;
}

} // namespace

SimulationService::SimulationService(Database &database, EventHub &events, Engine *engine)
    : m_database(database)
    , m_events(events)
    , m_engine(engine)
{ }

Result<Simulation> SimulationService::create(const NewSimulation &simulation,
                                             const std::optional<QString> &newMachineName)
{
    if (const Status valid = validateName(simulation.name, u"simulation"_s); !valid)
        return valid.error();
    MachineRepository machines(m_database);
    sql::Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.beginError();
    bool machineCreated = false;
    const Result<Machine> machine = machines.get(simulation.machineId);
    if (!machine) {
        if (machine.error().kind != Error::Kind::NotFound)
            return machine.error();
        if (!newMachineName)
            return Error::invalid(u"Machine %1 does not exist; send a \"machine\" object to "
                                  "register it"_s.arg(simulation.machineId));
        if (const Status valid = validateName(*newMachineName, u"machine"_s); !valid)
            return valid.error();
        Result<Machine> created = machines.create(simulation.machineId, *newMachineName);
        if (!created)
            return created.error();
        machineCreated = true;
    }
    Result<Simulation> created = SimulationRepository(m_database).create(simulation);
    if (!created)
        return created;
    if (const Status committed = transaction.commit(); !committed)
        return committed.error();
    qCInfo(lcEngine) << "simulation" << created->id << "created on machine" << created->machineId;
    if (machineCreated)
        Q_EMIT m_events.machinesChanged();
    Q_EMIT m_events.simulationChanged(created->id, created->status);
    if (m_engine)
        m_engine->wake();
    return created;
}

Result<Simulation> SimulationService::cancel(qint64 id)
{
    Result<Simulation> cancelled = SimulationRepository(m_database).cancel(id);
    if (!cancelled)
        return cancelled;
    if (m_engine)
        m_engine->interrupt(id);
    Q_EMIT m_events.simulationChanged(id, cancelled->status);
    return cancelled;
}

Result<Simulation> SimulationService::retry(qint64 id)
{
    Result<Simulation> retried = SimulationRepository(m_database).retry(id);
    if (!retried)
        return retried;
    Q_EMIT m_events.simulationChanged(id, retried->status);
    if (m_engine)
        m_engine->wake();
    return retried;
}

Result<Simulation> SimulationService::duplicate(qint64 id)
{
    Result<Simulation> original = SimulationRepository(m_database).get(id);
    if (!original)
        return original;
    NewSimulation copy;
    copy.name = copyName(original->name);
    copy.machineId = original->machineId;
    copy.parameters = original->parameters;
    copy.maxAttempts = original->maxAttempts;
    copy.timeoutSeconds = original->timeoutSeconds;
    return create(copy);
}

Status SimulationService::remove(qint64 id)
{
    Status removed = SimulationRepository(m_database).remove(id);
    if (removed)
        Q_EMIT m_events.simulationRemoved(id);
    return removed;
}

Result<Machine> SimulationService::createMachine(std::optional<qint64> id, const QString &name)
{
    if (const Status valid = validateName(name, u"machine"_s); !valid)
        return valid.error();
    if (id && *id <= 0)
        return Error::invalid(u"machine_id must be a positive integer"_s);
    Result<Machine> created = MachineRepository(m_database).create(id, name.trimmed());
    if (created)
        Q_EMIT m_events.machinesChanged();
    return created;
}

Result<Machine> SimulationService::renameMachine(qint64 id, const QString &name)
{
    if (const Status valid = validateName(name, u"machine"_s); !valid)
        return valid.error();
    Result<Machine> renamed = MachineRepository(m_database).rename(id, name.trimmed());
    if (renamed)
        Q_EMIT m_events.machinesChanged();
    return renamed;
}

Status SimulationService::removeMachine(qint64 id, RunsOnRemoval runs, qint64 moveTo)
{
    if (runs == RunsOnRemoval::Move && moveTo == id)
        return Error::invalid(u"the runs must move to another machine"_s);
    MachineRepository machines(m_database);
    // The runs and the machine go together, or nothing changes.
    sql::Transaction transaction(m_database);
    if (!transaction.isActive())
        return transaction.beginError();
    QList<qint64> deleted;
    if (runs == RunsOnRemoval::Move) {
        if (const Result<int> moved = machines.moveSimulations(id, moveTo); !moved)
            return moved.error();
    } else if (runs == RunsOnRemoval::Delete) {
        Result<QList<qint64>> removed = machines.removeSimulations(id);
        if (!removed)
            return removed.error();
        deleted = removed.value();
    }
    if (const Status removed = machines.remove(id); !removed)
        return removed;
    if (const Status committed = transaction.commit(); !committed)
        return committed;
    for (const qint64 simulation : std::as_const(deleted))
        Q_EMIT m_events.simulationRemoved(simulation);
    Q_EMIT m_events.machinesChanged();
    return success();
}

} // namespace aisim
