#include "emptytablehint.h"

#include "simulationstablemodel.h"

#include <QAbstractItemView>
#include <QEvent>

using namespace Qt::StringLiterals;

namespace aisim {

EmptyTableHint::EmptyTableHint(QAbstractItemView *view, SimulationsTableModel *model)
    : QLabel(view->viewport())
    , m_view(view)
    , m_model(model)
{
    setObjectName(u"emptyTableHint"_s);
    setAlignment(Qt::AlignCenter);
    setWordWrap(true);
    setTextFormat(Qt::PlainText);
    setForegroundRole(QPalette::PlaceholderText);
    setAttribute(Qt::WA_TransparentForMouseEvents);
    view->viewport()->installEventFilter(this);
    connect(model, &SimulationsTableModel::rowsLoaded, this, &EmptyTableHint::refresh);
    connect(model, &SimulationsTableModel::queryChanged, this, &EmptyTableHint::refresh);
    connect(model, &QAbstractItemModel::rowsInserted, this, &EmptyTableHint::refresh);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &EmptyTableHint::refresh);
    connect(model, &QAbstractItemModel::modelReset, this, &EmptyTableHint::refresh);
    refresh();
}

void EmptyTableHint::refresh()
{
    if (m_model->rowCount() > 0 || m_model->isLoading()) {
        hide();
        return;
    }
    const SimulationQuery &query = m_model->query();
    const bool filtered = query.status || query.machineId || !query.nameContains.isEmpty();
    setText(filtered ? tr("No simulation matches the filters.\nClear the search (Esc) or pick "
                          "“All statuses” and “All machines”.")
                     : tr("No simulations yet.\nCreate one with New Simulation (Ctrl+N), or POST "
                          "it to /simulation over the REST API."));
    place();
    show();
    raise();
}

void EmptyTableHint::place()
{
    const QRect area = m_view->viewport()->rect();
    setGeometry(area.adjusted(12, 12, -12, -12));
}

bool EmptyTableHint::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        place();
    return QLabel::eventFilter(watched, event);
}

} // namespace aisim
