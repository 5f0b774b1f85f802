#include "storagebanner.h"

#include "storagehealth.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>

using namespace Qt::StringLiterals;

namespace aisim {

StorageBanner::StorageBanner(StorageHealth &health, QWidget *parent)
    : QFrame(parent)
{
    setObjectName(u"storageBanner"_s);
    setAccessibleName(tr("Database problem"));
    setFrameShape(QFrame::StyledPanel);
    // Colours that read as a warning in light and dark themes alike.
    setStyleSheet(u"#storageBanner { background: #fde3e1; border: 1px solid #d9534f; "
                  "border-radius: 3px; } #storageBanner QLabel { color: #5a1310; }"_s);
    m_icon = new QLabel(this);
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize);
    m_icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(size, size));
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addWidget(m_icon);
    layout->addWidget(m_text, 1);
    // The health speaks from whichever thread met the fault: queued to this one.
    connect(&health, &StorageHealth::faultChanged, this, &StorageBanner::show,
            Qt::QueuedConnection);
    show(health.fault());
}

QString StorageBanner::text() const
{
    return m_text->text();
}

void StorageBanner::show(StorageFault fault)
{
    m_fault = fault;
    m_text->setText(storageFaultBanner(fault));
    setVisible(fault != StorageFault::None);
}

} // namespace aisim
