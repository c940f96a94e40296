// Over 800 lines: the event-sourced model's indexes (spans, waits, arrows, pairing, tree at t) are
// built in one pass over the same arrays. The pairing's queues live in pending_messages.h, the
// interned strings in string_table.h, the per-process lists in index_pool.h and the monitors by
// ref in id_map.h; what is left of pairing here is which event goes where.
#include "engine/trace/trace_model.h"

#include "engine/trace/id_map.h"
#include "engine/trace/index_pool.h"
#include "engine/trace/large_array.h"
#include "engine/trace/pending_messages.h"
#include "engine/trace/string_table.h"

#include <algorithm>
#include <cstdlib>
#include <new>
#include <set>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

namespace tasklens::trace {
namespace {

template <typename T, typename Allocator>
size_t capacity_bytes(const std::vector<T, Allocator>& v) noexcept {
    return v.capacity() * sizeof(T);
}

WindowOutcome window_outcome(WaitOutcome outcome) noexcept {
    switch (outcome) {
        case WaitOutcome::Message:
            return WindowOutcome::Message;
        case WaitOutcome::Timeout:
            return WindowOutcome::Timeout;
        case WaitOutcome::Down:
            return WindowOutcome::Down;
        case WaitOutcome::Killed:
            return WindowOutcome::Killed;
    }
    return WindowOutcome::Message;
}

/// The note a Waiting state's record carries: 1 + the wait kind, 0 for none or an unknown kind.
uint8_t wait_kind_note(WaitKind kind) noexcept {
    const auto value = static_cast<uint8_t>(kind);
    return value <= static_cast<uint8_t>(WaitKind::GenServerCall) ? static_cast<uint8_t>(value + 1)
                                                                  : 0;
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
    }
    return "?";
}

uint32_t TreeSnapshot::node_of(ProcessIndex process) const noexcept {
    if (process < node_by_process.size()) return node_by_process[process];
    // A snapshot built by hand, without the index.
    for (uint32_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].process == process) return i;
    return kNone;
}

/// Per-process indexes every process has.
struct ProcessLanes {
    IndexList events;
    /// The StateChange events that began each state: a state ends where the next one starts,
    /// or at the process's exit.
    IndexList states;
    IndexList arrows;
    IndexList relations;
    IndexList windows;
    uint32_t open_window = kNone;
    uint32_t slot = kNone;   ///< as a supervised child
    uint32_t inbox = kNone;  ///< its Inbox in TraceModel::Impl::inboxes while one is pending
};

/// What only some processes have (names, children, supervised slots): kept in a map so that the
/// many short-lived processes do not pay for it.
struct ProcessExtras {
    std::vector<NameInterval> names;
    std::vector<ProcessIndex> children;
    std::vector<uint32_t> slots;  ///< as a supervisor
    std::vector<int64_t> give_ups;

    size_t memory_bytes() const noexcept {
        return sizeof(*this) + 4 * sizeof(void*) + capacity_bytes(names) +
               capacity_bytes(children) + capacity_bytes(slots) + capacity_bytes(give_ups);
    }
    void shrink_to_fit() {
        names.shrink_to_fit();
        children.shrink_to_fit();
    }
};

/// An arrow as stored: its two events say where and when it starts and ends.
struct StoredArrow {
    EventIndex from_event = kNone;
    EventIndex to_event = kNone;
    ArrowKind kind = ArrowKind::Message;
    bool unconsumed = false;
};

struct TraceModel::Impl {
    /// The largest arrays come from LargeArrayAllocator (huge pages for big blocks).
    LargeArray<EventRecord> records;
    /// (index, seq) wherever seq stops counting up by one from the previous entry.
    std::vector<std::pair<EventIndex, uint64_t>> seq_runs;
    /// The payloads of events with has_payload, in two sparse tables (event order): refs are
    /// common (monitors, replies, DOWNs), deadlines and values rarer.
    std::vector<EventIndex> ref_events;
    std::vector<uint64_t> refs;
    std::vector<EventIndex> number_events;
    std::vector<std::pair<int64_t, int64_t>> numbers;  ///< (deadline_us, value)
    uint64_t clamped = 0;

    StringTable strings;
    LargeArray<ProcessInfo> processes;
    /// The storage of every ProcessLanes list.
    IndexPool lists;
    LargeArray<ProcessLanes> lanes;
    std::unordered_map<ProcessIndex, ProcessExtras> extras;
    /// Inboxes of the processes with messages or replies pending (ProcessLanes::inbox), reused:
    /// a task that is sent one message and reads it costs no allocation.
    std::vector<Inbox> inboxes;
    std::vector<uint32_t> free_inboxes;
    std::vector<uint32_t> dense_pids;  ///< node 0 serial -> index + 1 (0 = unknown): the hot path
    std::unordered_map<uint64_t, ProcessIndex> other_pids;

