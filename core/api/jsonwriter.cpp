#include "jsonwriter.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QVariant>

#include <algorithm>
#include <charconv>
#include <cmath>

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
// The key orders of the original service's models. An object takes the first order whose
// leading key it has: its keys in that order, then the others alphabetically.
const QList<QStringList> &keyOrders()
{
    static const QList<QStringList> orders {
        {u"simulation_id"_s, u"name"_s, u"machine_id"_s, u"status"_s, u"creation_date"_s,
         u"update_date"_s},
        {u"machine_id"_s, u"name"_s},
        {u"id"_s, u"status"_s, u"seconds"_s, u"loss"_s},
        {u"seconds"_s, u"loss"_s},
    };
    return orders;
}

// The order for object, or null when none of the original's models matches.
const QStringList *keyOrderFor(const QJsonObject &object)
{
    for (const QStringList &order : keyOrders()) {
        if (object.contains(order.constFirst()))
            return &order;
    }
    return nullptr;
}

void appendString(QByteArray &out, const QString &text)
{
    appendJsonString(out, text);
}

void appendNumber(QByteArray &out, const QJsonValue &value)
{
    // Integral values below 1e15 print alike as integers and as doubles: skip the type test.
    const double number = value.toDouble();
    const bool smallIntegral = number == std::trunc(number) && std::fabs(number) < 1e15;
    if (!smallIntegral && value.toVariant().typeId() == QMetaType::LongLong) {
        out += QByteArray::number(value.toInteger());
        return;
    }
    appendJsonDouble(out, number);
}
} // namespace

void appendJsonString(QByteArray &out, QStringView text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    // Most strings are plain ASCII: copied as they are, without a UTF-8 copy first.
    const auto plainAscii = [](QChar c) {
        return c.unicode() >= 0x20 && c.unicode() < 0x80 && c != u'"' && c != u'\\';
    };
    if (std::all_of(text.begin(), text.end(), plainAscii)) {
        const qsizetype start = out.size();
        out.resize(start + text.size());
        char *at = out.data() + start;
        for (const QChar c : text)
            *at++ = char(c.unicode());
        out += '"';
        return;
    }
    const QByteArray utf8 = text.toUtf8();
    const auto plain
        = [](char c) { return static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\'; };
    if (std::all_of(utf8.begin(), utf8.end(), plain)) {
        out += utf8;
        out += '"';
        return;
    }
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (byte < 0x20) {
                out += "\\u00";
                out += kHex[byte >> 4];
                out += kHex[byte & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

void appendJson(QByteArray &out, const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out += "null";
        break;
    case QJsonValue::Bool:
        out += value.toBool() ? "true" : "false";
        break;
    case QJsonValue::Double:
        appendNumber(out, value);
        break;
    case QJsonValue::String:
        appendString(out, value.toString());
        break;
    case QJsonValue::Array: {
        out += '[';
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (i > 0)
                out += ',';
            appendJson(out, array.at(i));
        }
        out += ']';
        break;
    }
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        const QStringList *order = keyOrderFor(object);
        bool first = true;
        const auto appendMember = [&out, &first](const QString &key, const QJsonValue &member) {
            out += first ? "{" : ",";
            first = false;
            appendString(out, key);
            out += ':';
            appendJson(out, member);
        };
        if (order) {
            for (const QString &key : *order) {
                if (const auto found = object.constFind(key); found != object.constEnd())
                    appendMember(key, found.value());
            }
        }
        // A QJsonObject iterates its keys sorted.
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            if (!order || !order->contains(it.key()))
                appendMember(it.key(), it.value());
        }
        out += first ? "{}" : "}";
        break;
    }
    }
}

void appendJsonInteger(QByteArray &out, qint64 value)
{
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end - digits);
}

void appendJsonDouble(QByteArray &out, double value, const char *notFinite)
{
    if (!std::isfinite(value)) {
        out += notFinite;
        return;
    }
    // In an array or an object QJsonValue keeps an integral double that fits a qint64 as an
    // integer, and QJsonDocument writes it so.
    if (value == std::trunc(value) && std::fabs(value) < 0x1p53) {
        appendJsonInteger(out, qint64(value));
        return;
    }
    // QByteArray::number(value, 'g', QLocale::FloatingPointShortest), as QJsonDocument writes a
    // double: the shortest digits that read back the same, in whichever of the decimal and the
    // exponent form (two exponent digits at least) is shorter, by QLocale's rule for ties.
    char scientific[32];
    const char *const begin = scientific;
    const char *end = std::to_chars(scientific, scientific + sizeof scientific, value,
                                    std::chars_format::scientific)
                          .ptr;
    const char *e = std::find(begin, end, 'e');
    char digits[20]; // the significant digits alone
    const char *digitsEnd
        = std::copy_if(begin, e, digits, [](char c) { return c >= '0' && c <= '9'; });
    const QByteArrayView significant(digits, digitsEnd - digits);
    const auto digitCount = int(significant.size());
    int exponent = 0;
    std::from_chars(e + (e[1] == '+' ? 2 : 1), end, exponent);
    const int decpt = exponent + 1; // where the point goes in the digits
    int bias = 4; // "e", the sign and two digits
    if (digitCount <= decpt && digitCount > 1)
        ++bias; // the decimal form has no point, the exponent form has one
    else if (digitCount == 1 && decpt <= 0)
        --bias; // the other way round
    const bool decimal = decpt <= 0 ? 1 - decpt <= bias
        : decpt <= digitCount       ? 0 <= bias
                                    : decpt <= digitCount + bias;
    if (!decimal) {
        out.append(scientific, end - scientific);
        return;
    }
    // The digits, zeros to fill up to the point or from it, the point between them if need be
    // (at most bias zeros: a few dozen characters in all).
    char text[64];
    char *at = text;
    if (value < 0)
        *at++ = '-';
    if (decpt <= 0) {
        at = std::fill_n(std::copy_n("0.", 2, at), -decpt, '0');
        at = std::copy(significant.begin(), significant.end(), at);
    } else if (decpt >= digitCount) {
        at = std::copy(significant.begin(), significant.end(), at);
        at = std::fill_n(at, decpt - digitCount, '0');
    } else {
        at = std::copy_n(significant.begin(), decpt, at);
        *at++ = '.';
        at = std::copy(significant.begin() + decpt, significant.end(), at);
    }
    out.append(text, at - text);
}

QByteArray toJsonBytes(const QJsonValue &value)
{
    QByteArray out;
    appendJson(out, value);
    return out;
}

} // namespace aisim::api
