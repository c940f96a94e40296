#include "engine/trace/trace_model.h"

#include <algorithm>
#include <deque>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

namespace tasklens::trace {
namespace {

/// Interns strings: id 0 is "", ids are dense. Views into `storage_` stay valid because a deque
/// never moves its elements.
class StringTable {
  public:
    StringTable() { storage_.emplace_back(); }

    StringId intern(std::string_view text) {
        if (text.empty()) return 0;
        if (const auto it = ids_.find(text); it != ids_.end()) return it->second;
        const auto id = static_cast<StringId>(storage_.size());
        const std::string& stored = storage_.emplace_back(text);
        ids_.emplace(std::string_view(stored), id);
        bytes_ += stored.capacity() + 1;
        return id;
    }
    StringId find(std::string_view text) const noexcept {
        if (text.empty()) return 0;
        const auto it = ids_.find(text);
        return it == ids_.end() ? kNone : it->second;
    }
    std::string_view get(StringId id) const noexcept {
        return id < storage_.size() ? std::string_view(storage_[id]) : std::string_view{};
    }
    size_t memory_bytes() const noexcept {
        // Deque elements plus heap text, and the hash map's nodes and buckets (approximate).
        return storage_.size() * sizeof(std::string) + bytes_ +
               ids_.size() * (sizeof(std::string_view) + sizeof(StringId) + 2 * sizeof(void*)) +
               ids_.bucket_count() * sizeof(void*);
    }

  private:
    std::deque<std::string> storage_;
    std::unordered_map<std::string_view, StringId> ids_;
    size_t bytes_ = 0;
};

template <typename T>
size_t capacity_bytes(const std::vector<T>& v) noexcept {
    return v.capacity() * sizeof(T);
}

bool uses_deadline(EventKind kind) noexcept {
    return kind == EventKind::WaitStart || kind == EventKind::Sleep;
}

}  // namespace

std::string_view describe(const StateInterval& interval) noexcept {
    switch (interval.state) {
        case ProcessState::Runnable:
            return "runnable";
        case ProcessState::Running:
            return "running";
        case ProcessState::Sleeping:
            return "sleeping";
        case ProcessState::Exiting:
            return "exiting";
        case ProcessState::Waiting:
            if (!interval.has_wait_kind) return "waiting";
            switch (interval.wait_kind) {
                case WaitKind::Receive:
                    return "waiting in receive";
                case WaitKind::TaskAwait:
                    return "awaiting a task";
                case WaitKind::TaskYield:
                    return "yielding on a task";
                case WaitKind::Shutdown:
                    return "waiting for a shutdown";
                case WaitKind::GenServerCall:
                    return "in GenServer.call";
            }
            return "waiting";
    }
    return "?";
}

std::string_view to_string(WindowOutcome outcome) noexcept {
    switch (outcome) {
        case WindowOutcome::Message:
            return "message";
        case WindowOutcome::Timeout:
            return "timeout";
        case WindowOutcome::Down:
            return "down";
        case WindowOutcome::Killed:
            return "killed";
        case WindowOutcome::Open:
            return "open";
    }
    return "?";
}

std::string_view to_string(ArrowKind kind) noexcept {
    switch (kind) {
        case ArrowKind::Message:
            return "message";
        case ArrowKind::Reply:
            return "reply";
        case ArrowKind::Down:
            return "DOWN";
        case ArrowKind::ExitSignal:
            return "exit signal";
        case ArrowKind::Link:
            return "link";
        case ArrowKind::Monitor:
            return "monitor";
        case ArrowKind::Spawn:
            return "spawn";
    }
    return "?";
}

uint32_t TreeSnapshot::node_of(ProcessIndex process) const noexcept {
    for (uint32_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].process == process) return i;
    return kNone;
}

/// Per-process indexes and the bookkeeping of things still open.
struct ProcessLanes {
    std::vector<EventIndex> events;
    std::vector<StateInterval> states;
    std::vector<NameInterval> names;
    std::vector<ProcessIndex> children;
    std::vector<uint32_t> windows;
    std::vector<uint32_t> arrows;
    std::vector<uint32_t> relations;
    std::vector<uint32_t> slots;  ///< as a supervisor
    std::vector<int64_t> give_ups;
    std::vector<EventIndex> pending_sends;    ///< Sends to this process not yet received
    std::vector<EventIndex> pending_replies;  ///< Replies to this process not yet consumed
    uint32_t open_window = kNone;
    uint32_t slot = kNone;  ///< as a supervised child

    size_t memory_bytes() const noexcept {
        return sizeof(*this) + capacity_bytes(events) + capacity_bytes(states) +
               capacity_bytes(names) + capacity_bytes(children) + capacity_bytes(windows) +
               capacity_bytes(arrows) + capacity_bytes(relations) + capacity_bytes(slots) +
               capacity_bytes(give_ups) + capacity_bytes(pending_sends) +
               capacity_bytes(pending_replies);
    }
    void shrink_to_fit() {
        events.shrink_to_fit();
        states.shrink_to_fit();
        names.shrink_to_fit();
        children.shrink_to_fit();
        windows.shrink_to_fit();
        arrows.shrink_to_fit();
        relations.shrink_to_fit();
    }
};

struct TraceModel::Impl {
    std::vector<EventRecord> records;
    /// (index, seq) wherever seq stops counting up by one from the previous entry.
    std::vector<std::pair<EventIndex, uint64_t>> seq_runs;
    /// (index, the field `number` could not hold): value of a WaitStart/Sleep, deadline of others.
    std::vector<std::pair<EventIndex, int64_t>> overflow_numbers;
    uint64_t clamped = 0;

