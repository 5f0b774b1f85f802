#include "namesortkey.h"

namespace aisim {

namespace {
constexpr qsizetype kDigits = 20; // every qint64 fits
}

QString naturalSortKey(const QString &name)
{
    const QString folded = name.toCaseFolded();
    QString key;
    key.reserve(folded.size() + 2 * kDigits);
    qsizetype i = 0;
    while (i < folded.size()) {
        if (!folded.at(i).isDigit() || folded.at(i).unicode() > 127) {
            key += folded.at(i++);
            continue;
        }
        const qsizetype start = i;
        while (i < folded.size() && folded.at(i).unicode() >= '0' && folded.at(i).unicode() <= '9')
            ++i;
        const qsizetype length = i - start;
        if (length < kDigits)
            key += QString(kDigits - length, u'0');
        key += QStringView(folded).mid(start, length);
    }
    return key;
}

} // namespace aisim
