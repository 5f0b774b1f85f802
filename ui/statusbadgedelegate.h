#pragma once

#include "simulationstatus.h"

#include <QColor>
#include <QStyledItemDelegate>

namespace aisim {

// Paints a simulation status as a coloured, rounded badge.
class StatusBadgeDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    static QColor colorOf(SimulationStatus status);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace aisim
