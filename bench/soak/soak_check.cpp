// soak_check TRACE TOTALS: the exact accounting of a soak run (bench/soak/soak.sh), from the trace
// it wrote, against the books the script kept (its stdout: "NAME COUNT" lines, see
// supervisor_soak.exs).
//
// From the event stream: every spawned process has exactly one Spawn and one Exit; every monitor
// ends exactly once (a :DOWN or a demonitor), no :DOWN arrives for a monitor never set, and the
// script's process got one :DOWN per monitored task (and one when it stops the supervisor); the
// supervisor's ChildStart and ChildRestart events, and the crashes among the exits, match the
// script's counts. Then the trace model built from the same file must agree: the same processes and
// events, every process exited, one child slot per task and one extra incarnation per restart.
// Prints the figures; exit status 0 if all agree, 1 otherwise (each disagreement on its own line),
// 2 on bad arguments or an unreadable file.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>

#include "engine/trace/trace_file.h"
#include "engine/trace/trace_model.h"

namespace {

using namespace tasklens;
using namespace tasklens::trace;

struct ProcessBooks {
    uint32_t spawns = 0;
    uint32_t exits = 0;
};

struct MonitorBooks {
    uint32_t set = 0;
    uint32_t downs = 0;
    uint32_t demonitors = 0;
    Pid watcher;
};

class Checker {
  public:
    void expect(const std::string& what, uint64_t actual, uint64_t expected) {
        std::printf("%-44s %12llu", what.c_str(), static_cast<unsigned long long>(actual));
        if (actual == expected) {
            std::printf("  ok\n");
        } else {
            std::printf("  MISMATCH: expected %llu\n", static_cast<unsigned long long>(expected));
            ++failures_;
        }
    }
    int failures() const { return failures_; }

