#pragma once

#include "apicontext.h"
#include "apirequest.h"

#include <QHttpServerResponse>

namespace aisim::api {

// /simulations and /simulation/{id}: the original service's endpoints and run control.
class SimulationsController
{
public:
    explicit SimulationsController(const ApiContext &context)
        : m_context(context)
    { }

    QHttpServerResponse list(const ApiRequest &request) const;
    QHttpServerResponse get(const ApiRequest &request) const;
    QHttpServerResponse create(const ApiRequest &request) const;
    QHttpServerResponse cancel(const ApiRequest &request) const;
    QHttpServerResponse retry(const ApiRequest &request) const;
    QHttpServerResponse remove(const ApiRequest &request) const;

private:
    ApiContext m_context;
};

} // namespace aisim::api
