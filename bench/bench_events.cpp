// How long a convergence point takes from its commit to a Server-Sent Events subscriber, how
// long /converge takes with and without max_points on a long series, and what writing JSON in
// the original's key order costs against QJsonDocument. Prints figures; no pass or fail.
#include "convergencejson.h"
#include "convergencerepository.h"
#include "eventhub.h"
#include "jsonwriter.h"
#include "runtime.h"
#include "serialize.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <mutex>

using namespace Qt::StringLiterals;
using namespace aisim;

namespace {
qint64 nowUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

double percentile(QList<qint64> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return double(values.at(qsizetype(p * double(values.size() - 1)))) / 1000.0;
}

QByteArray get(quint16 port, const QByteArray &path, double *ms)
{
    QNetworkAccessManager manager;
    QElapsedTimer timer;
    timer.start();
    QNetworkReply *reply = manager.get(
        QNetworkRequest(QUrl(u"http://127.0.0.1:%1"_s.arg(port) + QString::fromUtf8(path))));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    *ms = double(timer.nsecsElapsed()) / 1e6;
    const QByteArray body = reply->readAll();
    reply->deleteLater();
    return body;
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTemporaryDir dir;
    RuntimeOptions options;
    options.database = DatabaseUrl::sqliteFile(dir.filePath(u"bench.db"_s));
    options.engine.workers = 2;
    options.apiAuth = api::AuthMode::Disabled;
    auto runtime = Runtime::open(options);
    if (!runtime)
        return 1;
    Runtime &rt = *runtime.value();
    // The engine emits pointAdded right after the point's transaction commits.
    std::mutex mutex;
    QHash<QPair<qint64, int>, qint64> committedUs;
    QObject::connect(
        &rt.events(), &EventHub::pointAdded, &rt.events(),
        [&](qint64 id, const ConvergencePoint &, int n) {
            const std::lock_guard lock(mutex);
            committedUs.insert({id, n}, nowUs());
        },
        Qt::DirectConnection);
    // Connected before the server's own connection, so the time is taken before delivery.
    const quint16 port = rt.startApi(QHostAddress::LocalHost, 0).value();

    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    socket.waitForConnected();
    socket.write("GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
    QList<qint64> latencies;
    QByteArray buffer;
    constexpr int kPoints = 500;
    int finished = 0;
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] {
        const qint64 received = nowUs();
        buffer += socket.readAll();
        qsizetype end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
            const QByteArray frame = buffer.left(end);
            buffer.remove(0, end + 2);
            const qsizetype data = frame.indexOf("data: ");
            if (data < 0)
                continue;
            const QJsonObject json = QJsonDocument::fromJson(frame.mid(data + 6)).object();
            if (frame.contains("event: status") && json[u"status"_s] == u"finished"_s
                && ++finished == 2)
                app.quit();
            if (!frame.contains("event: point"))
                continue;
            const std::lock_guard lock(mutex);
            const auto key = qMakePair(json[u"id"_s].toInteger(), json[u"points_done"_s].toInt());
            if (committedUs.contains(key))
                latencies.append(received - committedUs.value(key));
        }
    });
    for (int id = 1; id <= 2; ++id) {
        NewSimulation simulation;
        simulation.id = id;
        simulation.name = u"bench"_s;
        simulation.machineId = id;
        simulation.parameters.points = kPoints;
        simulation.parameters.paceMs = 2;
        rt.service().create(simulation, u"m"_s);
    }
    QTimer::singleShot(120000, &app, &QCoreApplication::quit);
    app.exec();
    out << "SSE latency, commit to subscriber, " << latencies.size() << " points of 2 runs at "
        << "500 points each, 2 ms apart:\n"
        << "  median " << percentile(latencies, 0.5) << " ms, p95 " << percentile(latencies, 0.95)
        << " ms, p99 " << percentile(latencies, 0.99) << " ms, max " << percentile(latencies, 1.0)
        << " ms\n";

    // A long series: the whole answer against max_points (the baseline is the whole answer).
    NewSimulation big;
    big.id = 3;
    big.name = u"long"_s;
    big.machineId = 1;
    big.parameters.points = 200'000;
    big.parameters.paceMs = 0;
    rt.service().create(big);
    for (;;) {
        double ms = 0;
        const QByteArray body = get(port, "/simulation/3", &ms);
        if (body.contains("\"finished\""))
            break;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 200);
    }
    double wholeMs = 0;
    double thinMs = 0;
    const QByteArray whole = get(port, "/converge/3", &wholeMs);
    const QByteArray thin = get(port, "/converge/3?max_points=500", &thinMs);
    out << "GET /converge of 200,000 points: whole " << whole.size() << " bytes in " << wholeMs
        << " ms (1.00); max_points=500 " << thin.size() << " bytes in " << thinMs << " ms ("
        << thinMs / wholeMs << ")\n";

    // Serialising the same series: through a QJsonDocument tree (the baseline) and directly.
    const auto series = ConvergenceRepository(rt.database()).points(3);
    QElapsedTimer timer;
    timer.start();
    const QByteArray viaTree
        = QJsonDocument(QJsonObject {{u"data"_s, convergenceToJson(series.value())}})
              .toJson(QJsonDocument::Compact);
    const double treeMs = double(timer.nsecsElapsed()) / 1e6;
    timer.restart();
    const QByteArray direct = api::convergenceDocument(series.value());
    const double directMs = double(timer.nsecsElapsed()) / 1e6;
    const bool same = QJsonDocument::fromJson(viaTree) == QJsonDocument::fromJson(direct);
    out << "Serialising 200,000 points: QJsonDocument " << treeMs << " ms (1.00), direct "
        << directMs << " ms (" << directMs / treeMs << "), same JSON: " << (same ? "yes" : "no")
        << '\n';

    // GET /simulations writes each row as it is read: per row, QJsonDocument (the baseline,
    // keys sorted) against the writer that keeps the original's key order.
    QList<Simulation> rows(100'000);
    for (qsizetype i = 0; i < rows.size(); ++i) {
        rows[i].id = i + 1;
        rows[i].name = u"run %1"_s.arg(i);
        rows[i].machineId = 1 + i % 50;
        rows[i].status = SimulationStatus::Finished;
        rows[i].creationDate = QDateTime::currentDateTimeUtc();
        rows[i].updateDate = rows[i].creationDate;
    }
    QByteArray sorted;
    timer.restart();
    for (const Simulation &row : std::as_const(rows))
        sorted += QJsonDocument(simulationToJson(row)).toJson(QJsonDocument::Compact);
    const double sortedMs = double(timer.nsecsElapsed()) / 1e6;
    QByteArray ordered;
    timer.restart();
    for (const Simulation &row : std::as_const(rows))
        api::appendJson(ordered, simulationToJson(row));
    const double orderedMs = double(timer.nsecsElapsed()) / 1e6;
    out << "Writing 100,000 simulations: QJsonDocument " << sortedMs << " ms (1.00), in the "
        << "original's key order " << orderedMs << " ms (" << orderedMs / sortedMs
        << "), same size: " << (sorted.size() == ordered.size() ? "yes" : "no") << '\n';
    return 0;
}