    StringTable strings;
    std::vector<ProcessInfo> processes;
    std::vector<ProcessLanes> lanes;
    std::vector<uint32_t> dense_pids;  ///< node 0 serial -> index + 1 (0 = unknown): the hot path
    std::unordered_map<uint64_t, ProcessIndex> other_pids;

    std::vector<WaitWindow> windows;
    std::set<uint32_t> open_windows;
    int64_t longest_closed_window = 0;

    std::vector<Arrow> arrows;
    std::vector<uint32_t> arrows_by_start;
    int64_t longest_arrow = 0;

    std::vector<Relation> relations;
    std::unordered_map<uint64_t, uint32_t> active_monitors;  ///< ref -> relation

    std::vector<ChildSlot> slots;
    std::vector<StepPoint> series[kSeriesCount];
    int64_t series_now[kSeriesCount] = {};
    std::vector<EventIndex> output_events;

    // ---------------------------------------------------------------------------------------
    int64_t now() const noexcept { return records.empty() ? 0 : records.back().time_us; }
    int64_t start() const noexcept { return records.empty() ? 0 : records.front().time_us; }

    ProcessIndex find(Pid pid) const noexcept {
        if (pid.node == 0 && pid.serial < dense_pids.size()) {
            const uint32_t slot = dense_pids[pid.serial];
            return slot == 0 ? kNone : slot - 1;
        }
        if (pid.node == 0 && pid.serial < (1u << 24)) return kNone;
        const auto it = other_pids.find(pid.packed());
        return it == other_pids.end() ? kNone : it->second;
    }

    ProcessIndex find_or_add(Pid pid, int64_t t) {
        if (pid == Pid{}) return kNone;
        const ProcessIndex known = find(pid);
        if (known != kNone) return known;
        const auto index = static_cast<ProcessIndex>(processes.size());
        if (pid.node == 0 && pid.serial < (1u << 24)) {
            if (pid.serial >= dense_pids.size())
                dense_pids.resize(std::max<size_t>(pid.serial + 1, dense_pids.size() * 2), 0);
            dense_pids[pid.serial] = index + 1;
        } else {
            other_pids.emplace(pid.packed(), index);
        }
        ProcessInfo& info = processes.emplace_back();
        info.pid = pid;
        // Seen before its Spawn (or it never had one): it existed when the trace began.
        info.spawn_us = records.empty() ? t : start();
        lanes.emplace_back();
        step(Series::ProcessesAlive, t, +1);
        return index;
    }

    void step(Series which, int64_t t, int64_t delta) {
        auto& points = series[static_cast<int>(which)];
        int64_t& value = series_now[static_cast<int>(which)];
        value += delta;
        if (!points.empty() && points.back().time_us == t) {
            points.back().value = value;
            // A change undone at the same instant leaves no step.
            if (points.size() >= 2 && points[points.size() - 2].value == value) points.pop_back();
        } else if (points.empty() || points.back().value != value) {
            points.push_back({t, value});
        }
    }

    void add_arrow(Arrow arrow) {
        const auto index = static_cast<uint32_t>(arrows.size());
        arrows.push_back(arrow);
        longest_arrow = std::max(longest_arrow, arrow.to_us - arrow.from_us);
        // Arrows complete in time order but may start in the past (a message received late):
        // insert into the by-start index, nearly always at or near its end.
        auto position = arrows_by_start.end();
        while (position != arrows_by_start.begin() &&
               arrows[*(position - 1)].from_us > arrow.from_us)
            --position;
        arrows_by_start.insert(position, index);
        lanes[arrow.from_process].arrows.push_back(index);
        if (arrow.to_process != arrow.from_process) lanes[arrow.to_process].arrows.push_back(index);
    }

    void add_instant_arrow(ArrowKind kind, ProcessIndex from, ProcessIndex to, EventIndex event,
                           int64_t t) {
        if (from == kNone || to == kNone) return;
        add_arrow(Arrow{t, t, from, to, event, event, kind, false});
    }

    uint32_t add_relation(Relation::Kind kind, ProcessIndex from, ProcessIndex to, uint64_t ref,
                          int64_t t) {
        const auto index = static_cast<uint32_t>(relations.size());
        relations.push_back(Relation{t, kOpenEnd, ref, from, to, kind});
        lanes[from].relations.push_back(index);
        if (to != from) lanes[to].relations.push_back(index);
        if (kind == Relation::Kind::Monitor && ref != 0) active_monitors[ref] = index;
        return index;
    }

    uint32_t active_link(ProcessIndex a, ProcessIndex b) const noexcept {
        // Search the shorter list, newest first: the link asked about is usually recent.
        const auto& list = lanes[a].relations.size() <= lanes[b].relations.size()
                               ? lanes[a].relations
                               : lanes[b].relations;
        for (auto it = list.rbegin(); it != list.rend(); ++it) {
            const Relation& r = relations[*it];
            if (r.kind == Relation::Kind::Link && r.end_us == kOpenEnd &&
                ((r.from == a && r.to == b) || (r.from == b && r.to == a)))
                return *it;
        }
        return kNone;
    }

    void end_relation(uint32_t index, int64_t t) {
        Relation& r = relations[index];
        if (r.end_us != kOpenEnd) return;
        r.end_us = t;
        if (r.kind == Relation::Kind::Monitor && r.ref != 0) active_monitors.erase(r.ref);
    }

