#include "ui/trace_adapter.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <unordered_map>

namespace tasklens::ui {

using trace::kNone;
using trace::kOpenEnd;
using trace::ProcessIndex;
using trace::TraceModel;

namespace {

ProcessRole roleOf(const TraceModel& model, ProcessIndex index) {
    const auto& info = model.process(index);
    if (info.is_supervisor) return ProcessRole::Supervisor;
    if (info.is_task) return ProcessRole::Task;
    const std::string_view call = model.string(info.initial_call);
    if (call.find("GenServer") != std::string_view::npos ||
        call.find("Agent") != std::string_view::npos ||
        call.find("init/1") != std::string_view::npos)
        return ProcessRole::Server;
    return ProcessRole::Process;
}

}  // namespace

SpanState spanStateOf(const trace::StateInterval& interval) {
    switch (interval.state) {
        case trace::ProcessState::Running:
            return SpanState::Running;
        case trace::ProcessState::Runnable:
            return SpanState::Runnable;
        case trace::ProcessState::Sleeping:
            return SpanState::Sleeping;
        case trace::ProcessState::Exiting:
            return SpanState::Exiting;
        case trace::ProcessState::Waiting:
            if (interval.has_wait_kind && (interval.wait_kind == trace::WaitKind::TaskAwait ||
                                           interval.wait_kind == trace::WaitKind::TaskYield ||
                                           interval.wait_kind == trace::WaitKind::GenServerCall))
                return SpanState::Awaiting;
            return SpanState::Waiting;
    }
    return SpanState::Waiting;
}

ProcessIndex treeParent(const TraceModel& model, ProcessIndex index) {
    const auto& info = model.process(index);
    return info.supervisor != kNone ? info.supervisor : info.parent;
}

SpanState stateAt(const TraceModel& model, ProcessIndex index, int64_t t) {
    const uint32_t count = model.state_count(index);
    const trace::IndexRange range = model.states_in(index, t, t);
    if (range.empty())
        return count == 0 ? SpanState::Waiting : spanStateOf(model.state(index, count - 1));
    return spanStateOf(model.state(index, range.last - 1));
}

namespace {

std::optional<ArrowKind> arrowKindOf(trace::ArrowKind kind) {
    switch (kind) {
        case trace::ArrowKind::Message:
            return ArrowKind::Message;
        case trace::ArrowKind::Reply:
            return ArrowKind::Reply;
        case trace::ArrowKind::Down:
            return ArrowKind::Down;
        case trace::ArrowKind::ExitSignal:
            return ArrowKind::ExitSignal;
            return ArrowKind::Spawn;
        // Links and monitors are relations, not events in flight: the tree draws them.
        case trace::ArrowKind::Link:
        case trace::ArrowKind::Monitor:
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace

ProcessLabel labelOf(const TraceModel& model, ProcessIndex index, int64_t t_us) {
    const auto& info = model.process(index);
    ProcessLabel label;
    label.pid = info.pid;
    label.initial_call = std::string(model.string(info.initial_call));
    label.role = roleOf(model, index);
    // The last name taken by t: the current one, or for a dead process the one it died with
    // (names are released at exit, but "MyApp.Cache" is still how a reader knows the ghost).
    for (const auto& name : model.names(index))
        if (name.start_us <= t_us) label.registered_name = std::string(model.string(name.name));
    return label;
}

bool drawnAsWait(const trace::WaitWindow& window) {
    // A receive with no `after` is a process idling, not a timeout: no window for it.
    return !(window.kind == trace::WaitKind::Receive && window.deadline_us < 0);
}

WaitWindow waitWindowOf(const TraceModel& model, const trace::WaitWindow& window) {
    const trace::ResolvedWindow resolved = model.resolve(window);
    WaitWindow wait;
    wait.begin_us = window.start_us;
    wait.deadline_us = window.deadline_us;
    wait.kind = window.kind;
    switch (resolved.outcome) {
        case trace::WindowOutcome::Message:
            wait.outcome = trace::WaitOutcome::Message;
            break;
        case trace::WindowOutcome::Timeout:
            wait.outcome = trace::WaitOutcome::Timeout;
            break;
        case trace::WindowOutcome::Down:
            wait.outcome = trace::WaitOutcome::Down;
            break;
        case trace::WindowOutcome::Killed:
            wait.outcome = trace::WaitOutcome::Killed;
            break;
        case trace::WindowOutcome::Open:
            break;
    }
    wait.end_us = resolved.outcome == trace::WindowOutcome::Open ? -1 : resolved.end_us;
    return wait;
}

std::optional<FlowArrow> flowArrowOf(const TraceModel& model, const trace::Arrow& arrow,
                                     const std::vector<int>& lane_of) {
    const auto kind = arrowKindOf(arrow.kind);
    const uint32_t count = model.process_count();
    if (!kind || arrow.from_process >= count || arrow.to_process >= count) return std::nullopt;
    FlowArrow flow;
    flow.from_us = arrow.from_us;
    flow.to_us = arrow.to_us;
    flow.from_lane = lane_of[arrow.from_process];
    flow.to_lane = lane_of[arrow.to_process];
    flow.kind = *kind;
    // The message text, or for DOWN and exit signals the reason.
    if (arrow.from_event != kNone)
        flow.label = std::string(model.string(model.record(arrow.from_event).text));
    if (flow.label.empty() && arrow.to_event != kNone)
        flow.label = std::string(model.string(model.record(arrow.to_event).text));
    if (*kind == ArrowKind::Spawn) flow.label.clear();
    return flow;
}

TimelineData buildTimelineData(const TraceModel& model) {
    const int64_t t_end = model.end_time();
    // A little room after the last event, so exit marks and their reasons at the very end of the
    // run are not cut by the right edge.
    const double duration = double(std::max<int64_t>(t_end - model.start_time(), 1));
    TimelineDataBuilder builder(
        TimeWindow{double(model.start_time()), double(t_end) + duration * 0.06});

    // Incarnation numbers: the k-th process to fill a child slot was restarted k times before it.
    std::vector<int> incarnation(model.process_count(), 0);
    for (const auto& slot : model.child_slots())
        for (size_t k = 0; k < slot.incarnations.size(); ++k)
            incarnation[slot.incarnations[k]] = int(k);

    // Children by tree parent, in order of appearance (process indexes are in that order).
    const uint32_t count = model.process_count();
    std::vector<std::vector<ProcessIndex>> children(count);
    std::vector<ProcessIndex> roots;
    for (ProcessIndex p = 0; p < count; ++p) {
        const ProcessIndex parent = treeParent(model, p);
        (parent != kNone && parent < count ? children[parent] : roots).push_back(p);
    }
    // Incarnations of one child slot stay together, in restart order, where the first one was.
    std::vector<ProcessIndex> slot_anchor(count);
    for (ProcessIndex p = 0; p < count; ++p) slot_anchor[p] = p;
    for (const auto& slot : model.child_slots())
        for (ProcessIndex p : slot.incarnations)
            if (p < count && !slot.incarnations.empty()) slot_anchor[p] = slot.incarnations.front();
    for (auto& kids : children)
        std::stable_sort(kids.begin(), kids.end(), [&](ProcessIndex a, ProcessIndex b) {
            return std::pair(slot_anchor[a], incarnation[a]) <
                   std::pair(slot_anchor[b], incarnation[b]);
        });
    std::vector<int> lane_of(count, -1);
    // 100k lanes and half a million arrows: no regrowing (each Lane moved owns three buffers).
    builder.data().lanes.reserve(count);
    builder.data().arrows.reserve(size_t(count) + model.arrow_count());
    // Depth-first, iteratively: a deep chain of spawns must not overflow the stack.
    std::vector<std::pair<ProcessIndex, int>> stack;
    for (auto it = roots.rbegin(); it != roots.rend(); ++it) stack.push_back({*it, 0});
    while (!stack.empty()) {
        const auto [p, depth] = stack.back();
        stack.pop_back();
        if (lane_of[p] >= 0) continue;
        const auto& info = model.process(p);
        Lane lane;
        lane.process = labelOf(model, p);
        lane.depth = depth;
        lane.spawn_us = info.spawn_us;
        lane.exit_us = info.exited() ? info.exit_us : -1;
        lane.exit_class = info.reason_class;
        lane.exit_reason = std::string(model.string(info.exit_reason));
        lane.restarts = incarnation[p];
        lane_of[p] = builder.addLane(std::move(lane));
        for (uint32_t i = 0, n = model.state_count(p); i < n; ++i) {
            const trace::StateInterval interval = model.state(p, i);
            if (interval.end_us > interval.start_us)
                builder.addSpan({interval.start_us, interval.end_us, spanStateOf(interval)});
        }
        for (uint32_t w : model.wait_windows_of(p)) {
            const trace::WaitWindow& window = model.wait_windows()[w];
            if (drawnAsWait(window)) builder.addWait(waitWindowOf(model, window));
        }
        const auto& kids = children[p];
        for (auto it = kids.rbegin(); it != kids.rend(); ++it) stack.push_back({*it, depth + 1});
    }

    // Spawns are not model arrows: draw them from each process's parent and spawn time.
    for (ProcessIndex p = 0; p < count; ++p) {
        const auto& info = model.process(p);
        if (!info.seen_spawn || info.parent == kNone || info.parent >= count) continue;
        FlowArrow flow;
        flow.from_us = info.spawn_us;
        flow.to_us = info.spawn_us;
        flow.from_lane = lane_of[info.parent];
        flow.to_lane = lane_of[p];
        flow.kind = ArrowKind::Spawn;
        builder.addArrow(std::move(flow));
    }
    for (uint32_t a = 0, arrows = model.arrow_count(); a < arrows; ++a)
        if (auto flow = flowArrowOf(model, model.arrow(a), lane_of))
            builder.addArrow(std::move(*flow));

    TimelineData& data = builder.data();
    auto copySeries = [&](trace::Series which, std::vector<SeriesPoint>& out) {
        for (const auto& point : model.series(which))
            out.push_back({point.time_us, double(point.value)});
        // Extend the last step to the end of the run so the chart does not stop short.
        if (!out.empty() && out.back().t_us < t_end) out.push_back({t_end, out.back().value});
    };
    copySeries(trace::Series::ProcessesAlive, data.processes_alive);
    copySeries(trace::Series::TasksInFlight, data.tasks_in_flight);
    copySeries(trace::Series::BusySchedulers, data.busy_schedulers);
    data.schedulers = model.run_info().schedulers;
    data.scenario = model.run_info().scenario;
    data.run_end_us = t_end;
    return builder.finish();
}

namespace {

/// Per node of the model's tree: what buildTreeSnapshotOf does with it.
enum class NodePlan : uint8_t { Keep, Box, Drop };

/// The tree at `t_us` from the model's `tree`; nodes planned Drop are left out, a Box node
/// stands for `boxes` (its members, departed ones included) as foldTree would build it, and the
/// departed children of folded groups are not listed (the boxes count them).
struct FoldPlan {
    std::vector<NodePlan> plan;  ///< per node of the model's tree
    struct BoxCounts {
        int alive = 0, done = 0, crashed = 0;
    };
    std::unordered_map<uint32_t, BoxCounts> boxes;       ///< by node of the model's tree
    std::unordered_map<uint64_t, bool> folded_departed;  ///< (node, call) tallies inside boxes
};

uint64_t groupKey(uint32_t parent_node, trace::StringId call) {
    return (uint64_t{parent_node} << 32) | call;
}

/// Children that already left the tree (finished tasks, temporary children), counted under the
/// node they hung under, by what they ran: folded boxes say "980 done, 5 crashed". Calls `add`
/// with (parent node, call, crashed) for each.
template <typename Add>
void forEachDeparted(const TraceModel& model, const trace::TreeSnapshot& tree, int64_t t_us,
                     Add add) {
    const std::vector<uint32_t>& node_of = tree.node_by_process;
    for (ProcessIndex p = 0; p < model.process_count(); ++p) {
        const auto& info = model.process(p);
        if (!info.exited() || info.exit_us > t_us || node_of[p] != kNone) continue;
        const ProcessIndex parent = treeParent(model, p);
        if (parent == kNone || node_of[parent] == kNone) continue;
        const uint32_t node = node_of[parent];
        if (!tree.nodes[node].alive) continue;
        const bool crashed = !(info.reason_class == trace::ExitReasonClass::Normal ||
                               info.reason_class == trace::ExitReasonClass::Shutdown);
        add(node, info.initial_call, crashed);
    }
}

TreeSnapshot buildTreeSnapshotOf(const TraceModel& model, const trace::TreeSnapshot& tree,
                                 int64_t t_us, const FoldPlan* fold) {
    TreeSnapshot snapshot;
    snapshot.at_us = t_us;
    const size_t count = tree.nodes.size();
    std::vector<int> new_index(count, -1);
    size_t kept = 0;
    for (size_t n = 0; n < count; ++n)
        if (!fold || fold->plan[n] != NodePlan::Drop) new_index[n] = int(kept++);
    snapshot.nodes.resize(kept);
    for (size_t n = 0; n < count; ++n) {
        if (new_index[n] < 0) continue;
        const trace::TreeNode& source = tree.nodes[n];
        const auto& info = model.process(source.process);
        TreeNode& node = snapshot.nodes[size_t(new_index[n])];
        node.process = labelOf(model, source.process, t_us);
        node.alive = source.alive;
        node.restarts = int(source.restarts);
        node.state = stateAt(model, source.process, t_us);
        if (source.slot != kNone)
            node.child_id = std::string(model.string(model.child_slots()[source.slot].child_id));
        node.exit_class = info.reason_class;
        node.exit_reason = std::string(model.string(info.exit_reason));
        node.parent = source.parent_node == kNone ? -1 : new_index[source.parent_node];
        node.children.reserve(source.children.size());
        for (const uint32_t child : source.children)
            if (new_index[child] >= 0) node.children.push_back(new_index[child]);
        if (fold && fold->plan[n] == NodePlan::Box) {
            // As foldTree's box: its first member, counting them all.
            const FoldPlan::BoxCounts& counts = fold->boxes.at(uint32_t(n));
            node.group_alive = counts.alive;
            node.group_done = counts.done;
            node.group_crashed = counts.crashed;
            node.group_members = counts.alive + counts.done + counts.crashed;
            node.alive = counts.alive > 0;
            node.children.clear();
            node.restarts = 0;
            node.child_id.clear();
        }
    }
    for (const uint32_t root : tree.roots)
        if (new_index[root] >= 0) snapshot.roots.push_back(new_index[root]);
    // Process -> node: the model's snapshot has the index already.
    const std::vector<uint32_t>& node_of = tree.node_by_process;
    for (uint32_t r : tree.relations) {
        const trace::Relation& relation = model.relations()[r];
        const uint32_t from = node_of[relation.from];
        const uint32_t to = node_of[relation.to];
        if (from == kNone || to == kNone || from == to) continue;
        if (new_index[from] < 0 || new_index[to] < 0) continue;
        snapshot.edges.push_back({new_index[from], new_index[to],
                                  relation.kind == trace::Relation::Kind::Link
                                      ? TreeEdgeKind::Link
                                      : TreeEdgeKind::Monitor});
    }
    std::unordered_map<uint64_t, size_t> tally;
    forEachDeparted(model, tree, t_us, [&](uint32_t node, trace::StringId call, bool crashed) {
        if (fold && fold->folded_departed.count(groupKey(node, call))) return;
        auto [it, fresh] = tally.try_emplace(groupKey(node, call), snapshot.departed.size());
        if (fresh)
            snapshot.departed.push_back({new_index[node], std::string(model.string(call)), 0, 0});
        DepartedChildren& d = snapshot.departed[it->second];
        ++(crashed ? d.crashed : d.done);
    });
    return snapshot;
}

}  // namespace

TreeSnapshot buildTreeSnapshot(const TraceModel& model, int64_t t_us) {
    // Runs on every scrub, for up to every process of the run (100k at the busiest moment of the
    // budget scenario): one pass, no per-node lookups beyond the model's arrays.
    return buildTreeSnapshotOf(model, model.tree_at(t_us), t_us, nullptr);
}

TreeSnapshot buildFoldedTreeSnapshot(const TraceModel& model, int64_t t_us,
                                     const std::set<TreeGroupKey>& expanded,
                                     const TreeFoldOptions& options) {
    const trace::TreeSnapshot tree = model.tree_at(t_us);
    const size_t count = tree.nodes.size();
    if (int(count) <= options.fold_above_nodes)
        return foldTree(buildTreeSnapshotOf(model, tree, t_us, nullptr), expanded, options);
    // The groups foldTree makes: leaf children of one parent with one initial call and no name
    // (at t), with their departed siblings; decided from the model's arrays, before any label.
    struct Group {
        std::vector<uint32_t> alive_members;  // nodes, in order
        int departed_done = 0;
        int departed_crashed = 0;
    };
    std::unordered_map<uint64_t, Group> groups;
    for (size_t n = 0; n < count; ++n) {
        const trace::TreeNode& node = tree.nodes[n];
        if (node.parent_node == kNone || !node.children.empty()) continue;
        const auto& info = model.process(node.process);
        if (model.string(info.initial_call).empty()) continue;
        const auto names = model.names(node.process);
        if (std::any_of(names.begin(), names.end(),
                        [&](const auto& name) { return name.start_us <= t_us; }))
            continue;
        groups[groupKey(node.parent_node, info.initial_call)].alive_members.push_back(uint32_t(n));
    }
    forEachDeparted(model, tree, t_us, [&](uint32_t node, trace::StringId call, bool crashed) {
        Group& group = groups[groupKey(node, call)];
        ++(crashed ? group.departed_crashed : group.departed_done);
    });
    FoldPlan fold;
    fold.plan.assign(count, NodePlan::Keep);
    for (const auto& [key, group] : groups) {
        const int members =
            int(group.alive_members.size()) + group.departed_done + group.departed_crashed;
        if (members < options.min_group || group.alive_members.empty()) continue;
        const uint32_t parent = uint32_t(key >> 32);
        const auto call = trace::StringId(key & 0xffffffffu);
        if (expanded.count(
                {model.process(tree.nodes[parent].process).pid, std::string(model.string(call))}))
            continue;
        FoldPlan::BoxCounts counts{0, group.departed_done, group.departed_crashed};
        for (const uint32_t m : group.alive_members) {
            fold.plan[m] = NodePlan::Drop;
            const trace::TreeNode& member = tree.nodes[m];
            const auto reason = model.process(member.process).reason_class;
            if (member.alive)
                ++counts.alive;
            else if (reason == trace::ExitReasonClass::Normal ||
                     reason == trace::ExitReasonClass::Shutdown)
                ++counts.done;
            else
                ++counts.crashed;
        }
        fold.plan[group.alive_members.front()] = NodePlan::Box;
        fold.boxes.emplace(group.alive_members.front(), counts);
        fold.folded_departed.emplace(key, true);
    }
    // What is left folds as foldTree folds it (small groups stay, departed-only boxes, edges of
    // boxes dropped), whatever the number of nodes left.
    TreeFoldOptions always = options;
    always.fold_above_nodes = -1;
    return foldTree(buildTreeSnapshotOf(model, tree, t_us, &fold), expanded, always);
}

LineageData buildLineage(const TraceModel& model, Pid pid, int64_t t_us) {
    LineageData lineage;
    lineage.at_us = t_us;
    const ProcessIndex index = model.find(pid);
    if (index == kNone) {
        lineage.subject.process.pid = pid;
        lineage.subject.alive = false;
        return lineage;
    }
    auto entry = [&](ProcessIndex p) {
        const auto& info = model.process(p);
        return LineageEntry{labelOf(model, p, t_us == kOpenEnd ? kOpenEnd : t_us),
                            t_us == kOpenEnd ? !info.exited() : info.alive_at(t_us)};
    };
    lineage.subject = entry(index);
    for (ProcessIndex p : model.ancestors(index)) lineage.ancestors.push_back(entry(p));
    for (ProcessIndex p : model.callers(index)) lineage.callers.push_back(entry(p));
    return lineage;
}

std::optional<Pid> parsePid(std::string_view text) {
    if (text.starts_with("#PID")) text.remove_prefix(4);
    if (text.starts_with("<") && text.ends_with(">")) text = text.substr(1, text.size() - 2);
    uint32_t parts[3] = {0, 0, 0};
    int n = 0;
    const char* p = text.data();
    const char* end = text.data() + text.size();
    while (p < end && n < 3) {
        auto [next, ec] = std::from_chars(p, end, parts[n]);
        if (ec != std::errc()) return std::nullopt;
        ++n;
        p = next;
        if (p < end && *p == '.')
            ++p;
        else
            break;
    }
    if (p != end || n != 3) return std::nullopt;
    Pid pid{parts[0], parts[1]};
    return pid.valid() ? std::optional<Pid>(pid) : std::nullopt;
}

std::optional<Pid> findProcess(const TraceModel& model, std::string_view name_or_pid,
                               int64_t t_us) {
    if (auto pid = parsePid(name_or_pid); pid && model.find(*pid) != kNone) return pid;
    // Elixir module names are often written with or without the "Elixir." prefix.
    std::string_view bare = name_or_pid;
    if (bare.starts_with("Elixir.")) bare.remove_prefix(7);
    // A name may pass from one incarnation to the next: prefer the holder at t, else the last.
    std::optional<Pid> last_holder;
    for (ProcessIndex p = 0; p < model.process_count(); ++p) {
        for (const auto& name : model.names(p)) {
            std::string_view registered = model.string(name.name);
            if (registered.starts_with("Elixir.")) registered.remove_prefix(7);
            if (registered != bare) continue;
            if (name.start_us <= t_us && t_us < name.end_us) return model.process(p).pid;
            last_holder = model.process(p).pid;
        }
    }
    if (last_holder) return last_holder;
    for (ProcessIndex p = 0; p < model.process_count(); ++p)
        if (model.string(model.process(p).initial_call) == name_or_pid) return model.process(p).pid;
    return std::nullopt;
}

}  // namespace tasklens::ui
