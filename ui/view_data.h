#pragma once
// What the three views draw, as flat value types. The adapter in trace_adapter.h fills them from
// the trace model; tests and benchmarks fill them by hand. Keeping the painters on these plain
// structs means a painter never walks events and never depends on how the model stores them.
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/runtime/ids.h"
#include "engine/trace/event.h"
#include "ui/timeline_geometry.h"

namespace tasklens::ui {

/// The colour classes of a lane. `Awaiting` is `Waiting` inside Task.await / Task.yield /
/// GenServer.call: the views split it out because it is what a Task user looks for.
enum class SpanState : uint8_t { Running, Runnable, Waiting, Sleeping, Awaiting, Exiting };
inline constexpr int kSpanStateCount = 6;

/// What a process is for, as far as the pictures care.
enum class ProcessRole : uint8_t {
    Supervisor,  ///< Supervisor, Task.Supervisor, DynamicSupervisor, PartitionSupervisor
    Server,      ///< GenServer, Agent
    Task,        ///< Task.async / Task.Supervisor.async_nolink / async_stream workers
    Process,     ///< anything else: scenario code, spawn/1
};

/// "#PID<0.123.0>"
std::string formatPid(Pid pid);

/// One process as the views name it.
struct ProcessLabel {
    Pid pid;
    std::string registered_name;  ///< empty when not registered
    std::string initial_call;     ///< e.g. "Task.Supervisor.async_nolink/2 fn"
    ProcessRole role = ProcessRole::Process;

    /// The registered name if any, else the initial call: the first thing a reader recognises.
    std::string title() const;
};

// ---------------------------------------------------------------------------------------------
// Timeline

/// One interval of a lane in one state. Within a lane, spans are sorted and do not overlap, so
/// both their begins and their ends are sorted: the visible range is two binary searches.
struct StateSpan {
    int64_t begin_us = 0;
    int64_t end_us = 0;
    SpanState state = SpanState::Running;
};

/// A wait with a deadline (await, yield, receive-after, call, shutdown): a window from its start
/// to its deadline, with the moment and manner it ended.
struct WaitWindow {
    int64_t begin_us = 0;
    int64_t deadline_us = -1;  ///< -1: :infinity
    int64_t end_us = -1;       ///< -1: still waiting at the end of the trace
    trace::WaitKind kind = trace::WaitKind::Receive;
    trace::WaitOutcome outcome = trace::WaitOutcome::Message;

    bool ended() const { return end_us >= 0; }
    /// The last moment the window covers on screen.
    int64_t reachUs(int64_t trace_end_us) const;
};

struct Lane {
    ProcessLabel process;
    int depth = 0;  ///< indentation: 0 for roots, +1 per supervision level
    int64_t spawn_us = 0;
    int64_t exit_us = -1;  ///< -1: still alive at the end of the trace
    trace::ExitReasonClass exit_class = trace::ExitReasonClass::Normal;
    std::string exit_reason;  ///< inspected reason, e.g. ":normal", "{:timeout, ...}"
    int restarts = 0;         ///< for supervised children: how often their slot was restarted
    /// >= 0: this lane stands for a folded group of similar lanes (TimelineData::groups);
    /// its spans and waits are empty and the painters draw the group's counts instead.
    int group = -1;
    std::vector<StateSpan> spans;       ///< sorted by begin; they do not overlap
    std::vector<WaitWindow> waits;      ///< sorted by begin
    int64_t longest_wait_reach_us = 0;  ///< the widest window (TimelineData::updateReach)
};

enum class ArrowKind : uint8_t {
    Spawn,       ///< parent -> child, at the spawn
    Message,     ///< send -> receive
    Reply,       ///< a task or server answering its caller
    Down,        ///< a DOWN message delivered to a monitoring process
    ExitSignal,  ///< an exit signal along a link (or Process.exit/2)
};

struct FlowArrow {
    int64_t from_us = 0;
    int64_t to_us = 0;
    int32_t from_lane = 0;
    int32_t to_lane = 0;
    ArrowKind kind = ArrowKind::Message;
    std::string label;  ///< short rendering of the message or reason

