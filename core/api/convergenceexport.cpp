#include "convergenceexport.h"

#include "apiresponse.h"
#include "convergencerepository.h"
#include "simulationrepository.h"

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {

// "1,2,3" as ids in their order, each once; records why not.
std::optional<QList<qint64>> parseIds(const ApiRequest &request, FieldErrors *errors)
{
    const QStringList location {u"query"_s, u"ids"_s};
    if (!request.hasQuery(u"ids"_s)) {
        errors->append({location, u"field required"_s, u"value_error.missing"_s});
        return std::nullopt;
    }
    QList<qint64> ids;
    for (const QString &part : request.query(u"ids"_s).split(u',')) {
        bool ok = false;
        const qint64 id = part.trimmed().toLongLong(&ok);
        if (!ok || id < 1 || id > ApiRequest::kMaxId) {
            errors->append({location,
                            u"value is not a comma-separated list of simulation ids: '%1'"_s.arg(
                                part.left(40)),
                            u"type_error.integer"_s});
            return std::nullopt;
        }
        if (!ids.contains(id))
            ids.append(id);
    }
    if (ids.size() > ConvergenceExport::kMaxIds) {
        errors->append({location,
                        u"ensure this list has at most %1 ids"_s.arg(ConvergenceExport::kMaxIds),
                        u"value_error.list.max_items"_s});
        return std::nullopt;
    }
    return ids;
}
} // namespace

void ConvergenceExport::start(Database &database, const ApiRequest &request, PendingReply &&reply,
                              QObject *parent)
{
    FieldErrors errors;
    const auto ids = parseIds(request, &errors);
    auto format = ConvergenceExportWriter::Format::Json;
    if (request.hasQuery(u"format"_s)) {
        if (const auto chosen
            = ConvergenceExportWriter::formatFromString(request.query(u"format"_s)))
            format = *chosen;
        else
            errors.append({{u"query"_s, u"format"_s},
                           u"value is not a valid enumeration member; permitted: 'csv', 'json'"_s,
                           u"type_error.enum"_s});
    }
    if (!errors.isEmpty()) {
        reply.send(validationResponse(errors));
        return;
    }
    SimulationRepository simulations(database);
    QList<Run> runs;
    QStringList missing;
    for (const qint64 id : *ids) {
        const auto simulation = simulations.get(id);
        if (simulation)
            runs.append({id, simulation->name});
        else if (simulation.error().kind == Error::Kind::NotFound)
            missing << QString::number(id);
        else {
            reply.send(errorResponse(simulation.error()));
            return;
        }
    }
    if (!missing.isEmpty()) {
        reply.send(detailResponse(StatusCode::NotFound,
                                  u"Simulations not found: %1"_s.arg(missing.join(u", "_s))));
        return;
    }
    const QByteArray fileName = format == ConvergenceExportWriter::Format::Csv
        ? "convergence.csv"_ba
        : "convergence.json"_ba;
    if (!reply.startChunked(
            ConvergenceExportWriter::contentType(format),
            {{"Content-Disposition"_ba, "attachment; filename=\"" + fileName + '"'}}))
        return; // HEAD, or the client has gone
    new ConvergenceExport(database, runs, format, std::move(reply), parent);
}

ConvergenceExport::ConvergenceExport(Database &database, QList<Run> runs,
                                     ConvergenceExportWriter::Format format, PendingReply &&reply,
                                     QObject *parent)
    : StreamedAnswer(std::move(reply), u"convergence export"_s, parent)
    , m_database(database)
    , m_runs(std::move(runs))
    , m_writer(format)
{
    QByteArray head;
    m_writer.begin(head);
    begin(head);
}

// A page of points per piece.
Result<bool> ConvergenceExport::writeNext(QByteArray &out)
{
    if (m_run == m_runs.size()) {
        m_writer.end(out);
        return true;
    }
    const Run &run = m_runs.at(m_run);
    if (!m_runStarted) {
        m_writer.beginRun(out, run.id, run.name);
        m_runStarted = true;
        m_after.reset();
    }
    const auto page = ConvergenceRepository(m_database).page(run.id, m_after, kPagePoints);
    if (!page)
        return page.error();
    m_writer.appendPoints(out, page.value());
    if (page->size() < kPagePoints) {
        m_writer.endRun(out);
        m_runStarted = false;
        ++m_run;
    } else {
        m_after = page->constLast().seconds;
    }
    return false;
}

} // namespace aisim::api
