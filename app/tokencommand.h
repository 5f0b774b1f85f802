#pragma once

namespace aisim {

struct CommandLine;

// `aisim token create|list|revoke`: manages REST API tokens in the database directly.
// Returns the process exit status.
int runTokenCommand(const CommandLine &options);

} // namespace aisim
