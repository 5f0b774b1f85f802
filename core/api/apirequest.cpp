#include "apirequest.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
FieldError integerError(const QStringList &location)
{
    return {location, u"value is not a valid integer"_s, u"type_error.integer"_s};
}

FieldError rangeError(const QStringList &location, qint64 minimum, qint64 maximum)
{
    return {location, u"ensure this value is between %1 and %2"_s.arg(minimum).arg(maximum),
            u"value_error.number.not_in_range"_s};
}
} // namespace

ApiRequest::ApiRequest(const QHttpServerRequest &request, QStringList pathArguments, qint64 tokenId)
    : m_request(request)
    , m_pathArguments(std::move(pathArguments))
    , m_query(request.query())
    , m_tokenId(tokenId)
{ }

std::optional<qint64> ApiRequest::pathId(int index, const QString &name, FieldErrors *errors) const
{
    bool ok = false;
    const qint64 id = m_pathArguments.value(index).toLongLong(&ok);
    if (!ok) {
        errors->append(integerError({u"path"_s, name}));
        return std::nullopt;
    }
    // Any whole number is an id here, as for the original's int path parameters: 0 and -1
    // name no run and get 404 from the lookup, not 422.
    return id;
}

bool ApiRequest::mayBeAnsweredFromKept() const
{
    return !m_request.value("Cache-Control"_ba).contains("no-cache");
}

QString ApiRequest::pathArgument(int index) const
{
    return QUrl::fromPercentEncoding(m_pathArguments.value(index).toUtf8());
}

QString ApiRequest::query(const QString &key) const
{
    // A repeated parameter counts with its last value, as in the original.
    const QStringList values = m_query.allQueryItemValues(key, QUrl::FullyDecoded);
    return values.isEmpty() ? QString() : values.last();
}

std::optional<qint64> ApiRequest::queryInt(const QString &key, qint64 minimum, qint64 maximum,
                                           FieldErrors *errors) const
{
    if (!hasQuery(key))
        return std::nullopt;
    bool ok = false;
    const qint64 value = query(key).toLongLong(&ok);
    if (!ok) {
        errors->append(integerError({u"query"_s, key}));
        return std::nullopt;
    }
    if (value < minimum || value > maximum) {
        errors->append(rangeError({u"query"_s, key}, minimum, maximum));
        return std::nullopt;
    }
    return value;
}

std::optional<double> ApiRequest::queryDouble(const QString &key, FieldErrors *errors) const
{
    if (!hasQuery(key))
        return std::nullopt;
    bool ok = false;
    const double value = query(key).toDouble(&ok);
    if (!ok || !std::isfinite(value)) {
        errors->append(
            {{u"query"_s, key}, u"value is not a valid number"_s, u"type_error.float"_s});
        return std::nullopt;
    }
    return value;
}

std::optional<bool> ApiRequest::queryBool(const QString &key, FieldErrors *errors) const
{
    if (!hasQuery(key))
        return std::nullopt;
    const QString value = query(key).toLower();
    if (value == "true"_L1 || value == "1"_L1 || value == "yes"_L1 || value == "on"_L1)
        return true;
    if (value == "false"_L1 || value == "0"_L1 || value == "no"_L1 || value == "off"_L1)
        return false;
    errors->append(
        {{u"query"_s, key}, u"value could not be parsed to a boolean"_s, u"type_error.bool"_s});
    return std::nullopt;
}

std::optional<QJsonObject> ApiRequest::jsonBody(FieldErrors *errors) const
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(m_request.body(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        errors->append({{u"body"_s, QString::number(parseError.offset)},
                        u"JSON decode error: "_s + parseError.errorString(),
                        u"value_error.jsondecode"_s});
        return std::nullopt;
    }
    if (!document.isObject()) {
        errors->append({{u"body"_s}, u"value is not a valid dict"_s, u"type_error.dict"_s});
        return std::nullopt;
    }
    return document.object();
}

bool JsonFields::has(const QString &key) const
{
    const QJsonValue value = m_object.value(key);
    return !value.isUndefined() && !value.isNull();
}

void JsonFields::missing(const QString &key) const
{
    m_errors->append({location(key), u"field required"_s, u"value_error.missing"_s});
}

std::optional<qint64> JsonFields::integer(const QString &key, bool required, qint64 minimum,
                                          qint64 maximum) const
{
    if (!has(key)) {
        if (required)
            missing(key);
        return std::nullopt;
    }
    const QJsonValue value = m_object.value(key);
    const double number = value.toDouble(std::nan(""));
    // Integers arrive as JSON numbers; 2^53 is where doubles stop being exact.
    if (!value.isDouble() || std::floor(number) != number || std::fabs(number) > 9.007e15) {
        m_errors->append(integerError(location(key)));
        return std::nullopt;
    }
    const auto integer = static_cast<qint64>(number);
    if (integer < minimum || integer > maximum) {
        m_errors->append(rangeError(location(key), minimum, maximum));
        return std::nullopt;
    }
    return integer;
}

std::optional<QString> JsonFields::string(const QString &key, bool required, int maxLength) const
{
    if (!has(key)) {
        if (required)
            missing(key);
        return std::nullopt;
    }
    const QJsonValue value = m_object.value(key);
    if (!value.isString()) {
        m_errors->append({location(key), u"str type expected"_s, u"type_error.str"_s});
        return std::nullopt;
    }
    const QString text = value.toString();
    if (text.trimmed().isEmpty()) {
        m_errors->append({location(key), u"ensure this value has at least 1 non-blank character"_s,
                          u"value_error.any_str.min_length"_s});
        return std::nullopt;
    }
    if (text.size() > maxLength) {
        m_errors->append({location(key),
                          u"ensure this value has at most %1 characters"_s.arg(maxLength),
                          u"value_error.any_str.max_length"_s});
        return std::nullopt;
    }
    return text;
}

std::optional<QJsonObject> JsonFields::object(const QString &key) const
{
    if (!has(key))
        return std::nullopt;
    const QJsonValue value = m_object.value(key);
    if (!value.isObject()) {
        m_errors->append({location(key), u"value is not a valid dict"_s, u"type_error.dict"_s});
        return std::nullopt;
    }
    return value.toObject();
}

} // namespace aisim::api
