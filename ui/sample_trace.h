#pragma once
// A hand-built trace of the Task.Supervisor story from the Elixir docs, for the GUI's
// "Open sample" action, the image tests and the screenshots in docs/. It needs no engine run.
#include <vector>

#include "engine/trace/event.h"

namespace tasklens::ui {

/// A script process starts a Task.Supervisor and a GenServer, then calls the GenServer. The
/// GenServer starts three tasks with Task.Supervisor.async_nolink: one replies, one crashes (DOWN),
/// one is too slow (Task.yield times out, Task.shutdown kills it). Back in the script, a Task.async
/// is awaited with a 500 ms timeout that expires: the script crashes and its links take the
/// supervisor, the GenServer and the task down with it.
std::vector<trace::Event> sampleTaskSupervisorTrace();

/// A one_for_one Supervisor (max_restarts: 3 in 5 s) whose MyApp.Cache child crashes twice and is
/// restarted each time, a MyApp.Worker child linked to a helper it spawned itself, and a Registry
/// monitored by the worker: restart badges, ghosted dead incarnations, links and monitors.
std::vector<trace::Event> sampleRestartTrace();

/// Appends events with consecutive sequence numbers; spells out the common patterns.
class EventScript {
  public:
    trace::Event& add(int64_t t_us, trace::EventKind kind, Pid pid, Pid peer = {});
    void spawn(int64_t t_us, Pid child, Pid parent, const char* initial_call, bool linked);
    void state(int64_t t_us, Pid pid, trace::ProcessState state);
    void send(int64_t t_us, Pid from, Pid to, const char* message, int64_t delivered_us);
    void waitStart(int64_t t_us, Pid pid, trace::WaitKind kind, int64_t deadline_us, Pid peer = {});
    void waitEnd(int64_t t_us, Pid pid, trace::WaitOutcome outcome, Pid peer = {});
    void exit(int64_t t_us, Pid pid, trace::ExitReasonClass reason_class, const char* reason);
    std::vector<trace::Event> take() { return std::move(events_); }

  private:
    std::vector<trace::Event> events_;
};

}  // namespace tasklens::ui