    void set_state(ProcessIndex p, ProcessState state, EventIndex event, int64_t t) {
        auto& states = lanes[p].states;
        if (!states.empty() && states.back().end_us == kOpenEnd) {
            StateInterval& current = states.back();
            if (current.state == state) return;
            if (current.state == ProcessState::Running) step(Series::BusySchedulers, t, -1);
            if (current.start_us == t) {
                // A zero-length state is invisible; the newer state replaces it, and continues
                // the state before it if that was the same.
                states.pop_back();
                if (!states.empty() && states.back().end_us == t && states.back().state == state &&
                    !(state == ProcessState::Waiting && lanes[p].open_window != kNone)) {
                    states.back().end_us = kOpenEnd;
                    if (state == ProcessState::Running) step(Series::BusySchedulers, t, +1);
                    return;
                }
            } else {
                current.end_us = t;
            }
        }
        StateInterval next;
        next.start_us = t;
        next.start_event = event;
        next.state = state;
        if (state == ProcessState::Waiting && lanes[p].open_window != kNone) {
            next.has_wait_kind = true;
            next.wait_kind = windows[lanes[p].open_window].kind;
        }
        if (state == ProcessState::Running) step(Series::BusySchedulers, t, +1);
        states.push_back(next);
    }

    void close_state(ProcessIndex p, int64_t t) {
        auto& states = lanes[p].states;
        if (states.empty() || states.back().end_us != kOpenEnd) return;
        if (states.back().state == ProcessState::Running) step(Series::BusySchedulers, t, -1);
        states.back().end_us = t;
    }

    void close_window(uint32_t index, int64_t t, WindowOutcome outcome, EventIndex event) {
        WaitWindow& w = windows[index];
        w.end_us = t;
        w.outcome = outcome;
        w.end_event = event;
        longest_closed_window = std::max(longest_closed_window, t - w.start_us);
        open_windows.erase(index);
        lanes[w.process].open_window = kNone;
    }

    void reply_unconsumed(EventIndex reply_event) {
        const EventRecord& r = records[reply_event];
        add_arrow(Arrow{r.time_us, r.time_us, r.process, r.peer, reply_event, reply_event,
                        ArrowKind::Reply, true});
    }

    void mark_task(ProcessIndex p) {
        ProcessInfo& info = processes[p];
        if (info.is_task) return;
        info.is_task = true;
        if (!info.exited()) step(Series::TasksInFlight, now(), +1);
    }

    uint32_t slot_for_restart(ProcessIndex supervisor, StringId child_id) const noexcept {
        const auto& list = lanes[supervisor].slots;
        uint32_t fallback = kNone;
        for (auto it = list.rbegin(); it != list.rend(); ++it) {
            const ChildSlot& slot = slots[*it];
            if (slot.child_id != child_id) continue;
            if (processes[slot.incarnations.back()].exited()) return *it;
            if (fallback == kNone) fallback = *it;
        }
        return fallback;
    }

    void add_incarnation(uint32_t slot_index, ProcessIndex child, int64_t t) {
        ChildSlot& slot = slots[slot_index];
        slot.incarnations.push_back(child);
        slot.incarnation_start_us.push_back(t);
        processes[child].supervisor = slot.supervisor;
        processes[child].child_id = slot.child_id;
        lanes[child].slot = slot_index;
    }

    void apply(const Event& e, EventIndex index);
};

