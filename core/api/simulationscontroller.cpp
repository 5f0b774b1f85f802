#include "simulationscontroller.h"

#include "apiresponse.h"
#include "engineoptions.h"
#include "entitytag.h"
#include "jsonwriter.h"
#include "listcursor.h"
#include "serialize.h"
#include "simulationbytes.h"
#include "simulationcounter.h"
#include "simulationlistanswer.h"
#include "simulationrepository.h"
#include "simulationservice.h"
#include "simulationsummaries.h"

#include <QJsonArray>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
constexpr int kMaxNameLength = 200;

QString orderByChoices()
{
    return u"'creation_date', 'update_date', 'name', 'simulation_id', 'status', 'machine_id', "
           "'final_loss', 'best_loss' or 'rate'"_s;
}

// The address of the page after this one: the same request, starting after its last row.
QByteArray nextLink(const ApiRequest &request, const QByteArray &cursor)
{
    QUrlQuery next;
    const auto items = QUrlQuery(request.http().url()).queryItems(QUrl::FullyEncoded);
    for (const auto &[key, value] : items) {
        if (key != "after"_L1 && key != "offset"_L1)
            next.addQueryItem(key, value);
    }
    next.addQueryItem(u"after"_s, QString::fromLatin1(cursor));
    QUrl url;
    url.setPath(request.path());
    url.setQuery(next);
    return '<' + url.toEncoded() + ">; rel=\"next\"";
}

// The total lets a client page through without counting itself; read from counters, and
// said to be estimated when it is. A page that ended before its limit, read from a known
// position (an offset, not a cursor), has told it already: the rows before it and its own.
PendingReply::Headers totalCountHeaders(Database &database, const SimulationQuery &query,
                                        std::optional<qint64> pageRows = std::nullopt)
{
    PendingReply::Headers headers;
    if (pageRows && !query.after && *pageRows < query.limit
        && (*pageRows > 0 || query.offset == 0)) {
        headers.append({"X-Total-Count"_ba, QByteArray::number(query.offset + *pageRows)});
        return headers;
    }
    const auto total = SimulationCounter(database).count(query, true);
    if (total) {
        headers.append({"X-Total-Count"_ba, QByteArray::number(total->runs)});
        if (!total->exact)
            headers.append({"X-Total-Count-Estimated"_ba, "true"_ba});
    }
    return headers;
}

// Runs an operation on the simulation named by the path; answers with its new state.
template<typename Operation>
QHttpServerResponse actOnSimulation(const ApiRequest &request, Operation operation)
{
    FieldErrors errors;
    const auto id = request.pathId(0, u"simulation_id"_s, &errors);
    if (!id)
        return validationResponse(errors);
    const Result<Simulation> changed = operation(*id);
    if (!changed)
        return errorResponse(changed.error());
    return jsonResponse(simulationToJson(changed.value()));
}
} // namespace

