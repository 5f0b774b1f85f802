#pragma once

#include "apimetrics.h"

#include <QObject>

namespace aisim::api {

// What the server threads of one REST API share: the request metrics (one /metrics for all of
// them) and the news that tokens were revoked, so that every thread ends the streams opened
// with them at once, wherever the revocation was served.
class ApiServerShared : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    ApiMetrics &metrics() { return m_metrics; }

Q_SIGNALS:
    // Emitted from the thread that revoked; every thread's receivers get it on their own.
    void tokensRevoked();

private:
    ApiMetrics m_metrics;
};

} // namespace aisim::api
