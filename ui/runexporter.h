#pragma once

#include "result.h"

#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

class QWidget;

namespace aisim {

class Database;

// Exports every point of chosen runs at full resolution to CSV (long format: simulation_id,
// name,seconds,loss) or JSON, chosen by the file's suffix. The points are read page by page
// on a pool thread and written as they come, so that neither the window nor the memory waits
// on a large export; the file appears whole or not at all.
class RunExporter : public QObject
{
    Q_OBJECT
public:
    using Runs = QList<QPair<qint64, QString>>; // id and name

    explicit RunExporter(Database &database, QObject *parent = nullptr);

    // Asks where to save (a dialog wide enough for its columns), then exports there.
    void exportWithDialog(const Runs &runs, QWidget *parent);
    // Exports in the background; finished() or failed() follows.
    void exportTo(const Runs &runs, const QString &path);
    // The export itself, on the calling thread: how many points were written.
    static Result<qint64> write(Database &database, const Runs &runs, const QString &path);

Q_SIGNALS:
    void finished(const QString &path, int runs, qint64 points);
    void failed(const QString &message);

private:
    Database &m_database;
};

} // namespace aisim