void SimulationsController::list(const ApiRequest &request, PendingReply &&reply,
                                 QObject *parent) const
{
    FieldErrors errors;
    SimulationQuery query;
    if (request.hasQuery(u"order_by"_s)) {
        const auto orderBy = SimulationQuery::orderByFromString(request.query(u"order_by"_s));
        if (orderBy)
            query.orderBy = *orderBy;
        else
            errors.append(
                {{u"query"_s, u"order_by"_s},
                 u"value is not a valid enumeration member; permitted: "_s + orderByChoices(),
                 u"type_error.enum"_s});
    }
    if (request.hasQuery(u"order"_s)) {
        const QString order = request.query(u"order"_s);
        if (order == "desc"_L1 || order == "asc"_L1)
            query.descending = order == "desc"_L1;
        else
            errors.append({{u"query"_s, u"order"_s},
                           u"value is not a valid enumeration member; permitted: 'asc', 'desc'"_s,
                           u"type_error.enum"_s});
    }
    if (request.hasQuery(u"status"_s)) {
        query.status = statusFromString(request.query(u"status"_s));
        if (!query.status)
            errors.append({{u"query"_s, u"status"_s},
                           u"value is not a valid enumeration member; permitted: "_s
                               + allStatusNames().join(u", "_s),
                           u"type_error.enum"_s});
    }
    if (request.hasQuery(u"verdict"_s)) {
        query.verdict = verdictFromString(request.query(u"verdict"_s));
        if (!query.verdict)
            errors.append({{u"query"_s, u"verdict"_s},
                           u"value is not a valid enumeration member; permitted: "_s
                               + allVerdictNames().join(u", "_s),
                           u"type_error.enum"_s});
    }
    const bool detail = request.queryBool(u"detail"_s, &errors).value_or(false);
    query.machineId = request.queryInt(u"machine_id"_s, 1, ApiRequest::kMaxId, &errors);
    query.nameContains = request.query(u"name"_s);
    const auto limit = request.queryInt(u"limit"_s, 0, 100'000, &errors);
    const auto offset = request.queryInt(u"offset"_s, 0, ApiRequest::kMaxId, &errors);
    if (request.hasQuery(u"after"_s) && errors.isEmpty()) {
        QString problem;
        query.after = ListCursor::decode(request.query(u"after"_s).toLatin1(), query, &problem);
        if (!query.after)
            errors.append({{u"query"_s, u"after"_s}, problem, u"value_error.cursor"_s});
        else if (offset)
            errors.append({{u"query"_s, u"offset"_s},
                           u"offset cannot be combined with after: the cursor says where the "
                           "page starts"_s,
                           u"value_error.conflict"_s});
    }
    if (!errors.isEmpty()) {
        reply.send(validationResponse(errors));
        return;
    }
    query.limit = limit.value_or(-1);
    query.offset = offset.value_or(0);
    // The same request, answered since with nothing committed to the database: the same bytes,
    // unless the client asks for the list to be read again (Cache-Control: no-cache).
    const std::optional<Database::DataStamp> stamp
        = detail ? std::nullopt : m_context.database->dataStamp();
    const QByteArray key = stamp
        ? request.http().url().toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority)
        : QByteArray();
    if (const ListAnswer *kept
        = stamp && request.mayBeAnsweredFromKept() ? m_lists.object(key) : nullptr;
        kept && kept->stamp == *stamp) {
        reply.send(listResponse(kept->body, kept->headers));
        return;
    }
    // The count and the rows (every window of them) share what the name index said.
    if (!query.nameContains.isEmpty())
        query.nameProbe = std::make_shared<NameProbe>();

    if (!limit) {
        PendingReply::Headers headers;
        if (offset || query.after)
            headers = totalCountHeaders(*m_context.database, query);
        QByteArray whole;
        SimulationListStream::start(*m_context.database, query, detail, headers, std::move(reply),
                                    parent, &whole);
        if (!whole.isEmpty())
            keepList(key, stamp, whole, headers);
        return;
    }
    SimulationListWriter writer(*m_context.database, detail);
    QByteArray body("[");
    SimulationCursor last;
    const auto rows = writer.appendWindow(query, body, &last);
    if (!rows) {
        reply.send(errorResponse(rows.error()));
        return;
    }
    body += ']';
    PendingReply::Headers headers;
    // A full page may have a next one: its address, read from the index where this one ended.
    if (rows.value() == *limit && rows.value() > 0)
        headers.append({"Link"_ba, nextLink(request, ListCursor::encode(query, last))});
    headers += totalCountHeaders(*m_context.database, query, rows.value());
    keepList(key, stamp, body, headers);
    reply.send(listResponse(body, headers));
}

void SimulationsController::keepList(const QByteArray &request,
                                     const std::optional<Database::DataStamp> &stamp,
                                     const QByteArray &body,
                                     const PendingReply::Headers &headers) const
{
    if (!stamp || body.size() > kKeptListMaxBytes)
        return;
    // The request counts too: many distinct requests with small answers must not grow it.
    m_lists.insert(request, new ListAnswer {*stamp, body, headers},
                   body.size() + request.size() + 256);
}

