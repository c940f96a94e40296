#pragma once
// Elixir's OTP layer as native processes: Task, Task.Supervisor, Supervisor, DynamicSupervisor,
// PartitionSupervisor, GenServer, Agent, Registry (registry.cpp: unique and duplicate keys,
// partitions, listeners, match specifications), the :global name table and the :erlang alias
// functions (aliases.cpp).
//
// Everything is registered in the runtime's CodeRegistry under the Elixir module atoms
// (`Elixir.Task`, `async`, 1) by register_otp(), so scenarios and C++ run the same code; the
// typed functions below are the same implementations for native callers and tests.
//
// Semantics follow lib/elixir/lib/task.ex, task/supervised.ex, task/supervisor.ex,
// dynamic_supervisor.ex, supervisor.ex, gen_server.ex, agent.ex and OTP's supervisor.erl,
// gen.erl and proc_lib.erl: the same messages ({ref, reply}, {:DOWN, ...}, {:"$gen_call", from,
// request}), the same exit reasons ({:timeout, {Task, :await, [task, 5000]}}), the same process
// dictionary keys ($callers, $ancestors, $initial_call). Deliberate differences are listed in
// docs/performance.md ("OTP") ("Known gaps").
//
// ## The async_stream representation (for the VM's Enum and Stream)
//
// Task.async_stream/3,5 and Task.Supervisor.async_stream*/4,6 return what Elixir returns: a
// function of arity 2 — here a FunObject of kind Native — implementing Enumerable's reduce:
//
//     stream.(acc, reducer)   acc     = {:cont, a} | {:halt, a} | {:suspend, a}
//                              reducer = fn element, a -> {:cont, a} | {:halt, a} | {:suspend, a}
//                              end
//     returns {:done, a} | {:halted, a} | {:suspended, a, continuation}
//
// continuation is again a Native fun of arity 1 taking the next {:cont | :halt | :suspend, a}.
// Enumerable.reduce/3 on any arity-2 function is exactly `fun.(acc, reducer)`, so the VM's Enum
// and Stream consume it like any function-based stream. The stream is lazy: nothing is spawned
// until it is reduced, and input is pulled only as capacity frees (Task.Supervised.stream's
// algorithm, so `Enum.take(10)` with max_concurrency 8 starts exactly 17 items).
//
// Input enumerables: lists, ranges (%Range{first, last, step}), maps and arity-2 functions
// (other streams) are walked natively; anything else goes through
// `apply(Enumerable, :reduce, [enum, acc, fun])`, which the VM provides.
//
// ## Callbacks
//
// GenServer callbacks, child_spec/1 of `{Module, arg}` children, the MFA of tasks and start
// functions of children are run with CodeRegistry::apply / call_fun. GenServer's default
// callbacks (what `use GenServer` injects) are used when CodeRegistry::is_defined says the module
// lacks one: handle_call raises, handle_info ignores, handle_cast raises, terminate does nothing.
// default_child_spec() builds what `use GenServer / Agent / Task / Supervisor` inject as
// child_spec/1, for the VM's `use` expansion.
#include <functional>
#include <optional>

#include "engine/otp/vocabulary.h"
#include "engine/runtime/runtime.h"