  private:
    int failures_ = 0;
};

std::map<std::string, uint64_t> read_totals(const std::string& path) {
    std::map<std::string, uint64_t> totals;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string name;
        uint64_t count = 0;
        if (words >> name >> count && name != "batch") totals[name] = count;
    }
    return totals;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: soak_check TRACE.jsonl SCRIPT-STDOUT\n");
        return 2;
    }
    const std::string trace_path = argv[1];
    auto totals = read_totals(argv[2]);
    for (const char* key : {"monitored", "replies", "downs", "crashed_monitored", "transient",
                            "done", "crashes_restarted", "children_left"}) {
        if (!totals.count(key)) {
            std::fprintf(stderr, "soak_check: %s: no '%s' line (did the script finish?)\n", argv[2],
                         key);
            return 2;
        }
    }

    std::ifstream file(trace_path, std::ios::binary);
    if (!file) {
        std::fprintf(stderr, "soak_check: cannot read %s\n", trace_path.c_str());
        return 2;
    }
    TraceReader reader(file, trace_path);
    if (!reader.read_header()) {
        std::fprintf(stderr, "soak_check: %s\n", reader.error()->what().c_str());
        return 2;
    }
    std::unordered_map<uint64_t, ProcessBooks> processes;
    std::unordered_map<uint64_t, MonitorBooks> monitors;
    uint64_t events = 0, child_starts = 0, child_restarts = 0, crash_exits = 0;
    uint64_t downs_without_monitor = 0;
    std::unordered_map<uint64_t, uint64_t> downs_to;  // watcher pid -> :DOWN messages delivered
    Pid script;  // the first process the trace names: the script's own
    Event e;
    while (reader.next(e)) {
        ++events;
        if (!script.valid()) script = e.pid;
        switch (e.kind) {
            case EventKind::Spawn:
                ++processes[e.pid.packed()].spawns;
                break;
            case EventKind::Exit:
                ++processes[e.pid.packed()].exits;
                if (e.reason_class == ExitReasonClass::Crash) ++crash_exits;
                break;
            case EventKind::Monitor: {
                MonitorBooks& m = monitors[e.ref.id];
                ++m.set;
                m.watcher = e.pid;
                break;
            }
            case EventKind::Demonitor:
                ++monitors[e.ref.id].demonitors;
                break;
            case EventKind::Down: {
                auto it = monitors.find(e.ref.id);
                if (it == monitors.end() || it->second.set == 0)
                    ++downs_without_monitor;
                else
                    ++it->second.downs;
                ++downs_to[e.pid.packed()];
                break;
            }
            case EventKind::ChildStart:
                ++child_starts;
                break;
            case EventKind::ChildRestart:
                ++child_restarts;
                break;
            default:
                break;
        }
    }
    if (reader.error()) {
        std::fprintf(stderr, "soak_check: %s\n", reader.error()->what().c_str());
        return 2;
    }

    uint64_t spawned = 0, spawned_once_exited_once = 0, exits_without_spawn = 0;
    for (const auto& [pid, books] : processes) {
        if (books.spawns > 0) {
            ++spawned;
            if (books.spawns == 1 && books.exits == 1) ++spawned_once_exited_once;
        } else if (books.exits > 0) {
            ++exits_without_spawn;
        }
    }
    uint64_t monitors_set_twice = 0, ended_once = 0, ended_twice = 0, still_open = 0;
    for (const auto& [ref, m] : monitors) {
        if (m.set > 1) ++monitors_set_twice;
        const uint32_t ends = m.downs + m.demonitors;
        if (ends == 1) ++ended_once;
        if (ends > 1) ++ended_twice;
        // A monitor still set when its watcher exits ends with the watcher, without an event.
        if (ends == 0 && processes[m.watcher.packed()].exits == 0) ++still_open;
    }

    const uint64_t monitored = totals["monitored"], transient = totals["transient"];
    const uint64_t restarts = totals["crashes_restarted"];
    Checker check;
    std::printf("events %llu, processes %zu, monitors %zu\n",
                static_cast<unsigned long long>(events), processes.size(), monitors.size());
    std::printf("-- the script's own books\n");
    check.expect("monitored tasks: replies + crashes",
                 totals["replies"] + totals["crashed_monitored"], monitored);
    check.expect("monitored tasks: :DOWN received", totals["downs"], monitored);
    check.expect("transient children: done", totals["done"], transient);
    check.expect("children left under the supervisor", totals["children_left"], 0);
    std::printf("-- the event stream\n");
    check.expect("spawned processes with one Spawn and one Exit", spawned_once_exited_once,
                 spawned);
    check.expect("exits of processes never spawned", exits_without_spawn, 0);
    check.expect("monitors set twice", monitors_set_twice, 0);
    check.expect("monitors ended twice", ended_twice, 0);
    check.expect(":DOWN without a monitor", downs_without_monitor, 0);
    check.expect("monitors open while their watcher lives", still_open, 0);
    // One per monitored task, and one for Supervisor.stop/1, which waits for the supervisor's.
    check.expect(":DOWN delivered to the script", downs_to[script.packed()], monitored + 1);
    check.expect("ChildStart (one per task)", child_starts, monitored + transient);
    check.expect("ChildRestart (one per crash of a transient)", child_restarts, restarts);
    check.expect("crash exits", crash_exits, totals["crashed_monitored"] + restarts);
    check.expect("spawns: tasks + restarts + supervisor + script", spawned,
                 monitored + transient + restarts + 2);

    std::printf("-- the trace model\n");
    const LoadedTrace loaded = load_trace_file(trace_path);
    if (!loaded.ok()) {
        std::fprintf(stderr, "soak_check: %s\n", loaded.error->what().c_str());
        return 2;
    }
    const TraceModel& model = loaded.model;
    uint64_t exited = 0, slot_incarnations = 0, model_restarts = 0;
    for (ProcessIndex i = 0; i < model.process_count(); ++i)
        if (model.process(i).exited()) ++exited;
    for (const ChildSlot& slot : model.child_slots()) {
        slot_incarnations += slot.incarnations.size();
        model_restarts += slot.incarnations.size() - 1;
    }
    check.expect("model: events", model.event_count(), events);
    check.expect("model: processes", model.process_count(), processes.size());
    check.expect("model: processes exited", exited, model.process_count());
    check.expect("model: child slots", model.child_slots().size(), monitored + transient);
    check.expect("model: restarts (extra incarnations)", model_restarts, restarts);
    check.expect("model: incarnations", slot_incarnations, monitored + transient + restarts);
    std::printf(
        check.failures() == 0 ? "soak_check: all books agree\n" : "soak_check: %d disagreements\n",
        check.failures());
    return check.failures() == 0 ? 0 : 1;
}
