#include "convergencepanel.h"
#include "desktopfixture.h"
#include "emptytablehint.h"
#include "machinespanel.h"
#include "nametooltipdelegate.h"
#include "newsimulationdialog.h"
#include "simulationrepository.h"
#include "tokenrepository.h"
#include "tokensdialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QPainter>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QStyleOptionHeader>
#include <QSysInfo>
#include <QTest>
#include <QToolTip>
#include <QTreeWidget>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;
using namespace aisim;
using aisim::test::Desktop;

// The simulations table and its actions as a user meets them, in a real window (offscreen)
// over a real SQLite file.
class TestWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void chartKeepsTheSelectedRunsWhileManyRunsArrive();
    void selectAllOfFinishedRunsDisablesCancelAndRetry();
    void duplicateNamesTheCopyAndSelectsIt();
    void theFirstRunNeedsOnlyANameAndIsSelected();
    void aNewSortShowsTheTop();
    void theSortArrowPointsDownForNewestFirst();
    void anEmptyTableSaysWhy();
    void escapeClearsTheSearch();
    void truncatedNamesHaveATooltip();
    void columnsFitBesideTheVerticalScrollBar();
    void tokensDialogSaysWhenTokensAreNotAskedFor();

private:
    static QSet<qint64> shown(Desktop &desktop)
    {
        const QList<qint64> ids = desktop.window->chart()->shownSimulations();
        return QSet<qint64>(ids.begin(), ids.end());
    }
};

void TestWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

