#include "machinescontroller.h"

#include "apiresponse.h"
#include "machinerepository.h"
#include "serialize.h"
#include "simulationservice.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
constexpr int kMaxNameLength = 200;
} // namespace

QHttpServerResponse MachinesController::list(const ApiRequest &) const
{
    const auto machines = MachineRepository(*m_context.database).list();
    if (!machines)
        return errorResponse(machines.error());
    QJsonArray array;
    for (const Machine &machine : machines.value())
        array.append(machineToJson(machine));
    return jsonResponse(array);
}

QHttpServerResponse MachinesController::get(const ApiRequest &request) const
{
    FieldErrors errors;
    const auto id = request.pathId(0, u"machine_id"_s, &errors);
    if (!id)
        return validationResponse(errors);
    const auto machine = MachineRepository(*m_context.database).get(*id);
    if (!machine)
        return errorResponse(machine.error());
    return jsonResponse(machineToJson(machine.value()));
}

QHttpServerResponse MachinesController::create(const ApiRequest &request) const
{
    FieldErrors errors;
    const auto body = request.jsonBody(&errors);
    if (!body)
        return validationResponse(errors);
    const JsonFields fields(*body, {u"body"_s}, &errors);
    const auto id = fields.integer(u"machine_id"_s, false, 1, ApiRequest::kMaxNewId);
    const auto name = fields.string(u"name"_s, true, kMaxNameLength);
    if (!errors.isEmpty())
        return validationResponse(errors);
    const auto created = m_context.service->createMachine(id, *name);
    if (!created)
        return errorResponse(created.error());
    QHttpServerResponse response
        = jsonResponse(machineToJson(created.value()), StatusCode::Created);
    response.setHeader("Location"_ba, "/machines/"_ba + QByteArray::number(created->id));
    return response;
}

QHttpServerResponse MachinesController::rename(const ApiRequest &request) const
{
    FieldErrors errors;
    const auto id = request.pathId(0, u"machine_id"_s, &errors);
    const auto body = request.jsonBody(&errors);
    if (!id || !body)
        return validationResponse(errors);
    const JsonFields fields(*body, {u"body"_s}, &errors);
    const auto name = fields.string(u"name"_s, true, kMaxNameLength);
    if (!errors.isEmpty())
        return validationResponse(errors);
    const auto renamed = m_context.service->renameMachine(*id, *name);
    if (!renamed)
        return errorResponse(renamed.error());
    return jsonResponse(machineToJson(renamed.value()));
}

QHttpServerResponse MachinesController::remove(const ApiRequest &request) const
{
    FieldErrors errors;
    const auto id = request.pathId(0, u"machine_id"_s, &errors);
    if (!id)
        return validationResponse(errors);
    const Status removed = m_context.service->removeMachine(*id);
    if (!removed)
        return errorResponse(removed.error());
    return QHttpServerResponse(StatusCode::NoContent);
}

} // namespace aisim::api
