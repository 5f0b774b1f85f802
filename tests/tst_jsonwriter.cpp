#include "jsonwriter.h"
#include "serialize.h"
#include "simulationbytes.h"
#include "timestamp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

#include <cmath>
#include <cstring>
#include <limits>

using namespace Qt::StringLiterals;
using namespace aisim;

// The JSON writer of the REST answers: QJsonDocument's bytes, keys in the original's order.
class TestJsonWriter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void matchesQJsonDocumentByteForByte_data();
    void matchesQJsonDocumentByteForByte();
    void doublesMatchQJsonDocumentByteForByte();
    void originalFieldsComeInTheOriginalOrder();
    void timestampsMatchQDateTimeByteForByte();
    void summaryBytesMatchTheSlowPathByteForByte_data();
    void summaryBytesMatchTheSlowPathByteForByte();
};

void TestJsonWriter::matchesQJsonDocumentByteForByte_data()
{
    QTest::addColumn<QJsonObject>("object");
    QString everyAscii;
    for (char16_t c = 0; c < 0x80; ++c)
        everyAscii += QChar(c);
    QTest::newRow("every ascii character") << QJsonObject {{u"text"_s, everyAscii}};
    QTest::newRow("unicode") << QJsonObject {{u"text"_s, u"é 中 😀 \u2028 \u00a0"_s},
                                             {u"ключ"_s, u"значение"_s}};
    QTest::newRow("numbers") << QJsonObject {
        {u"a"_s, 0},
        {u"b"_s, -0.0},
        {u"c"_s, 1e-300},
        {u"d"_s, 3e20},
        {u"e"_s, 0.1},
        {u"f"_s, qint64(123456789012345678)},
        {u"g"_s, -5},
        {u"h"_s, 1e15},
        {u"i"_s, 1e17},
        {u"j"_s, 0.041},
        {u"k"_s, std::numeric_limits<double>::quiet_NaN()},
        {u"l"_s, std::numeric_limits<double>::infinity()},
        {u"m"_s, std::numeric_limits<qint64>::min()},
        {u"n"_s, 2.5e-7},
        {u"o"_s, 100000.0},
        {u"p"_s, 123456789012345.0},
        {u"q"_s, -999999999999999.0},
        {u"r"_s, 1e14},
        {u"s"_s, qint64(999999999999999)},
        {u"t"_s, qint64(1000000000000000)},
        {u"u"_s, 1e15 + 2},
        {u"v"_s, 4503599627370497.0},
    };
    QTest::newRow("nested") << QJsonObject {
        {u"list"_s,
         QJsonArray {1, u"two"_s, true, false, QJsonValue::Null, QJsonArray {}, QJsonObject {},
                     QJsonObject {{u"z"_s, 1}, {u"a"_s, 2}}}},
        {u"empty"_s, QJsonObject {}},
        {u"flag"_s, true},
        {u"nothing"_s, QJsonValue::Null},
    };
}

void TestJsonWriter::matchesQJsonDocumentByteForByte()
{
    QFETCH(QJsonObject, object);
    QCOMPARE(api::toJsonBytes(object), QJsonDocument(object).toJson(QJsonDocument::Compact));
    const QJsonArray array {object, object};
    QCOMPARE(api::toJsonBytes(array), QJsonDocument(array).toJson(QJsonDocument::Compact));
}

// appendJsonDouble() writes numbers with std::to_chars: the same bytes as QJsonDocument for
// doubles of every magnitude, random ones by the bit pattern, the edges of each form, and the
// rounded values that losses and seconds usually are.
void TestJsonWriter::doublesMatchQJsonDocumentByteForByte()
{
    QList<double> values {0.0,
                          -0.0,
                          0.1,
                          0.042,
                          1e-4,
                          1e-5,
                          0.0001234,
                          123456.789,
                          1e14,
                          1e15,
                          1e15 + 2,
                          1e16,
                          1e17,
                          1e21,
                          1e22,
                          1e300,
                          5e-324,
                          2.2250738585072014e-308,
                          1.7976931348623157e308,
                          9007199254740993.0,
                          0.30000000000000004,
                          2.5,
                          -2.5,
                          1.5e-7};
    for (int exponent = -320; exponent <= 308; ++exponent) {
        values << std::pow(10.0, exponent) << 1.5 * std::pow(10.0, exponent)
               << -std::pow(10.0, exponent) / 3;
    }
    QRandomGenerator random(42);
    for (int i = 0; i < 20'000; ++i) {
        const quint64 bits = random.generate64();
        double value = 0;
        std::memcpy(&value, &bits, sizeof value);
        if (std::isfinite(value))
            values << value;
        values << std::round(random.generateDouble() * 1e6) / 1e3 // a loss or a time
               << random.generateDouble() * std::pow(10.0, random.bounded(-12, 20));
    }
    int compared = 0;
    for (const double value : std::as_const(values)) {
        QByteArray written;
        api::appendJsonDouble(written, value);
        QByteArray expected = QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact);
        expected = expected.mid(1, expected.size() - 2); // [value]
        QVERIFY2(written == expected,
                 qPrintable(u"%1: %2, QJsonDocument %3"_s.arg(value, 0, 'g', 17)
                                .arg(QString::fromLatin1(written), QString::fromLatin1(expected))));
        ++compared;
    }
    QVERIFY(compared > 40'000);
    QByteArray notFinite;
    api::appendJsonDouble(notFinite, std::numeric_limits<double>::quiet_NaN(), "nan");
    QCOMPARE(notFinite, "nan"_ba);
}

