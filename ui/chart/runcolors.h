#pragma once

#include <QColor>
#include <QHash>
#include <QList>
#include <QObject>

namespace aisim {

// The colour of each plotted run, shared by the chart and the table (the table is the chart's
// legend). A run keeps its colour while it stays plotted; a newly plotted run takes the first
// colour no plotted run uses, so that 24 runs never share one.
class RunColors : public QObject
{
    Q_OBJECT
public:
    static constexpr int kDistinctColors = 24;

    explicit RunColors(QObject *parent = nullptr)
        : QObject(parent)
    { }

    // The index-th colour of the palette, lighter on a dark theme.
    static QColor paletteColor(int index, bool dark);

    // The plotted runs are now these: the others lose their colour.
    void assign(const QList<qint64> &ids);
    // -1 when the run is not plotted.
    int indexOf(qint64 id) const { return m_indexes.value(id, -1); }
    // Invalid when the run is not plotted.
    QColor colorOf(qint64 id) const;
    void setDark(bool dark);

    // The run whose curve the pointer is on (0: none).
    qint64 highlighted() const { return m_highlighted; }
    void setHighlighted(qint64 id);

Q_SIGNALS:
    void colorsChanged();
    void highlightChanged(qint64 id, qint64 previous);

private:
    QHash<qint64, int> m_indexes;
    bool m_dark = false;
    qint64 m_highlighted = 0;
};

} // namespace aisim
