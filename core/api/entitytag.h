#pragma once

#include <QByteArray>
#include <QHttpServerResponse>

#include <functional>

class QHttpServerRequest;

namespace aisim::api {

// Entity tags of the answers about one run, for polling clients: the tag names the kind of
// answer, the run and its version, which every change of the run (its points included) bumps,
// so the tag changes exactly when the answer may.
QByteArray runEntityTag(char kind, qint64 id, qint64 version);
// Whether the request's If-None-Match names tag (weakly, as RFC 9110 compares for GET) or is *.
bool ifNoneMatchHits(const QHttpServerRequest &request, const QByteArray &tag);
// 304 Not Modified with the tag when the client has it, else the JSON body with the tag.
QHttpServerResponse taggedJsonResponse(const QHttpServerRequest &request, const QByteArray &tag,
                                       const std::function<QByteArray()> &body);

} // namespace aisim::api
