// Opens the simulations table on a database of one million runs and measures what a user
// waits for: the first painted rows, a jump to the last row, the memory it all takes, a text
// typed into the search box (each text the box hands to the table after the typing pauses, until
// its first rows show), and a click on each column header (a sort in the database) until the
// first, a middle and the last rows show.
// Each measurement runs in its own process (for a clean resident set size) and is printed
// beside baselines: the same window on 1,000 runs, and QSqlQueryModel with fetchMore().

#include "database.h"
#include "eventhub.h"
#include "simulationkeyranges.h"
#include "simulationpageloader.h"
#include "simulationrepository.h"
#include "simulationspanel.h"
#include "simulationstablemodel.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSqlQuery>
#include <QSqlQueryModel>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>

#include <cstdio>
#include <functional>
#include <memory>

using namespace Qt::StringLiterals;
using namespace aisim;

namespace {

constexpr int kTimeoutMs = 120'000;

double residentMegabytes()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return -1;
}

// Processes events until done() holds; false on timeout.
bool waitFor(const std::function<bool()> &done)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > kTimeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

bool createDatabase(const QString &path, qint64 rows)
{
    Database database(DatabaseUrl::sqliteFile(path));
    if (!database.migrate())
        return false;
    QSqlDatabase db = database.connection();
    QSqlQuery query(db);
    const qint64 base = 1'700'000'000'000;
    return db.transaction()
        && query.exec(u"INSERT INTO machines (machine_id, name, created_at) VALUES "
                      "(1, 'Machine A', %1), (2, 'Machine B', %1)"_s.arg(base))
        && query.exec(u"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE "
                      "i < %1) INSERT INTO simulations (name, name_folded, name_key, machine_id, "
                      "status, creation_date, update_date, started_at, finished_at, points_done, "
                      "parameters, final_loss, best_loss, best_seconds, loss_rate, verdict) "
                      "SELECT 'run ' || i, 'run ' || i, 'run ' || printf('%3', i), "
                      "1 + i % 2, 'finished', %2 + i * 1000, "
                      "%2 + i * 1000 + 10000, %2 + i * 1000, %2 + i * 1000 + 10000, 10, "
                      "'{\"points\":10}', 0.01 + (i * 7919 % 100000) / 1e6, "
                      "0.01 + (i * 7919 % 100000) / 1e6, 100, -0.5 + (i * 104729 % 1000) / 1e3, "
                      "CASE WHEN i % 7 = 0 THEN 'stalled' WHEN i % 11 = 0 THEN 'diverging' "
                      "ELSE 'converging' END FROM n"_s.arg(QString::number(rows),
                                                           QString::number(base), u"%020d"_s))
        && db.commit()
        // The ranges of the orders split, as the program's start would.
        && SimulationKeyRanges::split(database).ok();
}

struct Figures
{
    double paintedMs = -1;
    double lastRowMs = -1;
    double rssMb = -1;
    double stormStallMs = -1; // longest GUI-thread stall during a burst of engine events
    int stormReads = -1; // table reads that burst caused
    // Per text of searchTexts(): ms from the table given the text to its first rows painted,
    // then to its matches counted exactly (the first rows may come with an estimate).
    QList<double> searches;
    QList<double> searchesCounted;
    // Per sorted column: ms from the header click to painted first rows, then to the middle
    // row, then to the last row.
    struct Sort
    {
        double paintedMs = -1;
        double middleMs = -1;
        double lastRowMs = -1;
    };
    QList<Sort> sorts;
    // The database work of one refresh (count and three pages), alone and while following a
    // selected block of 10 rows far from the view: near the top, in the middle.
    double refreshMs = -1;
    double refreshFollowingTopMs = -1;
    double refreshFollowingMiddleMs = -1;
};

// The columns a user sorts by, with their names as printed.
const QList<QPair<int, QString>> &sortColumns()
{
    static const QList<QPair<int, QString>> columns {
        {SimulationsTableModel::IdColumn, u"id"_s},
        {SimulationsTableModel::FinalLossColumn, u"final loss"_s},
        {SimulationsTableModel::RateColumn, u"rate"_s},
        {SimulationsTableModel::NameColumn, u"name"_s},
        {SimulationsTableModel::MachineColumn, u"machine"_s},
        {SimulationsTableModel::StatusColumn, u"status"_s},
        {SimulationsTableModel::UpdatedColumn, u"updated"_s},
        {SimulationsTableModel::DurationColumn, u"duration"_s},
        {SimulationsTableModel::ProgressColumn, u"progress"_s},
        {SimulationsTableModel::VerdictColumn, u"verdict"_s},
    };
    return columns;
}

