#pragma once
// The vocabulary of everything that happens in a run. Every state change in the engine becomes one
// Event; the trace model, the trace files and every view are built from these and nothing else.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/runtime/ids.h"

namespace tasklens::trace {

/// What happened. `pid` is always the process the event is about; `peer` the other one, if any.
enum class EventKind : uint8_t {
    Spawn,       ///< pid was spawned by peer. text: initial call. flags: Linked/Monitored.
    Exit,        ///< pid terminated. text: exit reason (inspected). reason_class set.
    Link,        ///< pid linked to peer.
    Unlink,      ///< pid removed its link to peer.
    Monitor,     ///< pid started monitoring peer. ref: the monitor reference.
    Demonitor,   ///< pid removed monitor ref on peer.
    Down,        ///< a DOWN message about peer was delivered to pid. ref, text: reason.
    ExitSignal,  ///< an exit signal from peer reached pid. disposition says what it did. text:
                 ///< reason.
    Send,        ///< pid sent a message to peer. text: short rendering of the message.
    Receive,     ///< pid took a message out of its mailbox (sender peer if known). text: message.
    WaitStart,  ///< pid started waiting: wait_kind, deadline_us (-1 = infinity), ref/peer if known.
    WaitEnd,    ///< the wait started by the matching WaitStart ended: wait_outcome.
    Sleep,      ///< pid sleeps until deadline_us (Process.sleep / :timer.sleep).
    Reply,      ///< pid (a task or server) replied to peer. ref: the request reference.
    Register,   ///< pid registered under text (a name).
    Unregister,        ///< the name text was released by pid.
    ChildStart,        ///< supervisor pid started child peer. text: child id.
    ChildRestart,      ///< supervisor pid restarted child id text as peer. value: restart count.
    ChildTerminate,    ///< supervisor pid terminated child peer (shutdown). text: child id.
    SupervisorGiveUp,  ///< supervisor pid exceeded max_restarts in max_seconds and exits :shutdown.
    NodeUp,            ///< virtual node text came up. value: node number.
    NodeDown,          ///< virtual node text went down. value: node number.
    StateChange,       ///< pid's scheduling state became `state`.
    Console,  ///< pid printed text (IO.puts/IO.inspect) to stdout (or stderr if flags has Stderr).
    Log,      ///< pid logged text at log_level.
    /// pid's `$callers` starts with peer: the process that asked for this task. Emitted right
    /// after the task's Spawn, at the same time. Under a Task.Supervisor the spawn parent (the
    /// Spawn's peer, head of `$ancestors`) is the supervisor, while the caller is the process that
    /// called Task.Supervisor.async; for a plain Task.async both are the same process, and the
    /// event is still emitted so that every task has one. The rest of `$callers` is the caller's
    /// own chain, so the model follows Caller events transitively.
    Caller,
};

/// Number of EventKind enumerators (keep in step when appending one).
inline constexpr int kEventKindCount = static_cast<int>(EventKind::Caller) + 1;

/// Scheduling state of a process. Exactly one at a time.
enum class ProcessState : uint8_t {
    Runnable,  ///< ready, waiting for a virtual scheduler
    Running,   ///< executing on a virtual scheduler
    Waiting,   ///< blocked in receive (including await/yield/call, which are receives)
    Sleeping,  ///< in Process.sleep
    Exiting,   ///< terminated or being torn down
};

/// Why a process waited; the views draw each as a window ending at its deadline.
enum class WaitKind : uint8_t {
    Receive,        ///< a plain receive (with or without after)
    TaskAwait,      ///< Task.await / await_many
    TaskYield,      ///< Task.yield / yield_many
    Shutdown,       ///< Task.shutdown or a supervisor shutting a child down
    GenServerCall,  ///< GenServer.call and everything built on it
};

/// How a wait ended.
enum class WaitOutcome : uint8_t {
    Message,  ///< a matching message arrived (for awaits: the reply)
    Timeout,  ///< the deadline passed
    Down,     ///< the awaited process went DOWN first
    Killed,   ///< the waiting process itself was killed / exited while waiting
};

/// What an arriving exit signal did to its target.
enum class SignalDisposition : uint8_t {
    Killed,   ///< the target died of it
    Trapped,  ///< the target traps exits: it became an {:EXIT, from, reason} message
    Ignored,  ///< :normal signal to a non-trapping process (or to a dead one)
};

/// A coarse class of exit reasons, for colouring: normal, shutdown / {:shutdown, _}, killed, other.
enum class ExitReasonClass : uint8_t { Normal, Shutdown, Killed, Crash };

enum class LogLevel : uint8_t { Debug, Info, Notice, Warning, Error };

/// Bit flags in Event::flags.
enum EventFlag : uint8_t {
    FlagLinked = 1 << 0,     ///< Spawn: spawn_link
    FlagMonitored = 1 << 1,  ///< Spawn: spawn_monitor
    FlagStderr = 1 << 2,     ///< Console: written to stderr
};

struct Event {
    uint64_t seq = 0;     ///< position in the run, from 0, no gaps
    int64_t time_us = 0;  ///< virtual time
    EventKind kind = EventKind::StateChange;
    uint8_t flags = 0;
    union {  ///< meaning depends on kind
        ProcessState state;
        WaitKind wait_kind;
        WaitOutcome wait_outcome;
        SignalDisposition disposition;
        ExitReasonClass reason_class;
        LogLevel log_level;
        uint8_t detail = 0;
    };
    Pid pid;                   ///< the process the event is about
    Pid peer;                  ///< the other process, if any
    Ref ref;                   ///< monitor / request reference, if any
    int64_t deadline_us = -1;  ///< WaitStart / Sleep: absolute deadline (-1 = infinity)
    int64_t value = 0;         ///< kind-specific number (restart count, node number, ...)
    std::string text;          ///< kind-specific text (initial call, reason, message, name, output)
};

std::string_view to_string(EventKind) noexcept;
std::string_view to_string(ProcessState) noexcept;
std::string_view to_string(WaitKind) noexcept;
std::string_view to_string(WaitOutcome) noexcept;
std::string_view to_string(SignalDisposition) noexcept;
std::string_view to_string(ExitReasonClass) noexcept;
std::string_view to_string(LogLevel) noexcept;

/// The inverse of to_string: the enumerator whose name is exactly `name`, or nullopt.
std::optional<EventKind> parse_event_kind(std::string_view name) noexcept;
std::optional<ProcessState> parse_process_state(std::string_view name) noexcept;
std::optional<WaitKind> parse_wait_kind(std::string_view name) noexcept;
std::optional<WaitOutcome> parse_wait_outcome(std::string_view name) noexcept;
std::optional<SignalDisposition> parse_signal_disposition(std::string_view name) noexcept;
std::optional<ExitReasonClass> parse_exit_reason_class(std::string_view name) noexcept;
std::optional<LogLevel> parse_log_level(std::string_view name) noexcept;

/// `#PID<node.serial.0>`, as Elixir prints a local pid.
std::string format_pid(Pid pid);

/// Field-by-field equality (the detail byte compared raw), for tests and round trips.
bool operator==(const Event& a, const Event& b) noexcept;

/// Receives events as the engine produces them, on the engine's thread. Must not block.
class EventSink {
  public:
    virtual ~EventSink() = default;
    virtual void on_event(const Event& event) = 0;
};

}  // namespace tasklens::trace
