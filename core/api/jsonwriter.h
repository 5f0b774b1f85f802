#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QStringView>

namespace aisim::api {

// Compact JSON as QJsonDocument writes it, byte for byte, except for the order of object
// keys: the fields of the original service's models come first and in its order
// (simulation_id, name, machine_id, status, creation_date, update_date; seconds, loss), the
// others after them alphabetically. Clients comparing answers with the original's see them
// in the same order.
QByteArray toJsonBytes(const QJsonValue &value);
void appendJson(QByteArray &out, const QJsonValue &value);
// A string as appendJson() writes it, quotes included.
void appendJsonString(QByteArray &out, QStringView text);
// An integer as appendJson() writes one.
void appendJsonInteger(QByteArray &out, qint64 value);
// A double as appendJson() writes one (as QJsonDocument does): an integral value below 1e15 as
// an integer, others in the shortest form that reads back the same ("g" style); notFinite for
// NaN and the infinities (JSON has none).
void appendJsonDouble(QByteArray &out, double value, const char *notFinite = "null");

} // namespace aisim::api
