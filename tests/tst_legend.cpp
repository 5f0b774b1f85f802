#include "chartview.h"
#include "convergencepanel.h"
#include "desktopfixture.h"
#include "runcolors.h"
#include "runexporter.h"
#include "savefiledialog.h"

#include <QChart>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFont>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLegend>
#include <QLineSeries>
#include <QSignalSpy>
#include <QSlider>
#include <QStatusBar>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using namespace aisim;

// Comparing runs in the window: the table as the chart's legend, the loss columns and the
// verdicts, smoothing, and the export of the selected runs, over a real database and window.
class TestLegend : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void paletteHasTwentyFourDistinctColours();
    void runsKeepTheirColourWhileSelected();
    void twentyRunsCompareInTheWindow();
    void hoverAndClickFindTheRun();
    void leaseAndWaitingShowInTheRowTooltip();
    void saveDialogOpensWideEnoughForItsColumns();
};

namespace {

// Creates count finished runs of the given curves (round robin), 10 points at full speed.
QList<qint64> createFinishedRuns(test::Desktop &desktop, const QStringList &curves, int count)
{
    QList<qint64> ids;
    for (int i = 0; i < count; ++i) {
        NewSimulation simulation;
        simulation.name = u"%1 %2"_s.arg(curves[i % curves.size()]).arg(i + 1);
        simulation.machineId = 1;
        simulation.parameters.curve = curves[i % curves.size()];
        simulation.parameters.paceMs = 0;
        simulation.parameters.points = 10 + 5 * (i / curves.size());
        if (i >= curves.size()) {
            simulation.parameters.noise = 0.004;
            simulation.parameters.seed = i;
        }
        ids << desktop.service().create(simulation)->id;
    }
    return ids;
}

int finishedRows(test::Desktop &desktop)
{
    int finished = 0;
    for (int row = 0; row < desktop.model()->rowCount(); ++row) {
        const auto s = desktop.model()->simulationAt(row);
        finished
            += s && s->status == SimulationStatus::Finished && s->verdict != Verdict::TooFewPoints;
    }
    return finished;
}

QColor penColor(ConvergencePanel *chart, qint64 id)
{
    for (QAbstractSeries *series : chart->chart()->series()) {
        auto *line = qobject_cast<QLineSeries *>(series);
        if (line && line->isVisible() && line->points() == chart->drawnPoints(id)
            && !line->points().isEmpty())
            return line->pen().color();
    }
    return {};
}

void saveScreenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("AISIM_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(widget->grab().save(dir + u'/' + name));
}

} // namespace

void TestLegend::paletteHasTwentyFourDistinctColours()
{
    for (const bool dark : {false, true}) {
        for (int a = 0; a < RunColors::kDistinctColors; ++a) {
            for (int b = a + 1; b < RunColors::kDistinctColors; ++b) {
                const QColor x = RunColors::paletteColor(a, dark);
                const QColor y = RunColors::paletteColor(b, dark);
                const int distance = std::abs(x.red() - y.red()) + std::abs(x.green() - y.green())
                    + std::abs(x.blue() - y.blue());
                QVERIFY2(distance >= 60, qPrintable(u"%1 and %2 look alike"_s.arg(a).arg(b)));
            }
        }
    }
}

void TestLegend::runsKeepTheirColourWhileSelected()
{
    RunColors colors;
    colors.assign({1, 2, 3});
    const QColor two = colors.colorOf(2);
    const QColor three = colors.colorOf(3);
    colors.assign({2, 3, 4}); // 1 left, 4 came: 2 and 3 keep theirs, 4 takes the free one
    QCOMPARE(colors.colorOf(2), two);
    QCOMPARE(colors.colorOf(3), three);
    QCOMPARE(colors.indexOf(4), 0);
    QVERIFY(!colors.colorOf(1).isValid());
    QList<qint64> many;
    for (qint64 id = 100; id < 124; ++id)
        many << id;
    colors.assign(many);
    QSet<int> indexes;
    for (const qint64 id : many)
        indexes.insert(colors.indexOf(id));
    QCOMPARE(indexes.size(), 24);
}

