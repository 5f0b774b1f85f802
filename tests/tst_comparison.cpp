#include "convergencerepository.h"
#include "database.h"
#include "lossstatisticsrepository.h"
#include "machinerepository.h"
#include "runtime.h"
#include "simulationlistquery.h"
#include "simulationrepository.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTest>

#include <cmath>

using namespace Qt::StringLiterals;
using namespace aisim;
using test::httpRequest;

// Comparing runs: the loss statistics stored with the points (both dialects), sorted and
// filtered from indexes, and over the REST API with the multi-run export.
class TestComparison : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void statisticsFollowEveryCommittedPoint_data() { test::addDialectRows(); }
    void statisticsFollowEveryCommittedPoint();
    void verdictUsesTheThresholdsInForce_data() { test::addDialectRows(); }
    void verdictUsesTheThresholdsInForce();
    void lossSortsAndVerdictFilterWork_data() { test::addDialectRows(); }
    void lossSortsAndVerdictFilterWork();
    void lossSortsAreServedByAnIndex_data() { test::addDialectRows(); }
    void lossSortsAreServedByAnIndex();
    void runsStoredBeforeAreMeasuredOnce_data() { test::addDialectRows(); }
    void runsStoredBeforeAreMeasuredOnce();

    void detailCarriesStatisticsAndPlainAnswersStayTheOriginals();
    void listOrdersByLossAndFiltersByVerdict();
    void leaseAndWaitingAreInTheDetail();
    void exportStreamsEveryPointOfManyRuns();
    void exportRefusesBadRequests();
};

namespace {

// A run claimed by worker "w" on machine 1, with these points recorded one by one.
qint64 recordedRun(Database &database, const QString &name, const EmulationParameters &params,
                   const LossThresholds &thresholds = {})
{
    SimulationRepository simulations(database);
    simulations.setLossThresholds(thresholds);
    NewSimulation simulation;
    simulation.name = name;
    simulation.machineId = 1;
    simulation.parameters = params;
    const auto created = simulations.create(simulation);
    if (!created)
        return -1;
    const auto claimed = simulations.claimNextPending(u"w"_s, {}, 60000);
    if (!claimed || !claimed.value() || claimed.value()->id != created->id)
        return -1;
    for (int i = 1; i <= params.points; ++i) {
        const double seconds = params.stepSeconds * i;
        const auto recorded = simulations.recordPoint(created->id, u"w"_s,
                                                      {seconds, params.lossAt(seconds)}, i, 60000);
        if (!recorded || !recorded.value())
            return -1;
    }
    const auto finished = simulations.finish(created->id, u"w"_s);
    return finished && finished.value() ? created->id : -1;
}

// A test server with machine 101 registered, as the API tests have it.
bool startWithMachine(test::TestServer &server,
                      const std::function<void(RuntimeOptions &)> &adjust = {})
{
    return server.start(adjust)
        && server.runtime()->service().createMachine(101, u"Machine A"_s).ok();
}

EmulationParameters curve(const QString &name, int points = 10)
{
    EmulationParameters params;
    params.curve = name;
    params.points = points;
    params.paceMs = 0;
    return params;
}

QJsonObject fastBody(const QString &name, const QString &curveName, int points, int paceMs = 0,
                     qint64 machineId = 101)
{
    return {{u"name"_s, name},
            {u"machine_id"_s, machineId},
            {u"parameters"_s,
             QJsonObject {{u"points"_s, points}, {u"pace_ms"_s, paceMs}, {u"curve"_s, curveName}}}};
}

} // namespace

