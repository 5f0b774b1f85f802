#include "responsevalidator.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace aisim::test {

namespace {
std::unique_ptr<ResponseValidator> g_validator;

constexpr int kAnswerTimeoutMs = 60'000;
} // namespace

ResponseValidator::ResponseValidator() = default;

ResponseValidator::~ResponseValidator()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.closeWriteChannel(); // the script ends at the end of its input
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

ResponseValidator &ResponseValidator::instance()
{
    if (!g_validator) {
        g_validator = std::make_unique<ResponseValidator>();
        // Ends the node process while the application still exists.
        qAddPostRoutine([] { g_validator.reset(); });
    }
    return *g_validator;
}

bool ResponseValidator::ensureStarted(QString *error)
{
    if (m_process.state() == QProcess::Running)
        return true;
    const QString node = QStandardPaths::findExecutable(u"node"_s);
    if (node.isEmpty()) {
        *error = u"node is not installed (apt-get install nodejs)"_s;
        return false;
    }
    const QString modules = QStringLiteral(AISIM_NPM_DIR) + "/node_modules"_L1;
    if (!QFileInfo::exists(modules + "/ajv-draft-04/package.json"_L1)) {
        *error = u"the response validator's npm packages are missing: configure with npm "
                 "installed (-DAISIM_WEB_ASSETS=ON) and build"_s;
        return false;
    }
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"NODE_PATH"_s, modules);
    m_process.setProcessEnvironment(environment);
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.start(node,
                    {QStringLiteral(AISIM_RESPONSE_VALIDATOR), QStringLiteral(AISIM_OPENAPI_FILE)});
    if (!m_process.waitForStarted(10'000)) {
        *error = u"node did not start: "_s + m_process.errorString();
        return false;
    }
    return true;
}

void ResponseValidator::start()
{
    QString error;
    if (ensureStarted(&error))
        exchange(QJsonObject {{u"ping"_s, true}}, &error);
}

std::optional<QJsonObject> ResponseValidator::exchange(const QJsonObject &line, QString *error)
{
    if (!ensureStarted(error))
        return std::nullopt;
    m_process.write(QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n');
    const QDeadlineTimer deadline(kAnswerTimeoutMs);
    while (!m_process.canReadLine()) {
        if (m_process.state() != QProcess::Running || deadline.hasExpired()) {
            *error = u"the response validator stopped answering"_s;
            m_process.kill();
            m_process.waitForFinished(5000);
            return std::nullopt;
        }
        m_process.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())));
    }
    return QJsonDocument::fromJson(m_process.readLine()).object();
}

Verdict ResponseValidator::check(const CheckedAnswer &answer)
{
    QJsonObject headers;
    for (const auto &[name, value] : answer.headers)
        headers.insert(QString::fromLatin1(name), QString::fromLatin1(value));
    const QJsonObject line {{u"method"_s, QString::fromLatin1(answer.method)},
                            {u"path"_s, QString::fromUtf8(answer.path)},
                            {u"status"_s, answer.status},
                            {u"headers"_s, headers},
                            {u"body"_s, QString::fromUtf8(answer.body)},
                            {u"bodyOmitted"_s, answer.bodyOmitted}};
    Verdict verdict;
    QString error;
    const std::optional<QJsonObject> reply = exchange(line, &error);
    if (!reply) {
        verdict.errors << error;
        return verdict;
    }
    verdict.ok = (*reply)[u"ok"_s].toBool();
    verdict.operation = (*reply)[u"operation"_s].toString();
    for (const QJsonValue &reason : (*reply)[u"errors"_s].toArray())
        verdict.errors << reason.toString();
    return verdict;
}

void expectDocumented(const CheckedAnswer &answer)
{
    const Verdict verdict = ResponseValidator::instance().check(answer);
    if (verdict.ok)
        return;
    const QString message
        = u"%1 %2 answered %3, which the OpenAPI document does not allow: %4"_s
              .arg(QString::fromLatin1(answer.method), QString::fromUtf8(answer.path))
              .arg(answer.status)
              .arg(verdict.errors.join(u"; "_s));
    QTest::qFail(qPrintable(message), __FILE__, __LINE__);
}

} // namespace aisim::test
