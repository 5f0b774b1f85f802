#pragma once

#include <QString>

namespace aisim {

// What names sort by: the name with case folded (in every script) and each run of digits
// padded with zeros to twenty digits, so that a plain comparison puts "Burst-4" before
// "burst-39" before "BURST-100".
QString naturalSortKey(const QString &name);

} // namespace aisim
