#pragma once

#include "storagefault.h"

#include <QSqlError>

namespace aisim {

// Which storage fault a driver error is, for SQLite (result codes) and PostgreSQL (SQLSTATE
// and libpq's words); StorageFault::None for errors that are not about storage (a bad
// statement, a constraint).
StorageFault classifySqlError(const QSqlError &error, bool postgreSql);

} // namespace aisim
