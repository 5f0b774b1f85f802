#pragma once

#include "apicontext.h"
#include "apirequest.h"

#include <QHttpServerResponse>

namespace aisim::api {

// /machines: the original listing, plus registering, renaming and removing machines.
class MachinesController
{
public:
    explicit MachinesController(const ApiContext &context)
        : m_context(context)
    { }

    QHttpServerResponse list(const ApiRequest &request) const;
    QHttpServerResponse get(const ApiRequest &request) const;
    QHttpServerResponse create(const ApiRequest &request) const;
    QHttpServerResponse rename(const ApiRequest &request) const;
    QHttpServerResponse remove(const ApiRequest &request) const;

private:
    ApiContext m_context;
};

} // namespace aisim::api
