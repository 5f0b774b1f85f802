#include "apiserver.h"
#include "database.h"
#include "eventhub.h"
#include "runtime.h"
#include "simulationservice.h"
#include "testsupport.h"

#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace aisim;
using aisim::test::httpRequest;
using aisim::test::TestDatabase;

namespace {
// The value of one sample of a Prometheus exposition, or -1 when it is absent.
double sample(const QByteArray &exposition, const QByteArray &name)
{
    for (const QByteArray &line : exposition.split('\n')) {
        if (line.startsWith(QByteArray(name + ' ')))
            return line.mid(name.size() + 1).toDouble();
    }
    return -1;
}
} // namespace

// GET /metrics, /healthz and /readyz.
class TestMetrics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cleanup();
    void requestsAreCountedByRoutePatternMethodAndStatus();
    void latencyHistogramIsCumulative();
    void runGaugesFollowTheQueue();
    void retriesAndFailuresAreCounted();
    void metricsNeedAToken();
    void healthAndReadiness();
    void readinessFailsWithoutTheDatabase();

private:
    void start(bool runEngine, api::AuthMode auth = api::AuthMode::Disabled);
    QByteArray metrics();

    aisim::test::TestServer m_server;
};

void TestMetrics::start(bool runEngine, api::AuthMode auth)
{
    QVERIFY2(m_server.start([=](RuntimeOptions &options) {
        options.runEngine = runEngine;
        options.engine.workers = 1;
        options.engine.retryBackoffMs = 10;
        options.apiAuth = auth;
    }),
             qPrintable(m_server.error()));
}

void TestMetrics::cleanup()
{
    m_server.stop();
}

QByteArray TestMetrics::metrics()
{
    const auto reply = httpRequest(m_server.port(), "GET", "/metrics");
    if (reply.status != 200 || !reply.header("Content-Type").startsWith("text/plain"))
        return {};
    return reply.body;
}

void TestMetrics::requestsAreCountedByRoutePatternMethodAndStatus()
{
    start(false);
    const QByteArray found
        = R"(aisim_http_requests_total{route="/machines/{machine_id}",method="GET",status="200"})"_ba;
    const QByteArray missing
        = R"(aisim_http_requests_total{route="/machines/{machine_id}",method="GET",status="404"})"_ba;
    const QByteArray invalid
        = R"(aisim_http_requests_total{route="/machines",method="POST",status="422"})"_ba;
    QCOMPARE(sample(metrics(), found), -1.0);

    QCOMPARE(
        httpRequest(m_server.port(), "POST", "/machines", R"({"machine_id": 3, "name": "a"})"_ba)
            .status,
        201);
    QCOMPARE(httpRequest(m_server.port(), "GET", "/machines/3").status, 200);
    QCOMPARE(httpRequest(m_server.port(), "GET", "/machines/3").status, 200);
    QCOMPARE(httpRequest(m_server.port(), "GET", "/machines/4").status, 404);
    QCOMPARE(httpRequest(m_server.port(), "POST", "/machines", "{}"_ba).status, 422);
    QCOMPARE(httpRequest(m_server.port(), "GET", "/no/such/path").status, 404);

    const QByteArray after = metrics();
    QCOMPARE(sample(after, found), 2.0);
    QCOMPARE(sample(after, missing), 1.0);
    QCOMPARE(sample(after, invalid), 1.0);
    // Raw paths never become labels.
    QVERIFY(!after.contains("/machines/3"));
    QVERIFY(!after.contains("/no/such/path"));
    QCOMPARE(
        sample(after,
               R"x(aisim_http_requests_total{route="(unmatched)",method="GET",status="404"})x"_ba),
        1.0);
}

void TestMetrics::latencyHistogramIsCumulative()
{
    start(false);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(httpRequest(m_server.port(), "GET", "/simulations").status, 200);
    const QByteArray text = metrics();
    const QByteArray labels = R"(route="/simulations",method="GET")"_ba;
    QCOMPARE(sample(text, "aisim_http_request_duration_seconds_count{"_ba + labels + '}'), 3.0);
    QCOMPARE(
        sample(text, "aisim_http_request_duration_seconds_bucket{"_ba + labels + R"(,le="+Inf"})"),
        3.0);
    double previous = 0;
    const QRegularExpression bucket(
        u"^aisim_http_request_duration_seconds_bucket\\{route=\"/simulations\",method=\"GET\",le=\"[^\"]+\"\\} (\\d+)$"_s);
    int buckets = 0;
    for (const QByteArray &line : text.split('\n')) {
        const auto match = bucket.match(QString::fromUtf8(line));
        if (!match.hasMatch())
            continue;
        const double count = match.captured(1).toDouble();
        QVERIFY(count >= previous);
        previous = count;
        ++buckets;
    }
    QCOMPARE(buckets, 13);
    QVERIFY(sample(text, "aisim_http_request_duration_seconds_sum{"_ba + labels + '}') > 0);
}

