#include "storedpointsloader.h"

#include "convergencerepository.h"
#include "database.h"

#include <QCoreApplication>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace aisim {

StoredPointsLoader::StoredPointsLoader(Database &database, QObject *parent)
    : QObject(parent)
    , m_database(database)
{ }

quint64 StoredPointsLoader::load(qint64 simulationId)
{
    const quint64 token = ++m_lastToken;
    QPointer<StoredPointsLoader> self(this);
    Database *database = &m_database;
    static_cast<void>(QtConcurrent::run([self, database, simulationId, token] {
        // The pool thread's own connection; the GUI thread never waits on the database.
        const auto stored = ConvergenceRepository(*database).points(simulationId);
        QList<QPointF> points;
        QString error;
        if (stored) {
            points.reserve(stored->size());
            for (const ConvergencePoint &point : stored.value())
                points.append({point.seconds, point.loss});
        } else {
            error = stored.error().message;
        }
        QMetaObject::invokeMethod(QCoreApplication::instance(),
                                  [self, simulationId, token, points, error] {
                                      if (self) // still there: checked on its own thread
                                          Q_EMIT self->loaded(simulationId, token, points, error);
                                  });
    }));
    return token;
}

} // namespace aisim
