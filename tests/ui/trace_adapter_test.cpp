// What the adapter hands the views for the sample Task.Supervisor story.
#include "ui/trace_adapter.h"

#include <gtest/gtest.h>

#include "ui/sample_trace.h"

namespace tasklens::ui {
namespace {

class TraceAdapter : public ::testing::Test {
  protected:
    trace::TraceModel model_{sampleTaskSupervisorTrace(), trace::RunInfo{"sample", 2}};
};

TEST_F(TraceAdapter, LanesFollowTheSupervisionTree) {
    const TimelineData data = buildTimelineData(model_);
    ASSERT_EQ(data.laneCount(), 7);
    EXPECT_EQ(data.lanes[0].process.title(), "elixir scenario.exs");
    EXPECT_EQ(data.lanes[0].depth, 0);
    EXPECT_EQ(data.lanes[1].process.title(), "MyApp.TaskSupervisor");
    EXPECT_EQ(data.lanes[1].process.role, ProcessRole::Supervisor);
    // The three tasks sit right under their supervisor, one level deeper.
    for (int lane = 2; lane <= 4; ++lane) {
        EXPECT_EQ(data.lanes[lane].depth, 2);
        EXPECT_EQ(data.lanes[lane].process.role, ProcessRole::Task);
    }
    EXPECT_EQ(data.lanes[3].exit_class, trace::ExitReasonClass::Crash);
    EXPECT_EQ(data.lanes[4].exit_class, trace::ExitReasonClass::Killed);
    // Spans within a lane are sorted and do not overlap.
    for (int lane = 0; lane < data.laneCount(); ++lane)
        for (size_t s = 1; s < data.spansOf(lane).size(); ++s)
            EXPECT_LE(data.spansOf(lane)[s - 1].end_us, data.spansOf(lane)[s].begin_us);
}

TEST_F(TraceAdapter, WaitWindowsCarryTheirOutcome) {
    const TimelineData data = buildTimelineData(model_);
    const int fetcher = data.laneOf(Pid{0, 102});
    ASSERT_GE(fetcher, 0);
    std::vector<trace::WaitOutcome> outcomes;
    for (const WaitWindow& wait : data.waitsOf(fetcher)) outcomes.push_back(wait.outcome);
    EXPECT_EQ(outcomes, (std::vector<trace::WaitOutcome>{
                            trace::WaitOutcome::Down, trace::WaitOutcome::Message,
                            trace::WaitOutcome::Timeout, trace::WaitOutcome::Down}));
    const int script = data.laneOf(Pid{0, 90});
    const WaitWindow& await = data.waitsOf(script).back();
    EXPECT_EQ(await.kind, trace::WaitKind::TaskAwait);
    EXPECT_EQ(await.outcome, trace::WaitOutcome::Timeout);
    EXPECT_EQ(await.end_us, await.deadline_us);
}

TEST_F(TraceAdapter, LineageShowsBothChains) {
    const LineageData lineage = buildLineage(model_, Pid{0, 112}, 1'000'000);
    ASSERT_EQ(lineage.ancestors.size(), 2u);
    EXPECT_EQ(lineage.ancestors[0].process.title(), "MyApp.TaskSupervisor");
    EXPECT_EQ(lineage.ancestors[1].process.title(), "elixir scenario.exs");
    ASSERT_EQ(lineage.callers.size(), 1u);
    EXPECT_EQ(lineage.callers[0].process.title(), "MyApp.Fetcher");
}

TEST_F(TraceAdapter, FindsProcessesByNameOrPid) {
    EXPECT_EQ(findProcess(model_, "MyApp.Fetcher"), (Pid{0, 102}));
    EXPECT_EQ(findProcess(model_, "Elixir.MyApp.Fetcher"), (Pid{0, 102}));
    EXPECT_EQ(findProcess(model_, "#PID<0.112.0>"), (Pid{0, 112}));
    EXPECT_EQ(findProcess(model_, "<0.112.0>"), (Pid{0, 112}));
    EXPECT_EQ(findProcess(model_, "0.112.0"), (Pid{0, 112}));
    EXPECT_EQ(findProcess(model_, "NoSuch"), std::nullopt);
    EXPECT_EQ(parsePid("#PID<0.5"), std::nullopt);
}

TEST_F(TraceAdapter, TreeAtAMomentGhostsDeadChildren) {
    const TreeSnapshot tree = buildTreeSnapshot(model_, 1'500'000);
    int dead = 0, alive = 0;
    for (const auto& node : tree.nodes) (node.alive ? alive : dead)++;
    EXPECT_EQ(alive, 4);  // script, supervisor, GenServer, report task
    EXPECT_EQ(dead, 3);   // the three supervised tasks
}

TEST(TraceAdapterRestarts, IncarnationsOfAChildSitTogether) {
    const trace::TraceModel model(sampleRestartTrace(), trace::RunInfo{"restarts", 2});
    const TimelineData data = buildTimelineData(model);
    const int first = data.laneOf(Pid{0, 101});
    ASSERT_GE(first, 0);
    EXPECT_EQ(data.laneOf(Pid{0, 105}), first + 1);
    EXPECT_EQ(data.laneOf(Pid{0, 106}), first + 2);
    EXPECT_EQ(data.lanes[first + 2].restarts, 2);
    // A dead incarnation keeps the name it died with.
    EXPECT_EQ(data.lanes[first].process.title(), "MyApp.Cache");
    // The name resolves to its holder at a moment, else to its last holder.
    EXPECT_EQ(findProcess(model, "MyApp.Cache", 100'000), (Pid{0, 101}));
    EXPECT_EQ(findProcess(model, "MyApp.Cache", 300'000), (Pid{0, 105}));
    EXPECT_EQ(findProcess(model, "MyApp.Cache"), (Pid{0, 106}));
    const TreeSnapshot tree = buildTreeSnapshot(model, 950'000);
    bool restarted = false;
    for (const auto& node : tree.nodes)
        restarted |= node.restarts == 2 && node.process.title() == "MyApp.Cache";
    EXPECT_TRUE(restarted);
}

}  // namespace
}  // namespace tasklens::ui
