#include "ui/view_data.h"

#include <algorithm>
#include <cstdlib>

namespace tasklens::ui {

std::string formatPid(Pid pid) {
    return "#PID<" + std::to_string(pid.node) + "." + std::to_string(pid.serial) + ".0>";
}

std::string ProcessLabel::title() const {
    if (!registered_name.empty()) return registered_name;
    if (!initial_call.empty()) return initial_call;
    return formatPid(pid);
}

int64_t WaitWindow::reachUs(int64_t trace_end_us) const {
    int64_t reach = deadline_us >= 0 ? deadline_us : trace_end_us;
    if (end_us >= 0) reach = std::max(reach, end_us);
    return std::max(reach, begin_us);
}

std::string groupLabel(int members, const std::string& title, int done, int alive, int crashed,
                       int timeouts) {
    auto thousands = [](int64_t n) {
        std::string digits = std::to_string(n);
        for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
            digits.insert(size_t(i), ",");
        return digits;
    };
    std::string text =
        thousands(members) + " \u00d7 " + title + " \u2014 " + thousands(done) + " done";
    if (alive > 0) text += ", " + thousands(alive) + " alive";
    if (crashed > 0) text += ", " + thousands(crashed) + " crashed";
    if (timeouts > 0)
        text += ", " + thousands(timeouts) + (timeouts == 1 ? " timeout" : " timeouts");
    return text;
}

std::string LaneGroup::label() const {
    return groupLabel(members, title, done, alive_at_end, crashed, timeouts);
}

GroupCountPoint LaneGroup::countsAt(int64_t t_us) const {
    const auto it =
        std::upper_bound(counts.begin(), counts.end(), t_us,
                         [](int64_t t, const GroupCountPoint& p) { return t < p.t_us; });
    if (it == counts.begin()) return GroupCountPoint{t_us, 0, 0, 0};
    return *(it - 1);
}

int TimelineData::laneOf(Pid pid) const {
    auto it = lane_of_pid_.find(pid);
    return it == lane_of_pid_.end() ? -1 : it->second;
}

size_t TimelineData::spanCount() const {
    size_t count = 0;
    for (const Lane& lane : lanes) count += lane.spans.size();
    return count;
}

void TimelineData::updateReach(int lane) {
    Lane& info = lanes[size_t(lane)];
    const auto trace_end = static_cast<int64_t>(range.end_us);
    info.longest_wait_reach_us = 0;
    for (const WaitWindow& wait : info.waits)
        info.longest_wait_reach_us =
            std::max(info.longest_wait_reach_us, wait.reachUs(trace_end) - wait.begin_us);
}

void TimelineData::finish() {
    lane_of_pid_.clear();
    lane_of_pid_.reserve(lanes.size());
    for (int i = 0; i < laneCount(); ++i) lane_of_pid_.emplace(lanes[i].process.pid, i);
    for (int lane = 0; lane < laneCount(); ++lane) updateReach(lane);
    arrows_by_start.clear();
    arrow_runs.clear();
    run_of_key_.clear();
    longest_arrow_us = 0;
    indexArrowsFrom(0);
}

namespace {

uint64_t runKey(const FlowArrow& arrow) {
    return (uint64_t(uint32_t(arrow.from_lane)) << 34) ^ (uint64_t(uint32_t(arrow.to_lane)) << 3) ^
           uint64_t(arrow.kind);
}

/// Sorts `fresh` (indexes of new arrows, greater than every index in `sorted`) by (start,
/// index) and merges it into `sorted`, which is in that order already. New arrows mostly start
/// near the end of a live run, so the merge touches a short suffix.
void mergeByStart(std::vector<uint32_t>& sorted, std::vector<uint32_t>& fresh,
                  const std::vector<FlowArrow>& arrows) {
    auto earlier = [&](uint32_t a, uint32_t b) {
        const int64_t sa = arrows[a].startUs();
        const int64_t sb = arrows[b].startUs();
        return sa != sb ? sa < sb : a < b;
    };
    std::sort(fresh.begin(), fresh.end(), earlier);
    if (fresh.empty()) return;
    const auto suffix = std::upper_bound(sorted.begin(), sorted.end(), fresh.front(), earlier);
    const auto middle = static_cast<std::ptrdiff_t>(sorted.size());
    const auto from = suffix - sorted.begin();
    sorted.insert(sorted.end(), fresh.begin(), fresh.end());
    std::inplace_merge(sorted.begin() + from, sorted.begin() + middle, sorted.end(), earlier);
}

}  // namespace

void TimelineData::indexArrowsFrom(size_t first_new) {
    std::vector<uint32_t> fresh;
    fresh.reserve(arrows.size() - first_new);
    std::unordered_map<uint32_t, std::vector<uint32_t>> fresh_by_run;
    for (size_t i = first_new; i < arrows.size(); ++i) {
        const FlowArrow& arrow = arrows[i];
        fresh.push_back(uint32_t(i));
        longest_arrow_us = std::max(longest_arrow_us, std::abs(arrow.to_us - arrow.from_us));
        auto [it, added] = run_of_key_.try_emplace(runKey(arrow), uint32_t(arrow_runs.size()));
        if (added) arrow_runs.push_back({arrow.from_lane, arrow.to_lane, arrow.kind, 0, {}});
        ArrowRun& run = arrow_runs[it->second];
        run.longest_us = std::max(run.longest_us, std::abs(arrow.to_us - arrow.from_us));
        fresh_by_run[it->second].push_back(uint32_t(i));
    }
    mergeByStart(arrows_by_start, fresh, arrows);
    for (auto& [run, indexes] : fresh_by_run) mergeByStart(arrow_runs[run].arrows, indexes, arrows);
}

int TimelineDataBuilder::addLane(Lane lane) {
    closeLane();
    data_.lanes.push_back(std::move(lane));
    lane_open_ = true;
    return data_.laneCount() - 1;
}

void TimelineDataBuilder::closeLane() {
    if (!lane_open_) return;
    Lane& lane = data_.lanes.back();
    // Callers may add a lane's spans out of order; the painter's binary search needs them sorted.
    std::sort(lane.spans.begin(), lane.spans.end(),
              [](const StateSpan& a, const StateSpan& b) { return a.begin_us < b.begin_us; });
    std::sort(lane.waits.begin(), lane.waits.end(),
              [](const WaitWindow& a, const WaitWindow& b) { return a.begin_us < b.begin_us; });
    lane_open_ = false;
}

TimelineData TimelineDataBuilder::finish() {
    closeLane();
    data_.finish();
    return std::move(data_);
}

}  // namespace tasklens::ui
