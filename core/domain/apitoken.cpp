#include "apitoken.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace aisim {

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

QString scopeName(TokenScope scope)
{
    switch (scope) {
    case TokenScope::Read:
        return u"read"_s;
    case TokenScope::Write:
        return u"write"_s;
    case TokenScope::Admin:
        break;
    }
    return u"admin"_s;
}

const char *const kTokenNameRule
    = "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or a digit";

bool isValidTokenName(const QString &name)
{
    static const QRegularExpression rule(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    return rule.match(name).hasMatch();
}

std::optional<TokenScope> scopeFromString(const QString &text)
{
    for (const TokenScope scope : {TokenScope::Read, TokenScope::Write, TokenScope::Admin}) {
        if (text == scopeName(scope))
            return scope;
    }
    return std::nullopt;
}

} // namespace aisim
