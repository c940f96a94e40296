#pragma once
// Qt-free exports of a TraceModel: Chrome Trace Event JSON (opens in Perfetto and
// chrome://tracing) and Graphviz DOT of the supervision tree at a time t.
#include <cstdint>
#include <iosfwd>

#include "engine/trace/trace_model.h"

namespace tasklens::trace {

/// Writes {"traceEvents": [...]} with one thread track per process (named by its registered name
/// or initial call), "X" slices for its states, a "reply"/"DOWN" marker slice plus an "s"/"f" flow
/// pair for every Reply and Down arrow, an instant "i" for every exit, and counter tracks for the
/// concurrency series. Timestamps are the virtual microseconds.
void write_chrome_trace(std::ostream& out, const TraceModel& model);

/// Writes a `digraph` of the supervision tree at time t: tree edges solid, dead children dashed
/// and grey, links as blue undirected bold edges, monitors as dotted orange arrows (monitoring ->
/// monitored). Link and monitor edges do not constrain the layout.
void write_supervision_dot(std::ostream& out, const TraceModel& model, int64_t t);

}  // namespace tasklens::trace
