#include "ui/view_data.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <limits>

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
    arrows_indexed_ = false;
    arrows_by_start_.clear();
    arrow_runs_.clear();
    run_of_key_.clear();
    longest_arrow_us_ = 0;
}

namespace {

/// Exact for lanes below 2^29 (a trace of half a billion processes is far beyond the model).
uint64_t runKey(int32_t from_lane, int32_t to_lane, ArrowKind kind) {
    return (uint64_t(uint32_t(from_lane)) << 35) | (uint64_t(uint32_t(to_lane)) << 3) |
           uint64_t(kind);
}

uint64_t runKey(const FlowArrow& arrow) {
    return runKey(arrow.from_lane, arrow.to_lane, arrow.kind);
}

/// Sorts `fresh` (indexes of new arrows, greater than every index in `sorted`) by (start,
/// index) and merges it into `sorted`, which is in that order already. New arrows mostly start
/// near the end of a live run, so the merge touches a short suffix.
/// Recomputes run.reach_us from position `from` on (the positions before it did not change).
void updateRunReach(ArrowRun& run, size_t from, const std::vector<FlowArrow>& arrows) {
    run.reach_us.resize(run.arrows.size());
    int64_t reach = from > 0 ? run.reach_us[from - 1] : std::numeric_limits<int64_t>::min();
    for (size_t k = from; k < run.arrows.size(); ++k) {
        reach = std::max(reach, arrows[run.arrows[k]].endUs());
        run.reach_us[k] = reach;
    }
}

/// Merges `fresh` (indexes into `arrows`) into `sorted`, by (start, index); returns the first
/// position of `sorted` that changed.
size_t mergeByStart(std::vector<uint32_t>& sorted, std::vector<uint32_t>& fresh,
                    const std::vector<FlowArrow>& arrows) {
    auto earlier = [&](uint32_t a, uint32_t b) {
        const int64_t sa = arrows[a].startUs();
        const int64_t sb = arrows[b].startUs();
        return sa != sb ? sa < sb : a < b;
    };
    std::sort(fresh.begin(), fresh.end(), earlier);
    if (fresh.empty()) return sorted.size();
    const auto suffix = std::upper_bound(sorted.begin(), sorted.end(), fresh.front(), earlier);
    const auto middle = static_cast<std::ptrdiff_t>(sorted.size());
    const auto from = suffix - sorted.begin();
    sorted.insert(sorted.end(), fresh.begin(), fresh.end());
    std::inplace_merge(sorted.begin() + from, sorted.begin() + middle, sorted.end(), earlier);
    return size_t(from);
}

}  // namespace

const std::vector<uint32_t>& TimelineData::arrowsByStart() const {
    if (!arrows_indexed_) indexAllArrows();
    return arrows_by_start_;
}

const std::vector<ArrowRun>& TimelineData::arrowRuns() const {
    if (!arrows_indexed_) indexAllArrows();
    return arrow_runs_;
}

int64_t TimelineData::longestArrowUs() const {
    if (!arrows_indexed_) indexAllArrows();
    return longest_arrow_us_;
}

void TimelineData::indexAllArrows() const {
    // Sorts of plain records, not of indexes compared through the arrows (a cache miss per
    // comparison) or a hash map and a vector per run: half a million arrows in one sort each.
    const size_t count = arrows.size();
    std::vector<std::pair<int64_t, uint32_t>> starts(count);
    longest_arrow_us_ = 0;
    for (size_t i = 0; i < count; ++i) {
        starts[i] = {arrows[i].startUs(), uint32_t(i)};
        longest_arrow_us_ =
            std::max(longest_arrow_us_, std::abs(arrows[i].to_us - arrows[i].from_us));
    }
    std::sort(starts.begin(), starts.end());
    arrows_by_start_.resize(count);
    for (size_t k = 0; k < count; ++k) arrows_by_start_[k] = starts[k].second;
    starts = {};
    // Runs: by key, and inside a key by rank in arrows_by_start_, i.e. by (start, index).
    std::vector<std::pair<uint64_t, uint32_t>> keyed(count);
    for (size_t k = 0; k < count; ++k)
        keyed[k] = {runKey(arrows[arrows_by_start_[k]]), uint32_t(k)};
    std::sort(keyed.begin(), keyed.end());
    arrow_runs_.clear();
    for (size_t k = 0; k < count;) {
        const FlowArrow& head = arrows[arrows_by_start_[keyed[k].second]];
        ArrowRun run{head.from_lane, head.to_lane, head.kind, 0, {}, {}};
        size_t end = k;
        while (end < count && keyed[end].first == keyed[k].first) ++end;
        run.arrows.reserve(end - k);
        for (; k < end; ++k) {
            const uint32_t index = arrows_by_start_[keyed[k].second];
            const FlowArrow& arrow = arrows[index];
            run.arrows.push_back(index);
            run.longest_us = std::max(run.longest_us, std::abs(arrow.to_us - arrow.from_us));
        }
        updateRunReach(run, 0, arrows);
        arrow_runs_.push_back(std::move(run));
    }
    run_of_key_.clear();
    arrows_indexed_ = true;
}

