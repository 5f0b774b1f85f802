#include "demo.h"

#include "machinerepository.h"
#include "simulationservice.h"

using namespace Qt::StringLiterals;

namespace aisim {

void seedDemoData(SimulationService &service)
{
    const auto machines = MachineRepository(service.database()).list();
    if (!machines || !machines->isEmpty())
        return;
    service.createMachine(101, u"Machine A"_s);
    service.createMachine(102, u"Machine B"_s);
    service.createMachine(103, u"GPU node"_s);
    const struct
    {
        const char16_t *name;
        qint64 machine;
        const char16_t *curve;
        int points;
        int paceMs;
    } runs[] = {
        {u"Baseline", 101, u"seed", 10, 1000},
        {u"Learning rate 3e-4", 102, u"exponential", 60, 250},
        {u"Wide network", 103, u"power", 120, 200},
        {u"Long schedule", 101, u"seed", 400, 100},
    };
    for (const auto &run : runs) {
        NewSimulation simulation;
        simulation.name = QString::fromUtf16(run.name);
        simulation.machineId = run.machine;
        simulation.parameters.curve = QString::fromUtf16(run.curve);
        simulation.parameters.points = run.points;
        simulation.parameters.paceMs = run.paceMs;
        service.create(simulation);
    }
}

} // namespace aisim
