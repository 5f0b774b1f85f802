#pragma once

#include <QByteArray>

namespace aisim {

// Appends a time stored as milliseconds since the epoch the way the original service prints it
// (2024-03-06T08:02:46.295000, UTC), byte for byte as formatTimestamp() does, without a
// QDateTime: answers of many rows write one for every date.
void appendTimestamp(QByteArray &out, qint64 msSinceEpoch);
// The same 26 characters written at `at`; returns the end.
constexpr int kTimestampLength = 26;
char *writeTimestamp(char *at, qint64 msSinceEpoch);

} // namespace aisim
