#pragma once
// Supervisor internals shared by Supervisor (static_supervisor.cpp), DynamicSupervisor and
// Task.Supervisor (dynamic_supervisor.cpp) and PartitionSupervisor (partition_supervisor.cpp);
// supervisor.cpp holds what they share: child specs, starting and shutting down a child, reports.
#include <deque>
#include <map>
#include <memory>

#include "engine/otp/common.h"

namespace tasklens::otp::detail {

/// One child as supervisor.erl's #child record keeps it.
struct ChildRecord {
    Term id;
    Pid pid;                  ///< invalid = :undefined (not running)
    bool restarting = false;  ///< a restart failed and is being retried
    Term mfa;                 ///< {module, function, args}
    RestartType restart = RestartType::Permanent;
    Shutdown shutdown = Shutdown::millis(5000);
    ChildType type = ChildType::Worker;
    Term modules;
};

/// A static supervisor's state; kept in a shared_ptr so PartitionSupervisor can route by it.
struct StaticSupervisor {
    Term name;  ///< registered name or nil
    Atom module;
    Strategy strategy = Strategy::OneForOne;
    int64_t max_restarts = 3;
    int64_t max_seconds = 5;
    std::deque<int64_t> restarts;       ///< restart times in seconds, newest first
    std::vector<ChildRecord> children;  ///< in start order
    int64_t restart_count = 0;
};

/// Supervisor (static) state by supervisor pid, for routing and introspection.
std::unordered_map<uint64_t, std::weak_ptr<StaticSupervisor>>& static_supervisors(Runtime& rt);

/// Child spec (map, {Module, arg} or Module) → full map with every key; raises ArgumentError
/// like Supervisor for anything else.
Co<Term> normalize_child_spec(ProcessContext& ctx, Term child);
/// Supervisor.child_spec/2's override step on an already normalized map.
Term override_child_spec(Term spec, const Term& overrides);
/// Reads a normalized child spec map into a record; {:error, reason} via `error` on a bad spec.
bool child_record_from_spec(const Term& spec, ChildRecord& out, Term& error);

/// The child spec map of a record, every key present (Supervisor.which_children's source,
/// :get_childspec's reply).
Term full_child_spec(const ChildRecord& c);
Term restart_term(RestartType r);
Term type_term(ChildType t);
/// %{specs: .., active: .., supervisors: .., workers: ..}, count_children's reply.
Term count_children_term(int64_t specs, int64_t active, int64_t supervisors, int64_t workers);
/// Whether a child with this restart type that exited with `reason` is restarted.
bool should_restart(RestartType r, const Term& reason);
/// The virtual clock in whole seconds (erlang:monotonic_time(second)), for restart intensity.
int64_t now_seconds(ProcessContext& ctx);
/// Unlinks `pid` and takes its pending {:EXIT, pid, reason}, whose reason wins over `fallback`.
Term unlink_flush(ProcessContext& ctx, Pid pid, Term fallback);
/// Records that a supervisor reached its restart intensity.
void emit_give_up(ProcessContext& ctx);
/// A supervisor report (child_terminated, start_error, shutdown) to the crash handler, with
/// supervisor.erl's report map.
Co<void> report_supervisor(ProcessContext& ctx, CrashReport::Kind kind, const Term& name,
                           Atom context, Term reason, Pid child, Term id, Term mfa);

/// supervisor.erl's shutdown/1: monitor, unlink, exit(:shutdown) then :kill after the timeout (or
/// :kill at once). Returns the reason the child died with.
Co<Term> shutdown_child(ProcessContext& ctx, Pid child, Shutdown shutdown, const Term& id);

/// Where a child is being started from. A static supervisor is OTP's supervisor.erl, which runs
/// the start function under `catch`: an error becomes {:EXIT, {reason, stack}} (the stack going on
/// into supervisor.erl's own frames, cut at the BEAM's 8), an exit {:EXIT, reason}, and a throw
/// the thrown value itself. A DynamicSupervisor is Elixir's, which uses try/catch:
/// {reason, stack}, reason, {{:nocatch, value}, stack}.
enum class StartPath {
    StaticInit,        ///< supervisor.erl's init_children
    StaticStartChild,  ///< Supervisor.start_child/2 (handle_start_child)
    StaticRestart,     ///< restart/restart_child (its supervisor.erl frames are not reproduced)
    Dynamic,           ///< DynamicSupervisor (its Elixir frames are not reproduced)
};

/// Starts a child by applying its MFA in the supervisor's process:
/// {:ok, pid} | {:ok, pid, info} | :ignore | {:error, reason}, exceptions turned into errors.
Co<Term> start_child_mfa(ProcessContext& ctx, Term mfa, StartPath path);

/// Spawns a static supervisor: module.init(init_arg), or `preset` ({:ok, {flags, specs}}) when
/// it is not nil.
Co<Term> spawn_static_supervisor(ProcessContext& ctx, Atom module, Term init_arg, Term preset,
                                 Term name, bool link);
/// Supervisor.start_link/3 for a module: module.init(arg) → {:ok, {flags, children}} | :ignore.
Co<Term> start_static_supervisor(ProcessContext& ctx, Atom module, Term init_arg, Term name,
                                 bool link);
/// Supervisor.start_link(children, options) (Supervisor.Default).
Co<Term> start_static_supervisor_with(ProcessContext& ctx, Term children, Term options);
/// Supervisor.init/2: {:ok, {flags, normalized specs}}.
Co<Term> supervisor_init(ProcessContext& ctx, Term children, Term options);

/// DynamicSupervisor.start_link/3 (module nil = DynamicSupervisor.Default with `init_options`).
/// task_supervisor: answers {:start_task, ...} with Task.Supervised children.
Co<Term> start_dynamic_supervisor(ProcessContext& ctx, Atom module, Term init_arg, Term name,
                                  bool link, bool task_supervisor);
/// DynamicSupervisor.init/1: {:ok, flags map}.
Term dynamic_supervisor_init(const Term& options);

/// PartitionSupervisor.start_link/1.
Co<Term> start_partition_supervisor(ProcessContext& ctx, Term options);

}  // namespace tasklens::otp::detail
