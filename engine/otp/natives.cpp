// Over 800 lines: the OTP layer's one registration table (Task, Task.Supervisor, Supervisor,
// GenServer, Agent, Registry, :global), each entry a thin argument adapter over the typed
// functions in task.cpp, gen_server.cpp, supervisor.cpp...; splitting it would split the table.
#include "engine/otp/gen_server.h"
#include "engine/otp/otp.h"
#include "engine/otp/supervisor.h"
#include "engine/otp/task.h"
#include "engine/runtime/format_error.h"
#include "engine/runtime/inspect.h"

namespace tasklens::otp {
using namespace detail;

namespace {

using Args = std::span<const Term>;
#define NATIVE(name) Co<Term> name([[maybe_unused]] ProcessContext& ctx, [[maybe_unused]] Args a)

Term erlang_apply_mfa(Term fun) {
    return tup({A(atom::erlang), A(atom::apply), lst({std::move(fun), Term::empty_list()})});
}
Term mfa_of(const Term& m, const Term& f, const Term& args) {
    return tup({m, f, args});
}
/// {tag, value}, built outside co_await expressions (GCC 12 miscompiles braced lists there).
Term tagged(Atom tag, const Term& value) {
    return tup({A(tag), value});
}

Timeout timeout_arg(Args a, size_t i, int64_t fallback_ms) {
    return a.size() > i ? to_timeout(a[i]) : Timeout::millis(fallback_ms);
}
/// FunctionClauseError of Module.function/arity, as a failed guard raises it.
[[noreturn]] void function_clause(const char* module, std::string_view function, int64_t arity) {
    throw ErlangException::error(
        make_exception("FunctionClauseError", {{"module", Term::atom(module)},
                                               {"function", Term::atom(function)},
                                               {"arity", Term::integer(arity)},
                                               {"kind", Term::nil()},
                                               {"args", Term::nil()},
                                               {"clauses", Term::nil()}}));
}
/// Task.await/2, await_many/2 and yield/2 guard their timeout (a non-negative integer or
/// :infinity): another one is a FunctionClauseError of that function, not an ArgumentError.
[[noreturn]] void task_function_clause(std::string_view function, int64_t arity) {
    function_clause("Elixir.Task", function, arity);
}
Timeout task_timeout_arg(Args a, size_t i, std::string_view function) {
    if (a.size() <= i) return Timeout::millis(5000);
    const Term& t = a[i];
    if (t.is_atom(atom::infinity)) return Timeout::infinity();
    if (t.is_integer() && t.as_integer() >= 0) return Timeout::millis(t.as_integer());
    task_function_clause(function, static_cast<int64_t>(i) + 1);
}
/// Task.async/1, start/1 and start_link/1 are guarded with is_function(fun, 0).
const Term& task_fun0_arg(Args a, std::string_view function) {
    if (!a[0].is_fun() || a[0].fun().arity != 0) task_function_clause(function, 1);
    return a[0];
}
Term opt_arg(Args a, size_t i) {
    return a.size() > i ? a[i] : Term::empty_list();
}

Term name_id(const Term& name, Atom fallback) {
    if (name.is_nil()) return A(fallback);
    if (name.is_atom()) return name;
    if (name.is_tuple(2)) return name.element(1);
    if (name.is_tuple(3)) return name.element(2);
    return name;
}

// --- Task
// ------------------------------------------------------------------------------------------------

NATIVE(task_async_1) {
    co_return task_async(ctx, task_fun0_arg(a, "async"));
}
NATIVE(task_async_3) {
    co_return task_async_mfa(ctx, mfa_of(a[0], a[1], a[2]));
}
NATIVE(task_await_n) {
    co_return co_await task_await(ctx, a[0], task_timeout_arg(a, 1, "await"));
}
NATIVE(task_await_many_n) {
    co_return co_await task_await_many(ctx, a[0], task_timeout_arg(a, 1, "await_many"));
}
NATIVE(task_yield_n) {
    co_return co_await task_yield(ctx, a[0], task_timeout_arg(a, 1, "yield"));
}
NATIVE(task_yield_many_n) {
    co_return co_await task_yield_many(ctx, a[0], opt_arg(a, 1));
}
NATIVE(task_shutdown_n) {
    Shutdown sd = Shutdown::millis(5000);
    if (a.size() > 1) {
        if (a[1].is_atom(at().brutal_kill))
            sd = Shutdown::brutal_kill();
        else {
            Timeout t = to_timeout(a[1]);
            sd = t.is_infinity() ? Shutdown::infinity() : Shutdown::millis(t.ms);
        }
    }
    co_return co_await task_shutdown(ctx, a[0], sd);
}
NATIVE(task_ignore_1) {
    co_return task_ignore(ctx, a[0]);
}
NATIVE(task_completed_1) {
    co_return task_completed(ctx, a[0]);
}
NATIVE(task_start_1) {
    co_return task_start(ctx, task_fun0_arg(a, "start"), false);
}
NATIVE(task_start_link_1) {
    co_return task_start(ctx, task_fun0_arg(a, "start_link"), true);
}
NATIVE(task_start_3) {
    co_return ok_tuple(Term::pid(spawn_noreply_task(ctx, owner_tuple(ctx), get_callers(ctx),
                                                    mfa_of(a[0], a[1], a[2]), false)));
}
NATIVE(task_start_link_3) {
    co_return ok_tuple(Term::pid(spawn_noreply_task(ctx, owner_tuple(ctx), get_callers(ctx),
                                                    mfa_of(a[0], a[1], a[2]), true)));
}
NATIVE(task_child_spec_1) {
    co_return Term::map({{A(at().id), A(at().Task)},
                         {A(at().start), tup({A(at().Task), A(at().start_link), lst({a[0]})})},
                         {A(at().restart), A(at().temporary)}});
}
/// %Task{} as `defstruct` with `@enforce_keys [:mfa, :owner, :pid, :ref]` defines it.
Term task_struct_default() {
    return Term::map({{A(atom::struct_), A(at().Task)},
                      {A(at().mfa), Term::nil()},
                      {A(at().owner), Term::nil()},
                      {A(at().pid), Term::nil()},
                      {A(at().ref), Term::nil()}});
}
NATIVE(task_struct_0) {
    co_return task_struct_default();
}
NATIVE(task_struct_1) {
    Term map = task_struct_default();
    std::vector<Atom> missing{at().mfa, at().owner, at().pid, at().ref};
    for (ListIterator it(a[0]); !it.done(); ++it) {
        const Term& kv = *it;
        if (!kv.is_tuple(2)) throw ErlangException::error(tup({A(atom::function_clause), kv}));
        // Map.replace!/3: only the struct's own keys
        if (!map.map_find(kv.element(0)) || kv.element(0).is_atom(atom::struct_))
            throw ErlangException::error(tup({A(Atom::intern("badkey")), kv.element(0), map}));
        map = map.map_put(kv.element(0), kv.element(1));
        if (kv.element(0).is_atom()) std::erase(missing, kv.element(0).as_atom());
    }
    if (!missing.empty()) {
        std::vector<Term> keys;
        for (Atom k : missing) keys.push_back(A(k));
        raise_argument("the following keys must also be given when building struct Task: " +
                       inspect(lst(keys)));
    }
    co_return map;
}
NATIVE(task_async_stream_fun) {
    co_return task_async_stream(ctx, a[0], a[1], opt_arg(a, 2));
}
NATIVE(task_async_stream_mfa) {
    co_return task_async_stream(ctx, a[0], mfa_of(a[1], a[2], a[3]), opt_arg(a, 4));
}

// --- Task.Supervised (the start functions Task.Supervisor children run)
// -------------------------------------

NATIVE(supervised_start_link_2) {
    co_return ok_tuple(Term::pid(spawn_reply_task(ctx, a[0], a[1].is_atom(at().monitor), true)));
}
NATIVE(supervised_start_link_3) {
    co_return ok_tuple(Term::pid(spawn_noreply_task(ctx, a[0], a[1], a[2], true)));
}
NATIVE(supervised_start_3) {
    co_return ok_tuple(Term::pid(spawn_noreply_task(ctx, a[0], a[1], a[2], false)));
}

// --- Task.Supervisor
// ----------------------------------------------------------------------------------------

const char* kMaxChildrenAsync =
    "reached the maximum number of tasks for this task supervisor. The maximum number of tasks "
    "that are allowed to "
    "run at the same time under this supervisor can be configured with the :max_children option "
    "passed to "
    "Task.Supervisor.start_link/1";

Co<Term> start_task_call(ProcessContext& ctx, Term sup, Term args, Term restart, Term shutdown) {
    Term request =
        tup({A(at().start_task), std::move(args), std::move(restart), std::move(shutdown)});
    co_return co_await gen_call(ctx, std::move(sup), std::move(request), Timeout::infinity());
}

Co<Term> tsup_async(ProcessContext& ctx, Term sup, bool link, Term mfa, Term options) {
    const Pid owner = ctx.self();
    Term args = lst({owner_tuple(ctx), A(at().monitor)});
    Term r = co_await start_task_call(ctx, std::move(sup), std::move(args), A(at().temporary),
                                      kw_get(options, at().shutdown));
    if (!(r.is_tuple(2) && r.element(0).is_atom(atom::ok))) {
        if (r.is_tuple(2) && r.element(1).is_atom(at().max_children))
            raise_runtime(kMaxChildrenAsync);
        throw ErlangException::error(tup({A(atom::badmatch), r}));
    }
    const Pid pid = r.element(1).as_pid();
    if (link) ctx.link(pid);
    // Task.Supervisor.async: the monitor's ref is an alias, so a reply after the owner gave up
    // (await timeout, ignore, shutdown) is dropped.
    const Ref ref = ctx.monitor(Term::pid(pid), AliasMode::Demonitor);
    const Term ref_term = Term::reference(ref);
    ctx.send(pid, tup({Term::pid(owner), ref_term, ref_term, get_callers(ctx), mfa}));
    Term arity = tup({mfa.element(0), mfa.element(1), Term::integer(list_length(mfa.element(2)))});
    co_return make_task(arity, owner, Term::pid(pid), ref);
}

NATIVE(tsup_async_fun) {
    co_return co_await tsup_async(ctx, a[0], true, erlang_apply_mfa(a[1]), opt_arg(a, 2));
}
NATIVE(tsup_async_mfa) {
    co_return co_await tsup_async(ctx, a[0], true, mfa_of(a[1], a[2], a[3]), opt_arg(a, 4));
}
NATIVE(tsup_async_nolink_fun) {
    co_return co_await tsup_async(ctx, a[0], false, erlang_apply_mfa(a[1]), opt_arg(a, 2));
}
NATIVE(tsup_async_nolink_mfa) {
    co_return co_await tsup_async(ctx, a[0], false, mfa_of(a[1], a[2], a[3]), opt_arg(a, 4));
}
NATIVE(tsup_stream_fun) {
    co_return build_stream(ctx, a[0], true, a[1], a[2], opt_arg(a, 3));
}
NATIVE(tsup_stream_mfa) {
    co_return build_stream(ctx, a[0], true, a[1], mfa_of(a[2], a[3], a[4]), opt_arg(a, 5));
}
NATIVE(tsup_stream_nolink_fun) {
    co_return build_stream(ctx, a[0], false, a[1], a[2], opt_arg(a, 3));
}
NATIVE(tsup_stream_nolink_mfa) {
    co_return build_stream(ctx, a[0], false, a[1], mfa_of(a[2], a[3], a[4]), opt_arg(a, 5));
}

NATIVE(tsup_start_child_fun) {
    const Term options = opt_arg(a, 2);
    Term args = lst({owner_tuple(ctx), get_callers(ctx), erlang_apply_mfa(a[1])});
    co_return co_await start_task_call(ctx, a[0], std::move(args), kw_get(options, at().restart),
                                       kw_get(options, at().shutdown));
}
NATIVE(tsup_start_child_mfa) {
    const Term options = opt_arg(a, 4);
    const Term restart = kw_get(options, at().restart);
    const Term shutdown = kw_get(options, at().shutdown);
    Term mfa = mfa_of(a[1], a[2], a[3]);
    if (restart.is_nil() || restart.is_atom(at().temporary)) {
        Term args = lst({owner_tuple(ctx), A(at().monitor)});
        Term r = co_await start_task_call(ctx, a[0], std::move(args), restart, shutdown);
        if (r.is_tuple(2) && r.element(0).is_atom(atom::ok)) {
            // A plain ref, not an alias: the task's reply is dropped, as in Elixir.
            const Term alias = Term::reference(ctx.make_ref());
            ctx.send(r.element(1).as_pid(),
                     tup({Term::pid(ctx.self()), alias, alias, get_callers(ctx), mfa}));
        }
        co_return r;
    }
    Term args = lst({owner_tuple(ctx), get_callers(ctx), mfa});
    co_return co_await start_task_call(ctx, a[0], std::move(args), restart, shutdown);
}
NATIVE(tsup_children) {
    Term children = co_await gen_call(ctx, a[0], A(at().which_children), Timeout::infinity(),
                                      at().gen_server, at().call);
    std::vector<Term> pids;
    for (ListIterator it(children); !it.done(); ++it)
        if ((*it).element(1).is_pid()) pids.push_back((*it).element(1));
    co_return lst(pids);
}
NATIVE(tsup_terminate_child) {
    Term request = tagged(at().terminate_child, a[1]);
    co_return co_await gen_call(ctx, a[0], std::move(request), Timeout::infinity(), at().gen_server,
                                at().call);
}
NATIVE(tsup_start_link) {
    co_return co_await task_supervisor_start_link(ctx, opt_arg(a, 0));
}
NATIVE(tsup_child_spec) {
    const Term options = opt_arg(a, 0);
    co_return Term::map(
        {{A(at().id), name_id(kw_get(options, at().name), at().TaskSupervisor)},
         {A(at().start), tup({A(at().TaskSupervisor), A(at().start_link), lst({options})})},
         {A(at().type), A(at().supervisor)}});
}

// --- Supervisor
// -----------------------------------------------------------------------------------------

NATIVE(sup_start_link_2) {
    if (a[0].is_list()) co_return co_await start_static_supervisor_with(ctx, a[0], a[1]);
    co_return co_await start_static_supervisor(ctx, a[0].as_atom(), a[1], Term::nil(), true);
}
NATIVE(sup_start_link_3) {
    co_return co_await start_static_supervisor(ctx, a[0].as_atom(), a[1], kw_get(a[2], at().name),
                                               true);
}
NATIVE(sup_init_2) {
    co_return co_await supervisor_init(ctx, a[0], a[1]);
}
NATIVE(sup_child_spec_2) {
    Term spec = co_await normalize_child_spec(ctx, a[0]);
    co_return override_child_spec(std::move(spec), a[1]);
}
Co<Term> sup_call(ProcessContext& ctx, Term sup, Term request) {
    co_return co_await gen_call(ctx, std::move(sup), std::move(request), Timeout::infinity(),
                                at().gen_server, at().call);
}
NATIVE(sup_start_child) {
    Term spec = co_await normalize_child_spec(ctx, a[1]);
    Term request = tup({A(at().start_child), spec});
    co_return co_await sup_call(ctx, a[0], std::move(request));
}
NATIVE(sup_terminate_child) {
    co_return co_await sup_call(ctx, a[0], tagged(at().terminate_child, a[1]));
}
NATIVE(sup_restart_child) {
    co_return co_await sup_call(ctx, a[0], tagged(at().restart_child, a[1]));
}
NATIVE(sup_delete_child) {
    co_return co_await sup_call(ctx, a[0], tagged(at().delete_child, a[1]));
}
NATIVE(sup_which_children) {
    co_return co_await sup_call(ctx, a[0], A(at().which_children));
}
NATIVE(sup_count_children) {
    co_return co_await sup_call(ctx, a[0], A(at().count_children));
}
NATIVE(sup_stop) {
    Term reason = a.size() > 1 ? a[1] : A(atom::normal);
    co_return co_await gen_server_stop(ctx, a[0], reason, timeout_arg(a, 2, -1));
}

// --- DynamicSupervisor
// -----------------------------------------------------------------------------------

NATIVE(dyn_start_link_1) {
    co_return co_await dynamic_supervisor_start_link(ctx, a[0]);
}
NATIVE(dyn_start_link_2) {
    co_return co_await start_dynamic_supervisor(ctx, a[0].as_atom(), a[1], Term::nil(), true,
                                                false);
}
NATIVE(dyn_start_link_3) {
    co_return co_await start_dynamic_supervisor(ctx, a[0].as_atom(), a[1], kw_get(a[2], at().name),
                                                true, false);
}
NATIVE(dyn_init_1) {
    co_return dynamic_supervisor_init(a[0]);
}
NATIVE(dyn_child_spec_1) {
    co_return Term::map(
        {{A(at().id), name_id(kw_get(a[0], at().name), at().DynamicSupervisor)},
         {A(at().start), tup({A(at().DynamicSupervisor), A(at().start_link), lst({a[0]})})},
         {A(at().type), A(at().supervisor)}});
}
NATIVE(dyn_start_child) {
    Term spec = co_await normalize_child_spec(ctx, a[1]);
    // DynamicSupervisor.validate_child: a map without :id or an {m, f, a} :start, or anything
    // but a map or a 6-tuple, is {:invalid_child_spec, child}.
    if (spec.is_map()) {
        const Term* start = map_find(spec, at().start);
        if (!map_find(spec, at().id) || !start || !start->is_tuple(3))
            co_return error_tuple(tup({A(Atom::intern("invalid_child_spec")), spec}));
    } else if (!spec.is_tuple(6)) {
        co_return error_tuple(tup({A(Atom::intern("invalid_child_spec")), spec}));
    }
    ChildRecord c;
    Term err;
    if (!child_record_from_spec(spec, c, err)) co_return error_tuple(err);
    // DynamicSupervisor's default restart is :permanent, like Supervisor's.
    Term child = tup({c.mfa, A(Atom::intern(to_string(c.restart))), shutdown_term(c.shutdown),
                      A(c.type == ChildType::Worker ? at().worker : at().supervisor), c.modules});
    co_return co_await gen_call(ctx, a[0], tagged(at().start_child, child), Timeout::infinity(),
                                at().gen_server, at().call);
}

// --- PartitionSupervisor
// -----------------------------------------------------------------------------------

NATIVE(part_start_link) {
    co_return co_await start_partition_supervisor(ctx, a[0]);
}
NATIVE(part_child_spec) {
    co_return Term::map(
        {{A(at().id), name_id(kw_get(a[0], at().name), at().PartitionSupervisor)},
         {A(at().start), tup({A(at().PartitionSupervisor), A(at().start_link), lst({a[0]})})},
         {A(at().type), A(at().supervisor)}});
}
NATIVE(part_partitions) {
    Term counts = co_await sup_call(ctx, a[0], A(at().count_children));
    co_return *map_find(counts, at().specs);
}
NATIVE(part_whereis_name) {
    const Term& key = a[0];
    if (!key.is_tuple(2)) co_return A(atom::undefined);
    auto pid = partition_whereis(ctx, key.element(0), key.element(1));
    co_return pid ? Term::pid(*pid) : A(atom::undefined);
}
NATIVE(part_send) {
    auto pid = partition_whereis(ctx, a[0].element(0), a[0].element(1));
    if (!pid) exit_with(tup({A(Atom::intern("badarg")), tup({a[0], a[1]})}));
    ctx.send(*pid, a[1]);
    co_return Term::pid(*pid);
}

// --- GenServer, :sys
// ------------------------------------------------------------------------------------

NATIVE(gs_start_2) {
    co_return co_await gen_server_start(ctx, a[0].as_atom(), a[1], Term::empty_list(), false);
}
NATIVE(gs_start_3) {
    co_return co_await gen_server_start(ctx, a[0].as_atom(), a[1], a[2], false);
}
NATIVE(gs_start_link_2) {
    co_return co_await gen_server_start(ctx, a[0].as_atom(), a[1], Term::empty_list(), true);
}
NATIVE(gs_start_link_3) {
    co_return co_await gen_server_start(ctx, a[0].as_atom(), a[1], a[2], true);
}
/// GenServer.call/3 as Elixir runs it: an exit comes with GenServer.call's frame (Agent's calls
/// go through it too).
Co<Term> genserver_call_with_frame(ProcessContext& ctx, const Term& server, Term request,
                                   Timeout timeout) {
    try {
        co_return co_await gen_server_call(ctx, server, std::move(request), timeout);
    } catch (const ErlangException& e) {
        if (e.kind() != atom::exit) throw;
        // GenServer.call/3 (lib/gen_server.ex, Elixir 1.14) exits at line 1027 when the name is
        // not registered, 1031 for a call to self, 1038 when :gen.call exits (a dead pid, a
        // crash, a timeout); that frame heads the stacktrace, the caller's frames go below.
        const Term& reason = e.reason();
        int64_t line = 1038;
        if (reason.is_tuple(2) && reason.element(0).is_atom(atom::noproc) && !server.is_pid())
            line = 1027;
        else if (reason.is_tuple(2) && reason.element(0).is_atom(Atom::intern("calling_self")))
            line = 1031;
        throw ErlangException::from_library(
            atom::exit, reason,
            lst({library_frame("Elixir.GenServer", "call", 3, "lib/gen_server.ex", line)}));
    }
}
NATIVE(gs_call) {
    co_return co_await genserver_call_with_frame(ctx, a[0], a[1], timeout_arg(a, 2, 5000));
}
NATIVE(gs_cast) {
    co_return co_await gen_server_cast(ctx, a[0], a[1]);
}
NATIVE(gs_reply) {
    gen_server_reply(ctx, a[0], a[1]);
    co_return A(atom::ok);
}
NATIVE(gs_stop) {
    Term reason = a.size() > 1 ? a[1] : A(atom::normal);
    co_return co_await gen_server_stop(ctx, a[0], reason, timeout_arg(a, 2, -1));
}
NATIVE(gs_whereis) {
    auto pid = co_await whereis(ctx, a[0]);
    if (!pid) co_return Term::nil();
    // GenServer.whereis returns {name, node} for remote atoms and the pid otherwise.
    co_return Term::pid(*pid);
}
NATIVE(sys_get_state) {
    co_return co_await sys_call(ctx, a[0], A(at().get_state), timeout_arg(a, 1, 5000));
}
NATIVE(sys_replace_state) {
    Term request = tup({A(Atom::intern("replace_state")), a[1]});
    co_return co_await sys_call(ctx, a[0], std::move(request), Timeout::millis(5000));
}

// --- Agent
// ----------------------------------------------------------------------------------------------

/// Agent's fun forms are guarded with is_function(fun, n): anything else is a FunctionClauseError
/// of the function with its default arguments counted (Agent.get/3 for a 2-argument call).
const Term& agent_fun_arg(Args a, size_t i, uint32_t fun_arity, const char* function,
                          int64_t arity) {
    if (!a[i].is_fun() || a[i].fun().arity != fun_arity)
        function_clause("Elixir.Agent", function, arity);
    return a[i];
}
NATIVE(agent_start_link) {
    co_return co_await gen_server_start(
        ctx, at().AgentServer, agent_fun_arg(a, 0, 0, "start_link", 2), opt_arg(a, 1), true);
}
NATIVE(agent_start) {
    co_return co_await gen_server_start(ctx, at().AgentServer, agent_fun_arg(a, 0, 0, "start", 2),
                                        opt_arg(a, 1), false);
}
NATIVE(agent_get) {
    co_return co_await genserver_call_with_frame(
        ctx, a[0], tagged(at().get, agent_fun_arg(a, 1, 1, "get", 3)), timeout_arg(a, 2, 5000));
}
NATIVE(agent_update) {
    co_return co_await genserver_call_with_frame(
        ctx, a[0], tagged(at().update, agent_fun_arg(a, 1, 1, "update", 3)),
        timeout_arg(a, 2, 5000));
}
NATIVE(agent_get_and_update) {
    co_return co_await genserver_call_with_frame(
        ctx, a[0], tagged(at().get_and_update, agent_fun_arg(a, 1, 1, "get_and_update", 3)),
        timeout_arg(a, 2, 5000));
}
NATIVE(agent_cast) {
    co_return co_await gen_server_cast(ctx, a[0],
                                       tagged(at().cast, agent_fun_arg(a, 1, 1, "cast", 2)));
}
/// The {module, function, args} forms (Agent.get/4,5, update/4,5, get_and_update/4,5, cast/4,
/// start/3,4, start_link/3,4). Elixir 1.14 passes them on unchecked: a bad one fails in the agent,
/// in Agent.Server's :erlang.apply (agent_run).
Term agent_mfa(Args a, size_t first) {
    return tup({a[first], a[first + 1], a[first + 2]});
}
NATIVE(agent_start_link_mfa) {
    co_return co_await gen_server_start(ctx, at().AgentServer, agent_mfa(a, 0), opt_arg(a, 3),
                                        true);
}
NATIVE(agent_start_mfa) {
    co_return co_await gen_server_start(ctx, at().AgentServer, agent_mfa(a, 0), opt_arg(a, 3),
                                        false);
}
NATIVE(agent_get_mfa) {
    co_return co_await genserver_call_with_frame(ctx, a[0], tagged(at().get, agent_mfa(a, 1)),
                                                 timeout_arg(a, 4, 5000));
}
NATIVE(agent_update_mfa) {
    co_return co_await genserver_call_with_frame(ctx, a[0], tagged(at().update, agent_mfa(a, 1)),
                                                 timeout_arg(a, 4, 5000));
}
NATIVE(agent_get_and_update_mfa) {
    co_return co_await genserver_call_with_frame(
        ctx, a[0], tagged(at().get_and_update, agent_mfa(a, 1)), timeout_arg(a, 4, 5000));
}
NATIVE(agent_cast_mfa) {
    co_return co_await gen_server_cast(ctx, a[0], tagged(at().cast, agent_mfa(a, 1)));
}
NATIVE(agent_stop) {
    Term reason = a.size() > 1 ? a[1] : A(atom::normal);
    co_return co_await gen_server_stop(ctx, a[0], reason, timeout_arg(a, 2, -1));
}
NATIVE(agent_child_spec) {
    co_return Term::map({{A(at().id), A(at().Agent)},
                         {A(at().start), tup({A(at().Agent), A(at().start_link), lst({a[0]})})}});
}

/// Agent.Server's run/2: a fun, or {m, f, a} with the extra arguments first.
Co<Term> agent_run(ProcessContext& ctx, Term fun, std::vector<Term> extra) {
    if (fun.is_tuple(3)) {
        // :erlang.apply(m, f, extra ++ args)'s argument errors
        // :erlang.apply(m, f, extra ++ args)'s argument errors, with its frame and
        // Agent.Server.run/2's (lib/agent/server.ex:49) as on the BEAM
        auto bad = [&](const char* which, const char* what) {
            std::vector<Term> all = extra;
            std::vector<Term> rest;
            list_to_vector(fun.element(2), rest);
            all.insert(all.end(), rest.begin(), rest.end());
            Term apply_frame =
                tup({A(atom::erlang), A(atom::apply),
                     lst({fun.element(0), fun.element(1), Term::list(all)}), Term::empty_list()});
            throw ErlangException(
                atom::error,
                make_exception("ArgumentError",
                               {{"message", Term::binary(std::string("errors were found at the "
                                                                     "given arguments:\n\n  * ") +
                                                         which + " argument: " + what + "\n")}}),
                lst({apply_frame,
                     library_frame("Elixir.Agent.Server", "run", 2, "lib/agent/server.ex", 49)}));
        };
        if (!fun.element(0).is_atom()) bad("1st", "not an atom");
        if (!fun.element(1).is_atom()) bad("2nd", "not an atom");
        if (list_length(fun.element(2)) < 0) bad("3rd", "not a list");
        std::vector<Term> args = std::move(extra);
        std::vector<Term> rest;
        list_to_vector(fun.element(2), rest);
        args.insert(args.end(), rest.begin(), rest.end());
        co_return co_await ctx.runtime().code().apply(ctx, fun.element(0).as_atom(),
                                                      fun.element(1).as_atom(), std::move(args));
    }
    co_return co_await ctx.runtime().code().call_fun(ctx, fun, std::move(extra));
}
/// agent_run as Agent.Server's callback at `line` of lib/agent/server.ex (Elixir 1.14): a
/// raise in the agent's fun has that callback's frame under the fun's own, as on the BEAM.
Co<Term> agent_callback(ProcessContext& ctx, Term fun, std::vector<Term> extra,
                        const char* callback, int64_t arity, int64_t line) {
    try {
        co_return co_await agent_run(ctx, std::move(fun), std::move(extra));
    } catch (const ErlangException& e) {
        if (e.kind() != atom::error) throw;
        std::vector<Term> stack;
        list_to_vector(e.stacktrace(), stack);
        stack.push_back(
            library_frame("Elixir.Agent.Server", callback, arity, "lib/agent/server.ex", line));
        throw ErlangException(e.kind(), e.reason(), Term::list(stack));
    }
}
NATIVE(agent_server_init) {
    if (a[0].is_fun()) {
        const FunObject& f = a[0].fun();
        ctx.dict_put(A(atom::dollar_initial_call),
                     tup({A(f.module), A(f.name), Term::integer(f.arity)}));
    } else if (a[0].is_tuple(3)) {  // {m, f, args}: {m, f, length(args)}
        ctx.dict_put(A(atom::dollar_initial_call),
                     tup({a[0].element(0), a[0].element(1),
                          Term::integer(static_cast<int64_t>(list_length(a[0].element(2))))}));
    }
    Term state = co_await agent_callback(ctx, a[0], std::vector<Term>(), "init", 1, 8);
    co_return ok_tuple(std::move(state));
}
NATIVE(agent_server_handle_call) {
    const Term& request = a[0];
    const Term& state = a[2];
    const Atom tag = request.element(0).as_atom();
    std::vector<Term> extra{state};
    if (tag == at().get) {
        Term reply = co_await agent_callback(ctx, request.element(1), std::move(extra),
                                             "handle_call", 3, 12);
        co_return tup({A(at().reply), reply, state});
    }
    if (tag == at().update) {
        Term next = co_await agent_callback(ctx, request.element(1), std::move(extra),
                                            "handle_call", 3, 23);
        co_return tup({A(at().reply), A(atom::ok), next});
    }
    Term r =
        co_await agent_callback(ctx, request.element(1), std::move(extra), "handle_call", 3, 16);
    if (r.is_tuple(2)) co_return tup({A(at().reply), r.element(0), r.element(1)});
    co_return tup({A(at().stop), tup({A(at().bad_return_value), r}), state});
}
NATIVE(agent_server_handle_cast) {
    std::vector<Term> extra{a[1]};
    Term next =
        co_await agent_callback(ctx, a[0].element(1), std::move(extra), "handle_cast", 2, 27);
    co_return tup({A(at().noreply), next});
}

// --- :global
// -----------------------------------------------------------------------

NATIVE(n_global_whereis_name) {
    auto pid = global_whereis(ctx, a[0]);
    co_return pid ? Term::pid(*pid) : A(atom::undefined);
}
NATIVE(n_global_register_name) {
    if (global_whereis(ctx, a[0])) co_return A(Atom::intern("no"));
    state(ctx).global_names.push_back({a[0], a[1].as_pid()});
    co_return A(Atom::intern("yes"));
}
NATIVE(n_global_unregister_name) {
    std::erase_if(state(ctx).global_names,
                  [&](const auto& e) { return exact_equal(e.first, a[0]); });
    co_return A(atom::ok);
}
NATIVE(n_global_send) {
    auto pid = global_whereis(ctx, a[0]);
    if (!pid) exit_with(tup({A(atom::badarg), tup({a[0], a[1]})}));
    ctx.send(*pid, a[1]);
    co_return Term::pid(*pid);
}

// --- Node
// ---------------------------------------------------------------------------------------------

Co<void> node_fun_body(ProcessContext& ctx, Term fun) {
    co_await ctx.runtime().code().call_fun(ctx, fun, std::vector<Term>());
}
Co<void> node_mfa_body(ProcessContext& ctx, Term mfa) {
    co_await invoke_mfa(ctx, mfa);
}

Term node_spawn(ProcessContext& ctx, const Term& node, Term what, bool link) {
    SpawnOptions o;
    o.link = link;
    if (node.is_atom()) {
        if (auto n = ctx.runtime().find_node(node.as_atom())) o.node = *n;
    }
    if (what.is_fun())
        return Term::pid(
            ctx.spawn([what](ProcessContext& c) { return node_fun_body(c, what); }, o).pid);
    return Term::pid(
        ctx.spawn([what](ProcessContext& c) { return node_mfa_body(c, what); }, o).pid);
}
NATIVE(node_spawn_2) {
    co_return node_spawn(ctx, a[0], a[1], false);
}
NATIVE(node_spawn_4) {
    co_return node_spawn(ctx, a[0], mfa_of(a[1], a[2], a[3]), false);
}
NATIVE(node_spawn_link_2) {
    co_return node_spawn(ctx, a[0], a[1], true);
}
NATIVE(node_self) {
    co_return A(ctx.runtime().node_name(ctx.self().node));
}

#undef NATIVE

}  // namespace

Term default_child_spec(UseKind kind, Atom module, Term arg, Term use_options) {
    std::vector<std::pair<Term, Term>> entries{
        {A(at().id), A(module)}, {A(at().start), tup({A(module), A(at().start_link), lst({arg})})}};
    if (kind == UseKind::Task) entries.push_back({A(at().restart), A(at().temporary)});
    if (kind == UseKind::Supervisor) entries.push_back({A(at().type), A(at().supervisor)});
    return override_child_spec(Term::map(std::move(entries)), use_options);
}

void register_aliases(CodeRegistry& code);   // aliases.cpp
void register_registry(CodeRegistry& code);  // registry.cpp
void register_nodes(CodeRegistry& code);     // nodes.cpp

void register_otp(CodeRegistry& code) {
    const Atoms& t = at();
    register_aliases(code);
    register_registry(code);
    register_nodes(code);
    auto reg = [&](Atom module, std::string_view function, std::initializer_list<int> arities,
                   CodeRegistry::NativeFunction fn) {
        const Atom f = Atom::intern(function);
        for (int arity : arities) code.register_native(module, f, arity, fn);
    };
    // Task
    reg(t.Task, "async", {1}, task_async_1);
    reg(t.Task, "async", {3}, task_async_3);
    reg(t.Task, "await", {1, 2}, task_await_n);
    reg(t.Task, "await_many", {1, 2}, task_await_many_n);
    reg(t.Task, "yield", {1, 2}, task_yield_n);
    reg(t.Task, "yield_many", {1, 2}, task_yield_many_n);
    reg(t.Task, "shutdown", {1, 2}, task_shutdown_n);
    reg(t.Task, "ignore", {1}, task_ignore_1);
    reg(t.Task, "completed", {1}, task_completed_1);
    reg(t.Task, "start", {1}, task_start_1);
    reg(t.Task, "start", {3}, task_start_3);
    reg(t.Task, "start_link", {1}, task_start_link_1);
    reg(t.Task, "start_link", {3}, task_start_link_3);
    reg(t.Task, "child_spec", {1}, task_child_spec_1);
    reg(t.Task, "__struct__", {0}, task_struct_0);
    reg(t.Task, "__struct__", {1}, task_struct_1);
    reg(t.Task, "async_stream", {2, 3}, task_async_stream_fun);
    reg(t.Task, "async_stream", {4, 5}, task_async_stream_mfa);
    // Task.Supervised
    reg(t.TaskSupervised, "start_link", {2}, supervised_start_link_2);
    reg(t.TaskSupervised, "start_link", {3}, supervised_start_link_3);
    reg(t.TaskSupervised, "start", {3}, supervised_start_3);
    // Task.Supervisor
    reg(t.TaskSupervisor, "start_link", {0, 1}, tsup_start_link);
    reg(t.TaskSupervisor, "child_spec", {1}, tsup_child_spec);
    reg(t.TaskSupervisor, "async", {2, 3}, tsup_async_fun);
    reg(t.TaskSupervisor, "async", {4, 5}, tsup_async_mfa);
    reg(t.TaskSupervisor, "async_nolink", {2, 3}, tsup_async_nolink_fun);
    reg(t.TaskSupervisor, "async_nolink", {4, 5}, tsup_async_nolink_mfa);
    reg(t.TaskSupervisor, "async_stream", {3, 4}, tsup_stream_fun);
    reg(t.TaskSupervisor, "async_stream", {5, 6}, tsup_stream_mfa);
    reg(t.TaskSupervisor, "async_stream_nolink", {3, 4}, tsup_stream_nolink_fun);
    reg(t.TaskSupervisor, "async_stream_nolink", {5, 6}, tsup_stream_nolink_mfa);
    reg(t.TaskSupervisor, "start_child", {2, 3}, tsup_start_child_fun);
    reg(t.TaskSupervisor, "start_child", {4, 5}, tsup_start_child_mfa);
    reg(t.TaskSupervisor, "children", {1}, tsup_children);
    reg(t.TaskSupervisor, "terminate_child", {2}, tsup_terminate_child);
    // Supervisor
    reg(t.Supervisor, "start_link", {2}, sup_start_link_2);
    reg(t.Supervisor, "start_link", {3}, sup_start_link_3);
    reg(t.Supervisor, "init", {2}, sup_init_2);
    reg(t.Supervisor, "child_spec", {2}, sup_child_spec_2);
    reg(t.Supervisor, "start_child", {2}, sup_start_child);
    reg(t.Supervisor, "terminate_child", {2}, sup_terminate_child);
    reg(t.Supervisor, "restart_child", {2}, sup_restart_child);
    reg(t.Supervisor, "delete_child", {2}, sup_delete_child);
    reg(t.Supervisor, "which_children", {1}, sup_which_children);
    reg(t.Supervisor, "count_children", {1}, sup_count_children);
    reg(t.Supervisor, "stop", {1, 2, 3}, sup_stop);
    // DynamicSupervisor
    reg(t.DynamicSupervisor, "start_link", {1}, dyn_start_link_1);
    reg(t.DynamicSupervisor, "start_link", {2}, dyn_start_link_2);
    reg(t.DynamicSupervisor, "start_link", {3}, dyn_start_link_3);
    reg(t.DynamicSupervisor, "init", {1}, dyn_init_1);
    reg(t.DynamicSupervisor, "child_spec", {1}, dyn_child_spec_1);
    reg(t.DynamicSupervisor, "start_child", {2}, dyn_start_child);
    reg(t.DynamicSupervisor, "terminate_child", {2}, tsup_terminate_child);
    reg(t.DynamicSupervisor, "which_children", {1}, sup_which_children);
    reg(t.DynamicSupervisor, "count_children", {1}, sup_count_children);
    reg(t.DynamicSupervisor, "stop", {1, 2, 3}, sup_stop);
    // PartitionSupervisor
    reg(t.PartitionSupervisor, "start_link", {1}, part_start_link);
    reg(t.PartitionSupervisor, "child_spec", {1}, part_child_spec);
    reg(t.PartitionSupervisor, "partitions", {1}, part_partitions);
    reg(t.PartitionSupervisor, "which_children", {1}, sup_which_children);
    reg(t.PartitionSupervisor, "count_children", {1}, sup_count_children);
    reg(t.PartitionSupervisor, "stop", {1, 2, 3}, sup_stop);
    reg(t.PartitionSupervisor, "whereis_name", {1}, part_whereis_name);
    reg(t.PartitionSupervisor, "send", {2}, part_send);
    // GenServer, :sys
    reg(t.GenServer, "start", {2}, gs_start_2);
    reg(t.GenServer, "start", {3}, gs_start_3);
    reg(t.GenServer, "start_link", {2}, gs_start_link_2);
    reg(t.GenServer, "start_link", {3}, gs_start_link_3);
    reg(t.GenServer, "call", {2, 3}, gs_call);
    reg(t.GenServer, "cast", {2}, gs_cast);
    reg(t.GenServer, "reply", {2}, gs_reply);
    reg(t.GenServer, "stop", {1, 2, 3}, gs_stop);
    reg(t.GenServer, "whereis", {1}, gs_whereis);
    reg(t.sys, "get_state", {1, 2}, sys_get_state);
    reg(t.sys, "replace_state", {2}, sys_replace_state);
    // Agent
    reg(t.Agent, "start_link", {1, 2}, agent_start_link);
    reg(t.Agent, "start", {1, 2}, agent_start);
    reg(t.Agent, "get", {2, 3}, agent_get);
    reg(t.Agent, "update", {2, 3}, agent_update);
    reg(t.Agent, "get_and_update", {2, 3}, agent_get_and_update);
    reg(t.Agent, "cast", {2}, agent_cast);
    reg(t.Agent, "start_link", {3, 4}, agent_start_link_mfa);
    reg(t.Agent, "start", {3, 4}, agent_start_mfa);
    reg(t.Agent, "get", {4, 5}, agent_get_mfa);
    reg(t.Agent, "update", {4, 5}, agent_update_mfa);
    reg(t.Agent, "get_and_update", {4, 5}, agent_get_and_update_mfa);
    reg(t.Agent, "cast", {4}, agent_cast_mfa);
    reg(t.Agent, "stop", {1, 2, 3}, agent_stop);
    reg(t.Agent, "child_spec", {1}, agent_child_spec);
    reg(t.AgentServer, "init", {1}, agent_server_init);
    reg(t.AgentServer, "handle_call", {3}, agent_server_handle_call);
    reg(t.AgentServer, "handle_cast", {2}, agent_server_handle_cast);
    // Registry, :global
    reg(t.global, "whereis_name", {1}, n_global_whereis_name);
    reg(t.global, "register_name", {2}, n_global_register_name);
    reg(t.global, "unregister_name", {1}, n_global_unregister_name);
    reg(t.global, "send", {2}, n_global_send);
    // Node
    reg(t.Node, "spawn", {2}, node_spawn_2);
    reg(t.Node, "spawn", {4}, node_spawn_4);
    reg(t.Node, "spawn_link", {2}, node_spawn_link_2);
    reg(t.Node, "self", {0}, node_self);
}

}  // namespace tasklens::otp
