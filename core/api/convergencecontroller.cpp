#include "convergencecontroller.h"

#include "apiresponse.h"
#include "convergencejson.h"
#include "convergencerepository.h"
#include "simulationrepository.h"

using namespace Qt::StringLiterals;

namespace aisim::api {

QHttpServerResponse ConvergenceController::get(const ApiRequest &request) const
{
    FieldErrors errors;
    const auto id = request.pathId(0, u"simulation_id"_s, &errors);
    const auto since = request.queryDouble(u"since"_s, &errors);
    const auto maxPoints = request.queryInt(u"max_points"_s, 1, 1'000'000, &errors);
    if (!errors.isEmpty())
        return validationResponse(errors);
    // An unknown run is a 404, not an empty series.
    if (const auto simulation = SimulationRepository(*m_context.database).get(*id); !simulation)
        return errorResponse(simulation.error());
    const auto points = ConvergenceRepository(*m_context.database).points(*id, since);
    if (!points)
        return errorResponse(points.error());
    const ConvergenceSeries &series = points.value();
    return QHttpServerResponse(
        "application/json"_ba,
        convergenceDocument(maxPoints ? thinOnLogAxis(series, int(*maxPoints)) : series));
}

} // namespace aisim::api
