#pragma once

#include "result.h"

#include <QString>

namespace aisim {

// Says in a sentence what a failed operation means for the user. The database driver's own
// words are not shown (they name sockets and libpq internals): callers log them.
QString describeFailure(const Error &error);

} // namespace aisim
