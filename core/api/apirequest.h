#pragma once

#include "fielderror.h"

#include <QHttpServerRequest>
#include <QJsonObject>
#include <QUrlQuery>

#include <optional>

namespace aisim::api {

// One request as a controller sees it: its path arguments, query and JSON body, with helpers
// that validate each value and collect the problems FastAPI-style.
class ApiRequest
{
public:
    static constexpr qint64 kMaxBodyBytes = qint64(1024) * 1024;
    // Ids a client can hold exactly in a JSON number (2^53 - 1) are accepted wherever an id is
    // read; ids given at creation stay well below, so that the ids assigned after them do too.
    static constexpr qint64 kMaxId = (qint64(1) << 53) - 1;
    static constexpr qint64 kMaxNewId = 9'000'000'000'000'000;

    // tokenId: the API token the request was authenticated with, 0 when none was needed.
    ApiRequest(const QHttpServerRequest &request, QStringList pathArguments, qint64 tokenId = 0);

    const QHttpServerRequest &http() const { return m_request; }
    QHttpServerRequest::Method method() const { return m_request.method(); }
    QString path() const { return m_request.url().path(); }
    qint64 tokenId() const { return m_tokenId; }
    // Whether an answer kept from before may serve the request: not when the client asks for it
    // to be read again (Cache-Control: no-cache).
    bool mayBeAnsweredFromKept() const;

    // A positive integer path argument named name (for the error location).
    std::optional<qint64> pathId(int index, const QString &name, FieldErrors *errors) const;
    // A path argument as sent, percent-decoded.
    QString pathArgument(int index) const;
    bool hasQuery(const QString &key) const { return m_query.hasQueryItem(key); }
    QString query(const QString &key) const;
    // An integer query value in [minimum, maximum], or fallback when absent.
    std::optional<qint64> queryInt(const QString &key, qint64 minimum, qint64 maximum,
                                   FieldErrors *errors) const;
    std::optional<double> queryDouble(const QString &key, FieldErrors *errors) const;
    std::optional<bool> queryBool(const QString &key, FieldErrors *errors) const;
    // The body as a JSON object; records why not when it is not one.
    std::optional<QJsonObject> jsonBody(FieldErrors *errors) const;

private:
    const QHttpServerRequest &m_request;
    QStringList m_pathArguments;
    QUrlQuery m_query;
    qint64 m_tokenId = 0;
};

// Reads body fields of a JSON object with type checks, collecting errors.
class JsonFields
{
public:
    JsonFields(const QJsonObject &object, QStringList location, FieldErrors *errors)
        : m_object(object)
        , m_location(std::move(location))
        , m_errors(errors)
    { }

    bool has(const QString &key) const;
    std::optional<qint64> integer(const QString &key, bool required, qint64 minimum,
                                  qint64 maximum) const;
    std::optional<QString> string(const QString &key, bool required, int maxLength) const;
    std::optional<QJsonObject> object(const QString &key) const;
    QStringList location(const QString &key) const { return m_location + QStringList {key}; }

private:
    void missing(const QString &key) const;

    const QJsonObject &m_object;
    QStringList m_location;
    FieldErrors *m_errors;
};

} // namespace aisim::api
