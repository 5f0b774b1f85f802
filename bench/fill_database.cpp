// fill_database --database URL --runs N [--points P] [--machines M]
// Fills an empty SQLite or PostgreSQL database with N finished runs (one in fifty failed) and P
// convergence points each, straight in SQL (a recursive CTE, generate_series), in chunks of
// 100,000 runs per transaction, with the loss columns the engine would have stored. The
// triggers keep counters, the name index and the ranges of the loss orders as the program would,
// and the ranges are split once filled. Names are "run-0000001" …;
// their folded names and natural sort keys are written in SQL.

#include "database.h"
#include "databaseurl.h"
#include "lossstatistics.h"
#include "simulationblocks.h"
#include "simulationkeyranges.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>

#include <cmath>
#include <cstdio>
#include <limits>

using namespace Qt::StringLiterals;
using namespace aisim;

namespace {

constexpr qint64 kChunk = 100'000;
constexpr qint64 kBaseMs = 1'700'000'000'000;

bool run(QSqlQuery &query, const QString &statement)
{
    if (query.exec(statement))
        return true;
    std::fprintf(stderr, "fill_database: %s\n%s\n", qPrintable(query.lastError().text()),
                 qPrintable(statement.left(300)));
    return false;
}

// Point s (1 …) of every run: the loss the points statement below writes.
double lossAt(int step)
{
    return std::round(0.1 / std::log(step * 10 + 1) * 1000) / 1000;
}

// The loss columns of a run of those points, as the engine stores them with its last point.
QString lossColumns(int points)
{
    if (points == 0)
        return u"NULL, NULL, NULL, NULL, 'too_few_points'"_s;
    const LossThresholds thresholds;
    ConvergenceSeries last;
    for (int step = std::max(1, points - thresholds.points + 1); step <= points; ++step)
        last.append({double(step * 10), lossAt(step)});
    const LossTrend trend = lossTrend(last, thresholds);
    // The loss falls at every point: the last is the best.
    const QString loss = QString::number(lossAt(points), 'g', 17);
    return u"%1, %1, %2, %3, '%4'"_s.arg(loss)
        .arg(points * 10)
        .arg(trend.rate ? QString::number(*trend.rate, 'g', 17) : u"NULL"_s)
        .arg(verdictName(trend.verdict));
}

// The runs first + 1 … last, and their points.
bool fillChunk(QSqlQuery &query, bool postgreSql, qint64 first, qint64 last, int points,
               int machines)
{
    const QString numbers = postgreSql
        ? u"SELECT generate_series(%1, %2) AS i"_s.arg(first + 1).arg(last)
        : u"WITH RECURSIVE n(i) AS (SELECT %1 UNION ALL SELECT i + 1 FROM n WHERE i < %2) "
          "SELECT i FROM n"_s.arg(first + 1)
              .arg(last);
    const QString name
        = postgreSql ? u"'run-' || lpad(i::text, 7, '0')"_s : u"'run-' || printf('%07d', i)"_s;
    const QString key
        = postgreSql ? u"'run-' || lpad(i::text, 20, '0')"_s : u"'run-' || printf('%020d', i)"_s;
    const QString runs
        = u"INSERT INTO simulations (simulation_id, name, name_folded, name_key, machine_id, "
          "status, creation_date, update_date, attempts, started_at, finished_at, error, "
          "points_done, points_total, parameters, final_loss, best_loss, best_seconds, "
          "loss_rate, verdict) "
          "SELECT i, %1, %1, %2, 101 + i %% %3, "
          "CASE WHEN i %% 50 = 0 THEN 'failed' ELSE 'finished' END, "
          "%4 + i * 1000, %4 + i * 1000 + 10000, 1, %4 + i * 1000, %4 + i * 1000 + 10000, "
          "CASE WHEN i %% 50 = 0 THEN 'emulated failure' END, %5, %6, '{\"points\":%6}', %8 "
          "FROM (%7) AS numbers"_s;
    // One pass: the printf() formats put in must not be read as placeholders.
    const QString statement
        = QString(runs)
              .replace(u"%%"_s, u"%"_s)
              .arg(name, key, QString::number(machines), QString::number(kBaseMs),
                   QString::number(points), QString::number(std::max(points, 1)), numbers,
                   lossColumns(points));
    if (!run(query, statement))
        return false;
    if (points == 0)
        return true;
    const QString steps = postgreSql
        ? u"SELECT generate_series(1, %1) AS s"_s.arg(points)
        : u"WITH RECURSIVE p(s) AS (SELECT 1 UNION ALL SELECT s + 1 FROM p WHERE s < %1) "
          "SELECT s FROM p"_s.arg(points);
    return run(query,
               u"INSERT INTO convergence (simulation_id, seconds, loss) "
               "SELECT simulation_id, s * 10, ROUND(CAST(0.1 / LN(s * 10 + 1) AS NUMERIC), 3) "
               "FROM simulations CROSS JOIN (%1) AS steps WHERE simulation_id BETWEEN %2 AND %3"_s
                   .arg(steps)
                   .arg(first + 1)
                   .arg(last));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Fills an empty aisim database with runs, fast."_s);
    parser.addHelpOption();
    const QCommandLineOption databaseOption(u"database"_s, u"sqlite:///… or postgresql://…"_s,
                                            u"url"_s);
    const QCommandLineOption runsOption(u"runs"_s, u"How many runs."_s, u"n"_s, u"1000"_s);
    const QCommandLineOption pointsOption(u"points"_s, u"Points per run."_s, u"n"_s, u"10"_s);
    const QCommandLineOption machinesOption(u"machines"_s, u"Machines 101 …"_s, u"n"_s, u"2"_s);
    parser.addOptions({databaseOption, runsOption, pointsOption, machinesOption});
    parser.process(app);

    QString error;
    const auto url = DatabaseUrl::parse(parser.value(databaseOption), &error);
    if (!url) {
        std::fprintf(stderr, "fill_database: %s\n", qPrintable(error));
        return 2;
    }
    const qint64 runs = parser.value(runsOption).toLongLong();
    const int points = parser.value(pointsOption).toInt();
    const int machines = std::max(1, parser.value(machinesOption).toInt());
    Database database(*url);
    if (const Status migrated = database.migrate(); !migrated) {
        std::fprintf(stderr, "fill_database: %s\n", qPrintable(migrated.error().message));
        return 1;
    }
    QElapsedTimer clock;
    clock.start();
    QSqlDatabase db = database.connection();
    QSqlQuery query(db);
    for (int m = 0; m < machines; ++m) {
        if (!run(query,
                 u"INSERT INTO machines (machine_id, name, created_at) VALUES "
                 "(%1, 'Machine %1', %2)"_s.arg(101 + m)
                     .arg(kBaseMs)))
            return 1;
    }
    for (qint64 first = 0; first < runs; first += kChunk) {
        if (!db.transaction()
            || !fillChunk(query, database.isPostgreSql(), first, std::min(runs, first + kChunk),
                          points, machines)
            || !db.commit())
            return 1;
    }
    // The characters of the names gathered in every block, as the engine's housekeeping would
    // within a tick or two (SimulationBlocks::foldGrams), before anything is measured.
    if (const auto gathered
        = SimulationBlocks::foldGrams(database, std::numeric_limits<int>::max(), true);
        !gathered) {
        std::fprintf(stderr, "fill_database: %s\n", qPrintable(gathered.error().message));
        return 1;
    }
    if (database.isPostgreSql()) {
        // Ids given explicitly leave the identity behind: new runs follow the last one.
        if (!run(query,
                 u"SELECT setval(pg_get_serial_sequence('simulations', 'simulation_id'), "
                 "%1)"_s.arg(std::max<qint64>(runs, 1)))
            || !run(query, u"VACUUM ANALYZE"_s) // as autovacuum would, soon after
            // The pages the fill dirtied written out now, not while the bench measures.
            || !run(query, u"CHECKPOINT"_s))
            return 1;
    } else if (!run(query, u"INSERT INTO simulation_names (simulation_names) VALUES ('optimize')"_s)
               || !run(query, u"ANALYZE"_s)) {
        // The name index merged, as the engine's housekeeping keeps a long-lived one
        // (NameSearch::tidyIndex), not in the ten segments the chunks left.
        return 1;
    }
    // The ranges of the loss orders split as the program's start would (the runs were counted
    // in the few ranges the empty database had).
    if (const Status split = SimulationKeyRanges::split(database); !split) {
        std::fprintf(stderr, "fill_database: %s\n", qPrintable(split.error().message));
        return 1;
    }
    std::printf("%lld runs, %d points each, in %.1f s\n", static_cast<long long>(runs), points,
                clock.elapsed() / 1000.0);
    return 0;
}
