#pragma once
// The runtime: a process table, a deterministic scheduler on a virtual clock, mailboxes, links,
// monitors, exit signals, timers and registered names — with Erlang's semantics exactly.
//
// Process code is a coroutine that receives a ProcessContext&; it runs until it blocks
// (receive, sleep) or spends its reduction budget, then hands control back to the scheduler.
// There is no OS thread and no native stack per process. One Runtime is driven by one thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/runtime/co.h"
#include "engine/runtime/ids.h"
#include "engine/runtime/term.h"
#include "engine/trace/event.h"

namespace tasklens {

class Runtime;
class ProcessContext;
struct Process;
struct Message;

/// A receive/sleep timeout: milliseconds, or infinity.
struct Timeout {
    int64_t ms = -1;  ///< -1 = infinity
    static constexpr Timeout infinity() { return {}; }
    static constexpr Timeout millis(int64_t m) { return {m}; }
    constexpr bool is_infinity() const { return ms < 0; }
};

/// An Erlang exception travelling through C++ frames: raise (kind :error), exit/1 (kind :exit)
/// or throw (kind :throw). If it leaves a process body, the process exits with
/// reason (exit), {reason, stacktrace} (error) or {{:nocatch, reason}, stacktrace} (throw).
class ErlangException : public std::exception {
public:
    ErlangException(Atom kind, Term reason, Term stacktrace = Term::empty_list())
        : kind_(kind), reason_(std::move(reason)), stacktrace_(std::move(stacktrace)) {}
    Atom kind() const noexcept { return kind_; }
    const Term& reason() const noexcept { return reason_; }
    const Term& stacktrace() const noexcept { return stacktrace_; }
    /// The exit reason of a process that dies of this exception.
    Term exit_reason() const;
    const char* what() const noexcept override { return "Erlang exception"; }

    /// Raised by a library function (GenServer.call/3) with that function's own frames only:
    /// the code that called it puts its frames below them, as the BEAM's stacktrace shows.
    static ErlangException from_library(Atom kind, Term reason, Term library_frames) {
        ErlangException e(kind, std::move(reason), std::move(library_frames));
        e.library_frames_only_ = true;
        return e;
    }
    bool library_frames_only() const noexcept { return library_frames_only_; }

