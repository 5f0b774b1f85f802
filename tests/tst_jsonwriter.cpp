#include "jsonwriter.h"
#include "serialize.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>
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
    void originalFieldsComeInTheOriginalOrder();
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

QTEST_GUILESS_MAIN(TestJsonWriter)
#include "tst_jsonwriter.moc"
