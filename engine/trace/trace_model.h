#pragma once
// The trace model: everything the views ask about a run, answered from the events alone
// (event-sourced), never from the live engine. Build it from a finished trace or append events as
// they arrive (the GUI thread appends the batches handed over by a BatchingSubscriber).
//
// Layout (style.md point 5): flat arrays sorted by time and addressed by 32-bit indexes, with
// per-process indexes; every "what intersects [t0, t1]" query is a binary search returning an
// index range. Strings are interned, so a span or an event record is a handful of integers.
//
// Open things (a process still alive, a wait not ended yet) are stored with end_us == kOpenEnd;
// the model infers their end on request (`state`, `resolve`): the end of the trace, or for a wait
// whose deadline passed, the deadline.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/runtime/ids.h"
#include "engine/trace/event.h"

namespace tasklens::trace {

/// Index of a process in the model (dense, in order of first appearance). Not a Pid.
using ProcessIndex = uint32_t;
/// Index of an event in the model (== position in the run when seq has no gaps).
using EventIndex = uint32_t;
/// Index of an interned string; 0 is always the empty string.
using StringId = uint32_t;

inline constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
inline constexpr int64_t kOpenEnd = std::numeric_limits<int64_t>::max();

/// A half-open range [first, last) of indexes into one of the model's arrays.
struct IndexRange {
    uint32_t first = 0;
    uint32_t last = 0;
    constexpr bool empty() const noexcept { return first >= last; }
    constexpr uint32_t size() const noexcept { return empty() ? 0 : last - first; }
};

/// Run metadata: the trace file header, shown in the window title and the exporters.
struct RunInfo {
    std::string scenario;    ///< scenario name (file name or `name:` in the script)
    int schedulers = 0;      ///< virtual schedulers online
    std::string started_at;  ///< wall-clock start of the recording, ISO 8601 UTC
    std::string tasklens_version;
    int64_t seed = 0;  ///< scheduling seed, if the run had one
};

/// One event as the model stores it (24 bytes instead of Event's ~100): pids are process
/// indexes, the text is interned, and the fields most events leave at their defaults (ref,
/// deadline_us, value) live in a side table: see TraceModel::payload. `TraceModel::event(i)`
/// gives back the original Event exactly.
struct EventRecord {
    int64_t time_us = 0;
    ProcessIndex process = kNone;  ///< Event::pid (kNone if invalid)
    ProcessIndex peer = kNone;     ///< Event::peer (kNone if invalid)
    StringId text = 0;
    EventKind kind = EventKind::StateChange;
    uint8_t flags = 0;
    uint8_t detail = 0;           ///< the raw union byte of Event
    uint8_t has_payload : 1 = 0;  ///< ref, deadline_us or value is not at its default
    /// The model's note on a StateChange to Waiting: 1 + the WaitKind of the wait it belongs to
    /// (from the WaitStart), 0 if none. Not part of the event.
    uint8_t wait_kind_plus_one : 3 = 0;
};

/// The rarely used fields of an event.
struct EventPayload {
    uint64_t ref = 0;          ///< Ref::id
    int64_t deadline_us = -1;  ///< WaitStart / Sleep
    int64_t value = 0;
};

/// One process over its whole life.
struct ProcessInfo {
    Pid pid;
    ProcessIndex parent = kNone;      ///< spawn parent (head of $ancestors)
    ProcessIndex caller = kNone;      ///< head of $callers (Caller event), kNone if not a task
    ProcessIndex supervisor = kNone;  ///< the supervisor that started it (ChildStart/Restart)
    StringId initial_call = 0;
    StringId child_id = 0;  ///< its child id under `supervisor`
    StringId exit_reason = 0;
    int64_t spawn_us = 0;        ///< Spawn time (first appearance if no Spawn was seen)
    int64_t exit_us = kOpenEnd;  ///< Exit time, kOpenEnd while alive
    EventIndex spawn_event = kNone;
    EventIndex exit_event = kNone;
    ExitReasonClass reason_class = ExitReasonClass::Normal;
    bool spawned_linked = false;  ///< spawn_link
    bool spawned_monitored = false;
    bool is_task = false;        ///< has a Caller event, or its initial call starts with "Task."
    bool is_supervisor = false;  ///< started children, or its initial call names a supervisor
    bool seen_spawn = false;     ///< false for processes that existed before the trace began

