#include "engine/trace/trace_model.h"

#include <optional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/engine/trace/trace_fixture.h"

namespace tasklens::trace {
namespace {

using ::testing::ElementsAre;
using testing::pid;
using testing::TraceBuilder;

constexpr uint64_t kAwaitRef = 7;

std::vector<Arrow> all_arrows(const TraceModel& model) {
    std::vector<Arrow> arrows;
    for (uint32_t i = 0; i < model.arrow_count(); ++i) arrows.push_back(model.arrow(i));
    return arrows;
}

/// main (#PID<0.1.0>, already running when the trace starts) awaits a Task.async task.
TraceBuilder task_await_run() {
    TraceBuilder run;
    run.state(0, 1, ProcessState::Running)
        .spawn(10, 2, 1, "Task.async/1", FlagLinked | FlagMonitored, kAwaitRef)
        .caller(10, 2, 1)
        .state(10, 2, ProcessState::Runnable)
        .wait_start(10, 1, WaitKind::TaskAwait, 5010, 2, kAwaitRef)
        .state(10, 1, ProcessState::Waiting)
        .state(10, 2, ProcessState::Running)
        .reply(30, 2, 1, kAwaitRef)
        .state(30, 2, ProcessState::Exiting)
        .exit(30, 2, ":normal")
        .wait_end(30, 1, WaitOutcome::Message)
        .state(30, 1, ProcessState::Runnable)
        .state(32, 1, ProcessState::Running)
        .console(50, 1, "done");
    return run;
}

TEST(TraceModelProcesses, LifetimeParentInitialCallAndExit) {
    const TraceModel model(task_await_run().events());
    ASSERT_EQ(model.process_count(), 2u);
    const ProcessIndex main = model.find(pid(1));
    const ProcessIndex task = model.find(pid(2));
    ASSERT_NE(task, kNone);
    EXPECT_EQ(model.find(pid(99)), kNone);

    const ProcessInfo& t = model.process(task);
    EXPECT_EQ(t.parent, main);
    EXPECT_EQ(t.caller, main);
    EXPECT_EQ(model.string(t.initial_call), "Task.async/1");
    EXPECT_EQ(t.spawn_us, 10);
    EXPECT_EQ(t.exit_us, 30);
    EXPECT_EQ(model.string(t.exit_reason), ":normal");
    EXPECT_EQ(t.reason_class, ExitReasonClass::Normal);
    EXPECT_TRUE(t.is_task);
    EXPECT_TRUE(t.spawned_linked);
    EXPECT_TRUE(t.spawned_monitored);

    const ProcessInfo& m = model.process(main);
    EXPECT_FALSE(m.seen_spawn);  // existed before the trace began
    EXPECT_EQ(m.spawn_us, 0);
    EXPECT_FALSE(m.exited());
    EXPECT_EQ(model.display_name(main), "#PID<0.1.0>");
    EXPECT_EQ(model.display_name(task), "Task.async/1");
    EXPECT_EQ(model.start_time(), 0);
    EXPECT_EQ(model.end_time(), 50);
}

TEST(TraceModelStates, IntervalsWithAwaitingATaskAndAnInferredEnd) {
    const TraceModel model(task_await_run().events());
    const ProcessIndex main = model.find(pid(1));
    std::vector<StateInterval> states;
    for (uint32_t i = 0; i < model.state_count(main); ++i) states.push_back(model.state(main, i));
    ASSERT_EQ(states.size(), 4u);
    EXPECT_EQ(states[0].state, ProcessState::Running);
    EXPECT_EQ(states[0].end_us, 10);
    EXPECT_EQ(states[1].state, ProcessState::Waiting);
    EXPECT_EQ(describe(states[1]), "awaiting a task");
    EXPECT_EQ(states[1].start_us, 10);
    EXPECT_EQ(states[1].end_us, 30);
    EXPECT_EQ(describe(states[2]), "runnable");
    EXPECT_EQ(states[3].start_us, 32);
    EXPECT_TRUE(states[3].open);
    EXPECT_EQ(states[3].end_us, 50);  // open: ends with the trace
    EXPECT_FALSE(states[2].open);

    // The task's last state is closed by its exit.
    const ProcessIndex task = model.find(pid(2));
    ASSERT_GT(model.state_count(task), 0u);
    const StateInterval last = model.state(task, model.state_count(task) - 1);
    EXPECT_EQ(last.end_us, 30);
    EXPECT_FALSE(last.open);
    EXPECT_TRUE(model.states_in(task, 31, 40).empty());  // dead by then
}

TEST(TraceModelStates, WaitKindWhicheverComesFirst) {
    // The engine may report Waiting before the WaitStart; the state still says what it waits for.
    TraceBuilder run;
    run.state(0, 1, ProcessState::Running)
        .state(5, 1, ProcessState::Waiting)
        .wait_start(5, 1, WaitKind::GenServerCall, 5005)
        .wait_end(7, 1, WaitOutcome::Message)
        .state(7, 1, ProcessState::Running)
        .state(8, 1, ProcessState::Waiting);  // a wait nobody announced
    const TraceModel model(run.events());
    const ProcessIndex main = model.find(pid(1));
    ASSERT_EQ(model.state_count(main), 4u);
    EXPECT_EQ(describe(model.state(main, 1)), "in GenServer.call");
    EXPECT_EQ(describe(model.state(main, 3)), "waiting");
    EXPECT_TRUE(model.state(main, 3).open);
    // The note is the model's own: the event still reads back exactly.
    EXPECT_EQ(model.event(model.state(main, 1).start_event), run.events()[1]);
}

TEST(TraceModelStates, ZeroLengthStatesAreDropped) {
    TraceBuilder run;
    run.state(0, 1, ProcessState::Running)
        .state(4, 1, ProcessState::Runnable)
        .state(4, 1, ProcessState::Running)  // preempted and rescheduled in the same microsecond
        .state(9, 1, ProcessState::Waiting);
    const TraceModel model(run.events());
    const ProcessIndex main = model.find(pid(1));
    ASSERT_EQ(model.state_count(main), 2u);
    EXPECT_EQ(model.state(main, 0).end_us, 9);
    EXPECT_EQ(model.series_value_at(Series::BusySchedulers, 4), 1);
}

TEST(TraceModelStates, RangeQueriesAreBinarySearches) {
    const TraceModel model(task_await_run().events());
    const ProcessIndex main = model.find(pid(1));
    const IndexRange middle = model.states_in(main, 15, 31);  // Waiting and Runnable
    EXPECT_EQ(middle.first, 1u);
    EXPECT_EQ(middle.last, 3u);
    const IndexRange late = model.states_in(main, 40, 45);  // only the open Running
    EXPECT_EQ(late.first, 3u);
    EXPECT_EQ(late.last, 4u);
    EXPECT_TRUE(model.states_in(main, -10, -1).empty());

    const IndexRange at_30 = model.events_in(30, 30);
    EXPECT_EQ(at_30.size(), 5u);  // reply, exiting, exit, wait end, runnable
    EXPECT_EQ(model.record(at_30.first).kind, EventKind::Reply);
    const IndexRange task_events = model.events_of_in(model.find(pid(2)), 11, 100);
    EXPECT_EQ(task_events.size(), 3u);  // reply, exiting, exit
}

TEST(TraceModelWaits, ReplyArrowEndsAtTheAwaitThatConsumedIt) {
    const TraceModel model(task_await_run().events());
    ASSERT_EQ(model.wait_windows().size(), 1u);
    const WaitWindow& w = model.wait_windows()[0];
    EXPECT_EQ(w.kind, WaitKind::TaskAwait);
    EXPECT_EQ(w.start_us, 10);
    EXPECT_EQ(w.deadline_us, 5010);
    EXPECT_EQ(w.end_us, 30);
    const ResolvedWindow resolved = model.resolve(w);
    EXPECT_EQ(resolved.outcome, WindowOutcome::Message);
    EXPECT_FALSE(resolved.inferred);

    std::vector<ArrowKind> kinds;
    for (const Arrow& a : all_arrows(model)) kinds.push_back(a.kind);
    EXPECT_THAT(kinds, ElementsAre(ArrowKind::Reply));  // spawns are not arrows
    const Arrow reply = model.arrow(0);
    EXPECT_EQ(reply.from_process, model.find(pid(2)));
    EXPECT_EQ(reply.to_process, model.find(pid(1)));
    EXPECT_EQ(model.record(reply.to_event).kind, EventKind::WaitEnd);
    EXPECT_FALSE(reply.unconsumed);
}

TEST(TraceModelSeries, AliveTasksAndBusySchedulersAreStepFunctions) {
    const TraceModel model(task_await_run().events());
    EXPECT_EQ(model.series_value_at(Series::ProcessesAlive, 5), 1);
    EXPECT_EQ(model.series_value_at(Series::ProcessesAlive, 10), 2);
    EXPECT_EQ(model.series_value_at(Series::ProcessesAlive, 30), 1);
    EXPECT_EQ(model.series_value_at(Series::TasksInFlight, 20), 1);
    EXPECT_EQ(model.series_value_at(Series::TasksInFlight, 30), 0);
    // main runs until 10, then the task runs until 30, then nobody until main at 32.
    EXPECT_EQ(model.series_value_at(Series::BusySchedulers, 5), 1);
    EXPECT_EQ(model.series_value_at(Series::BusySchedulers, 20), 1);
    EXPECT_EQ(model.series_value_at(Series::BusySchedulers, 31), 0);
    EXPECT_EQ(model.series_value_at(Series::BusySchedulers, 40), 1);
    // The hand-over at t=10 (one stops, one starts) leaves no step.
    const auto busy = model.series(Series::BusySchedulers);
    ASSERT_EQ(busy.size(), 3u);
    EXPECT_EQ(busy[1].time_us, 30);
    const IndexRange range = model.series_in(Series::BusySchedulers, 20, 31);
    EXPECT_EQ(range.first, 0u);  // the step in force at 20 started at 0
    EXPECT_EQ(range.last, 2u);
}

TEST(TraceModelLineage, AncestorsAndCallersUnderATaskSupervisor) {
    TraceBuilder run;
    run.spawn(0, 3, 1, "Task.Supervisor.start_link/1", FlagLinked)
        .spawn(5, 4, 3, "Task.Supervisor.async/2")
        .caller(5, 4, 1)
        .spawn(6, 5, 4, "Task.async/1", FlagLinked)
        .caller(6, 5, 4);
    const TraceModel model(run.events());
    const auto index = [&](uint32_t serial) { return model.find(pid(serial)); };
    EXPECT_THAT(model.ancestors(index(5)), ElementsAre(index(4), index(3), index(1)));
    EXPECT_THAT(model.callers(index(5)), ElementsAre(index(4), index(1)));
    EXPECT_THAT(model.ancestors(index(4)), ElementsAre(index(3), index(1)));
    EXPECT_THAT(model.callers(index(4)), ElementsAre(index(1)));
    EXPECT_TRUE(model.callers(index(3)).empty());
    EXPECT_TRUE(model.process(index(3)).is_supervisor);
    EXPECT_FALSE(model.process(index(3)).is_task);
    EXPECT_TRUE(model.process(index(4)).is_task);
    EXPECT_THAT(model.spawned_children(index(3)), ElementsAre(index(4)));
}

/// A supervisor (2) with worker_a (crashes twice, restarted) and worker_b (shut down at 30).
TraceBuilder supervisor_run() {
    TraceBuilder run;
    run.spawn(0, 2, 1, "Supervisor.start_link/2", FlagLinked)
        .register_name(0, 2, "MyApp.Supervisor")
        .spawn(1, 3, 2, "Worker.start_link/1", FlagLinked)
        .child_start(1, 2, 3, "worker_a")
        .spawn(2, 4, 2, "Worker.start_link/1", FlagLinked)
        .child_start(2, 2, 4, "worker_b")
        .exit(10, 3, "{:badarith, [...]}", ExitReasonClass::Crash)
        .exit_signal(10, 2, 3, SignalDisposition::Trapped, "{:badarith, [...]}")
        .spawn(11, 5, 2, "Worker.start_link/1", FlagLinked)
        .child_restart(11, 2, 5, "worker_a", 1)
        .exit(20, 5, ":boom", ExitReasonClass::Crash)
        .spawn(21, 6, 2, "Worker.start_link/1", FlagLinked)
        .child_restart(21, 2, 6, "worker_a", 2)
        .child_terminate(30, 2, 4, "worker_b")
        .exit(30, 4, ":shutdown", ExitReasonClass::Shutdown)
        .console(40, 1, "end");
    return run;
}

struct ChildView {
    uint32_t serial;
    bool alive;
    uint32_t restarts;
    friend bool operator==(const ChildView&, const ChildView&) = default;
};
std::ostream& operator<<(std::ostream& os, const ChildView& c) {
    return os << "{" << c.serial << (c.alive ? " alive" : " dead") << " r" << c.restarts << "}";
}

std::vector<ChildView> children_of(const TraceModel& model, const TreeSnapshot& tree,
                                   uint32_t serial) {
    std::vector<ChildView> out;
    const uint32_t node = tree.node_of(model.find(pid(serial)));
    if (node == kNone) return out;
    for (const uint32_t c : tree.nodes[node].children) {
        const TreeNode& child = tree.nodes[c];
        out.push_back({model.process(child.process).pid.serial, child.alive, child.restarts});
    }
    return out;
}

TEST(TraceModelTree, ChildrenInStartOrderWithRestartsAndDeadChildren) {
    const TraceModel model(supervisor_run().events());
    EXPECT_THAT(children_of(model, model.tree_at(5), 2),
                ElementsAre(ChildView{3, true, 0}, ChildView{4, true, 0}));
    // At 10 worker_a is dead and not yet restarted: shown dead, in its place.
    EXPECT_THAT(children_of(model, model.tree_at(10), 2),
                ElementsAre(ChildView{3, false, 0}, ChildView{4, true, 0}));
    // The restarted worker_a keeps its place before worker_b.
    EXPECT_THAT(children_of(model, model.tree_at(15), 2),
                ElementsAre(ChildView{5, true, 1}, ChildView{4, true, 0}));
    EXPECT_THAT(children_of(model, model.tree_at(35), 2),
                ElementsAre(ChildView{6, true, 2}, ChildView{4, false, 0}));

    const TreeSnapshot early = model.tree_at(5);
    ASSERT_EQ(early.roots.size(), 1u);
    EXPECT_EQ(early.nodes[early.roots[0]].process, model.find(pid(1)));
    EXPECT_EQ(early.relations.size(), 3u);  // links main-sup, sup-a, sup-b
}

TEST(TraceModelTree, RestartHistoryAndNames) {
    const TraceModel model(supervisor_run().events());
    const ProcessIndex sup = model.find(pid(2));
    EXPECT_EQ(model.display_name(sup), "MyApp.Supervisor");
    EXPECT_TRUE(model.process(sup).is_supervisor);
    const auto slots = model.child_slots_of(sup);
    ASSERT_EQ(slots.size(), 2u);
    const uint32_t worker_a = slots[0];
    EXPECT_EQ(model.string(model.child_slots()[worker_a].child_id), "worker_a");
    EXPECT_EQ(model.restart_count(worker_a), 2u);
    EXPECT_EQ(model.restart_count(worker_a, 15), 1u);
    const auto history = model.exit_history(worker_a);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[0].time_us, 10);
    EXPECT_EQ(model.string(history[0].reason), "{:badarith, [...]}");
    EXPECT_EQ(history[1].time_us, 20);
    EXPECT_EQ(history[1].reason_class, ExitReasonClass::Crash);
    EXPECT_EQ(model.exit_history(worker_a, 15).size(), 1u);
    EXPECT_THAT(model.child_slots()[slots[1]].terminated_us, ElementsAre(30));
    EXPECT_EQ(model.process(model.find(pid(6))).supervisor, sup);
}

TEST(TraceModelArrows, ExitSignalStartsAtTheSourcesExit) {
    const TraceModel model(supervisor_run().events());
    const auto arrows = all_arrows(model);
    const Arrow* signal = nullptr;
    for (const Arrow& a : arrows)
        if (a.kind == ArrowKind::ExitSignal) signal = &a;
    ASSERT_NE(signal, nullptr);
    EXPECT_EQ(signal->from_process, model.find(pid(3)));
    EXPECT_EQ(signal->to_process, model.find(pid(2)));
    EXPECT_EQ(model.record(signal->from_event).kind, EventKind::Exit);
}

TEST(TraceModelArrows, SelectiveReceiveMatchesByTextAndDownFollowsExit) {
    TraceBuilder run;
    run.spawn(0, 2, 1, "Worker.loop/0")
        .send(1, 1, 2, "{:ping, 1}")
        .send(2, 1, 2, "{:ping, 2}")
        .receive(5, 2, 1, "{:ping, 2}")
        .receive(6, 2, 1, "{:ping, 1}")
        .monitor(7, 1, 2, 99)
        .exit(8, 2, ":normal")
        .down(9, 1, 2, 99, ":normal");
    const TraceModel model(run.events());
    std::vector<std::pair<int64_t, int64_t>> messages;
    std::optional<Arrow> down;
    for (const Arrow& a : all_arrows(model)) {
        if (a.kind == ArrowKind::Message) messages.emplace_back(a.from_us, a.to_us);
        if (a.kind == ArrowKind::Down) down = a;
    }
    EXPECT_THAT(messages,
                ElementsAre(std::pair<int64_t, int64_t>{2, 5}, std::pair<int64_t, int64_t>{1, 6}));
    ASSERT_TRUE(down.has_value());
    EXPECT_EQ(down->from_us, 8);
    EXPECT_EQ(down->to_us, 9);

    // arrows_by_start is sorted by start even though ping 1 completed last.
    std::vector<int64_t> starts;
    for (const uint32_t i : model.arrows_by_start()) starts.push_back(model.arrow(i).from_us);
    EXPECT_TRUE(std::is_sorted(starts.begin(), starts.end()));
    // A window in the middle of ping 1's flight finds it among the candidates.
    const IndexRange candidates = model.arrows_in(4, 4);
    bool found_ping_1 = false;
    for (uint32_t k = candidates.first; k < candidates.last; ++k) {
        const Arrow a = model.arrow(model.arrows_by_start()[k]);
        if (a.kind == ArrowKind::Message && a.from_us == 1) found_ping_1 = true;
    }
    EXPECT_TRUE(found_ping_1);

    // The monitor lasted from 7 until the DOWN at 9.
    bool found_monitor = false;
    for (const Relation& r : model.relations()) {
        if (r.kind != Relation::Kind::Monitor) continue;
        found_monitor = true;
        EXPECT_EQ(r.start_us, 7);
        EXPECT_EQ(r.end_us, 9);
        EXPECT_EQ(model.payload(r.start_event).ref, 99u);
    }
    EXPECT_TRUE(found_monitor);
}

TEST(TraceModelArrows, LateReplyIsUnconsumed) {
    TraceBuilder run;
    run.spawn(0, 2, 1, "Task.async/1")
        .wait_start(1, 1, WaitKind::TaskAwait, 5, 2, 3)
        .wait_end(5, 1, WaitOutcome::Timeout)
        .reply(8, 2, 1, 3);
    const TraceModel model(run.events());
    const Arrow reply = model.arrow(model.arrow_count() - 1);
    EXPECT_EQ(reply.kind, ArrowKind::Reply);
    EXPECT_TRUE(reply.unconsumed);
    EXPECT_EQ(reply.from_us, 8);
    EXPECT_EQ(reply.to_us, 8);
}

TEST(TraceModelWaits, OpenWindowsGetInferredEnds) {
    TraceBuilder run;
    run.spawn(0, 2, 1, "GenServer.start_link/3")
        .spawn(0, 3, 1, "Task.async/1")
        .wait_start(10, 1, WaitKind::Receive, 100)
        .wait_start(5, 2, WaitKind::GenServerCall, -1)
        .exit(20, 2, ":killed", ExitReasonClass::Killed)
        .wait_start(20, 3, WaitKind::TaskYield, 30)
        .wait_end(30, 3, WaitOutcome::Timeout)
        .console(50, 1, "still waiting");
    TraceModel model;
    model.append(run.events());
    ASSERT_EQ(model.wait_windows().size(), 3u);
    const auto& windows = model.wait_windows();

    // main: deadline 100 not reached when the trace ends at 50: still open.
    ResolvedWindow main = model.resolve(windows[0]);
    EXPECT_EQ(main.outcome, WindowOutcome::Open);
    EXPECT_EQ(main.end_us, 50);
    EXPECT_TRUE(main.inferred);
    // 2 was killed while in a call.
    const ResolvedWindow killed = model.resolve(windows[1]);
    EXPECT_EQ(killed.outcome, WindowOutcome::Killed);
    EXPECT_EQ(killed.end_us, 20);
    EXPECT_TRUE(killed.inferred);
    // 3's yield timed out, as its WaitEnd said.
    const ResolvedWindow yielded = model.resolve(windows[2]);
    EXPECT_EQ(yielded.outcome, WindowOutcome::Timeout);
    EXPECT_FALSE(yielded.inferred);

    // The open window is found by range queries long after its start.
    const IndexRange late = model.wait_windows_in(45, 60);
    EXPECT_EQ(late.first, 0u);

    // Once the trace passes main's deadline without a WaitEnd, it timed out there.
    TraceBuilder later;
    later.add(200, EventKind::Console, 1).seq = 100;
    model.append(later.events());
    main = model.resolve(model.wait_windows()[0]);
    EXPECT_EQ(main.outcome, WindowOutcome::Timeout);
    EXPECT_EQ(main.end_us, 100);
}

TEST(TraceModelEvents, EventsAreReconstructedExactly) {
    TraceBuilder run;
    run.spawn(0, 2, 1, "Task.async/1", FlagLinked).caller(0, 2, 1);
    Event& odd = run.add(3, EventKind::WaitStart, 2, 1);
    odd.deadline_us = 40;
    odd.value = 12345;  // no kind documents both; the model still keeps both
    odd.ref.id = 77;
    Event& gap = run.add(4, EventKind::NodeUp, 0);
    gap.seq = 50;  // a gap in seq
    gap.text = "node2@host";
    gap.value = 2;
    gap.deadline_us = 9;
    Event& raw = run.add(5, EventKind::Log, 2);
    raw.detail = 200;  // out of range: kept as the raw byte
    raw.seq = 51;
    const TraceModel model(run.events());
    ASSERT_EQ(model.event_count(), run.events().size());
    for (EventIndex i = 0; i < model.event_count(); ++i)
        EXPECT_EQ(model.event(i), run.events()[i]) << "event " << i;
    EXPECT_EQ(model.seq(3), 50u);
    EXPECT_EQ(sizeof(EventRecord), 24u);
}

TEST(TraceModelEvents, TimeGoingBackwardsIsClamped) {
    TraceBuilder run;
    run.console(10, 1, "a").console(5, 1, "b").console(12, 1, "c");
    const TraceModel model(run.events());
    EXPECT_EQ(model.clamped_events(), 1u);
    EXPECT_EQ(model.record(1).time_us, 10);
    EXPECT_EQ(model.output_events().size(), 3u);
}

TEST(TraceModelEvents, IncrementalAppendGivesTheSameModel) {
    const auto events = supervisor_run().events();
    const TraceModel whole(events);
    TraceModel incremental;
    for (const Event& e : events) incremental.append(e);
    EXPECT_EQ(incremental.process_count(), whole.process_count());
    EXPECT_EQ(incremental.arrow_count(), whole.arrow_count());
    EXPECT_EQ(incremental.relations().size(), whole.relations().size());
    EXPECT_EQ(incremental.child_slots().size(), whole.child_slots().size());
    EXPECT_GT(whole.memory_bytes(), 0u);
}

}  // namespace
}  // namespace tasklens::trace
