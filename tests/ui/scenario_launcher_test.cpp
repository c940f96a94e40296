// The gallery's "Run scenario": the request runs on a worker thread and its finished trace reaches
// the window on the GUI thread; compile errors reach the console instead of crashing anything.
#include "ui/scenario_launcher.h"

#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QString>
#include <functional>
#include <string>

#include "engine/trace/trace_model.h"
#include "ui/main_window.h"

namespace tasklens::ui {
namespace {

// Processes GUI events until `done` holds; the generous limit only keeps a broken run from
// hanging the suite — nothing here measures how long a run takes.
bool waitFor(const std::function<bool()>& done) {
    QDeadlineTimer limit(60'000);
    while (!done()) {
        if (limit.hasExpired()) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return true;
}

std::string consoleOutput(const trace::TraceModel& model) {
    std::string out;
    for (trace::EventIndex i : model.output_events()) out += model.event(i).text;
    return out;
}

TEST(ScenarioLauncher, RunRequestShowsTheFinishedTraceInTheWindow) {
    MainWindow window;
    connectScenarioRunner(window);
    emit window.runScenarioRequested(QStringLiteral("task = Task.async(fn -> :pong end)\n"
                                                    "IO.puts(inspect(Task.await(task)))\n"),
                                     QStringLiteral("ping.exs"));
    ASSERT_TRUE(waitFor([&] { return window.traceModel() != nullptr; }));
    const trace::TraceModel& model = *window.traceModel();
    EXPECT_GE(model.process_count(), 2u);  // the script and its task
    EXPECT_NE(consoleOutput(model).find(":pong"), std::string::npos);
}

TEST(ScenarioLauncher, CompileErrorGoesToTheConsole) {
    MainWindow window;
    connectScenarioRunner(window);
    emit window.runScenarioRequested(QStringLiteral("x = [1, 2\nIO.puts(x)\n"), QStringLiteral("broken.exs"));
    ASSERT_TRUE(waitFor([&] { return window.consoleText().contains(QStringLiteral("error:")); }));
    EXPECT_TRUE(window.consoleText().contains(QStringLiteral("broken.exs:2:1")));
}

}  // namespace
}  // namespace tasklens::ui
