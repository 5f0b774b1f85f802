#include "simulationpagecache.h"

#include <algorithm>

namespace aisim {

const Simulation *SimulationPageCache::use(int row)
{
    const auto page = m_pages.find(row / m_pageSize);
    if (row < 0 || page == m_pages.end())
        return nullptr;
    page->lastUsed = ++m_useCounter;
    const int offset = row % m_pageSize;
    return offset < page->rows.size() ? &page->rows.at(offset) : nullptr;
}

const Simulation *SimulationPageCache::peek(int row) const
{
    const auto page = m_pages.constFind(row / m_pageSize);
    if (row < 0 || page == m_pages.cend() || row % m_pageSize >= page->rows.size())
        return nullptr;
    return &page->rows.at(row % m_pageSize);
}

Simulation *SimulationPageCache::findById(qint64 id)
{
    const int row = rowOf(id);
    if (row < 0)
        return nullptr;
    const auto page = m_pages.find(row / m_pageSize);
    if (page == m_pages.end() || row % m_pageSize >= page->rows.size())
        return nullptr;
    Simulation &simulation = page->rows[row % m_pageSize];
    return simulation.id == id ? &simulation : nullptr;
}

QList<qint64> SimulationPageCache::idsOfPage(int page) const
{
    QList<qint64> ids;
    const auto it = m_pages.constFind(page);
    if (it == m_pages.cend())
        return ids;
    ids.reserve(it->rows.size());
    for (const Simulation &simulation : it->rows)
        ids << simulation.id;
    return ids;
}

QList<int> SimulationPageCache::recentlyUsedPages(int count) const
{
    QList<QPair<quint64, int>> byUse;
    for (auto it = m_pages.cbegin(); it != m_pages.cend(); ++it)
        byUse.append({it->lastUsed, it.key()});
    std::sort(byUse.begin(), byUse.end(), std::greater<>());
    QList<int> pages;
    for (int i = 0; i < byUse.size() && i < count; ++i)
        pages << byUse.at(i).second;
    return pages;
}

void SimulationPageCache::store(int page, const QList<Simulation> &rows)
{
    m_pages.insert(page, Page {rows, ++m_useCounter});
    for (int i = 0; i < rows.size(); ++i)
        m_rowOfId.insert(rows.at(i).id, page * m_pageSize + i);
}

void SimulationPageCache::clear()
{
    m_pages.clear();
    m_rowOfId.clear();
}

void SimulationPageCache::trim(int maxPages)
{
    while (m_pages.size() > maxPages) {
        auto oldest = m_pages.begin();
        for (auto it = m_pages.begin(); it != m_pages.end(); ++it) {
            if (it->lastUsed < oldest->lastUsed)
                oldest = it;
        }
        const int first = oldest.key() * m_pageSize;
        for (const Simulation &simulation : std::as_const(oldest->rows)) {
            const int row = rowOf(simulation.id);
            if (row >= first && row < first + m_pageSize)
                m_rowOfId.remove(simulation.id);
        }
        m_pages.erase(oldest);
    }
}

} // namespace aisim