void TraceModel::Impl::apply(const Event& e, EventIndex index) {
    const EventRecord& rec = records[index];
    const int64_t t = rec.time_us;
    const ProcessIndex p = rec.process;
    const ProcessIndex peer = rec.peer;
    if (p != kNone) lanes[p].events.push_back(index);
    if (peer != kNone && peer != p) lanes[peer].events.push_back(index);
    if (p == kNone) {
        if (e.kind == EventKind::Console || e.kind == EventKind::Log)
            output_events.push_back(index);
        return;
    }
    ProcessInfo& info = processes[p];

    switch (e.kind) {
        case EventKind::Spawn: {
            info.seen_spawn = true;
            info.spawn_us = t;
            info.spawn_event = index;
            info.parent = peer;
            info.initial_call = rec.text;
            info.spawned_linked = (e.flags & FlagLinked) != 0;
            info.spawned_monitored = (e.flags & FlagMonitored) != 0;
            const std::string_view call = strings.get(rec.text);
            if (call.find("Supervisor") != std::string_view::npos &&
                call.find("start_link") != std::string_view::npos)
                info.is_supervisor = true;
            if (call.starts_with("Task.") && !info.is_supervisor) mark_task(p);
            if (peer != kNone) {
                lanes[peer].children.push_back(p);
                add_instant_arrow(ArrowKind::Spawn, peer, p, index, t);
                if (info.spawned_linked) add_relation(Relation::Kind::Link, peer, p, 0, t);
                if (info.spawned_monitored)
                    add_relation(Relation::Kind::Monitor, peer, p, rec.ref, t);
            }
            break;
        }
        case EventKind::Caller:
            info.caller = peer;
            mark_task(p);
            break;
        case EventKind::Exit: {
            if (info.exited()) break;
            info.exit_us = t;
            info.exit_event = index;
            info.exit_reason = rec.text;
            info.reason_class = e.reason_class;
            close_state(p, t);
            ProcessLanes& lane = lanes[p];
            if (lane.open_window != kNone)
                close_window(lane.open_window, t, WindowOutcome::Killed, index);
            for (const EventIndex reply : lane.pending_replies) reply_unconsumed(reply);
            lane.pending_replies.clear();
            lane.pending_sends.clear();
            for (auto& name : lane.names)
                if (name.end_us == kOpenEnd) name.end_us = t;
            for (const uint32_t r : lane.relations) {
                const Relation& rel = relations[r];
                // Links die with either end; a monitor dies with its owner, and for the
                // monitored process when the DOWN is delivered.
                if (rel.kind == Relation::Kind::Link || rel.from == p) end_relation(r, t);
            }
            step(Series::ProcessesAlive, t, -1);
            if (info.is_task) step(Series::TasksInFlight, t, -1);
            break;
        }
        case EventKind::Link:
            if (peer == kNone) break;
            add_instant_arrow(ArrowKind::Link, p, peer, index, t);
            if (active_link(p, peer) == kNone) add_relation(Relation::Kind::Link, p, peer, 0, t);
            break;
        case EventKind::Unlink:
            if (peer == kNone) break;
            if (const uint32_t r = active_link(p, peer); r != kNone) end_relation(r, t);
            break;
        case EventKind::Monitor:
            if (peer == kNone) break;
            add_instant_arrow(ArrowKind::Monitor, p, peer, index, t);
            if (rec.ref == 0 || !active_monitors.contains(rec.ref))
                add_relation(Relation::Kind::Monitor, p, peer, rec.ref, t);
            break;
        case EventKind::Demonitor:
            if (const auto it = active_monitors.find(rec.ref); it != active_monitors.end())
                end_relation(it->second, t);
            break;
        case EventKind::Down: {
            if (const auto it = active_monitors.find(rec.ref); it != active_monitors.end())
                end_relation(it->second, t);
            if (peer == kNone) break;
            const ProcessInfo& dead = processes[peer];
            if (dead.exit_event != kNone && dead.exit_us <= t)
                add_arrow(Arrow{dead.exit_us, t, peer, p, dead.exit_event, index, ArrowKind::Down,
                                false});
            else  // :noproc, or the exit was not traced
                add_instant_arrow(ArrowKind::Down, peer, p, index, t);
            break;
        }
        case EventKind::ExitSignal: {
            if (peer == kNone) break;
            const ProcessInfo& source = processes[peer];
            if (source.exit_event != kNone && source.exit_us <= t)
                add_arrow(Arrow{source.exit_us, t, peer, p, source.exit_event, index,
                                ArrowKind::ExitSignal, false});
            else
                add_instant_arrow(ArrowKind::ExitSignal, peer, p, index, t);
            break;
        }
        case EventKind::Send:
            if (peer != kNone && !processes[peer].exited())
                lanes[peer].pending_sends.push_back(index);
            break;
        case EventKind::Receive: {
            // Selective receive takes any message, so match by sender and text, oldest first;
            // fall back to the oldest from that sender, then to the oldest with that text.
            auto& pending = lanes[p].pending_sends;
            auto match = pending.end();
            auto same_sender = pending.end();
            auto same_text = pending.end();
            for (auto it = pending.begin(); it != pending.end(); ++it) {
                const EventRecord& send = records[*it];
                const bool sender_ok = peer == kNone || send.process == peer;
                if (sender_ok && send.text == rec.text) {
                    match = it;
                    break;
                }
                if (sender_ok && same_sender == pending.end()) same_sender = it;
                if (send.text == rec.text && same_text == pending.end()) same_text = it;
            }
            if (match == pending.end())
                match = same_sender != pending.end() ? same_sender : same_text;
            if (match != pending.end()) {
                const EventRecord& send = records[*match];
                add_arrow(Arrow{send.time_us, t, send.process, p, *match, index, ArrowKind::Message,
                                false});
                pending.erase(match);
            }
            // A reply taken out of the mailbox by a plain receive.
            auto& replies = lanes[p].pending_replies;
            for (auto it = replies.begin(); it != replies.end(); ++it) {
                if (peer != kNone && records[*it].process == peer &&
                    lanes[p].open_window == kNone) {
                    const EventRecord& reply = records[*it];
                    add_arrow(Arrow{reply.time_us, t, reply.process, p, *it, index,
                                    ArrowKind::Reply, false});
                    replies.erase(it);
                    break;
                }
            }
            break;
        }
        case EventKind::WaitStart: {
            ProcessLanes& lane = lanes[p];
            if (lane.open_window != kNone)  // a wait without its end: close it where the next began
                close_window(lane.open_window, t, WindowOutcome::Message, kNone);
            const auto w = static_cast<uint32_t>(windows.size());
            WaitWindow window;
            window.start_us = t;
            window.deadline_us = e.deadline_us;
            window.ref = rec.ref;
            window.process = p;
            window.peer = peer;
            window.start_event = index;
            window.kind = e.wait_kind;
            windows.push_back(window);
            open_windows.insert(w);
            lane.windows.push_back(w);
            lane.open_window = w;
            // The engine may report the Waiting state before or after the WaitStart.
            if (!lane.states.empty() && lane.states.back().end_us == kOpenEnd &&
                lane.states.back().state == ProcessState::Waiting) {
                lane.states.back().has_wait_kind = true;
                lane.states.back().wait_kind = e.wait_kind;
            }
            break;
        }
        case EventKind::WaitEnd: {
            ProcessLanes& lane = lanes[p];
            if (lane.open_window == kNone) break;
            const WaitWindow& window = windows[lane.open_window];
            const uint64_t window_ref = window.ref;
            const ProcessIndex awaited = window.peer;
            WindowOutcome outcome = WindowOutcome::Message;
            switch (e.wait_outcome) {
                case WaitOutcome::Message:
                    outcome = WindowOutcome::Message;
                    break;
                case WaitOutcome::Timeout:
                    outcome = WindowOutcome::Timeout;
                    break;
                case WaitOutcome::Down:
                    outcome = WindowOutcome::Down;
                    break;
                case WaitOutcome::Killed:
                    outcome = WindowOutcome::Killed;
                    break;
            }
            close_window(lane.open_window, t, outcome, index);
            auto& replies = lane.pending_replies;
            if (outcome == WindowOutcome::Message) {
                auto chosen = replies.end();
                for (auto it = replies.begin(); it != replies.end(); ++it) {
                    const EventRecord& reply = records[*it];
                    if ((window_ref != 0 && reply.ref == window_ref) ||
                        (window_ref == 0 && (awaited == kNone || reply.process == awaited))) {
                        chosen = it;
                        break;
                    }
                }
                if (chosen != replies.end()) {
                    const EventRecord& reply = records[*chosen];
                    add_arrow(Arrow{reply.time_us, t, reply.process, p, *chosen, index,
                                    ArrowKind::Reply, false});
                    replies.erase(chosen);
                }
            } else {
                for (const EventIndex reply : replies) reply_unconsumed(reply);
                replies.clear();
            }
            break;
        }
        case EventKind::Reply:
            if (peer == kNone) break;
            if (lanes[peer].open_window != kNone && !processes[peer].exited())
                lanes[peer].pending_replies.push_back(index);
            else  // the caller had stopped waiting (timed out, or gone)
                reply_unconsumed(index);
            break;
        case EventKind::Register:
            lanes[p].names.push_back(NameInterval{rec.text, t, kOpenEnd});
            break;
        case EventKind::Unregister:
            for (auto& name : lanes[p].names)
                if (name.name == rec.text && name.end_us == kOpenEnd) name.end_us = t;
            break;
        case EventKind::ChildStart: {
            info.is_supervisor = true;
            if (peer == kNone) break;
            const auto s = static_cast<uint32_t>(slots.size());
            ChildSlot& slot = slots.emplace_back();
            slot.supervisor = p;
            slot.child_id = rec.text;
            slot.first_start_us = t;
            lanes[p].slots.push_back(s);
            add_incarnation(s, peer, t);
            break;
        }
        case EventKind::ChildRestart: {
            info.is_supervisor = true;
            if (peer == kNone) break;
            uint32_t s = slot_for_restart(p, rec.text);
            if (s == kNone) {  // restart of a child whose start was not traced
                s = static_cast<uint32_t>(slots.size());
                ChildSlot& slot = slots.emplace_back();
                slot.supervisor = p;
                slot.child_id = rec.text;
                slot.first_start_us = t;
                lanes[p].slots.push_back(s);
            }
            add_incarnation(s, peer, t);
            break;
        }
        case EventKind::ChildTerminate:
            if (peer != kNone && lanes[peer].slot != kNone)
                slots[lanes[peer].slot].terminated_us.push_back(t);
            break;
        case EventKind::SupervisorGiveUp:
            info.is_supervisor = true;
            lanes[p].give_ups.push_back(t);
            break;
        case EventKind::StateChange:
            if (!info.exited()) set_state(p, e.state, index, t);
            break;
        case EventKind::Sleep:
        case EventKind::NodeUp:
        case EventKind::NodeDown:
            break;
        case EventKind::Console:
        case EventKind::Log:
            output_events.push_back(index);
            break;
    }
}

