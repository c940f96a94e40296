// The main window as a user drives it, offscreen: live runs reach every view, the cursor follows
// the live edge until the user scrubs, compile errors are marked in the editor, breakpoints
// highlight their event, and files round-trip.
#include "ui/main_window.h"

#include <gtest/gtest.h>

#include <QAbstractItemModelTester>
#include <QAction>
#include <QFile>
#include <QItemSelectionModel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>

#include "engine/trace/trace_file.h"
#include "tests/ui/ui_test_util.h"
#include "ui/models.h"
#include "ui/run_controller.h"
#include "ui/trace_adapter.h"
#include "ui/tree_view.h"
#include "ui/view_state.h"

namespace tasklens::ui {
namespace {

using testing::waitFor;

QString demoPath(const char* name) {
    return QStringLiteral(TASKLENS_SCENARIO_DIR "/") + QLatin1String(name);
}

bool finished(MainWindow& w) {
    return w.runController()->state() == RunState::Finished;
}

TEST(MainWindow, EveryModelStaysConsistentThroughALiveRun) {
    MainWindow window;
    QAbstractItemModelTester process_tester(window.processModel(),
                                            QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester event_tester(window.eventModel(),
                                          QAbstractItemModelTester::FailureReportingMode::Fatal);
    QAbstractItemModelTester filter_tester(window.eventFilter(),
                                           QAbstractItemModelTester::FailureReportingMode::Fatal);
    SupervisionTreeModel tree_model;
    QAbstractItemModelTester tree_tester(&tree_model,
                                         QAbstractItemModelTester::FailureReportingMode::Fatal);
    ASSERT_TRUE(window.openScenarioFile(demoPath("supervision_tree.exs")));
    window.runController()->setSpeed(0);
    window.runScenario();
    int refreshes = 0;
    QObject::connect(&window, &MainWindow::liveViewsRefreshed, [&] {
        ++refreshes;
        if (window.traceModel())
            tree_model.setSnapshot(buildTreeSnapshot(
                *window.traceModel(), static_cast<int64_t>(window.viewState()->cursorUs())));
        // Filters change while rows arrive.
        window.eventFilter()->setProcess(refreshes % 3 == 0 ? window.viewState()->selectedPid()
                                                            : Pid{});
    });
    ASSERT_TRUE(waitFor([&] { return finished(window); }));
    EXPECT_GT(refreshes, 0);
    EXPECT_EQ(window.processModel()->rowCount(), int(window.traceModel()->process_count()));
    EXPECT_EQ(window.eventModel()->rowCount(), int(window.traceModel()->event_count()));
}

TEST(MainWindow, ViewsGrowDuringTheRunAndTheCursorFollowsTheLiveEdge) {
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    ASSERT_TRUE(window.openScenarioFile(demoPath("supervision_tree.exs")));
    window.runController()->setSpeed(5);
    window.action(QStringLiteral("run"))->trigger();
    EXPECT_EQ(window.runController()->state(), RunState::Running);
    EXPECT_FALSE(window.action(QStringLiteral("run"))->isEnabled());
    EXPECT_TRUE(window.action(QStringLiteral("pause"))->isEnabled());
    EXPECT_TRUE(window.action(QStringLiteral("stop"))->isEnabled());
    EXPECT_FALSE(window.action(QStringLiteral("step"))->isEnabled());

    ASSERT_TRUE(waitFor([&] { return window.processModel()->rowCount() >= 3; }));
    const int early_rows = window.processModel()->rowCount();
    const double early_cursor = window.viewState()->cursorUs();
    ASSERT_TRUE(waitFor([&] {
        return window.processModel()->rowCount() > early_rows &&
               window.viewState()->cursorUs() > early_cursor;
    }));
    EXPECT_TRUE(window.followingLive());
    EXPECT_FALSE(window.treeView()->snapshot().nodes.empty());

    // Pause: the controls change, the views show exactly the paused moment.
    window.action(QStringLiteral("pause"))->trigger();
    EXPECT_EQ(window.runController()->state(), RunState::Paused);
    EXPECT_TRUE(window.action(QStringLiteral("run"))->isEnabled());
    EXPECT_TRUE(window.action(QStringLiteral("step"))->isEnabled());
    QTest::qWait(100);
    window.refreshLiveViews();
    const auto edge = [&] {
        return double(std::max<int64_t>(window.traceModel()->end_time(),
                                        window.runController()->virtualNowUs()));
    };
    EXPECT_EQ(window.viewState()->cursorUs(), edge());

    // Scrubbing back stops following; the Live action jumps back.
    window.viewState()->setCursorUs(window.viewState()->cursorUs() / 2);
    EXPECT_FALSE(window.followingLive());
    window.action(QStringLiteral("live"))->trigger();
    EXPECT_TRUE(window.followingLive());
    EXPECT_EQ(window.viewState()->cursorUs(), edge());

    // Step moves the live edge by at least one event.
    const uint32_t before = window.traceModel()->event_count();
    window.action(QStringLiteral("step"))->trigger();
    ASSERT_TRUE(waitFor([&] {
        window.refreshLiveViews();
        return window.traceModel()->event_count() > before;
    }));

    window.action(QStringLiteral("stop"))->trigger();
    ASSERT_TRUE(waitFor([&] { return finished(window); }));
    EXPECT_TRUE(window.action(QStringLiteral("run"))->isEnabled());
    EXPECT_FALSE(window.action(QStringLiteral("stop"))->isEnabled());
    EXPECT_TRUE(window.consoleText().contains(QStringLiteral("stopped")));
}

TEST(MainWindow, ACompileErrorIsMarkedAndKeepsThePreviousTrace) {
    MainWindow window;
    window.editor()->setPlainText(QStringLiteral("IO.puts(:first)\n"));
    window.runController()->setSpeed(0);
    window.runScenario();
    ASSERT_TRUE(waitFor([&] { return finished(window); }));
    const trace::TraceModel* first = window.traceModel();
    ASSERT_NE(first, nullptr);

    window.editor()->setPlainText(QStringLiteral("IO.puts(:ok)\nx = [1, 2\nIO.puts(x)\n"));
    window.runScenario();
    ASSERT_TRUE(waitFor([&] { return finished(window); }));
    QCoreApplication::processEvents();
    EXPECT_EQ(window.traceModel(), first);
    EXPECT_TRUE(window.consoleText().contains(QStringLiteral("untitled.exs:4:1")) ||
                window.consoleText().contains(QStringLiteral("untitled.exs:3:1")))
        << window.consoleText().toStdString();
    EXPECT_GT(window.errorLine(), 1);
    EXPECT_EQ(window.editor()->extraSelections().size(), 2);
    EXPECT_EQ(window.editor()->textCursor().blockNumber() + 1, window.errorLine());

    // Clicking the error in the console moves the editor there.
    window.goToSource(1, 1);
    EXPECT_EQ(window.editor()->textCursor().blockNumber(), 0);
    window.show();
    auto* console = window.findChild<QPlainTextEdit*>();
    for (auto* edit : window.findChildren<QPlainTextEdit*>())
        if (edit != window.editor()) console = edit;
    QTextCursor at_error = console->document()->find(QStringLiteral("untitled.exs:"));
    ASSERT_FALSE(at_error.isNull());
    const QRect rect = console->cursorRect(at_error);
    QTest::mouseClick(console->viewport(), Qt::LeftButton, {}, rect.center());
    EXPECT_EQ(window.editor()->textCursor().blockNumber() + 1, window.errorLine());

    // Typing clears the marker.
    window.editor()->insertPlainText(QStringLiteral(" "));
    EXPECT_EQ(window.errorLine(), 0);
}

TEST(MainWindow, ABreakpointHitIsSelectedInTheEventLog) {
    MainWindow window;
    ASSERT_TRUE(window.openScenarioFile(demoPath("restart_intensity.exs")));
    window.runController()->setSpeed(0);
    window.runController()->setBreakpoints({{BreakKind::Escalation, {}}});
    QSignalSpy hit(window.runController(), &RunController::breakpointHit);
    window.runScenario();
    ASSERT_TRUE(waitFor(
        [&] { return hit.count() == 1 && window.runController()->state() == RunState::Paused; }));
    const QModelIndexList rows = window.eventTable()->selectionModel()->selectedRows();
    ASSERT_EQ(rows.size(), 1);
    EXPECT_EQ(rows[0].data(KindRole).toInt(), int(trace::EventKind::SupervisorGiveUp));
    EXPECT_EQ(double(rows[0].data(TimeRole).toLongLong()), window.viewState()->cursorUs());
    EXPECT_EQ(window.runController()->state(), RunState::Paused);
    // Paused exactly at the hit: it is the last event shown, the live edge is at it, and the
    // selected row is that event (not merely one at the same time).
    const trace::TraceModel& model = *window.traceModel();
    const trace::EventIndex last = model.event_count() - 1;
    EXPECT_EQ(model.record(last).kind, trace::EventKind::SupervisorGiveUp);
    EXPECT_EQ(rows[0].data(EventIndexRole).toUInt(), last);
    EXPECT_EQ(model.seq(last), hit.at(0).at(0).toULongLong());
    EXPECT_TRUE(window.followingLive());
    EXPECT_EQ(double(model.end_time()), window.viewState()->cursorUs());
    // The tree at the cursor shows the supervisor that gave up as the selected process.
    EXPECT_EQ(window.viewState()->selectedPid(), model.process(model.record(last).process).pid);
    window.runController()->stop();
    ASSERT_TRUE(waitFor([&] { return finished(window); }));
}

TEST(MainWindow, FitsAScreenOf800x500) {
    // 1600x1000 at QT_SCALE_FACTOR=2 is 800x500 device-independent pixels; a window manager's
    // title bar takes some of that. The whole window, docks and all, must fit.
    MainWindow window;
    window.show();
    const QSize minimum = window.minimumSizeHint();
    EXPECT_LE(minimum.width(), 780) << minimum.width() << "x" << minimum.height();
    EXPECT_LE(minimum.height(), 460) << minimum.width() << "x" << minimum.height();
}

TEST(MainWindow, ScenarioAndTraceFilesRoundTrip) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    MainWindow window;
    const QString text =
        QStringLiteral("IO.puts(\"round trip\")\nTask.async(fn -> 1 end) |> Task.await()\n");
    window.editor()->setPlainText(text);
    QString error;
    ASSERT_TRUE(window.saveScenarioAs(dir.filePath(QStringLiteral("mine.exs")), &error))
        << error.toStdString();
    EXPECT_EQ(window.windowTitle(), QStringLiteral("mine.exs[*] \u2014 Tasklens"));
    EXPECT_FALSE(window.isWindowModified());
    window.editor()->clear();
    ASSERT_TRUE(window.openFile(dir.filePath(QStringLiteral("mine.exs")), &error));
    EXPECT_EQ(window.editor()->toPlainText(), text);
    EXPECT_EQ(window.scenarioPath(), dir.filePath(QStringLiteral("mine.exs")));

    window.runController()->setSpeed(0);
    window.runScenario();
    ASSERT_TRUE(waitFor([&] { return finished(window); }));
    const uint32_t events = window.traceModel()->event_count();
    ASSERT_TRUE(window.saveTraceAs(dir.filePath(QStringLiteral("mine.jsonl")), &error))
        << error.toStdString();
    const trace::TraceModel* live = window.traceModel();
    std::vector<std::string> lines;
    for (trace::EventIndex i = 0; i < events; ++i)
        lines.push_back(trace::format_event_line(live->event(i)));
    ASSERT_TRUE(window.openFile(dir.filePath(QStringLiteral("mine.jsonl")), &error))
        << error.toStdString();
    ASSERT_EQ(window.traceModel()->event_count(), events);
    for (trace::EventIndex i = 0; i < events; ++i)
        EXPECT_EQ(trace::format_event_line(window.traceModel()->event(i)), lines[i]);
    // Bad files are refused with a reason, not a crash.
    EXPECT_FALSE(window.openFile(dir.filePath(QStringLiteral("missing.exs")), &error));
    EXPECT_FALSE(error.isEmpty());
    QFile junk(dir.filePath(QStringLiteral("junk.jsonl")));
    ASSERT_TRUE(junk.open(QIODevice::WriteOnly));
    junk.write("not json\n");
    junk.close();
    error.clear();
    EXPECT_FALSE(window.openFile(dir.filePath(QStringLiteral("junk.jsonl")), &error));
    EXPECT_FALSE(error.isEmpty());
}

TEST(MainWindow, EventLogFiltersByKindAndProcessAndFollowsTheCursor) {
    MainWindow window;
    ASSERT_TRUE(window.openScenarioFile(demoPath("supervision_tree.exs")));
    window.runController()->setSpeed(0);
    window.runScenario();
    ASSERT_TRUE(waitFor([&] { return finished(window); }));
    auto* filter = window.eventFilter();
    const int all_but_scheduling = filter->rowCount();
    EXPECT_LT(all_but_scheduling, window.eventModel()->rowCount());
    ASSERT_TRUE(window.selectProcess(QStringLiteral("Demo.Fetcher")));
    filter->setProcess(window.viewState()->selectedPid());
    ASSERT_GT(filter->rowCount(), 0);
    EXPECT_LT(filter->rowCount(), all_but_scheduling);
    for (int r = 0; r < filter->rowCount(); ++r) {
        const int source = filter->mapToSource(filter->index(r, 0)).row();
        EXPECT_TRUE(window.eventModel()->involves(source, window.viewState()->selectedPid()));
    }
    filter->setProcess({});
    // Moving the cursor selects the last event at or before it.
    window.viewState()->setCursorUs(1'000'000);
    const QModelIndexList rows = window.eventTable()->selectionModel()->selectedRows();
    ASSERT_EQ(rows.size(), 1);
    EXPECT_LE(rows[0].data(TimeRole).toLongLong(), 1'000'000);
}

}  // namespace
}  // namespace tasklens::ui