    static ErlangException error(Term reason) { return {atom::error, std::move(reason)}; }
    static ErlangException exit(Term reason) { return {atom::exit, std::move(reason)}; }
    static ErlangException badarg() { return error(Term::atom(atom::badarg)); }

private:
    Atom kind_;
    Term reason_;
    Term stacktrace_;
    bool library_frames_only_ = false;
};

using ProcessBody = std::function<Co<void>(ProcessContext&)>;

/// When a process alias (OTP 24, erlang:alias/1) stops accepting messages, besides unalias/1
/// and its owner's death. Messages sent to an inactive alias are dropped.
enum class AliasMode : uint8_t {
    ExplicitUnalias,  ///< only unalias/1 ends it
    Reply,            ///< the first message sent through it ends it ([:reply])
    Demonitor,        ///< a monitor's alias: ends when the monitor goes (demonitor or DOWN)
    ReplyDemonitor,   ///< as Demonitor, and the first message through it also removes the monitor
};

struct SpawnOptions {
    bool link = false;
    bool monitor = false;
    /// With monitor: the monitor's ref is also an alias of the spawner (Task.async's reply tag).
    std::optional<AliasMode> monitor_alias;
    /// {module, function, arity} for process info and the trace ("Task.Supervisor.async_nolink/2").
    Term initial_call;
    /// Label for the trace when initial_call does not say enough (e.g. "fn in MyApp.run/0").
    std::string label;
    /// Virtual node to spawn on (0 = the spawner's node).
    uint32_t node = 0;
};

struct SpawnResult {
    Pid pid;
    Ref monitor;  ///< valid only with SpawnOptions::monitor
};

/// A snapshot of one process, as Process.info/1 shows it.
struct ProcessInfo {
    Pid pid;
    trace::ProcessState state = trace::ProcessState::Runnable;
    std::optional<Atom> registered_name;
    Term initial_call;
    Term current_call;
    size_t message_queue_len = 0;
    std::vector<Term> messages;
    std::vector<Pid> links;
    std::vector<std::pair<Ref, Pid>> monitors;      ///< processes this one monitors
    std::vector<std::pair<Ref, Pid>> monitored_by;  ///< processes monitoring this one
    uint64_t reductions = 0;
    bool trap_exit = false;
    std::vector<std::pair<Term, Term>> dictionary;
};

/// How the run ended.
struct RunResult {
    enum class Reason { Idle, TargetExited, TimeReached, StepDone, Stopped } reason = Reason::Idle;
    int64_t now_us = 0;
    std::optional<Term> exit_reason;  ///< run_until_exit: the target's exit reason
};

enum class ClockMode {
    Virtual,  ///< deterministic virtual microseconds; sleeping costs no wall time
    Wall,     ///< real time, for native code embedded in a real program
};

struct RuntimeOptions {
    int schedulers = 0;                 ///< 0 = the host's core count (like the BEAM)
    uint32_t process_limit = 262'144;   ///< as the BEAM's default
    uint32_t reductions_per_slice = 4000;
    /// Cost model: each reduction advances virtual time by this many nanoseconds, divided by the
    /// number of schedulers (they run in parallel). Keeps CPU-bound loops from freezing time.
    uint32_t ns_per_reduction = 10;
    ClockMode clock = ClockMode::Virtual;
    trace::EventSink* events = nullptr;  ///< nullptr = event recording off (no cost)
    /// Where IO output goes (nullptr: discarded). Console events are recorded either way.
    std::function<void(std::string_view text, bool to_stderr)> console;
    std::string node_name = "nonode@nohost";
    /// The serial of the first pid spawned. `tasklens run` starts at 96 so that a script's pids
    /// are the ones `elixir x.exs` prints (its script process is #PID<0.96.0> on OTP 25).
    uint32_t first_pid_serial = 1;
    /// Whether reserve_pids() takes serials: on for `tasklens run`, where it stands for the
    /// processes Elixir itself starts (the compiler's, one set per defmodule).
    bool reserve_pids = false;
};

/// Resolves calls by module/function/arity (apply/3, &Mod.f/2, GenServer callbacks) and runs
/// closures. Native modules register functions; the scenario VM installs itself as the runner of
/// closures and the resolver of scenario-defined modules.
class CodeRegistry {
public:
    using NativeFunction = Co<Term> (*)(ProcessContext& ctx, std::span<const Term> args);
    /// Returns nullopt when the scenario code does not define module.function/arity.
    using ModuleResolver = std::function<std::optional<Co<Term>>(ProcessContext&, Atom module, Atom function,
                                                                 std::span<const Term> args)>;
    using ClosureRunner = std::function<Co<Term>(ProcessContext&, const Term& fun, std::span<const Term> args)>;

    void register_native(Atom module, Atom function, int arity, NativeFunction fn);
    void set_module_resolver(ModuleResolver resolver);
    void set_closure_runner(ClosureRunner runner);
    bool is_defined(Atom module, Atom function, int arity) const;

    /// apply(module, function, args); raises :undef (UndefinedFunctionError) if nothing defines it.
    Co<Term> apply(ProcessContext& ctx, Atom module, Atom function, std::vector<Term> args) const;
    /// fun.(args...); raises {:badfun, f} / {:badarity, {f, args}} as Erlang does.
    Co<Term> call_fun(ProcessContext& ctx, const Term& fun, std::vector<Term> args) const;

private:
    struct Key {
        uint32_t module, function;
        int arity;
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        size_t operator()(const Key& k) const noexcept;
    };
    std::unordered_map<Key, NativeFunction, KeyHash> natives_;
    ModuleResolver resolver_;
    ClosureRunner closure_runner_;
};

/// What process code uses to act: the `self()` side of the runtime. Valid while its process lives.
class ProcessContext {
public:
    Pid self() const noexcept;
    Runtime& runtime() const noexcept;
    int64_t now_us() const noexcept;

    // --- messages ------------------------------------------------------------------------
    void send(Pid to, Term message);
    /// Kernel.send/2: dest is a pid, a registered atom, or {atom, node}. Raises badarg for an
    /// unregistered name. Returns the message.
    Term send(const Term& dest, Term message);

