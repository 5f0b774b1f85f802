#pragma once

namespace aisim {

class SimulationService;

// Fills an empty database with a few machines and runs, for a first look and screenshots.
void seedDemoData(SimulationService &service);

} // namespace aisim