    int64_t startUs() const { return std::min(from_us, to_us); }
    int64_t endUs() const { return std::max(from_us, to_us); }
};

/// The arrows between the same two lanes of the same kind, sorted by start: the painter jumps a
/// fold width at a time within a run (binary search), so drawing follows pixels, not arrows.
struct ArrowRun {
    int32_t from_lane = 0;
    int32_t to_lane = 0;
    ArrowKind kind = ArrowKind::Message;
    int64_t longest_us = 0;
    std::vector<uint32_t> arrows;  ///< indexes into TimelineData::arrows, sorted by start
    /// reach_us[k]: the latest end (endUs) of arrows[0..k], so non-decreasing: the first arrow
    /// of the run still in view at t is the first k with reach_us[k] >= t (a binary search,
    /// where walking from t - longest_us stepped over every arrow that ended before t).
    std::vector<int64_t> reach_us;
};

struct SeriesPoint {
    int64_t t_us = 0;
    double value = 0;
};

/// The counts of a folded group from `t_us` until the next point (a step function).
struct GroupCountPoint {
    int64_t t_us = 0;
    int32_t alive = 0;
    int32_t running = 0;  ///< alive members in the Running state
    int32_t waiting = 0;  ///< alive members waiting (receive, await, call, sleep)
};

/// Sibling lanes running the same code under one parent, folded into one lane (lane_folding.h).
struct LaneGroup {
    std::string title;  ///< what the members run, e.g. "Task.Supervisor.async_nolink/3 fn"
    ProcessRole role = ProcessRole::Process;
    int members = 0;
    int done = 0;     ///< exited normally (or with :shutdown)
    int crashed = 0;  ///< exited with any other reason (crash, killed)
    int alive_at_end = 0;
    int timeouts = 0;  ///< wait windows of the members that timed out
    int32_t peak_alive = 0;
    std::vector<GroupCountPoint> counts;  ///< sorted by time
    std::vector<int64_t> crash_us;        ///< crash exits, sorted
    std::vector<int64_t> timeout_us;      ///< timed-out waits, sorted
    std::vector<Pid> member_pids;         ///< in lane order
    int fold_id = -1;                     ///< which FoldCandidate it came from (to expand it)
    bool expanded = false;                ///< the members are listed under this lane

    /// "1,000 × Task fn in Worker.run/1 — 980 done, 15 alive, 5 crashed"
    std::string label() const;
    /// The step in force at t (all zero before the first point).
    GroupCountPoint countsAt(int64_t t_us) const;
};

/// Everything the timeline draws. Spans and waits are kept per lane, so a live run appends to
/// any lane in place (view_data_live.h); arrows keep the index they were added at and are
/// reached in time order through arrowsByStart() and arrowRuns().
struct TimelineData {
    TimeWindow range;
    std::vector<Lane> lanes;
    std::vector<FlowArrow> arrows;  ///< in the order they were added
    std::vector<SeriesPoint> processes_alive;
    std::vector<SeriesPoint> tasks_in_flight;
    std::vector<SeriesPoint> busy_schedulers;
    int schedulers = 0;
    std::string scenario;           ///< the run's name, for titles
    int64_t run_end_us = 0;         ///< the last event (range.end_us adds a margin after it)
    std::vector<LaneGroup> groups;  ///< folded groups, referenced by Lane::group
    int folded_lanes = 0;           ///< lanes of the full timeline hidden inside groups

    int laneCount() const { return static_cast<int>(lanes.size()); }
    std::span<const StateSpan> spansOf(int lane) const { return lanes[size_t(lane)].spans; }
    std::span<const WaitWindow> waitsOf(int lane) const { return lanes[size_t(lane)].waits; }
    size_t spanCount() const;
    /// The lane of a process; for a member of a folded group, the group's lane.
    int laneOf(Pid pid) const;
    /// Makes laneOf(pid) answer `lane` (members of a folded group).
    void mapPidToLane(Pid pid, int lane) { lane_of_pid_[pid] = lane; }
    /// Fills the lookup laneOf uses and the derived per-lane figures; call after filling lanes.
    /// The arrows are indexed when first asked for.
    void finish();
    /// Recomputes lane's longest_wait_reach_us (its waits changed, or the trace end moved).
    void updateReach(int lane);
    /// Indexes arrows[first_new ..) (appended since the last finish or indexArrowsFrom): O(new
    /// log new) plus a merge with the indexed arrows they overlap in time. Nothing while the
    /// arrows were never asked for (they are indexed in bulk then).
    void indexArrowsFrom(size_t first_new);

    /// Removes lane `lane` and hands what pointed at it to lane `into` (< lane): its pid maps
    /// there, its arrows end there (dropped where both ends then meet on one group lane, as
    /// folding drops them), later lanes move up by one, and the arrow index follows. O(arrows +
    /// mapped pids) with no sorting: a live task that turns out to belong to a folded group
    /// joins it without folding 100k lanes anew.
    void mergeLaneInto(int lane, int into);