namespace tasklens::otp {

/// Registers every native function of the OTP layer (Task, Task.Supervisor, Task.Supervised,
/// Supervisor, DynamicSupervisor, PartitionSupervisor, GenServer, Agent, Agent.Server, Registry,
/// :global, :sys, Node) in `code`.
void register_otp(CodeRegistry& code);

// --- crash reports ---------------------------------------------------------------------------

/// What a crashing Task, GenServer or supervised child hands to the logger. The engine never
/// prints; the VM's Logger decides (level, :logger filters such as task_20's).
struct CrashReport {
    enum class Kind : uint8_t {
        Task,             ///< label {Task.Supervisor, :terminating}
        GenServer,        ///< label {:gen_server, :terminate}
        ChildTerminated,  ///< label {:supervisor, :child_terminated}
        Shutdown,         ///< label {:supervisor, :shutdown} (max restart intensity reached)
    } kind = Kind::Task;
    Pid pid;     ///< the process that crashed (or the supervisor, for supervisor reports)
    Term label;  ///< {Task.Supervisor, :terminating}, {:gen_server, :terminate}, ...
    /// The Erlang-style report map, e.g. for a task
    /// %{label: {Task.Supervisor, :terminating}, report: %{name: pid, starter: owner,
    ///   function: fun, args: args, reason: {reason, stacktrace}}}
    /// as :logger filters see it in `msg: {:report, report}`.
    Term report;
    /// Logger metadata: %{callers: [...], domain: [:otp, :elixir]} (callers only for tasks).
    Term metadata;
    Term reason;   ///< the exit reason the process dies with
    Term starter;  ///< task: the owner (pid or registered name); GenServer: the client of a call or
                   ///< nil
    Term function;  ///< task: the fun or a capture {m, f, arity}; GenServer: the last message
    Term args;      ///< task: the argument list; GenServer: the state
    /// A SASL-domain report (supervisor child_terminated / shutdown, metadata domain
    /// [:otp, :sasl]). Elixir's default Logger drops these (handle_sasl_reports: false), so a
    /// logger that mimics `elixir script.exs` prints nothing for them; :logger filters still see
    /// them.
    bool sasl = false;
};
/// Runs in the crashing process before it exits (it may call back into scenario code).
using CrashReportHandler = std::function<Co<void>(ProcessContext&, CrashReport)>;
/// One handler per runtime; nullptr (the default) drops reports.
void set_crash_report_handler(Runtime& runtime, CrashReportHandler handler);

// --- Task --------------------------------------------------------------------------------------

/// Task.async/1 (fun) — %Task{mfa: {:erlang, :apply, 2}, owner, pid, ref}.
Term task_async(ProcessContext& ctx, Term fun);
/// Task.async/3.
Term task_async(ProcessContext& ctx, Atom module, Atom function, Term args);
/// Task.await/2 (default 5000 ms).
Co<Term> task_await(ProcessContext& ctx, Term task, Timeout timeout = Timeout::millis(5000));
/// Task.await_many/2: replies in the order of `tasks` (a list of %Task{}).
Co<Term> task_await_many(ProcessContext& ctx, Term tasks, Timeout timeout = Timeout::millis(5000));
/// Task.yield/2: {:ok, reply} | {:exit, reason} | nil.
Co<Term> task_yield(ProcessContext& ctx, Term task, Timeout timeout = Timeout::millis(5000));
/// Task.yield_many/2 with options (a keyword list: timeout:, on_timeout:, limit:) or a timeout.
Co<Term> task_yield_many(ProcessContext& ctx, Term tasks, Term options_or_timeout);
/// Task.shutdown/2 ({:ok, reply} | {:exit, reason} | nil).
Co<Term> task_shutdown(ProcessContext& ctx, Term task, Shutdown shutdown = Shutdown::millis(5000));
/// Task.ignore/1.
Term task_ignore(ProcessContext& ctx, Term task);
/// Task.completed/1.
Term task_completed(ProcessContext& ctx, Term value);
/// Task.start/1 (link = false) and Task.start_link/1: {:ok, pid}.
Term task_start(ProcessContext& ctx, Term fun, bool link);
/// Task.async_stream/3 (fun) or /5 (mfa = {module, function, args}); see the stream notes above.
Term task_async_stream(ProcessContext& ctx, Term enumerable, Term fun_or_mfa, Term options);

// --- GenServer, Agent --------------------------------------------------------------------------

/// GenServer.start/3 and start_link/3: {:ok, pid} | :ignore | {:error, reason}.
Co<Term> gen_server_start(ProcessContext& ctx, Atom module, Term init_arg, Term options, bool link);
/// GenServer.call/3 (default 5000 ms).
Co<Term> gen_server_call(ProcessContext& ctx, Term server, Term request,
                         Timeout timeout = Timeout::millis(5000));
/// GenServer.cast/2 (always :ok).
Co<Term> gen_server_cast(ProcessContext& ctx, Term server, Term request);
/// GenServer.reply/2.
void gen_server_reply(ProcessContext& ctx, const Term& from, Term reply);
/// GenServer.stop/3.
Co<Term> gen_server_stop(ProcessContext& ctx, Term server, Term reason = Term::atom(atom::normal),
                         Timeout timeout = Timeout::infinity());
/// GenServer.whereis/1: pid, atom, {:global, term}, {:via, module, term}, {atom, node}.
Co<std::optional<Pid>> whereis(ProcessContext& ctx, Term server);

// --- supervisors -------------------------------------------------------------------------------

/// Supervisor.start_link/2 with child specs (maps, {Module, arg}, Module) and options
/// (strategy:, max_restarts:, max_seconds:, name:).
Co<Term> supervisor_start_link(ProcessContext& ctx, Term children, Term options);
/// DynamicSupervisor.start_link/1 with options (name:, max_children:, max_restarts:,
/// max_seconds:, extra_arguments:, strategy: :one_for_one).
Co<Term> dynamic_supervisor_start_link(ProcessContext& ctx, Term options);
/// Task.Supervisor.start_link/1.
Co<Term> task_supervisor_start_link(ProcessContext& ctx, Term options);

/// What `use GenServer|Agent|Task|Supervisor, opts` injects as child_spec(arg):
/// %{id: module, start: {module, :start_link, [arg]}} (+ restart: :temporary for Task,
/// type: :supervisor for Supervisor), overridden by `use_options` like Supervisor.child_spec/2.
enum class UseKind : uint8_t { GenServer, Agent, Task, Supervisor };
Term default_child_spec(UseKind kind, Atom module, Term arg, Term use_options);

}  // namespace tasklens::otp