// What a user types into the search box, a character at a time (the names are "run 1" to
// "run N"), then a text within the names and one that no name holds.
const QStringList &searchTexts()
{
    static const QStringList texts {u"r"_s,          u"ru"_s,      u"run"_s,      u"run 4"_s,
                                    u"run 42"_s,     u"run 424"_s, u"run 4242"_s, u"run 42424"_s,
                                    u"run 424242"_s, u"2424"_s,    u"nothing"_s};
    return texts;
}

constexpr int kStormEvents = 20'000;

// The desktop's own panel: windowed model, delegates and all.
Figures measureWindowed(const QString &path, qint64 rows)
{
    Figures figures;
    QElapsedTimer clock;
    clock.start();
    Database database(DatabaseUrl::sqliteFile(path));
    EventHub events;
    SimulationsPanel panel(database, events);
    panel.resize(1200, 700);
    panel.show();
    SimulationsTableModel *model = panel.model();
    if (!waitFor([&] { return model->rowCount() == rows && model->simulationAt(0); }))
        return figures;
    panel.view()->viewport()->repaint();
    figures.paintedMs = clock.nsecsElapsed() / 1e6;

    clock.restart();
    panel.view()->scrollToBottom();
    panel.view()->viewport()->repaint(); // asks for the last page
    if (!waitFor([&] { return model->simulationAt(int(rows) - 1).has_value(); }))
        return figures;
    panel.view()->viewport()->repaint();
    figures.lastRowMs = clock.nsecsElapsed() / 1e6;
    figures.rssMb = residentMegabytes();

    // Workers announce changes from their own threads, in bursts: the table must coalesce them
    // and the GUI thread keep turning.
    if (!waitFor([&] { return !model->isLoading(); }))
        return figures;
    int reads = 0;
    QObject::connect(model, &SimulationsTableModel::rowsLoaded, [&reads] { ++reads; });
    std::unique_ptr<QThread> engine(QThread::create([&events, rows] {
        for (int i = 0; i < kStormEvents; ++i)
            Q_EMIT events.simulationChanged(rows - i % 200, SimulationStatus(i % 3));
    }));
    QElapsedTimer stall;
    stall.start();
    clock.restart();
    qint64 longest = 0;
    engine->start();
    while (!engine->isFinished() || clock.elapsed() < 1000 || model->isLoading()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        panel.view()->viewport()->repaint();
        longest = std::max(longest, stall.nsecsElapsed());
        stall.restart();
    }
    engine->wait();
    figures.stormStallMs = longest / 1e6;
    figures.stormReads = reads;

    // The search box hands its text to the table once the typing pauses (250 ms); from there
    // the table counts the matches and reads their first page in the background.
    bool reset = false;
    QObject::connect(model, &QAbstractItemModel::modelReset, [&reset] { reset = true; });
    for (const QString &text : searchTexts()) {
        reset = false;
        clock.restart();
        model->setNameFilter(text);
        if (!waitFor([&] {
                return reset && (model->rowCount() == 0 || model->simulationAt(0).has_value());
            }))
            return figures;
        panel.view()->scrollToTop();
        panel.view()->viewport()->repaint();
        figures.searches.append(clock.nsecsElapsed() / 1e6);
        if (!waitFor([&] { return !model->isLoading() && model->isTotalExact(); }))
            return figures;
        figures.searchesCounted.append(clock.nsecsElapsed() / 1e6);
    }
    model->setNameFilter(QString());
    if (!waitFor([&] { return !model->isLoading() && model->rowCount() == rows; }))
        return figures;

    // Pictures of the middle row of each sort, for a look, when AISIM_SCREENSHOT_DIR names a
    // folder (taken after the row is timed).
    const QString pictures = qEnvironmentVariable("AISIM_SCREENSHOT_DIR");
    for (const auto &[column, name] : sortColumns()) {
        clock.restart();
        panel.view()->sortByColumn(column, Qt::AscendingOrder);
        if (!waitFor([&] { return !model->isLoading() && model->simulationAt(0).has_value(); }))
            return figures;
        panel.view()->scrollToTop();
        panel.view()->viewport()->repaint();
        const double paintedMs = clock.nsecsElapsed() / 1e6;
        clock.restart();
        const int middle = int(rows / 2);
        panel.view()->scrollTo(model->index(middle, 0), QAbstractItemView::PositionAtCenter);
        panel.view()->viewport()->repaint();
        if (!waitFor([&] { return model->simulationAt(middle).has_value(); }))
            return figures;
        panel.view()->viewport()->repaint();
        const double middleMs = clock.nsecsElapsed() / 1e6;
        if (!pictures.isEmpty()) {
            panel.grab().save(
                QDir(pictures).filePath(u"bench_table-%1-%2-middle.png"_s.arg(rows).arg(
                    QString(name).replace(u' ', u'-'))));
        }
        clock.restart();
        panel.view()->scrollToBottom();
        panel.view()->viewport()->repaint();
        if (!waitFor([&] { return model->simulationAt(int(rows) - 1).has_value(); }))
            return figures;
        panel.view()->viewport()->repaint();
        figures.sorts.append({paintedMs, middleMs, clock.nsecsElapsed() / 1e6});
    }

    // What following a selection far from the view adds to a refresh.
    SimulationQuery query;
    query.descending = true;
    const auto blockAt = [&](qint64 row) {
        SimulationQuery page = query;
        page.offset = row;
        page.limit = 10;
        QList<qint64> ids;
        for (const Simulation &simulation : SimulationRepository(database).list(page).value())
            ids << simulation.id;
        return ids;
    };
    const QList<int> lastPages {int(rows / 100) - 1, int(rows / 100) - 2, int(rows / 100) - 3};
    const auto timeRefresh = [&](const QList<QList<qint64>> &tracked) {
        double best = -1;
        for (int i = 0; i < 5; ++i) {
            clock.restart();
            if (!loadSimulationWindow(database, query, lastPages, 100, false, tracked))
                return -1.0;
            const double ms = clock.nsecsElapsed() / 1e6;
            best = best < 0 ? ms : std::min(best, ms);
        }
        return best;
    };
    figures.refreshMs = timeRefresh({});
    figures.refreshFollowingTopMs = timeRefresh({blockAt(10)});
    figures.refreshFollowingMiddleMs = timeRefresh({blockAt(rows / 2)});
    return figures;
}

