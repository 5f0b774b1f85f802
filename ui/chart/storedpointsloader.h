#pragma once

#include <QList>
#include <QObject>
#include <QPointF>

namespace aisim {

class Database;

// Reads runs' stored points on a pool thread and hands them back on the loader's thread; a
// loader destroyed while a read is under way waits for it (runInBackground).
class StoredPointsLoader : public QObject
{
    Q_OBJECT
public:
    explicit StoredPointsLoader(Database &database, QObject *parent = nullptr);

    // Starts reading; loaded() follows with this request's token.
    quint64 load(qint64 simulationId);

Q_SIGNALS:
    // points as (seconds, loss); error empty on success.
    void loaded(qint64 simulationId, quint64 token, const QList<QPointF> &points,
                const QString &error);

private:
    Database &m_database;
    quint64 m_lastToken = 0;
};

} // namespace aisim