void TestLegend::twentyRunsCompareInTheWindow()
{
    test::Desktop desktop(2);
    QVERIFY(desktop.service().createMachine(1, u"Workstation"_s).ok());
    const QStringList curves {u"seed"_s, u"power"_s, u"plateau"_s, u"diverge"_s};
    const QList<qint64> ids = createFinishedRuns(desktop, curves, 20);
    desktop.window->resize(1400, 900);
    QTRY_COMPARE_WITH_TIMEOUT(finishedRows(desktop), 20, 30000);

    // Sorting by final loss puts the best run first.
    desktop.view()->sortByColumn(SimulationsTableModel::FinalLossColumn, Qt::AscendingOrder);
    QTRY_VERIFY(!desktop.model()->isLoading());
    QTRY_VERIFY(desktop.model()->simulationAt(0).has_value());
    double previous = 0;
    for (int row = 0; row < 20; ++row) {
        const auto s = desktop.model()->simulationAt(row);
        QVERIFY(s && s->finalLoss);
        QVERIFY(*s->finalLoss >= previous);
        previous = *s->finalLoss;
    }
    QCOMPARE(desktop.model()->simulationAt(0)->parameters.curve, u"seed"_s);

    // Stalled and diverging runs are flagged in their own column, in colour.
    for (int row = 0; row < 20; ++row) {
        const Simulation s = *desktop.model()->simulationAt(row);
        const QModelIndex verdict
            = desktop.model()->index(row, SimulationsTableModel::VerdictColumn);
        if (s.parameters.curve == "plateau"_L1)
            QCOMPARE(verdict.data().toString(), u"stalled"_s);
        if (s.parameters.curve == "diverge"_L1) {
            QCOMPARE(verdict.data().toString(), u"diverging"_s);
            QVERIFY(verdict.data(Qt::ForegroundRole).value<QColor>().isValid());
        }
    }

    // Every selected run's row shows its curve's colour, twenty different ones.
    desktop.view()->selectAll();
    ConvergencePanel *chart = desktop.window->chart();
    QTRY_COMPARE(chart->shownSimulations().size(), 20);
    for (const qint64 id : ids)
        QTRY_VERIFY(!chart->plottedPoints(id).isEmpty());
    chart->refreshNow();
    QVERIFY(!chart->chart()->legend()->isVisible()); // the table is the legend
    QSet<QRgb> colours;
    for (int row = 0; row < 20; ++row) {
        const QModelIndex name = desktop.model()->index(row, SimulationsTableModel::NameColumn);
        const QColor swatch = name.data(Qt::DecorationRole).value<QColor>();
        QVERIFY2(swatch.isValid(), qPrintable(name.data().toString()));
        const qint64 id = name.data(SimulationsTableModel::SimulationIdRole).toLongLong();
        QCOMPARE(swatch.rgb(), penColor(chart, id).rgb());
        colours.insert(swatch.rgb());
    }
    QCOMPARE(colours.size(), 20);
    saveScreenshot(desktop.window.get(), u"compare-20-runs.png"_s);

    // The smoothing slider changes the curves; the raw ones stay beneath.
    const qint64 noisy = ids.last();
    const QList<QPointF> raw = chart->drawnPoints(noisy);
    chart->findChild<QSlider *>(u"smoothingSlider"_s)->setValue(80);
    QCOMPARE(chart->smoothing(), 0.8);
    QVERIFY(chart->drawnPoints(noisy) != raw);
    QCOMPARE(chart->drawnRawPoints(noisy), raw);
    saveScreenshot(desktop.window.get(), u"compare-smoothed.png"_s);
    chart->findChild<QSlider *>(u"smoothingSlider"_s)->setValue(0);
    QCOMPARE(chart->drawnPoints(noisy), raw);
    QVERIFY(chart->drawnRawPoints(noisy).isEmpty());

    // The export holds every point of all twenty.
    QTemporaryDir dir;
    RunExporter *exporter = desktop.window->exporter();
    QSignalSpy finished(exporter, &RunExporter::finished);
    QVERIFY(desktop.window->exportRunsAction()->isEnabled());
    RunExporter::Runs runs;
    qint64 expected = 0;
    for (const Simulation &s : desktop.window->simulations()->selectedSimulations()) {
        runs.append({s.id, s.name});
        expected += s.parameters.points;
    }
    QCOMPARE(runs.size(), 20);
    exporter->exportTo(runs, dir.filePath(u"runs.csv"_s));
    QTRY_COMPARE(finished.size(), 1);
    QCOMPARE(finished[0][2].toLongLong(), expected);
    QFile csv(dir.filePath(u"runs.csv"_s));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 1 + expected);
    QCOMPARE(lines[0], "simulation_id,name,seconds,loss"_ba);
    QVERIFY(desktop.window->statusBar()->currentMessage().contains(u"runs.csv"_s));
    exporter->exportTo(runs, dir.filePath(u"runs.json"_s));
    QTRY_COMPARE(finished.size(), 2);
    QFile json(dir.filePath(u"runs.json"_s));
    QVERIFY(json.open(QIODevice::ReadOnly));
    const QJsonArray exported = QJsonDocument::fromJson(json.readAll())[u"simulations"_s].toArray();
    QCOMPARE(exported.size(), 20);
    qint64 jsonPoints = 0;
    for (const auto &run : exported)
        jsonPoints += run[u"data"_s].toArray().size();
    QCOMPARE(jsonPoints, expected);

    // The verdict filter keeps the stalled runs only.
    auto *filter = desktop.window->simulations()->verdictFilter();
    filter->setCurrentIndex(filter->findData(u"stalled"_s));
    QTRY_COMPARE(desktop.model()->rowCount(), 5);
}

