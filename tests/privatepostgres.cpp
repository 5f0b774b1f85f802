#include "privatepostgres.h"

#include <QCollator>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTcpServer>

#include <algorithm>

#include <unistd.h>

using namespace Qt::StringLiterals;

namespace aisim::test {

namespace {

// The newest installed server's programs, or empty.
QString serverBinaries()
{
    QStringList versions
        = QDir(u"/usr/lib/postgresql"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCollator numeric;
    numeric.setNumericMode(true);
    std::sort(versions.begin(), versions.end(), numeric);
    for (auto it = versions.crbegin(); it != versions.crend(); ++it) {
        const QString bin = u"/usr/lib/postgresql/%1/bin"_s.arg(*it);
        if (QFile::exists(bin + u"/pg_ctl"_s))
            return bin;
    }
    return {};
}

quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost) ? probe.serverPort() : 0;
}

} // namespace

PrivatePostgres::PrivatePostgres()
{
    m_bin = serverBinaries();
    if (m_bin.isEmpty()) {
        m_error = u"no PostgreSQL server programs under /usr/lib/postgresql"_s;
        return;
    }
    if (!m_dir.isValid()) {
        m_error = u"no temporary folder"_s;
        return;
    }
    const bool root = ::geteuid() == 0;
    m_user = root ? u"postgres"_s : qEnvironmentVariable("USER", u"postgres"_s);
    if (root && !run(u"chown"_s, {u"postgres:"_s, m_dir.path()}))
        return;
    m_port = freePort();
    if (!run(m_bin + u"/initdb"_s,
             {u"-D"_s, m_dir.filePath(u"data"_s), u"-U"_s, m_user, u"--auth=trust"_s, u"-E"_s,
              u"UTF8"_s}))
        return;
    start();
}

PrivatePostgres::~PrivatePostgres()
{
    if (m_running)
        stop();
}

DatabaseUrl PrivatePostgres::url() const
{
    DatabaseUrl url;
    url.dialect = DatabaseUrl::Dialect::PostgreSql;
    url.host = u"127.0.0.1"_s;
    url.port = m_port;
    url.user = m_user;
    url.databaseName = u"postgres"_s;
    return url;
}

bool PrivatePostgres::stop()
{
    m_running = !run(m_bin + u"/pg_ctl"_s,
                     {u"-D"_s, m_dir.filePath(u"data"_s), u"-m"_s, u"fast"_s, u"-w"_s, u"stop"_s});
    return !m_running;
}

bool PrivatePostgres::start()
{
    m_running = run(
        m_bin + u"/pg_ctl"_s,
        {u"-D"_s, m_dir.filePath(u"data"_s), u"-l"_s, m_dir.filePath(u"server.log"_s), u"-w"_s,
         u"-o"_s,
         u"-c listen_addresses=127.0.0.1 -p %1 -k %2 -c fsync=off"_s.arg(m_port).arg(m_dir.path()),
         u"start"_s});
    return m_running;
}

bool PrivatePostgres::run(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    // The server refuses to run as root: its programs run as its owner.
    if (::geteuid() == 0 && program != "chown"_L1)
        process.start(u"runuser"_s, QStringList {u"-u"_s, m_user, u"--"_s, program} + arguments);
    else
        process.start(program, arguments);
    if (!process.waitForFinished(60000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        m_error = u"%1 failed: %2"_s.arg(program, QString::fromLocal8Bit(process.readAll()));
        return false;
    }
    m_error.clear();
    return true;
}

} // namespace aisim::test
