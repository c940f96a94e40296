#pragma once
// Internals shared by the OTP modules: atoms, term helpers, options, name resolution, the
// proc_lib-style start handshake, the gen call protocol and crash-report plumbing.
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/otp/otp.h"
#include "engine/runtime/format_error.h"
#include "engine/runtime/runtime.h"

namespace tasklens::otp::detail {

/// Atoms the OTP layer needs, interned once.
struct Atoms {
    Atom Task, TaskSupervisor, TaskSupervised, Supervisor, DynamicSupervisor, PartitionSupervisor,
        GenServer, Agent, AgentServer, Registry, Enumerable, Range, Node, Stream, Kernel,
        supervisor, gen_server, global, sys, erlang_atom;
    Atom mfa, owner, pid, ref, id, start, restart, shutdown, type, modules, worker, permanent,
        transient, temporary, brutal_kill, await, await_many, yield, yield_many, ignore, call,
        stream, start_link, start_child, child_spec, init, handle_call, handle_cast, handle_info,
        handle_continue, terminate, reply, noreply, stop, continue_, hibernate, gen_call, gen_cast,
        system, get_state, spawn, spawned, max_children, timed_out, down, via, name, strategy,
        one_for_one, max_restarts, max_seconds, extra_arguments, timeout, on_timeout, ordered,
        max_concurrency, zip_input_on_exit, kill_task, nothing, limit, already_started,
        bad_return_value, calling_self, nodedown, restarting, not_found, running, already_present,
        specs, active, supervisors, workers, first, last, step, keys, unique, partitions, partition,
        child_spec_key, with_arguments, significant, label, report, callers, domain, otp, elixir,
        starter, function, args, reason, terminating, child_terminated, error_logger, last_message,
        state, client, start_task, which_children, count_children, terminate_child, restart_child,
        delete_child, whereis_name, register_name, unregister_name, send, already_registered,
        lookup, register_, apply, completed, noconnection, ok, exit_, cont, halt, suspend, done,
        halted, suspended, reduce, links, monitor, nomonitor, link, nolink, undefined,
        shutdown_label, get_and_update, get, update, cast, struct_, timeout_kill, restart_atom,
        lazy, alias;
};
const Atoms& at();

inline Term A(Atom a) {
    return Term::atom(a);
}
inline Term tup(std::initializer_list<Term> items) {
    return Term::tuple(items);
}
inline Term lst(std::initializer_list<Term> items) {
    return Term::list(items);
}
inline Term lst(const std::vector<Term>& items) {
    return Term::list(std::span(items));
}

/// Keyword.get/2: a pointer into `list` (nullptr when absent or not a keyword list).
const Term* kw_find(const Term& list, Atom key);
inline Term kw_get(const Term& list, Atom key, Term fallback = Term::nil()) {
    const Term* v = kw_find(list, key);
    return v ? *v : fallback;
}
/// Map.get/2 for atom keys.
const Term* map_find(const Term& map, Atom key);

[[noreturn]] void exit_with(Term reason);
[[noreturn]] void raise_runtime(std::string_view message);
[[noreturn]] void raise_argument(std::string_view message);

/// An `is_timeout` value (:infinity or integer >= 0); raises ArgumentError otherwise.
Timeout to_timeout(const Term& t);
Term timeout_term(Timeout t);
std::optional<Shutdown> to_shutdown(const Term& t);
Term shutdown_term(Shutdown s);
bool is_shutdown_reason(const Term& reason);  ///< :shutdown or {:shutdown, _}
bool is_normal_exit(const Term& reason);      ///< :normal, :shutdown or {:shutdown, _}

struct RegistryTable;  // registry.cpp

/// Per-runtime state of the OTP layer.
struct OtpState {
    CrashReportHandler crash_handler;
    std::vector<std::pair<Term, Pid>> global_names;  ///< {:global, name} table
    /// Registry tables by registry name (registry.cpp).
    std::unordered_map<uint32_t, std::shared_ptr<RegistryTable>> registries;
    /// Partition supervisors by name: the partition pids in order (and their count).
    std::unordered_map<uint32_t, std::vector<Pid>> partition_supervisors;
    uint64_t next_stream_run = 1;
    /// async_stream runs suspended with {:suspend, acc}, by continuation id.
    std::unordered_map<uint64_t, std::shared_ptr<void>> suspended_streams;
};
OtpState& state(Runtime& rt);
inline OtpState& state(ProcessContext& ctx) {
    return state(ctx.runtime());
}

// --- names -------------------------------------------------------------------------------------

/// Registers the calling process under a GenServer name (atom, {:global, t}, {:via, m, t}).
/// Returns the pid already holding the name, or nullopt when registration succeeded.
Co<std::optional<Pid>> register_self(ProcessContext& ctx, Term name);
Co<void> unregister_self(ProcessContext& ctx, Term name);
/// A starting server registers `name` (if not nil). If another process holds it, the starter gets
/// {:error, {:already_started, pid}} and this returns false: the new process must end.
Co<bool> register_or_refuse(ProcessContext& ctx, const Term& name, Pid starter, Ref ack);
/// gen.erl's start/6: a name already held answers {:error, {:already_started, pid}} in the
/// caller before anything is spawned (and a :via module that raises, raises in the caller).
Co<std::optional<Term>> refuse_taken_name(ProcessContext& ctx, const Term& name);
/// Raises ArgumentError for a malformed name (as GenServer.start_link does).
void validate_name(const Term& name);
/// GenServer.whereis/1.
Co<std::optional<Pid>> whereis_impl(ProcessContext& ctx, Term server);
std::optional<Pid> global_whereis(ProcessContext& ctx, const Term& name);
std::optional<Pid> registry_whereis(ProcessContext& ctx, const Term& registry, const Term& key);
/// {:via, Registry, {registry, key(, value)}} (registry.cpp): raises ArgumentError for an unknown
/// or duplicate registry, as Registry.whereis_name/register_name do.
/// Registry.register/3 for unique keys: {:ok, owner} | {:error, {:already_registered, pid}}.
Term registry_register(ProcessContext& ctx, const Term& registry, const Term& key, Pid pid,
                       Term value);
void registry_unregister(ProcessContext& ctx, const Term& registry, const Term& key, Pid pid);
/// Whether a scenario can reach the node `node_name` now: the local node, or a virtual node that
/// was started and not taken down by :peer.stop (nodes.cpp).
bool node_reachable(ProcessContext& ctx, Atom node_name);
/// The pid registered as `name` on node `node_name` ({name, node} addressing), if it is reachable.
std::optional<Pid> whereis_on_node(ProcessContext& ctx, Atom node_name, Atom name);
/// {:via, PartitionSupervisor, {name, key}} routing (defined with PartitionSupervisor).
std::optional<Pid> partition_whereis(ProcessContext& ctx, const Term& name, const Term& key);

// --- proc_lib-style start ------------------------------------------------------------------------

/// The caller side of a synchronous start: waits for the child's ack ({ack, result}) or its death.
/// Returns the ack'ed result; if the child died before acking, {:error, reason}.
Co<Term> await_start_ack(ProcessContext& ctx, Pid child, Ref monitor, Ref ack, Timeout timeout);
/// The child side: sends the result to the starter.
inline void send_start_ack(ProcessContext& ctx, Pid starter, Ref ack, Term result) {
    ctx.send(starter, tup({Term::reference(ack), std::move(result)}));
}
/// $ancestors for a process spawned by the caller, as proc_lib sets it: [caller's registered
/// name, or its pid when it has none | caller's ancestors].
Term child_ancestors(ProcessContext& ctx);
/// One stack frame of OTP's or Elixir's own code as the BEAM records it:
/// {module, function, arity, [file: 'file', line: line]}.
Term library_frame(const char* module, const char* function, int64_t arity, const char* file,
                   int64_t line);

// --- gen calls ---------------------------------------------------------------------------------

/// The gen call protocol to a resolved pid: monitor, send {:"$gen_call", {self, ref}, request},
/// wait for {ref, reply} or DOWN. `mfa_args` is the [server, request(, timeout)] of the exit reason
/// {reason, {module, function, mfa_args}}.
Co<Term> gen_call(ProcessContext& ctx, Term server, Term request, Timeout timeout,
                  Atom exit_module = {}, Atom exit_function = {});
/// Parses a {:"$gen_call", from, request} message: true and sets from/request if it is one.
bool is_gen_call(const Term& message, Term& from, Term& request);
void reply_to(ProcessContext& ctx, const Term& from, Term reply);

// --- reports and events --------------------------------------------------------------------------

Co<void> report_crash(ProcessContext& ctx, CrashReport report);
void emit_child_event(ProcessContext& ctx, trace::EventKind kind, Pid child, const Term& id,
                      int64_t value = 0);
std::string short_text(const Term& t);

// --- ErlangException helpers ---------------------------------------------------------------------

/// A caught exception, kept to be acted on after the catch block (co_await is not allowed there).
struct Caught {
    bool caught = false;
    Atom kind;
    Term reason;
    Term stacktrace;
    void set(const ErlangException& e) {
        caught = true;
        kind = e.kind();
        reason = e.reason();
        stacktrace = e.stacktrace();
    }
    /// The exit reason a process dying of this exception gets.
    Term exit_reason() const;
    [[noreturn]] void rethrow() const { throw ErlangException(kind, reason, stacktrace); }
};

/// The $initial_call-style {m, f, arity} of an MFA whose args are a list.
Term mfa_arity(const Term& mfa);
/// Runs {module, function, args}: apply, or fun.() for {:erlang, :apply, [fun, []]}.
Co<Term> invoke_mfa(ProcessContext& ctx, Term mfa);
/// The mfa with `value` prepended to the args (async_stream's normalize_mfa_with_arg), or
/// {:erlang, :apply, [fun, [value]]} for a fun.
Term mfa_with_arg(const Term& fun_or_mfa, Term value);

Term make_native_fun(FunObject::NativeFn fn, uint32_t arity, std::vector<Term> env, Atom module,
                     Atom name);

}  // namespace tasklens::otp::detail
