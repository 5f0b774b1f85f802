#pragma once

#include <QLabel>

class QAbstractItemView;

namespace aisim {

class SimulationsTableModel;

// A sentence in the middle of the simulations table when it shows no rows: how to start on an
// empty database, or that nothing matches the filters.
class EmptyTableHint : public QLabel
{
    Q_OBJECT
public:
    EmptyTableHint(QAbstractItemView *view, SimulationsTableModel *model);

    // Shows or hides the sentence for what the table holds now.
    void refresh();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void place();

    QAbstractItemView *m_view;
    SimulationsTableModel *m_model;
};

} // namespace aisim
