#pragma once

#include "apimetrics.h"
#include "authenticator.h"
#include "creationwriter.h"

#include <QObject>

namespace aisim::api {

// What the server threads of one REST API share: the request metrics (one /metrics for all of
// them), the tokens believed valid (one refusal counts for all), the writer of the runs they are
// posted (one transaction for the runs posted together on any of them), and the news that tokens
// were revoked, so that every thread ends the streams opened with them at once, wherever the
// revocation was served.
class ApiServerShared : public QObject
{
    Q_OBJECT
public:
    explicit ApiServerShared(SimulationService &service)
        : m_creationWriter(service, m_metrics, CreationWriter::threadsFor(service.database()))
    { }

    ApiMetrics &metrics() { return m_metrics; }
    TokenBeliefs &tokenBeliefs() { return m_tokenBeliefs; }
    CreationWriter &creationWriter() { return m_creationWriter; }

Q_SIGNALS:
    // Emitted from the thread that revoked; every thread's receivers get it on their own.
    void tokensRevoked();

private:
    ApiMetrics m_metrics;
    TokenBeliefs m_tokenBeliefs;
    CreationWriter m_creationWriter; // after m_metrics, which it uses
};

} // namespace aisim::api
