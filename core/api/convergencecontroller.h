#pragma once

#include "apicontext.h"
#include "apirequest.h"

#include <QHttpServerResponse>

namespace aisim::api {

// /converge/{id}: a run's convergence points, so far while it runs.
class ConvergenceController
{
public:
    explicit ConvergenceController(const ApiContext &context)
        : m_context(context)
    { }

    QHttpServerResponse get(const ApiRequest &request) const;

private:
    ApiContext m_context;
};

} // namespace aisim::api
