#include "simulationwaiter.h"

#include "apiresponse.h"
#include "eventhub.h"
#include "simulationrepository.h"

#include <QJsonObject>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
QHttpServerResponse statusResponse(qint64 id, SimulationStatus status)
{
    QHttpServerResponse response = jsonResponse(
        QJsonObject {{u"id"_s, id}, {u"status"_s, statusName(status)}}, StatusCode::Created);
    response.setHeader("Location"_ba, "/simulation/"_ba + QByteArray::number(id));
    return response;
}

QHttpServerResponse removedResponse(qint64 id)
{
    return detailResponse(StatusCode::NotFound,
                          u"Simulation %1 was deleted while waiting for it"_s.arg(id));
}
} // namespace

SimulationWaiter::SimulationWaiter(Database &database, EventHub &events, QObject *parent)
    : QObject(parent)
    , m_database(database)
    , m_events(events)
{ }

SimulationWaiter::~SimulationWaiter() = default;

void SimulationWaiter::wait(qint64 simulationId, int timeoutSeconds, PendingReply &&reply)
{
    const quint64 ticket = m_nextTicket++;
    auto held = std::make_unique<PendingReply>(std::move(reply));
    QTcpSocket *socket = held->socket();
    if (!socket)
        return;
    // A client that gives up waiting is forgotten at once.
    connect(socket, &QTcpSocket::disconnected, this, &SimulationWaiter::removeClosed,
            Qt::QueuedConnection);
    // The hub first, then the stored status: a run can end before its wait begins (the engine
    // may claim and end it before its creation is answered on this thread), and an ending
    // committed after the read below is announced after this connection exists, so no ending
    // is missed.
    if (m_hub.isEmpty()) {
        m_hub.add(connect(&m_events, &EventHub::simulationChanged, this,
                          [this](qint64 id, SimulationStatus status) {
                              if (isTerminal(status))
                                  answer(id, status);
                          }));
        m_hub.add(connect(&m_events, &EventHub::simulationRemoved, this,
                          &SimulationWaiter::answerRemoved));
    }
    // Here, on this thread, no announcement comes between the read and the registration.
    const auto simulation = SimulationRepository(m_database).get(simulationId);
    const bool removed = !simulation && simulation.error().kind == Error::Kind::NotFound;
    if (removed || (simulation && isTerminal(simulation->status))) {
        held->send(removed ? removedResponse(simulationId)
                           : statusResponse(simulationId, simulation->status));
        forgetHubIfIdle();
        return;
    }
    // Otherwise (also when the read failed) the ending's announcement or the time-out answers.
    m_waiting.push_back({simulationId, ticket, std::move(held)});
    QTimer::singleShot(std::chrono::seconds(timeoutSeconds), this,
                       [this, ticket] { timeOut(ticket); });
}

void SimulationWaiter::answer(qint64 simulationId, SimulationStatus status)
{
    for (auto it = m_waiting.begin(); it != m_waiting.end();) {
        if (it->simulationId == simulationId) {
            it->reply->send(statusResponse(simulationId, status));
            it = m_waiting.erase(it);
        } else {
            ++it;
        }
    }
    forgetHubIfIdle();
}

void SimulationWaiter::answerRemoved(qint64 simulationId)
{
    for (auto it = m_waiting.begin(); it != m_waiting.end();) {
        if (it->simulationId == simulationId) {
            it->reply->send(removedResponse(simulationId));
            it = m_waiting.erase(it);
        } else {
            ++it;
        }
    }
    forgetHubIfIdle();
}

void SimulationWaiter::removeClosed()
{
    const auto closed = [](const Waiting &waiting) {
        const QTcpSocket *socket = waiting.reply->socket();
        return !socket || socket->state() != QAbstractSocket::ConnectedState;
    };
    m_waiting.erase(std::remove_if(m_waiting.begin(), m_waiting.end(), closed), m_waiting.end());
    forgetHubIfIdle();
}

void SimulationWaiter::timeOut(quint64 ticket)
{
    const auto it
        = std::find_if(m_waiting.begin(), m_waiting.end(),
                       [ticket](const Waiting &waiting) { return waiting.ticket == ticket; });
    if (it == m_waiting.end())
        return;
    const auto simulation = SimulationRepository(m_database).get(it->simulationId);
    if (simulation)
        it->reply->send(statusResponse(it->simulationId, simulation->status));
    else
        it->reply->send(errorResponse(simulation.error()));
    m_waiting.erase(it);
    forgetHubIfIdle();
}

void SimulationWaiter::forgetHubIfIdle()
{
    if (m_waiting.empty())
        m_hub.clear();
}

} // namespace aisim::api
