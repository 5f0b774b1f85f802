#pragma once

#include "apicontext.h"
#include "apirequest.h"
#include "pendingreply.h"
#include "simulationservice.h"

#include <QHttpServerResponse>

#include <variant>

namespace aisim::api {

// /simulations and /simulation/{id}: the original service's endpoints and run control.
class SimulationsController
{
public:
    explicit SimulationsController(const ApiContext &context)
        : m_context(context)
    { }

    // A page (limit) is answered at once; the whole list is streamed (SimulationListStream).
    void list(const ApiRequest &request, PendingReply &&reply, QObject *parent) const;
    QHttpServerResponse get(const ApiRequest &request) const;
    // POST /simulation in two steps, so that runs posted together are created in one
    // transaction (CreationBatch): the run a request asks for, or the answer refusing it;
    // then the answer to its creation.
    std::variant<SimulationService::Creation, QHttpServerResponse>
    readCreation(const ApiRequest &request) const;
    static QHttpServerResponse createdResponse(const Result<Simulation> &created);
    QHttpServerResponse cancel(const ApiRequest &request) const;
    QHttpServerResponse retry(const ApiRequest &request) const;
    QHttpServerResponse remove(const ApiRequest &request) const;

private:
    ApiContext m_context;
};

} // namespace aisim::api
