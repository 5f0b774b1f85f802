#include "privatepostgres.h"

#include <QCollator>
#include <QDir>
#include <QProcess>
#include <QTcpServer>

#include <pwd.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace aisim::test {

PrivatePostgres::PrivatePostgres()
    : m_dir(QDir::tempPath() + u"/aisim-private-pg-XXXXXX"_s)
{
    QStringList versions
        = QDir(u"/usr/lib/postgresql"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QCollator numeric;
    numeric.setNumericMode(true);
    std::sort(versions.begin(), versions.end(), numeric);
    for (auto it = versions.crbegin(); it != versions.crend(); ++it) {
        const QString bin = u"/usr/lib/postgresql/%1/bin"_s.arg(*it);
        if (QFileInfo::exists(bin + u"/pg_ctl"_s)) {
            m_bin = bin;
            break;
        }
    }
    if (m_bin.isEmpty())
        m_error = u"the PostgreSQL server binaries are not installed (postgresql)"_s;
    m_user = u"postgres"_s;
    if (::geteuid() == 0) {
        const passwd *owner = ::getpwnam("postgres");
        if (!owner
            || ::chown(QFile::encodeName(m_dir.path()).constData(), owner->pw_uid, owner->pw_gid)
                != 0) {
            m_bin.clear();
            m_error = u"cannot hand a folder to the postgres user"_s;
        }
    } else {
        m_user = qEnvironmentVariable("USER", u"postgres"_s);
    }
}

PrivatePostgres::~PrivatePostgres()
{
    stop();
}

bool PrivatePostgres::run(const QString &tool, const QStringList &arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    if (::geteuid() == 0)
        process.start(u"runuser"_s,
                      QStringList {u"-u"_s, u"postgres"_s, u"--"_s, m_bin + u'/' + tool}
                          + arguments);
    else
        process.start(m_bin + u'/' + tool, arguments);
    if (!process.waitForFinished(120'000) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        m_error = u"%1 failed: %2"_s.arg(tool, QString::fromLocal8Bit(process.readAll()));
        return false;
    }
    return true;
}

bool PrivatePostgres::start()
{
    if (!isAvailable())
        return false;
    const QString data = m_dir.filePath(u"data"_s);
    if (!m_initialised) {
        if (!run(u"initdb"_s,
                 {u"-D"_s, data, u"-U"_s, m_user, u"--auth=trust"_s, u"-E"_s, u"UTF8"_s}))
            return false;
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        m_port = probe.serverPort();
        m_initialised = true;
    }
    const QString options
        = u"-c listen_addresses=127.0.0.1 -p %1 -k %2 -c fsync=off"_s.arg(m_port).arg(m_dir.path());
    m_running = run(u"pg_ctl"_s,
                    {u"-D"_s, data, u"-l"_s, m_dir.filePath(u"server.log"_s), u"-w"_s, u"-o"_s,
                     options, u"start"_s});
    return m_running;
}

bool PrivatePostgres::stop()
{
    if (!m_running)
        return true;
    m_running = !run(u"pg_ctl"_s,
                     {u"-D"_s, m_dir.filePath(u"data"_s), u"-m"_s, u"fast"_s, u"-w"_s, u"stop"_s});
    return !m_running;
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

} // namespace aisim::test
