#include "tokencommand.h"

#include "commandline.h"
#include "database.h"
#include "serialize.h"
#include "tokenrepository.h"

#include <QTextStream>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
QString timeOrDash(const QDateTime &time)
{
    return time.isValid() ? formatTimestamp(time).left(19) : u"-"_s;
}

int usage(QTextStream &err, const QString &problem)
{
    err << "aisim: " << problem << '\n'
        << "Usage: aisim token create --name NAME --scope read|write|admin\n"
        << "       aisim token list\n"
        << "       aisim token revoke NAME\n";
    return 2;
}

int create(TokenRepository &tokens, const CommandLine &options, QTextStream &out, QTextStream &err)
{
    const QString name = options.tokenName.trimmed();
    if (!isValidTokenName(name))
        return usage(err,
                     u"token create needs --name NAME: %1"_s.arg(QLatin1String(kTokenNameRule)));
    const auto scope = scopeFromString(options.tokenScope);
    if (!scope)
        return usage(err,
                     u"--scope takes read, write or admin, not '%1'"_s.arg(options.tokenScope));
    const auto created = tokens.create(name, *scope);
    if (!created) {
        err << "aisim: " << created.error().message << '\n';
        return 1;
    }
    out << created->secret << '\n';
    err << "Token '" << name << "' (" << scopeName(*scope)
        << ") created. It is shown only this once: keep it safe.\n";
    return 0;
}

int list(TokenRepository &tokens, QTextStream &out, QTextStream &err)
{
    const auto all = tokens.list();
    if (!all) {
        err << "aisim: " << all.error().message << '\n';
        return 1;
    }
    out << qSetFieldWidth(24) << Qt::left << "NAME" << qSetFieldWidth(8) << "SCOPE"
        << qSetFieldWidth(22) << "CREATED"
        << "LAST USED" << qSetFieldWidth(0) << "REVOKED\n";
    for (const ApiToken &token : all.value()) {
        out << qSetFieldWidth(24) << token.name << qSetFieldWidth(8) << scopeName(token.scope)
            << qSetFieldWidth(22) << timeOrDash(token.createdAt) << timeOrDash(token.lastUsedAt)
            << qSetFieldWidth(0) << timeOrDash(token.revokedAt) << '\n';
    }
    return 0;
}

int revoke(TokenRepository &tokens, const QString &name, QTextStream &out, QTextStream &err)
{
    const auto revoked = tokens.revoke(name);
    if (!revoked) {
        err << "aisim: " << revoked.error().message << '\n';
        return 1;
    }
    out << "Token '" << name << "' revoked.\n";
    return 0;
}
} // namespace

int runTokenCommand(const CommandLine &options)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList arguments = options.tokenArguments;
    const QString action = arguments.value(0);
    const bool revoking = action == "revoke"_L1;
    if (action != "create"_L1 && action != "list"_L1 && !revoking)
        return usage(err, u"token needs an action: create, list or revoke"_s);
    if (arguments.size() > (revoking ? 2 : 1) || (revoking && arguments.size() < 2))
        return usage(err, u"wrong arguments for token %1"_s.arg(action));
    if (action != "create"_L1 && (!options.tokenName.isEmpty() || !options.tokenScope.isEmpty()))
        return usage(err, u"--name and --scope are for 'token create'"_s);

    Database database(options.runtime.database, options.runtime.databasePrivacy);
    if (const Status migrated = database.migrate(); !migrated) {
        err << "aisim: " << migrated.error().message << '\n';
        return 1;
    }
    TokenRepository tokens(database);
    if (action == "create"_L1)
        return create(tokens, options, out, err);
    if (action == "list"_L1)
        return list(tokens, out, err);
    return revoke(tokens, arguments.at(1), out, err);
}

} // namespace aisim
