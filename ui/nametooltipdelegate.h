#pragma once

#include <QStyledItemDelegate>

namespace aisim {

// Plain text cells that show their whole text in a tooltip when the column cuts it short.
class NameTooltipDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    // Whether the cell shows less than its whole text at this width.
    bool isElided(const QStyleOptionViewItem &option, const QModelIndex &index) const;
    bool helpEvent(QHelpEvent *event, QAbstractItemView *view, const QStyleOptionViewItem &option,
                   const QModelIndex &index) override;
};

} // namespace aisim
