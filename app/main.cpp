#include "commandline.h"
#include "demo.h"
#include "desktop.h"
#include "logging.h"
#include "signalwatcher.h"
#include "tokencommand.h"

#include <QApplication>
#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTextStream>

#include <memory>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

using namespace Qt::StringLiterals;
using namespace aisim;

namespace {

// glibc hands the free memory at the top of a thread's heap back to the system once it passes
// 128 kB (until a freed block large enough to be mapped alone raises that bar), and the next
// request takes it again: a young server's page of a name search at a million runs paid a
// madvise(), its TLB flushes and the page faults after it each time, 13 % of the server's time
// (perf, 6.4 % each). Each heap keeps up to kKeptFree instead, and blocks of kMmapAtLeast or
// more are still mapped alone and unmapped when freed: the peak RSS of an unpaged list of a
// million runs stays 35 MB.
void keepFreedMemoryForReuse()
{
#if defined(__GLIBC__)
    constexpr int kKeptFree = 8 * 1024 * 1024;
    constexpr int kMmapAtLeast = 1024 * 1024;
    mallopt(M_TRIM_THRESHOLD, kKeptFree);
    mallopt(M_MMAP_THRESHOLD, kMmapAtLeast);
#endif
}

void setUpApplication()
{
    keepFreedMemoryForReuse();
    QCoreApplication::setOrganizationName(u"AISimulation"_s);
    QCoreApplication::setApplicationName(u"aisim"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(AISIM_VERSION));
}

// `aisim serve` and `aisim worker`: the engine (and the API) until SIGINT or SIGTERM.
int runHeadless(QCoreApplication &app, const CommandLine &options)
{
    QTextStream out(stdout);
    auto runtime = Runtime::open(options.runtime);
    if (!runtime) {
        QTextStream(stderr) << "aisim: " << runtime.error().message << '\n';
        return 1;
    }
    Runtime &rt = *runtime.value();
    if (options.demo)
        seedDemoData(rt.service());
    if (options.serveApi) {
        const auto port = rt.startApi(options.host, options.port);
        if (!port) {
            QTextStream(stderr) << "aisim: " << port.error().message << '\n';
            return 1;
        }
        out << "AISimulation REST API on " << rt.apiServer()->baseUrl() << '\n';
        if (!rt.initialAdminToken().isEmpty())
            out << "Created the first admin token (shown only once; 'aisim token' manages "
                   "tokens):\n    "
                << rt.initialAdminToken() << '\n';
    }
    out << "Database: " << options.runtime.database.displayString() << '\n';
    if (rt.engine())
        out << "Engine " << rt.engine()->workerId() << " with " << rt.engine()->workerCount()
            << " workers\n";
    out.flush();

    SignalWatcher signals;
    QObject::connect(&signals, &SignalWatcher::terminationRequested, &app, &QCoreApplication::quit);
    const int status = app.exec();
    runtime.value().reset(); // stops the API and hands unfinished runs back
    return status;
}

bool hasDisplay()
{
    return !qEnvironmentVariableIsEmpty("DISPLAY")
        || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        || !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM");
}

} // namespace

int main(int argc, char *argv[])
{
    setUpApplication();
    if (wantsDesktop(argc, argv) && hasDisplay()) {
        QApplication app(argc, argv);
        const LogWriter logWriter;
        const CommandLine options = parseCommandLine(app.arguments());
        if (options.verbose)
            QLoggingCategory::setFilterRules(u"aisim.*.debug=true"_s);
        return runDesktop(options);
    }
    QCoreApplication app(argc, argv);
    const LogWriter logWriter;
    const CommandLine options = parseCommandLine(app.arguments());
    if (options.command == CommandLine::Command::Desktop) {
        QTextStream(stderr) << "aisim: no display for the desktop window; run 'aisim serve' for "
                               "the headless server\n";
        return 1;
    }
    if (options.verbose)
        QLoggingCategory::setFilterRules(u"aisim.*.debug=true"_s);
    if (options.command == CommandLine::Command::Token)
        return runTokenCommand(options);
    return runHeadless(app, options);
}