    std::vector<WaitWindow> windows;
    std::set<uint32_t> open_windows;
    int64_t longest_closed_window = 0;

    LargeArray<StoredArrow> arrows;
    /// Arrow indexes by (start, index). Appended as arrows complete; the unsorted tail is sorted
    /// and merged when the order is next asked for (sort_arrows), not per arrow or per batch: a
    /// message received long after it was sent merges into a long suffix, and doing that per
    /// batch of 4,096 events made loading a 3.4M-event trace spend a third of its time merging.
    mutable LargeArray<uint32_t> arrows_by_start;
    mutable size_t arrows_sorted = 0;
    int64_t longest_arrow = 0;
    /// One bit per event: a Send or Reply already paired (see KeyedQueues).
    std::vector<uint64_t> taken_events;

    std::vector<Relation> relations;
    std::vector<uint64_t> relation_refs;  ///< by relation: a monitor's ref (0 for a link)
    IdMap active_monitors;                ///< ref -> relation

    std::vector<ChildSlot> slots;
    std::vector<StepPoint> series[kSeriesCount];
    int32_t series_now[kSeriesCount] = {};
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

    ProcessExtras* find_extras(ProcessIndex p) noexcept {
        const auto it = extras.find(p);
        return it == extras.end() ? nullptr : &it->second;
    }
    const ProcessExtras* find_extras(ProcessIndex p) const noexcept {
        const auto it = extras.find(p);
        return it == extras.end() ? nullptr : &it->second;
    }

    void step(Series which, int64_t t, int32_t delta) {
        auto& points = series[static_cast<int>(which)];
        int32_t& value = series_now[static_cast<int>(which)];
        value += delta;
        if (!points.empty() && points.back().time_us == t) {
            points.back().value = value;
            // A change undone at the same instant leaves no step.
            if (points.size() >= 2 && points[points.size() - 2].value == value) points.pop_back();
        } else if (points.empty() || points.back().value != value) {
            points.push_back({t, value});
        }
    }

    Arrow materialize(const StoredArrow& stored) const noexcept {
        Arrow arrow;
        const EventRecord& from = records[stored.from_event];
        const EventRecord& to = records[stored.to_event];
        arrow.from_us = from.time_us;
        arrow.to_us = to.time_us;
        arrow.from_event = stored.from_event;
        arrow.to_event = stored.to_event;
        arrow.kind = stored.kind;
        arrow.unconsumed = stored.unconsumed;
        if (stored.from_event != stored.to_event) {
            arrow.from_process = from.process;
            arrow.to_process = to.process;
        } else if (stored.kind == ArrowKind::Down || stored.kind == ArrowKind::ExitSignal) {
            // One event about its target (pid), from its source (peer).
            arrow.from_process = from.peer;
            arrow.to_process = from.process;
        } else {
            arrow.from_process = from.process;
            arrow.to_process = from.peer;
        }
        return arrow;
    }
    int64_t arrow_start(uint32_t index) const noexcept {
        return records[arrows[index].from_event].time_us;
    }

    /// `from_event` may lie in the past (a message received late); `to_event` is the current
    /// event or, for an arrow made of one event, the same one.
    void add_arrow(ArrowKind kind, EventIndex from_event, EventIndex to_event,
                   bool unconsumed = false) {
        const StoredArrow stored{from_event, to_event, kind, unconsumed};
        const Arrow arrow = materialize(stored);
        if (arrow.from_process == kNone || arrow.to_process == kNone) return;
        const auto index = static_cast<uint32_t>(arrows.size());
        arrows.push_back(stored);
        longest_arrow = std::max(longest_arrow, arrow.to_us - arrow.from_us);
        // Arrows complete in time order but may start in the past: sort_arrows() puts them in
        // place once per batch.
        arrows_by_start.push_back(index);
        lanes[arrow.from_process].arrows.push_back(lists, index);
        if (arrow.to_process != arrow.from_process)
            lanes[arrow.to_process].arrows.push_back(lists, index);
    }

