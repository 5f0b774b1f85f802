#include "database.h"
#include "machinerepository.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace Qt::StringLiterals;
using namespace aisim;

namespace {
// The permission bits of a file or folder, as ls shows them (0600, 0755 …).
int mode(const QString &path)
{
    struct stat info
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return int(info.st_mode & 07777);
}

// Opens the database, writes to it and keeps the connection open, so that SQLite's -wal and
// -shm files exist when the permissions are looked at.
bool openAndWrite(Database &database)
{
    return database.migrate().ok() && MachineRepository(database).create(7, u"M"_s).ok();
}

// Sets the process's umask for the lifetime of the object.
class Umask
{
public:
    explicit Umask(mode_t mask)
        : m_previous(::umask(mask))
    { }
    ~Umask() { ::umask(m_previous); }

private:
    mode_t m_previous;
};
} // namespace

// Who may read the database files: the desktop's are the user's alone, a service's follow the
// umask its unit sets.
class TestPrivateFiles : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void newFilesAndFoldersAreTheOwnersAlone();
    void existingFilesAreMadePrivate();
    void theDefaultFolderIsMadePrivate();
    void aServiceKeepsItsUmask();
    void theDesktopsDefaultDatabaseIsPrivate();
};

void TestPrivateFiles::newFilesAndFoldersAreTheOwnersAlone()
{
    const Umask umask(022);
    const QTemporaryDir dir;
    const QString path = dir.filePath(u"new/folder/aisim.db"_s);
    Database database(DatabaseUrl::sqliteFile(path), Database::Privacy::PrivateFiles);
    QVERIFY(openAndWrite(database));
    QCOMPARE(mode(dir.filePath(u"new"_s)), 0700);
    QCOMPARE(mode(dir.filePath(u"new/folder"_s)), 0700);
    QCOMPARE(mode(path), 0600);
    // SQLite gives its -wal and -shm files the database file's permissions.
    QCOMPARE(mode(path + u"-wal"_s), 0600);
    QCOMPARE(mode(path + u"-shm"_s), 0600);
}

void TestPrivateFiles::existingFilesAreMadePrivate()
{
    const Umask umask(022);
    const QTemporaryDir dir;
    QVERIFY(QDir().mkpath(dir.filePath(u"chosen"_s)));
    const QString path = dir.filePath(u"chosen/aisim.db"_s);
    {
        Database older(DatabaseUrl::sqliteFile(path));
        QVERIFY(openAndWrite(older));
        QCOMPARE(mode(path), 0644); // as an older version left it
    }
    QFile::setPermissions(path + u"-wal"_s, QFile::Permissions(0x6644));
    Database database(DatabaseUrl::sqliteFile(path), Database::Privacy::PrivateFiles);
    QVERIFY(database.open().ok());
    QCOMPARE(mode(path), 0600);
    if (QFileInfo::exists(path + u"-wal"_s))
        QCOMPARE(mode(path + u"-wal"_s), 0600);
    QCOMPARE(mode(dir.filePath(u"chosen"_s)), 0755); // a folder the user chose is left alone
}

void TestPrivateFiles::theDefaultFolderIsMadePrivate()
{
    const Umask umask(022);
    const QTemporaryDir dir;
    const QString folder = dir.filePath(u"aisim"_s);
    QVERIFY(QDir().mkpath(folder));
    QCOMPARE(mode(folder), 0755);
    Database database(DatabaseUrl::sqliteFile(folder + u"/aisim.db"_s),
                      Database::Privacy::PrivateFolder);
    QVERIFY(openAndWrite(database));
    QCOMPARE(mode(folder), 0700);
    QCOMPARE(mode(folder + u"/aisim.db"_s), 0600);
}

void TestPrivateFiles::aServiceKeepsItsUmask()
{
    const Umask umask(027); // the systemd unit's UMask=
    const QTemporaryDir dir;
    const QString path = dir.filePath(u"state/aisim.db"_s);
    Database database(DatabaseUrl::sqliteFile(path));
    QVERIFY(openAndWrite(database));
    QCOMPARE(mode(dir.filePath(u"state"_s)), 0750);
    QCOMPARE(mode(path), 0640);
}

void TestPrivateFiles::theDesktopsDefaultDatabaseIsPrivate()
{
    const QTemporaryDir home;
    QProcess aisim;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"XDG_DATA_HOME"_s, home.path());
    environment.remove(u"AISIM_DATABASE"_s);
    aisim.setProcessEnvironment(environment);
    // A shell sets the usual umask first: without the fix the files would be world-readable.
    aisim.start(
        u"sh"_s,
        {u"-c"_s, u"umask 022 && exec \"$0\" token list"_s, QStringLiteral(AISIM_EXECUTABLE)});
    QVERIFY(aisim.waitForFinished(60000));
    QCOMPARE(aisim.exitCode(), 0);
    const QString folder = home.path() + u"/AISimulation/aisim"_s;
    QVERIFY2(QFileInfo::exists(folder + u"/aisim.db"_s), qPrintable(folder));
    QCOMPARE(mode(home.path() + u"/AISimulation"_s), 0700);
    QCOMPARE(mode(folder), 0700);
    QCOMPARE(mode(folder + u"/aisim.db"_s), 0600);
}

QTEST_GUILESS_MAIN(TestPrivateFiles)
#include "tst_privatefiles.moc"