// -------------------------------------------------------------------------------------------

TraceModel::TraceModel() : impl_(std::make_unique<Impl>()) {}
TraceModel::TraceModel(std::span<const Event> events, RunInfo run)
    : impl_(std::make_unique<Impl>()), run_(std::move(run)) {
    impl_->records.reserve(events.size());
    append(events);
}
TraceModel::~TraceModel() = default;
TraceModel::TraceModel(TraceModel&&) noexcept = default;
TraceModel& TraceModel::operator=(TraceModel&&) noexcept = default;

void TraceModel::append(std::span<const Event> events) {
    for (const Event& e : events) append(e);
}

void TraceModel::append(const Event& e) {
    Impl& m = *impl_;
    if (m.records.size() >= kNone - 1) return;  // 32-bit indexes: the model is full
    const auto index = static_cast<EventIndex>(m.records.size());
    int64_t t = e.time_us;
    if (!m.records.empty() && t < m.records.back().time_us) {
        t = m.records.back().time_us;
        ++m.clamped;
    }
    if (m.seq_runs.empty() || m.seq_runs.back().second + (index - m.seq_runs.back().first) != e.seq)
        m.seq_runs.emplace_back(index, e.seq);

    EventRecord rec;
    rec.time_us = t;
    rec.kind = e.kind;
    rec.flags = e.flags;
    rec.detail = e.detail;
    rec.ref = e.ref.id;
    rec.text = m.strings.intern(e.text);
    if (uses_deadline(e.kind)) {
        rec.number = e.deadline_us;
        if (e.value != 0) m.overflow_numbers.emplace_back(index, e.value);
    } else {
        rec.number = e.value;
        if (e.deadline_us != -1) m.overflow_numbers.emplace_back(index, e.deadline_us);
    }
    // Processes are created before the record is pushed so that a process first seen in the
    // very first event starts at that event's time.
    rec.process = m.find_or_add(e.pid, t);
    rec.peer = m.find_or_add(e.peer, t);
    m.records.push_back(rec);
    m.apply(e, index);
}