// Runs created elsewhere while runs are selected, newest first, push the selected rows out of
// the rows read: the chart keeps showing them and the actions still know their state.
void TestWindow::chartKeepsTheSelectedRunsWhileManyRunsArrive()
{
    Desktop desktop(0);
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    QList<qint64> ids;
    for (int i = 0; i < 5; ++i)
        ids << desktop.create(u"early %1"_s.arg(i), 1).id;
    for (const qint64 id : {ids[1], ids[2], ids[3]})
        QVERIFY(desktop.service().cancel(id));
    QTRY_COMPARE(desktop.model()->rowCount(), 5);
    QTRY_VERIFY(!desktop.model()->isLoading() && desktop.nameAt(0) == u"early 4"_s);
    QTRY_VERIFY(desktop.model()->loadedAt(3)
                && desktop.model()->loadedAt(3)->status == SimulationStatus::Cancelled);
    desktop.selectRows({1, 2, 3});
    const QSet<qint64> selected {ids[1], ids[2], ids[3]};
    QCOMPARE(shown(desktop), selected);
    SimulationActions *actions = desktop.window->actions();
    QVERIFY(!actions->cancel()->isEnabled());
    QVERIFY(actions->retry()->isEnabled());

    // Whenever the table changes, the chart must still show the three runs.
    int blank = 0;
    const auto check = [&] { blank += shown(desktop) != selected ? 1 : 0; };
    connect(desktop.model(), &QAbstractItemModel::layoutChanged, this, check);
    connect(desktop.model(), &SimulationsTableModel::rowsLoaded, this, check);
    connect(desktop.model(), &QAbstractItemModel::rowsInserted, this, check);
    SimulationService *service = &desktop.service();
    QFuture<int> created = QtConcurrent::run([service] {
        int made = 0;
        for (int i = 0; i < 300; ++i) {
            NewSimulation simulation;
            simulation.name = u"burst-%1"_s.arg(i);
            simulation.machineId = 1;
            made += service->create(simulation).ok() ? 1 : 0;
        }
        return made;
    });
    QTRY_VERIFY_WITH_TIMEOUT(created.isFinished(), 60'000);
    QCOMPARE(created.result(), 300);
    QTRY_COMPARE(desktop.model()->rowCount(), 305);
    QTRY_VERIFY(!desktop.model()->isLoading());

    QCOMPARE(desktop.view()->selectionModel()->selectedRows().size(), 3);
    QCOMPARE(shown(desktop), selected);
    QCOMPARE(blank, 0);
    QTRY_VERIFY(!actions->cancel()->isEnabled());
    QVERIFY(actions->retry()->isEnabled());
}

// Select All over rows never read: the actions follow what the runs allow once read.
void TestWindow::selectAllOfFinishedRunsDisablesCancelAndRetry()
{
    Desktop desktop(0);
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    QVERIFY(desktop.insertRuns(3000, u"finished"_s));
    desktop.model()->scheduleRefresh();
    desktop.view()->sortByColumn(SimulationsTableModel::IdColumn, Qt::AscendingOrder);
    QTRY_VERIFY(desktop.model()->rowCount() == 3000 && !desktop.model()->isLoading()
                && desktop.model()->loadedAt(0));
    desktop.view()->selectAll();
    QVERIFY(!desktop.window->simulations()->selection().isComplete());
    SimulationActions *actions = desktop.window->actions();
    // Before the rows are read, acting says that nothing applies instead of "Cancelled 0".
    QVERIFY(actions->cancel()->isEnabled());
    QSignalSpy failed(actions, &SimulationActions::failed);
    QSignalSpy finished(actions, &SimulationActions::operationFinished);
    actions->cancel()->trigger();
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(failed.size(), 1);
    QVERIFY2(failed.first().first().toString().startsWith(u"Nothing to cancel"_s),
             qPrintable(failed.first().first().toString()));
    QTRY_VERIFY(!actions->cancel()->isEnabled() && !actions->retry()->isEnabled());
    QVERIFY(actions->duplicate()->isEnabled());

    // One failed run far from the rows read makes Retry available, Cancel still not.
    QSqlQuery fail(desktop.runtime->database().connection());
    QVERIFY(fail.exec(u"UPDATE simulations SET status = 'failed' WHERE simulation_id = 2500"_s));
    desktop.view()->clearSelection();
    desktop.view()->selectAll();
    QTRY_VERIFY(actions->retry()->isEnabled() && !actions->cancel()->isEnabled());
}

void TestWindow::duplicateNamesTheCopyAndSelectsIt()
{
    Desktop desktop(0);
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    const Simulation original = desktop.create(u"power-run"_s, 1);
    QTRY_COMPARE(desktop.rowOf(original.id), 0);
    desktop.selectRows({0});
    SimulationActions *actions = desktop.window->actions();
    QSignalSpy finished(actions, &SimulationActions::operationFinished);
    actions->duplicate()->trigger();
    QTRY_COMPARE(finished.size(), 1);
    const auto selectedNames = [&] {
        QStringList names;
        for (const Simulation &simulation : desktop.window->simulations()->selectedSimulations())
            names << simulation.name;
        return names;
    };
    QTRY_COMPARE(selectedNames(), QStringList {u"power-run (copy)"_s});
    actions->duplicate()->trigger();
    QTRY_COMPARE(finished.size(), 2);
    QTRY_COMPARE(selectedNames(), QStringList {u"power-run (copy 2)"_s});
    QCOMPARE(*SimulationRepository(desktop.runtime->database()).count({}), 3);
}

// On an empty database the dialog proposes this computer as the machine; the run made is
// selected, so that its curve grows on the chart.
void TestWindow::theFirstRunNeedsOnlyANameAndIsSelected()
{
    Desktop desktop(0);
    desktop.window->actions()->newSimulation()->trigger();
    auto *dialog = desktop.window->findChild<NewSimulationDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QVERIFY(!QSysInfo::machineHostName().isEmpty());
    QCOMPARE(dialog->newMachineNameField()->text(), QSysInfo::machineHostName());
    QTest::keyClicks(dialog->nameField(), u"first"_s);
    QPushButton *ok = dialog->buttons()->button(QDialogButtonBox::Ok);
    QVERIFY(ok->isEnabled());
    QTest::mouseClick(ok, Qt::LeftButton);

    QTRY_COMPARE(desktop.window->simulations()->selectedSimulations().size(), 1);
    const Simulation run = desktop.window->simulations()->selectedSimulations().first();
    QCOMPARE(run.name, u"first"_s);
    QTRY_COMPARE(desktop.window->chart()->shownSimulations(), QList<qint64> {run.id});
    QTRY_COMPARE(desktop.window->machines()->machines().size(), 1);
    QCOMPARE(desktop.window->machines()->machines().first().name, QSysInfo::machineHostName());
}

void TestWindow::aNewSortShowsTheTop()
{
    Desktop desktop(0);
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    QVERIFY(desktop.insertRuns(600, u"pending"_s));
    desktop.model()->scheduleRefresh();
    QTRY_COMPARE(desktop.model()->rowCount(), 600);
    desktop.view()->scrollTo(desktop.model()->index(300, 0), QAbstractItemView::PositionAtTop);
    QTRY_VERIFY(desktop.view()->verticalScrollBar()->value() > 0);
    desktop.view()->horizontalHeader()->setSortIndicator(SimulationsTableModel::NameColumn,
                                                         Qt::AscendingOrder);
    QTRY_VERIFY(!desktop.model()->isLoading());
    QTRY_COMPARE(desktop.nameAt(0), u"run 00001"_s);
    QCOMPARE(desktop.view()->verticalScrollBar()->value(), 0);
    QCOMPARE(desktop.view()->rowAt(0), 0);
}

// Qt hands a descending sort to the style as SortUp, which styles draw pointing up; most
// applications point down for descending. Whether the arrow is wide at the top tells.
void TestWindow::theSortArrowPointsDownForNewestFirst()
{
    Desktop desktop(0);
    QHeaderView *header = desktop.view()->horizontalHeader();
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder); // newest first
    const auto widthsOfArrow = [header](Qt::SortOrder order) {
        QImage image(32, 32, QImage::Format_ARGB32);
        image.fill(Qt::white);
        QStyleOptionHeader option;
        option.initFrom(header);
        option.rect = image.rect();
        option.palette.setColor(QPalette::ButtonText, Qt::black);
        option.palette.setColor(QPalette::WindowText, Qt::black);
        option.palette.setColor(QPalette::Text, Qt::black);
        // What QHeaderView::paintSection passes for this order.
        option.sortIndicator = order == Qt::AscendingOrder ? QStyleOptionHeader::SortDown
                                                           : QStyleOptionHeader::SortUp;
        QPainter painter(&image);
        header->style()->drawPrimitive(QStyle::PE_IndicatorHeaderArrow, &option, &painter, header);
        painter.end();
        QList<int> widths; // dark pixels per painted row, top to bottom
        for (int y = 0; y < image.height(); ++y) {
            int dark = 0;
            for (int x = 0; x < image.width(); ++x)
                dark += qGray(image.pixel(x, y)) < 160 ? 1 : 0;
            if (dark > 0)
                widths << dark;
        }
        return widths;
    };
    const QList<int> descending = widthsOfArrow(Qt::DescendingOrder);
    QVERIFY(descending.size() >= 2);
    QVERIFY2(descending.first() > descending.last(), "descending must point down");
    const QList<int> ascending = widthsOfArrow(Qt::AscendingOrder);
    QVERIFY(ascending.size() >= 2);
    QVERIFY2(ascending.first() < ascending.last(), "ascending must point up");
}

