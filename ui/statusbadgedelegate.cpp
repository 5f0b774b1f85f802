#include "statusbadgedelegate.h"

#include "simulationstablemodel.h"

#include <QApplication>
#include <QPainter>

namespace aisim {

QColor StatusBadgeDelegate::colorOf(SimulationStatus status)
{
    switch (status) {
    case SimulationStatus::Pending:
        return QColor(0x8a, 0x8f, 0x98);
    case SimulationStatus::Running:
        return QColor(0x1f, 0x6f, 0xd1);
    case SimulationStatus::Finished:
        return QColor(0x2e, 0x8b, 0x57);
    case SimulationStatus::Failed:
        return QColor(0xc6, 0x28, 0x28);
    case SimulationStatus::Cancelled:
        return QColor(0xc7, 0x7c, 0x02);
    }
    return QColor(Qt::gray);
}

void StatusBadgeDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                const QModelIndex &index) const
{
    const QVariant status = index.data(SimulationsTableModel::StatusRole);
    if (!status.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    // The cell background (selection, alternating rows) stays the style's.
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    background.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &background, painter, widget);

    const QString text = index.data(Qt::DisplayRole).toString();
    const QFontMetrics metrics(option.font);
    const int height = std::min(option.rect.height() - 4, metrics.height() + 4);
    const int width = metrics.horizontalAdvance(text) + 16;
    const QRect badge(option.rect.left() + 6, option.rect.center().y() - height / 2 + 1, width,
                      height);
    const QColor fill = colorOf(SimulationStatus(status.toInt()));
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(fill);
    painter->drawRoundedRect(badge, height / 2.0, height / 2.0);
    // White reads well on every badge colour, in light and dark palettes alike.
    painter->setPen(QColor(Qt::white));
    painter->setFont(option.font);
    painter->drawText(badge, Qt::AlignCenter, text);
    painter->restore();
}

QSize StatusBadgeDelegate::sizeHint(const QStyleOptionViewItem &option,
                                    const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.rwidth() += 28;
    return size;
}

} // namespace aisim
