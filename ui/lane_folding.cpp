#include "ui/lane_folding.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace tasklens::ui {

namespace {

std::string thousands(int64_t n) {
    std::string digits = std::to_string(n);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(static_cast<size_t>(i), ",");
    return digits;
}

bool isWaiting(SpanState state) {
    return state == SpanState::Waiting || state == SpanState::Awaiting ||
           state == SpanState::Sleeping;
}

/// The group summary of `members` (lanes of `full`): totals, the alive/running/waiting step
/// function (a sweep over each member's life and spans), crash and timeout times.
LaneGroup summarize(const TimelineData& full, const FoldCandidate& candidate) {
    LaneGroup group;
    group.title = candidate.title;
    group.members = static_cast<int>(candidate.members.size());
    // (time, alive delta, running delta, waiting delta)
    std::vector<std::tuple<int64_t, int32_t, int32_t, int32_t>> changes;
    for (const int lane : candidate.members) {
        const Lane& info = full.lanes[lane];
        group.role = info.process.role;
        group.member_pids.push_back(info.process.pid);
        const int64_t end = info.exit_us >= 0 ? info.exit_us : full.run_end_us;
        if (info.exit_us < 0) {
            ++group.alive_at_end;
        } else if (info.exit_class == trace::ExitReasonClass::Normal ||
                   info.exit_class == trace::ExitReasonClass::Shutdown) {
            ++group.done;
        } else {
            ++group.crashed;
            group.crash_us.push_back(info.exit_us);
        }
        changes.emplace_back(info.spawn_us, 1, 0, 0);
        changes.emplace_back(std::max(end, info.spawn_us), -1, 0, 0);
        for (const StateSpan& span : info.spans) {
            if (span.state == SpanState::Running) {
                changes.emplace_back(span.begin_us, 0, 1, 0);
                changes.emplace_back(span.end_us, 0, -1, 0);
            } else if (isWaiting(span.state)) {
                changes.emplace_back(span.begin_us, 0, 0, 1);
                changes.emplace_back(span.end_us, 0, 0, -1);
            }
        }
        for (const WaitWindow& wait : info.waits) {
            if (wait.ended() && wait.outcome == trace::WaitOutcome::Timeout) {
                ++group.timeouts;
                group.timeout_us.push_back(wait.end_us);
            }
        }
    }
    std::sort(changes.begin(), changes.end(),
              [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
    GroupCountPoint now;
    for (size_t i = 0; i < changes.size();) {
        const int64_t t = std::get<0>(changes[i]);
        for (; i < changes.size() && std::get<0>(changes[i]) == t; ++i) {
            now.alive += std::get<1>(changes[i]);
            now.running += std::get<2>(changes[i]);
            now.waiting += std::get<3>(changes[i]);
        }
        now.t_us = t;
        const GroupCountPoint* last = group.counts.empty() ? nullptr : &group.counts.back();
        if (last && last->alive == now.alive && last->running == now.running &&
            last->waiting == now.waiting)
            continue;
        group.counts.push_back(now);
        group.peak_alive = std::max(group.peak_alive, now.alive);
    }
    std::sort(group.crash_us.begin(), group.crash_us.end());
    std::sort(group.timeout_us.begin(), group.timeout_us.end());
    return group;
}

/// Appends lane `lane` of `full` (with its spans and waits) to `out`; returns its new index.
int copyLane(const TimelineData& full, int lane, TimelineData& out) {
    out.lanes.push_back(full.lanes[lane]);
    return out.laneCount() - 1;
}

}  // namespace

std::vector<FoldCandidate> findFoldCandidates(const TimelineData& full,
                                              const FoldOptions& options) {
    std::vector<FoldCandidate> candidates;
    const int count = full.laneCount();
    if (count <= options.fold_above_lanes) return candidates;
    // Parents from depths (lanes are in depth-first order): the nearest earlier lane one level up.
    std::vector<int> parent(static_cast<size_t>(count), -1);
    std::vector<bool> leaf(static_cast<size_t>(count), true);
    std::vector<int> open;  // open[d] = the last lane seen at depth d
    for (int i = 0; i < count; ++i) {
        const int depth = std::max(0, full.lanes[i].depth);
        if (static_cast<int>(open.size()) <= depth) open.resize(static_cast<size_t>(depth) + 1, -1);
        open[static_cast<size_t>(depth)] = i;
        open.resize(static_cast<size_t>(depth) + 1);
        if (depth > 0) {
            parent[i] = open[static_cast<size_t>(depth) - 1];
            if (parent[i] >= 0) leaf[static_cast<size_t>(parent[i])] = false;
        }
    }
    // Siblings by (parent, initial call), in order of the first member. Not by role: it follows
    // from the call, and a live task's role is known only a few events after its spawn (its
    // Caller event), which would move it between groups.
    std::map<std::tuple<int, std::string>, size_t> index;
    std::vector<FoldCandidate> all;
    for (int i = 0; i < count; ++i) {
        const Lane& lane = full.lanes[i];
        if (!leaf[static_cast<size_t>(i)] || !lane.process.registered_name.empty() ||
            lane.process.initial_call.empty())
            continue;
        const auto key = std::make_tuple(parent[i], lane.process.initial_call);
        auto [it, fresh] = index.try_emplace(key, all.size());
        if (fresh) all.push_back(FoldCandidate{parent[i], lane.process.initial_call, {}});
        all[it->second].members.push_back(i);
    }
    for (auto& candidate : all)
        if (static_cast<int>(candidate.members.size()) >= options.min_group)
            candidates.push_back(std::move(candidate));
    return candidates;
}

TimelineData foldTimeline(const TimelineData& full, const std::vector<FoldCandidate>& candidates,
                          const std::set<int>& expanded) {
    TimelineData out;
    out.range = full.range;
    out.processes_alive = full.processes_alive;
    out.tasks_in_flight = full.tasks_in_flight;
    out.busy_schedulers = full.busy_schedulers;
    out.schedulers = full.schedulers;
    out.scenario = full.scenario;
    out.run_end_us = full.run_end_us;

    const int count = full.laneCount();
    std::vector<int> fold_of(static_cast<size_t>(count), -1);
    for (size_t c = 0; c < candidates.size(); ++c)
        for (const int lane : candidates[c].members) fold_of[static_cast<size_t>(lane)] = int(c);
    std::vector<int> new_lane(static_cast<size_t>(count), -1);
    std::vector<int> group_lane(candidates.size(), -1);
    for (int i = 0; i < count; ++i) {
        const int fold = fold_of[static_cast<size_t>(i)];
        if (fold < 0) {
            new_lane[static_cast<size_t>(i)] = copyLane(full, i, out);
            continue;
        }
        const bool open = expanded.count(fold) > 0;
        if (group_lane[static_cast<size_t>(fold)] < 0) {
            LaneGroup group = summarize(full, candidates[static_cast<size_t>(fold)]);
            group.fold_id = fold;
            group.expanded = open;
            Lane lane;
            lane.process.role = group.role;
            lane.process.initial_call = group.title;
            lane.depth = full.lanes[i].depth;
            lane.spawn_us = full.lanes[i].spawn_us;
            lane.group = static_cast<int>(out.groups.size());
            out.groups.push_back(std::move(group));
            out.lanes.push_back(std::move(lane));
            group_lane[static_cast<size_t>(fold)] = out.laneCount() - 1;
            if (open) {
                // The members follow their group lane together, one level deeper.
                for (const int member : candidates[static_cast<size_t>(fold)].members) {
                    const int copied = copyLane(full, member, out);
                    out.lanes[static_cast<size_t>(copied)].depth += 1;
                    new_lane[static_cast<size_t>(member)] = copied;
                }
            }
        }
        if (!open) {
            new_lane[static_cast<size_t>(i)] = group_lane[static_cast<size_t>(fold)];
            ++out.folded_lanes;
        }
    }
    // Arrows between folded members of one group say nothing at this level: dropped.
    out.arrows.reserve(full.arrows.size());
    for (const FlowArrow& arrow : full.arrows) {
        const int from = new_lane[static_cast<size_t>(arrow.from_lane)];
        const int to = new_lane[static_cast<size_t>(arrow.to_lane)];
        if (from < 0 || to < 0) continue;
        if (from == to && out.lanes[static_cast<size_t>(from)].group >= 0) continue;
        FlowArrow copy = arrow;
        copy.from_lane = from;
        copy.to_lane = to;
        out.arrows.push_back(std::move(copy));
    }
    out.finish();
    for (int i = 0; i < count; ++i)
        if (fold_of[static_cast<size_t>(i)] >= 0 &&
            expanded.count(fold_of[static_cast<size_t>(i)]) == 0)
            out.mapPidToLane(full.lanes[i].process.pid, new_lane[static_cast<size_t>(i)]);
    return out;
}

std::vector<std::string> foldNotes(const TimelineData& folded) {
    std::vector<std::string> notes;
    int collapsed = 0;
    for (const LaneGroup& group : folded.groups)
        if (!group.expanded) ++collapsed;
    if (collapsed == 0) return notes;
    notes.push_back(thousands(folded.folded_lanes) + " lanes folded into " + thousands(collapsed) +
                    (collapsed == 1 ? " group" : " groups"));
    return notes;
}

std::string moreLanesNote(int hidden) {
    if (hidden <= 0) return {};
    return "+" + thousands(hidden) + (hidden == 1 ? " more lane" : " more lanes");
}

}  // namespace tasklens::ui
