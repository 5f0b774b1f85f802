#pragma once

#include "apirequest.h"
#include "convergenceexportwriter.h"
#include "streamedanswer.h"

#include <optional>

namespace aisim {
class Database;
} // namespace aisim

namespace aisim::api {

// GET /converge?ids=1,2,3&format=csv|json: every point of many runs at full resolution. The
// answer is chunked and written a page of points at a time, only while the client keeps up,
// so that a million points never sit in memory at once.
class ConvergenceExport : public StreamedAnswer
{
    Q_OBJECT
public:
    static constexpr int kMaxIds = 1000;
    static constexpr int kPagePoints = 5000;

    // Answers 422 for invalid ids or format and 404 naming the unknown ids, before anything
    // is streamed; otherwise starts the stream.
    static void start(Database &database, const ApiRequest &request, PendingReply &&reply,
                      QObject *parent);

private:
    struct Run
    {
        qint64 id = 0;
        QString name;
    };

    ConvergenceExport(Database &database, QList<Run> runs, ConvergenceExportWriter::Format format,
                      PendingReply &&reply, QObject *parent);
    Result<bool> writeNext(QByteArray &out) override;

    Database &m_database;
    QList<Run> m_runs;
    ConvergenceExportWriter m_writer;
    qsizetype m_run = 0;
    bool m_runStarted = false;
    std::optional<double> m_after;
};

} // namespace aisim::api
