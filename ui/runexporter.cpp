#include "runexporter.h"

#include "async.h"
#include "convergenceexportwriter.h"
#include "convergencerepository.h"
#include "database.h"
#include "savefiledialog.h"

#include <QFileInfo>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
constexpr int kPagePoints = 10'000;
constexpr qsizetype kFlushBytes = 1 << 16;
} // namespace

RunExporter::RunExporter(Database &database, QObject *parent)
    : QObject(parent)
    , m_database(database)
{ }

void RunExporter::exportWithDialog(const Runs &runs, QWidget *parent)
{
    if (runs.isEmpty())
        return;
    const QString csv = tr("CSV, one row a point (*.csv)");
    const QString json = tr("JSON (*.json)");
    QString filter = csv;
    QString path = aisim::askSavePath(parent, tr("Export %n run(s)", nullptr, int(runs.size())),
                                      u"convergence.csv"_s, {csv, json}, &filter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += filter == json ? u".json"_s : u".csv"_s;
    exportTo(runs, path);
}

void RunExporter::exportTo(const Runs &runs, const QString &path)
{
    Database *database = &m_database;
    const int count = int(runs.size());
    runInBackground(
        this, [database, runs, path] { return write(*database, runs, path); },
        [this, path, count](const Result<qint64> &written) {
            if (written)
                Q_EMIT finished(path, count, written.value());
            else
                Q_EMIT failed(written.error().message);
        });
}

Result<qint64> RunExporter::write(Database &database, const Runs &runs, const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const auto format = api::ConvergenceExportWriter::formatFromString(suffix);
    if (!format)
        return Error::invalid(tr("cannot export to %1: use a .csv or .json file").arg(path));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::invalid(tr("cannot write %1: %2").arg(path, file.errorString()));
    api::ConvergenceExportWriter writer(*format);
    ConvergenceRepository convergence(database);
    QByteArray out;
    qint64 points = 0;
    writer.begin(out);
    for (const auto &[id, name] : runs) {
        writer.beginRun(out, id, name);
        std::optional<double> after;
        for (;;) {
            const auto page = convergence.page(id, after, kPagePoints);
            if (!page)
                return page.error();
            writer.appendPoints(out, page.value());
            points += page->size();
            if (out.size() > kFlushBytes) {
                file.write(out);
                out.clear();
            }
            if (page->size() < kPagePoints)
                break;
            after = page->constLast().seconds;
        }
        writer.endRun(out);
    }
    writer.end(out);
    file.write(out);
    if (!file.commit())
        return Error::invalid(tr("cannot write %1: %2").arg(path, file.errorString()));
    return points;
}

} // namespace aisim