void TimelineData::mergeLaneInto(int lane, int into) {
    auto moved = [&](int32_t l) { return l == lane ? into : l > lane ? l - 1 : l; };
    lanes.erase(lanes.begin() + lane);
    for (auto& [pid, mapped] : lane_of_pid_) mapped = moved(mapped);
    constexpr uint32_t kDropped = std::numeric_limits<uint32_t>::max();
    // Arrows keep their order: the (start, index) order of the index survives the renumbering.
    std::vector<uint32_t> new_index(arrows.size(), kDropped);
    size_t kept = 0;
    int64_t longest = 0;
    for (size_t a = 0; a < arrows.size(); ++a) {
        FlowArrow& arrow = arrows[a];
        arrow.from_lane = moved(arrow.from_lane);
        arrow.to_lane = moved(arrow.to_lane);
        if (arrow.from_lane == arrow.to_lane && arrow.from_lane >= 0 &&
            lanes[size_t(arrow.from_lane)].group >= 0)
            continue;
        new_index[a] = uint32_t(kept);
        longest = std::max(longest, std::abs(arrow.to_us - arrow.from_us));
        if (kept != a) arrows[kept] = std::move(arrow);
        ++kept;
    }
    arrows.resize(kept);
    if (!arrows_indexed_) return;
    longest_arrow_us_ = longest;
    auto renumber = [&](std::vector<uint32_t>& indexes) {
        size_t out = 0;
        for (const uint32_t a : indexes)
            if (new_index[a] != kDropped) indexes[out++] = new_index[a];
        indexes.resize(out);
    };
    renumber(arrows_by_start_);
    auto earlier = [&](uint32_t a, uint32_t b) {
        const int64_t sa = arrows[a].startUs(), sb = arrows[b].startUs();
        return sa != sb ? sa < sb : a < b;
    };
    // Runs of other lanes keep their key (lanes after `lane` shift as one); runs of `lane` join
    // the run of their new key, if there is one.
    std::unordered_map<uint64_t, size_t> run_at;
    std::vector<ArrowRun> runs;
    std::vector<ArrowRun> moved_runs;
    for (ArrowRun& run : arrow_runs_) {
        const bool touched = run.from_lane == lane || run.to_lane == lane;
        run.from_lane = moved(run.from_lane);
        run.to_lane = moved(run.to_lane);
        renumber(run.arrows);
        if (run.arrows.empty()) continue;
        updateRunReach(run, 0, arrows);  // renumbered, some arrows may be gone
        if (touched) {
            run.longest_us = 0;  // some of its arrows may be gone
            for (const uint32_t a : run.arrows)
                run.longest_us =
                    std::max(run.longest_us, std::abs(arrows[a].to_us - arrows[a].from_us));
            moved_runs.push_back(std::move(run));
        } else {
            run_at.emplace(runKey(run.from_lane, run.to_lane, run.kind), runs.size());
            runs.push_back(std::move(run));
        }
    }
    for (ArrowRun& run : moved_runs) {
        auto [it, fresh] =
            run_at.try_emplace(runKey(run.from_lane, run.to_lane, run.kind), runs.size());
        if (fresh) {
            runs.push_back(std::move(run));
            continue;
        }
        ArrowRun& target = runs[it->second];
        std::vector<uint32_t> merged;
        merged.reserve(target.arrows.size() + run.arrows.size());
        std::merge(target.arrows.begin(), target.arrows.end(), run.arrows.begin(), run.arrows.end(),
                   std::back_inserter(merged), earlier);
        target.arrows = std::move(merged);
        target.longest_us = std::max(target.longest_us, run.longest_us);
        updateRunReach(target, 0, arrows);
    }
    arrow_runs_ = std::move(runs);
    run_of_key_.clear();
}

void TimelineData::indexArrowsFrom(size_t first_new) {
    if (!arrows_indexed_) return;  // indexed in bulk when first asked for
    if (run_of_key_.size() != arrow_runs_.size()) {
        run_of_key_.clear();
        run_of_key_.reserve(arrow_runs_.size());
        for (uint32_t r = 0; r < arrow_runs_.size(); ++r) {
            const ArrowRun& run = arrow_runs_[r];
            run_of_key_.emplace(runKey(run.from_lane, run.to_lane, run.kind), r);
        }
    }
    std::vector<uint32_t> fresh;
    fresh.reserve(arrows.size() - first_new);
    std::unordered_map<uint32_t, std::vector<uint32_t>> fresh_by_run;
    for (size_t i = first_new; i < arrows.size(); ++i) {
        const FlowArrow& arrow = arrows[i];
        fresh.push_back(uint32_t(i));
        longest_arrow_us_ = std::max(longest_arrow_us_, std::abs(arrow.to_us - arrow.from_us));
        auto [it, added] = run_of_key_.try_emplace(runKey(arrow), uint32_t(arrow_runs_.size()));
        if (added) arrow_runs_.push_back({arrow.from_lane, arrow.to_lane, arrow.kind, 0, {}, {}});
        ArrowRun& run = arrow_runs_[it->second];
        run.longest_us = std::max(run.longest_us, std::abs(arrow.to_us - arrow.from_us));
        fresh_by_run[it->second].push_back(uint32_t(i));
    }
    mergeByStart(arrows_by_start_, fresh, arrows);
    for (auto& [run, indexes] : fresh_by_run) {
        ArrowRun& target = arrow_runs_[run];
        updateRunReach(target, mergeByStart(target.arrows, indexes, arrows), arrows);
    }
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
