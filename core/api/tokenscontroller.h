#pragma once

#include "apicontext.h"
#include "apirequest.h"

#include <QHttpServerResponse>

namespace aisim::api {

// /tokens: REST API tokens, for admin tokens only.
class TokensController
{
public:
    explicit TokensController(const ApiContext &context)
        : m_context(context)
    { }

    QHttpServerResponse list(const ApiRequest &request) const;
    QHttpServerResponse create(const ApiRequest &request) const;
    QHttpServerResponse revoke(const ApiRequest &request) const;

private:
    ApiContext m_context;
};

} // namespace aisim::api
