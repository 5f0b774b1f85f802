#include "logging.h"

#include <QDeadlineTimer>
#include <QThread>

#include <atomic>
#include <cerrno>
#include <unistd.h>

namespace aisim {

Q_LOGGING_CATEGORY(lcStorage, "aisim.storage", QtInfoMsg)
Q_LOGGING_CATEGORY(lcEngine, "aisim.engine", QtInfoMsg)
Q_LOGGING_CATEGORY(lcApi, "aisim.api", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAccess, "aisim.api.access", QtInfoMsg)

namespace {
std::atomic<LogWriter *> s_writer {nullptr};
// More than this waiting is written by the thread that logs (a flood must not grow memory).
constexpr qsizetype kMaxWaitingBytes = qsizetype(1) << 20;

void writeAll(const QByteArray &bytes)
{
    const char *data = bytes.constData();
    qsizetype left = bytes.size();
    while (left > 0) {
        const ssize_t written = ::write(STDERR_FILENO, data, size_t(left));
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return; // standard error is gone: nothing else to tell it to
        data += written;
        left -= written;
    }
}
} // namespace

LogWriter::LogWriter()
{
    m_thread.reset(QThread::create([this] { run(); }));
    m_thread->setObjectName(QStringLiteral("aisim-log"));
    m_thread->start();
    m_defaultPattern = qEnvironmentVariableIsEmpty("QT_MESSAGE_PATTERN");
    s_writer.store(this);
    m_previous = qInstallMessageHandler(&LogWriter::handle);
}

LogWriter::~LogWriter()
{
    qInstallMessageHandler(m_previous);
    s_writer.store(nullptr);
    {
        const QMutexLocker lock(&m_mutex);
        m_stopping = true;
        m_wake.wakeOne();
    }
    m_thread->wait();
}

void LogWriter::handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QString formatted = qFormatLogMessage(type, context, message);
    if (formatted.isNull())
        return;
    QByteArray line = formatted.toLocal8Bit();
    line += '\n';
    if (LogWriter *writer = s_writer.load())
        writer->add(type, line);
    else
        writeAll(line);
}

void LogWriter::info(const QLoggingCategory &category, QByteArrayView message)
{
    if (!category.isInfoEnabled())
        return;
    LogWriter *writer = s_writer.load();
    if (!writer || !writer->m_defaultPattern) {
        QMessageLogger(nullptr, 0, nullptr, category.categoryName())
            .info("%.*s", int(message.size()), message.data());
        return;
    }
    // Qt's default pattern: "%{if-category}%{category}: %{endif}%{message}".
    const QByteArrayView name(category.categoryName());
    QByteArray line;
    line.reserve(name.size() + message.size() + 3);
    if (!name.isEmpty())
        line.append(name).append(": ");
    line.append(message).append('\n');
    writer->add(QtInfoMsg, line);
}

void LogWriter::add(QtMsgType type, const QByteArray &line)
{
    QMutexLocker lock(&m_mutex);
    m_waiting += line;
    const bool urgent = type == QtWarningMsg || type == QtCriticalMsg || type == QtFatalMsg;
    if (urgent || m_waiting.size() > kMaxWaitingBytes)
        writeWaiting(lock);
}

void LogWriter::writeWaiting(QMutexLocker<QMutex> &lock)
{
    const QByteArray bytes = std::exchange(m_waiting, {});
    const QMutexLocker writing(&m_writing);
    lock.unlock();
    writeAll(bytes);
}

void LogWriter::run()
{
    QMutexLocker lock(&m_mutex);
    for (;;) {
        const bool stopping = m_stopping;
        if (!m_waiting.isEmpty()) {
            writeWaiting(lock);
            lock.relock();
        }
        if (stopping)
            return;
        m_wake.wait(&m_mutex, QDeadlineTimer(kFlushMs));
    }
}

} // namespace aisim
