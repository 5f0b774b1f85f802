#include "apiresponse.h"

#include "jsonwriter.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace aisim::api {

QHttpServerResponse jsonResponse(const QJsonValue &value, StatusCode status)
{
    return QHttpServerResponse("application/json"_ba, toJsonBytes(value), status);
}

QHttpServerResponse detailResponse(StatusCode status, const QString &message)
{
    return jsonResponse(QJsonObject {{u"detail"_s, message}}, status);
}

QHttpServerResponse validationResponse(const FieldErrors &errors)
{
    QJsonArray detail;
    for (const FieldError &error : errors) {
        QJsonArray location;
        for (const QString &part : error.location) {
            bool isIndex = false;
            const int index = part.toInt(&isIndex);
            location.append(isIndex ? QJsonValue(index) : QJsonValue(part));
        }
        detail.append(
            QJsonObject {{u"loc"_s, location}, {u"msg"_s, error.message}, {u"type"_s, error.type}});
    }
    return jsonResponse(QJsonObject {{u"detail"_s, detail}}, StatusCode::UnprocessableEntity);
}

StatusCode statusFor(Error::Kind kind)
{
    switch (kind) {
    case Error::Kind::NotFound:
        return StatusCode::NotFound;
    case Error::Kind::Conflict:
        return StatusCode::Conflict;
    case Error::Kind::Invalid:
        return StatusCode::UnprocessableEntity;
    case Error::Kind::Unavailable:
        return StatusCode::ServiceUnavailable;
    case Error::Kind::Internal:
        break;
    }
    return StatusCode::InternalServerError;
}

StatusCode statusFor(StorageFault fault)
{
    return fault == StorageFault::Full ? StatusCode::InsufficientStorage
                                       : StatusCode::ServiceUnavailable;
}

QHttpServerResponse storageFaultResponse(StorageFault fault)
{
    QHttpServerResponse response = detailResponse(statusFor(fault), storageFaultSentence(fault));
    // Space is freed by someone, not by time: a full database names no moment to retry.
    if (fault != StorageFault::Full)
        response.setHeader("Retry-After"_ba, QByteArray::number(kStorageRetryAfterSeconds));
    return response;
}

QHttpServerResponse errorResponse(const Error &error)
{
    // The driver's words (addresses, ports, file names) stay in the log.
    if (error.fault != StorageFault::None)
        return storageFaultResponse(error.fault);
    if (error.kind == Error::Kind::Invalid)
        return validationResponse({{{u"body"_s}, error.message, u"value_error"_s}});
    // Internal details stay in the log; the client learns what kind of failure it was.
    if (error.kind == Error::Kind::Internal)
        return detailResponse(StatusCode::InternalServerError, u"Internal Server Error"_s);
    QHttpServerResponse response = detailResponse(statusFor(error.kind), error.userMessage());
    // Another transaction was in the way (503): the same request may pass at once.
    if (error.aborted)
        response.setHeader("Retry-After"_ba, "1"_ba);
    return response;
}

} // namespace aisim::api