void TestComparison::statisticsFollowEveryCommittedPoint()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    SimulationRepository simulations(database);

    const qint64 id = recordedRun(database, u"rising"_s, curve(u"diverge"_s));
    QVERIFY(id > 0);
    const Simulation run = simulations.get(id).value();
    const EmulationParameters params = curve(u"diverge"_s);
    QCOMPARE(run.finalLoss, std::optional<double>(params.lossAt(100)));
    // The lowest of the ten points and its second.
    double best = 1e9, bestSeconds = 0;
    for (int i = 1; i <= 10; ++i) {
        if (params.lossAt(10.0 * i) < best) {
            best = params.lossAt(10.0 * i);
            bestSeconds = 10.0 * i;
        }
    }
    QCOMPARE(run.bestLoss, std::optional<double>(best));
    QCOMPARE(run.bestSeconds, std::optional<double>(bestSeconds));
    QVERIFY(run.rate && *run.rate > 0);
    QCOMPARE(verdictName(run.verdict), u"diverging"_s);

    // A retry resets the points, and the statistics with them.
    QVERIFY(simulations.finish(id, u"w"_s).ok());
    QSqlQuery fail(database.connection());
    QVERIFY(
        fail.exec(u"UPDATE simulations SET status = 'failed' WHERE simulation_id = %1"_s.arg(id)));
    QVERIFY(simulations.retry(id).ok());
    const Simulation retried = simulations.get(id).value();
    QCOMPARE(retried.finalLoss, std::nullopt);
    QCOMPARE(retried.bestLoss, std::nullopt);
    QCOMPARE(retried.bestSeconds, std::nullopt);
    QCOMPARE(retried.rate, std::nullopt);
    QCOMPARE(retried.verdict, Verdict::TooFewPoints);
}

void TestComparison::verdictUsesTheThresholdsInForce()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    // The seed's curve improves by about 9 % over its last five points.
    const qint64 lax = recordedRun(database, u"lax"_s, curve(u"seed"_s), LossThresholds {5, 0.01});
    const qint64 strict
        = recordedRun(database, u"strict"_s, curve(u"seed"_s), LossThresholds {5, 0.2});
    const qint64 few = recordedRun(database, u"few"_s, curve(u"seed"_s), LossThresholds {20, 0.01});
    SimulationRepository simulations(database);
    QCOMPARE(verdictName(simulations.get(lax)->verdict), u"converging"_s);
    QCOMPARE(verdictName(simulations.get(strict)->verdict), u"stalled"_s);
    QCOMPARE(verdictName(simulations.get(few)->verdict), u"too_few_points"_s);
}

void TestComparison::lossSortsAndVerdictFilterWork()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    const qint64 power = recordedRun(database, u"power"_s, curve(u"power"_s)); // ends at 0.05
    const qint64 seed = recordedRun(database, u"seed"_s, curve(u"seed"_s)); // 0.022
    const qint64 plateau = recordedRun(database, u"plateau"_s, curve(u"plateau"_s)); // 0.03
    const qint64 diverge = recordedRun(database, u"diverge"_s, curve(u"diverge"_s)); // 0.043
    SimulationRepository simulations(database);
    NewSimulation empty;
    empty.name = u"no points"_s;
    empty.machineId = 1;
    const qint64 none = simulations.create(empty)->id;

    const auto ids = [&](const SimulationQuery &query) {
        QList<qint64> found;
        for (const Simulation &s : simulations.list(query).value())
            found << s.id;
        return found;
    };
    SimulationQuery byFinal;
    byFinal.orderBy = SimulationQuery::OrderBy::FinalLoss;
    QCOMPARE(ids(byFinal), QList<qint64>({seed, plateau, diverge, power, none}));
    byFinal.descending = true;
    QCOMPARE(ids(byFinal).mid(1), QList<qint64>({power, diverge, plateau, seed}));
    SimulationQuery byRate;
    byRate.orderBy = SimulationQuery::OrderBy::Rate;
    QCOMPARE(ids(byRate).first(), power); // the steepest descent
    QCOMPARE(ids(byRate).last(), none);

    SimulationQuery stalled;
    stalled.verdict = Verdict::Stalled;
    QCOMPARE(ids(stalled), QList<qint64>({plateau}));
    SimulationQuery diverging;
    diverging.verdict = Verdict::Diverging;
    QCOMPARE(simulations.count(diverging).value(), 1);
    QCOMPARE(ids(diverging), QList<qint64>({diverge}));
    SimulationQuery judgedLater;
    judgedLater.verdict = Verdict::TooFewPoints;
    QCOMPARE(ids(judgedLater), QList<qint64>({none}));
    // Page by page after a cursor (the table's and the API's keyset paging), the same order.
    for (const auto orderBy :
         {SimulationQuery::OrderBy::FinalLoss, SimulationQuery::OrderBy::BestLoss,
          SimulationQuery::OrderBy::Rate}) {
        for (const bool descending : {false, true}) {
            SimulationQuery whole;
            whole.orderBy = orderBy;
            whole.descending = descending;
            SimulationQuery paged = whole;
            paged.limit = 2;
            QList<qint64> seen;
            for (int page = 0; page < 5; ++page) {
                SimulationCursor last;
                QList<qint64> rows;
                QVERIFY(simulations
                            .forEach(
                                paged, [&rows](const Simulation &s) { rows << s.id; }, &last)
                            .ok());
                seen += rows;
                if (rows.size() < paged.limit)
                    break;
                paged.after = last;
            }
            QCOMPARE(seen, ids(whole));
        }
    }
    // The row of a run in a loss order, as the table asks for it.
    QCOMPARE(simulations.position(byFinal, seed).value(), std::optional<qint64>(4));
}

