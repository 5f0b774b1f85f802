#pragma once

#include "storagefault.h"

#include <QFrame>

class QLabel;

namespace aisim {

class StorageHealth;

// A bar across the top of the window while the database refuses writes: what happened, in a
// sentence per kind of fault, gone again as soon as writes succeed.
class StorageBanner : public QFrame
{
    Q_OBJECT
public:
    explicit StorageBanner(StorageHealth &health, QWidget *parent = nullptr);

    StorageFault fault() const { return m_fault; }
    QString text() const;

private:
    void show(StorageFault fault);

    QLabel *m_icon = nullptr;
    QLabel *m_text = nullptr;
    StorageFault m_fault = StorageFault::None;
};

} // namespace aisim
