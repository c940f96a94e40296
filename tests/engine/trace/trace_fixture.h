#pragma once
// A tiny DSL for hand-built traces, so that a test reads like the run it describes:
//
//     TraceBuilder run;
//     run.spawn(0, 2, 1, "Task.async/1").state(0, 2, ProcessState::Running).exit(5, 2, ":normal");
//
// Pids are local (node 0) and written by serial: 2 means #PID<0.2.0>. seq counts up from 0.
#include <string>
#include <vector>

#include "engine/trace/event.h"

namespace tasklens::trace::testing {

inline Pid pid(uint32_t serial) {
    return Pid{0, serial};
}

class TraceBuilder {
  public:
    Event& add(int64_t t, EventKind kind, uint32_t who, uint32_t peer = 0) {
        Event& e = events_.emplace_back();
        e.seq = next_seq_++;
        e.time_us = t;
        e.kind = kind;
        e.pid = pid(who);
        if (peer != 0) e.peer = pid(peer);
        return e;
    }

    TraceBuilder& spawn(int64_t t, uint32_t child, uint32_t parent, std::string initial_call,
                        uint8_t flags = 0, uint64_t monitor_ref = 0) {
        Event& e = add(t, EventKind::Spawn, child, parent);
        e.text = std::move(initial_call);
        e.flags = flags;
        e.ref.id = monitor_ref;
        return *this;
    }
    TraceBuilder& caller(int64_t t, uint32_t task, uint32_t asked_by) {
        add(t, EventKind::Caller, task, asked_by);
        return *this;
    }
    TraceBuilder& exit(int64_t t, uint32_t who, std::string reason,
                       ExitReasonClass reason_class = ExitReasonClass::Normal) {
        Event& e = add(t, EventKind::Exit, who);
        e.text = std::move(reason);
        e.reason_class = reason_class;
        return *this;
    }
    TraceBuilder& state(int64_t t, uint32_t who, ProcessState state) {
        add(t, EventKind::StateChange, who).state = state;
        return *this;
    }
    TraceBuilder& wait_start(int64_t t, uint32_t who, WaitKind kind, int64_t deadline,
                             uint32_t awaited = 0, uint64_t ref = 0) {
        Event& e = add(t, EventKind::WaitStart, who, awaited);
        e.wait_kind = kind;
        e.deadline_us = deadline;
        e.ref.id = ref;
        return *this;
    }
    TraceBuilder& wait_end(int64_t t, uint32_t who, WaitOutcome outcome) {
        add(t, EventKind::WaitEnd, who).wait_outcome = outcome;
        return *this;
    }
    TraceBuilder& sleep(int64_t t, uint32_t who, int64_t until) {
        add(t, EventKind::Sleep, who).deadline_us = until;
        return *this;
    }
    TraceBuilder& send(int64_t t, uint32_t from, uint32_t to, std::string message) {
        add(t, EventKind::Send, from, to).text = std::move(message);
        return *this;
    }
    TraceBuilder& receive(int64_t t, uint32_t who, uint32_t from, std::string message) {
        add(t, EventKind::Receive, who, from).text = std::move(message);
        return *this;
    }
    TraceBuilder& reply(int64_t t, uint32_t from, uint32_t to, uint64_t ref) {
        add(t, EventKind::Reply, from, to).ref.id = ref;
        return *this;
    }
    TraceBuilder& link(int64_t t, uint32_t a, uint32_t b) {
        add(t, EventKind::Link, a, b);
        return *this;
    }
    TraceBuilder& unlink(int64_t t, uint32_t a, uint32_t b) {
        add(t, EventKind::Unlink, a, b);
        return *this;
    }
    TraceBuilder& monitor(int64_t t, uint32_t watcher, uint32_t watched, uint64_t ref) {
        add(t, EventKind::Monitor, watcher, watched).ref.id = ref;
        return *this;
    }
    TraceBuilder& down(int64_t t, uint32_t watcher, uint32_t dead, uint64_t ref,
                       std::string reason) {
        Event& e = add(t, EventKind::Down, watcher, dead);
        e.ref.id = ref;
        e.text = std::move(reason);
        return *this;
    }
    TraceBuilder& exit_signal(int64_t t, uint32_t target, uint32_t source,
                              SignalDisposition disposition, std::string reason) {
        Event& e = add(t, EventKind::ExitSignal, target, source);
        e.disposition = disposition;
        e.text = std::move(reason);
        return *this;
    }
    TraceBuilder& child_start(int64_t t, uint32_t supervisor, uint32_t child, std::string id) {
        add(t, EventKind::ChildStart, supervisor, child).text = std::move(id);
        return *this;
    }
    TraceBuilder& child_restart(int64_t t, uint32_t supervisor, uint32_t child, std::string id,
                                int64_t count) {
        Event& e = add(t, EventKind::ChildRestart, supervisor, child);
        e.text = std::move(id);
        e.value = count;
        return *this;
    }
    TraceBuilder& child_terminate(int64_t t, uint32_t supervisor, uint32_t child, std::string id) {
        add(t, EventKind::ChildTerminate, supervisor, child).text = std::move(id);
        return *this;
    }
    TraceBuilder& give_up(int64_t t, uint32_t supervisor) {
        add(t, EventKind::SupervisorGiveUp, supervisor);
        return *this;
    }
    TraceBuilder& register_name(int64_t t, uint32_t who, std::string name) {
        add(t, EventKind::Register, who).text = std::move(name);
        return *this;
    }
    TraceBuilder& console(int64_t t, uint32_t who, std::string text) {
        add(t, EventKind::Console, who).text = std::move(text);
        return *this;
    }

    const std::vector<Event>& events() const { return events_; }

  private:
    std::vector<Event> events_;
    uint64_t next_seq_ = 0;
};

}  // namespace tasklens::trace::testing
