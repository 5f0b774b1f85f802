#include "simulationbytes.h"

#include "timestamp.h"

#include <charconv>
#include <cstring>

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
// Each row is written through a cursor into room made once for it: appending piece by piece
// (a dozen QByteArray::append calls a row) cost more than reading the row.
char *writeLiteral(char *at, const char *text, size_t length)
{
    std::memcpy(at, text, length);
    return at + length;
}

template<size_t N> char *writeLiteral(char *at, const char (&text)[N])
{
    return writeLiteral(at, text, N - 1);
}

char *writeInteger(char *at, qint64 value)
{
    return std::to_chars(at, at + 20, value).ptr;
}

// A stored status as statusName() writes it; an unknown one reads as failed, as it does when
// a Simulation is read.
char *writeStatus(char *at, const QString &status)
{
    for (const char *name : {"pending", "running", "finished", "failed", "cancelled"}) {
        const size_t length = std::strlen(name);
        if (status == QLatin1StringView(name, qsizetype(length)))
            return writeLiteral(at, name, length);
    }
    return writeLiteral(at, "failed");
}

// The string as appendJsonString() writes it, quotes included; needs 6 bytes a UTF-16 unit
// and 2 more at most.
char *writeJsonString(char *at, QStringView text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    *at++ = '"';
    bool plainAscii = true;
    for (const QChar c : text) {
        const char16_t unit = c.unicode();
        if (unit < 0x20 || unit >= 0x80 || unit == u'"' || unit == u'\\') {
            plainAscii = false;
            break;
        }
    }
    if (plainAscii) {
        for (const QChar c : text)
            *at++ = char(c.unicode());
        *at++ = '"';
        return at;
    }
    const QByteArray utf8 = text.toUtf8();
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        const char *escape = nullptr;
        switch (c) {
        case '"':
            escape = "\\\"";
            break;
        case '\\':
            escape = "\\\\";
            break;
        case '\b':
            escape = "\\b";
            break;
        case '\f':
            escape = "\\f";
            break;
        case '\n':
            escape = "\\n";
            break;
        case '\r':
            escape = "\\r";
            break;
        case '\t':
            escape = "\\t";
            break;
        default:
            break;
        }
        if (escape) {
            *at++ = escape[0];
            *at++ = escape[1];
        } else if (byte < 0x20) {
            at = writeLiteral(at, "\\u00");
            *at++ = kHex[byte >> 4];
            *at++ = kHex[byte & 0xf];
        } else {
            *at++ = c;
        }
    }
    *at++ = '"';
    return at;
}
} // namespace

void appendSimulationSummary(QByteArray &out, const SimulationSummary &summary)
{
    // The longest row this can be: the fixed text, two 20-digit ids, two dates, a status and
    // the name escaped at 6 bytes a unit.
    const qsizetype room = 160 + 2 * kTimestampLength + 6 * summary.name.size();
    const qsizetype start = out.size();
    if (out.capacity() < start + room)
        out.reserve(std::max(2 * out.capacity(), start + room));
    out.resize(start + room);
    char *const begin = out.data() + start;
    char *at = begin;
    at = writeLiteral(at, "{\"simulation_id\":");
    at = writeInteger(at, summary.id);
    at = writeLiteral(at, ",\"name\":");
    at = writeJsonString(at, summary.name);
    at = writeLiteral(at, ",\"machine_id\":");
    at = writeInteger(at, summary.machineId);
    at = writeLiteral(at, ",\"status\":\"");
    at = writeStatus(at, summary.status);
    at = writeLiteral(at, "\",\"creation_date\":\"");
    at = writeTimestamp(at, summary.creationMs);
    at = writeLiteral(at, "\",\"update_date\":\"");
    at = writeTimestamp(at, summary.updateMs);
    at = writeLiteral(at, "\"}");
    out.resize(start + (at - begin));
}

QByteArray simulationSummaryBytes(const SimulationSummary &summary)
{
    QByteArray out;
    appendSimulationSummary(out, summary);
    return out;
}

} // namespace aisim::api
