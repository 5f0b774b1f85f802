#include "desktopsettings.h"
#include "mainwindow.h"
#include "runtime.h"
#include "sessionsettingsbox.h"
#include "settingsdialog.h"
#include "testsupport.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace aisim;

// The Settings dialog against a real window and runtime: what this session uses beside what is
// saved, and the engine's run time-out.
class TestSettings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup() { QSettings().clear(); }
    void settingsShowWhatThisSessionUsesAndWhereItDiffers();
    void runTimeoutIsSavedAndShown();
};

void TestSettings::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // keep the user's settings out
}

void TestSettings::settingsShowWhatThisSessionUsesAndWhereItDiffers()
{
    QSettings().clear();
    DesktopSettings {}.save(); // the default file, port 8000, one worker per core
    test::TestDatabase database(test::TestDatabase::Dialect::Sqlite);
    RuntimeOptions options;
    options.database = database.url(); // as --database gives it
    options.engine.workers = 2;
    options.engine.runTimeoutSeconds = 90;
    auto runtime = Runtime::open(options);
    QVERIFY(runtime.ok());
    MainWindow window(*runtime.value());
    window.show();
    QVERIFY(window.startApi(QHostAddress::LocalHost, 0)); // as --port gives it
    const quint16 port = runtime.value()->apiServer()->port();
    QVERIFY(port != 8000);

    window.showSettings();
    auto *dialog = window.findChild<SettingsDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    SessionSettingsBox *box = dialog->inUseBox();
    QVERIFY(box->isVisible());
    QCOMPARE(box->valueText(u"database"_s), database.url().displayString());
    QCOMPARE(box->valueText(u"rest"_s), u"http://127.0.0.1:%1"_s.arg(port));
    QCOMPARE(box->valueText(u"workers"_s), u"2"_s);
    QCOMPARE(box->valueText(u"timeout"_s), u"90 s"_s);
    QCOMPARE(box->differences(),
             (QStringList {u"database"_s, u"port"_s, u"workers"_s, u"run time-out"_s}));
    QVERIFY2(box->summary()->text().contains(u"override the saved settings"_s),
             qPrintable(box->summary()->text()));
    // The fields below still edit what is saved.
    QCOMPARE(dialog->apiPortField()->value(), 8000);
    QCOMPARE(dialog->settings().databaseUrl, QString());
    dialog->reject();
    QTRY_VERIFY(!window.findChild<SettingsDialog *>());

    // Saved as in use: nothing differs, nothing to warn about.
    DesktopSettings same;
    same.databaseUrl = database.url().toString();
    same.apiPort = port;
    same.workers = 2;
    same.runTimeoutSeconds = 90;
    same.save();
    window.showSettings();
    dialog = window.findChild<SettingsDialog *>();
    QVERIFY(dialog);
    QVERIFY(dialog->inUseBox()->differences().isEmpty());
    QVERIFY(!dialog->inUseBox()->summary()->text().contains(u"override"_s));
    dialog->reject();
}

void TestSettings::runTimeoutIsSavedAndShown()
{
    QTemporaryDir dir;
    DesktopSettings settings;
    settings.runTimeoutSeconds = 30;
    SettingsDialog dialog(settings, dir.filePath(u"default.db"_s));
    QCOMPARE(dialog.runTimeoutField()->value(), 30);
    dialog.runTimeoutField()->setValue(0);
    QCOMPARE(dialog.runTimeoutField()->text(), u"no limit"_s);
    dialog.runTimeoutField()->setValue(45);
    dialog.settings().save();
    QCOMPARE(DesktopSettings::load().runTimeoutSeconds, 45);
}

QTEST_MAIN(TestSettings)
#include "tst_settings.moc"
