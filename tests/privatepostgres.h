#pragma once

#include "databaseurl.h"

#include <QString>
#include <QTemporaryDir>

namespace aisim::test {

// A PostgreSQL server of one test's own, in a temporary folder on a free loopback port, that
// the test may stop and start again without disturbing the server other tests share. Run as
// the postgres user when the test runs as root, as scripts/postgres.sh does.
class PrivatePostgres
{
public:
    PrivatePostgres();
    ~PrivatePostgres();

    bool isRunning() const { return m_running; }
    // Why the server could not be set up or started; empty when it works.
    const QString &error() const { return m_error; }
    DatabaseUrl url() const;

    // pg_ctl stop -m fast: connections are cut at once, new ones refused.
    bool stop();
    // Starts it again on the same port.
    bool start();

private:
    bool run(const QString &program, const QStringList &arguments);

    QTemporaryDir m_dir;
    QString m_bin;
    QString m_user;
    quint16 m_port = 0;
    bool m_running = false;
    QString m_error;
};

} // namespace aisim::test