    bool alive_at(int64_t t) const noexcept { return spawn_us <= t && t < exit_us; }
    bool exited() const noexcept { return exit_us != kOpenEnd; }
};

/// A registered name held by a process over [start_us, end_us).
struct NameInterval {
    StringId name = 0;
    int64_t start_us = 0;
    int64_t end_us = kOpenEnd;
};

/// What a state interval shows: the scheduling state and, for Waiting, why (if a WaitStart said).
/// A process's states follow each other without gaps from its first StateChange to its exit.
struct StateInterval {
    int64_t start_us = 0;
    int64_t end_us = 0;  ///< the next state's start, the exit, or (if open) the end of the trace
    EventIndex start_event = kNone;
    ProcessState state = ProcessState::Runnable;
    bool has_wait_kind = false;
    WaitKind wait_kind = WaitKind::Receive;  ///< valid if has_wait_kind
    bool open = false;  ///< the current state of a live process: end_us is inferred
};

/// "running", "awaiting a task", "in GenServer.call", ... for labels and tooltips.
std::string_view describe(const StateInterval& interval) noexcept;

/// How a wait window ended, as the model knows it.
enum class WindowOutcome : uint8_t {
    Message,  ///< WaitEnd said: a message (for awaits: the reply)
    Timeout,  ///< WaitEnd said timeout, or inferred: the deadline passed before the trace ended
    Down,     ///< the awaited process went DOWN first
    Killed,   ///< the waiter was killed, or inferred: it exited while waiting
    Open,     ///< still waiting at the end of the trace (no deadline yet reached)
};
std::string_view to_string(WindowOutcome) noexcept;

/// A timeout window: WaitStart .. WaitEnd, drawn ending at its deadline.
struct WaitWindow {
    int64_t start_us = 0;
    int64_t deadline_us = -1;   ///< -1 = infinity
    int64_t end_us = kOpenEnd;  ///< kOpenEnd until ended; see TraceModel::resolve
    uint64_t ref = 0;
    ProcessIndex process = kNone;
    ProcessIndex peer = kNone;  ///< the awaited process, if known
    EventIndex start_event = kNone;
    EventIndex end_event = kNone;
    WaitKind kind = WaitKind::Receive;
    WindowOutcome outcome = WindowOutcome::Open;
};

/// A window with its end and outcome filled in: inferred if `inferred`.
struct ResolvedWindow {
    int64_t end_us = 0;
    WindowOutcome outcome = WindowOutcome::Open;
    bool inferred = false;
};

enum class ArrowKind : uint8_t {
    Message,     ///< Send -> matching Receive
    Reply,       ///< Reply -> the caller's WaitEnd / Receive that consumed it (or the Reply itself)
    Down,        ///< Exit of the monitored process -> Down delivered to the monitor
    ExitSignal,  ///< source (its Exit if it died) -> target
    Link,        ///< Link created (pid -> peer), including spawn_link
    Monitor,     ///< Monitor created (monitoring -> monitored), including spawn_monitor
};
std::string_view to_string(ArrowKind) noexcept;

/// A causal arrow between two lanes. Both endpoints are always set. (The model stores 12 bytes
/// per arrow and fills this in on request: TraceModel::arrow.) Spawns are not arrows: draw them
/// from ProcessInfo::parent and spawn_event.
struct Arrow {
    int64_t from_us = 0;
    int64_t to_us = 0;
    ProcessIndex from_process = kNone;
    ProcessIndex to_process = kNone;
    EventIndex from_event = kNone;
    EventIndex to_event = kNone;
    ArrowKind kind = ArrowKind::Message;
    bool unconsumed = false;  ///< Reply never consumed (the caller had stopped waiting)
};

/// A link or monitor over [start_us, end_us).
struct Relation {
    enum class Kind : uint8_t { Link, Monitor };
    int64_t start_us = 0;
    int64_t end_us = kOpenEnd;
    EventIndex start_event = kNone;  ///< Link, Monitor or Spawn; a monitor's ref is its payload
    ProcessIndex from = kNone;       ///< Link: pid; Monitor: the monitoring process
    ProcessIndex to = kNone;         ///< Link: peer; Monitor: the monitored process
    Kind kind = Kind::Link;
    bool active_at(int64_t t) const noexcept { return start_us <= t && t < end_us; }
};

/// One child id under one supervisor, across restarts.
struct ChildSlot {
    ProcessIndex supervisor = kNone;
    StringId child_id = 0;
    int64_t first_start_us = 0;
    /// Every process that filled the slot, in start order (index 0 = first start).
    std::vector<ProcessIndex> incarnations;
    std::vector<int64_t> incarnation_start_us;
    std::vector<int64_t> terminated_us;  ///< ChildTerminate times (the supervisor shut it down)
};

/// A node of the supervision tree at some time t.
struct TreeNode {
    ProcessIndex process = kNone;
    uint32_t parent_node = kNone;  ///< index into TreeSnapshot::nodes
    uint32_t slot = kNone;         ///< index into TraceModel::child_slots(), if a supervised child
    uint32_t restarts = 0;         ///< restarts of its slot up to t
    bool alive = true;             ///< false: a dead child (draw dashed / grey)
    std::vector<uint32_t> children;  ///< node indexes, in start order
};

/// The supervision tree at time t: supervised children under their supervisor, every other
/// process under its spawn parent; roots are processes without a living parent in the tree.
struct TreeSnapshot {
    int64_t time_us = 0;
    std::vector<TreeNode> nodes;
    std::vector<uint32_t> roots;      ///< node indexes, in start order
    std::vector<uint32_t> relations;  ///< indexes into TraceModel::relations() active at t
    uint32_t node_of(ProcessIndex process) const noexcept;  ///< kNone if absent; O(1)
    /// process -> node (kNone if absent), filled by TraceModel::tree_at.
    std::vector<uint32_t> node_by_process;
};

/// An exit of one incarnation of a child, for restart history.
struct ExitRecord {
    int64_t time_us = 0;
    ProcessIndex process = kNone;
    StringId reason = 0;
    ExitReasonClass reason_class = ExitReasonClass::Normal;
};

/// A step function: value holds from point i's time until point i+1's time. Packed to 12 bytes:
/// the busy-schedulers series has a point at nearly every scheduling change.
#pragma pack(push, 4)
struct StepPoint {
    int64_t time_us = 0;
    int32_t value = 0;
};
#pragma pack(pop)

enum class Series : uint8_t {
    ProcessesAlive,
    TasksInFlight,   ///< alive processes that are tasks (ProcessInfo::is_task)
    BusySchedulers,  ///< processes in the Running state
};
inline constexpr int kSeriesCount = 3;

class TraceModel {
  public:
    TraceModel();
    /// The model of a finished trace (spare capacity released at the end).
    explicit TraceModel(std::span<const Event> events, RunInfo run = {});
    ~TraceModel();
    TraceModel(TraceModel&&) noexcept;
    TraceModel& operator=(TraceModel&&) noexcept;

