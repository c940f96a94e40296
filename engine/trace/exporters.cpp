#include "engine/trace/exporters.h"

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "engine/trace/text_util.h"

namespace tasklens::trace {
namespace {

std::string json_quoted(std::string_view text) {
    std::string out;
    if (is_valid_utf8(text))
        append_json_string(out, text);
    else
        append_json_string(out, to_valid_utf8(text));
    return out;
}

/// Chrome trace tids: 0 is left out because some viewers treat it as "no thread".
uint64_t tid_of(ProcessIndex process) {
    return uint64_t{process} + 1;
}

std::string_view wait_label(WaitKind kind) {
    switch (kind) {
        case WaitKind::Receive:
            return "receive";
        case WaitKind::TaskAwait:
            return "Task.await";
        case WaitKind::TaskYield:
            return "Task.yield";
        case WaitKind::Shutdown:
            return "shutdown";
        case WaitKind::GenServerCall:
            return "GenServer.call";
    }
    return "wait";
}

struct TimedLine {
    int64_t ts = 0;
    std::string json;
};

}  // namespace

void write_chrome_trace(std::ostream& out, const TraceModel& model) {
    constexpr int kChromePid = 1;
    std::vector<TimedLine> timed;
    timed.reserve(model.event_count());

    // State slices first: at equal timestamps the marker slices that flows bind to must come
    // after the state slice they nest in (viewers keep file order for equal timestamps).
    for (ProcessIndex p = 0; p < model.process_count(); ++p) {
        for (uint32_t i = 0; i < model.state_count(p); ++i) {
            const StateInterval s = model.state(p, i);
            const int64_t end = s.end_us;
            if (end <= s.start_us) continue;  // zero-length: invisible, and some viewers reject it
            timed.push_back(
                {s.start_us,
                 fmt::format(
                     R"({{"name":"{}","cat":"state","ph":"X","ts":{},"dur":{},"pid":{},"tid":{}{}}})",
                     describe(s), s.start_us, end - s.start_us, kChromePid, tid_of(p),
                     s.open ? R"(,"args":{"open":true})" : "")});
        }
    }
    uint64_t flow_id = 0;
    for (uint32_t i = 0; i < model.arrow_count(); ++i) {
        const Arrow arrow = model.arrow(i);
        if (arrow.kind != ArrowKind::Reply && arrow.kind != ArrowKind::Down) continue;
        const std::string_view name = arrow.kind == ArrowKind::Reply ? "reply" : "DOWN";
        const std::string_view cat = arrow.kind == ArrowKind::Reply ? "reply" : "down";
        ++flow_id;
        // A zero-length marker slice at each end gives the flow a slice of its own to bind to.
        timed.push_back(
            {arrow.from_us,
             fmt::format(R"({{"name":"{}","cat":"{}","ph":"X","ts":{},"dur":0,"pid":{},"tid":{}}})",
                         name, cat, arrow.from_us, kChromePid, tid_of(arrow.from_process))});
        timed.push_back(
            {arrow.from_us,
             fmt::format(R"({{"name":"{}","cat":"{}","ph":"s","id":{},"ts":{},"pid":{},"tid":{}}})",
                         name, cat, flow_id, arrow.from_us, kChromePid,
                         tid_of(arrow.from_process))});
        timed.push_back(
            {arrow.to_us,
             fmt::format(R"({{"name":"{}","cat":"{}","ph":"X","ts":{},"dur":0,"pid":{},"tid":{}}})",
                         name, cat, arrow.to_us, kChromePid, tid_of(arrow.to_process))});
        timed.push_back(
            {arrow.to_us,
             fmt::format(
                 R"({{"name":"{}","cat":"{}","ph":"f","bp":"e","id":{},"ts":{},"pid":{},"tid":{}}})",
                 name, cat, flow_id, arrow.to_us, kChromePid, tid_of(arrow.to_process))});
    }
    for (ProcessIndex p = 0; p < model.process_count(); ++p) {
        const ProcessInfo& info = model.process(p);
        if (!info.exited()) continue;
        timed.push_back(
            {info.exit_us,
             fmt::format(
                 R"({{"name":"exit","cat":"exit","ph":"i","s":"t","ts":{},"pid":{},"tid":{},"args":{{"reason":{},"class":"{}"}}}})",
                 info.exit_us, kChromePid, tid_of(p), json_quoted(model.string(info.exit_reason)),
                 to_string(info.reason_class))});
    }
    // Timeout windows as async slices (their own tracks under the run), named by what waited and
    // how it ended, so that a timeout reads at a glance.
    uint64_t window_id = 0;
    for (const WaitWindow& window : model.wait_windows()) {
        const ResolvedWindow resolved = model.resolve(window);
        const std::string name =
            fmt::format("{} ({})", wait_label(window.kind), to_string(resolved.outcome));
        const std::string deadline =
            window.deadline_us < 0 ? "\"infinity\"" : fmt::format("{}", window.deadline_us);
        ++window_id;
        timed.push_back(
            {window.start_us,
             fmt::format(
                 R"({{"name":"{}","cat":"wait","ph":"b","id":{},"ts":{},"pid":{},"tid":{},"args":{{"process":"{}","deadline_us":{},"inferred_end":{}}}}})",
                 name, window_id, window.start_us, kChromePid, tid_of(window.process),
                 format_pid(model.process(window.process).pid), deadline, resolved.inferred)});
        timed.push_back(
            {resolved.end_us,
             fmt::format(
                 R"({{"name":"{}","cat":"wait","ph":"e","id":{},"ts":{},"pid":{},"tid":{}}})", name,
                 window_id, resolved.end_us, kChromePid, tid_of(window.process))});
    }
    constexpr std::pair<Series, std::string_view> kCounters[] = {
        {Series::ProcessesAlive, "processes alive"},
        {Series::TasksInFlight, "tasks in flight"},
        {Series::BusySchedulers, "busy schedulers"}};
    for (const auto& [series, name] : kCounters)
        for (const StepPoint& point : model.series(series)) {
            // StepPoint is packed: copy its fields out instead of binding references to them.
            const int64_t time_us = point.time_us;
            const int32_t value = point.value;
            timed.push_back(
                {time_us,
                 fmt::format(R"({{"name":"{}","ph":"C","ts":{},"pid":{},"args":{{"value":{}}}}})",
                             name, time_us, kChromePid, value)});
        }
    std::stable_sort(timed.begin(), timed.end(),
                     [](const TimedLine& a, const TimedLine& b) { return a.ts < b.ts; });

    std::string buffer = R"({"displayTimeUnit":"ms","otherData":{"format":"tasklens","scenario":)";
    buffer += json_quoted(model.run_info().scenario);
    buffer += fmt::format(R"(,"schedulers":{}}},"traceEvents":[)", model.run_info().schedulers);
    const std::string process_name =
        model.run_info().scenario.empty() ? "tasklens run" : model.run_info().scenario;
    buffer +=
        fmt::format(R"({{"name":"process_name","ph":"M","pid":{},"tid":0,"args":{{"name":{}}}}})",
                    kChromePid, json_quoted(process_name));
    for (ProcessIndex p = 0; p < model.process_count(); ++p) {
        const std::string label =
            fmt::format("{} {}", model.display_name(p), format_pid(model.process(p).pid));
        buffer += fmt::format(R"(,
{{"name":"thread_name","ph":"M","pid":{},"tid":{},"args":{{"name":{}}}}},
{{"name":"thread_sort_index","ph":"M","pid":{},"tid":{},"args":{{"sort_index":{}}}}})",
                              kChromePid, tid_of(p), json_quoted(label), kChromePid, tid_of(p), p);
        if (buffer.size() > (1u << 20)) {
            out << buffer;
            buffer.clear();
        }
    }
    for (const TimedLine& line : timed) {
        buffer += ",\n";
        buffer += line.json;
        if (buffer.size() > (1u << 20)) {
            out << buffer;
            buffer.clear();
        }
    }
    buffer += "\n]}\n";
    out << buffer;
}