    /// Sorts the arrows appended since the last call into arrows_by_start: the new ones are
    /// sorted, then merged with the suffix of the old ones they overlap (usually a short one).
    void sort_arrows() const {
        if (arrows_sorted == arrows_by_start.size()) return;
        auto before = [this](uint32_t a, uint32_t b) {
            const int64_t ta = arrow_start(a), tb = arrow_start(b);
            return ta != tb ? ta < tb : a < b;
        };
        const auto middle = arrows_by_start.begin() + static_cast<ptrdiff_t>(arrows_sorted);
        // Sorted as (start, index) pairs: comparing through records[] missed the cache on nearly
        // every comparison (a loaded trace sorts all its arrows here at once).
        std::vector<std::pair<int64_t, uint32_t>> keyed;
        keyed.reserve(static_cast<size_t>(arrows_by_start.end() - middle));
        for (auto it = middle; it != arrows_by_start.end(); ++it)
            keyed.emplace_back(arrow_start(*it), *it);
        std::sort(keyed.begin(), keyed.end());
        std::transform(keyed.begin(), keyed.end(), middle, [](const auto& k) { return k.second; });
        const auto from = std::upper_bound(arrows_by_start.begin(), middle, *middle, before);
        std::inplace_merge(from, middle, arrows_by_start.end(), before);
        arrows_sorted = arrows_by_start.size();
    }

    bool taken(EventIndex event) const noexcept {
        const size_t word = event / 64;
        return word < taken_events.size() && ((taken_events[word] >> (event % 64)) & 1) != 0;
    }
    void take(EventIndex event) {
        const size_t word = event / 64;
        if (word >= taken_events.size())
            taken_events.resize(std::max(word + 1, taken_events.size() * 2), 0);
        taken_events[word] |= uint64_t{1} << (event % 64);
    }
    /// The oldest untaken event under `key`, taken; kNone if none.
    EventIndex take_front(KeyedQueues& queues, uint64_t key) {
        const EventIndex event = queues.front(key, [this](EventIndex e) { return taken(e); });
        if (event != kNone) take(event);
        return event;
    }
    Inbox* find_inbox(ProcessIndex p) noexcept {
        const uint32_t i = lanes[p].inbox;
        return i == kNone ? nullptr : &inboxes[i];
    }
    Inbox& inbox_of(ProcessIndex p) {
        uint32_t& i = lanes[p].inbox;
        if (i == kNone) {
            if (free_inboxes.empty()) {
                i = static_cast<uint32_t>(inboxes.size());
                inboxes.emplace_back();
            } else {
                i = free_inboxes.back();
                free_inboxes.pop_back();
            }
        }
        return inboxes[i];
    }
    /// Gives the process's inbox back to the pool once nothing is pending in it.
    void release_inbox_if_empty(ProcessIndex p) {
        uint32_t& i = lanes[p].inbox;
        if (i == kNone || !inboxes[i].empty()) return;
        inboxes[i].clear();
        free_inboxes.push_back(i);
        i = kNone;
    }
    struct ReleaseInboxIfEmpty {
        Impl& model;
        ProcessIndex process;
        ~ReleaseInboxIfEmpty() { model.release_inbox_if_empty(process); }
    };
    void queue_send(ProcessIndex receiver, EventIndex send) {
        const EventRecord& rec = records[send];
        inbox_of(receiver).mailbox.push({send, rec.process, rec.text});
    }
    void queue_reply(ProcessIndex caller, EventIndex reply, uint64_t ref) {
        Inbox& inbox = inbox_of(caller);
        inbox.replies_by_ref.push(ref, reply);
        inbox.replies_by_sender.push(records[reply].process, reply);
        inbox.replies_by_sender.push(kAnyKey, reply);
        ++inbox.pending_replies;
    }
    void consumed_reply(Inbox& inbox) {
        if (--inbox.pending_replies == 0) {
            inbox.replies_by_ref.clear();
            inbox.replies_by_sender.clear();
        }
    }
    /// Every reply still pending in `inbox` ends unconsumed (the caller stopped waiting).
    void drop_pending_replies(Inbox& inbox) {
        for (EventIndex reply; (reply = take_front(inbox.replies_by_sender, kAnyKey)) != kNone;)
            add_arrow(ArrowKind::Reply, reply, reply, true);
        inbox.pending_replies = 0;
        inbox.replies_by_ref.clear();
        inbox.replies_by_sender.clear();
    }

    EventPayload payload_of(EventIndex index) const noexcept {
        EventPayload payload;
        if (!records[index].has_payload) return payload;
        if (const auto it = std::lower_bound(ref_events.begin(), ref_events.end(), index);
            it != ref_events.end() && *it == index)
            payload.ref = refs[static_cast<size_t>(it - ref_events.begin())];
        if (const auto it = std::lower_bound(number_events.begin(), number_events.end(), index);
            it != number_events.end() && *it == index) {
            const auto& [deadline, value] =
                numbers[static_cast<size_t>(it - number_events.begin())];
            payload.deadline_us = deadline;
            payload.value = value;
        }
        return payload;
    }

