// What the adapter hands the views for the sample Task.Supervisor story.
#include "ui/trace_adapter.h"

#include <gtest/gtest.h>
#include <sstream>
#include <tuple>

#include "engine/script/scenario_runner.h"
#include "engine/trace/event_log.h"
#include "ui/sample_trace.h"
#include "ui/tree_folding.h"

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

/// Everything a tree painter reads, as comparable tuples.
auto treeKeys(const TreeSnapshot& tree) {
    std::vector<std::tuple<uint32_t, uint32_t, std::string, std::string, ProcessRole, SpanState,
                           bool, int, std::string, trace::ExitReasonClass, std::string, int,
                           std::vector<int>, std::tuple<int, int, int, int, int>>>
        nodes;
    for (const TreeNode& n : tree.nodes)
        nodes.emplace_back(n.process.pid.node, n.process.pid.serial, n.process.registered_name,
                           n.process.initial_call, n.process.role, n.state, n.alive, n.restarts,
                           n.child_id, n.exit_class, n.exit_reason, n.parent, n.children,
                           std::tuple(n.group_members, n.group_alive, n.group_done, n.group_crashed,
                                      n.hidden_descendants));
    std::vector<std::tuple<int, int, TreeEdgeKind>> edges;
    for (const TreeEdge& e : tree.edges) edges.emplace_back(e.from, e.to, e.kind);
    std::vector<std::tuple<int, std::string, int, int>> departed;
    for (const DepartedChildren& d : tree.departed)
        departed.emplace_back(d.parent, d.initial_call, d.done, d.crashed);
    return std::tuple(nodes, tree.roots, edges, departed);
}

TEST(TraceAdapterFoldedTree, EqualsFoldingTheWholeTreeAtEveryMoment) {
    // 40 supervised tasks (every 9th crashes, some still running at the end), a named worker
    // and 5 plain spawned children: boxes with alive, done and crashed members, ghosts, a
    // group too small to fold and a registered process that never folds.
    const std::string source = R"(Logger.configure(level: :none)
{:ok, sup} = Task.Supervisor.start_link()
{:ok, _} = Agent.start_link(fn -> 0 end, name: Counter)
for i <- 1..40 do
  Task.Supervisor.start_child(sup, fn ->
    Process.sleep(rem(i * 37, 29) * 3 + 1)
    if rem(i, 9) == 0, do: raise("task #{i} failed")
    if i > 34, do: Process.sleep(100_000)
    :ok
  end)
  Process.sleep(2)
end
for _ <- 1..5, do: spawn(fn -> Process.sleep(30) end)
Process.sleep(150)
IO.puts("done")
)";
    trace::EventLog log;
    script::ScenarioOptions options;
    options.schedulers = 2;
    options.events = &log;
    std::ostringstream out, err;
    options.out = &out;
    options.err = &err;
    ASSERT_EQ(script::run_scenario_source("fold_tree.exs", source, options), 0) << err.str();
    const trace::TraceModel model(log.take(), trace::RunInfo{"fold_tree", 2});
    int boxes_seen = 0, departed_boxes = 0;
    std::set<TreeGroupKey> none, opened;
    for (int step = 0; step <= 60; ++step) {
        const int64_t t = model.start_time() + (model.end_time() - model.start_time()) * step / 60;
        const TreeSnapshot whole = buildTreeSnapshot(model, t);
        const TreeSnapshot folded = foldTree(whole, none);
        for (size_t n = 0; n < folded.nodes.size(); ++n) {
            if (folded.nodes[n].group_members == 0) continue;
            ++boxes_seen;
            departed_boxes += folded.nodes[n].group_done + folded.nodes[n].group_crashed > 0;
            if (opened.empty()) opened.insert(groupKeyOf(folded, int(n)));
        }
        SCOPED_TRACE("t = " + std::to_string(t));
        EXPECT_EQ(treeKeys(buildFoldedTreeSnapshot(model, t, none)), treeKeys(folded));
        EXPECT_EQ(treeKeys(buildFoldedTreeSnapshot(model, t, opened)),
                  treeKeys(foldTree(whole, opened)));
        // A small tree is drawn whole; a low threshold folds the small group as well.
        const TreeFoldOptions eager{3, 4};
        EXPECT_EQ(treeKeys(buildFoldedTreeSnapshot(model, t, none, eager)),
                  treeKeys(foldTree(whole, none, eager)));
        if (::testing::Test::HasFailure()) break;
    }
    EXPECT_GT(boxes_seen, 20);
    EXPECT_GT(departed_boxes, 5);
    EXPECT_FALSE(opened.empty());
}

}  // namespace
}  // namespace tasklens::ui