void TestWindow::anEmptyTableSaysWhy()
{
    Desktop desktop(0);
    auto *hint = desktop.view()->viewport()->findChild<EmptyTableHint *>();
    QVERIFY(hint);
    QTRY_VERIFY(hint->isVisible());
    QVERIFY2(hint->text().contains(u"Ctrl+N"_s), qPrintable(hint->text()));

    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    desktop.create(u"burst-4"_s, 1);
    QTRY_COMPARE(desktop.model()->rowCount(), 1);
    QTRY_VERIFY(!hint->isVisible());
    QLineEdit *search = desktop.window->simulations()->searchField();
    search->setText(u"nothing like it"_s);
    QTest::keyClick(search, Qt::Key_Return);
    QTRY_VERIFY(desktop.model()->rowCount() == 0 && !desktop.model()->isLoading());
    QTRY_VERIFY(hint->isVisible());
    QVERIFY2(hint->text().contains(u"No simulation matches"_s), qPrintable(hint->text()));
}

void TestWindow::escapeClearsTheSearch()
{
    Desktop desktop(0);
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    desktop.create(u"alpha"_s, 1);
    desktop.create(u"beta"_s, 1);
    QTRY_COMPARE(desktop.model()->rowCount(), 2);
    QLineEdit *search = desktop.window->simulations()->searchField();
    search->setText(u"alp"_s);
    QTest::keyClick(search, Qt::Key_Return);
    QTRY_COMPARE(desktop.model()->rowCount(), 1);
    QTest::keyClick(search, Qt::Key_Escape);
    QCOMPARE(search->text(), QString());
    QCOMPARE(desktop.model()->query().nameContains, QString());
    QTRY_COMPARE(desktop.model()->rowCount(), 2);
}