void TestMetrics::runGaugesFollowTheQueue()
{
    start(false);
    QCOMPARE(sample(metrics(), "aisim_queue_depth"), 0.0);
    for (int id = 1; id <= 3; ++id) {
        const QByteArray body
            = u"{\"simulation_id\": %1, \"name\": \"r\", \"machine\": {\"machine_id\": 1, "
              "\"name\": \"m\"}}"_s.arg(id)
                  .toUtf8();
        QCOMPARE(httpRequest(m_server.port(), "POST", "/simulation", body).status, 201);
    }
    QCOMPARE(httpRequest(m_server.port(), "POST", "/simulation/2/cancel").status, 200);
    const QByteArray text = metrics();
    QCOMPARE(sample(text, "aisim_queue_depth"), 2.0);
    QCOMPARE(sample(text, R"(aisim_simulations{status="pending"})"_ba), 2.0);
    QCOMPARE(sample(text, R"(aisim_simulations{status="cancelled"})"_ba), 1.0);
    QCOMPARE(sample(text, "aisim_workers_busy"), 0.0);
    QCOMPARE(sample(text, "aisim_workers"), 0.0);
    QCOMPARE(sample(text, "aisim_database_up"), 1.0);
}

void TestMetrics::retriesAndFailuresAreCounted()
{
    start(true);
    QCOMPARE(sample(metrics(), "aisim_simulation_retries_total"), 0.0);
    const auto reply = httpRequest(
        m_server.port(), "POST", "/simulation?wait=true",
        R"({"name": "flaky", "machine": {"machine_id": 1, "name": "m"}, "max_attempts": 3,
            "parameters": {"points": 4, "pace_ms": 1, "fail_at_point": 2}})"_ba);
    QCOMPARE(reply.json()[u"status"_s].toString(), u"failed"_s);
    const QByteArray text = metrics();
    QCOMPARE(sample(text, "aisim_simulation_retries_total"), 2.0);
    QCOMPARE(sample(text, "aisim_simulation_failures_total"), 3.0);
    QCOMPARE(sample(text, R"(aisim_simulations{status="failed"})"_ba), 1.0);
    QCOMPARE(sample(text, "aisim_workers"), 1.0);
}

void TestMetrics::metricsNeedAToken()
{
    start(false, api::AuthMode::Required);
    QCOMPARE(httpRequest(m_server.port(), "GET", "/metrics").status, 401);
    const auto reply = httpRequest(
        m_server.port(), "GET", "/metrics", {},
        {{"Authorization"_ba, "Bearer "_ba + m_server.runtime()->initialAdminToken().toLatin1()}});
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.body.contains(R"(route="/metrics",method="GET",status="401")"));
}

void TestMetrics::healthAndReadiness()
{
    start(false);
    const auto health = httpRequest(m_server.port(), "GET", "/healthz");
    QCOMPARE(health.status, 200);
    QCOMPARE(health.json()[u"status"_s].toString(), u"ok"_s);
    const auto ready = httpRequest(m_server.port(), "GET", "/readyz");
    QCOMPARE(ready.status, 200);
    QCOMPARE(ready.json()[u"status"_s].toString(), u"ready"_s);
    QCOMPARE(httpRequest(m_server.port(), "POST", "/healthz").status, 405);
}

void TestMetrics::readinessFailsWithoutTheDatabase()
{
    // A PostgreSQL server that is not there: nothing listens on port 1.
    QString why;
    const auto url = DatabaseUrl::parse(u"postgresql://aisim:x@127.0.0.1:1/aisim"_s, &why);
    QVERIFY2(url.has_value(), qPrintable(why));
    Database database(*url);
    EventHub events;
    SimulationService service(database, events);
    api::ApiContext context;
    context.database = &database;
    context.service = &service;
    context.auth = api::AuthMode::Disabled;
    api::ApiServer server(context);
    const auto port = server.listen(QHostAddress::LocalHost, 0);
    QVERIFY(port.ok());
    QCOMPARE(httpRequest(port.value(), "GET", "/healthz").status, 200);
    const auto ready = httpRequest(port.value(), "GET", "/readyz");
    QCOMPARE(ready.status, 503);
    QCOMPARE(ready.json()[u"status"_s].toString(), u"unavailable"_s);
    QCOMPARE(httpRequest(port.value(), "GET", "/simulations").status, 503);
}

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