namespace {

std::string dot_quoted(std::string_view text) {
    const std::string valid = is_valid_utf8(text) ? std::string(text) : to_valid_utf8(text);
    std::string out = "\"";
    for (const char c : valid) {
        if (c == '"' || c == '\\') out.push_back('\\');
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

/// Node ids name the pid, so the DOT reads on its own: #PID<0.42.0> is pid_0_42.
std::string dot_id(Pid pid) {
    return fmt::format("pid_{}_{}", pid.node, pid.serial);
}

}  // namespace

void write_supervision_dot(std::ostream& out, const TraceModel& model, int64_t t) {
    const TreeSnapshot tree = model.tree_at(t);
    std::string dot;
    dot += fmt::format("digraph supervision {{\n  // tasklens: supervision tree at t = {} us\n", t);
    dot += "  rankdir=LR;\n  node [shape=box, style=\"rounded\", fontname=\"Helvetica\"];\n";
    dot += "  edge [color=\"#444444\"];\n";
    for (const TreeNode& node : tree.nodes) {
        const ProcessInfo& info = model.process(node.process);
        std::string label = model.display_name(node.process, t);
        if (node.slot != kNone) {
            const std::string_view child_id = model.string(model.child_slots()[node.slot].child_id);
            if (!child_id.empty() && child_id != label) label += fmt::format("\n({})", child_id);
        }
        if (const std::string pid = format_pid(info.pid); label != pid) label += "\n" + pid;
        if (node.restarts > 0) label += fmt::format("\nrestarts: {}", node.restarts);
        if (!node.alive && info.exited())
            label += "\nexit: " + std::string(model.string(info.exit_reason));
        std::string attributes = "label=" + dot_quoted(label);
        if (!node.alive)
            attributes += ", style=\"rounded,dashed\", color=grey, fontcolor=grey";
        else if (info.is_supervisor)
            attributes += ", style=\"rounded,bold\"";
        dot += fmt::format("  {} [{}];\n", dot_id(info.pid), attributes);
    }
    for (const TreeNode& node : tree.nodes) {
        for (const uint32_t child : node.children) {
            const TreeNode& c = tree.nodes[child];
            dot += fmt::format("  {} -> {}{};\n", dot_id(model.process(node.process).pid),
                               dot_id(model.process(c.process).pid),
                               c.alive ? "" : " [style=dashed, color=grey]");
        }
    }
    for (const uint32_t r : tree.relations) {
        const Relation& relation = model.relations()[r];
        if (tree.node_of(relation.from) == kNone || tree.node_of(relation.to) == kNone) continue;
        if (relation.kind == Relation::Kind::Link)
            dot += fmt::format(
                "  {} -> {} [dir=none, color=\"#1f77b4\", penwidth=2, constraint=false];\n",
                dot_id(model.process(relation.from).pid), dot_id(model.process(relation.to).pid));
        else
            dot += fmt::format(
                "  {} -> {} [style=dotted, color=\"#ff7f0e\", arrowhead=vee, "
                "constraint=false];\n",
                dot_id(model.process(relation.from).pid), dot_id(model.process(relation.to).pid));
    }
    dot += "}\n";
    out << dot;
}

}  // namespace tasklens::trace
