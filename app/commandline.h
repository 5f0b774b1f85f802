#pragma once

#include "runtime.h"

#include <QHostAddress>
#include <QStringList>

#include <optional>

namespace aisim {

// What the command line asks for, validated.
struct CommandLine
{
    enum class Command { Desktop, Serve, Worker, Token };

    Command command = Command::Desktop;
    RuntimeOptions runtime;
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 8000;
    bool serveApi = true;
    bool verbose = false;
    bool demo = false;
    // `aisim token ACTION [NAME]`: the action and its arguments, checked by runTokenCommand().
    QStringList tokenArguments;
    QString tokenName;
    QString tokenScope;
};

// Parses the arguments; on failure prints the reason and exits with status 2.
// --help and --version print and exit with status 0.
CommandLine parseCommandLine(const QStringList &arguments);
// The default SQLite file under the user's data directory.
QString defaultDatabasePath();

} // namespace aisim
