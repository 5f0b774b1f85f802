#include "uilogging.h"

namespace aisim {

Q_LOGGING_CATEGORY(lcUi, "aisim.ui", QtInfoMsg)

} // namespace aisim