void TestLegend::hoverAndClickFindTheRun()
{
    test::Desktop desktop(2);
    QVERIFY(desktop.service().createMachine(1, u"Workstation"_s).ok());
    const QList<qint64> ids = createFinishedRuns(desktop, {u"seed"_s, u"power"_s, u"plateau"_s}, 3);
    desktop.window->resize(1200, 800);
    QTRY_COMPARE_WITH_TIMEOUT(finishedRows(desktop), 3, 20000);
    desktop.view()->selectAll();
    ConvergencePanel *chart = desktop.window->chart();
    QTRY_COMPARE(chart->shownSimulations().size(), 3);
    for (const qint64 id : ids)
        QTRY_VERIFY(!chart->plottedPoints(id).isEmpty());
    chart->refreshNow();
    // Somewhere else first, so that the click has something to change.
    desktop.view()->selectionModel()->setCurrentIndex(desktop.model()->index(0, 0),
                                                      QItemSelectionModel::NoUpdate);

    // The power curve's first point stands alone, above the others.
    const qint64 power = ids[1];
    QLineSeries *series = nullptr;
    for (QAbstractSeries *candidate : chart->chart()->series()) {
        auto *line = qobject_cast<QLineSeries *>(candidate);
        if (line && line->isVisible() && line->points() == chart->drawnPoints(power))
            series = line;
    }
    QVERIFY(series);
    const QPointF first = chart->drawnPoints(power).first();
    const QPoint position = chart->view()->mapFromScene(
        chart->chart()->mapToScene(chart->chart()->mapToPosition(first, series)));
    QTest::mouseMove(chart->view()->viewport(), position);
    QTRY_COMPARE(chart->runColors()->highlighted(), power);
    const int row = desktop.rowOf(power);
    QVERIFY(desktop.model()->index(row, 1).data(Qt::FontRole).value<QFont>().bold());
    QVERIFY(!desktop.model()->index(desktop.rowOf(ids[0]), 1).data(Qt::FontRole).isValid());
    QVERIFY(series->pen().widthF() > 2); // the hovered curve stands out

    QSignalSpy clicked(chart, &ConvergencePanel::curveClicked);
    QTest::mouseClick(chart->view()->viewport(), Qt::LeftButton, {}, position);
    QCOMPARE(clicked.size(), 1);
    QCOMPARE(clicked[0][0].toLongLong(), power);
    QCOMPARE(desktop.view()->currentIndex().row(), row);
    QCOMPARE(desktop.view()->selectionModel()->selectedRows().size(), 3); // still all plotted
}

void TestLegend::leaseAndWaitingShowInTheRowTooltip()
{
    test::Desktop desktop(1);
    QVERIFY(desktop.service().createMachine(1, u"Workstation"_s).ok());
    const Simulation slow = desktop.create(u"slow"_s, 1, 3, 60'000);
    const auto statusTip = [&desktop](qint64 id) {
        const int row = desktop.rowOf(id);
        return row < 0 ? QString()
                       : desktop.model()
                             ->index(row, SimulationsTableModel::StatusColumn)
                             .data(Qt::ToolTipRole)
                             .toString();
    };
    QTRY_VERIFY_WITH_TIMEOUT(statusTip(slow.id).contains(u"lease expires"_s), 10000);
    const QString tip = statusTip(slow.id);
    QVERIFY2(tip.contains(desktop.runtime->engine()->workerId()), qPrintable(tip));
    QVERIFY2(tip.contains(u"attempt 1 of 3"_s), qPrintable(tip));

    // A window without workers: nothing serves the machine, its pending runs say so.
    test::Desktop watcher(0);
    QVERIFY(watcher.service().createMachine(2, u"Cluster"_s).ok());
    const Simulation waiting = watcher.create(u"waiting"_s, 2, 3, 0);
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const int row = watcher.rowOf(waiting.id);
            return row >= 0
                && watcher.model()
                       ->index(row, SimulationsTableModel::StatusColumn)
                       .data(Qt::ToolTipRole)
                       .toString()
                       .contains(u"Waits for a worker of machine Cluster"_s);
        }(),
        10000);
}

void TestLegend::saveDialogOpensWideEnoughForItsColumns()
{
    QSize shown;
    QTimer::singleShot(0, [&shown] {
        auto *dialog = qobject_cast<QFileDialog *>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        shown = dialog->size();
        saveScreenshot(dialog, u"save-dialog.png"_s);
        dialog->reject();
    });
    QCOMPARE(askSavePath(nullptr, u"Export"_s, u"runs.csv"_s, {u"CSV (*.csv)"_s}), QString());
    QVERIFY2(shown.width() >= 900 && shown.height() >= 500,
             qPrintable(u"%1x%2"_s.arg(shown.width()).arg(shown.height())));
}

QTEST_MAIN(TestLegend)
#include "tst_legend.moc"
