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
        double noise;
    } runs[] = {
        {u"Baseline", 101, u"seed", 10, 1000, 0},
        {u"Learning rate 3e-4", 102, u"exponential", 60, 250, 0},
        {u"Wide network", 103, u"power", 120, 200, 0.03},
        {u"Long schedule", 101, u"seed", 400, 100, 0},
        {u"Frozen encoder", 102, u"plateau", 80, 150, 0.01},
        {u"Learning rate 1e-2", 103, u"diverge", 60, 250, 0.02},
    };
    for (const auto &run : runs) {
        NewSimulation simulation;
        simulation.name = QString::fromUtf16(run.name);
        simulation.machineId = run.machine;
        simulation.parameters.curve = QString::fromUtf16(run.curve);
        simulation.parameters.points = run.points;
        simulation.parameters.paceMs = run.paceMs;
        simulation.parameters.noise = run.noise;
        simulation.parameters.seed = 7;
        service.create(simulation);
    }
}

} // namespace aisim