// Sorting a million runs by a loss column pages from an index, as every other column: alone,
// among one status or one verdict, first pages and pages after a cursor, both directions.
void TestComparison::lossSortsAreServedByAnIndex()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    const bool postgreSql = database.isPostgreSql();
    QSqlDatabase connection = database.connection();
    QSqlQuery query(connection);
    if (postgreSql) {
        // Sorting and scanning cost nothing to the planner of a nearly empty table: forbid
        // them, so that a plan without a usable index shows its Sort or Seq Scan node.
        QVERIFY(connection.transaction());
        QVERIFY(query.exec(u"SET LOCAL enable_sort = off"_s));
        QVERIFY(query.exec(u"SET LOCAL enable_seqscan = off"_s));
    }
    using OrderBy = SimulationQuery::OrderBy;
    int plans = 0;
    for (const OrderBy orderBy : {OrderBy::FinalLoss, OrderBy::BestLoss, OrderBy::Rate}) {
        for (int combination = 0; combination < 2 * 2 * 3; ++combination) {
            SimulationQuery list;
            list.orderBy = orderBy;
            list.descending = combination % 2;
            if ((combination / 2) % 2)
                list.after = SimulationCursor {QVariant(0.0213), 7};
            const int filter = combination / 4;
            if (filter == 1)
                list.status = SimulationStatus::Finished;
            if (filter == 2)
                list.verdict = Verdict::Stalled;
            for (const SqlStatement &statement :
                 SimulationListQuery(list, postgreSql).selects(u"simulation_id, name"_s, 100)) {
                if (postgreSql) {
                    QString text;
                    qsizetype next = 0;
                    for (const QChar c : statement.text) {
                        const QVariant value = c == u'?' ? statement.values.at(next++) : QVariant();
                        text += c != u'?' ? QString(c)
                            : value.typeId() == QMetaType::QString
                            ? u'\'' + value.toString() + u'\''
                            : value.toString();
                    }
                    QVERIFY2(query.exec(u"EXPLAIN "_s + text),
                             qPrintable(query.lastError().text()));
                } else {
                    QVERIFY(query.prepare(u"EXPLAIN QUERY PLAN "_s + statement.text));
                    for (const QVariant &value : statement.values)
                        query.addBindValue(value);
                    QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
                }
                QStringList lines;
                while (query.next())
                    lines << query.value(postgreSql ? 0 : 3).toString();
                const QString plan = lines.join(u'\n');
                const QString what = statement.text + u"\n"_s + plan;
                ++plans;
                if (postgreSql) {
                    QVERIFY2(!plan.contains(u"Sort"_s), qPrintable(what));
                    QVERIFY2(!plan.contains(u"Seq Scan"_s), qPrintable(what));
                    // A cursor bounds the scan of the order's index (the row of key and id).
                    QVERIFY2(!list.after
                                 || plan.contains(QRegularExpression(u"Index Cond: .*ROW\\("_s)),
                             qPrintable(what));
                } else {
                    QVERIFY2(!plan.contains(u"TEMP B-TREE"_s), qPrintable(what));
                    QVERIFY2(!plan.startsWith(u"SCAN simulations\n"_s)
                                 && plan != u"SCAN simulations"_s,
                             qPrintable(what));
                }
            }
        }
    }
    QVERIFY(plans >= 3 * 12);
    if (postgreSql)
        connection.rollback();
}

