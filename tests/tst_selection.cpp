#include "desktopfixture.h"
#include "simulationrepository.h"
#include "simulationselection.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace aisim;
using aisim::test::answerNextMessageBox;
using aisim::test::Desktop;

// Actions on selected rows reach every selected run, also those whose rows were never read
// into memory, and do nothing when the table has moved under them.
class TestSelection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void selectAllCancelsEveryRun();
    void scatteredSpansDeleteExactlyTheirRuns();
    void tableThatMovedUnderTheSelectionChangesNothing();
    void selectionAwayFromTheViewStaysOnItsRuns();
    void viewKeepsItsRunsWhenRunsArriveAbove();

private:
    static bool openLargeTable(Desktop &desktop, int runs);
    static void select(Desktop &desktop, int first, int last);
};

bool TestSelection::openLargeTable(Desktop &desktop, int runs)
{
    if (!desktop.service().createMachine(1, u"Machine A"_s)
        || !desktop.insertRuns(runs, u"pending"_s))
        return false;
    desktop.model()->scheduleRefresh();
    desktop.view()->sortByColumn(SimulationsTableModel::IdColumn, Qt::AscendingOrder);
    return QTest::qWaitFor([&] {
        return desktop.model()->rowCount() == runs && !desktop.model()->isLoading()
            && desktop.model()->loadedAt(0);
    });
}

void TestSelection::select(Desktop &desktop, int first, int last)
{
    const QItemSelection rows(desktop.model()->index(first, 0),
                              desktop.model()->index(last, SimulationsTableModel::ColumnCount - 1));
    desktop.view()->selectionModel()->select(rows, QItemSelectionModel::Select);
}

void TestSelection::selectAllCancelsEveryRun()
{
    Desktop desktop(0);
    QVERIFY(openLargeTable(desktop, 6000));
    desktop.view()->selectAll();
    const SimulationSelection selection = desktop.window->simulations()->selection();
    QCOMPARE(selection.count(), 6000);
    QVERIFY(!selection.isComplete()); // most pages were never read
    QVERIFY(selection.loaded.size() < 6000);

    SimulationActions *actions = desktop.window->actions();
    QSignalSpy finished(actions, &SimulationActions::operationFinished);
    QVERIFY(actions->cancel()->isEnabled());
    actions->cancel()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60'000);
    SimulationQuery cancelled;
    cancelled.status = SimulationStatus::Cancelled;
    QCOMPARE(*SimulationRepository(desktop.runtime->database()).count(cancelled), 6000);
}

void TestSelection::scatteredSpansDeleteExactlyTheirRuns()
{
    Desktop desktop(0);
    QVERIFY(openLargeTable(desktop, 6000));
    desktop.view()->scrollToBottom();
    QTRY_VERIFY(desktop.model()->loadedAt(5999));
    select(desktop, 0, 9); // in memory
    select(desktop, 3000, 3009); // never read
    select(desktop, 5990, 5999); // in memory
    select(desktop, 2995, 3004); // overlaps the middle span
    const SimulationSelection selection = desktop.window->simulations()->selection();
    QCOMPARE(selection.count(), 35);
    QCOMPARE(selection.unloaded.size(), 1);
    QCOMPARE(selection.unloaded.first().first, 2995);
    QCOMPARE(selection.unloaded.first().last, 3009);

    SimulationActions *actions = desktop.window->actions();
    QSignalSpy finished(actions, &SimulationActions::operationFinished);
    answerNextMessageBox(QMessageBox::Yes);
    actions->remove()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30'000);

    // Row r showed the run with id r + 1 (sorted by id): exactly those 35 runs are gone.
    SimulationRepository repository(desktop.runtime->database());
    QCOMPARE(*repository.count({}), 6000 - 35);
    for (const qint64 id : {1, 10, 2996, 3010, 5991, 6000})
        QCOMPARE(repository.get(id).error().kind, Error::Kind::NotFound);
    for (const qint64 id : {11, 2995, 3011, 5990})
        QVERIFY(repository.get(id).ok());
}

