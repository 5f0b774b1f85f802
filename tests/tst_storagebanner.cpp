#include "desktopfixture.h"
#include "newsimulationdialog.h"
#include "simulationrepository.h"
#include "storagebanner.h"
#include "storagehealth.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QSqlDatabase>

using namespace Qt::StringLiterals;
using namespace aisim;

// The window's banner over a real database that fills up and frees space again.
class TestStorageBanner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bannerShowsWhileTheDiskIsFullAndClearsAfter();
};

void TestStorageBanner::bannerShowsWhileTheDiskIsFullAndClearsAfter()
{
    test::Desktop desktop(1);
    Database &database = desktop.runtime->database();
    database.health().setProbeIntervalMs(100);
    StorageBanner *banner = desktop.window->storageBanner();
    QVERIFY(banner);
    QVERIFY(!banner->isVisible());

    int pages = 0;
    {
        QSqlDatabase own = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"own"_s);
        own.setDatabaseName(desktop.database.url().path);
        QVERIFY(own.open());
        QSqlQuery query(own);
        QVERIFY(query.exec(u"PRAGMA page_count"_s) && query.next());
        pages = query.value(0).toInt();
    }
    QSqlDatabase::removeDatabase(u"own"_s);
    database.setSessionStatements({u"PRAGMA max_page_count=%1"_s.arg(pages)});

    // New runs until the database has no room left for one.
    StorageFault fault = StorageFault::None;
    for (int i = 0; i < 1000 && fault == StorageFault::None; ++i) {
        NewSimulation simulation;
        simulation.name = u"filler %1"_s.arg(i);
        simulation.machineId = 1;
        simulation.parameters.paceMs = 60000;
        const auto created = desktop.service().create(simulation, u"Machine"_s);
        if (!created)
            fault = created.error().fault;
    }
    QCOMPARE(fault, StorageFault::Full);
    QTRY_VERIFY(banner->isVisible());
    QCOMPARE(banner->fault(), StorageFault::Full);
    QCOMPARE(banner->text(), storageFaultBanner(StorageFault::Full));
    QVERIFY(banner->text().contains(u"disk is full"_s));

    // A new run cannot be saved: the dialog says why and keeps what was typed.
    desktop.window->actions()->newSimulation()->trigger();
    QPointer<NewSimulationDialog> dialog = desktop.window->findChild<NewSimulationDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    dialog->nameField()->setText(u"typed while the disk was full"_s);
    dialog->buttons()->button(QDialogButtonBox::Ok)->click();
    QTRY_VERIFY_WITH_TIMEOUT(dialog->problemLabel()->text().contains(u"storage is full"_s), 15000);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->nameField()->text(), u"typed while the disk was full"_s);
    QVERIFY(banner->isVisible());
    const QString picture = QDir::temp().filePath(u"aisim-storage-banner.png"_s);
    QVERIFY(desktop.window->grab().save(picture));
    QVERIFY(dialog->grab().save(QDir::temp().filePath(u"aisim-storage-dialog.png"_s)));
    qInfo("window with the banner: %s", qPrintable(picture));

    // Space comes back: the banner goes by itself, and OK saves what was typed.
    database.setSessionStatements({u"PRAGMA max_page_count=1073741823"_s});
    QTRY_VERIFY_WITH_TIMEOUT(!banner->isVisible(), 10000);
    QCOMPARE(banner->fault(), StorageFault::None);
    dialog->buttons()->button(QDialogButtonBox::Ok)->click();
    QTRY_VERIFY_WITH_TIMEOUT(!dialog || !dialog->isVisible(), 15000);
    SimulationQuery named;
    named.nameContains = u"typed while the disk was full"_s;
    QCOMPARE(SimulationRepository(database).count(named).value(), 1);
}

QTEST_MAIN(TestStorageBanner)
#include "tst_storagebanner.moc"
