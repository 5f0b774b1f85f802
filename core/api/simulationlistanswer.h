#pragma once

#include "simulationquery.h"
#include "streamedanswer.h"

#include <QSet>

namespace aisim {
class Database;
} // namespace aisim

namespace aisim::api {

// A list's answer of status 200: its JSON array and headers.
QHttpServerResponse listResponse(const QByteArray &body, const PendingReply::Headers &headers);

// The machines a worker has served lately: a pending run on any other waits for one.
QSet<qint64> onlineMachines(Database &database);

// Writes windows of GET /simulations as the elements of one JSON array, straight from the rows
// as they are read: the original's columns as bytes, or the detailed objects.
class SimulationListWriter
{
public:
    SimulationListWriter(Database &database, bool detail);

    // Appends the rows of query (its limit is the window's size) after those written before,
    // comma-separated, without the brackets. Returns how many; last is where the window ended.
    Result<qint64> appendWindow(const SimulationQuery &query, QByteArray &out,
                                SimulationCursor *last);

private:
    Database &m_database;
    bool m_detail;
    QSet<qint64> m_online;
    bool m_written = false;
};

// GET /simulations without a limit: every run that matches, the original service's answer.
// An answer that fits one window is sent whole; a longer one is chunked, a window at a time
// (each read from the index where the last one ended), so that memory stays flat however many
// runs there are.
class SimulationListStream : public StreamedAnswer
{
    Q_OBJECT
public:
    static constexpr qint64 kWindowRows = 2000;

    // query holds the filters, order and start (offset or after) of a valid request; headers
    // go out with the answer. An answer sent whole is also left in *whole when given.
    static void start(Database &database, const SimulationQuery &query, bool detail,
                      const PendingReply::Headers &headers, PendingReply &&reply, QObject *parent,
                      QByteArray *whole = nullptr);

private:
    SimulationListStream(SimulationListWriter writer, SimulationQuery next, PendingReply &&reply,
                         QObject *parent);
    Result<bool> writeNext(QByteArray &out) override;

    SimulationListWriter m_writer;
    SimulationQuery m_next; // the next window
};

} // namespace aisim::api