void TestJsonWriter::originalFieldsComeInTheOriginalOrder()
{
    Simulation simulation;
    simulation.id = 1;
    simulation.name = u"A \"quoted\" run"_s;
    simulation.machineId = 102;
    simulation.status = SimulationStatus::Finished;
    simulation.creationDate = QDateTime(QDate(2024, 3, 6), QTime(8, 2, 46, 295), Qt::UTC);
    simulation.updateDate = simulation.creationDate;
    const QByteArray written = api::toJsonBytes(simulationToJson(simulation));
    QCOMPARE(
        written,
        R"({"simulation_id":1,"name":"A \"quoted\" run","machine_id":102,"status":"finished",)"
        R"("creation_date":"2024-03-06T08:02:46.295000","update_date":"2024-03-06T08:02:46.295000"})"_ba);
    QCOMPARE(QJsonDocument::fromJson(written).object(), simulationToJson(simulation));

    QCOMPARE(api::toJsonBytes(convergencePointToJson({10, 0.042})),
             R"({"seconds":10,"loss":0.042})"_ba);
    QCOMPARE(api::toJsonBytes(QJsonObject {{u"status"_s, u"pending"_s}, {u"id"_s, 1}}),
             R"({"id":1,"status":"pending"})"_ba);
    Machine machine;
    machine.id = 102;
    machine.name = u"Machine A"_s;
    QCOMPARE(api::toJsonBytes(machineToJson(machine)),
             R"({"machine_id":102,"name":"Machine A"})"_ba);
    // Fields the original did not have follow its own, alphabetically.
    QCOMPARE(api::toJsonBytes(QJsonObject {{u"zeta"_s, 1},
                                           {u"loss"_s, 0.5},
                                           {u"points_done"_s, 3},
                                           {u"seconds"_s, 30},
                                           {u"id"_s, 7}}),
             R"({"id":7,"seconds":30,"loss":0.5,"points_done":3,"zeta":1})"_ba);
}

void TestJsonWriter::timestampsMatchQDateTimeByteForByte()
{
    QList<qint64> times {0,
                         1,
                         999,
                         86'399'999,
                         86'400'000,
                         951'782'400'000, // 2000-02-29
                         4'107'542'399'999, // 2100-02-28T23:59:59.999
                         253'402'300'799'999, // 9999-12-31T23:59:59.999
                         -1,
                         -86'400'001};
    QRandomGenerator random(42);
    for (int i = 0; i < 20'000; ++i)
        times.append(random.bounded(qint64(0), qint64(4'102'444'800'000))); // to 2100
    for (const qint64 ms : std::as_const(times)) {
        QByteArray fast;
        appendTimestamp(fast, ms);
        const QByteArray slow
            = formatTimestamp(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)).toUtf8();
        if (fast != slow)
            QFAIL(qPrintable(u"%1 ms: %2, not %3"_s.arg(ms).arg(QString::fromUtf8(fast),
                                                                QString::fromUtf8(slow))));
    }
}

void TestJsonWriter::summaryBytesMatchTheSlowPathByteForByte_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("status");
    QTest::addColumn<qint64>("id");
    QTest::addColumn<qint64>("creationMs");
    QString everyAscii;
    for (char16_t c = 0; c < 0x80; ++c)
        everyAscii += QChar(c);
    QTest::newRow("seed") << u"Sample Simulation"_s << u"pending"_s << qint64(1)
                          << qint64(1'709'649'000'000);
    QTest::newRow("every ascii character")
        << everyAscii << u"running"_s << qint64(42) << qint64(1'709'649'000'123);
    QTest::newRow("unicode") << u"é 中 😀 \u2028 \u00a0 ÜBER"_s << u"finished"_s
                             << qint64(9'007'199'254'740'991) << qint64(0);
    QTest::newRow("empty name") << QString() << u"failed"_s << qint64(7) << qint64(86'400'000);
    QTest::newRow("quotes and backslashes")
        << u"a \"b\" \\c\\"_s << u"cancelled"_s << qint64(8) << qint64(1);
    QTest::newRow("unknown status reads as failed")
        << u"x"_s << u"exploded"_s << qint64(9) << qint64(2);
    QTest::newRow("lone surrogate")
        << QString(QChar(0xd800)) << u"pending"_s << qint64(10) << qint64(3);
}

void TestJsonWriter::summaryBytesMatchTheSlowPathByteForByte()
{
    QFETCH(QString, name);
    QFETCH(QString, status);
    QFETCH(qint64, id);
    QFETCH(qint64, creationMs);
    SimulationSummary summary;
    summary.id = id;
    summary.name = name;
    summary.machineId = 101;
    summary.status = status;
    summary.creationMs = creationMs;
    summary.updateMs = creationMs + 123'456;
    summary.version = 5;

    // The slow path: a Simulation read as the repository reads one, then its JSON object.
    Simulation simulation;
    simulation.id = id;
    simulation.name = name;
    simulation.machineId = 101;
    simulation.status = statusFromString(status).value_or(SimulationStatus::Failed);
    simulation.creationDate = QDateTime::fromMSecsSinceEpoch(summary.creationMs, Qt::UTC);
    simulation.updateDate = QDateTime::fromMSecsSinceEpoch(summary.updateMs, Qt::UTC);
    const QByteArray slow = api::toJsonBytes(simulationToJson(simulation));
    QCOMPARE(api::simulationSummaryBytes(summary), slow);

    // A list of them, as GET /simulations writes it into one buffer.
    QByteArray list("[");
    api::appendSimulationSummary(list, summary);
    list += ',';
    api::appendSimulationSummary(list, summary);
    list += ']';
    QCOMPARE(
        list,
        api::toJsonBytes(QJsonArray {simulationToJson(simulation), simulationToJson(simulation)}));
}

QTEST_GUILESS_MAIN(TestJsonWriter)
#include "tst_jsonwriter.moc"