// The textbook alternative: QSqlQueryModel, which must fetch every row to reach the last.
Figures measureQSqlQueryModel(const QString &path, qint64 rows)
{
    Figures figures;
    QElapsedTimer clock;
    clock.start();
    Database database(DatabaseUrl::sqliteFile(path));
    QSqlQueryModel model;
    model.setQuery(u"SELECT simulation_id, name, machine_id, status, creation_date, "
                   "update_date, points_done FROM simulations ORDER BY creation_date DESC"_s,
                   database.connection());
    QTableView view;
    view.setModel(&model);
    view.resize(1200, 700);
    view.show();
    view.viewport()->repaint();
    figures.paintedMs = clock.nsecsElapsed() / 1e6;

    clock.restart();
    while (model.canFetchMore())
        model.fetchMore();
    if (model.rowCount() != rows)
        return figures;
    view.scrollToBottom();
    view.viewport()->repaint();
    figures.lastRowMs = clock.nsecsElapsed() / 1e6;
    figures.rssMb = residentMegabytes();
    return figures;
}

int runChild(const QStringList &arguments)
{
    const QString mode = arguments.at(2);
    const QString path = arguments.at(3);
    const qint64 rows = arguments.at(4).toLongLong();
    const Figures figures
        = mode == "windowed"_L1 ? measureWindowed(path, rows) : measureQSqlQueryModel(path, rows);
    QTextStream output(stdout);
    output << figures.paintedMs << ' ' << figures.lastRowMs << ' ' << figures.rssMb << ' '
           << figures.stormStallMs << ' ' << figures.stormReads;
    output << ' ' << figures.refreshMs << ' ' << figures.refreshFollowingTopMs << ' '
           << figures.refreshFollowingMiddleMs << ' ' << figures.searches.size();
    for (qsizetype i = 0; i < figures.searches.size(); ++i)
        output << ' ' << figures.searches.at(i) << ' ' << figures.searchesCounted.value(i, -1);
    for (const Figures::Sort &sort : figures.sorts)
        output << ' ' << sort.paintedMs << ' ' << sort.middleMs << ' ' << sort.lastRowMs;
    output << '\n';
    return figures.rssMb > 0 ? 0 : 1;
}

