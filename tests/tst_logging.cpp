#include "logging.h"

#include <QFile>
#include <QTemporaryFile>
#include <QTest>
#include <QtConcurrent/QtConcurrentRun>

#include <fcntl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace aisim;

namespace {
// Outside aisim.*, which the test environment quiets (QT_LOGGING_RULES).
Q_LOGGING_CATEGORY(lcTest, "logwriter.test", QtInfoMsg)
Q_LOGGING_CATEGORY(lcQuiet, "logwriter.quiet", QtWarningMsg)

// Sends this process's standard error to a file while it lives.
class CapturedStandardError
{
public:
    explicit CapturedStandardError(const QString &path)
        : m_saved(::dup(STDERR_FILENO))
    {
        const int file = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_TRUNC);
        ::dup2(file, STDERR_FILENO);
        ::close(file);
    }
    ~CapturedStandardError()
    {
        ::dup2(m_saved, STDERR_FILENO);
        ::close(m_saved);
    }

private:
    int m_saved;
};

QStringList linesOf(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
}
} // namespace

// LogWriter: every line reaches standard error, whole and in order; warnings at once, the rest
// within a flush interval; what waits is written when it goes.
class TestLogging : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void linesArriveWholeAndInOrder();
    void infoLinesAreThoseQtWrites();
};

void TestLogging::linesArriveWholeAndInOrder()
{
    QTemporaryFile file;
    QVERIFY(file.open());
    const QString path = file.fileName();
    QStringList lines;
    {
        const CapturedStandardError captured(path);
        {
            const LogWriter writer;
            qCInfo(lcTest) << "first";
            qCInfo(lcTest) << "second";
            qCWarning(lcTest) << "a warning";
            // Written at once, after the lines before it.
            QCOMPARE(linesOf(path),
                     QStringList({u"logwriter.test: first"_s, u"logwriter.test: second"_s,
                                  u"logwriter.test: a warning"_s}));
            qCInfo(lcTest) << "third";
            QTRY_COMPARE_WITH_TIMEOUT(linesOf(path).size(), 4, 5 * LogWriter::kFlushMs + 1'000);
            // Lines logged on many threads at once stay whole.
            QList<QFuture<void>> loggers;
            for (int t = 0; t < 4; ++t) {
                loggers << QtConcurrent::run([t] {
                    for (int i = 0; i < 500; ++i)
                        qCInfo(lcTest, "thread %d line %d of a longer line to interleave", t, i);
                });
            }
            for (QFuture<void> &logger : loggers)
                logger.waitForFinished();
            qCInfo(lcTest) << "last";
        } // the writer goes: what waits is written
        lines = linesOf(path);
        qCInfo(lcTest) << "after"; // the handler before it is back
    }
    QCOMPARE(lines.size(), 4 + 4 * 500 + 1);
    QCOMPARE(lines.constLast(), u"logwriter.test: last"_s);
    QList<int> next(4, 0);
    for (const QString &line : lines.mid(4, 4 * 500)) {
        const QStringList words = line.split(u' ');
        QCOMPARE(words.size(), 11);
        const int thread = words.at(2).toInt();
        QCOMPARE(words.at(4).toInt(), next[thread]++); // each thread's lines in order
    }
    QCOMPARE(next, QList<int>(4, 500));
    QCOMPARE(linesOf(path).size(), lines.size());
}

// LogWriter::info writes the line qCInfo writes, through the writer or, without one, through
// Qt; a category that is off writes nothing.
void TestLogging::infoLinesAreThoseQtWrites()
{
    QTemporaryFile file;
    QVERIFY(file.open());
    const QString path = file.fileName();
    const QByteArray message = "127.0.0.1 GET /simulation/1%0A 200 0.1ms"_ba;
    {
        const CapturedStandardError captured(path);
        {
            const LogWriter writer;
            qCInfo(lcTest, "%s", message.constData());
            LogWriter::info(lcTest(), message);
            LogWriter::info(lcQuiet(), "not written");
            LogWriter::info(lcTest(), "the end");
        }
    }
    const QString expected = u"logwriter.test: "_s + QString::fromLatin1(message);
    QCOMPARE(linesOf(path), QStringList({expected, expected, u"logwriter.test: the end"_s}));

    // Without a writer, Qt's handler gets the message.
    static QStringList handled;
    handled.clear();
    const QtMessageHandler previous = qInstallMessageHandler(
        [](QtMsgType type, const QMessageLogContext &context, const QString &text) {
            handled << qFormatLogMessage(type, context, text);
        });
    LogWriter::info(lcTest(), message);
    LogWriter::info(lcQuiet(), "not written");
    qInstallMessageHandler(previous);
    QCOMPARE(handled, QStringList {expected});
}

QTEST_GUILESS_MAIN(TestLogging)
#include "tst_logging.moc"
