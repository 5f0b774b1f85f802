#include "emulationparameters.h"
#include "serialize.h"

#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

using namespace Qt::StringLiterals;
using namespace aisim;

// The plain data types: statuses, the emulation curve and their JSON form.
class TestDomain : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void statusNamesRoundTrip_data();
    void statusNamesRoundTrip();
    void unknownStatusIsRejected();
    void defaultCurveReproducesTheSeedExactly();
    void simulationJsonHasTheSeedShape();
    void timestampsUseTheSeedFormatInUtc();
    void timestampsParseBack_data();
    void timestampsParseBack();
    void parametersRoundTripThroughJson();
    void invalidParametersReportEveryProblem();
};

void TestDomain::statusNamesRoundTrip_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("name");
    QTest::newRow("pending") << int(SimulationStatus::Pending) << u"pending"_s;
    QTest::newRow("running") << int(SimulationStatus::Running) << u"running"_s;
    QTest::newRow("finished") << int(SimulationStatus::Finished) << u"finished"_s;
    QTest::newRow("failed") << int(SimulationStatus::Failed) << u"failed"_s;
    QTest::newRow("cancelled") << int(SimulationStatus::Cancelled) << u"cancelled"_s;
}

void TestDomain::statusNamesRoundTrip()
{
    QFETCH(int, status);
    QFETCH(QString, name);
    QCOMPARE(statusName(SimulationStatus(status)), name);
    QCOMPARE(statusFromString(name), std::optional(SimulationStatus(status)));
}

void TestDomain::unknownStatusIsRejected()
{
    QVERIFY(!statusFromString(u"Finished"_s));
    QVERIFY(!statusFromString(QString()));
    QVERIFY(isTerminal(SimulationStatus::Cancelled));
    QVERIFY(!isTerminal(SimulationStatus::Running));
}

void TestDomain::defaultCurveReproducesTheSeedExactly()
{
    // The original README's ten points.
    const QList<double> expected {0.042, 0.033, 0.029, 0.027, 0.025,
                                  0.024, 0.023, 0.023, 0.022, 0.022};
    const EmulationParameters params;
    QCOMPARE(params.points, 10);
    for (int i = 0; i < expected.size(); ++i)
        QCOMPARE(params.lossAt(params.stepSeconds * (i + 1)), expected.at(i));
}

void TestDomain::simulationJsonHasTheSeedShape()
{
    Simulation simulation;
    simulation.id = 1;
    simulation.name = u"A"_s;
    simulation.machineId = 102;
    simulation.status = SimulationStatus::Finished;
    simulation.creationDate = QDateTime(QDate(2024, 3, 6), QTime(8, 2, 46, 295), Qt::UTC);
    simulation.updateDate = simulation.creationDate;
    const QJsonObject json = simulationToJson(simulation);
    const QJsonObject expected = QJsonDocument::fromJson(R"({
        "simulation_id": 1, "name": "A", "machine_id": 102, "status": "finished",
        "creation_date": "2024-03-06T08:02:46.295000",
        "update_date": "2024-03-06T08:02:46.295000"})")
                                     .object();
    QCOMPARE(json, expected);
}

void TestDomain::timestampsUseTheSeedFormatInUtc()
{
    const QDateTime berlin(QDate(2024, 3, 5), QTime(15, 30, 0, 7), QTimeZone("Europe/Berlin"));
    QCOMPARE(formatTimestamp(berlin), u"2024-03-05T14:30:00.007000"_s);
    QCOMPARE(formatTimestamp(QDateTime()), QString());
}

void TestDomain::timestampsParseBack_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected");
    const QDateTime base(QDate(2024, 3, 5), QTime(14, 30, 0), Qt::UTC);
    QTest::newRow("seed, no fraction") << u"2024-03-05T14:30:00"_s << base;
    QTest::newRow("microseconds") << u"2024-03-05T14:30:00.295055"_s << base.addMSecs(295);
    QTest::newRow("offset") << u"2024-03-05T16:30:00+02:00"_s << base;
    QTest::newRow("garbage") << u"yesterday"_s << QDateTime();
}

void TestDomain::timestampsParseBack()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);
    QCOMPARE(parseTimestamp(text), expected);
}

void TestDomain::parametersRoundTripThroughJson()
{
    EmulationParameters params;
    params.points = 250;
    params.stepSeconds = 0.5;
    params.paceMs = 20;
    params.curve = u"exponential"_s;
    params.failAtPoint = 7;
    FieldErrors errors;
    const EmulationParameters parsed = parseEmulationParameters(params.toJson(), {}, &errors);
    QVERIFY(errors.isEmpty());
    QVERIFY(parsed == params);
    QVERIFY(!parsed.isDefault());
    QVERIFY(EmulationParameters().isDefault());
}

void TestDomain::invalidParametersReportEveryProblem()
{
    const QJsonObject json
        = QJsonDocument::fromJson(
              R"({"points": 0, "pace_ms": "fast", "curve": "zigzag", "step_seconds": -1, "colour": 1})")
              .object();
    FieldErrors errors;
    parseEmulationParameters(json, {u"body"_s, u"parameters"_s}, &errors);
    QStringList fields;
    for (const FieldError &error : errors) {
        QCOMPARE(error.location.first(), u"body"_s);
        fields << error.location.last();
    }
    fields.sort();
    QCOMPARE(fields,
             QStringList({u"colour"_s, u"curve"_s, u"pace_ms"_s, u"points"_s, u"step_seconds"_s}));
}

QTEST_GUILESS_MAIN(TestDomain)
#include "tst_domain.moc"
