#include "databaseurl.h"

#include <QDir>
#include <QUrl>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace aisim {

std::optional<DatabaseUrl> DatabaseUrl::parse(const QString &text, QString *error)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    DatabaseUrl result;
    const QUrlQuery query(url);
    if (query.hasQueryItem(u"busy_timeout_ms"_s)) {
        bool ok = false;
        result.busyTimeoutMs = query.queryItemValue(u"busy_timeout_ms"_s).toInt(&ok);
        if (!ok || result.busyTimeoutMs < 0) {
            *error = u"busy_timeout_ms takes a whole number of milliseconds"_s;
            return std::nullopt;
        }
    }
    if (scheme == "sqlite"_L1) {
        // sqlite:///abs/path.db has an empty host and an absolute path.
        if (!url.isValid() || !url.host().isEmpty() || !QDir::isAbsolutePath(url.path())
            || url.path().size() < 2) {
            *error = u"a SQLite URL needs an absolute file path: sqlite:///path/to/file.db"_s;
            return std::nullopt;
        }
        result.path = url.path();
        return result;
    }
    if (scheme == "postgresql"_L1 || scheme == "postgres"_L1) {
        result.dialect = Dialect::PostgreSql;
        result.host = url.host().isEmpty() ? u"localhost"_s : url.host();
        result.port = url.port(5432);
        result.user = url.userName();
        result.password = url.password();
        result.databaseName = url.path().mid(1);
        if (!url.isValid() || result.databaseName.isEmpty() || result.databaseName.contains(u'/')) {
            *error = u"a PostgreSQL URL looks like postgresql://user:password@host:port/dbname"_s;
            return std::nullopt;
        }
        return result;
    }
    *error = u"unsupported database URL '%1': use sqlite:///path.db or postgresql://…"_s.arg(
        url.toDisplayString(QUrl::RemovePassword));
    return std::nullopt;
}

DatabaseUrl DatabaseUrl::sqliteFile(const QString &path)
{
    DatabaseUrl url;
    url.path = QDir::cleanPath(QDir(path).absolutePath());
    return url;
}

QString DatabaseUrl::displayString() const
{
    const QString options = busyTimeoutMs == kDefaultBusyTimeoutMs
        ? QString()
        : u"?busy_timeout_ms=%1"_s.arg(busyTimeoutMs);
    if (dialect == Dialect::Sqlite)
        return "sqlite://"_L1 + path + options;
    QString userPart = user.isEmpty() ? QString() : user + u'@';
    return u"postgresql://%1%2:%3/%4"_s.arg(userPart, host).arg(port).arg(databaseName) + options;
}

QString DatabaseUrl::toString() const
{
    if (dialect == Dialect::Sqlite)
        return displayString();
    QUrl url;
    url.setScheme(u"postgresql"_s);
    url.setHost(host);
    url.setPort(port);
    url.setUserName(user);
    url.setPassword(password);
    url.setPath(u'/' + databaseName);
    if (busyTimeoutMs != kDefaultBusyTimeoutMs)
        url.setQuery(u"busy_timeout_ms=%1"_s.arg(busyTimeoutMs));
    return url.toString();
}

QString DatabaseUrl::driverName() const
{
    return dialect == Dialect::Sqlite ? u"QSQLITE"_s : u"QPSQL"_s;
}

} // namespace aisim
