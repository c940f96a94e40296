// TraceModel::extend_end_to: a live run's clock moves on while nothing happens, and the open
// spans (alive processes, ongoing waits) reach the clock instead of stopping at the last event.
#include <gtest/gtest.h>

#include "engine/trace/trace_model.h"
#include "tests/engine/trace/trace_fixture.h"

namespace tasklens::trace {
namespace {

using testing::pid;
using testing::TraceBuilder;

TEST(TraceModelLiveEdge, OpenSpansReachTheExtendedEndAndTheEndNeverMovesBack) {
    // main spawns a worker at 10 µs, which starts a receive with a 5 ms deadline and waits.
    TraceBuilder run;
    run.state(0, 1, ProcessState::Running)
        .spawn(10, 2, 1, "Worker.init/1")
        .state(10, 2, ProcessState::Running)
        .wait_start(20, 2, WaitKind::Receive, 5'020)
        .state(20, 2, ProcessState::Waiting);
    TraceModel model;
    model.append(run.events());
    ASSERT_EQ(model.end_time(), 20);

    model.extend_end_to(2'000);  // the clock went on to 2 ms, no event
    EXPECT_EQ(model.end_time(), 2'000);
    const ProcessIndex worker = model.find(pid(2));
    ASSERT_NE(worker, kNone);
    const StateInterval waiting = model.state(worker, model.state_count(worker) - 1);
    EXPECT_EQ(waiting.state, ProcessState::Waiting);
    EXPECT_TRUE(waiting.open);
    EXPECT_EQ(waiting.end_us, 2'000);
    ASSERT_EQ(model.wait_windows().size(), 1u);
    const ResolvedWindow wait = model.resolve(model.wait_windows()[0]);
    EXPECT_EQ(wait.outcome, WindowOutcome::Open);  // its deadline (5.02 ms) is still ahead
    EXPECT_EQ(wait.end_us, 2'000);

    model.extend_end_to(1'000);  // an older clock reading changes nothing
    EXPECT_EQ(model.end_time(), 2'000);

    // Events may still arrive at times before the extended end: they are not clamped.
    TraceBuilder more;
    for (int i = 0; i < 5; ++i) more.state(0, 1, ProcessState::Running);  // seq 0..4 taken
    more.exit(1'500, 2, ":normal");
    model.append(more.events().back());
    EXPECT_EQ(model.clamped_events(), 0u);
    EXPECT_EQ(model.process(worker).exit_us, 1'500);
    EXPECT_EQ(model.end_time(), 2'000);
    model.extend_end_to(6'000);
    EXPECT_EQ(model.end_time(), 6'000);
}

}  // namespace
}  // namespace tasklens::trace
