#include "commandline.h"

#include "apiserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>
#include <QTextStream>
#include <QUrl>

#include <cstdio>
#include <cstdlib>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
[[noreturn]] void fail(const QString &message)
{
    QTextStream(stderr) << QCoreApplication::applicationName() << ": " << message << '\n'
                        << "Try 'aisim --help' for more information.\n";
    std::exit(2);
}

int positiveInt(const QString &text, const QString &option, int maximum)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < 0 || value > maximum)
        fail(u"--%1 takes a whole number from 0 to %2, not '%3'"_s.arg(option).arg(maximum).arg(
            text));
    return value;
}
} // namespace

QString defaultDatabasePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/aisim.db"_L1;
}

namespace {
// Every option of the command line, described once for the parser and for wantsDesktop().
struct Options
{
    QCommandLineOption database {
        u"database"_s,
        u"Database URL: sqlite:///path/file.db or postgresql://user:password@host:port/db. "
        "Default: $AISIM_DATABASE, else sqlite://"_s
            + defaultDatabasePath() + u'.',
        u"url"_s};
    QCommandLineOption host {u"host"_s, u"Address the REST API listens on (127.0.0.1)."_s,
                             u"address"_s, u"127.0.0.1"_s};
    QCommandLineOption port {u"port"_s, u"Port of the REST API (8000)."_s, u"port"_s, u"8000"_s};
    QCommandLineOption noApi {u"no-api"_s, u"Do not start the REST API (desktop only)."_s};
    QCommandLineOption workers {
        u"workers"_s, u"Simulations run at once; 0 runs none here (default: one per core)."_s,
        u"n"_s};
    QCommandLineOption machine {
        u"machine"_s, u"Serve only this machine id; repeat for more (worker)."_s, u"id"_s};
    QCommandLineOption lease {u"lease-seconds"_s,
                              u"How long a silent worker keeps its runs (30)."_s, u"seconds"_s,
                              u"30"_s};
    QCommandLineOption verdictPoints {u"verdict-points"_s,
                                      u"Judge a run's convergence on its last K points (5)."_s,
                                      u"k"_s, u"5"_s};
    QCommandLineOption stallThreshold {
        u"stall-threshold"_s,
        u"A run improving less than this (relative) over those points has stalled (0.01)."_s,
        u"fraction"_s, u"0.01"_s};
    QCommandLineOption runTimeout {
        u"run-timeout"_s,
        u"Stop an attempt of a run still running this long after its claim, unless the run "
        "sets its own timeout_seconds; 0: no limit (0)."_s,
        u"seconds"_s, u"0"_s};
    QCommandLineOption demo {u"demo"_s, u"Fill an empty database with demo machines and runs."_s};
    QCommandLineOption verbose {u"verbose"_s, u"Log debugging details."_s};
    QCommandLineOption screenshot {u"screenshot"_s, u"Save a picture of the window and quit."_s,
                                   u"file"_s};
    QCommandLineOption screenshotDialog {u"screenshot-dialog"_s,
                                         u"Picture this dialog instead: new, settings or tokens."_s,
                                         u"dialog"_s};
    QCommandLineOption screenshotDelay {u"screenshot-delay"_s, u"Wait this long first."_s, u"ms"_s,
                                        u"4000"_s};
    QCommandLineOption screenshotSize {u"screenshot-size"_s, u"The window's size (1280x800)."_s,
                                       u"WxH"_s, u"1280x800"_s};
    QCommandLineOption noAuth {u"no-auth"_s,
                               u"Serve the REST API without tokens (loopback only)."_s};
    QCommandLineOption corsOrigin {
        u"cors-origin"_s, u"Let pages from this origin call the REST API; repeat for more."_s,
        u"origin"_s};
    QCommandLineOption requestTimeout {
        u"request-timeout"_s,
        u"Answer 408 to a request not complete this long after its first byte (30)."_s,
        u"seconds"_s, u"30"_s};
    QCommandLineOption idleTimeout {u"idle-timeout"_s,
                                    u"Close a kept-alive REST connection idle this long (120)."_s,
                                    u"seconds"_s, u"120"_s};
    QCommandLineOption tokenName {u"name"_s, u"Name of the new token (token create)."_s, u"name"_s};
    QCommandLineOption tokenScope {
        u"scope"_s, u"Scope of the new token: read, write or admin (token create)."_s, u"scope"_s};

    Options()
    {
        for (QCommandLineOption *hidden :
             {&screenshot, &screenshotDialog, &screenshotDelay, &screenshotSize})
            hidden->setFlags(QCommandLineOption::HiddenFromHelp);
    }

