#pragma once

#include "mainwindow.h"
#include "runtime.h"
#include "simulationactions.h"
#include "simulationspanel.h"
#include "simulationstablemodel.h"
#include "testsupport.h"

#include <QApplication>
#include <QItemSelectionModel>
#include <QMessageBox>
#include <QPushButton>
#include <QSqlQuery>
#include <QTableView>
#include <QTest>
#include <QTimer>

namespace aisim::test {

// A main window over a runtime on a fresh SQLite file.
struct Desktop
{
    explicit Desktop(int workers,
                     test::TestDatabase::Dialect dialect = test::TestDatabase::Dialect::Sqlite,
                     int pollIntervalMs = 100)
        : database(dialect)
    {
        if (!database.isAvailable())
            return; // the test skips
        RuntimeOptions options;
        options.database = database.url();
        options.runEngine = workers > 0;
        options.engine.workers = workers;
        options.engine.pollIntervalMs = pollIntervalMs;
        auto opened = Runtime::open(options);
        if (!opened)
            qFatal("cannot open the runtime: %s", qPrintable(opened.error().message));
        runtime = std::move(opened.value());
        window = std::make_unique<MainWindow>(*runtime);
        window->actions()->setConfirmDeletion(true);
        window->show();
    }
    ~Desktop()
    {
        window.reset();
        runtime.reset();
    }

    SimulationService &service() { return runtime->service(); }
    SimulationsTableModel *model() { return window->simulations()->model(); }
    QTableView *view() { return window->simulations()->view(); }

    Simulation create(const QString &name, qint64 machineId, int points = 10, int paceMs = 1000)
    {
        NewSimulation simulation;
        simulation.name = name;
        simulation.machineId = machineId;
        simulation.parameters.points = points;
        simulation.parameters.paceMs = paceMs;
        const auto created = service().create(simulation);
        if (!created)
            qFatal("cannot create: %s", qPrintable(created.error().message));
        return created.value();
    }

    // Stores count runs named "run 00001" … on machine 1 straight into the database, with ids
    // and dates in that order, without telling the window.
    bool insertRuns(int count, const QString &status)
    {
        QSqlDatabase db = runtime->database().connection();
        if (!db.transaction())
            return false;
        QSqlQuery insert(db);
        insert.prepare(QStringLiteral("INSERT INTO simulations (name, machine_id, status, "
                                      "creation_date, update_date) VALUES (?, 1, ?, ?, ?)"));
        const qint64 base = 1'700'000'000'000;
        for (int i = 1; i <= count; ++i) {
            insert.addBindValue(QStringLiteral("run %1").arg(i, 5, 10, QChar(u'0')));
            insert.addBindValue(status);
            insert.addBindValue(base + i);
            insert.addBindValue(base + i);
            if (!insert.exec())
                return false;
        }
        return db.commit();
    }

    // The row showing a simulation, or -1 while it is not loaded.
    int rowOf(qint64 id)
    {
        for (int row = 0; row < model()->rowCount(); ++row) {
            if (const auto s = model()->simulationAt(row); s && s->id == id)
                return row;
        }
        return -1;
    }

    QString nameAt(int row)
    {
        const auto s = model()->simulationAt(row);
        return s ? s->name : QString();
    }

    void selectRows(const QList<int> &rows)
    {
        view()->clearSelection();
        for (const int row : rows)
            view()->selectionModel()->select(
                model()->index(row, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    }

    test::TestDatabase database;
    std::unique_ptr<Runtime> runtime;
    std::unique_ptr<MainWindow> window;
};

// Answers the next modal message box with the given button.
inline void answerNextMessageBox(QMessageBox::StandardButton button)
{
    QTimer::singleShot(0, [button] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        QVERIFY(box);
        box->button(button)->click();
    });
}

} // namespace aisim::test

// A desktop with no workers on the current data row's database, as `name`, or skips (fails,
// when AISIM_REQUIRE_POSTGRES is set) when that dialect has no server.
#define AISIM_OPEN_TEST_DESKTOP(name)                                                              \
    QFETCH(int, dialect);                                                                          \
    Desktop name(0, aisim::test::TestDatabase::Dialect(dialect));                                  \
    if (!name.runtime) {                                                                           \
        if (qEnvironmentVariableIsSet("AISIM_REQUIRE_POSTGRES"))                                   \
            QFAIL(qPrintable(name.database.whyUnavailable()));                                     \
        QSKIP(qPrintable(name.database.whyUnavailable()));                                         \
    }