void TestSelection::tableThatMovedUnderTheSelectionChangesNothing()
{
    Desktop desktop(0);
    QVERIFY(openLargeTable(desktop, 3000));
    select(desktop, 1000, 1099);
    QVERIFY(!desktop.window->simulations()->selection().isComplete());
    // A run the window has not heard of yet lands in the table.
    {
        QSqlQuery insert(desktop.runtime->database().connection());
        QVERIFY(
            insert.exec(u"INSERT INTO simulations (simulation_id, name, machine_id, status, "
                        "creation_date, update_date) VALUES (0, 'early', 1, 'pending', 0, 0)"_s));
    }
    SimulationActions *actions = desktop.window->actions();
    QSignalSpy finished(actions, &SimulationActions::operationFinished);
    QSignalSpy failed(actions, &SimulationActions::failed);
    actions->cancel()->trigger();
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(failed.size(), 1);
    QVERIFY2(failed.first().first().toString().contains(u"nothing was done"_s),
             qPrintable(failed.first().first().toString()));
    SimulationQuery cancelled;
    cancelled.status = SimulationStatus::Cancelled;
    QCOMPARE(*SimulationRepository(desktop.runtime->database()).count(cancelled), 0);
}

// Runs arriving on top push every row down; selected rows whose pages have left memory follow
// their runs all the same.
void TestSelection::selectionAwayFromTheViewStaysOnItsRuns()
{
    Desktop desktop(0);
    QVERIFY(openLargeTable(desktop, 3000));
    desktop.view()->sortByColumn(SimulationsTableModel::IdColumn, Qt::DescendingOrder);
    QTRY_VERIFY(!desktop.model()->isLoading() && desktop.model()->loadedAt(0)
                && desktop.model()->loadedAt(0)->id == 3000);
    select(desktop, 10, 12); // runs 2990 … 2988
    desktop.view()->selectionModel()->setCurrentIndex(desktop.model()->index(10, 0),
                                                      QItemSelectionModel::NoUpdate);
    // Far away, long enough for page 0 to drop out of the pages a refresh reads again.
    for (const int row : {800, 1500, 2200, 2999}) {
        desktop.view()->scrollTo(desktop.model()->index(row, 0));
        QTRY_VERIFY(desktop.model()->loadedAt(row));
    }

    for (int i = 0; i < 5; ++i)
        desktop.create(u"new %1"_s.arg(i), 1);
    QTRY_COMPARE(desktop.model()->rowCount(), 3005);
    QTRY_VERIFY(!desktop.model()->isLoading());
    QModelIndexList rows = desktop.view()->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end());
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows.first().row(), 15);
    QCOMPARE(rows.last().row(), 17);
    QCOMPARE(desktop.view()->currentIndex().row(), 15);

    // And the rows really hold those runs.
    desktop.view()->scrollToTop();
    QTRY_VERIFY(desktop.model()->loadedAt(15));
    QCOMPARE(desktop.model()->loadedAt(15)->id, 2990);
    QCOMPARE(desktop.model()->loadedAt(17)->id, 2988);
    QList<qint64> selected;
    for (const Simulation &simulation : desktop.window->simulations()->selectedSimulations())
        selected << simulation.id;
    QCOMPARE(selected, (QList<qint64> {2990, 2989, 2988}));
}

void TestSelection::viewKeepsItsRunsWhenRunsArriveAbove()
{
    Desktop desktop(0);
    QVERIFY(openLargeTable(desktop, 3000));
    desktop.view()->sortByColumn(SimulationsTableModel::IdColumn, Qt::DescendingOrder);
    QTRY_VERIFY(!desktop.model()->isLoading() && desktop.model()->loadedAt(0)
                && desktop.model()->loadedAt(0)->id == 3000);
    desktop.view()->scrollTo(desktop.model()->index(500, 0), QAbstractItemView::PositionAtTop);
    QTRY_VERIFY(desktop.model()->loadedAt(desktop.view()->rowAt(0)));
    const qint64 shown = desktop.model()->loadedAt(desktop.view()->rowAt(0))->id;

    for (int i = 0; i < 5; ++i)
        desktop.create(u"new %1"_s.arg(i), 1);
    QTRY_COMPARE(desktop.model()->rowCount(), 3005);
    QTRY_VERIFY(!desktop.model()->isLoading());
    QTRY_VERIFY(desktop.model()->loadedAt(desktop.view()->rowAt(0)));
    QCOMPARE(desktop.model()->loadedAt(desktop.view()->rowAt(0))->id, shown);

    // At the top, the newest runs come into view instead.
    desktop.view()->scrollToTop();
    QTRY_VERIFY(desktop.model()->loadedAt(0));
    desktop.create(u"newest"_s, 1);
    QTRY_COMPARE(desktop.model()->rowCount(), 3006);
    QTRY_VERIFY(desktop.model()->loadedAt(0) && desktop.model()->loadedAt(0)->name == u"newest"_s);
    QCOMPARE(desktop.view()->rowAt(0), 0);
}

QTEST_MAIN(TestSelection)
#include "tst_selection.moc"