    // --- building -------------------------------------------------------------------------
    /// Appends events in seq order (at most 2^32 - 2; later ones are ignored). Time must not go
    /// backwards; if it does, the event is kept at the previous time (so the arrays stay sorted)
    /// and counted in clamped_events().
    void append(const Event& event);
    void append(std::span<const Event> events);
    /// As append(event), with the event's text already interned as `text` (an id intern() gave
    /// for it): event.text is not read. A loader whose file numbers its texts (the binary
    /// format's text table) interns each once instead of once per event.
    void append(const Event& event, StringId text);
    /// The id of `text` among the model's strings, added if new (see append(event, text)).
    StringId intern(std::string_view text);
    void set_run_info(RunInfo run) { run_ = std::move(run); }
    /// A live run's clock went on to `t_us` without an event (a sleep, a wait): end_time()
    /// becomes at least `t_us`, so open spans reach it. Never moves end_time() back; later events
    /// may still be appended at times before it.
    void extend_end_to(int64_t t_us) noexcept {
        extended_end_us_ = std::max(extended_end_us_, t_us);
    }
    /// Makes room for about `events` events (a loader's estimate), so the big arrays do not
    /// grow by copying while a trace loads.
    void reserve(size_t events);
    const RunInfo& run_info() const noexcept { return run_; }

    // --- events ---------------------------------------------------------------------------
    uint32_t event_count() const noexcept;
    const EventRecord& record(EventIndex index) const noexcept;
    std::span<const EventRecord> records() const noexcept;
    EventPayload payload(EventIndex index) const noexcept;  ///< defaults if !has_payload
    Event event(EventIndex index) const;  ///< the original event, reconstructed exactly
    uint64_t seq(EventIndex index) const noexcept;
    /// Time of the first / last event (0 for an empty model); end_time() is at least the time
    /// given to extend_end_to. Open spans end at end_time().
    int64_t start_time() const noexcept;
    int64_t end_time() const noexcept;
    uint64_t clamped_events() const noexcept;
    /// Events with time in [t0, t1].
    IndexRange events_in(int64_t t0, int64_t t1) const noexcept;
    /// Event indexes where the process is `pid` or `peer`, time-sorted.
    std::span<const EventIndex> events_of(ProcessIndex process) const noexcept;
    /// The sub-range of events_of(process) with time in [t0, t1] (indexes into that span).
    IndexRange events_of_in(ProcessIndex process, int64_t t0, int64_t t1) const noexcept;

    // --- strings --------------------------------------------------------------------------
    std::string_view string(StringId id) const noexcept;
    StringId find_string(std::string_view text) const noexcept;  ///< kNone if never seen

