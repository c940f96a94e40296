#include "ui/lane_folding_live.h"

#include <algorithm>
#include <iterator>
#include <limits>

namespace tasklens::ui {

namespace {

/// 1: running, 2: waiting (receive, await, call, sleep), 0: neither.
uint8_t countClass(SpanState state) {
    if (state == SpanState::Running) return 1;
    if (state == SpanState::Waiting || state == SpanState::Awaiting || state == SpanState::Sleeping)
        return 2;
    return 0;
}

bool sameCounts(const GroupCountPoint& a, const GroupCountPoint& b) {
    return a.alive == b.alive && a.running == b.running && a.waiting == b.waiting;
}

void insertSorted(std::vector<int64_t>& sorted, int64_t t) {
    sorted.insert(std::upper_bound(sorted.begin(), sorted.end(), t), t);
}

/// A finished trace's lane: what can still change is a living process's last span (it ends at
/// the run's end) and its waits not ended yet.
uint32_t settledSpans(const Lane& lane, int64_t run_end_us) {
    const auto count = uint32_t(lane.spans.size());
    if (lane.exit_us < 0 && count > 0 && lane.spans.back().end_us >= run_end_us) return count - 1;
    return count;
}

uint32_t settledWaits(const Lane& lane) {
    if (lane.exit_us >= 0) return uint32_t(lane.waits.size());
    uint32_t count = 0;
    while (count < lane.waits.size() && lane.waits[count].ended()) ++count;
    return count;
}

}  // namespace

// --- GroupTally -------------------------------------------------------------------------------

void GroupTally::add(int64_t t_us, int32_t alive, int32_t running, int32_t waiting) {
    if (alive != 0 || running != 0 || waiting != 0)
        pending_.push_back({t_us, alive, running, waiting});
}

void GroupTally::addMember(LaneGroup& group, const Lane& lane, uint32_t stable_spans,
                           uint32_t stable_waits, int64_t settled_before_us) {
    insertMember(group, int(members_.size()), lane, stable_spans, stable_waits, settled_before_us);
}

void GroupTally::insertMember(LaneGroup& group, int position, const Lane& lane,
                              uint32_t stable_spans, uint32_t stable_waits,
                              int64_t settled_before_us) {
    ++group.members;
    group.member_pids.insert(group.member_pids.begin() + position, lane.process.pid);
    members_.insert(members_.begin() + position, Member{});
    for (int& member : provisional_members_)
        if (member >= position) ++member;
    add(lane.spawn_us, 1, 0, 0);
    ++alive_;
    updateMember(group, position, lane, stable_spans, stable_waits, settled_before_us);
}

void GroupTally::updateMember(LaneGroup& group, int member, const Lane& lane, uint32_t stable_spans,
                              uint32_t stable_waits, int64_t settled_before_us) {
    Member& m = members_[size_t(member)];
    // As foldTimeline: the group's role is its last member's.
    if (size_t(member) + 1 == members_.size()) group.role = lane.process.role;
    const auto& spans = lane.spans;
    const auto size = uint32_t(spans.size());
    const uint32_t stable = std::min(stable_spans, size);
    // A span's begin is final once it is before the settled time (a state that began at the
    // last event's time may still be replaced by another at that time): counted once. Its end
    // is final for the spans before `stable`; the rest is provisional, recomputed each time.
    for (;
         m.counted < size && (m.counted < stable || spans[m.counted].begin_us < settled_before_us);
         ++m.counted) {
        const uint8_t cls = countClass(spans[m.counted].state);
        add(spans[m.counted].begin_us, 0, cls == 1, cls == 2);
    }
    for (uint32_t i = m.closed; i < stable; ++i) {
        const uint8_t cls = countClass(spans[i].state);
        add(spans[i].end_us, 0, -(cls == 1), -(cls == 2));
    }
    m.closed = std::max(m.closed, stable);
    if (m.open_class == 1) --open_running_;
    if (m.open_class == 2) --open_waiting_;
    m.open_class = 0;
    m.provisional_ends.clear();
    for (uint32_t i = m.closed; i < size; ++i) {
        const uint8_t cls = countClass(spans[i].state);
        if (cls == 0) continue;
        // A living process's last span ends at the run's end (open, or closed by a state that
        // began there and has no length yet): counted in bulk, as the run's end moves.
        const bool to_run_end = i + 1 == size && lane.exit_us < 0;
        if (i >= m.counted) {
            m.provisional_ends.push_back({spans[i].begin_us, 0, cls == 1, cls == 2});
            m.provisional_ends.push_back(
                {to_run_end ? trace::kOpenEnd : spans[i].end_us, 0, -(cls == 1), -(cls == 2)});
            continue;
        }
        if (to_run_end) {
            m.open_class = cls;
            if (cls == 1) ++open_running_;
            if (cls == 2) ++open_waiting_;
        } else {
            m.provisional_ends.push_back({spans[i].end_us, 0, -(cls == 1), -(cls == 2)});
        }
    }
    if (!m.exited && lane.exit_us >= 0) {
        m.exited = true;
        --alive_;
        add(std::max(lane.exit_us, lane.spawn_us), -1, 0, 0);
        if (lane.exit_class == trace::ExitReasonClass::Normal ||
            lane.exit_class == trace::ExitReasonClass::Shutdown) {
            ++group.done;
        } else {
            ++group.crashed;
            insertSorted(group.crash_us, lane.exit_us);
        }
    }
    const auto& waits = lane.waits;
    const uint32_t stable_w = std::min<uint32_t>(stable_waits, uint32_t(waits.size()));
    for (uint32_t j = m.waits_counted; j < stable_w; ++j)
        if (waits[j].ended() && waits[j].outcome == trace::WaitOutcome::Timeout)
            insertSorted(final_timeouts_, waits[j].end_us);
    m.waits_counted = std::max(m.waits_counted, stable_w);
    m.provisional_timeouts.clear();
    for (uint32_t j = m.waits_counted; j < waits.size(); ++j)
        if (waits[j].ended() && waits[j].outcome == trace::WaitOutcome::Timeout)
            m.provisional_timeouts.push_back(waits[j].end_us);
    if (!m.listed && (!m.provisional_timeouts.empty() || !m.provisional_ends.empty())) {
        m.listed = true;
        provisional_members_.push_back(member);
    }
}

void GroupTally::publish(LaneGroup& group, int64_t settled_before_us, int64_t run_end_us) {
    std::sort(pending_.begin(), pending_.end(),
              [](const Change& a, const Change& b) { return a.t_us < b.t_us; });
    // One step per moment whose counts differ from the last step, as foldTimeline's sweep.
    auto sweep = [&group](const std::vector<Change>& changes, size_t& i, GroupCountPoint& now,
                          int32_t& peak, int64_t before_us) {
        while (i < changes.size() && changes[i].t_us < before_us) {
            const int64_t t = changes[i].t_us;
            for (; i < changes.size() && changes[i].t_us == t; ++i) {
                now.alive += changes[i].alive;
                now.running += changes[i].running;
                now.waiting += changes[i].waiting;
            }
            now.t_us = t;
            if (!group.counts.empty() && sameCounts(group.counts.back(), now)) continue;
            group.counts.push_back(now);
            peak = std::max(peak, now.alive);
        }
    };
    group.counts.resize(settled_steps_);
    // A bulk fold makes up to a step per change at once: grow once, geometrically.
    if (const size_t most = settled_steps_ + pending_.size() + 1; group.counts.capacity() < most)
        group.counts.reserve(std::max(most, 2 * group.counts.capacity()));
    size_t settled = 0;
    sweep(pending_, settled, settled_, settled_peak_, settled_before_us);
    pending_.erase(pending_.begin(), pending_.begin() + std::ptrdiff_t(settled));
    settled_steps_ = group.counts.size();
    // The tail: changes of the latest moments, and what is open ends at the run's end for now.
    std::vector<Change> tail = pending_;
    tail.push_back({run_end_us, -alive_, -open_running_, -open_waiting_});
    if (alive_ == 0 && open_running_ == 0 && open_waiting_ == 0) tail.pop_back();
    // Timeouts: the final ones and the inferred ones of open waits; and the ends of closed
    // spans that may still be reopened.
    std::vector<int64_t> provisional;
    std::erase_if(provisional_members_, [&](int member) {
        Member& m = members_[size_t(member)];
        provisional.insert(provisional.end(), m.provisional_timeouts.begin(),
                           m.provisional_timeouts.end());
        for (Change change : m.provisional_ends) {
            if (change.t_us == trace::kOpenEnd) change.t_us = run_end_us;
            tail.push_back(change);
        }
        m.listed = !m.provisional_timeouts.empty() || !m.provisional_ends.empty();
        return !m.listed;
    });
    std::stable_sort(tail.begin(), tail.end(),
                     [](const Change& a, const Change& b) { return a.t_us < b.t_us; });
    GroupCountPoint now = settled_;
    int32_t peak = settled_peak_;
    size_t i = 0;
    sweep(tail, i, now, peak, std::numeric_limits<int64_t>::max());
    group.peak_alive = peak;
    group.alive_at_end = group.members - group.done - group.crashed;
    if (provisional.empty()) {
        group.timeout_us = final_timeouts_;
    } else {
        std::sort(provisional.begin(), provisional.end());
        group.timeout_us.clear();
        std::merge(final_timeouts_.begin(), final_timeouts_.end(), provisional.begin(),
                   provisional.end(), std::back_inserter(group.timeout_us));
    }
    group.timeouts = int(group.timeout_us.size());
}

// --- LiveFold ---------------------------------------------------------------------------------

int64_t LiveFold::keyOf(int parent_lane, const Lane& lane, bool add) {
    const std::string& call = lane.process.initial_call;
    auto it = call_ids_.find(std::string_view(call));
    if (it == call_ids_.end()) {
        if (!add) return -1;
        it = call_ids_.emplace(call, int(call_ids_.size())).first;
    }
    return (int64_t(uint32_t(parent_lane + 1)) << 32) | int64_t(uint32_t(it->second));
}

bool LiveFold::eligible(int lane, const Lane& info) const {
    return leaf_[size_t(lane)] && info.process.registered_name.empty() &&
           !info.process.initial_call.empty();
}

bool LiveFold::track(const TimelineData& full, int lane) {
    const size_t i = size_t(lane);
    key_of_.resize(i + 1, -1);
    member_index_.resize(i + 1, -1);
    parent_.resize(i + 1, -1);
    leaf_.resize(i + 1, 1);
    new_lane_.resize(i + 1, -1);
    const Lane& info = full.lanes[i];
    // As findFoldCandidates: the parent is the nearest earlier lane one level up.
    const int depth = std::max(0, info.depth);
    if (int(open_.size()) <= depth) open_.resize(size_t(depth) + 1, -1);
    open_[size_t(depth)] = lane;
    open_.resize(size_t(depth) + 1);
    parent_[i] = depth > 0 ? open_[size_t(depth) - 1] : -1;
    const int parent = parent_[i];
    if (parent >= 0 && leaf_[size_t(parent)]) {
        leaf_[size_t(parent)] = 0;
        // A parent is no longer a leaf: it leaves its key group.
        if (const int k = key_of_[size_t(parent)]; k >= 0) {
            if (keys_[size_t(k)].group >= 0) return false;
            auto& members = keys_[size_t(k)].members;
            members.erase(members.begin() + member_index_[size_t(parent)]);
            for (size_t m = size_t(member_index_[size_t(parent)]); m < members.size(); ++m)
                member_index_[size_t(members[m])] = int(m);
            key_of_[size_t(parent)] = -1;
        }
    }
    if (!eligible(lane, info)) return true;
    auto [it, fresh] = key_index_.try_emplace(keyOf(parent, info, true), int(keys_.size()));
    if (fresh) keys_.push_back(KeyGroup{parent, info.process.initial_call, {}, -1, -1, {}});
    KeyGroup& group = keys_[size_t(it->second)];
    key_of_[i] = it->second;
    member_index_[i] = int(group.members.size());
    group.members.push_back(lane);
    return true;
}

int LiveFold::copyLane(const TimelineData& full, int lane, int depth_shift) {
    data_->lanes.push_back(full.lanes[size_t(lane)]);
    source_of_.push_back(lane);
    data_->lanes.back().depth += depth_shift;
    return data_->laneCount() - 1;
}

void LiveFold::updateCopy(const Lane& source, const LaneChange& change, Lane& copy) {
    copy.spans.resize(std::min<size_t>(change.first_span, copy.spans.size()));
    copy.spans.insert(copy.spans.end(), source.spans.begin() + change.first_span,
                      source.spans.end());
    copy.waits.resize(std::min<size_t>(change.first_wait, copy.waits.size()));
    copy.waits.insert(copy.waits.end(), source.waits.begin() + change.first_wait,
                      source.waits.end());
    copy.longest_wait_reach_us = source.longest_wait_reach_us;
    if (change.info_changed) {
        copy.process = source.process;
        copy.spawn_us = source.spawn_us;
        copy.exit_us = source.exit_us;
        copy.exit_class = source.exit_class;
        copy.exit_reason = source.exit_reason;
        copy.restarts = source.restarts;
    }
}

LiveFold::Moved LiveFold::moveKey(const TimelineData& full, int lane, const LaneChange& change) {
    const size_t i = size_t(lane);
    const int old_key = key_of_[i];
    if (old_key >= 0 && keys_[size_t(old_key)].group >= 0) return Moved::Refold;
    const Lane& info = full.lanes[i];
    int new_key = -1;
    if (eligible(lane, info)) {
        auto [it, fresh] = key_index_.try_emplace(keyOf(parent_[i], info, true), int(keys_.size()));
        if (fresh) keys_.push_back(KeyGroup{parent_[i], info.process.initial_call, {}, -1, -1, {}});
        new_key = it->second;
    }
    if (new_key >= 0) {
        const KeyGroup& target = keys_[size_t(new_key)];
        if (target.group >= 0) {
            // Joining in place keeps the group's number and lane only if it stays their first.
            const LaneGroup& group = data_->groups[size_t(target.group)];
            if (group.expanded || target.members.front() > lane || new_lane_[i] <= target.lane)
                return Moved::Refold;
        } else if (data_ && int(target.members.size()) + 1 >= options_.min_group) {
            return Moved::Refold;  // a new group forms (without data, apply's end sees it)
        }
    }
    if (old_key >= 0) {
        auto& members = keys_[size_t(old_key)].members;
        members.erase(members.begin() + member_index_[i]);
        for (size_t m = size_t(member_index_[i]); m < members.size(); ++m)
            member_index_[size_t(members[m])] = int(m);
    }
    key_of_[i] = new_key;
    member_index_[i] = -1;
    if (new_key < 0) return Moved::OwnLane;
    KeyGroup& target = keys_[size_t(new_key)];
    auto& members = target.members;
    const auto at = std::upper_bound(members.begin(), members.end(), lane);
    const auto position = size_t(at - members.begin());
    members.insert(at, lane);
    for (size_t m = position; m < members.size(); ++m) member_index_[size_t(members[m])] = int(m);
    if (target.group < 0) return Moved::OwnLane;

    TimelineData& out = *data_;
    target.tally.insertMember(out.groups[size_t(target.group)], int(position), info,
                              change.stable_spans, change.stable_waits, settled_before_us_);
    const int copy = new_lane_[i];
    out.mergeLaneInto(copy, target.lane);
    ++out.folded_lanes;
    new_lane_[i] = target.lane;
    source_of_.erase(source_of_.begin() + copy);
    for (size_t d = size_t(copy); d < source_of_.size(); ++d)
        if (source_of_[d] >= 0) new_lane_[size_t(source_of_[d])] = int(d);
    for (KeyGroup& key : keys_) {
        if (key.lane <= copy) continue;
        --key.lane;
        if (!out.groups[size_t(key.group)].expanded)
            for (const int member : key.members) new_lane_[size_t(member)] = key.lane;
    }
    return Moved::Joined;
}

void LiveFold::publishGroups(int64_t run_end_us) {
    for (KeyGroup& key : keys_) {
        if (key.group < 0) continue;
        LaneGroup& group = data_->groups[size_t(key.group)];
        key.tally.publish(group, settled_before_us_, run_end_us);
        if (key.lane >= 0) data_->lanes[size_t(key.lane)].process.role = group.role;
    }
}

void LiveFold::rebuild(const TimelineData& full, const std::set<Pid>& expanded,
                       int64_t settled_before_us) {
    expanded_ = expanded;
    settled_before_us_ = std::min(settled_before_us, full.run_end_us);
    data_.reset();
    keys_.clear();
    key_index_.clear();
    call_ids_.clear();
    key_of_.clear();
    member_index_.clear();
    parent_.clear();
    leaf_.clear();
    open_.clear();
    new_lane_.clear();
    source_of_.clear();
    const int count = full.laneCount();
    full_lanes_ = count;
    for (int i = 0; i < count; ++i) track(full, i);
    if (count <= options_.fold_above_lanes) return;
    // The groups that fold, in order of their first member (foldTimeline's fold ids).
    std::vector<int> folding;
    for (size_t k = 0; k < keys_.size(); ++k)
        if (int(keys_[k].members.size()) >= options_.min_group) folding.push_back(int(k));
    if (folding.empty()) return;
    std::sort(folding.begin(), folding.end(), [&](int a, int b) {
        return keys_[size_t(a)].members.front() < keys_[size_t(b)].members.front();
    });
    for (size_t g = 0; g < folding.size(); ++g) keys_[size_t(folding[g])].group = int(g);

    data_ = std::make_shared<TimelineData>();
    TimelineData& out = *data_;
    out.range = full.range;
    out.processes_alive = full.processes_alive;
    out.tasks_in_flight = full.tasks_in_flight;
    out.busy_schedulers = full.busy_schedulers;
    out.schedulers = full.schedulers;
    out.scenario = full.scenario;
    out.run_end_us = full.run_end_us;
    out.groups.resize(folding.size());
    for (int i = 0; i < count; ++i) {
        const int k = key_of_[size_t(i)];
        if (k < 0 || keys_[size_t(k)].group < 0) {
            new_lane_[size_t(i)] = copyLane(full, i, 0);
            continue;
        }
        KeyGroup& key = keys_[size_t(k)];
        LaneGroup& group = out.groups[size_t(key.group)];
        if (key.lane < 0) {
            group.title = key.title;
            group.fold_id = key.group;
            group.expanded = expanded_.count(full.lanes[size_t(key.members.front())].process.pid);
            size_t spans = 0;
            for (const int member : key.members) spans += full.lanes[size_t(member)].spans.size();
            key.tally.reserve(key.members.size(), spans);
            for (const int member : key.members) {
                const Lane& lane = full.lanes[size_t(member)];
                key.tally.addMember(group, lane, settledSpans(lane, full.run_end_us),
                                    settledWaits(lane), settled_before_us_);
            }
            Lane lane;
            lane.process.role = group.role;
            lane.process.initial_call = group.title;
            lane.depth = full.lanes[size_t(i)].depth;
            lane.spawn_us = full.lanes[size_t(i)].spawn_us;
            lane.group = key.group;
            out.lanes.push_back(std::move(lane));
            source_of_.push_back(-1);
            key.lane = out.laneCount() - 1;
            if (group.expanded)
                for (const int member : key.members)
                    new_lane_[size_t(member)] = copyLane(full, member, 1);
        }
        if (!group.expanded) {
            new_lane_[size_t(i)] = key.lane;
            ++out.folded_lanes;
        }
    }
    out.arrows.reserve(full.arrows.size());
    for (const FlowArrow& arrow : full.arrows) {
        const int from = new_lane_[size_t(arrow.from_lane)];
        const int to = new_lane_[size_t(arrow.to_lane)];
        // Arrows between folded members of one group say nothing at this level: dropped.
        if (from < 0 || to < 0 || (from == to && out.lanes[size_t(from)].group >= 0)) continue;
        FlowArrow copy = arrow;
        copy.from_lane = from;
        copy.to_lane = to;
        out.arrows.push_back(std::move(copy));
    }
    out.finish();
    for (int i = 0; i < count; ++i)
        if (new_lane_[size_t(i)] >= 0 && out.lanes[size_t(new_lane_[size_t(i)])].group >= 0)
            out.mapPidToLane(full.lanes[size_t(i)].process.pid, new_lane_[size_t(i)]);
    publishGroups(full.run_end_us);
}

bool LiveFold::apply(const TimelineData& full, const TimelineDelta& delta) {
    if (delta.relaid || delta.old_lane_count != full_lanes_) return false;
    settled_before_us_ = std::min(delta.settled_before_us, full.run_end_us);
    const int count = full.laneCount();
    // Whether a lane whose name, role or call changed now folds differently.
    auto keyChanged = [&](int lane) {
        const Lane& info = full.lanes[size_t(lane)];
        const bool can_fold = eligible(lane, info);
        const int64_t now = can_fold ? keyOf(parent_[size_t(lane)], info, false) : -1;
        const int k = key_of_[size_t(lane)];
        if (k < 0) return can_fold;
        const auto it = key_index_.find(now);
        return it == key_index_.end() || it->second != k;
    };
    if (!data_) {
        // Nothing folds yet: only watch for a group to form.
        for (const LaneChange& change : delta.lanes) {
            if (change.added)
                track(full, change.lane);
            else if (change.info_changed && keyChanged(change.lane) &&
                     moveKey(full, change.lane, change) == Moved::Refold)
                return false;
        }
        full_lanes_ = count;
        if (count <= options_.fold_above_lanes) return true;
        return std::none_of(keys_.begin(), keys_.end(), [&](const KeyGroup& key) {
            return int(key.members.size()) >= options_.min_group;
        });
    }
    TimelineData& out = *data_;
    for (const LaneChange& change : delta.lanes) {
        const int i = change.lane;
        const Lane& lane = full.lanes[size_t(i)];
        if (change.added) {
            if (!track(full, i)) return false;
            const int k = key_of_[size_t(i)];
            if (k >= 0 && keys_[size_t(k)].group >= 0) {
                KeyGroup& key = keys_[size_t(k)];
                LaneGroup& group = out.groups[size_t(key.group)];
                if (group.expanded) {
                    // Its copy goes after the group's other members: only if they are last.
                    const int previous =
                        key.members.size() > 1
                            ? new_lane_[size_t(key.members[key.members.size() - 2])]
                            : key.lane;
                    if (previous != out.laneCount() - 1) return false;
                    new_lane_[size_t(i)] = copyLane(full, i, 1);
                } else {
                    new_lane_[size_t(i)] = key.lane;
                    ++out.folded_lanes;
                }
                key.tally.addMember(group, lane, change.stable_spans, change.stable_waits,
                                    settled_before_us_);
            } else {
                if (k >= 0 && int(keys_[size_t(k)].members.size()) >= options_.min_group)
                    return false;  // a new group forms
                new_lane_[size_t(i)] = copyLane(full, i, 0);
            }
            out.mapPidToLane(lane.process.pid, new_lane_[size_t(i)]);
            continue;
        }
        if (change.info_changed && keyChanged(i)) {
            const Moved moved = moveKey(full, i, change);
            if (moved == Moved::Refold) return false;
            if (moved == Moved::Joined) continue;  // the tally took the lane as it is now
        }
        const int k = key_of_[size_t(i)];
        if (k >= 0 && keys_[size_t(k)].group >= 0) {
            KeyGroup& key = keys_[size_t(k)];
            LaneGroup& group = out.groups[size_t(key.group)];
            key.tally.updateMember(group, member_index_[size_t(i)], lane, change.stable_spans,
                                   change.stable_waits, settled_before_us_);
            if (!group.expanded) continue;
        }
        if (const int copy = new_lane_[size_t(i)]; copy >= 0)
            updateCopy(lane, change, out.lanes[size_t(copy)]);
    }
    full_lanes_ = count;
    // Open spans of living processes grew to the new end without a change to report.
    for (size_t copy = 0; copy < out.lanes.size(); ++copy) {
        if (source_of_[copy] < 0) continue;
        const auto& spans = full.lanes[size_t(source_of_[copy])].spans;
        auto& copied = out.lanes[copy].spans;
        if (!spans.empty() && copied.size() == spans.size())
            copied.back().end_us = spans.back().end_us;
    }
    const size_t first_arrow = out.arrows.size();
    for (size_t a = delta.first_new_arrow; a < full.arrows.size(); ++a) {
        const FlowArrow& arrow = full.arrows[a];
        const int from = new_lane_[size_t(arrow.from_lane)];
        const int to = new_lane_[size_t(arrow.to_lane)];
        if (from < 0 || to < 0 || (from == to && out.lanes[size_t(from)].group >= 0)) continue;
        FlowArrow copy = arrow;
        copy.from_lane = from;
        copy.to_lane = to;
        out.arrows.push_back(std::move(copy));
    }
    out.indexArrowsFrom(first_arrow);
    auto copyTail = [](const std::vector<SeriesPoint>& from, size_t first,
                       std::vector<SeriesPoint>& to) {
        to.resize(std::min(first, to.size()));
        to.insert(to.end(), from.begin() + std::ptrdiff_t(std::min(first, from.size())),
                  from.end());
    };
    copyTail(full.processes_alive, delta.first_series_point[0], out.processes_alive);
    copyTail(full.tasks_in_flight, delta.first_series_point[1], out.tasks_in_flight);
    copyTail(full.busy_schedulers, delta.first_series_point[2], out.busy_schedulers);
    out.range = full.range;
    out.run_end_us = full.run_end_us;
    out.schedulers = full.schedulers;
    out.scenario = full.scenario;
    publishGroups(full.run_end_us);
    return true;
}

}  // namespace tasklens::ui