    // The arrow index, built on first use: a full timeline that is drawn folded (100k lanes,
    // ~300k runs) is never indexed. Not thread-safe; the views read it on the GUI thread.
    /// Arrow indexes sorted by (startUs, index).
    const std::vector<uint32_t>& arrowsByStart() const;
    /// One run per (from lane, to lane, kind); their order carries no meaning.
    const std::vector<ArrowRun>& arrowRuns() const;
    int64_t longestArrowUs() const;
    bool arrowsIndexed() const { return arrows_indexed_; }

  private:
    void indexAllArrows() const;

    std::unordered_map<Pid, int> lane_of_pid_;
    mutable bool arrows_indexed_ = false;
    mutable std::vector<uint32_t> arrows_by_start_;
    mutable std::vector<ArrowRun> arrow_runs_;
    mutable int64_t longest_arrow_us_ = 0;
    /// (from lane, to lane, kind) -> index into arrow_runs_, filled on the first incremental
    /// indexArrowsFrom (a bulk index does without it).
    mutable std::unordered_map<uint64_t, uint32_t> run_of_key_;
};

/// Appends lanes, spans and waits in lane order. Tests and benchmarks build data with this.
class TimelineDataBuilder {
  public:
    explicit TimelineDataBuilder(TimeWindow range) { data_.range = range; }
    /// Starts a new lane; following spans and waits belong to it. Returns its index.
    int addLane(Lane lane);
    void addSpan(StateSpan span) { data_.lanes.back().spans.push_back(span); }
    void addWait(WaitWindow wait) { data_.lanes.back().waits.push_back(wait); }
    void addArrow(FlowArrow arrow) { data_.arrows.push_back(arrow); }
    TimelineData& data() { return data_; }
    /// Closes the last lane, sorts arrows, derives lookups.
    TimelineData finish();

  private:
    void closeLane();
    TimelineData data_;
    bool lane_open_ = false;
};

// ---------------------------------------------------------------------------------------------
// Supervision tree at a moment

struct TreeNode {
    ProcessLabel process;
    SpanState state = SpanState::Waiting;
    bool alive = true;
    int restarts = 0;
    std::string child_id;  ///< the supervisor's child id, when supervised
    trace::ExitReasonClass exit_class = trace::ExitReasonClass::Normal;
    std::string exit_reason;  ///< for dead nodes
    int parent = -1;
    std::vector<int> children;
    /// > 0: this box stands for that many similar children (tree_folding.h); `process` is the
    /// first of them and its initial call is what they all run.
    int group_members = 0;
    int group_alive = 0;
    int group_done = 0;
    int group_crashed = 0;
    /// > 0: the subtree under this node is collapsed; that many nodes are hidden.
    int hidden_descendants = 0;
};

/// Children of a node that exited by the snapshot's moment and are no longer in the tree
/// (temporary children, finished tasks): what a folded box counts as done and crashed.
struct DepartedChildren {
    int parent = -1;  ///< node index
    std::string initial_call;
    int done = 0;
    int crashed = 0;
};

/// "1,000 × Task fn in Worker.run/1 — 980 done, 15 alive, 5 crashed" (timeouts when > 0).
std::string groupLabel(int members, const std::string& title, int done, int alive, int crashed,
                       int timeouts = 0);

enum class TreeEdgeKind : uint8_t { Link, Monitor };

/// A relation that is not a tree edge. Monitors point from the watcher to the watched.
struct TreeEdge {
    int from = 0;
    int to = 0;
    TreeEdgeKind kind = TreeEdgeKind::Link;
};

struct TreeSnapshot {
    int64_t at_us = 0;
    std::vector<TreeNode> nodes;
    std::vector<int> roots;
    std::vector<TreeEdge> edges;
    std::vector<DepartedChildren> departed;
};

// ---------------------------------------------------------------------------------------------
// Lineage of one process

struct LineageEntry {
    ProcessLabel process;
    bool alive = true;
};

/// The two chains of a process: `$ancestors` (who supervises / spawned it) and `$callers` (who
/// asked for it). Both are nearest first, as in the process dictionary.
struct LineageData {
    LineageEntry subject;
    std::vector<LineageEntry> ancestors;
    std::vector<LineageEntry> callers;
    int64_t at_us = 0;
};

}  // namespace tasklens::ui
