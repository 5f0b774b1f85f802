#include "entitytag.h"

#include "jsonwriter.h"

#include <QCryptographicHash>
#include <QHttpServerRequest>

using namespace Qt::StringLiterals;

namespace aisim::api {

QByteArray runEntityTag(char kind, const SimulationSummary &run)
{
    QByteArray tag;
    tag.reserve(64);
    tag += '"';
    tag += kind;
    appendJsonInteger(tag, run.id);
    tag += '.';
    appendJsonInteger(tag, run.version);
    tag += '.';
    appendJsonInteger(tag, run.creationMs);
    tag += '"';
    return tag;
}

QByteArray contentEntityTag(char kind, const QByteArray &body)
{
    const QByteArray digest
        = QCryptographicHash::hash(body, QCryptographicHash::Sha1)
              .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    return '"' + QByteArray(1, kind) + digest + '"';
}

bool ifNoneMatchHits(const QHttpServerRequest &request, const QByteArray &tag)
{
    const QByteArray header = request.value("If-None-Match"_ba);
    if (header.isEmpty())
        return false;
    for (QByteArray candidate : header.split(',')) {
        candidate = candidate.trimmed();
        if (candidate == "*")
            return true;
        if (candidate.startsWith("W/"))
            candidate = candidate.mid(2);
        if (candidate == tag)
            return true;
    }
    return false;
}

QHttpServerResponse taggedJsonResponse(const QHttpServerRequest &request, const QByteArray &tag,
                                       const std::function<QByteArray()> &body)
{
    if (ifNoneMatchHits(request, tag)) {
        QHttpServerResponse notModified(QHttpServerResponse::StatusCode::NotModified);
        notModified.setHeader("ETag"_ba, tag);
        return notModified;
    }
    QHttpServerResponse response("application/json"_ba, body());
    response.setHeader("ETag"_ba, tag);
    return response;
}

QHttpServerResponse contentTaggedJsonResponse(const QHttpServerRequest &request, char kind,
                                              const QByteArray &body)
{
    return taggedJsonResponse(request, contentEntityTag(kind, body), [&body] { return body; });
}

} // namespace aisim::api
