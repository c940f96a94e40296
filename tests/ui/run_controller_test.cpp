// The live run controller: the engine on its own thread, paced, paused, stepped, stopped and
// restarted; kill and send from outside; breakpoints; runaway scenarios; bounded buffers; and a
// live trace that equals the finished one.
#include "ui/run_controller.h"

#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QSignalSpy>
#include <sstream>
#include <thread>

#include "engine/script/scenario_runner.h"
#include "engine/trace/event_log.h"
#include "engine/trace/trace_file.h"
#include "engine/trace/trace_model.h"
#include "tests/ui/ui_test_util.h"
#include "ui/trace_adapter.h"

namespace tasklens::ui {
namespace {

using testing::waitFor;

std::string consoleOf(const trace::TraceModel& model) {
    std::string out;
    for (trace::EventIndex i : model.output_events()) out += model.event(i).text;
    return out;
}

/// Collects what the controller prints.
struct Console {
    explicit Console(RunController& c) {
        QObject::connect(&c, &RunController::consoleOutput,
                         [this](const QString& text, bool) { this->text += text; });
    }
    QString text;
};

const char* const kSupervisedWorker = R"(
defmodule Worker do
  use GenServer
  def start_link(_), do: GenServer.start_link(__MODULE__, :ok, name: Worker)
  def init(:ok), do: {:ok, 0}
  def handle_info({:hello, n}, state) do
    IO.puts("hello #{n}")
    {:noreply, state + n}
  end
end
{:ok, _sup} = Supervisor.start_link([Worker], strategy: :one_for_one, max_restarts: 5)
Process.sleep(5_000)
IO.puts("done")
)";

TEST(RunController, RunsToTheEndAndReportsTheStatus) {
    RunController controller;
    Console console(controller);
    QSignalSpy started(&controller, &RunController::runStarted);
    controller.setSpeed(0);
    controller.start(
        QStringLiteral("ping.exs"),
        QStringLiteral("t = Task.async(fn -> :pong end)\nIO.inspect(Task.await(t))\n"));
    ASSERT_TRUE(waitFor([&] { return controller.state() == RunState::Finished; }));
    EXPECT_EQ(started.count(), 1);
    EXPECT_EQ(controller.exitStatus(), 0);
    EXPECT_TRUE(controller.lastRunCompiled());
    EXPECT_TRUE(console.text.contains(QStringLiteral(":pong"))) << console.text.toStdString();
    EXPECT_GE(controller.pump()->model()->process_count(), 2u);
}

TEST(RunController, ACompileErrorGoesToTheConsoleAndStartsNothing) {
    RunController controller;
    Console console(controller);
    QSignalSpy started(&controller, &RunController::runStarted);
    controller.start(QStringLiteral("broken.exs"), QStringLiteral("x = [1, 2\nIO.puts(x)\n"));
    ASSERT_TRUE(waitFor([&] { return controller.state() == RunState::Finished; }));
    EXPECT_EQ(started.count(), 0);
    EXPECT_FALSE(controller.lastRunCompiled());
    EXPECT_EQ(controller.exitStatus(), 1);
    EXPECT_TRUE(console.text.contains(QStringLiteral("broken.exs:2:1")))
        << console.text.toStdString();
}

TEST(RunController, PausesStepsResumesAndStops) {
    RunController controller;
    controller.setSpeed(1);  // real time: 5 virtual seconds would take 5 s
    controller.start(QStringLiteral("worker.exs"), QString::fromUtf8(kSupervisedWorker));
    auto& model = *controller.pump()->model();
    ASSERT_TRUE(waitFor([&] { return model.event_count() > 5; }));
    controller.pause();
    EXPECT_EQ(controller.state(), RunState::Paused);
    // Paused means paused: after the pump caught up, nothing more arrives.
    QCoreApplication::processEvents();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    controller.pump()->drain();
    const uint32_t paused_events = model.event_count();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    controller.pump()->drain();
    EXPECT_EQ(model.event_count(), paused_events);

    // One step: exactly the next events, still paused.
    controller.step();
    ASSERT_TRUE(waitFor([&] {
        controller.pump()->drain();
        return model.event_count() > paused_events;
    }));
    EXPECT_EQ(controller.state(), RunState::Paused);

    controller.resume();
    EXPECT_EQ(controller.state(), RunState::Running);
    const uint32_t resumed = model.event_count();
    controller.setSpeed(0);
    ASSERT_TRUE(waitFor([&] { return controller.state() == RunState::Finished; }));
    EXPECT_GT(model.event_count(), resumed);
    EXPECT_EQ(controller.exitStatus(), 0);
    EXPECT_FALSE(controller.lastRunStopped());
}

TEST(RunController, StopEndsTheRunAndKeepsItsTrace) {
    RunController controller;
    controller.setSpeed(1);
    controller.start(QStringLiteral("worker.exs"), QString::fromUtf8(kSupervisedWorker));
    ASSERT_TRUE(waitFor([&] { return controller.pump()->model()->process_count() >= 3; }));
    controller.stop();
    ASSERT_TRUE(waitFor([&] { return controller.state() == RunState::Finished; }));
    EXPECT_TRUE(controller.lastRunStopped());
    EXPECT_EQ(controller.exitStatus(), 1);
    EXPECT_GE(controller.pump()->model()->process_count(), 3u);
    EXPECT_LT(controller.virtualNowUs(), 5'000'000);
}

TEST(RunController, RestartStartsAFreshModel) {
    RunController controller;
    controller.setSpeed(1);
    controller.start(QStringLiteral("worker.exs"), QString::fromUtf8(kSupervisedWorker));
    ASSERT_TRUE(waitFor([&] { return controller.pump()->model()->event_count() > 0; }));
    const auto first = controller.pump()->model();
    controller.setSpeed(0);
    controller.start(QStringLiteral("worker.exs"), QString::fromUtf8(kSupervisedWorker));
    EXPECT_NE(controller.pump()->model(), first);
    ASSERT_TRUE(waitFor([&] { return controller.state() == RunState::Finished; }));
    EXPECT_EQ(controller.exitStatus(), 0);
    // The new model starts at the beginning: the script's own spawn is its first event.
    EXPECT_EQ(controller.pump()->model()->start_time(), 0);
}

TEST(RunController, KillWithAReasonLeadsToARestart) {
    RunController controller;
    Console console(controller);
    controller.setSpeed(0);
    controller.start(QStringLiteral("worker.exs"), QString::fromUtf8(kSupervisedWorker));
    controller.runTo(1'000'000);
    ASSERT_TRUE(waitFor([&] { return controller.state() == RunState::Paused; }));
    controller.pump()->drain();
    auto& model = *controller.pump()->model();
    const auto worker = findProcess(model, "Worker");
    ASSERT_TRUE(worker.has_value());
    QSignalSpy done(&controller, &RunController::commandDone);
    controller.sendExitSignal(*worker, QStringLiteral("{:shutdown, :from_the_gui}"));
    ASSERT_TRUE(waitFor([&] { return done.count() == 1; }));
    controller.resume();
    ASSERT_TRUE(waitFor([&] { return controller.state() == RunState::Finished; }));
    const trace::ProcessIndex old = model.find(*worker);
    ASSERT_NE(old, trace::kNone);
    EXPECT_EQ(model.string(model.process(old).exit_reason), "{:shutdown, :from_the_gui}");
    // The supervisor restarted it: a new process holds the name and the slot counts a restart.
    const auto again = findProcess(model, "Worker");
    ASSERT_TRUE(again.has_value());
    EXPECT_NE(*again, *worker);
    const trace::ProcessInfo& info = model.process(model.find(*again));
    ASSERT_NE(info.supervisor, trace::kNone);
    bool restarted = false;
    for (uint32_t slot : model.child_slots_of(info.supervisor))
        restarted = restarted || model.restart_count(slot) == 1;
    EXPECT_TRUE(restarted);
    EXPECT_EQ(controller.exitStatus(), 0) << console.text.toStdString();
}

TEST(RunController, SendMessageReachesTheProcessAndBadTermsAreRefused) {
    RunController controller;
    Console console(controller);
    controller.setSpeed(0);
    controller.start(QStringLiteral("worker.exs"), QString::fromUtf8(kSupervisedWorker));
    controller.runTo(1'000'000);
    ASSERT_TRUE(waitFor([&] { return controller.state() == RunState::Paused; }));
    controller.pump()->drain();
    const auto worker = findProcess(*controller.pump()->model(), "Worker");
    ASSERT_TRUE(worker.has_value());
    QSignalSpy failed(&controller, &RunController::commandFailed);
    controller.sendMessage(*worker, QStringLiteral("{:hello, "));  // not a term
    controller.sendMessage(*worker, QStringLiteral("{:hello, 42}"));
    controller.resume();
    ASSERT_TRUE(waitFor([&] { return controller.state() == RunState::Finished; }));
    EXPECT_EQ(failed.count(), 1);
    EXPECT_TRUE(console.text.contains(QStringLiteral("hello 42"))) << console.text.toStdString();
}

TEST(RunController, ABreakpointPausesAtTheEventThatHit) {
    RunController controller;
    controller.setSpeed(0);
    controller.setBreakpoints({{BreakKind::Restart, {}}});
    QSignalSpy hit(&controller, &RunController::breakpointHit);
    controller.start(QStringLiteral("restart_intensity.exs"), QStringLiteral(R"(
Logger.configure(level: :none)
Process.flag(:trap_exit, true)
defmodule Flaky do
  use Task, restart: :permanent
  def start_link(delay), do: Task.start_link(fn -> Process.sleep(delay); exit(:flaked) end)
end
{:ok, sup} = Supervisor.start_link([{Flaky, 300}], strategy: :one_for_one, max_restarts: 3, max_seconds: 5)
receive do
  {:EXIT, ^sup, reason} -> IO.inspect(reason, label: "supervisor gave up")
end
)"));
    ASSERT_TRUE(
        waitFor([&] { return hit.count() == 1 && controller.state() == RunState::Paused; }));
    controller.pump()->drain();
    const auto& model = *controller.pump()->model();
    const uint64_t seq = hit.at(0).at(0).toULongLong();
    // Paused exactly there: the event that hit is the last one shown, and the clock stands at it.
    ASSERT_GT(model.event_count(), 0u);
    const trace::EventIndex last = model.event_count() - 1;
    EXPECT_EQ(model.seq(last), seq);
    EXPECT_EQ(model.record(last).kind, trace::EventKind::ChildRestart);
    EXPECT_EQ(controller.virtualNowUs(), model.record(last).time_us);
    EXPECT_EQ(model.end_time(), model.record(last).time_us);
    const int64_t hit_time = model.record(last).time_us;

    // Continue: the events the engine made after the hit in the same slice come first (at the
    // same virtual time), and the next restart hits again.
    controller.resume();
    ASSERT_TRUE(
        waitFor([&] { return hit.count() == 2 && controller.state() == RunState::Paused; }));
    controller.pump()->drain();
    ASSERT_GT(model.event_count(), last + 1);
    EXPECT_EQ(model.record(last + 1).time_us, hit_time);
    EXPECT_EQ(model.seq(model.event_count() - 1), hit.at(1).at(0).toULongLong());
    controller.setBreakpoints({});
    controller.resume();
    ASSERT_TRUE(waitFor([&] { return controller.state() == RunState::Finished; }));
    EXPECT_EQ(controller.exitStatus(), 0);
}

TEST(RunController, AStepShowsOneEventAtATime) {
    // Stepping from the start: each step adds events up to the next one that is not a scheduling
    // state change, and the run as shown equals the finished run's beginning.
    const std::string source =
        "t = Task.async(fn -> Process.sleep(10); :pong end)\nIO.inspect(Task.await(t))\n";
    trace::EventLog log;
    std::ostringstream out, err;
    script::ScenarioOptions options;
    options.events = &log;
    options.out = &out;
    options.err = &err;
    ASSERT_EQ(script::run_scenario_source("steps.exs", source, options), 0) << err.str();

    RunController controller;
    QSignalSpy started(&controller, &RunController::runStarted);
    controller.start(QStringLiteral("steps.exs"), QString::fromStdString(source), true);
    const auto& model = *controller.pump()->model();
    // What the script's start emitted before the engine waits for the first step.
    ASSERT_TRUE(waitFor([&] { return started.count() == 1; }));
    controller.pump()->drain();
    uint32_t shown = model.event_count();
    for (int step = 0; step < 5; ++step) {
        controller.step();
        // A step's scheduling state changes can reach the pump before its event: wait for the
        // whole step (its event last, the run paused again), not for the first new record.
        ASSERT_TRUE(waitFor([&] {
            controller.pump()->drain();
            return model.event_count() > shown &&
                   model.record(model.event_count() - 1).kind != trace::EventKind::StateChange &&
                   controller.state() == RunState::Paused;
        }));
        QCoreApplication::processEvents();
        controller.pump()->drain();
        EXPECT_EQ(controller.state(), RunState::Paused);
        // Exactly one event that is not a state change arrived, and it is the last one.
        int telling = 0;
        for (uint32_t i = shown; i < model.event_count(); ++i)
            telling += model.record(i).kind != trace::EventKind::StateChange;
        EXPECT_EQ(telling, 1) << "step " << step;
        EXPECT_NE(model.record(model.event_count() - 1).kind, trace::EventKind::StateChange);
        shown = model.event_count();
        for (uint32_t i = 0; i < shown; ++i)
            ASSERT_EQ(trace::format_event_line(model.event(i)),
                      trace::format_event_line(log.events()[i]))
                << "event " << i;
    }
    controller.setSpeed(0);
    controller.resume();
    ASSERT_TRUE(waitFor([&] { return controller.state() == RunState::Finished; }));
    controller.pump()->drain();
    EXPECT_EQ(model.event_count(), log.events().size());
}

TEST(RunController, OpenSpansReachTheEnginesClock) {
    // The worker sleeps 5 s with nothing happening: paused at 2 s, the model ends at 2 s, not at
    // the last event, so the sleeping process is drawn up to now.
    RunController controller;
    controller.setSpeed(0);
    controller.start(QStringLiteral("worker.exs"), QString::fromUtf8(kSupervisedWorker));
    controller.runTo(2'000'000);
    ASSERT_TRUE(waitFor([&] { return controller.state() == RunState::Paused; }));
    controller.pump()->drain();
    const auto& model = *controller.pump()->model();
    EXPECT_LT(model.record(model.event_count() - 1).time_us, 2'000'000);
    EXPECT_EQ(model.end_time(), 2'000'000);
    EXPECT_EQ(controller.virtualNowUs(), 2'000'000);
    const auto worker = findProcess(model, "Worker");
    ASSERT_TRUE(worker.has_value());
    const trace::ProcessIndex p = model.find(*worker);
    const trace::StateInterval now = model.state(p, model.state_count(p) - 1);
    EXPECT_TRUE(now.open);
    EXPECT_EQ(now.end_us, 2'000'000);
    controller.stop();
    ASSERT_TRUE(waitFor([&] { return controller.state() == RunState::Finished; }));
}

TEST(RunController, StopsARunawayCpuLoopAndAScenarioThatSpawnsForever) {
    const QString scenarios[] = {
        QStringLiteral("Stream.repeatedly(fn -> 1 end) |> Enum.each(fn x -> x + 1 end)\n"),
        QStringLiteral(
            "defmodule Forever do\n"
            "  def loop(n), do: (spawn(fn -> Process.sleep(:infinity) end); loop(n + 1))\n"
            "end\nForever.loop(0)\n"),
    };
    for (const QString& source : scenarios) {
        RunController controller;
        controller.setSpeed(0);
        controller.start(QStringLiteral("runaway.exs"), source);
        ASSERT_TRUE(waitFor([&] { return controller.pump()->model()->event_count() > 5'000; }))
            << source.toStdString();
        controller.pause();
        EXPECT_EQ(controller.state(), RunState::Paused);
        controller.stop();
        ASSERT_TRUE(waitFor([&] { return controller.state() == RunState::Finished; }))
            << source.toStdString();
        EXPECT_TRUE(controller.lastRunStopped());
    }
}

TEST(RunController, TheEngineWaitsForTheGuiInsteadOfBuffering) {
    RunController controller;
    controller.setSpeed(0);
    controller.start(
        QStringLiteral("chatty.exs"),
        QStringLiteral("defmodule Chatty do\n"
                       "  def loop(n), do: (send(self(), n); receive do _ -> loop(n + 1) end)\n"
                       "end\nChatty.loop(0)\n"));
    ASSERT_TRUE(waitFor([&] { return controller.pump()->model()->event_count() > 1000; }));
    // The GUI stops draining (no event processing here): the engine must stop producing.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    const uint64_t backlog = controller.pump()->subscriber().backlog();
    EXPECT_LE(backlog, RunController::kMaxBacklog + 2 * RunController::kChunkEvents);
    controller.stop();
    ASSERT_TRUE(waitFor([&] { return controller.state() == RunState::Finished; }));
}

TEST(RunController, ACappedPumpTakesInAFrameAtATimeAndLosesNothing) {
    // The window caps what one live frame takes in (EventPump::setFrameCap): each drain appends
    // at most the cap, in order; while events wait, the model ends at its last event (the
    // engine's clock is not shown ahead of them); the engine is held by its back-pressure; and
    // the end of the run takes in the rest, so the trace is the finished run's, event by event.
    const std::string source =
        "defmodule Chatty do\n"
        "  def loop(0), do: :ok\n"
        "  def loop(n), do: (send(self(), n); receive do _ -> loop(n - 1) end)\n"
        "end\nChatty.loop(100_000)\nIO.puts(\"done\")\n";
    trace::EventLog log;
    std::ostringstream out, err;
    script::ScenarioOptions options;
    options.events = &log;
    options.out = &out;
    options.err = &err;
    ASSERT_EQ(script::run_scenario_source("capped.exs", source, options), 0) << err.str();
    const trace::TraceModel finished(log.events());
    ASSERT_GT(finished.event_count(), 3 * RunController::kMaxBacklog);

    constexpr size_t kCap = 3'000;
    RunController controller;
    controller.setSpeed(0);
    controller.pump()->setFrameCap(kCap);
    controller.start(QStringLiteral("capped.exs"), QString::fromStdString(source));
    const auto& model = *controller.pump()->model();
    int capped_drains = 0;
    size_t most_waiting = 0;
    while (controller.state() != RunState::Finished) {
        QCoreApplication::processEvents();
        if (controller.state() == RunState::Finished) break;
        const uint32_t before = model.event_count();
        controller.pump()->drain();
        const uint32_t taken = model.event_count() - before;
        ASSERT_LE(taken, kCap);
        most_waiting = std::max(most_waiting, controller.pump()->waiting());
        if (controller.pump()->waiting() > 0) {
            ++capped_drains;
            ASSERT_EQ(model.end_time(), model.record(model.event_count() - 1).time_us);
        }
        // Events wait in the pump or in the engine's subscriber, within the back-pressure bound.
        ASSERT_LE(controller.pump()->subscriber().backlog(),
                  RunController::kMaxBacklog + 2 * RunController::kChunkEvents);
    }
    EXPECT_GT(capped_drains, 0);
    EXPECT_LE(most_waiting, RunController::kMaxBacklog + 2 * RunController::kChunkEvents);
    // The end took in everything that waited.
    EXPECT_EQ(controller.pump()->waiting(), 0u);
    ASSERT_EQ(model.event_count(), finished.event_count());
    for (trace::EventIndex i = 0; i < model.event_count(); ++i)
        ASSERT_EQ(trace::format_event_line(model.event(i)),
                  trace::format_event_line(finished.event(i)))
            << "event " << i;
    EXPECT_EQ(consoleOf(model), consoleOf(finished));
}

TEST(RunController, APacedRunWaitsForTheWallClockAndAnUnpacedOneDoesNot) {
    // At 1x a minute of virtual sleep is a minute of wall time: long after the run started it is
    // still running, before the sleep's end, with nothing printed. Switched to "as fast as
    // possible", it finishes at once. (Order and state only; nothing here times anything.)
    RunController controller;
    Console console(controller);
    QSignalSpy started(&controller, &RunController::runStarted);
    controller.setSpeed(1);
    controller.start(QStringLiteral("sleepy.exs"),
                     QStringLiteral("IO.puts(:sleeping)\nProcess.sleep(60_000)\nIO.puts(:woke)\n"));
    ASSERT_TRUE(waitFor([&] { return console.text.contains(QStringLiteral("sleeping")); }));
    EXPECT_EQ(started.count(), 1);
    EXPECT_EQ(controller.state(), RunState::Running);
    EXPECT_LT(controller.virtualNowUs(), 60'000'000);
    EXPECT_FALSE(console.text.contains(QStringLiteral("woke")));
    controller.setSpeed(0);
    ASSERT_TRUE(waitFor([&] { return controller.state() == RunState::Finished; }));
    EXPECT_EQ(controller.exitStatus(), 0);
    EXPECT_TRUE(console.text.contains(QStringLiteral("woke")));
    EXPECT_GE(controller.virtualNowUs(), 60'000'000);
}

TEST(RunController, ALiveRunPausedAtTEqualsTheFinishedTraceAtT) {
    const std::string source =
        "# equivalence\n" + std::string(kSupervisedWorker) +
        "Task.async_stream(1..5, fn i -> Process.sleep(i * 100); i end, max_concurrency: 2) "
        "|> Enum.to_list()\n";
    // The finished trace, the way `tasklens run` makes it.
    trace::EventLog log;
    std::ostringstream out, err;
    script::ScenarioOptions options;
    options.events = &log;
    options.out = &out;
    options.err = &err;
    ASSERT_EQ(script::run_scenario_source("eq.exs", source, options), 0) << err.str();
    const trace::TraceModel finished(log.events());

    RunController controller;
    controller.setSpeed(0);
    controller.start(QStringLiteral("eq.exs"), QString::fromStdString(source));
    for (int64_t t : {0, 1'000, 250'000, 1'000'000, 3'000'000}) {
        controller.runTo(t);
        ASSERT_TRUE(waitFor([&] { return controller.state() == RunState::Paused; }));
        controller.pump()->drain();
        const trace::TraceModel& live = *controller.pump()->model();
        // Every event up to t is there and equal.
        const auto upto = finished.events_in(finished.start_time(), t);
        ASSERT_GE(live.event_count(), upto.last) << "at " << t;
        for (trace::EventIndex i = 0; i < upto.last; ++i)
            ASSERT_EQ(trace::format_event_line(live.event(i)),
                      trace::format_event_line(finished.event(i)))
                << "event " << i << " at " << t;
        // And so is every view at t.
        const TreeSnapshot a = buildTreeSnapshot(live, t), b = buildTreeSnapshot(finished, t);
        ASSERT_EQ(a.nodes.size(), b.nodes.size()) << "at " << t;
        for (size_t n = 0; n < a.nodes.size(); ++n) {
            EXPECT_EQ(a.nodes[n].process.pid, b.nodes[n].process.pid);
            EXPECT_EQ(a.nodes[n].alive, b.nodes[n].alive);
            EXPECT_EQ(a.nodes[n].state, b.nodes[n].state) << "node " << n << " at " << t;
            EXPECT_EQ(a.nodes[n].restarts, b.nodes[n].restarts);
            EXPECT_EQ(a.nodes[n].process.title(), b.nodes[n].process.title());
        }
        EXPECT_EQ(a.roots, b.roots);
        EXPECT_EQ(a.edges.size(), b.edges.size());
        for (size_t n = 0; n < a.nodes.size(); ++n) {
            const LineageData la = buildLineage(live, a.nodes[n].process.pid, t);
            const LineageData lb = buildLineage(finished, a.nodes[n].process.pid, t);
            ASSERT_EQ(la.ancestors.size(), lb.ancestors.size());
            ASSERT_EQ(la.callers.size(), lb.callers.size());
        }
        // The output so far is the beginning of the finished run's output.
        const std::string so_far = consoleOf(live);
        EXPECT_EQ(consoleOf(finished).substr(0, so_far.size()), so_far) << "at " << t;
    }
    controller.resume();
    ASSERT_TRUE(waitFor([&] { return controller.state() == RunState::Finished; }));
    controller.pump()->drain();
    EXPECT_EQ(controller.pump()->model()->event_count(), finished.event_count());
    EXPECT_EQ(consoleOf(*controller.pump()->model()), consoleOf(finished));
}

}  // namespace
}  // namespace tasklens::ui
