#pragma once
// The one place that turns trace-model answers into what the views draw (view_data.h). Views and
// exporters call these; nothing else in ui/ reads the model's arrays directly.
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "engine/trace/trace_model.h"
#include "ui/tree_folding.h"
#include "ui/view_data.h"

namespace tasklens::ui {

/// Lanes in supervision-tree order (a supervisor, then its children indented; a task spawned by
/// its caller sits under the caller), spans, timeout windows, arrows and the load series.
TimelineData buildTimelineData(const trace::TraceModel& model);
/// The pieces of buildTimelineData, shared with the live timeline (view_data_live.h).
SpanState spanStateOf(const trace::StateInterval& interval);
/// The parent a process hangs under in every picture: its supervisor if it is a supervised
/// child, else its spawn parent.
trace::ProcessIndex treeParent(const trace::TraceModel& model, trace::ProcessIndex index);
/// False for a receive with no `after` (a process idling): the timeline draws no window for it.
bool drawnAsWait(const trace::WaitWindow& window);
WaitWindow waitWindowOf(const trace::TraceModel& model, const trace::WaitWindow& window);
/// The model's arrow between lanes `lane_of[process]`; nothing for links and monitors.
std::optional<FlowArrow> flowArrowOf(const trace::TraceModel& model, const trace::Arrow& arrow,
                                     const std::vector<int>& lane_of);
/// The supervision tree at `t_us`, with dead children ghosted and links/monitors active at t.
TreeSnapshot buildTreeSnapshot(const trace::TraceModel& model, int64_t t_us);
/// What foldTree(buildTreeSnapshot(model, t_us), expanded, options) gives, without making a
/// node (labels, strings) for each member of a folded box first: at the live edge of a
/// 100k-task run, the tree's cost follows its boxes, not its processes.
TreeSnapshot buildFoldedTreeSnapshot(const trace::TraceModel& model, int64_t t_us,
                                     const std::set<TreeGroupKey>& expanded,
                                     const TreeFoldOptions& options = {});
/// `$ancestors` and `$callers` of `pid`; liveness as at `t_us`.
LineageData buildLineage(const trace::TraceModel& model, Pid pid, int64_t t_us);

/// How a process is named and what it is for, at `t_us` (registered names change over time).
ProcessLabel labelOf(const trace::TraceModel& model, trace::ProcessIndex index,
                     int64_t t_us = trace::kOpenEnd);
/// The colour class of a process's state at `t_us`.
SpanState stateAt(const trace::TraceModel& model, trace::ProcessIndex index, int64_t t_us);
/// Finds a process by registered name ("MyApp.Worker"), pid ("#PID<0.5.0>", "<0.5.0>", "0.5.0")
/// or initial call. A name held by several processes over time (restarted children) resolves to
/// its holder at `t_us`, else to its last holder.
std::optional<Pid> findProcess(const trace::TraceModel& model, std::string_view name_or_pid,
                               int64_t t_us = trace::kOpenEnd);
/// Parses "#PID<0.5.0>", "<0.5.0>" or "0.5.0".
std::optional<Pid> parsePid(std::string_view text);

}  // namespace tasklens::ui