uint32_t TraceModel::event_count() const noexcept {
    return static_cast<uint32_t>(impl_->records.size());
}
const EventRecord& TraceModel::record(EventIndex index) const noexcept {
    return impl_->records[index];
}
std::span<const EventRecord> TraceModel::records() const noexcept {
    return impl_->records;
}

uint64_t TraceModel::seq(EventIndex index) const noexcept {
    const auto& runs = impl_->seq_runs;
    auto it = std::upper_bound(runs.begin(), runs.end(), index,
                               [](EventIndex i, const auto& run) { return i < run.first; });
    if (it == runs.begin()) return index;
    --it;
    return it->second + (index - it->first);
}

Event TraceModel::event(EventIndex index) const {
    const Impl& m = *impl_;
    const EventRecord& rec = m.records[index];
    Event e;
    e.seq = seq(index);
    e.time_us = rec.time_us;
    e.kind = rec.kind;
    e.flags = rec.flags;
    e.detail = rec.detail;
    if (rec.process != kNone) e.pid = m.processes[rec.process].pid;
    if (rec.peer != kNone) e.peer = m.processes[rec.peer].pid;
    e.ref.id = rec.ref;
    e.text = std::string(m.strings.get(rec.text));
    int64_t other = uses_deadline(rec.kind) ? 0 : -1;
    const auto it =
        std::lower_bound(m.overflow_numbers.begin(), m.overflow_numbers.end(), index,
                         [](const auto& entry, EventIndex i) { return entry.first < i; });
    if (it != m.overflow_numbers.end() && it->first == index) other = it->second;
    if (uses_deadline(rec.kind)) {
        e.deadline_us = rec.number;
        e.value = other;
    } else {
        e.value = rec.number;
        e.deadline_us = other;
    }
    return e;
}

int64_t TraceModel::start_time() const noexcept {
    return impl_->start();
}
int64_t TraceModel::end_time() const noexcept {
    return impl_->now();
}
uint64_t TraceModel::clamped_events() const noexcept {
    return impl_->clamped;
}

IndexRange TraceModel::events_in(int64_t t0, int64_t t1) const noexcept {
    const auto& r = impl_->records;
    const auto first = std::lower_bound(
        r.begin(), r.end(), t0, [](const EventRecord& e, int64_t t) { return e.time_us < t; });
    const auto last = std::upper_bound(
        first, r.end(), t1, [](int64_t t, const EventRecord& e) { return t < e.time_us; });
    return {static_cast<uint32_t>(first - r.begin()), static_cast<uint32_t>(last - r.begin())};
}

std::span<const EventIndex> TraceModel::events_of(ProcessIndex process) const noexcept {
    if (process >= impl_->lanes.size()) return {};
    return impl_->lanes[process].events;
}

IndexRange TraceModel::events_of_in(ProcessIndex process, int64_t t0, int64_t t1) const noexcept {
    const auto list = events_of(process);
    const auto& r = impl_->records;
    const auto first = std::lower_bound(list.begin(), list.end(), t0,
                                        [&](EventIndex i, int64_t t) { return r[i].time_us < t; });
    const auto last = std::upper_bound(first, list.end(), t1,
                                       [&](int64_t t, EventIndex i) { return t < r[i].time_us; });
    return {static_cast<uint32_t>(first - list.begin()),
            static_cast<uint32_t>(last - list.begin())};
}

std::string_view TraceModel::string(StringId id) const noexcept {
    return impl_->strings.get(id);
}
StringId TraceModel::find_string(std::string_view text) const noexcept {
    return impl_->strings.find(text);
}

uint32_t TraceModel::process_count() const noexcept {
    return static_cast<uint32_t>(impl_->processes.size());
}
const ProcessInfo& TraceModel::process(ProcessIndex index) const noexcept {
    return impl_->processes[index];
}
ProcessIndex TraceModel::find(Pid pid) const noexcept {
    return impl_->find(pid);
}

std::string TraceModel::display_name(ProcessIndex index, int64_t t) const {
    const auto& names = impl_->lanes[index].names;
    for (auto it = names.rbegin(); it != names.rend(); ++it) {
        if (t == kOpenEnd || (it->start_us <= t && t < it->end_us))
            return std::string(string(it->name));
    }
    const ProcessInfo& info = impl_->processes[index];
    if (info.initial_call != 0) return std::string(string(info.initial_call));
    return format_pid(info.pid);
}

std::span<const NameInterval> TraceModel::names(ProcessIndex index) const noexcept {
    return impl_->lanes[index].names;
}
std::span<const ProcessIndex> TraceModel::spawned_children(ProcessIndex index) const noexcept {
    return impl_->lanes[index].children;
}

std::vector<ProcessIndex> TraceModel::ancestors(ProcessIndex index) const {
    std::vector<ProcessIndex> chain;
    // The bound guards against a cycle in a malformed trace.
    for (ProcessIndex p = impl_->processes[index].parent;
         p != kNone && chain.size() <= impl_->processes.size(); p = impl_->processes[p].parent)
        chain.push_back(p);
    return chain;
}

std::vector<ProcessIndex> TraceModel::callers(ProcessIndex index) const {
    std::vector<ProcessIndex> chain;
    for (ProcessIndex p = impl_->processes[index].caller;
         p != kNone && chain.size() <= impl_->processes.size(); p = impl_->processes[p].caller)
        chain.push_back(p);
    return chain;
}

