#include "runcolors.h"

#include <array>

namespace aisim {

QColor RunColors::paletteColor(int index, bool dark)
{
    // Tableau 10, then fourteen more of other hues and lightness, far enough from each other
    // and from the first ten to tell apart on a line two pixels wide.
    static constexpr std::array<QRgb, kDistinctColors> kColors {
        0x4e79a7, 0xf28e2b, 0xe15759, 0x76b7b2, 0x59a14f, 0xedc948, 0xb07aa1, 0xff9da7,
        0x9c755f, 0xbab0ac, 0x1b3a8c, 0x17becf, 0x8c1c13, 0xbcbd22, 0x6a3d9a, 0x0b6e4f,
        0xe7298a, 0x66a61e, 0x3f3f3f, 0x008080, 0x00a6ff, 0xff5a00, 0x7b8f00, 0x8dd3c7};
    const QColor color = QColor::fromRgb(kColors[size_t(std::max(0, index)) % kColors.size()]);
    // On a dark background only the dark colours are lightened: the light ones would all end
    // up near white.
    if (dark)
        return color.value() < 180 ? color.lighter(125) : color;
    return color.darker(105);
}

void RunColors::assign(const QList<qint64> &ids)
{
    QHash<qint64, int> kept;
    QList<bool> used(std::max<qsizetype>(kDistinctColors, ids.size()), false);
    for (const qint64 id : ids) {
        const int index = m_indexes.value(id, -1);
        if (index >= 0 && !kept.contains(id)) {
            kept.insert(id, index);
            if (index < used.size())
                used[index] = true;
        }
    }
    int next = 0;
    for (const qint64 id : ids) {
        if (kept.contains(id))
            continue;
        while (next < used.size() && used[next])
            ++next;
        kept.insert(id, next);
        if (next < used.size())
            used[next] = true;
    }
    if (kept == m_indexes)
        return;
    m_indexes = kept;
    if (m_highlighted != 0 && !m_indexes.contains(m_highlighted))
        setHighlighted(0);
    Q_EMIT colorsChanged();
}

QColor RunColors::colorOf(qint64 id) const
{
    const int index = indexOf(id);
    return index < 0 ? QColor() : paletteColor(index, m_dark);
}

void RunColors::setDark(bool dark)
{
    if (dark == m_dark)
        return;
    m_dark = dark;
    Q_EMIT colorsChanged();
}

void RunColors::setHighlighted(qint64 id)
{
    if (id == m_highlighted)
        return;
    const qint64 previous = m_highlighted;
    m_highlighted = id;
    Q_EMIT highlightChanged(id, previous);
}

} // namespace aisim
