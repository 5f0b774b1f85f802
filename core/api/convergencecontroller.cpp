#include "convergencecontroller.h"

#include "apiresponse.h"
#include "convergencejson.h"
#include "convergencerepository.h"
#include "entitytag.h"
#include "simulationsummaries.h"

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
    const auto summary = m_runs.get(*id, request.mayBeAnsweredFromKept());
    if (!summary)
        return errorResponse(summary.error());
    if (!summary.value())
        return errorResponse(Error::notFound(u"Simulation %1 not found"_s.arg(*id)));
    // Every stored point bumps the run's version: a client polling with the tag gets a 304
    // until a point comes, without the points being read.
    const SimulationSummary &run = *summary.value();
    // Whole documents only (no since, no max_points) are kept.
    const bool whole = !since && !maxPoints;
    std::optional<Error> failed;
    QHttpServerResponse response = taggedJsonResponse(request.http(), runEntityTag('c', run), [&] {
        if (const Document *kept = whole ? m_documents.object(*id) : nullptr;
            kept && kept->isOf(run))
            return kept->bytes;
        const auto points = ConvergenceRepository(*m_context.database).points(*id, since);
        if (!points) {
            failed = points.error();
            return QByteArray();
        }
        const ConvergenceSeries &series = points.value();
        QByteArray bytes
            = convergenceDocument(maxPoints ? thinOnLogAxis(series, int(*maxPoints)) : series);
        if (whole)
            m_documents.insert(*id, new Document {run.version, run.creationMs, run.updateMs, bytes},
                               bytes.size());
        return bytes;
    });
    if (failed)
        return errorResponse(*failed);
    return response;
}

} // namespace aisim::api