Figures runMeasurement(const QString &mode, const QString &path, qint64 rows)
{
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(),
                {u"--measure"_s, mode, path, QString::number(rows)});
    Figures figures;
    if (!child.waitForFinished(kTimeoutMs * 2) || child.exitCode() != 0)
        return figures;
    const QList<QByteArray> values = child.readAllStandardOutput().trimmed().split(' ');
    if (values.size() >= 8) {
        figures.paintedMs = values.at(0).toDouble();
        figures.lastRowMs = values.at(1).toDouble();
        figures.rssMb = values.at(2).toDouble();
        figures.stormStallMs = values.at(3).toDouble();
        figures.stormReads = values.at(4).toInt();
        figures.refreshMs = values.at(5).toDouble();
        figures.refreshFollowingTopMs = values.at(6).toDouble();
        figures.refreshFollowingMiddleMs = values.at(7).toDouble();
        const qsizetype searches = values.value(8).toInt();
        for (qsizetype i = 9; i + 1 < 9 + 2 * searches && i + 1 < values.size(); i += 2) {
            figures.searches.append(values.at(i).toDouble());
            figures.searchesCounted.append(values.at(i + 1).toDouble());
        }
        for (qsizetype i = 9 + 2 * searches; i + 2 < values.size(); i += 3)
            figures.sorts.append({values.at(i).toDouble(), values.at(i + 1).toDouble(),
                                  values.at(i + 2).toDouble()});
    }
    return figures;
}