    /// Low-level mailbox access for the scenario VM's selective receive: walk messages in
    /// arrival order, take the one that matches, or wait for one more to arrive.
    Message* first_message() const noexcept;
    Message* next_message(Message* m) const noexcept;
    const Term& message_term(const Message* m) const noexcept;
    Term take_message(Message* m);
    size_t message_queue_len() const noexcept;

    /// co_await: suspends until a message arrives after the ones already in the mailbox, or until
    /// the deadline (absolute virtual µs, -1 = none). Yields true if a message arrived.
    struct WaitForMessage {
        ProcessContext& ctx;
        int64_t deadline_us;
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<> h);
        bool await_resume();
    };
    WaitForMessage wait_for_message(int64_t deadline_us) { return {*this, deadline_us}; }

    /// Selective receive for native code: the first message `matches` accepts, or nullopt after
    /// `timeout`. `kind` labels the wait in the trace (and `about`/`ref` say what is awaited).
    Co<std::optional<Term>> receive(std::function<bool(const Term&)> matches, Timeout timeout,
                                    trace::WaitKind kind = trace::WaitKind::Receive, Pid about = {}, Ref ref = {});

    /// co_await ctx.sleep(t): Process.sleep.
    struct Sleep {
        ProcessContext& ctx;
        Timeout timeout;
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<> h);
        void await_resume();
    };
    Sleep sleep(Timeout t) { return {*this, t}; }

    /// Counts reductions; true when the slice is used up and the caller should `co_await yield()`.
    bool consume_reductions(uint32_t n) noexcept;
    struct Yield {
        ProcessContext& ctx;
        bool await_ready() const noexcept { return false; }
        void await_suspend(std::coroutine_handle<> h);
        void await_resume();
    };
    Yield yield() { return {*this}; }

    // --- processes -----------------------------------------------------------------------
    /// spawn / spawn_link / spawn_monitor. Raises system_limit past the process limit.
    SpawnResult spawn(ProcessBody body, SpawnOptions options = {});
    /// Process.link/1: raises noproc for a dead pid unless trapping (then {:EXIT, pid, :noproc}).
    void link(Pid other);
    void unlink(Pid other);
    /// Process.monitor/1 on a pid or a registered name; DOWN :noproc at once for a dead target.
    Ref monitor(const Term& target);
    /// erlang:monitor(:process, target, alias: mode): the monitor's ref is also an alias of the
    /// caller (gen.erl's call uses :demonitor, so a late reply after a timeout is dropped).
    Ref monitor(const Term& target, AliasMode alias);
    /// Process.demonitor/2. `flush` removes a DOWN already queued. Returns whether it was active.
    bool demonitor(Ref ref, bool flush = false);
    /// :erlang.alias/0,1: a new alias of the caller; send/2 to it lands in the caller's mailbox
    /// while it is active.
    Ref alias(AliasMode mode = AliasMode::ExplicitUnalias);
    /// :erlang.unalias/1: true if `alias` was an active alias of the caller.
    bool unalias(Ref alias);
    /// exit/2 (Process.exit/2).
    void exit(Pid target, Term reason);
    /// exit/1: never returns (throws ErlangException of kind :exit).
    [[noreturn]] void exit_self(Term reason);
    /// Process.flag(:trap_exit, on); returns the old value.
    bool set_trap_exit(bool on);
    bool trap_exit() const noexcept;
    bool alive(Pid p) const noexcept;
    std::optional<ProcessInfo> info(Pid p) const;
    /// The caller's registered name, without the copy of links, mailbox and dictionary that
    /// info(self()) makes (spawning a child reads it for the child's $ancestors).
    std::optional<Atom> registered_name() const noexcept;

    // --- names, dictionary, refs, timers -------------------------------------------------
    /// Process.register/2: raises badarg if the name is taken or the pid is dead.
    void register_name(Atom name, Pid pid);
    void unregister_name(Atom name);
    std::optional<Pid> whereis(Atom name) const;
    Term dict_get(const Term& key) const;
    Term dict_put(Term key, Term value);  ///< returns the old value or nil
    Term dict_erase(const Term& key);     ///< returns the old value or nil
    std::vector<std::pair<Term, Term>> dict_all() const;
    Ref make_ref();
    /// Process.send_after/3; the timer ref can be cancelled.
    Ref send_after(Term dest, Term message, int64_t ms);
    /// Process.cancel_timer/1: remaining ms, or nullopt if it already fired / never existed.
    std::optional<int64_t> cancel_timer(Ref timer);
    /// erlang:read_timer/1: remaining ms (rounded up), or nullopt if fired / cancelled / unknown.
    std::optional<int64_t> read_timer(Ref timer) const;

    // --- output and events ---------------------------------------------------------------
    void write_console(std::string_view text, bool to_stderr = false);
    /// Records an event about this process (fills seq, time and pid). No-op when recording is off.
    void record_event(trace::Event event);
    bool recording() const noexcept;

