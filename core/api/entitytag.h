#pragma once

#include "simulationsummary.h"

#include <QByteArray>
#include <QHttpServerResponse>

#include <functional>

class QHttpServerRequest;

namespace aisim::api {

// Entity tags of the answers about one run, for polling clients: the tag names the kind of
// answer, the run, its version, which every change of the run (its points included) bumps, and
// its creation time, which tells a run deleted and created again under its id from the first;
// so the tag changes exactly when the answer may.
QByteArray runEntityTag(char kind, const SimulationSummary &run);
// The tag of an answer that changes with more than its run's version (the detailed answer
// carries the lease's heartbeat and whether a worker of the machine is online): a digest of the
// bytes, so that a client polling it still gets 304 while nothing it shows has changed.
QByteArray contentEntityTag(char kind, const QByteArray &body);
// Whether the request's If-None-Match names tag (weakly, as RFC 9110 compares for GET) or is *.
bool ifNoneMatchHits(const QHttpServerRequest &request, const QByteArray &tag);
// 304 Not Modified with the tag when the client has it, else the JSON body with the tag.
QHttpServerResponse taggedJsonResponse(const QHttpServerRequest &request, const QByteArray &tag,
                                       const std::function<QByteArray()> &body);
// The same for an answer whose tag is its digest (contentEntityTag).
QHttpServerResponse contentTaggedJsonResponse(const QHttpServerRequest &request, char kind,
                                              const QByteArray &body);

} // namespace aisim::api
