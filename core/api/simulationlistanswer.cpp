#include "simulationlistanswer.h"

#include "apiresponse.h"
#include "jsonwriter.h"
#include "machinerepository.h"
#include "serialize.h"
#include "simulationbytes.h"
#include "simulationrepository.h"
#include "simulationsummaries.h"

using namespace Qt::StringLiterals;

namespace aisim::api {

QHttpServerResponse listResponse(const QByteArray &body, const PendingReply::Headers &headers)
{
    QHttpServerResponse response("application/json"_ba, body);
    for (const auto &[name, value] : headers)
        response.setHeader(name, value);
    return response;
}

QSet<qint64> onlineMachines(Database &database)
{
    QSet<qint64> online;
    const auto machines = MachineRepository(database).list();
    if (!machines)
        return online;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const Machine &machine : machines.value()) {
        if (machine.isOnline(now, Machine::kOnlineWithinMs))
            online.insert(machine.id);
    }
    return online;
}

SimulationListWriter::SimulationListWriter(Database &database, bool detail)
    : m_database(database)
    , m_detail(detail)
    , m_online(detail ? onlineMachines(database) : QSet<qint64>())
{ }

Result<qint64> SimulationListWriter::appendWindow(const SimulationQuery &query, QByteArray &out,
                                                  SimulationCursor *last)
{
    qint64 rows = 0;
    const auto separate = [this, &out, &rows] {
        if (m_written)
            out += ',';
        m_written = true;
        ++rows;
    };
    Status read = success();
    if (m_detail) {
        read = SimulationRepository(m_database)
                   .forEach(
                       query,
                       [&](const Simulation &simulation) {
                           separate();
                           appendJson(out,
                                      simulationToDetailedJson(
                                          simulation, m_online.contains(simulation.machineId)));
                       },
                       last);
    } else {
        if (query.limit > 0)
            out.reserve(out.size() + std::min<qint64>(query.limit, 10'000) * kSummaryBytesEstimate);
        read = SimulationSummaries(m_database)
                   .forEach(
                       query,
                       [&](const SimulationSummary &summary) {
                           separate();
                           appendSimulationSummary(out, summary);
                       },
                       last);
    }
    if (!read)
        return read.error();
    return rows;
}

void SimulationListStream::start(Database &database, const SimulationQuery &query, bool detail,
                                 const PendingReply::Headers &headers, PendingReply &&reply,
                                 QObject *parent, QByteArray *whole)
{
    SimulationListWriter writer(database, detail);
    SimulationQuery window = query;
    window.limit = kWindowRows;
    QByteArray body("[");
    SimulationCursor last;
    const auto rows = writer.appendWindow(window, body, &last);
    if (!rows) {
        reply.send(errorResponse(rows.error()));
        return;
    }
    if (rows.value() < kWindowRows) {
        body += ']';
        if (whole)
            *whole = body;
        reply.send(listResponse(body, headers));
        return;
    }
    if (!reply.startChunked("application/json"_ba, headers))
        return; // HEAD, or the client has gone
    window.offset = 0;
    window.after = last;
    auto *stream = new SimulationListStream(std::move(writer), window, std::move(reply), parent);
    stream->begin(body);
}

SimulationListStream::SimulationListStream(SimulationListWriter writer, SimulationQuery next,
                                           PendingReply &&reply, QObject *parent)
    : StreamedAnswer(std::move(reply), u"list of simulations"_s, parent)
    , m_writer(std::move(writer))
    , m_next(std::move(next))
{ }

Result<bool> SimulationListStream::writeNext(QByteArray &out)
{
    SimulationCursor last;
    const auto rows = m_writer.appendWindow(m_next, out, &last);
    if (!rows)
        return rows.error();
    if (rows.value() < kWindowRows) {
        out += ']';
        return true;
    }
    m_next.after = last;
    return false;
}

} // namespace aisim::api
