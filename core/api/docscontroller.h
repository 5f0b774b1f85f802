#pragma once

#include "apicontext.h"
#include "apirequest.h"

#include <QHttpServerResponse>

namespace aisim::api {

// /openapi.json and /docs: the API's description and Swagger UI, served from local files.
class DocsController
{
public:
    explicit DocsController(const ApiContext &context);

    QHttpServerResponse openApi(const ApiRequest &request) const;
    QHttpServerResponse page(const ApiRequest &request) const;
    QHttpServerResponse asset(const ApiRequest &request) const;
    // The first directory holding Swagger UI, or empty when none does.
    QString swaggerUiDirectory() const { return m_swaggerUiDir; }

private:
    QString m_swaggerUiDir;
};

} // namespace aisim::api
