#include "ui/view_data_live.h"

#include <algorithm>

#include "ui/trace_adapter.h"

namespace tasklens::ui {

using trace::kNone;
using trace::kOpenEnd;
using trace::ProcessIndex;
using trace::TraceModel;

namespace {}  // namespace

LiveTimeline::InfoKey LiveTimeline::infoKeyOf(const TraceModel& model, ProcessIndex p) const {
    const auto& info = model.process(p);
    const auto names = model.names(p);
    return InfoKey{info.exit_us,
                   info.exit_reason,
                   info.initial_call,
                   uint32_t(names.size()),
                   names.empty() ? 0 : names.back().name,
                   uint8_t(info.reason_class),
                   uint8_t((info.is_task ? 1 : 0) | (info.is_supervisor ? 2 : 0)),
                   incarnation_[p]};
}

namespace {

bool sameInfo(const Lane& a, const Lane& b) {
    return a.process.pid == b.process.pid &&
           a.process.registered_name == b.process.registered_name &&
           a.process.initial_call == b.process.initial_call && a.process.role == b.process.role &&
           a.spawn_us == b.spawn_us && a.exit_us == b.exit_us && a.exit_class == b.exit_class &&
           a.exit_reason == b.exit_reason && a.restarts == b.restarts;
}

}  // namespace

LiveTimeline::LiveTimeline() : data_(std::make_shared<TimelineData>()) {}

Lane LiveTimeline::laneInfo(const TraceModel& model, ProcessIndex p) const {
    const auto& info = model.process(p);
    Lane lane;
    lane.process = labelOf(model, p);
    lane.spawn_us = info.spawn_us;
    lane.exit_us = info.exited() ? info.exit_us : -1;
    lane.exit_class = info.reason_class;
    lane.exit_reason = std::string(model.string(info.exit_reason));
    lane.restarts = incarnation_[p];
    return lane;
}

void LiveTimeline::setRange(const TraceModel& model) {
    // As buildTimelineData: a little room after the last event for exit marks and reasons.
    const int64_t t_end = model.end_time();
    const double duration = double(std::max<int64_t>(t_end - model.start_time(), 1));
    data_->range = TimeWindow{double(model.start_time()), double(t_end) + duration * 0.06};
    data_->run_end_us = t_end;
    data_->schedulers = model.run_info().schedulers;
    data_->scenario = model.run_info().scenario;
}

void LiveTimeline::copySeries(const TraceModel& model) {
    const trace::Series which[3] = {trace::Series::ProcessesAlive, trace::Series::TasksInFlight,
                                    trace::Series::BusySchedulers};
    std::vector<SeriesPoint>* out[3] = {&data_->processes_alive, &data_->tasks_in_flight,
                                        &data_->busy_schedulers};
    const int64_t t_end = model.end_time();
    for (int s = 0; s < 3; ++s) {
        std::vector<SeriesPoint>& points = *out[s];
        const auto source = model.series(which[s]);
        // The model changes only its last point in place (a step at the same moment); the
        // others are final.
        const size_t from = series_copied_[s] > 0 ? series_copied_[s] - 1 : 0;
        points.resize(from);
        for (size_t i = from; i < source.size(); ++i)
            points.push_back({source[i].time_us, double(source[i].value)});
        series_copied_[s] = source.size();
        // Extend the last step to the end of the run so the chart does not stop short.
        series_extended_[s] = !points.empty() && points.back().t_us < t_end;
        if (series_extended_[s]) points.push_back({t_end, points.back().value});
        delta_.first_series_point[s] = from;
    }
}

void LiveTimeline::scanSlots(const TraceModel& model, bool* moved, uint32_t first_event) {
    const auto slots = model.child_slots();
    const size_t old_slots = seen_incarnations_.size();
    seen_incarnations_.resize(slots.size(), 0);
    auto scan = [&](size_t s) {
        const auto& incarnations = slots[s].incarnations;
        for (size_t k = seen_incarnations_[s]; k < incarnations.size(); ++k) {
            const ProcessIndex p = incarnations[k];
            if (p >= incarnation_.size()) continue;
            incarnation_[p] = int(k);
            slot_anchor_[p] = incarnations.front();
            // A restarted child goes next to its earlier incarnations, not where it was put.
            if (k > 0 && p < seen_processes_) *moved = true;
        }
        seen_incarnations_[s] = uint32_t(incarnations.size());
    };
    // A slot gets an incarnation when it is made (ChildStart) or refilled (ChildRestart): the
    // slots made since the last scan, and the slots of the supervisors that restarted a child in
    // the new events, not every slot of the run (100,000 under one Task.Supervisor) per frame.
    for (size_t s = old_slots; s < slots.size(); ++s) scan(s);
    restarted_.clear();
    const uint32_t events = model.event_count();
    for (uint32_t e = first_event; e < events; ++e) {
        const trace::EventRecord& record = model.record(e);
        if (record.kind == trace::EventKind::ChildRestart && record.process != kNone)
            restarted_.push_back(record.process);
    }
    std::sort(restarted_.begin(), restarted_.end());
    restarted_.erase(std::unique(restarted_.begin(), restarted_.end()), restarted_.end());
    for (const ProcessIndex supervisor : restarted_)
        for (const uint32_t s : model.child_slots_of(supervisor))
            if (s < old_slots) scan(s);
}

bool LiveTimeline::placeNewProcesses(const TraceModel& model, uint32_t first) {
    const uint32_t count = model.process_count();
    for (ProcessIndex p = first; p < count; ++p) {
        const ProcessIndex parent = treeParent(model, p);
        progress_[p].tree_parent = parent;
        int depth = 0;
        if (parent != kNone && parent < count) {
            // Depth-first order puts p after its parent's subtree, which is at the end only if
            // the parent is on the path to the last lane and p sorts after its last child.
            const auto on_path = std::find(last_path_.rbegin(), last_path_.rend(), parent);
            if (on_path == last_path_.rend()) return false;
            const size_t k = size_t(last_path_.rend() - on_path) - 1;
            if (k + 1 < last_path_.size()) {
                const ProcessIndex sibling = last_path_[k + 1];
                if (std::pair(slot_anchor_[p], incarnation_[p]) <
                    std::pair(slot_anchor_[sibling], incarnation_[sibling]))
                    return false;
            }
            last_path_.resize(k + 1);
            depth = data_->lanes[size_t(lane_of_[parent])].depth + 1;
        } else {
            last_path_.clear();
        }
        last_path_.push_back(p);
        Lane lane = laneInfo(model, p);
        lane.depth = depth;
        lane_of_[p] = data_->laneCount();
        data_->mapPidToLane(lane.process.pid, lane_of_[p]);
        data_->lanes.push_back(std::move(lane));
        process_of_lane_.push_back(p);
    }
    return true;
}

LaneChange LiveTimeline::convert(const TraceModel& model, ProcessIndex p) {
    Progress& progress = progress_[p];
    const int lane_index = lane_of_[p];
    Lane& lane = data_->lanes[size_t(lane_index)];
    LaneChange change;
    change.lane = lane_index;
    // States: only the last one can still change (it is open while the process lives).
    lane.spans.resize(progress.final_spans);
    change.first_span = progress.final_spans;
    const uint32_t states = model.state_count(p);
    const bool exited = model.process(p).exited();
    progress.open_emitted = false;
    progress.unsettled = false;
    for (uint32_t i = progress.final_states; i < states; ++i) {
        const trace::StateInterval interval = model.state(p, i);
        const bool drawn = interval.end_us > interval.start_us;
        if (drawn)
            lane.spans.push_back({interval.start_us, interval.end_us, spanStateOf(interval)});
        if (interval.open) {
            progress.open_emitted = drawn;
            // Begun at the last event's time, it may still be replaced: look again next time.
            if (interval.start_us >= settled_us_) progress.unsettled = true;
            continue;
        }
        // A state that began at the last event's time may still be replaced by another at that
        // time, which reopens the state before it (TraceModel::set_state): a closed state is
        // final once the next one began earlier than that, or once the process is gone.
        const bool final = exited || interval.end_us < settled_us_;
        if (final && i == progress.final_states) {
            progress.final_states = i + 1;
            progress.final_spans = uint32_t(lane.spans.size());
        } else if (!final) {
            progress.unsettled = true;
        }
    }
    change.stable_spans = progress.final_spans;
    // Waits: a window is final once it ended, or once its process is gone.
    const auto windows = model.wait_windows_of(p);
    lane.waits.resize(progress.final_waits);
    change.first_wait = progress.final_waits;
    progress.open_deadline_us = kOpenEnd;
    for (uint32_t j = progress.final_windows; j < windows.size(); ++j) {
        const trace::WaitWindow& window = model.wait_windows()[windows[j]];
        if (drawnAsWait(window)) {
            const WaitWindow wait = waitWindowOf(model, window);
            // Kept sorted by begin, as TimelineDataBuilder does.
            auto at = std::upper_bound(
                lane.waits.begin() + change.first_wait, lane.waits.end(), wait.begin_us,
                [](int64_t t, const WaitWindow& w) { return t < w.begin_us; });
            lane.waits.insert(at, wait);
            if (wait.deadline_us < 0 && !unbounded_wait_lane_[size_t(lane_index)]) {
                unbounded_wait_lane_[size_t(lane_index)] = true;
                unbounded_wait_lanes_.push_back(lane_index);
            }
        }
        const bool final = window.end_us != kOpenEnd || exited;
        if (final && j == progress.final_windows) {
            progress.final_windows = j + 1;
            progress.final_waits = uint32_t(lane.waits.size());
        }
        // An open window with a deadline turns into an inferred timeout once the trace's end
        // passes it: look again then.
        if (!final && window.deadline_us >= 0)
            progress.open_deadline_us = std::min(progress.open_deadline_us, window.deadline_us);
    }
    change.stable_waits = progress.final_waits;
    if (change.first_wait < lane.waits.size() || change.first_wait < change.stable_waits)
        data_->updateReach(lane_index);
    return change;
}

void LiveTimeline::addArrows(const TraceModel& model, uint32_t first_process) {
    const size_t first = data_->arrows.size();
    const uint32_t count = model.process_count();
    // Spawns are not model arrows: drawn from each new process's parent and spawn time.
    for (ProcessIndex p = first_process; p < count; ++p) {
        const auto& info = model.process(p);
        if (!info.seen_spawn || info.parent == kNone || info.parent >= count) continue;
        FlowArrow flow;
        flow.from_us = info.spawn_us;
        flow.to_us = info.spawn_us;
        flow.from_lane = lane_of_[info.parent];
        flow.to_lane = lane_of_[p];
        flow.kind = ArrowKind::Spawn;
        data_->arrows.push_back(std::move(flow));
    }
    for (uint32_t a = seen_arrows_, arrows = model.arrow_count(); a < arrows; ++a)
        if (auto flow = flowArrowOf(model, model.arrow(a), lane_of_))
            data_->arrows.push_back(std::move(*flow));
    seen_arrows_ = model.arrow_count();
    delta_.first_new_arrow = first;
}

void LiveTimeline::relayout(const TraceModel& model) {
    model_ = &model;
    const uint32_t count = model.process_count();
    *data_ = TimelineData{};
    delta_ = TimelineDelta{};
    delta_.relaid = true;
    seen_processes_ = 0;
    seen_arrows_ = 0;
    seen_incarnations_.clear();
    series_copied_ = {};
    series_extended_ = {};
    lane_of_.assign(count, -1);
    progress_.assign(count, Progress{});
    incarnation_.assign(count, 0);
    slot_anchor_.resize(count);
    for (ProcessIndex p = 0; p < count; ++p) slot_anchor_[p] = p;
    bool moved = false;
    scanSlots(model, &moved, model.event_count());  // every slot is new here
    unbounded_wait_lanes_.clear();
    unbounded_wait_lane_.assign(count, false);
    open_spans_.clear();
    open_waits_.clear();
    unsettled_.clear();
    settled_us_ = model.event_count() > 0 ? model.record(model.event_count() - 1).time_us
                                          : model.start_time();

    // Depth-first in supervision-tree order, as buildTimelineData lays it out.
    std::vector<std::vector<ProcessIndex>> children(count);
    std::vector<ProcessIndex> roots;
    for (ProcessIndex p = 0; p < count; ++p) {
        const ProcessIndex parent = treeParent(model, p);
        progress_[p].tree_parent = parent;
        (parent != kNone && parent < count ? children[parent] : roots).push_back(p);
    }
    for (auto& kids : children)
        std::stable_sort(kids.begin(), kids.end(), [&](ProcessIndex a, ProcessIndex b) {
            return std::pair(slot_anchor_[a], incarnation_[a]) <
                   std::pair(slot_anchor_[b], incarnation_[b]);
        });
    std::vector<std::pair<ProcessIndex, int>> stack;
    for (auto it = roots.rbegin(); it != roots.rend(); ++it) stack.push_back({*it, 0});
    data_->lanes.reserve(count);
    while (!stack.empty()) {
        const auto [p, depth] = stack.back();
        stack.pop_back();
        if (lane_of_[p] >= 0) continue;
        Lane lane = laneInfo(model, p);
        lane.depth = depth;
        lane_of_[p] = data_->laneCount();
        data_->lanes.push_back(std::move(lane));
        const auto& kids = children[p];
        for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.push_back({*it, depth + 1});
    }
    // The path from a root to the last lane: where the next process can be appended.
    last_path_.clear();
    if (!data_->lanes.empty()) {
        ProcessIndex p = model.find(data_->lanes.back().process.pid);
        for (; p != kNone && p < count; p = progress_[p].tree_parent) last_path_.push_back(p);
        std::reverse(last_path_.begin(), last_path_.end());
    }
    setRange(model);
    process_of_lane_.assign(data_->lanes.size(), kNone);
    for (ProcessIndex p = 0; p < count; ++p) {
        if (lane_of_[p] < 0) continue;
        process_of_lane_[size_t(lane_of_[p])] = p;
        convert(model, p);
        Progress& progress = progress_[p];
        progress.info = infoKeyOf(model, p);
        if (progress.final_states < model.state_count(p)) open_spans_.push_back(p);
        if (progress.open_deadline_us != kOpenEnd) open_waits_.push_back(p);
        if (progress.unsettled) unsettled_.push_back(p);
    }
    addArrows(model, 0);
    copySeries(model);
    data_->finish();
    seen_processes_ = count;
    seen_events_ = model.event_count();
    delta_.relaid = true;
    delta_.settled_before_us =
        seen_events_ > 0 ? model.record(seen_events_ - 1).time_us : model.start_time();
}

const TimelineDelta& LiveTimeline::update(const TraceModel& model) {
    const uint32_t count = model.process_count();
    if (&model != model_ || model.event_count() < seen_events_ || count < seen_processes_) {
        relayout(model);
        return delta_;
    }
    delta_ = TimelineDelta{};
    delta_.old_lane_count = data_->laneCount();
    const uint32_t old_count = seen_processes_;
    lane_of_.resize(count, -1);
    progress_.resize(count);
    incarnation_.resize(count, 0);
    slot_anchor_.resize(count);
    for (ProcessIndex p = old_count; p < count; ++p) slot_anchor_[p] = p;
    unbounded_wait_lane_.resize(count, false);
    bool moved = false;
    scanSlots(model, &moved, seen_events_);
    if (moved || !placeNewProcesses(model, old_count)) {
        relayout(model);
        return delta_;
    }
    seen_processes_ = count;

    // The processes to look at: those with new events, and those whose open wait may have
    // passed its deadline. A living process's open span only grows to the new end: extended in
    // place below, without a change to report.
    const int64_t end = model.end_time();
    std::vector<uint8_t> touched(count, 0);  // 1: has new events, 2: an open wait's deadline
    std::vector<ProcessIndex> order;
    const uint32_t events = model.event_count();
    for (uint32_t e = seen_events_; e < events; ++e) {
        const trace::EventRecord& record = model.record(e);
        for (const ProcessIndex p : {record.process, record.peer}) {
            if (p >= count || touched[p] == 1) continue;
            order.push_back(p);
            touched[p] = 1;
        }
    }
    for (ProcessIndex p = old_count; p < count; ++p)
        if (touched[p] == 0) touched[p] = 1, order.push_back(p);
    for (const ProcessIndex p : open_waits_)
        if (touched[p] == 0 && progress_[p].open_deadline_us <= end)
            touched[p] = 2, order.push_back(p);
    for (const ProcessIndex p : unsettled_)
        if (touched[p] == 0) touched[p] = 2, order.push_back(p);
    unsettled_.clear();
    settled_us_ = events > 0 ? model.record(events - 1).time_us : model.start_time();
    // A process that moved to another parent (its supervisor became known late) moves lanes.
    for (const ProcessIndex p : order) {
        if (p < old_count && touched[p] == 1 && treeParent(model, p) != progress_[p].tree_parent) {
            relayout(model);
            return delta_;
        }
    }
    setRange(model);
    delta_.lanes.reserve(order.size());
    std::vector<ProcessIndex> open_spans, open_waits;
    for (const ProcessIndex p : open_spans_) {
        if (touched[p] != 0) continue;  // converted below
        Progress& progress = progress_[p];
        Lane& lane = data_->lanes[size_t(lane_of_[p])];
        open_spans.push_back(p);
        if (progress.open_emitted) {
            lane.spans.back().end_us = end;
            continue;
        }
        // The open state had no length yet: now it has, a new span to report.
        const trace::StateInterval interval = model.state(p, model.state_count(p) - 1);
        if (interval.end_us <= interval.start_us) continue;
        lane.spans.push_back({interval.start_us, interval.end_us, spanStateOf(interval)});
        progress.open_emitted = true;
        delta_.lanes.push_back({lane_of_[p], false, false, uint32_t(lane.spans.size() - 1),
                                progress.final_spans, uint32_t(lane.waits.size()),
                                progress.final_waits});
    }
    for (const ProcessIndex p : open_waits_)
        if (touched[p] == 0) open_waits.push_back(p);
    for (const ProcessIndex p : order) {
        if (lane_of_[p] < 0) continue;
        LaneChange change = convert(model, p);
        change.added = p >= old_count;
        Progress& progress = progress_[p];
        const InfoKey key = infoKeyOf(model, p);
        if (touched[p] == 1 && !change.added && !(key == progress.info)) {
            Lane info = laneInfo(model, p);
            Lane& lane = data_->lanes[size_t(lane_of_[p])];
            if (!sameInfo(info, lane)) {
                info.depth = lane.depth;
                info.spans = std::move(lane.spans);
                info.waits = std::move(lane.waits);
                info.longest_wait_reach_us = lane.longest_wait_reach_us;
                lane = std::move(info);
                change.info_changed = true;
            }
        }
        progress.info = key;
        delta_.lanes.push_back(change);
        if (progress.final_states < model.state_count(p)) open_spans.push_back(p);
        if (progress.open_deadline_us != kOpenEnd) open_waits.push_back(p);
        if (progress.unsettled) unsettled_.push_back(p);
    }
    open_spans_ = std::move(open_spans);
    open_waits_ = std::move(open_waits);
    // A window without deadline reaches the trace's end, which moved.
    if (!unbounded_wait_lanes_.empty()) {
        std::vector<uint8_t> listed(size_t(data_->laneCount()), 0);
        for (const LaneChange& change : delta_.lanes) listed[size_t(change.lane)] = 1;
        for (const int lane : unbounded_wait_lanes_) {
            const int64_t before = data_->lanes[size_t(lane)].longest_wait_reach_us;
            data_->updateReach(lane);
            if (listed[size_t(lane)] || data_->lanes[size_t(lane)].longest_wait_reach_us == before)
                continue;
            const Lane& l = data_->lanes[size_t(lane)];
            const Progress& progress = progress_[process_of_lane_[size_t(lane)]];
            delta_.lanes.push_back({lane, false, true, uint32_t(l.spans.size()),
                                    progress.final_spans, uint32_t(l.waits.size()),
                                    progress.final_waits});
        }
    }
    std::sort(delta_.lanes.begin(), delta_.lanes.end(),
              [](const LaneChange& a, const LaneChange& b) { return a.lane < b.lane; });
    addArrows(model, old_count);
    data_->indexArrowsFrom(delta_.first_new_arrow);
    copySeries(model);
    seen_events_ = events;
    delta_.settled_before_us = events > 0 ? model.record(events - 1).time_us : model.start_time();
    return delta_;
}

}  // namespace tasklens::ui
