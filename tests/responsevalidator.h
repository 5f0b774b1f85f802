#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <optional>

namespace aisim::test {

// One HTTP answer as the server sent it, for the validator.
struct CheckedAnswer
{
    QByteArray method;
    QByteArray path; // with the query, as requested
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool bodyOmitted = false; // a HEAD answer, or a stream whose body never ends
};

struct Verdict
{
    bool ok = false;
    QString operation; // the operationId the answer was checked against, if any
    QStringList errors;
};

// Checks answers against the OpenAPI document with tests/openapi/validate-responses.js: one
// node process per test executable, started at the first answer, one line each way per answer.
class ResponseValidator
{
public:
    ResponseValidator();
    ~ResponseValidator();

    // The validator of this test executable.
    static ResponseValidator &instance();

    // Starts node and waits until the document is loaded, so that no timed request waits.
    void start();
    Verdict check(const CheckedAnswer &answer);

private:
    bool ensureStarted(QString *error);
    // Sends one line and waits for the one line that answers it.
    std::optional<QJsonObject> exchange(const QJsonObject &line, QString *error);

    QProcess m_process;
};

// Fails the running test, with the validator's reasons, unless the answer is what the
// document promises for its operation and status.
void expectDocumented(const CheckedAnswer &answer);

} // namespace aisim::test
