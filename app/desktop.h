#pragma once

namespace aisim {

struct CommandLine;

// `aisim` without a command: the main window over the runtime, until the window closes.
int runDesktop(const CommandLine &options);

} // namespace aisim
