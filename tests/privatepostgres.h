#pragma once

#include "databaseurl.h"

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace aisim::test {

// A PostgreSQL server of one test's own, in a temporary folder on a free loopback port, that
// the test may stop and start again without disturbing any other test. Run as the postgres
// user when the test runs as root (as scripts/postgres.sh does).
class PrivatePostgres
{
public:
    PrivatePostgres();
    ~PrivatePostgres();
    PrivatePostgres(const PrivatePostgres &) = delete;
    PrivatePostgres &operator=(const PrivatePostgres &) = delete;

    // Whether the server binaries are installed; why not in error().
    bool isAvailable() const { return !m_bin.isEmpty(); }
    // Creates the cluster on first use, then starts the server and waits until it accepts.
    bool start();
    // Stops the server (fast shutdown: sessions are ended, as by an administrator).
    bool stop();
    const QString &error() const { return m_error; }
    DatabaseUrl url() const;

private:
    bool run(const QString &tool, const QStringList &arguments);

    QString m_bin;
    QString m_user;
    QTemporaryDir m_dir;
    int m_port = 0;
    bool m_initialised = false;
    bool m_running = false;
    QString m_error;
};

} // namespace aisim::test
