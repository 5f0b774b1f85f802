#pragma once

#include "apicontext.h"
#include "apimetrics.h"
#include "apirequest.h"

#include <QHttpServerResponse>

namespace aisim::api {

// /healthz, /readyz and /metrics: what monitoring asks.
class SystemController
{
public:
    SystemController(const ApiContext &context, const ApiMetrics &metrics)
        : m_context(context)
        , m_metrics(metrics)
    { }

    QHttpServerResponse health(const ApiRequest &request) const;
    QHttpServerResponse readiness(const ApiRequest &request) const;
    QHttpServerResponse metrics(const ApiRequest &request) const;

private:
    ApiContext m_context;
    const ApiMetrics &m_metrics;
};

} // namespace aisim::api
