#pragma once

#include "simulation.h"

#include <QHash>
#include <QList>

namespace aisim {

// The pages of the simulations table held in memory, with which run sits in which row and
// which pages were looked at last (those are kept, and refreshed, first).
class SimulationPageCache
{
public:
    explicit SimulationPageCache(int pageSize)
        : m_pageSize(pageSize)
    { }

    bool contains(int page) const { return m_pages.contains(page); }
    int pageCount() const { return int(m_pages.size()); }
    bool isEmpty() const { return m_pages.isEmpty(); }

    // The run in a row, marking its page as just used; null when the page is not here.
    const Simulation *use(int row);
    const Simulation *peek(int row) const;
    Simulation *findById(qint64 id);
    // The row of a cached run, or -1.
    int rowOf(qint64 id) const { return m_rowOfId.value(id, -1); }
    QList<qint64> idsOfPage(int page) const;
    // The pages used most recently first, at most count of them.
    QList<int> recentlyUsedPages(int count) const;

    void store(int page, const QList<Simulation> &rows);
    void clear();
    // Drops the least recently used pages beyond maxPages.
    void trim(int maxPages);

    template<typename Function> void forEachRow(Function function) const
    {
        for (auto it = m_pages.cbegin(); it != m_pages.cend(); ++it) {
            for (int i = 0; i < it->rows.size(); ++i)
                function(it.key() * m_pageSize + i, it->rows.at(i));
        }
    }

private:
    struct Page
    {
        QList<Simulation> rows;
        quint64 lastUsed = 0;
    };

    int m_pageSize;
    QHash<int, Page> m_pages;
    QHash<qint64, int> m_rowOfId;
    quint64 m_useCounter = 0;
};

} // namespace aisim