void TestComparison::runsStoredBeforeAreMeasuredOnce()
{
    AISIM_OPEN_TEST_DATABASE(db);
    Database database(db->url());
    QVERIFY(database.migrate().ok());
    QVERIFY(MachineRepository(database).create(1, u"A"_s).ok());
    SimulationRepository simulations(database);
    NewSimulation simulation;
    simulation.name = u"old"_s;
    simulation.machineId = 1;
    const qint64 id = simulations.create(simulation)->id;
    // Points written the way a version without statistics wrote them.
    QSqlQuery query(database.connection());
    for (const auto &[seconds, loss] :
         QList<QPair<double, double>> {{10, 0.5}, {20, 0.2}, {30, 0.3}, {40, 0.25}, {50, 0.24}})
        QVERIFY(query.exec(u"INSERT INTO convergence (simulation_id, seconds, loss) "
                           "VALUES (%1, %2, %3)"_s.arg(id)
                               .arg(seconds)
                               .arg(loss)));
    QVERIFY(
        query.exec(u"UPDATE simulations SET points_done = 5 WHERE simulation_id = %1"_s.arg(id)));
    QCOMPARE(simulations.get(id)->finalLoss, std::nullopt);

    QVERIFY(LossStatisticsRepository(database, {}).measureUnmeasured().ok());
    const Simulation measured = simulations.get(id).value();
    QCOMPARE(measured.finalLoss, std::optional<double>(0.24));
    QCOMPARE(measured.bestLoss, std::optional<double>(0.2));
    QCOMPARE(measured.bestSeconds, std::optional<double>(20));
    QVERIFY(measured.rate.has_value());
    QVERIFY(measured.verdict != Verdict::TooFewPoints);
}