std::span<const StateInterval> TraceModel::states(ProcessIndex index) const noexcept {
    return impl_->lanes[index].states;
}

IndexRange TraceModel::states_in(ProcessIndex index, int64_t t0, int64_t t1) const noexcept {
    const auto list = states(index);
    // States of one process follow each other: both starts and ends are sorted.
    const auto first =
        std::upper_bound(list.begin(), list.end(), t0,
                         [](int64_t t, const StateInterval& s) { return t < s.end_us; });
    const auto last = std::upper_bound(
        first, list.end(), t1, [](int64_t t, const StateInterval& s) { return t < s.start_us; });
    // An interval ending exactly at t0 does not intersect; a zero-length one starting at t0 does.
    auto begin = first;
    if (begin != list.begin() && (begin - 1)->end_us == t0 && (begin - 1)->start_us == t0) --begin;
    return {static_cast<uint32_t>(begin - list.begin()),
            static_cast<uint32_t>(last - list.begin())};
}

int64_t TraceModel::end_of(const StateInterval& interval, ProcessIndex index) const noexcept {
    if (interval.end_us != kOpenEnd) return interval.end_us;
    const ProcessInfo& info = impl_->processes[index];
    return info.exited() ? info.exit_us : end_time();
}

std::span<const WaitWindow> TraceModel::wait_windows() const noexcept {
    return impl_->windows;
}
std::span<const uint32_t> TraceModel::wait_windows_of(ProcessIndex index) const noexcept {
    return impl_->lanes[index].windows;
}

ResolvedWindow TraceModel::resolve(const WaitWindow& w) const noexcept {
    if (w.end_us != kOpenEnd) {
        const bool said_by_wait_end =
            w.end_event != kNone && impl_->records[w.end_event].kind == EventKind::WaitEnd;
        return {w.end_us, w.outcome, !said_by_wait_end};
    }
    if (w.deadline_us >= 0 && w.deadline_us <= end_time())
        return {std::max(w.deadline_us, w.start_us), WindowOutcome::Timeout, true};
    return {end_time(), WindowOutcome::Open, true};
}

IndexRange TraceModel::wait_windows_in(int64_t t0, int64_t t1) const noexcept {
    const auto& w = impl_->windows;
    const int64_t from = t0 - impl_->longest_closed_window;
    auto first = std::lower_bound(w.begin(), w.end(), from,
                                  [](const WaitWindow& x, int64_t t) { return x.start_us < t; });
    if (!impl_->open_windows.empty())
        first = std::min(first, w.begin() + *impl_->open_windows.begin());
    const auto last = std::upper_bound(
        w.begin(), w.end(), t1, [](int64_t t, const WaitWindow& x) { return t < x.start_us; });
    if (last <= first) return {};
    return {static_cast<uint32_t>(first - w.begin()), static_cast<uint32_t>(last - w.begin())};
}

std::span<const Arrow> TraceModel::arrows() const noexcept {
    return impl_->arrows;
}
std::span<const uint32_t> TraceModel::arrows_by_start() const noexcept {
    return impl_->arrows_by_start;
}
IndexRange TraceModel::arrows_in(int64_t t0, int64_t t1) const noexcept {
    const auto& order = impl_->arrows_by_start;
    const auto& a = impl_->arrows;
    const int64_t from = t0 - impl_->longest_arrow;
    const auto first = std::lower_bound(order.begin(), order.end(), from,
                                        [&](uint32_t i, int64_t t) { return a[i].from_us < t; });
    const auto last = std::upper_bound(first, order.end(), t1,
                                       [&](int64_t t, uint32_t i) { return t < a[i].from_us; });
    return {static_cast<uint32_t>(first - order.begin()),
            static_cast<uint32_t>(last - order.begin())};
}
std::span<const uint32_t> TraceModel::arrows_of(ProcessIndex index) const noexcept {
    return impl_->lanes[index].arrows;
}

std::span<const Relation> TraceModel::relations() const noexcept {
    return impl_->relations;
}
std::span<const uint32_t> TraceModel::relations_of(ProcessIndex index) const noexcept {
    return impl_->lanes[index].relations;
}
std::span<const ChildSlot> TraceModel::child_slots() const noexcept {
    return impl_->slots;
}
std::span<const uint32_t> TraceModel::child_slots_of(ProcessIndex supervisor) const noexcept {
    return impl_->lanes[supervisor].slots;
}

std::vector<ExitRecord> TraceModel::exit_history(uint32_t slot, int64_t t) const {
    std::vector<ExitRecord> history;
    for (const ProcessIndex p : impl_->slots[slot].incarnations) {
        const ProcessInfo& info = impl_->processes[p];
        if (info.exited() && info.exit_us <= t)
            history.push_back({info.exit_us, p, info.exit_reason, info.reason_class});
    }
    return history;
}

uint32_t TraceModel::restart_count(uint32_t slot, int64_t t) const noexcept {
    const auto& starts = impl_->slots[slot].incarnation_start_us;
    const auto started = std::upper_bound(starts.begin(), starts.end(), t) - starts.begin();
    return started > 0 ? static_cast<uint32_t>(started - 1) : 0;
}

std::span<const int64_t> TraceModel::give_ups(ProcessIndex supervisor) const noexcept {
    return impl_->lanes[supervisor].give_ups;
}

