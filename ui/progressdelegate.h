#pragma once

#include <QStyledItemDelegate>

namespace aisim {

// Shows a running simulation's progress as a progress bar, other rows as plain text.
class ProgressDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
};

} // namespace aisim