QHttpServerResponse SimulationsController::get(const ApiRequest &request) const
{
    FieldErrors errors;
    const auto id = request.pathId(0, u"simulation_id"_s, &errors);
    if (!id)
        return validationResponse(errors);
    if (request.queryBool(u"detail"_s, &errors).value_or(false)) {
        const auto simulation = SimulationRepository(*m_context.database).get(*id);
        if (!simulation)
            return errorResponse(simulation.error());
        return contentTaggedJsonResponse(
            request.http(), 'd',
            toJsonBytes(simulationToDetailedJson(
                simulation.value(),
                onlineMachines(*m_context.database).contains(simulation->machineId))));
    }
    // The original's answer, the hottest of all: the shown columns only, written as bytes.
    const auto summary = m_runs.get(*id, request.mayBeAnsweredFromKept());
    if (!summary)
        return errorResponse(summary.error());
    if (!summary.value())
        return errorResponse(Error::notFound(u"Simulation %1 not found"_s.arg(*id)));
    const SimulationSummary &run = *summary.value();
    return taggedJsonResponse(request.http(), runEntityTag('s', run),
                              [&run] { return simulationSummaryBytes(run); });
}

std::variant<SimulationService::Creation, QHttpServerResponse>
SimulationsController::readCreation(const ApiRequest &request) const
{
    FieldErrors errors;
    const auto body = request.jsonBody(&errors);
    if (!body)
        return validationResponse(errors);

    const JsonFields fields(*body, {u"body"_s}, &errors);
    NewSimulation simulation;
    simulation.id = fields.integer(u"simulation_id"_s, false, 1, ApiRequest::kMaxNewId);
    const auto name = fields.string(u"name"_s, true, kMaxNameLength);
    const auto machineObject = fields.object(u"machine"_s);
    // machine_id may come from the top level, the machine object, or both if they agree.
    auto machineId
        = fields.integer(u"machine_id"_s, !fields.has(u"machine"_s), 1, ApiRequest::kMaxId);
    std::optional<QString> machineName;
    if (machineObject) {
        const JsonFields machine(*machineObject, fields.location(u"machine"_s), &errors);
        const auto nestedId = machine.integer(u"machine_id"_s, !machineId, 1, ApiRequest::kMaxId);
        machineName = machine.string(u"name"_s, true, kMaxNameLength);
        if (machineId && nestedId && *machineId != *nestedId)
            errors.append(
                {fields.location(u"machine"_s) + QStringList {u"machine_id"_s},
                 u"machine.machine_id (%1) differs from machine_id (%2)"_s.arg(*nestedId).arg(
                     *machineId),
                 u"value_error.mismatch"_s});
        if (!machineId)
            machineId = nestedId;
    }
    if (const auto parameters = fields.object(u"parameters"_s))
        simulation.parameters
            = parseEmulationParameters(*parameters, fields.location(u"parameters"_s), &errors);
    if (const auto attempts = fields.integer(u"max_attempts"_s, false, 1, 100))
        simulation.maxAttempts = int(*attempts);
    if (const auto timeout = fields.integer(u"timeout_seconds"_s, false, 1, kMaxRunTimeoutSeconds))
        simulation.timeoutSeconds = int(*timeout);
    if (!errors.isEmpty())
        return validationResponse(errors);

    simulation.name = *name;
    simulation.machineId = *machineId;
    return SimulationService::Creation {simulation, machineName};
}

QHttpServerResponse SimulationsController::createdResponse(const Result<Simulation> &created)
{
    if (!created) {
        if (created.error().kind == Error::Kind::Invalid)
            return validationResponse({{{u"body"_s, u"machine_id"_s},
                                        created.error().message,
                                        u"value_error.unknown_machine"_s}});
        return errorResponse(created.error());
    }
    QHttpServerResponse response = jsonResponse(
        QJsonObject {{u"id"_s, created->id}, {u"status"_s, statusName(created->status)}},
        StatusCode::Created);
    response.setHeader("Location"_ba, "/simulation/"_ba + QByteArray::number(created->id));
    return response;
}

QHttpServerResponse SimulationsController::cancel(const ApiRequest &request) const
{
    return actOnSimulation(request, [this](qint64 id) { return m_context.service->cancel(id); });
}

QHttpServerResponse SimulationsController::retry(const ApiRequest &request) const
{
    return actOnSimulation(request, [this](qint64 id) { return m_context.service->retry(id); });
}

QHttpServerResponse SimulationsController::remove(const ApiRequest &request) const
{
    FieldErrors errors;
    const auto id = request.pathId(0, u"simulation_id"_s, &errors);
    if (!id)
        return validationResponse(errors);
    const Status removed = m_context.service->remove(*id);
    if (!removed)
        return errorResponse(removed.error());
    return QHttpServerResponse(StatusCode::NoContent);
}

} // namespace aisim::api