QString ratio(double value, double baseline)
{
    return value > 0 && baseline > 0 ? u"%1x"_s.arg(value / baseline, 0, 'f', 2) : u"-"_s;
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    qputenv("QT_LOGGING_RULES", "aisim.*.info=false");
    QApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    if (arguments.size() == 5 && arguments.at(1) == "--measure"_L1)
        return runChild(arguments);

    const qint64 large = arguments.size() > 1 ? arguments.at(1).toLongLong() : 1'000'000;
    const qint64 small = 1'000;
    QTextStream out(stdout);
    QTemporaryDir dir;
    const QString largePath = dir.filePath(u"large.db"_s);
    const QString smallPath = dir.filePath(u"small.db"_s);
    QElapsedTimer clock;
    clock.start();
    if (!createDatabase(largePath, large) || !createDatabase(smallPath, small)) {
        out << "cannot create the benchmark databases\n";
        return 1;
    }
    out << "Built " << large << " + " << small << " simulations in " << clock.elapsed()
        << " ms\n\n";
    out.flush();

    const Figures windowedLarge = runMeasurement(u"windowed"_s, largePath, large);
    const Figures windowedSmall = runMeasurement(u"windowed"_s, smallPath, small);
    const Figures queryModelLarge = runMeasurement(u"qsqlquerymodel"_s, largePath, large);

    const auto row = [&out](const QString &name, qint64 rows, const Figures &f) {
        out << qSetFieldWidth(34) << Qt::left << name << qSetFieldWidth(10) << Qt::right << rows
            << qSetFieldWidth(16) << u"%1 ms"_s.arg(f.paintedMs, 0, 'f', 1) << qSetFieldWidth(16)
            << u"%1 ms"_s.arg(f.lastRowMs, 0, 'f', 1) << qSetFieldWidth(12)
            << u"%1 MB"_s.arg(f.rssMb, 0, 'f', 1) << qSetFieldWidth(0) << '\n';
    };
    out << qSetFieldWidth(34) << Qt::left << "" << qSetFieldWidth(10) << Qt::right << "rows"
        << qSetFieldWidth(16) << "to painted" << qSetFieldWidth(16) << "to last row"
        << qSetFieldWidth(12) << "VmRSS" << qSetFieldWidth(0) << '\n';
    const auto storm = [&out](const QString &name, const Figures &f) {
        out << name << ": longest GUI stall " << u"%1 ms"_s.arg(f.stormStallMs, 0, 'f', 1)
            << ", table reads " << f.stormReads << '\n';
    };
    row(u"windowed table model"_s, large, windowedLarge);
    row(u"windowed table model (baseline)"_s, small, windowedSmall);
    row(u"QSqlQueryModel + fetchMore"_s, large, queryModelLarge);
    out << '\n' << kStormEvents << " engine events in a burst, from another thread:\n";
    storm(u"  windowed, %1 rows"_s.arg(large), windowedLarge);
    storm(u"  windowed, %1 rows"_s.arg(small), windowedSmall);
    out << "\nA text typed into the search box, as the box hands it to the table once the typing "
           "pauses: to the first rows painted, then to its matches counted exactly\n";
    for (qsizetype i = 0; i < searchTexts().size(); ++i) {
        const auto times = [i](const Figures &f) {
            return u"%1 / %2 ms"_s.arg(f.searches.value(i, -1.0), 0, 'f', 1)
                .arg(f.searchesCounted.value(i, -1.0), 0, 'f', 1);
        };
        out << "  " << qSetFieldWidth(14) << Qt::left << u'"' + searchTexts().at(i) + u'"'
            << qSetFieldWidth(0) << large << " rows " << times(windowedLarge) << ", " << small
            << " rows " << times(windowedSmall) << ", first rows "
            << ratio(windowedLarge.searches.value(i, -1.0), windowedSmall.searches.value(i, -1.0))
            << '\n';
    }
    out << "\nA click on a column header (a sort in the database): to the first rows painted, "
           "then to the middle row, then to the last row\n";
    const auto sortFigures = [](const Figures &f, qsizetype i) {
        return i < f.sorts.size() ? u"%1 / %2 / %3 ms"_s.arg(f.sorts.at(i).paintedMs, 0, 'f', 1)
                                        .arg(f.sorts.at(i).middleMs, 0, 'f', 1)
                                        .arg(f.sorts.at(i).lastRowMs, 0, 'f', 1)
                                  : u"-"_s;
    };
    for (qsizetype i = 0; i < sortColumns().size(); ++i) {
        const auto first
            = [i](const Figures &f) { return i < f.sorts.size() ? f.sorts.at(i).paintedMs : -1.0; };
        out << "  by " << qSetFieldWidth(10) << Qt::left << sortColumns().at(i).second
            << qSetFieldWidth(0) << large << " rows " << sortFigures(windowedLarge, i) << ", "
            << small << " rows " << sortFigures(windowedSmall, i) << ", first rows "
            << ratio(first(windowedLarge), first(windowedSmall)) << '\n';
    }
    out << "\nThe database work of a refresh (row count, three pages) on " << large
        << " rows: " << windowedLarge.refreshMs
        << " ms (1.00); following 10 selected rows far from the view, "
        << "near the top " << windowedLarge.refreshFollowingTopMs << " ms ("
        << ratio(windowedLarge.refreshFollowingTopMs, windowedLarge.refreshMs)
        << "), in the middle " << windowedLarge.refreshFollowingMiddleMs << " ms ("
        << ratio(windowedLarge.refreshFollowingMiddleMs, windowedLarge.refreshMs) << ")\n";
    out << "\nwindowed, " << large << " vs " << small << " rows: painted "
        << ratio(windowedLarge.paintedMs, windowedSmall.paintedMs) << ", last row "
        << ratio(windowedLarge.lastRowMs, windowedSmall.lastRowMs) << ", memory "
        << ratio(windowedLarge.rssMb, windowedSmall.rssMb) << '\n';
    out << "QSqlQueryModel vs windowed, " << large << " rows: painted "
        << ratio(queryModelLarge.paintedMs, windowedLarge.paintedMs) << ", last row "
        << ratio(queryModelLarge.lastRowMs, windowedLarge.lastRowMs) << ", memory "
        << ratio(queryModelLarge.rssMb, windowedLarge.rssMb) << '\n';
    const bool met = windowedLarge.paintedMs > 0 && windowedLarge.paintedMs < 1000
        && windowedLarge.lastRowMs > 0 && windowedLarge.lastRowMs < 500 && windowedLarge.rssMb > 0
        && windowedLarge.rssMb < 300;
    out << "targets (painted < 1 s, last row < 0.5 s, < 300 MB): " << (met ? "met" : "MISSED")
        << '\n';
    return met ? 0 : 1;
}
