#pragma once

#include <QLoggingCategory>

namespace aisim {

Q_DECLARE_LOGGING_CATEGORY(lcUi)

} // namespace aisim
