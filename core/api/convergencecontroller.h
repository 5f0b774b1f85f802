#pragma once

#include "apicontext.h"
#include "apirequest.h"
#include "simulationsummaries.h"

#include <QCache>
#include <QHttpServerResponse>

namespace aisim::api {

// /converge/{id}: a run's convergence points, so far while it runs. Lives on one server thread,
// which keeps the documents it wrote lately: a run that did not change since (the same version,
// update and creation times) is answered without reading its points again, and without reading
// the run either while nothing was committed to the database (KeptSummaries).
class ConvergenceController
{
public:
    static constexpr qsizetype kKeptDocumentBytes = qsizetype(4) * 1024 * 1024;

    explicit ConvergenceController(const ApiContext &context)
        : m_context(context)
        , m_documents(kKeptDocumentBytes)
        , m_runs(*context.database)
    { }

    QHttpServerResponse get(const ApiRequest &request) const;

private:
    struct Document
    {
        qint64 version = 0;
        qint64 creationMs = 0;
        qint64 updateMs = 0;
        QByteArray bytes;

        bool isOf(const SimulationSummary &run) const
        {
            return version == run.version && creationMs == run.creationMs
                && updateMs == run.updateMs;
        }
    };

    ApiContext m_context;
    mutable QCache<qint64, Document> m_documents; // by run id; costs are sizes in bytes
    mutable KeptSummaries m_runs;
};

} // namespace aisim::api
