#include "logging.h"

namespace aisim {

Q_LOGGING_CATEGORY(lcStorage, "aisim.storage", QtInfoMsg)
Q_LOGGING_CATEGORY(lcEngine, "aisim.engine", QtInfoMsg)
Q_LOGGING_CATEGORY(lcApi, "aisim.api", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAccess, "aisim.api.access", QtInfoMsg)

} // namespace aisim