private:
    friend class Runtime;
    friend struct Process;
    explicit ProcessContext(Process& process) : process_(process) {}
    Ref monitor_impl(const Term& target, std::optional<AliasMode> alias);
    Process& process_;
};

class Runtime {
public:
    explicit Runtime(RuntimeOptions options = {});
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    /// Spawns a process with no parent (the root of a run, e.g. the scenario's main process).
    SpawnResult spawn(ProcessBody body, SpawnOptions options = {});
    /// Skips `count` pid serials, as processes the script never sees would take them on the
    /// BEAM (Elixir's compiler starts three per module). A no-op unless
    /// RuntimeOptions::reserve_pids is set.
    void reserve_pids(uint32_t count) noexcept;

    RunResult run();                           ///< until idle: no runnable process, no timer
    RunResult run_until_exit(Pid target);      ///< until target has exited
    /// Until the clock reaches the time (pacing). With a valid `target`, also returns
    /// TargetExited (with its reason) as soon as the target exits, so a paced driver stops where
    /// run_until_exit(target) would have.
    RunResult run_until(int64_t virtual_us, Pid target = {});
    /// Until at least one event was emitted (or one slice ran, when recording is off); with a
    /// valid `target`, TargetExited once it exits.
    RunResult step(Pid target = {});
    /// Thread-safe: makes a running run*() return Stopped at its next slice boundary. A request
    /// made while nothing runs makes the next run*() call return Stopped at once.
    void request_stop() noexcept;

    int64_t now_us() const noexcept;
    int schedulers() const noexcept;
    const RuntimeOptions& options() const noexcept;
    void set_event_sink(trace::EventSink* sink) noexcept;

    bool alive(Pid p) const noexcept;
    std::optional<ProcessInfo> info(Pid p) const;
    std::vector<Pid> processes() const;
    size_t process_count() const noexcept;
    std::optional<Pid> whereis(Atom name) const;
    /// Sends from outside any process (the GUI's "send message", tests).
    void send(Pid to, Term message);
    /// exit/2 from outside any process (the GUI's "kill with reason").
    void exit(Pid target, Term reason);

    CodeRegistry& code() noexcept;

    /// Called when any process exits, before its links and monitors fire (the BEAM releases a
    /// dying process's ETS tables at that point, so an heir's ETS-TRANSFER precedes the DOWN).
    /// The observer may send messages; it must not run process code. Lives as long as the runtime.
    using ExitObserver = std::function<void(Pid pid, const Term& reason)>;
    void add_exit_observer(ExitObserver observer);

    // --- virtual nodes -------------------------------------------------------------------
    uint32_t local_node() const noexcept;  ///< the node of the runtime's first processes (0)
    Atom node_name(uint32_t node) const;
    std::optional<uint32_t> find_node(Atom name) const;
    /// Starts a named virtual node inside this runtime.
    uint32_t start_node(Atom name);
    /// Disconnects a node: links and monitors across it fire with :noconnection.
    void disconnect_node(uint32_t node);

    /// Owned extension state (e.g. the scenario VM's loaded modules, the Logger configuration).
    /// Created on first use, destroyed with the runtime.
    template <typename T>
    T& extension() {
        auto& slot = extension_slot(extension_id<T>());
        if (!slot) slot = std::shared_ptr<void>(std::make_shared<T>());
        return *static_cast<T*>(slot.get());
    }

private:
    friend class ProcessContext;
    friend struct Process;
    template <typename T>
    static size_t extension_id() {
        static const size_t id = next_extension_id();
        return id;
    }
    static size_t next_extension_id();
    std::shared_ptr<void>& extension_slot(size_t id);

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tasklens
