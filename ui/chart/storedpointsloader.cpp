#include "storedpointsloader.h"

#include "async.h"
#include "convergencerepository.h"
#include "database.h"

namespace aisim {

StoredPointsLoader::StoredPointsLoader(Database &database, QObject *parent)
    : QObject(parent)
    , m_database(database)
{ }

quint64 StoredPointsLoader::load(qint64 simulationId)
{
    const quint64 token = ++m_lastToken;
    struct Read
    {
        QList<QPointF> points;
        QString error;
    };
    runInBackground(
        this,
        [database = &m_database, simulationId] {
            // The pool thread's own connection; the GUI thread never waits on the database.
            const auto stored = ConvergenceRepository(*database).points(simulationId);
            Read read;
            if (!stored) {
                read.error = stored.error().message;
                return read;
            }
            read.points.reserve(stored->size());
            for (const ConvergencePoint &point : stored.value())
                read.points.append({point.seconds, point.loss});
            return read;
        },
        [this, simulationId, token](const Read &read) {
            Q_EMIT loaded(simulationId, token, read.points, read.error);
        });
    return token;
}

} // namespace aisim
