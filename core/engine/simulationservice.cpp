#include "simulationservice.h"

#include "database.h"
#include "engine.h"
#include "eventhub.h"
#include "logging.h"
#include "machinerepository.h"
#include "sqlsupport.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <optional>

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
    return create(QList<Creation> {{simulation, newMachineName}}).constFirst();
}

QList<Result<Simulation>> SimulationService::create(const QList<Creation> &creations)
{
    QList<Result<Simulation>> results;
    results.reserve(creations.size());
    QList<qsizetype> toWrite; // the indexes of the runs whose names pass
    for (qsizetype i = 0; i < creations.size(); ++i) {
        if (const Status named = validateName(creations.at(i).simulation.name, u"simulation"_s);
            !named) {
            results.append(named.error());
        } else {
            results.append(Error::internal(u"not created"_s)); // until written
            toWrite.append(i);
        }
    }
    if (toWrite.isEmpty())
        return results;
    // Written in machine order, so that writers on several connections take the rows of the
    // machines and their counters in one order and do not deadlock over them.
    std::stable_sort(toWrite.begin(), toWrite.end(), [&creations](qsizetype a, qsizetype b) {
        return creations.at(a).simulation.machineId < creations.at(b).simulation.machineId;
    });
    // First all runs in one INSERT, without a savepoint for each (two more statements, round
    // trips on PostgreSQL, per run): a run refused before it writes (a machine unknown) leaves
    // nothing to undo, but a statement that fails (an id taken) undoes the whole transaction,
    // which is then written again run by run with savepoints, so that only the run at fault is
    // refused. A run alone needs none: its transaction undoes it. A transaction the database
    // aborted (a deadlock that the order above does not rule out: a machine registered by one
    // writer while another holds an id the first takes) is written again.
    bool machinesCreated = false;
    Written written = Written::Aborted;
    for (int attempt = 0; written == Written::Aborted && attempt <= kAbortedRetries; ++attempt) {
        written = writeRuns(creations, toWrite, false, results, &machinesCreated);
        if (written == Written::NeedsSavepoints)
            written = writeRuns(creations, toWrite, true, results, &machinesCreated);
    }
    if (written != Written::Committed)
        return results;
    if (machinesCreated)
        Q_EMIT m_events.machinesChanged();
    bool created = false;
    for (const Result<Simulation> &result : std::as_const(results)) {
        if (!result)
            continue;
        qCInfo(lcEngine) << "simulation" << result->id << "created on machine" << result->machineId;
        Q_EMIT m_events.simulationChanged(result->id, result->status);
        created = true;
    }
    if (created && m_engine)
        m_engine->wake();
    return results;
}

SimulationService::Written SimulationService::writeRuns(const QList<Creation> &creations,
                                                        const QList<qsizetype> &toWrite,
                                                        bool savepoints,
                                                        QList<Result<Simulation>> &results,
                                                        bool *machinesCreated)
{
    *machinesCreated = false;
    // An error that stops the transaction: every run written so far, and every run from the
    // from-th on, is not created.
    const auto failFrom = [&](qsizetype from, const Error &error) {
        for (qsizetype k = 0; k < toWrite.size(); ++k) {
            Result<Simulation> &result = results[toWrite.at(k)];
            if (k >= from || result)
                result = error;
        }
        return error.aborted ? Written::Aborted : Written::Failed;
    };
    sql::Transaction transaction(m_database);
    if (!transaction.isActive())
        return failFrom(0, transaction.beginError());
    QSet<qint64> knownMachines; // found or created in this transaction
    const bool oneByOne = savepoints || toWrite.size() == 1;
    if (!oneByOne) {
        // The machines first, then every run in one statement.
        QList<qsizetype> accepted;
        QList<NewSimulation> runs;
        for (const qsizetype index : toWrite) {
            const Creation &creation = creations.at(index);
            bool machineCreated = false;
            bool untouched = false;
            const Status machine
                = ensureMachine(creation, knownMachines, &machineCreated, &untouched);
            if (!machine && machine.error().aborted)
                return failFrom(0, machine.error());
            if (!machine && !untouched)
                return Written::NeedsSavepoints;
            if (!machine) {
                results[index] = machine.error();
                continue;
            }
            knownMachines.insert(creation.simulation.machineId);
            *machinesCreated = *machinesCreated || machineCreated;
            accepted << index;
            runs << creation.simulation;
        }
        const Result<QList<Simulation>> created = SimulationRepository(m_database).create(runs);
        if (!created && created.error().aborted)
            return failFrom(0, created.error());
        if (!created)
            return Written::NeedsSavepoints; // each run again, to learn which one failed
        for (qsizetype i = 0; i < accepted.size(); ++i)
            results[accepted.at(i)] = created->at(i);
    }
    for (qsizetype k = 0; oneByOne && k < toWrite.size(); ++k) {
        std::optional<sql::Savepoint> savepoint;
        if (savepoints) {
            savepoint.emplace(m_database);
            if (!savepoint->isActive())
                return failFrom(k, savepoint->beginError());
        }
        const Creation &creation = creations.at(toWrite.at(k));
        bool machineCreated = false;
        bool untouched = false;
        Result<Simulation> &result = results[toWrite.at(k)];
        const Status machine = ensureMachine(creation, knownMachines, &machineCreated, &untouched);
        result = machine ? SimulationRepository(m_database).create(creation.simulation)
                         : Result<Simulation>(machine.error());
        if (!result && result.error().aborted)
            return failFrom(k, result.error()); // the whole transaction is undone
        if (!result && !savepoints)
            return Written::Failed; // alone: the transaction undoes it
        if (!result)
            continue; // undone to the savepoint
        if (savepoint) {
            if (const Status released = savepoint->release(); !released)
                return failFrom(k, released.error());
        }
        knownMachines.insert(creation.simulation.machineId);
        *machinesCreated = *machinesCreated || machineCreated;
    }
    if (const Status committed = transaction.commit(); !committed)
        return failFrom(toWrite.size(), committed.error());
    return Written::Committed;
}

Status SimulationService::ensureMachine(const Creation &creation, const QSet<qint64> &knownMachines,
                                        bool *machineCreated, bool *untouched)
{
    const qint64 machineId = creation.simulation.machineId;
    if (knownMachines.contains(machineId))
        return success();
    MachineRepository machines(m_database);
    const Result<Machine> machine = machines.get(machineId);
    if (machine)
        return success();
    if (machine.error().kind != Error::Kind::NotFound)
        return machine.error();
    *untouched = true;
    if (!creation.newMachineName)
        return Error::invalid(u"Machine %1 does not exist; send a \"machine\" object to "
                              "register it"_s.arg(machineId));
    if (const Status valid = validateName(*creation.newMachineName, u"machine"_s); !valid)
        return valid.error();
    *untouched = false;
    Result<Machine> created = machines.create(machineId, *creation.newMachineName);
    if (!created && created.error().kind == Error::Kind::Conflict) {
        // Another writer registered it since it was looked for: written again, the run finds
        // it (PostgreSQL has ended this transaction already).
        return Error::abortedTransaction(u"machine %1 was registered meanwhile"_s.arg(machineId));
    }
    if (!created)
        return created.error();
    *machineCreated = true;
    return success();
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