    // --- processes ------------------------------------------------------------------------
    uint32_t process_count() const noexcept;
    const ProcessInfo& process(ProcessIndex index) const noexcept;
    ProcessIndex find(Pid pid) const noexcept;  ///< kNone if unknown
    /// Registered name at t, else the initial call, else the pid: what a lane or node is called.
    std::string display_name(ProcessIndex index, int64_t t = kOpenEnd) const;
    std::span<const NameInterval> names(ProcessIndex index) const noexcept;
    /// Children spawned by the process, in spawn order.
    std::span<const ProcessIndex> spawned_children(ProcessIndex index) const noexcept;
    /// `$ancestors`: spawn parents from the direct parent up to the root.
    std::vector<ProcessIndex> ancestors(ProcessIndex index) const;
    /// `$callers`: the caller, its caller, ... (empty for a process that is not a task).
    std::vector<ProcessIndex> callers(ProcessIndex index) const;

    // --- states ---------------------------------------------------------------------------
    /// States are stored in 16 bytes and filled in on request (with their end) by state().
    uint32_t state_count(ProcessIndex index) const noexcept;
    StateInterval state(ProcessIndex index, uint32_t i) const noexcept;
    /// The states i of the process that intersect [t0, t1] (binary search).
    IndexRange states_in(ProcessIndex index, int64_t t0, int64_t t1) const noexcept;
    // --- waits (timeout windows) ----------------------------------------------------------
    std::span<const WaitWindow> wait_windows() const noexcept;  ///< sorted by start
    std::span<const uint32_t> wait_windows_of(ProcessIndex index) const noexcept;
    ResolvedWindow resolve(const WaitWindow& window) const noexcept;
    /// Candidates for [t0, t1]: a range of wait_windows() (sorted by start) holding every window
    /// that intersects it; skip those that resolve to end before t0.
    IndexRange wait_windows_in(int64_t t0, int64_t t1) const noexcept;

    // --- arrows ---------------------------------------------------------------------------
    /// Arrows are numbered in the order they were completed (a message's at its Receive).
    uint32_t arrow_count() const noexcept;
    Arrow arrow(uint32_t index) const noexcept;
    /// Arrow indexes sorted by from_us.
    std::span<const uint32_t> arrows_by_start() const noexcept;
    /// Candidates for [t0, t1]: the sub-range of arrows_by_start() whose from_us is in
    /// [t0 - longest arrow, t1]. Skip those with to_us < t0.
    IndexRange arrows_in(int64_t t0, int64_t t1) const noexcept;
    std::span<const uint32_t> arrows_of(ProcessIndex index) const noexcept;  ///< either end

    // --- links, monitors, supervision -----------------------------------------------------
    std::span<const Relation> relations() const noexcept;
    std::span<const uint32_t> relations_of(ProcessIndex index) const noexcept;  ///< either end
    std::span<const ChildSlot> child_slots() const noexcept;
    std::span<const uint32_t> child_slots_of(ProcessIndex supervisor) const noexcept;
    /// Exits of the slot's incarnations up to t, oldest first.
    std::vector<ExitRecord> exit_history(uint32_t slot, int64_t t = kOpenEnd) const;
    uint32_t restart_count(uint32_t slot, int64_t t = kOpenEnd) const noexcept;
    /// Times at which the supervisor gave up (SupervisorGiveUp).
    std::span<const int64_t> give_ups(ProcessIndex supervisor) const noexcept;
    TreeSnapshot tree_at(int64_t t) const;

    // --- concurrency ----------------------------------------------------------------------
    std::span<const StepPoint> series(Series which) const noexcept;
    int64_t series_value_at(Series which, int64_t t) const noexcept;
    /// Points of the series whose step intersects [t0, t1] (includes the step in force at t0).
    IndexRange series_in(Series which, int64_t t0, int64_t t1) const noexcept;

    // --- console and logs -----------------------------------------------------------------
    /// Console and Log events, time-sorted (indexes into records()).
    std::span<const EventIndex> output_events() const noexcept;

    /// Releases spare capacity (after loading a finished trace). The big arrays, mapped, are left
    /// as they are: their spare capacity was never written and takes no memory (large_array.h).
    /// The per-process lists keep their power-of-two chunks (index_pool.h).
    void shrink_to_fit();
    /// Bytes held by the model (capacity of every array and string; of a big mapped array, the
    /// pages up to its size), for the bytes/event figure and the loader's memory budget.
    size_t memory_bytes() const noexcept;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    RunInfo run_;
    int64_t extended_end_us_ = INT64_MIN;
};

}  // namespace tasklens::trace