    uint32_t add_relation(Relation::Kind kind, ProcessIndex from, ProcessIndex to, uint64_t ref,
                          int64_t t, EventIndex event) {
        const auto index = static_cast<uint32_t>(relations.size());
        relations.push_back(Relation{t, kOpenEnd, event, from, to, kind});
        relation_refs.push_back(kind == Relation::Kind::Monitor ? ref : 0);
        lanes[from].relations.push_back(lists, index);
        if (to != from) lanes[to].relations.push_back(lists, index);
        if (kind == Relation::Kind::Monitor && ref != 0) active_monitors.set(ref, index);
        return index;
    }

    uint32_t active_link(ProcessIndex a, ProcessIndex b) const noexcept {
        // Search the shorter list, newest first: the link asked about is usually recent.
        const auto& list = lanes[a].relations.size() <= lanes[b].relations.size()
                               ? lanes[a].relations
                               : lanes[b].relations;
        for (uint32_t k = list.size(); k-- > 0;) {
            const Relation& r = relations[list[k]];
            if (r.kind == Relation::Kind::Link && r.end_us == kOpenEnd &&
                ((r.from == a && r.to == b) || (r.from == b && r.to == a)))
                return list[k];
        }
        return kNone;
    }

    void end_relation(uint32_t index, int64_t t) {
        Relation& r = relations[index];
        if (r.end_us != kOpenEnd) return;
        r.end_us = t;
        if (r.kind != Relation::Kind::Monitor) return;
        const uint64_t ref = relation_refs[index];
        if (active_monitors.find(ref) == index) active_monitors.erase(ref);
    }

    ProcessState state_of(EventIndex state_change) const noexcept {
        return static_cast<ProcessState>(records[state_change].detail);
    }

    void set_state(ProcessIndex p, ProcessState state, EventIndex event, int64_t t) {
        auto& states = lanes[p].states;
        if (!states.empty()) {
            const EventIndex current = states.back();
            if (state_of(current) == state) return;
            if (state_of(current) == ProcessState::Running) step(Series::BusySchedulers, t, -1);
            if (records[current].time_us == t) {
                // A zero-length state is invisible; the newer state replaces it, or continues the
                // state before it if that was the same.
                states.pop_back();
                if (!states.empty() && state_of(states.back()) == state &&
                    !(state == ProcessState::Waiting && lanes[p].open_window != kNone)) {
                    if (state == ProcessState::Running) step(Series::BusySchedulers, t, +1);
                    return;
                }
            }
        }
        if (state == ProcessState::Waiting && lanes[p].open_window != kNone)
            records[event].wait_kind_plus_one = wait_kind_note(windows[lanes[p].open_window].kind);
        if (state == ProcessState::Running) step(Series::BusySchedulers, t, +1);
        states.push_back(lists, event);
    }