    void describe(QCommandLineParser &parser) const
    {
        parser.setApplicationDescription(
            u"AISimulation: manage machines and simulation runs, watch them converge, and "
            "script against them through a REST API.\n\n"
            "Commands:\n"
            "  (none)   the desktop application, with the engine and the REST API\n"
            "  serve    the engine and the REST API without a window\n"
            "  worker   an engine only, serving the given machines (for scale-out on "
            "PostgreSQL)\n"
            "  token    REST API tokens: token create --name NAME --scope read|write|admin,\n"
            "           token list, token revoke NAME"_s);
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addPositionalArgument(
            u"command"_s, u"serve, worker or token; none for the desktop."_s, u"[command]"_s);
        parser.addOptions({database,        host,           port,           noApi,
                           workers,         machine,        lease,          runTimeout,
                           verdictPoints,   stallThreshold, demo,           verbose,
                           noAuth,          corsOrigin,     requestTimeout, idleTimeout,
                           tokenName,       tokenScope,     screenshot,     screenshotDialog,
                           screenshotDelay, screenshotSize});
    }
};
} // namespace

CommandLine parseCommandLine(const QStringList &arguments)
{
    const Options options;
    QCommandLineParser parser;
    options.describe(parser);
    parser.process(arguments);

    CommandLine result;
    const QStringList positional = parser.positionalArguments();
    const QString command = positional.value(0);
    if (positional.size() > 1 && command != "token"_L1)
        fail(u"too many arguments: %1"_s.arg(positional.join(u' ')));
    if (command == "token"_L1)
        result.command = CommandLine::Command::Token;
    else if (command == "serve"_L1)
        result.command = CommandLine::Command::Serve;
    else if (command == "worker"_L1)
        result.command = CommandLine::Command::Worker;
    else if (!command.isEmpty())
        fail(u"unknown command '%1'"_s.arg(command));

    QString url = parser.value(options.database);
    if (url.isEmpty())
        url = qEnvironmentVariable("AISIM_DATABASE");
    if (url.isEmpty()) {
        result.runtime.database = DatabaseUrl::sqliteFile(defaultDatabasePath());
        // The per-user data folder holds run history and token hashes: the user's alone.
        result.runtime.databasePrivacy = Database::Privacy::PrivateFolder;
    } else {
        QString error;
        const auto parsed = DatabaseUrl::parse(url, &error);
        if (!parsed)
            fail(error);
        result.runtime.database = *parsed;
    }

    const auto address = api::ApiServer::parseAddress(parser.value(options.host));
    if (!address)
        fail(u"--host takes an IP address such as 127.0.0.1 or ::1, or localhost; not '%1'"_s.arg(
            parser.value(options.host)));
    result.host = *address;
    result.port = quint16(positiveInt(parser.value(options.port), u"port"_s, 65535));
    if (parser.isSet(options.workers)) {
        result.runtime.engine.workers
            = positiveInt(parser.value(options.workers), u"workers"_s, 256);
        result.runtime.runEngine = result.runtime.engine.workers > 0;
    }
    result.runtime.engine.leaseMs
        = qint64(std::max(1, positiveInt(parser.value(options.lease), u"lease-seconds"_s, 86400)))
        * 1000;
    const int verdictPoints = positiveInt(parser.value(options.verdictPoints), u"verdict-points"_s,
                                          LossThresholds::kMaxPoints);
    if (verdictPoints < LossThresholds::kMinPoints)
        fail(u"--verdict-points takes %1 to %2, not %3"_s.arg(LossThresholds::kMinPoints)
                 .arg(LossThresholds::kMaxPoints)
                 .arg(verdictPoints));
    result.runtime.engine.lossThresholds.points = verdictPoints;
    bool thresholdOk = false;
    const double stall = parser.value(options.stallThreshold).toDouble(&thresholdOk);
    if (!thresholdOk || !(stall >= 0) || stall > LossThresholds::kMaxStallThreshold)
        fail(u"--stall-threshold takes a fraction from 0 to %1, not '%2'"_s
                 .arg(LossThresholds::kMaxStallThreshold)
                 .arg(parser.value(options.stallThreshold)));
    result.runtime.engine.lossThresholds.stallThreshold = stall;
    result.verdictPointsGiven = parser.isSet(options.verdictPoints);
    result.stallThresholdGiven = parser.isSet(options.stallThreshold);
    result.runtime.engine.runTimeoutSeconds
        = positiveInt(parser.value(options.runTimeout), u"run-timeout"_s, kMaxRunTimeoutSeconds);
    for (const QString &id : parser.values(options.machine)) {
        bool ok = false;
        const qint64 value = id.toLongLong(&ok);
        if (!ok || value <= 0)
            fail(u"--machine takes a machine id, a positive whole number, not '%1'"_s.arg(id));
        result.runtime.engine.machineIds << value;
    }
    if (result.command == CommandLine::Command::Worker) {
        if (result.runtime.engine.machineIds.isEmpty())
            fail(u"worker needs at least one --machine ID"_s);
        if (!result.runtime.runEngine)
            fail(u"a worker with --workers 0 would do nothing"_s);
        result.serveApi = false;
    } else if (!result.runtime.engine.machineIds.isEmpty()) {
        fail(u"--machine is for the worker command"_s);
    }
    if (result.command != CommandLine::Command::Desktop && parser.isSet(options.noApi))
        fail(u"--no-api is for the desktop; serve always serves the API"_s);
    if (parser.isSet(options.noApi))
        result.serveApi = false;
    if (parser.isSet(options.noAuth)) {
        if (!result.host.isLoopback())
            fail(u"--no-auth is only allowed when listening on a loopback address, not on %1"_s.arg(
                result.host.toString()));
        result.runtime.apiAuth = api::AuthMode::Disabled;
    } else if (result.command == CommandLine::Command::Desktop
               || result.command == CommandLine::Command::Serve) {
        // Only a process that serves the API asks for tokens (and makes the first one).
        result.runtime.apiAuth = api::AuthMode::Required;
    }
    result.runtime.connectionTimeouts.requestMs
        = std::max(1,
                   positiveInt(parser.value(options.requestTimeout), u"request-timeout"_s, 86400))
        * 1000;
    result.runtime.connectionTimeouts.idleMs
        = std::max(1, positiveInt(parser.value(options.idleTimeout), u"idle-timeout"_s, 86400))
        * 1000;
    for (const QString &origin : parser.values(options.corsOrigin)) {
        const QUrl url(origin);
        if (origin != "*"_L1
            && (!url.isValid() || url.scheme().isEmpty() || url.host().isEmpty()
                || !url.path().isEmpty()))
            fail(u"--cors-origin takes an origin such as https://example.org, not '%1'"_s.arg(
                origin));
        result.runtime.corsOrigins << origin;
    }
    result.tokenArguments = positional.mid(1);
    result.tokenName = parser.value(options.tokenName);
    result.tokenScope = parser.value(options.tokenScope);
    if (result.command != CommandLine::Command::Token
        && (parser.isSet(options.tokenName) || parser.isSet(options.tokenScope)))
        fail(u"--name and --scope are for 'token create'"_s);
    result.demo = parser.isSet(options.demo);
    result.databaseGiven = !parser.value(options.database).isEmpty()
        || !qEnvironmentVariable("AISIM_DATABASE").isEmpty();
    result.hostGiven = parser.isSet(options.host);
    result.portGiven = parser.isSet(options.port);
    result.workersGiven = parser.isSet(options.workers);
    result.runTimeoutGiven = parser.isSet(options.runTimeout);
    result.screenshotPath = parser.value(options.screenshot);
    result.screenshotDialog = parser.value(options.screenshotDialog);
    result.screenshotDelayMs
        = positiveInt(parser.value(options.screenshotDelay), u"screenshot-delay"_s, 600'000);
    const QStringList size = parser.value(options.screenshotSize).split(u'x');
    if (size.size() != 2)
        fail(u"--screenshot-size takes WIDTHxHEIGHT, e.g. 900x600"_s);
    result.screenshotSize = QSize(positiveInt(size.first(), u"screenshot-size"_s, 10'000),
                                  positiveInt(size.last(), u"screenshot-size"_s, 10'000));
    result.verbose = parser.isSet(options.verbose);
    return result;
}

bool wantsDesktop(int argc, char *argv[])
{
    // The same parser as parseCommandLine(), so that every option's value is skipped alike;
    // a command line it cannot read goes the headless way, where the real parser explains.
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    const Options options;
    QCommandLineParser parser;
    options.describe(parser);
    if (!parser.parse(arguments))
        return false;
    if (parser.isSet(u"help"_s) || parser.isSet(u"help-all"_s) || parser.isSet(u"version"_s))
        return false;
    return parser.positionalArguments().isEmpty();
}

} // namespace aisim
