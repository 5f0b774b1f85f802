// The baseline of scripts/bench: a bare QHttpServer on one thread that answers every GET and
// POST with fixed bytes read from a folder at start (the file named by the request's path), as
// application/json. No routing table, no database, no tokens: what Qt's HTTP server costs alone.
//
//   bench_bare_http --root DIR [--port N]   prints "port N" once listening
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDirIterator>
#include <QHash>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QTextStream>

using namespace Qt::StringLiterals;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption rootOption {u"root"_s, u"Folder of answers, one file per path."_s,
                                         u"dir"_s};
    const QCommandLineOption portOption {u"port"_s, u"Port (0: any free one)."_s, u"port"_s,
                                         u"0"_s};
    parser.addOptions({rootOption, portOption});
    parser.addHelpOption();
    parser.process(app);

    // Every answer is read once: the server only copies bytes.
    QHash<QString, QByteArray> answers;
    const QString root = parser.value(rootOption);
    QDirIterator files(root, QDir::Files, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        const QString path = files.next();
        QFile file(path);
        if (file.open(QIODevice::ReadOnly))
            answers.insert(path.mid(root.size()), file.readAll());
    }
    if (answers.isEmpty()) {
        QTextStream(stderr) << "bench_bare_http: no files under '" << root << "'\n";
        return 1;
    }

    QHttpServer server;
    server.setMissingHandler(
        [&answers](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            const auto found = answers.constFind(request.url().path());
            if (found == answers.constEnd()) {
                responder.write(QHttpServerResponder::StatusCode::NotFound);
                return;
            }
            responder.write(found.value(), "application/json"_ba);
        });
    const quint16 port
        = server.listen(QHostAddress::LocalHost, parser.value(portOption).toUShort());
    if (port == 0) {
        QTextStream(stderr) << "bench_bare_http: cannot listen\n";
        return 1;
    }
    QTextStream(stdout) << "port " << port << Qt::endl;
    return app.exec();
}
