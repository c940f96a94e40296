// Folding of similar lanes (ui/lane_folding.h) as tables: which lanes fold, the counts a group
// shows, where arrows go, and the notes that say what was folded or cut.
#include "ui/lane_folding.h"

#include <gtest/gtest.h>

namespace tasklens::ui {
namespace {

Lane lane(uint32_t serial, int depth, std::string call, ProcessRole role = ProcessRole::Task,
          std::string name = {}) {
    Lane l;
    l.process.pid = Pid{0, serial};
    l.process.initial_call = std::move(call);
    l.process.registered_name = std::move(name);
    l.process.role = role;
    l.depth = depth;
    return l;
}

/// A supervisor (lane 0) with `workers` task children running "Task fn in Worker.run/1" and two
/// other children; worker k lives [10k, 10k + 100), the 3rd one crashes, the 5th one's await
/// times out, and one of them is still alive at the end.
TimelineData supervisorWithWorkers(int workers, int filler_lanes = 40) {
    TimelineDataBuilder builder({0, 1'000'000});
    Lane sup = lane(2, 0, "Task.Supervisor.start_link/1", ProcessRole::Supervisor);
    builder.addLane(sup);
    for (int k = 0; k < workers; ++k) {
        Lane worker = lane(100 + uint32_t(k), 1, "Task fn in Worker.run/1");
        worker.spawn_us = 10 * k;
        worker.exit_us = k == workers - 1 ? -1 : 10 * k + 100;
        worker.exit_class = k == 2 ? trace::ExitReasonClass::Crash : trace::ExitReasonClass::Normal;
        builder.addLane(worker);
        builder.addSpan({10 * k, 10 * k + 40, SpanState::Running});
        builder.addSpan({10 * k + 40, 10 * k + 100, SpanState::Awaiting});
        if (k == 4)
            builder.addWait({10 * k + 40, 10 * k + 90, 10 * k + 90, trace::WaitKind::TaskAwait,
                             trace::WaitOutcome::Timeout});
    }
    builder.addLane(lane(3, 1, "Other.loop/0", ProcessRole::Process, "MyApp.Cache"));
    builder.addLane(lane(4, 1, "Other.loop/0"));
    // Unrelated root lanes so that the timeline is big enough to fold.
    for (int f = 0; f < filler_lanes; ++f)
        builder.addLane(lane(5000 + uint32_t(f), 0, "Filler.run/" + std::to_string(f)));
    builder.addArrow({5, 5, 0, 1, ArrowKind::Spawn, ""});        // sup -> worker 0
    builder.addArrow({15, 15, 0, 2, ArrowKind::Spawn, ""});      // sup -> worker 1
    builder.addArrow({20, 30, 1, 2, ArrowKind::Message, ":x"});  // worker -> worker (inside)
    builder.addArrow(
        {50, 60, workers + 2, 1, ArrowKind::Message, ":y"});  // unnamed Other -> worker
    TimelineData data = builder.finish();
    data.run_end_us = 10 * workers + 200;
    return data;
}

struct FoldCase {
    const char* name;
    int workers;
    int filler_lanes;
    FoldOptions options;
    size_t expected_groups;
    size_t expected_members;  ///< of the first group
};

TEST(LaneFolding, WhichLanesFold) {
    const FoldCase cases[] = {
        {"many similar leaf siblings fold", 1000, 40, {}, 1, 1000},
        {"fewer than min_group stay lanes", 7, 40, {}, 0, 0},
        {"exactly min_group fold", 8, 40, {}, 1, 8},
        {"a small timeline never folds", 20, 0, {}, 0, 0},
        {"a lower threshold", 3, 40, FoldOptions{3, 10}, 1, 3},
    };
    for (const FoldCase& c : cases) {
        SCOPED_TRACE(c.name);
        const TimelineData data = supervisorWithWorkers(c.workers, c.filler_lanes);
        const auto candidates = findFoldCandidates(data, c.options);
        ASSERT_EQ(candidates.size(), c.expected_groups);
        if (c.expected_groups == 0) continue;
        EXPECT_EQ(candidates[0].members.size(), c.expected_members);
        EXPECT_EQ(candidates[0].parent_lane, 0);
        EXPECT_EQ(candidates[0].title, "Task fn in Worker.run/1");
    }
}

TEST(LaneFolding, NamedProcessesAndParentsNeverFold) {
    TimelineDataBuilder builder({0, 1000});
    for (uint32_t i = 0; i < 50; ++i)
        builder.addLane(
            lane(10 + i, 0, "Same.call/0", ProcessRole::Process, "Named" + std::to_string(i)));
    // 10 parents with the same call, each with one child: parents are not leaves.
    for (uint32_t i = 0; i < 10; ++i) {
        builder.addLane(lane(100 + i, 0, "Parent.run/0"));
        builder.addLane(lane(200 + i, 1, "Child.run/" + std::to_string(i)));
    }
    const TimelineData data = builder.finish();
    EXPECT_TRUE(findFoldCandidates(data).empty());
}

TEST(LaneFolding, GroupCountsCrashesAndTimeouts) {
    const TimelineData full = supervisorWithWorkers(1000);
    const auto candidates = findFoldCandidates(full);
    const TimelineData folded = foldTimeline(full, candidates);
    // Supervisor, the group, two other children, 40 fillers.
    ASSERT_EQ(folded.laneCount(), 1 + 1 + 2 + 40);
    ASSERT_EQ(folded.groups.size(), 1u);
    EXPECT_EQ(folded.folded_lanes, 1000);
    const Lane& group_lane = folded.lanes[1];
    ASSERT_EQ(group_lane.group, 0);
    EXPECT_EQ(group_lane.depth, 1);
    const LaneGroup& group = folded.groups[0];
    EXPECT_EQ(group.members, 1000);
    EXPECT_EQ(group.crashed, 1);
    EXPECT_EQ(group.alive_at_end, 1);
    EXPECT_EQ(group.done, 998);
    EXPECT_EQ(group.timeouts, 1);
    EXPECT_EQ(group.crash_us, std::vector<int64_t>{120});
    EXPECT_EQ(group.timeout_us, std::vector<int64_t>{130});
    EXPECT_EQ(
        group.label(),
        "1,000 \u00d7 Task fn in Worker.run/1 \u2014 998 done, 1 alive, 1 crashed, 1 timeout");
    // Lives overlap ten at a time: [10k, 10k + 100).
    EXPECT_EQ(group.peak_alive, 10);
    const GroupCountPoint at_55 = group.countsAt(55);  // workers 0..5 alive
    EXPECT_EQ(at_55.alive, 6);
    EXPECT_EQ(at_55.running, 4);  // workers 2..5 in their first 40 µs
    EXPECT_EQ(at_55.waiting, 2);  // workers 0 and 1 awaiting
    EXPECT_EQ(group.countsAt(-1).alive, 0);
    // A member's pid finds the group lane.
    EXPECT_EQ(folded.laneOf(Pid{0, 150}), 1);
    EXPECT_EQ(folded.laneOf(Pid{0, 3}), 2);
}

TEST(LaneFolding, ArrowsEndAtTheGroupAndInsideArrowsAreDropped) {
    const TimelineData full = supervisorWithWorkers(100);
    const TimelineData folded = foldTimeline(full, findFoldCandidates(full));
    std::vector<std::pair<int, int>> ends;
    for (const FlowArrow& a : folded.arrows) ends.emplace_back(a.from_lane, a.to_lane);
    // Two spawns sup -> group, and the message from the unnamed Other (lane 3) to the group.
    const std::vector<std::pair<int, int>> expected{{0, 1}, {0, 1}, {3, 1}};
    EXPECT_EQ(ends, expected);
}

TEST(LaneFolding, AnExpandedGroupListsItsMembersUnderItsLane) {
    const TimelineData full = supervisorWithWorkers(10);
    const auto candidates = findFoldCandidates(full);
    const TimelineData expanded = foldTimeline(full, candidates, {0});
    ASSERT_EQ(expanded.laneCount(), 1 + 1 + 10 + 2 + 40);
    EXPECT_EQ(expanded.lanes[1].group, 0);
    EXPECT_TRUE(expanded.groups[0].expanded);
    EXPECT_EQ(expanded.folded_lanes, 0);
    for (int k = 0; k < 10; ++k) {
        EXPECT_EQ(expanded.lanes[2 + k].process.pid, (Pid{0, 100 + uint32_t(k)}));
        EXPECT_EQ(expanded.lanes[2 + k].depth, 2);
        EXPECT_EQ(expanded.spansOf(2 + k).size(), 2u);
    }
    EXPECT_EQ(expanded.laneOf(Pid{0, 105}), 7);
    // The inside arrow is back, between member lanes.
    bool inside = false;
    for (const FlowArrow& a : expanded.arrows) inside |= a.from_lane == 2 && a.to_lane == 3;
    EXPECT_TRUE(inside);
    EXPECT_TRUE(foldNotes(expanded).empty());
}

TEST(LaneFolding, NotesSayWhatWasFoldedOrCut) {
    const TimelineData full = supervisorWithWorkers(10'000);
    const TimelineData folded = foldTimeline(full, findFoldCandidates(full));
    EXPECT_EQ(foldNotes(folded), std::vector<std::string>{"10,000 lanes folded into 1 group"});
    EXPECT_EQ(foldNotes(full), std::vector<std::string>{});
    const struct {
        int hidden;
        const char* note;
    } more[] = {
        {0, ""}, {1, "+1 more lane"}, {13, "+13 more lanes"}, {12345, "+12,345 more lanes"}};
    for (const auto& row : more) EXPECT_EQ(moreLanesNote(row.hidden), row.note);
}

}  // namespace
}  // namespace tasklens::ui