void TestComparison::detailCarriesStatisticsAndPlainAnswersStayTheOriginals()
{
    test::TestServer server;
    QVERIFY2(startWithMachine(server), qPrintable(server.error()));
    const auto created = httpRequest(server.port(), "POST", "/simulation",
                                     QJsonDocument(fastBody(u"flat"_s, u"plateau"_s, 10)).toJson());
    QCOMPARE(created.status, 201);
    QTRY_COMPARE_WITH_TIMEOUT(
        httpRequest(server.port(), "GET", "/simulation/1").json()[u"status"_s].toString(),
        u"finished"_s, 20000);

    const auto plain = httpRequest(server.port(), "GET", "/simulation/1");
    const QStringList keys = plain.json().object().keys();
    QCOMPARE(keys.size(), 6); // the original's six fields, nothing more
    QVERIFY(plain.body.startsWith(
        R"({"simulation_id":1,"name":"flat","machine_id":101,"status":"finished","creation_date":")"));
    QVERIFY(!plain.body.contains("loss"));
    const auto list = httpRequest(server.port(), "GET", "/simulations");
    QVERIFY(!list.body.contains("verdict"));

    const QJsonObject detail
        = httpRequest(server.port(), "GET", "/simulation/1?detail=true").json().object();
    QCOMPARE(detail[u"final_loss"_s].toDouble(), 0.03);
    QCOMPARE(detail[u"best_loss"_s].toDouble(), 0.03);
    QCOMPARE(detail[u"best_seconds"_s].toDouble(), 30.0); // the first point at the plateau
    QCOMPARE(detail[u"verdict"_s].toString(), u"stalled"_s);
    QVERIFY(detail[u"rate"_s].isDouble());
    QVERIFY(detail[u"lease"_s].isNull());
    QVERIFY(detail[u"waits_for_machine"_s].isNull());
}

void TestComparison::listOrdersByLossAndFiltersByVerdict()
{
    test::TestServer server;
    QVERIFY2(startWithMachine(server), qPrintable(server.error()));
    const quint16 port = server.port();
    for (const auto &[name, curveName] : QList<QPair<QString, QString>> {{u"p"_s, u"power"_s},
                                                                         {u"s"_s, u"seed"_s},
                                                                         {u"f"_s, u"plateau"_s},
                                                                         {u"d"_s, u"diverge"_s}})
        QCOMPARE(httpRequest(port, "POST", "/simulation",
                             QJsonDocument(fastBody(name, curveName, 10)).toJson())
                     .status,
                 201);
    QTRY_COMPARE_WITH_TIMEOUT(
        httpRequest(port, "GET", "/simulations?status=finished").json().array().size(), 4, 20000);

    const auto names = [&](const QByteArray &path) {
        QStringList found;
        for (const auto &value : httpRequest(port, "GET", path).json().array())
            found << value[u"name"_s].toString();
        return found;
    };
    QCOMPARE(names("/simulations?order_by=final_loss"),
             QStringList({u"s"_s, u"f"_s, u"d"_s, u"p"_s}));
    QCOMPARE(names("/simulations?order_by=best_loss&order=desc").first(), u"p"_s);
    QCOMPARE(names("/simulations?order_by=rate").first(), u"p"_s);
    // Keyset paging by a loss: the Link of each page leads to the next.
    QStringList paged;
    QByteArray next = "/simulations?order_by=final_loss&limit=3";
    for (int page = 0; page < 3 && !next.isEmpty(); ++page) {
        const auto reply = httpRequest(port, "GET", next);
        QCOMPARE(reply.status, 200);
        for (const auto &value : reply.json().array())
            paged << value[u"name"_s].toString();
        const QByteArray link = reply.header("Link");
        next = link.isEmpty() ? QByteArray() : link.mid(1, link.indexOf('>') - 1);
    }
    QCOMPARE(paged, QStringList({u"s"_s, u"f"_s, u"d"_s, u"p"_s}));
    QCOMPARE(names("/simulations?verdict=diverging"), QStringList({u"d"_s}));
    QCOMPARE(names("/simulations?verdict=stalled"), QStringList({u"f"_s}));

    const QJsonArray detailed
        = httpRequest(port, "GET", "/simulations?detail=true&order_by=final_loss").json().array();
    QCOMPARE(detailed.size(), 4);
    QCOMPARE(detailed[0][u"verdict"_s].toString(), u"converging"_s);
    QCOMPARE(detailed[0][u"final_loss"_s].toDouble(), 0.022);
    QVERIFY(detailed[3][u"best_seconds"_s].isDouble());

    for (const QByteArray &bad : {"/simulations?verdict=bad"_ba, "/simulations?order_by=loss"_ba,
                                  "/simulations?detail=maybe"_ba}) {
        const auto reply = httpRequest(port, "GET", bad);
        QCOMPARE(reply.status, 422);
        QVERIFY(reply.json()[u"detail"_s].isArray());
    }
}

void TestComparison::leaseAndWaitingAreInTheDetail()
{
    test::TestServer server;
    QVERIFY2(startWithMachine(server), qPrintable(server.error()));
    const quint16 port = server.port();
    QCOMPARE(httpRequest(port, "POST", "/simulation",
                         QJsonDocument(fastBody(u"slow"_s, u"seed"_s, 3, 30000)).toJson())
                 .status,
             201);
    QTRY_COMPARE_WITH_TIMEOUT(
        httpRequest(port, "GET", "/simulation/1").json()[u"status"_s].toString(), u"running"_s,
        10000);
    const QJsonObject running
        = httpRequest(port, "GET", "/simulation/1?detail=true").json().object();
    const QJsonObject lease = running[u"lease"_s].toObject();
    QCOMPARE(lease[u"worker"_s].toString(), server.runtime()->engine()->workerId());
    QVERIFY(!lease[u"since"_s].toString().isEmpty());
    QVERIFY(lease[u"expires_at"_s].toString() > lease[u"since"_s].toString());
    QCOMPARE(running[u"attempts"_s].toInt(), 1);
    QVERIFY(running[u"waits_for_machine"_s].isNull());
    QVERIFY(httpRequest(port, "POST", "/simulation/1/cancel").status == 200);

    // A server without workers: nothing serves machine 101, and the detail says so.
    test::TestServer idle;
    QVERIFY2(startWithMachine(idle, [](RuntimeOptions &options) { options.runEngine = false; }),
             qPrintable(idle.error()));
    QCOMPARE(httpRequest(idle.port(), "POST", "/simulation",
                         QJsonDocument(fastBody(u"waiting"_s, u"seed"_s, 3)).toJson())
                 .status,
             201);
    const QJsonObject waiting
        = httpRequest(idle.port(), "GET", "/simulation/1?detail=true").json().object();
    QCOMPARE(waiting[u"status"_s].toString(), u"pending"_s);
    QCOMPARE(waiting[u"waits_for_machine"_s].toInteger(), 101);
    QVERIFY(waiting[u"lease"_s].isNull());
    const QJsonArray listed
        = httpRequest(idle.port(), "GET", "/simulations?detail=true").json().array();
    QCOMPARE(listed[0][u"waits_for_machine"_s].toInteger(), 101);
}

void TestComparison::exportStreamsEveryPointOfManyRuns()
{
    test::TestServer server;
    QVERIFY2(startWithMachine(server), qPrintable(server.error()));
    const quint16 port = server.port();
    // More points than one page of the stream, a name that needs quoting, and a short run.
    QJsonObject longRun = fastBody(u"long, \"quoted\""_s, u"power"_s, 12'345);
    QCOMPARE(httpRequest(port, "POST", "/simulation", QJsonDocument(longRun).toJson()).status, 201);
    QCOMPARE(httpRequest(port, "POST", "/simulation",
                         QJsonDocument(fastBody(u"short"_s, u"diverge"_s, 7)).toJson())
                 .status,
             201);
    QTRY_COMPARE_WITH_TIMEOUT(
        httpRequest(port, "GET", "/simulations?status=finished").json().array().size(), 2, 60000);

    const auto csv = httpRequest(port, "GET", "/converge?ids=2,1&format=csv");
    QCOMPARE(csv.status, 200);
    QCOMPARE(csv.header("Content-Type"), "text/csv; charset=utf-8"_ba);
    QCOMPARE(csv.header("Transfer-Encoding"), "chunked"_ba);
    const QList<QByteArray> lines = csv.body.trimmed().split('\n');
    QCOMPARE(lines.size(), 1 + 7 + 12'345);
    QCOMPARE(lines[0], "simulation_id,name,seconds,loss"_ba);
    QVERIFY(lines[1].startsWith("2,short,10,"));
    QCOMPARE(lines[8], "1,\"long, \"\"quoted\"\"\",10,0.151"_ba);
    QVERIFY(lines.last().startsWith("1,\"long, \"\"quoted\"\"\",123450,"));

    const auto json = httpRequest(port, "GET", "/converge?ids=1,2&format=json");
    QCOMPARE(json.status, 200);
    const QJsonArray runs = json.json()[u"simulations"_s].toArray();
    QCOMPARE(runs.size(), 2);
    QCOMPARE(runs[0][u"simulation_id"_s].toInteger(), 1);
    QCOMPARE(runs[0][u"name"_s].toString(), u"long, \"quoted\""_s);
    QCOMPARE(runs[0][u"data"_s].toArray().size(), 12'345);
    QCOMPARE(runs[1][u"data"_s].toArray().size(), 7);
    // The same points as /converge/{id} gives one run at a time.
    QCOMPARE(runs[1][u"data"_s].toArray(),
             httpRequest(port, "GET", "/converge/2").json()[u"data"_s].toArray());

    // On a raw socket: chunk framing, and the connection stays usable for the next request.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(socket.waitForConnected(5000));
    socket.write("GET /converge?ids=2&format=csv HTTP/1.1\r\nHost: x\r\n\r\n"
                 "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    QByteArray raw;
    QTRY_VERIFY_WITH_TIMEOUT((raw += socket.readAll()).contains("\r\n0\r\n\r\nHTTP/1.1 200"),
                             10000);
}

void TestComparison::exportRefusesBadRequests()
{
    test::TestServer server;
    QVERIFY2(startWithMachine(server), qPrintable(server.error()));
    const quint16 port = server.port();
    QCOMPARE(httpRequest(port, "POST", "/simulation",
                         QJsonDocument(fastBody(u"one"_s, u"seed"_s, 2)).toJson())
                 .status,
             201);
    for (const QByteArray &bad : {"/converge"_ba, "/converge?ids="_ba, "/converge?ids=1,x"_ba,
                                  "/converge?ids=0"_ba, "/converge?ids=1&format=xml"_ba}) {
        const auto reply = httpRequest(port, "GET", bad);
        QCOMPARE(reply.status, 422);
        QVERIFY2(reply.json()[u"detail"_s].isArray(), bad.constData());
    }
    const auto missing = httpRequest(port, "GET", "/converge?ids=1,7,9");
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.json()[u"detail"_s].toString(), u"Simulations not found: 7, 9"_s);
    QByteArray many = "/converge?ids=1";
    for (int i = 2; i <= 1001; ++i)
        many += ',' + QByteArray::number(i);
    QCOMPARE(httpRequest(port, "GET", many).status, 422);
}

QTEST_GUILESS_MAIN(TestComparison)
#include "tst_comparison.moc"
