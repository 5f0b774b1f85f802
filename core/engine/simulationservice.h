#pragma once

#include "machine.h"
#include "result.h"
#include "simulationrepository.h"

#include <QObject>
#include <QSet>

#include <optional>

namespace aisim {

class Database;
class Engine;
class EventHub;

// The operations users perform on simulations and machines, shared by the window and the REST
// API: each one validates, writes, announces the change and wakes the engine. Thread-safe:
// every call uses the calling thread's own database connection.
class SimulationService
{
public:
    SimulationService(Database &database, EventHub &events, Engine *engine = nullptr);

    // Creates a pending run; registers its machine first when newMachineName is given and the
    // machine does not exist yet. Both happen in one transaction or not at all.
    Result<Simulation> create(const NewSimulation &simulation,
                              const std::optional<QString> &newMachineName = std::nullopt);
    // One run to create, as create() takes it.
    struct Creation
    {
        NewSimulation simulation;
        std::optional<QString> newMachineName;
    };
    // Creates several runs in one transaction (one commit for all), each as create() would,
    // and answers for each in order: one refused (an id taken, a machine unknown) changes
    // nothing of its own and does not stop the others; if the commit fails, none is created.
    QList<Result<Simulation>> create(const QList<Creation> &creations);
    Result<Simulation> cancel(qint64 id);
    Result<Simulation> retry(qint64 id);
    Result<Simulation> duplicate(qint64 id);
    Status remove(qint64 id);

    Result<Machine> createMachine(std::optional<qint64> id, const QString &name);
    Result<Machine> renameMachine(qint64 id, const QString &name);
    // What becomes of a machine's runs when it is removed: the removal is refused while it
    // holds any, or they go to another machine first, or they are deleted with their points.
    enum class RunsOnRemoval { Refuse, Move, Delete };
    Status removeMachine(qint64 id, RunsOnRemoval runs = RunsOnRemoval::Refuse, qint64 moveTo = 0);

    EventHub &events() { return m_events; }
    Database &database() { return m_database; }

private:
    enum class Written { Committed, Failed, NeedsSavepoints, Aborted };
    // How many times runs are written again when the database aborts their transaction (a
    // deadlock with another writer): nothing of it was stored.
    static constexpr int kAbortedRetries = 3;
    // The runs at toWrite (indexes into creations) in one transaction: without savepoints,
    // several runs go into one INSERT, and a statement that fails leaves the transaction to be
    // undone (NeedsSavepoints); with them, each run goes alone into a savepoint of its own.
    // A transaction the database aborted is undone whole (Aborted). Each one's outcome goes to
    // results.
    Written writeRuns(const QList<Creation> &creations, const QList<qsizetype> &toWrite,
                      bool savepoints, QList<Result<Simulation>> &results, bool *machinesCreated);
    // The run's machine within the open transaction: looked up unless known, registered when
    // the run names a new one. machineCreated learns of a new machine, untouched of a refusal
    // before any write.
    Status ensureMachine(const Creation &creation, const QSet<qint64> &knownMachines,
                         bool *machineCreated, bool *untouched);

    Database &m_database;
    EventHub &m_events;
    Engine *m_engine;
};

} // namespace aisim
