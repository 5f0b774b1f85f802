#pragma once

#include "runtime.h"

#include <QHostAddress>
#include <QSize>
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
    // Options given explicitly (on the command line or, for the database, in $AISIM_DATABASE):
    // the desktop's saved settings apply to the others.
    bool databaseGiven = false;
    bool hostGiven = false;
    bool portGiven = false;
    bool workersGiven = false;
    bool verdictPointsGiven = false;
    bool stallThresholdGiven = false;
    bool runTimeoutGiven = false;
    // Hidden: save a picture of the window (or of one dialog) after a delay, then quit.
    QString screenshotPath;
    QString screenshotDialog;
    int screenshotDelayMs = 4000;
    QSize screenshotSize {1280, 800};
    // `aisim token ACTION [NAME]`: the action and its arguments, checked by runTokenCommand().
    QStringList tokenArguments;
    QString tokenName;
    QString tokenScope;
};

// True when the arguments ask for the desktop window rather than a headless command, --help
// or --version; decided before the application object exists.
bool wantsDesktop(int argc, char *argv[]);

// Parses the arguments; on failure prints the reason and exits with status 2.
// --help and --version print and exit with status 0.
CommandLine parseCommandLine(const QStringList &arguments);
// The default SQLite file under the user's data directory.
QString defaultDatabasePath();

} // namespace aisim
