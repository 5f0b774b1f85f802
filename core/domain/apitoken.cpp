#include "apitoken.h"

using namespace Qt::StringLiterals;

namespace aisim {

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

std::optional<TokenScope> scopeFromString(const QString &text)
{
    for (const TokenScope scope : {TokenScope::Read, TokenScope::Write, TokenScope::Admin}) {
        if (text == scopeName(scope))
            return scope;
    }
    return std::nullopt;
}

} // namespace aisim
