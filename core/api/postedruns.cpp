#include "postedruns.h"

#include "apiresponse.h"
#include "creationwriter.h"
#include "simulationscontroller.h"
#include "simulationwaiter.h"

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
constexpr qint64 kMaxWaitSeconds = 86'400;
} // namespace

PostedRuns::PostedRuns(const SimulationsController &simulations, CreationWriter &writer,
                       SimulationWaiter &waiter, QObject *parent)
    : QObject(parent)
    , m_simulations(simulations)
    , m_writer(writer)
    , m_waiter(waiter)
{ }

void PostedRuns::add(const ApiRequest &request, PendingReply &&reply)
{
    FieldErrors errors;
    const bool wait = request.queryBool(u"wait"_s, &errors).value_or(false);
    const auto timeout = request.queryInt(u"timeout"_s, 0, kMaxWaitSeconds, &errors);
    if (!errors.isEmpty()) {
        reply.send(validationResponse(errors));
        return;
    }
    auto creation = m_simulations.readCreation(request);
    if (auto *refusal = std::get_if<QHttpServerResponse>(&creation)) {
        reply.send(std::move(*refusal));
        return;
    }
    const quint64 ticket = ++m_lastTicket;
    const bool queued = m_writer.create(
        std::get<SimulationService::Creation>(creation), this,
        [this, ticket](const Result<Simulation> &created) {
            const auto found = m_posted.find(ticket);
            if (found == m_posted.end())
                return;
            Posted posted = std::move(found->second);
            m_posted.erase(found);
            if (created && posted.wait)
                m_waiter.wait(created->id, posted.timeoutSeconds, std::move(posted.reply));
            else
                posted.reply.send(SimulationsController::createdResponse(created));
        });
    if (!queued) {
        reply.send(errorResponse(Error::unavailable(u"the server is shutting down"_s)));
        return;
    }
    m_posted.emplace(ticket,
                     Posted {std::move(reply), wait, int(timeout.value_or(kMaxWaitSeconds))});
}

} // namespace aisim::api
