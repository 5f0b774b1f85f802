#pragma once

#include "apirequest.h"
#include "apitoken.h"
#include "pendingreply.h"

#include <QHttpServerResponse>

#include <functional>
#include <optional>

namespace aisim::api {

// One operation of the API: a method on a path pattern written as in OpenAPI
// (/simulation/{simulation_id}), the scope it needs (none when public) and its handler.
struct Route
{
    using Handler = std::function<QHttpServerResponse(const ApiRequest &)>;
    // Answers later, or keeps the connection as a stream; must eventually use the reply.
    using AsyncHandler = std::function<void(const ApiRequest &, PendingReply &&)>;

    QHttpServerRequest::Method method;
    QString path;
    std::optional<TokenScope> scope;
    Handler handler;
    AsyncHandler asyncHandler;
};

} // namespace aisim::api
