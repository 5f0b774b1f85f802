#pragma once

#include "apicontext.h"
#include "apirequest.h"
#include "pendingreply.h"
#include "simulationservice.h"

#include "database.h"
#include "simulationsummaries.h"

#include <QCache>
#include <QHttpServerResponse>

#include <variant>

namespace aisim::api {

// /simulations and /simulation/{id}: the original service's endpoints and run control. Lives on
// one server thread, which keeps the lists and the runs it answered lately on SQLite: the same
// request is answered from them while nothing was committed to the database since.
class SimulationsController
{
public:
    static constexpr qsizetype kKeptListBytes = qsizetype(8) * 1024 * 1024;
    // Larger answers are not kept.
    static constexpr qsizetype kKeptListMaxBytes = qsizetype(1) * 1024 * 1024;

    explicit SimulationsController(const ApiContext &context)
        : m_context(context)
        , m_lists(kKeptListBytes)
        , m_runs(*context.database)
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
    // An answer of GET /simulations, with the database's stamp taken before it was read.
    struct ListAnswer
    {
        Database::DataStamp stamp;
        QByteArray body;
        PendingReply::Headers headers;
    };
    // Keeps an answer; the detailed one says which machines are online, which changes with
    // time alone, and is not kept.
    void keepList(const QByteArray &request, const std::optional<Database::DataStamp> &stamp,
                  const QByteArray &body, const PendingReply::Headers &headers) const;

    ApiContext m_context;
    mutable QCache<QByteArray, ListAnswer> m_lists; // by path and query; costs are sizes
    mutable KeptSummaries m_runs; // of GET /simulation/{id}
};

} // namespace aisim::api
