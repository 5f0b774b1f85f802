#pragma once

#include "fielderror.h"
#include "result.h"

#include <QHttpServerResponse>
#include <QJsonValue>

namespace aisim::api {

using StatusCode = QHttpServerResponse::StatusCode;

// A compact JSON answer.
QHttpServerResponse jsonResponse(const QJsonValue &value, StatusCode status = StatusCode::Ok);
// {"detail": message}, as FastAPI answers an HTTP error.
QHttpServerResponse detailResponse(StatusCode status, const QString &message);
// 422 with {"detail": [{"loc": […], "msg": …, "type": …}, …]}, FastAPI's validation error.
QHttpServerResponse validationResponse(const FieldErrors &errors);
// Maps a core error to its HTTP status, in this one place.
QHttpServerResponse errorResponse(const Error &error);
StatusCode statusFor(Error::Kind kind);
// Storage faults: 507 when the database is full, 503 otherwise.
StatusCode statusFor(StorageFault fault);
// The fault's status, its sentence as the detail and, unless full, Retry-After.
QHttpServerResponse storageFaultResponse(StorageFault fault);
// What Retry-After says while the database is unreachable, read-only or locked.
constexpr int kStorageRetryAfterSeconds = 5;

} // namespace aisim::api
