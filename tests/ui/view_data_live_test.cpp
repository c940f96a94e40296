// The live timeline (view_data_live.h) and its folding (lane_folding_live.h) give, after every
// batch of a recorded trace fed as a live run would feed it, what a full rebuild gives for the
// same events: buildTimelineData, then findFoldCandidates + foldTimeline.
#include "ui/view_data_live.h"

#include <gtest/gtest.h>
#include <algorithm>
#include <limits>
#include <sstream>
#include <tuple>

#include "engine/script/scenario_runner.h"
#include "engine/trace/event_log.h"
#include "engine/trace/trace_file.h"
#include "ui/lane_folding.h"
#include "ui/lane_folding_live.h"
#include "ui/timeline_plot.h"
#include "ui/trace_adapter.h"

namespace tasklens::ui {
namespace {

using trace::Event;

/// A Task.Supervisor with 60 tasks that sleep, wait with `after` (some time out, some get
/// :go), crash (every 20th), and a caller awaiting a Task.async: recorded by the engine.
std::vector<Event> recordTasksScenario() {
    const std::string source = R"(Logger.configure(level: :none)
{:ok, sup} = Task.Supervisor.start_link()
for i <- 1..60 do
  {:ok, pid} =
    Task.Supervisor.start_child(sup, fn ->
      Process.sleep(rem(i * 37, 23) + 1)
      if rem(i, 20) == 0, do: raise("task #{i} failed")
      receive do
        :go -> :ok
      after
        rem(i, 4) * 5 -> :ok
      end
    end)
  if rem(i, 3) == 0, do: send(pid, :go)
end
t = Task.async(fn -> Process.sleep(30); :answer end)
:answer = Task.await(t)
Process.sleep(60)
IO.puts("done")
)";
    trace::EventLog log;
    script::ScenarioOptions options;
    options.schedulers = 2;
    options.events = &log;
    std::ostringstream out, err;
    options.out = &out;
    options.err = &err;
    EXPECT_EQ(script::run_scenario_source("live_tasks.exs", source, options), 0) << err.str();
    EXPECT_NE(out.str().find("done"), std::string::npos);
    return log.take();
}

std::vector<Event> recordedFile(const std::string& name) {
    const trace::TraceFile file =
        trace::read_trace_file(TASKLENS_SOURCE_DIR "/tests/fuzz/image/" + name);
    EXPECT_TRUE(file.ok()) << name;
    return file.events;
}

auto spanKey(const StateSpan& s) {
    return std::tuple(s.begin_us, s.end_us, s.state);
}
auto waitKey(const WaitWindow& w) {
    return std::tuple(w.begin_us, w.deadline_us, w.end_us, w.kind, w.outcome);
}
auto arrowKey(const FlowArrow& a) {
    return std::tuple(a.from_us, a.to_us, a.from_lane, a.to_lane, a.kind, a.label);
}

template <typename T, typename Key>
std::vector<decltype(std::declval<Key>()(std::declval<const T&>()))> keys(const std::vector<T>& v,
                                                                          Key key) {
    std::vector<decltype(key(v.front()))> out;
    for (const T& item : v) out.push_back(key(item));
    return out;
}

/// Everything a painter reads, compared; arrows as a multiset (their order of addition differs)
/// and through their indexes, which must be sorted by start.
void expectSameTimeline(const TimelineData& live, const TimelineData& rebuilt,
                        const std::string& where) {
    SCOPED_TRACE(where);
    EXPECT_EQ(live.range.begin_us, rebuilt.range.begin_us);
    EXPECT_EQ(live.range.end_us, rebuilt.range.end_us);
    EXPECT_EQ(live.run_end_us, rebuilt.run_end_us);
    EXPECT_EQ(live.folded_lanes, rebuilt.folded_lanes);
    ASSERT_EQ(live.laneCount(), rebuilt.laneCount());
    for (int i = 0; i < live.laneCount(); ++i) {
        const Lane& a = live.lanes[size_t(i)];
        const Lane& b = rebuilt.lanes[size_t(i)];
        SCOPED_TRACE("lane " + std::to_string(i) + " " + b.process.title());
        EXPECT_EQ(a.process.pid, b.process.pid);
        EXPECT_EQ(a.process.registered_name, b.process.registered_name);
        EXPECT_EQ(a.process.initial_call, b.process.initial_call);
        EXPECT_EQ(a.process.role, b.process.role);
        EXPECT_EQ(a.depth, b.depth);
        EXPECT_EQ(a.spawn_us, b.spawn_us);
        EXPECT_EQ(a.exit_us, b.exit_us);
        EXPECT_EQ(a.exit_class, b.exit_class);
        EXPECT_EQ(a.exit_reason, b.exit_reason);
        EXPECT_EQ(a.restarts, b.restarts);
        EXPECT_EQ(a.group, b.group);
        EXPECT_EQ(keys(a.spans, spanKey), keys(b.spans, spanKey));
        auto wa = keys(a.waits, waitKey), wb = keys(b.waits, waitKey);
        std::sort(wa.begin(), wa.end());
        std::sort(wb.begin(), wb.end());
        EXPECT_EQ(wa, wb);
        EXPECT_EQ(a.longest_wait_reach_us, b.longest_wait_reach_us);
        if (b.group < 0) {
            EXPECT_EQ(live.laneOf(b.process.pid), i);
        } else if (!rebuilt.groups[size_t(b.group)].expanded) {
            for (const Pid member : rebuilt.groups[size_t(b.group)].member_pids)
                ASSERT_EQ(live.laneOf(member), i);
        }
    }
    auto arrows_a = keys(live.arrows, arrowKey), arrows_b = keys(rebuilt.arrows, arrowKey);
    std::sort(arrows_a.begin(), arrows_a.end());
    std::sort(arrows_b.begin(), arrows_b.end());
    EXPECT_EQ(arrows_a, arrows_b);
    EXPECT_EQ(live.longestArrowUs(), rebuilt.longestArrowUs());
    ASSERT_EQ(live.arrowsByStart().size(), live.arrows.size());
    for (size_t k = 1; k < live.arrowsByStart().size(); ++k)
        ASSERT_LE(live.arrows[live.arrowsByStart()[k - 1]].startUs(),
                  live.arrows[live.arrowsByStart()[k]].startUs());
    size_t in_runs = 0;
    for (const ArrowRun& run : live.arrowRuns()) {
        in_runs += run.arrows.size();
        ASSERT_EQ(run.reach_us.size(), run.arrows.size());
        int64_t reach = std::numeric_limits<int64_t>::min();
        for (size_t k = 0; k < run.arrows.size(); ++k) {
            const FlowArrow& arrow = live.arrows[run.arrows[k]];
            // The running latest end, kept up to date batch by batch and through mergeLaneInto.
            reach = std::max(reach, arrow.endUs());
            ASSERT_EQ(run.reach_us[k], reach);
            ASSERT_EQ(std::tuple(arrow.from_lane, arrow.to_lane, arrow.kind),
                      std::tuple(run.from_lane, run.to_lane, run.kind));
            if (k > 0) {
                ASSERT_LE(live.arrows[run.arrows[k - 1]].startUs(), arrow.startUs());
            }
        }
    }
    EXPECT_EQ(in_runs, live.arrows.size());
    // The index as kept up to date (batch by batch, or through mergeLaneInto) is the one a bulk
    // index of the same arrows gives.
    TimelineData bulk = live;
    bulk.finish();
    ASSERT_FALSE(bulk.arrowsIndexed());
    EXPECT_EQ(live.arrowsByStart(), bulk.arrowsByStart());
    auto runs = [](const TimelineData& data) {
        std::vector<std::tuple<int32_t, int32_t, ArrowKind, int64_t, std::vector<uint32_t>,
                               std::vector<int64_t>>>
            out;
        for (const ArrowRun& run : data.arrowRuns())
            out.emplace_back(run.from_lane, run.to_lane, run.kind, run.longest_us, run.arrows,
                             run.reach_us);
        std::sort(out.begin(), out.end());
        return out;
    };
    EXPECT_EQ(runs(live), runs(bulk));
    auto series = [](const std::vector<SeriesPoint>& points) {
        return keys(points, [](const SeriesPoint& p) { return std::pair(p.t_us, p.value); });
    };
    EXPECT_EQ(series(live.processes_alive), series(rebuilt.processes_alive));
    EXPECT_EQ(series(live.tasks_in_flight), series(rebuilt.tasks_in_flight));
    EXPECT_EQ(series(live.busy_schedulers), series(rebuilt.busy_schedulers));
    ASSERT_EQ(live.groups.size(), rebuilt.groups.size());
    for (size_t g = 0; g < live.groups.size(); ++g) {
        const LaneGroup& a = live.groups[g];
        const LaneGroup& b = rebuilt.groups[g];
        SCOPED_TRACE("group " + b.label());
        EXPECT_EQ(a.label(), b.label());
        EXPECT_EQ(a.role, b.role);
        EXPECT_EQ(a.peak_alive, b.peak_alive);
        EXPECT_EQ(a.fold_id, b.fold_id);
        EXPECT_EQ(a.expanded, b.expanded);
        EXPECT_EQ(a.member_pids, b.member_pids);
        EXPECT_EQ(a.crash_us, b.crash_us);
        EXPECT_EQ(a.timeout_us, b.timeout_us);
        EXPECT_EQ(keys(a.counts,
                       [](const GroupCountPoint& p) {
                           return std::tuple(p.t_us, p.alive, p.running, p.waiting);
                       }),
                  keys(b.counts, [](const GroupCountPoint& p) {
                      return std::tuple(p.t_us, p.alive, p.running, p.waiting);
                  }));
    }
}

struct FeedResult {
    int updates = 0;
    int relaid = 0;         ///< updates that laid the timeline out anew
    int refolded = 0;       ///< updates the folding could not follow in place
    int folded_groups = 0;  ///< groups in the last folded timeline
};

/// Feeds `events` into a model `batch` at a time, as the event pump does, moving the model's
/// end past the last event now and then (a sleeping run); after each batch the live timeline
/// and its folding must equal a rebuild.
FeedResult feed(const std::vector<Event>& events, size_t batch, const std::string& name) {
    trace::TraceModel model;
    model.set_run_info(trace::RunInfo{name, 2});
    LiveTimeline live;
    LiveFold fold;
    FeedResult result;
    for (size_t first = 0; first < events.size(); first += batch) {
        const size_t last = std::min(events.size(), first + batch);
        model.append(std::span<const Event>(events.data() + first, last - first));
        if (result.updates % 3 == 1) model.extend_end_to(model.end_time() + 250);
        const TimelineDelta& delta = live.update(model);
        ++result.updates;
        if (delta.relaid) ++result.relaid;
        const std::string where = name + " after event " + std::to_string(last);
        const TimelineData rebuilt = buildTimelineData(model);
        expectSameTimeline(*live.data(), rebuilt, where + " (full)");
        if (!fold.apply(*live.data(), delta)) {
            ++result.refolded;
            fold.rebuild(*live.data(), {}, delta.settled_before_us);
        }
        const auto candidates = findFoldCandidates(rebuilt);
        const TimelineData folded =
            candidates.empty() ? rebuilt : foldTimeline(rebuilt, candidates);
        expectSameTimeline(fold.data() ? *fold.data() : *live.data(), folded, where + " (folded)");
        result.folded_groups = int(folded.groups.size());
        if (::testing::Test::HasFailure()) break;
    }
    return result;
}

TEST(LiveTimeline, EqualsARebuildAfterEveryBatchOfARecordedTaskRun) {
    const std::vector<Event> events = recordTasksScenario();
    ASSERT_GT(events.size(), 1000u);
    for (const size_t batch : {size_t(1), size_t(37), size_t(400)}) {
        const FeedResult result = feed(events, batch, "tasks/" + std::to_string(batch));
        // The 60 tasks fold into one group, which then grows in place: the timeline is laid
        // out once, and folded anew only when the group forms.
        EXPECT_EQ(result.folded_groups, 1);
        EXPECT_LE(result.relaid, 1) << "batch " << batch;
        // Each task's lane appears before its Caller event names what it runs; it then joins the
        // folded group in place (before this, batch 1 refolded ~60 times).
        EXPECT_LE(result.refolded, 5) << "batch " << batch << " updates " << result.updates;
        EXPECT_GT(result.updates, 2);
    }
}

TEST(LiveTimeline, EqualsARebuildOnRecordedTracesWithRestartsAndTimeouts) {
    for (const char* name :
         {"otp_06_supervisor_one_for_one.jsonl", "otp_10_supervisor_max_restarts.jsonl",
          "otp_05_task_await_many_timeout_crash.jsonl", "otp_19_task_supervisor_nolink_crash.jsonl",
          "otp_20_task_ancestors_nested.jsonl", "demo_supervision_tree.jsonl",
          "demo_distributed_task.jsonl"}) {
        const std::vector<Event> events = recordedFile(name);
        ASSERT_FALSE(events.empty()) << name;
        for (const size_t batch : {size_t(1), size_t(9)}) feed(events, batch, name);
    }
}

TEST(LiveTimeline, ThePlotFollowsInPlaceAndKeepsAnExpandedGroupOpen) {
    const std::vector<Event> events = recordTasksScenario();
    trace::TraceModel model;
    LiveTimeline live;
    TimelinePlot plot;
    size_t fed = events.size() * 6 / 10;
    model.append(std::span<const Event>(events.data(), fed));
    plot.setTimelineData(live.data(), live.update(model).settled_before_us);
    int group_lane = -1;
    for (int i = 0; i < plot.timelineData()->laneCount(); ++i)
        if (plot.timelineData()->lanes[size_t(i)].group >= 0) group_lane = i;
    ASSERT_GE(group_lane, 0);
    ASSERT_TRUE(plot.toggleGroup(group_lane));
    while (fed < events.size()) {
        const size_t next = std::min(events.size(), fed + 50);
        model.append(std::span<const Event>(events.data() + fed, next - fed));
        fed = next;
        plot.updateTimelineData(live.update(model));
        EXPECT_EQ(plot.fullTimelineData(), live.data().get());
    }
    const TimelineData rebuilt = buildTimelineData(model);
    const TimelineData expanded = foldTimeline(rebuilt, findFoldCandidates(rebuilt), {0});
    ASSERT_EQ(expanded.groups.size(), 1u);
    expectSameTimeline(*plot.timelineData(), expanded, "expanded after the run");
}

TEST(LiveTimeline, ReportsWhatChanged) {
    const std::vector<Event> events = recordTasksScenario();
    trace::TraceModel model;
    LiveTimeline live;
    const size_t half = events.size() / 2;
    model.append(std::span<const Event>(events.data(), half));
    EXPECT_TRUE(live.update(model).relaid);  // the first update lays out
    const int lanes_before = live.data()->laneCount();
    const size_t arrows_before = live.data()->arrows.size();
    model.append(std::span<const Event>(events.data() + half, events.size() - half));
    const TimelineDelta& delta = live.update(model);
    EXPECT_FALSE(delta.relaid);
    EXPECT_EQ(delta.old_lane_count, lanes_before);
    EXPECT_EQ(delta.first_new_arrow, arrows_before);
    EXPECT_TRUE(
        std::is_sorted(delta.lanes.begin(), delta.lanes.end(),
                       [](const LaneChange& a, const LaneChange& b) { return a.lane < b.lane; }));
    for (const LaneChange& change : delta.lanes) {
        EXPECT_EQ(change.added, change.lane >= lanes_before);
        EXPECT_LE(change.stable_spans, live.data()->lanes[size_t(change.lane)].spans.size());
    }
    // Nothing new: only lanes with something open (a process still alive) are looked at again.
    const TimelineDelta& idle = live.update(model);
    EXPECT_FALSE(idle.relaid);
    size_t alive = 0;
    for (trace::ProcessIndex p = 0; p < model.process_count(); ++p)
        alive += model.process(p).exited() ? 0 : 1;
    EXPECT_LE(idle.lanes.size(), alive);
    EXPECT_EQ(idle.first_new_arrow, live.data()->arrows.size());
}

}  // namespace
}  // namespace tasklens::ui
