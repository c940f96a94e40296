#include "ui/view_data.h"

#include <algorithm>

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

void TimelineData::finish() {
    lane_of_pid_.clear();
    lane_of_pid_.reserve(lanes.size());
    for (int i = 0; i < laneCount(); ++i) lane_of_pid_.emplace(lanes[i].process.pid, i);
    longest_wait_reach_us.assign(lanes.size(), 0);
    const auto trace_end = static_cast<int64_t>(range.end_us);
    for (int lane = 0; lane < laneCount(); ++lane) {
        for (uint32_t w = wait_offsets[lane]; w < wait_offsets[lane + 1]; ++w) {
            longest_wait_reach_us[lane] = std::max(longest_wait_reach_us[lane],
                                                   waits[w].reachUs(trace_end) - waits[w].begin_us);
        }
    }
    auto earlier = [](const FlowArrow& a, const FlowArrow& b) {
        return std::min(a.from_us, a.to_us) < std::min(b.from_us, b.to_us);
    };
    // A folded timeline copies its arrows in order: no second sort of half a million arrows.
    if (!std::is_sorted(arrows.begin(), arrows.end(), earlier))
        std::stable_sort(arrows.begin(), arrows.end(), earlier);
    longest_arrow_us = 0;
    for (const auto& arrow : arrows)
        longest_arrow_us = std::max(longest_arrow_us, std::abs(arrow.to_us - arrow.from_us));
}

int TimelineDataBuilder::addLane(Lane lane) {
    closeLane();
    data_.lanes.push_back(std::move(lane));
    lane_open_ = true;
    return data_.laneCount() - 1;
}

void TimelineDataBuilder::closeLane() {
    if (!lane_open_) return;
    const uint32_t span_begin = data_.span_offsets.back();
    const uint32_t wait_begin = data_.wait_offsets.back();
    // Callers may add a lane's spans out of order; the painter's binary search needs them sorted.
    std::sort(data_.spans.begin() + span_begin, data_.spans.end(),
              [](const StateSpan& a, const StateSpan& b) { return a.begin_us < b.begin_us; });
    std::sort(data_.waits.begin() + wait_begin, data_.waits.end(),
              [](const WaitWindow& a, const WaitWindow& b) { return a.begin_us < b.begin_us; });
    data_.span_offsets.push_back(static_cast<uint32_t>(data_.spans.size()));
    data_.wait_offsets.push_back(static_cast<uint32_t>(data_.waits.size()));
    lane_open_ = false;
}

TimelineData TimelineDataBuilder::finish() {
    closeLane();
    data_.finish();
    return std::move(data_);
}

}  // namespace tasklens::ui