TreeSnapshot TraceModel::tree_at(int64_t t) const {
    const Impl& m = *impl_;
    TreeSnapshot tree;
    tree.time_us = t;
    std::vector<uint32_t> node_of(m.processes.size(), kNone);
    auto add_node = [&](ProcessIndex p, bool alive) {
        if (node_of[p] != kNone) return;
        node_of[p] = static_cast<uint32_t>(tree.nodes.size());
        TreeNode& node = tree.nodes.emplace_back();
        node.process = p;
        node.alive = alive;
        node.slot = m.lanes[p].slot;
        if (node.slot != kNone) node.restarts = restart_count(node.slot, t);
    };
    for (ProcessIndex p = 0; p < m.processes.size(); ++p)
        if (m.processes[p].alive_at(t)) add_node(p, true);
    // A dead child stays under its living supervisor until it is restarted.
    for (const ChildSlot& slot : m.slots) {
        if (!m.processes[slot.supervisor].alive_at(t)) continue;
        const auto& starts = slot.incarnation_start_us;
        const auto started = std::upper_bound(starts.begin(), starts.end(), t) - starts.begin();
        if (started == 0) continue;
        const ProcessIndex current = slot.incarnations[static_cast<size_t>(started - 1)];
        if (!m.processes[current].alive_at(t)) add_node(current, false);
    }

    // Order siblings by start: supervised children by their slot's first start (a restarted child
    // keeps its place), others by spawn time.
    auto start_key = [&](uint32_t n) {
        const TreeNode& node = tree.nodes[n];
        return node.slot != kNone ? m.slots[node.slot].first_start_us
                                  : m.processes[node.process].spawn_us;
    };
    std::vector<uint32_t> order(tree.nodes.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        const auto ka = start_key(a), kb = start_key(b);
        if (ka != kb) return ka < kb;
        return tree.nodes[a].process < tree.nodes[b].process;
    });
    for (const uint32_t n : order) {
        const ProcessInfo& info = m.processes[tree.nodes[n].process];
        // The tree parent: the supervisor if supervised, else the nearest ancestor in the tree.
        uint32_t parent = kNone;
        ProcessIndex candidate = info.supervisor != kNone ? info.supervisor : info.parent;
        for (size_t hops = 0; candidate != kNone && hops <= m.processes.size(); ++hops) {
            if (node_of[candidate] != kNone && tree.nodes[node_of[candidate]].alive) {
                parent = node_of[candidate];
                break;
            }
            candidate = m.processes[candidate].parent;
        }
        tree.nodes[n].parent_node = parent;
        if (parent == kNone)
            tree.roots.push_back(n);
        else
            tree.nodes[parent].children.push_back(n);
    }
    for (uint32_t r = 0; r < m.relations.size(); ++r)
        if (m.relations[r].active_at(t)) tree.relations.push_back(r);
    return tree;
}

std::span<const StepPoint> TraceModel::series(Series which) const noexcept {
    return impl_->series[static_cast<int>(which)];
}

int64_t TraceModel::series_value_at(Series which, int64_t t) const noexcept {
    const auto points = series(which);
    const auto it =
        std::upper_bound(points.begin(), points.end(), t,
                         [](int64_t time, const StepPoint& p) { return time < p.time_us; });
    return it == points.begin() ? 0 : (it - 1)->value;
}

IndexRange TraceModel::series_in(Series which, int64_t t0, int64_t t1) const noexcept {
    const auto points = series(which);
    auto first =
        std::upper_bound(points.begin(), points.end(), t0,
                         [](int64_t time, const StepPoint& p) { return time < p.time_us; });
    if (first != points.begin()) --first;
    const auto last = std::upper_bound(
        first, points.end(), t1, [](int64_t time, const StepPoint& p) { return time < p.time_us; });
    return {static_cast<uint32_t>(first - points.begin()),
            static_cast<uint32_t>(last - points.begin())};
}

std::span<const EventIndex> TraceModel::output_events() const noexcept {
    return impl_->output_events;
}

void TraceModel::shrink_to_fit() {
    Impl& m = *impl_;
    m.records.shrink_to_fit();
    m.seq_runs.shrink_to_fit();
    m.overflow_numbers.shrink_to_fit();
    m.processes.shrink_to_fit();
    for (auto& lane : m.lanes) lane.shrink_to_fit();
    m.windows.shrink_to_fit();
    m.arrows.shrink_to_fit();
    m.arrows_by_start.shrink_to_fit();
    m.relations.shrink_to_fit();
    for (auto& s : m.series) s.shrink_to_fit();
    m.output_events.shrink_to_fit();
}

size_t TraceModel::memory_bytes() const noexcept {
    const Impl& m = *impl_;
    size_t bytes = sizeof(Impl) + capacity_bytes(m.records) + capacity_bytes(m.seq_runs) +
                   capacity_bytes(m.overflow_numbers) + m.strings.memory_bytes() +
                   capacity_bytes(m.processes) + capacity_bytes(m.dense_pids) +
                   m.other_pids.size() * 32 + capacity_bytes(m.windows) +
                   m.open_windows.size() * 40 + capacity_bytes(m.arrows) +
                   capacity_bytes(m.arrows_by_start) + capacity_bytes(m.relations) +
                   m.active_monitors.size() * 32 + capacity_bytes(m.output_events);
    for (const auto& lane : m.lanes) bytes += lane.memory_bytes();
    for (const auto& slot : m.slots)
        bytes += sizeof(ChildSlot) + capacity_bytes(slot.incarnations) +
                 capacity_bytes(slot.incarnation_start_us) + capacity_bytes(slot.terminated_us);
    for (const auto& s : m.series) bytes += capacity_bytes(s);
    return bytes;
}

}  // namespace tasklens::trace