    /// At exit the last state ends (its end is the exit time): only the series need telling.
    void close_state(ProcessIndex p, int64_t t) {
        const auto& states = lanes[p].states;
        if (!states.empty() && state_of(states.back()) == ProcessState::Running)
            step(Series::BusySchedulers, t, -1);
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

    void mark_task(ProcessIndex p) {
        ProcessInfo& info = processes[p];
        if (info.is_task) return;
        info.is_task = true;
        if (!info.exited()) step(Series::TasksInFlight, now(), +1);
    }

    uint32_t new_slot(ProcessIndex supervisor, StringId child_id, int64_t t) {
        const auto index = static_cast<uint32_t>(slots.size());
        ChildSlot& slot = slots.emplace_back();
        slot.supervisor = supervisor;
        slot.child_id = child_id;
        slot.first_start_us = t;
        extras[supervisor].slots.push_back(index);
        return index;
    }

    /// The slot a ChildRestart refills: the newest with that child id whose process is dead
    /// (several dynamic children may share an id), else the newest with that id.
    uint32_t slot_for_restart(ProcessIndex supervisor, StringId child_id) const noexcept {
        const ProcessExtras* extra = find_extras(supervisor);
        if (extra == nullptr) return kNone;
        uint32_t fallback = kNone;
        for (auto it = extra->slots.rbegin(); it != extra->slots.rend(); ++it) {
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

    void append(const Event& e, StringId text);
    void apply(const Event& e, EventIndex index);
    void receive(EventIndex index);
    void wait_end(const Event& e, EventIndex index);
};

void TraceModel::Impl::apply(const Event& e, EventIndex index) {
    const EventRecord& rec = records[index];
    const int64_t t = rec.time_us;
    const ProcessIndex p = rec.process;
    const ProcessIndex peer = rec.peer;
    if (p != kNone) lanes[p].events.push_back(lists, index);
    if (peer != kNone && peer != p) lanes[peer].events.push_back(lists, index);
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
                extras[peer].children.push_back(p);
                if (info.spawned_linked) add_relation(Relation::Kind::Link, peer, p, 0, t, index);
                if (info.spawned_monitored)
                    add_relation(Relation::Kind::Monitor, peer, p, e.ref.id, t, index);
            }
            break;
        }
        case EventKind::Caller:
            info.caller = peer;
            // The engine names what the task runs here; a supervised task's spawn only knew
            // the generic Task.Supervised entry point.
            if (rec.text != 0) info.initial_call = rec.text;
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
            if (Inbox* inbox = find_inbox(p)) {
                drop_pending_replies(*inbox);
                inbox->mailbox.clear();
                release_inbox_if_empty(p);
            }
            if (ProcessExtras* extra = find_extras(p))
                for (auto& name : extra->names)
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
            add_arrow(ArrowKind::Link, index, index);
            if (active_link(p, peer) == kNone)
                add_relation(Relation::Kind::Link, p, peer, 0, t, index);
            break;
        case EventKind::Unlink:
            if (peer == kNone) break;
            if (const uint32_t r = active_link(p, peer); r != kNone) end_relation(r, t);
            break;
        case EventKind::Monitor:
            if (peer == kNone) break;
            add_arrow(ArrowKind::Monitor, index, index);
            if (e.ref.id == 0 || !active_monitors.contains(e.ref.id))
                add_relation(Relation::Kind::Monitor, p, peer, e.ref.id, t, index);
            break;
        case EventKind::Demonitor:
            if (const uint32_t r = active_monitors.find(e.ref.id); r != IdMap::kMissing)
                end_relation(r, t);
            break;
        case EventKind::Down: {
            if (const uint32_t r = active_monitors.find(e.ref.id); r != IdMap::kMissing)
                end_relation(r, t);
            if (peer == kNone) break;
            const ProcessInfo& dead = processes[peer];
            if (dead.exit_event != kNone && dead.exit_us <= t)
                add_arrow(ArrowKind::Down, dead.exit_event, index);
            else  // :noproc, or the exit was not traced
                add_arrow(ArrowKind::Down, index, index);
            break;
        }
        case EventKind::ExitSignal: {
            if (peer == kNone) break;
            const ProcessInfo& source = processes[peer];
            if (source.exit_event != kNone && source.exit_us <= t)
                add_arrow(ArrowKind::ExitSignal, source.exit_event, index);
            else
                add_arrow(ArrowKind::ExitSignal, index, index);
            break;
        }
        case EventKind::Send:
            if (peer != kNone && !processes[peer].exited()) queue_send(peer, index);
            break;
        case EventKind::Receive:
            receive(index);
            break;
        case EventKind::WaitStart: {
            ProcessLanes& lane = lanes[p];
            if (lane.open_window != kNone)  // a wait without its end: close it where the next began
                close_window(lane.open_window, t, WindowOutcome::Message, kNone);
            const auto w = static_cast<uint32_t>(windows.size());
            WaitWindow window;
            window.start_us = t;
            window.deadline_us = e.deadline_us;
            window.ref = e.ref.id;
            window.process = p;
            window.peer = peer;
            window.start_event = index;
            window.kind = e.wait_kind;
            windows.push_back(window);
            open_windows.insert(w);
            lane.windows.push_back(lists, w);
            lane.open_window = w;
            // The engine may report the Waiting state before or after the WaitStart.
            if (!lane.states.empty() && !info.exited() &&
                state_of(lane.states.back()) == ProcessState::Waiting)
                records[lane.states.back()].wait_kind_plus_one = wait_kind_note(e.wait_kind);
            break;
        }
        case EventKind::WaitEnd:
            wait_end(e, index);
            break;
        case EventKind::Reply:
            if (peer == kNone) break;
            if (lanes[peer].open_window != kNone && !processes[peer].exited())
                queue_reply(peer, index, e.ref.id);
            else  // the caller had stopped waiting (timed out, or gone)
                add_arrow(ArrowKind::Reply, index, index, true);
            break;
        case EventKind::Register:
            extras[p].names.push_back(NameInterval{rec.text, t, kOpenEnd});
            break;
        case EventKind::Unregister:
            if (ProcessExtras* extra = find_extras(p))
                for (auto& name : extra->names)
                    if (name.name == rec.text && name.end_us == kOpenEnd) name.end_us = t;
            break;
        case EventKind::ChildStart:
            info.is_supervisor = true;
            if (peer != kNone) add_incarnation(new_slot(p, rec.text, t), peer, t);
            break;
        case EventKind::ChildRestart: {
            info.is_supervisor = true;
            if (peer == kNone) break;
            uint32_t s = slot_for_restart(p, rec.text);
            if (s == kNone) s = new_slot(p, rec.text, t);  // its start was not traced
            add_incarnation(s, peer, t);
            break;
        }
        case EventKind::ChildTerminate:
            if (peer != kNone && lanes[peer].slot != kNone)
                slots[lanes[peer].slot].terminated_us.push_back(t);
            break;
        case EventKind::SupervisorGiveUp:
            info.is_supervisor = true;
            extras[p].give_ups.push_back(t);
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

void TraceModel::Impl::receive(EventIndex index) {
    const EventRecord& rec = records[index];
    const ProcessIndex p = rec.process;
    const ProcessIndex sender = rec.peer;
    Inbox* inbox = find_inbox(p);
    if (inbox == nullptr) return;
    const ReleaseInboxIfEmpty release_if_empty{*this, p};
    // The matching rules are Mailbox::take's (pending_messages.h).
    if (const EventIndex send = inbox->mailbox.take(sender, rec.text, *this); send != kNone)
        add_arrow(ArrowKind::Message, send, index);
    // A reply taken out of the mailbox by a plain receive (the caller was not in a wait).
    if (sender == kNone || lanes[p].open_window != kNone || inbox->pending_replies == 0) return;
    if (const EventIndex reply = take_front(inbox->replies_by_sender, sender); reply != kNone) {
        add_arrow(ArrowKind::Reply, reply, index);
        consumed_reply(*inbox);
    }
}

void TraceModel::Impl::wait_end(const Event& e, EventIndex index) {
    const ProcessIndex p = records[index].process;
    ProcessLanes& lane = lanes[p];
    if (lane.open_window == kNone) return;
    const uint64_t window_ref = windows[lane.open_window].ref;
    const ProcessIndex awaited = windows[lane.open_window].peer;
    const WindowOutcome outcome = window_outcome(e.wait_outcome);
    close_window(lane.open_window, records[index].time_us, outcome, index);
    Inbox* inbox = find_inbox(p);
    if (inbox == nullptr || inbox->pending_replies == 0) return;
    const ReleaseInboxIfEmpty release_if_empty{*this, p};
    if (outcome == WindowOutcome::Message) {
        // The reply with the wait's ref; without a ref, the oldest from the awaited process.
        const EventIndex reply = window_ref != 0 ? take_front(inbox->replies_by_ref, window_ref)
                                                 : take_front(inbox->replies_by_sender, awaited);
        if (reply != kNone) {
            add_arrow(ArrowKind::Reply, reply, index);
            consumed_reply(*inbox);
        }
    } else {
        drop_pending_replies(*inbox);
    }
}

// -------------------------------------------------------------------------------------------

TraceModel::TraceModel() : impl_(std::make_unique<Impl>()) {}
TraceModel::TraceModel(std::span<const Event> events, RunInfo run)
    : impl_(std::make_unique<Impl>()), run_(std::move(run)) {
    reserve(events.size());
    append(events);
    // A finished trace does not grow: give back the slack of every growing array.
    shrink_to_fit();
}
TraceModel::~TraceModel() = default;
TraceModel::TraceModel(TraceModel&&) noexcept = default;
TraceModel& TraceModel::operator=(TraceModel&&) noexcept = default;

void TraceModel::reserve(size_t events) {
    Impl& m = *impl_;
    events = std::min<size_t>(events, kNone - 1);
    m.records.reserve(events);
    m.strings.reserve(events / 8);
    // Guesses (a trace of short tasks has a process per ~20 events and an arrow per ~4): what is
    // reserved and not used is address space only (large_array.h), and more than reserved grows
    // as before.
    m.processes.reserve(events / 8);
    m.lanes.reserve(events / 8);
    m.arrows.reserve(events / 4);
    m.arrows_by_start.reserve(events / 4);
}

void TraceModel::append(std::span<const Event> events) {
    for (const Event& e : events) append(e);
}

void TraceModel::append(const Event& e) {
    impl_->append(e, impl_->strings.intern(e.text));
}

void TraceModel::append(const Event& e, StringId text) {
    impl_->append(e, text < impl_->strings.size() ? text : impl_->strings.intern(e.text));
}

StringId TraceModel::intern(std::string_view text) {
    return impl_->strings.intern(text);
}

void TraceModel::Impl::append(const Event& e, StringId text) {
    Impl& m = *this;
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
    rec.text = text;
    if (e.ref.id != 0) {
        rec.has_payload = true;
        m.ref_events.push_back(index);
        m.refs.push_back(e.ref.id);
    }
    if (e.deadline_us != -1 || e.value != 0) {
        rec.has_payload = true;
        m.number_events.push_back(index);
        m.numbers.emplace_back(e.deadline_us, e.value);
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

EventPayload TraceModel::payload(EventIndex index) const noexcept {
    if (index >= impl_->records.size()) return {};
    return impl_->payload_of(index);
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
    e.text = std::string(m.strings.get(rec.text));
    const EventPayload extra = payload(index);
    e.ref.id = extra.ref;
    e.deadline_us = extra.deadline_us;
    e.value = extra.value;
    return e;
}

int64_t TraceModel::start_time() const noexcept {
    return impl_->start();
}
int64_t TraceModel::end_time() const noexcept {
    return std::max(impl_->now(), extended_end_us_);
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
    const StringTable::Id id = impl_->strings.find(text);
    return id == StringTable::kMissing ? kNone : id;
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
    const auto list = names(index);
    for (auto it = list.rbegin(); it != list.rend(); ++it) {
        if (t == kOpenEnd || (it->start_us <= t && t < it->end_us))
            return std::string(string(it->name));
    }
    const ProcessInfo& info = impl_->processes[index];
    if (info.initial_call != 0) return std::string(string(info.initial_call));
    return format_pid(info.pid);
}

std::span<const NameInterval> TraceModel::names(ProcessIndex index) const noexcept {
    const ProcessExtras* extra = impl_->find_extras(index);
    return extra ? std::span<const NameInterval>(extra->names) : std::span<const NameInterval>{};
}
std::span<const ProcessIndex> TraceModel::spawned_children(ProcessIndex index) const noexcept {
    const ProcessExtras* extra = impl_->find_extras(index);
    return extra ? std::span<const ProcessIndex>(extra->children) : std::span<const ProcessIndex>{};
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

uint32_t TraceModel::state_count(ProcessIndex index) const noexcept {
    return static_cast<uint32_t>(impl_->lanes[index].states.size());
}

StateInterval TraceModel::state(ProcessIndex index, uint32_t i) const noexcept {
    const Impl& m = *impl_;
    const auto& states = m.lanes[index].states;
    const EventRecord& start = m.records[states[i]];
    StateInterval interval;
    interval.start_us = start.time_us;
    interval.start_event = states[i];
    interval.state = static_cast<ProcessState>(start.detail);
    interval.has_wait_kind = start.wait_kind_plus_one != 0;
    if (interval.has_wait_kind)
        interval.wait_kind = static_cast<WaitKind>(start.wait_kind_plus_one - 1);
    const ProcessInfo& info = m.processes[index];
    if (i + 1 < states.size()) {
        interval.end_us = m.records[states[i + 1]].time_us;
    } else if (info.exited()) {
        interval.end_us = info.exit_us;
    } else {
        interval.end_us = std::max(end_time(), start.time_us);
        interval.open = true;
    }
    return interval;
}

IndexRange TraceModel::states_in(ProcessIndex index, int64_t t0, int64_t t1) const noexcept {
    const auto& states = impl_->lanes[index].states;
    if (states.empty() || t1 < t0) return {};
    // States follow each other, so the one in force at t0 is the last starting at or before it.
    const auto& records = impl_->records;
    auto first = std::upper_bound(states.begin(), states.end(), t0,
                                  [&](int64_t t, EventIndex s) { return t < records[s].time_us; });
    if (first != states.begin()) --first;
    const auto last = std::upper_bound(
        first, states.end(), t1, [&](int64_t t, EventIndex s) { return t < records[s].time_us; });
    IndexRange range{static_cast<uint32_t>(first - states.begin()),
                     static_cast<uint32_t>(last - states.begin())};
    // The first may have ended before t0 (at the exit) or exactly at t0.
    if (!range.empty()) {
        const StateInterval head = state(index, range.first);
        if (head.end_us <= t0 && head.start_us < t0) ++range.first;
    }
    return range;
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

uint32_t TraceModel::arrow_count() const noexcept {
    return static_cast<uint32_t>(impl_->arrows.size());
}
Arrow TraceModel::arrow(uint32_t index) const noexcept {
    return impl_->materialize(impl_->arrows[index]);
}
std::span<const uint32_t> TraceModel::arrows_by_start() const noexcept {
    impl_->sort_arrows();
    return impl_->arrows_by_start;
}
IndexRange TraceModel::arrows_in(int64_t t0, int64_t t1) const noexcept {
    impl_->sort_arrows();
    const auto& order = impl_->arrows_by_start;
    const Impl& m = *impl_;
    const int64_t from = t0 - m.longest_arrow;
    const auto first =
        std::lower_bound(order.begin(), order.end(), from,
                         [&](uint32_t i, int64_t t) { return m.arrow_start(i) < t; });
    const auto last = std::upper_bound(first, order.end(), t1,
                                       [&](int64_t t, uint32_t i) { return t < m.arrow_start(i); });
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
    const ProcessExtras* extra = impl_->find_extras(supervisor);
    return extra ? std::span<const uint32_t>(extra->slots) : std::span<const uint32_t>{};
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
    const ProcessExtras* extra = impl_->find_extras(supervisor);
    return extra ? std::span<const int64_t>(extra->give_ups) : std::span<const int64_t>{};
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
    auto earlier = [&](uint32_t a, uint32_t b) {
        const auto ka = start_key(a), kb = start_key(b);
        if (ka != kb) return ka < kb;
        return tree.nodes[a].process < tree.nodes[b].process;
    };
    // Processes are numbered in order of appearance, so the nodes are usually in order already:
    // checking is one pass, sorting 100k nodes on every scrub is not.
    if (!std::is_sorted(order.begin(), order.end(), earlier))
        std::stable_sort(order.begin(), order.end(), earlier);
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
    tree.node_by_process = std::move(node_of);
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
    m.sort_arrows();
    // The largest arrays were reserved from the loader's estimate or grew by doubling: mapped,
    // their slack was never written and takes no memory, so they are not copied to shrink.
    large_array_shrink_to_fit(m.records);
    m.seq_runs.shrink_to_fit();
    m.ref_events.shrink_to_fit();
    m.refs.shrink_to_fit();
    m.number_events.shrink_to_fit();
    m.numbers.shrink_to_fit();
    large_array_shrink_to_fit(m.processes);
    large_array_shrink_to_fit(m.lanes);
    for (auto& [process, extra] : m.extras) extra.shrink_to_fit();
    m.windows.shrink_to_fit();
    large_array_shrink_to_fit(m.arrows);
    large_array_shrink_to_fit(m.arrows_by_start);
    m.taken_events.shrink_to_fit();
    m.relations.shrink_to_fit();
    m.relation_refs.shrink_to_fit();
    for (auto& s : m.series) s.shrink_to_fit();
    m.output_events.shrink_to_fit();
}

size_t TraceModel::memory_bytes() const noexcept {
    const Impl& m = *impl_;
    size_t bytes =
        sizeof(Impl) + large_array_bytes(m.records) + capacity_bytes(m.seq_runs) +
        capacity_bytes(m.ref_events) + capacity_bytes(m.refs) + capacity_bytes(m.number_events) +
        capacity_bytes(m.numbers) + m.strings.memory_bytes() + large_array_bytes(m.lanes) +
        m.extras.bucket_count() * sizeof(void*) + large_array_bytes(m.processes) +
        capacity_bytes(m.dense_pids) + m.other_pids.size() * 32 + capacity_bytes(m.windows) +
        m.open_windows.size() * 40 + large_array_bytes(m.arrows) +
        large_array_bytes(m.arrows_by_start) + capacity_bytes(m.taken_events) +
        capacity_bytes(m.relations) + capacity_bytes(m.relation_refs) +
        m.active_monitors.memory_bytes() + capacity_bytes(m.output_events);
    bytes += m.lists.memory_bytes();  // what the lanes' lists hold
    for (const auto& [process, extra] : m.extras) bytes += extra.memory_bytes();
    for (const auto& inbox : m.inboxes) bytes += inbox.memory_bytes();
    bytes += capacity_bytes(m.free_inboxes);
    for (const auto& slot : m.slots)
        bytes += sizeof(ChildSlot) + capacity_bytes(slot.incarnations) +
                 capacity_bytes(slot.incarnation_start_us) + capacity_bytes(slot.terminated_us);
    for (const auto& s : m.series) bytes += capacity_bytes(s);
    return bytes;
}

}  // namespace tasklens::trace