void TestWindow::truncatedNamesHaveATooltip()
{
    Desktop desktop(0);
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    const QString longName = u"a rather long name for a run, longer than its column is wide"_s;
    desktop.create(u"short"_s, 1);
    desktop.create(longName, 1);
    QTRY_VERIFY(desktop.model()->rowCount() == 2 && desktop.nameAt(0) == longName);
    desktop.window->resize(900, 600);
    QTRY_VERIFY(desktop.view()->columnWidth(SimulationsTableModel::NameColumn) < 300);
    const auto tooltipAt = [&](int row) {
        QToolTip::hideText();
        const QRect cell = desktop.view()->visualRect(
            desktop.model()->index(row, SimulationsTableModel::NameColumn));
        QHelpEvent help(QEvent::ToolTip, cell.center(),
                        desktop.view()->viewport()->mapToGlobal(cell.center()));
        QApplication::sendEvent(desktop.view()->viewport(), &help);
        return QToolTip::isVisible() ? QToolTip::text() : QString();
    };
    QCOMPARE(tooltipAt(1), QString()); // "short" shows whole
    QCOMPARE(tooltipAt(0), longName);
}

// With the vertical scroll bar shown, every column still fits: no horizontal scroll bar
// covers the last rows, and Progress is whole.
void TestWindow::columnsFitBesideTheVerticalScrollBar()
{
    Desktop desktop(0);
    desktop.window->resize(1280, 820);
    QVERIFY(desktop.service().createMachine(1, u"Machine A"_s));
    QVERIFY(desktop.insertRuns(200, u"pending"_s));
    desktop.model()->scheduleRefresh();
    QTRY_COMPARE(desktop.model()->rowCount(), 200);
    QTRY_VERIFY(desktop.view()->verticalScrollBar()->isVisible());
    QTest::qWait(50); // the header lays out its sections
    QVERIFY(!desktop.view()->horizontalScrollBar()->isVisible());
    QHeaderView *header = desktop.view()->horizontalHeader();
    const int progress = SimulationsTableModel::ProgressColumn;
    QVERIFY(header->sectionViewportPosition(progress) + header->sectionSize(progress)
            <= desktop.view()->viewport()->width());
}

// The desktop fixture serves without tokens, as --no-auth does; dates read as in the table.
void TestWindow::tokensDialogSaysWhenTokensAreNotAskedFor()
{
    Desktop desktop(0);
    QCOMPARE(desktop.runtime->options().apiAuth, api::AuthMode::Disabled);
    QVERIFY(TokenRepository(desktop.runtime->database()).create(u"ci"_s, TokenScope::Read));
    desktop.window->showTokens();
    auto *dialog = desktop.window->findChild<TokensDialog *>();
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    QVERIFY(dialog->noAuthNote()->isVisible());
    QVERIFY(dialog->noAuthNote()->text().contains(u"--no-auth"_s));
    QTRY_COMPARE(dialog->list()->topLevelItemCount(), 1);
    const QString created = dialog->list()->topLevelItem(0)->text(2);
    static const QRegularExpression iso(u"^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d$"_s);
    QVERIFY2(iso.match(created).hasMatch(), qPrintable(created));
    dialog->setTokensRequired(true);
    QVERIFY(!dialog->noAuthNote()->isVisible());
    dialog->close();
}

QTEST_MAIN(TestWindow)
#include "tst_window.moc"
