#include "engine/otp/common.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "engine/runtime/inspect.h"

namespace tasklens::otp::detail {

namespace {
Atom I(std::string_view s) {
    return Atom::intern(s);
}
}  // namespace

const Atoms& at() {
    static const Atoms atoms = [] {
        Atoms a;
        a.Task = I("Elixir.Task");
        a.TaskSupervisor = I("Elixir.Task.Supervisor");
        a.TaskSupervised = I("Elixir.Task.Supervised");
        a.Supervisor = I("Elixir.Supervisor");
        a.DynamicSupervisor = I("Elixir.DynamicSupervisor");
        a.PartitionSupervisor = I("Elixir.PartitionSupervisor");
        a.GenServer = I("Elixir.GenServer");
        a.Agent = I("Elixir.Agent");
        a.AgentServer = I("Elixir.Agent.Server");
        a.Registry = I("Elixir.Registry");
        a.Enumerable = I("Elixir.Enumerable");
        a.Range = I("Elixir.Range");
        a.Node = I("Elixir.Node");
        a.Stream = I("Elixir.Stream");
        a.Kernel = I("Elixir.Kernel");
        a.supervisor = I("supervisor");
        a.gen_server = I("gen_server");
        a.global = I("global");
        a.sys = I("sys");
        a.erlang_atom = I("erlang");
        a.mfa = I("mfa");
        a.owner = I("owner");
        a.pid = I("pid");
        a.ref = I("ref");
        a.id = I("id");
        a.start = I("start");
        a.restart = I("restart");
        a.shutdown = I("shutdown");
        a.type = I("type");
        a.modules = I("modules");
        a.worker = I("worker");
        a.permanent = I("permanent");
        a.transient = I("transient");
        a.temporary = I("temporary");
        a.brutal_kill = I("brutal_kill");
        a.await = I("await");
        a.await_many = I("await_many");
        a.yield = I("yield");
        a.yield_many = I("yield_many");
        a.ignore = I("ignore");
        a.call = I("call");
        a.stream = I("stream");
        a.start_link = I("start_link");
        a.start_child = I("start_child");
        a.child_spec = I("child_spec");
        a.init = I("init");
        a.handle_call = I("handle_call");
        a.handle_cast = I("handle_cast");
        a.handle_info = I("handle_info");
        a.handle_continue = I("handle_continue");
        a.terminate = I("terminate");
        a.reply = I("reply");
        a.noreply = I("noreply");
        a.stop = I("stop");
        a.continue_ = I("continue");
        a.hibernate = I("hibernate");
        a.gen_call = I("$gen_call");
        a.gen_cast = I("$gen_cast");
        a.system = I("system");
        a.get_state = I("get_state");
        a.spawn = I("spawn");
        a.spawned = I("spawned");
        a.max_children = I("max_children");
        a.timed_out = I("timed_out");
        a.down = I("down");
        a.via = I("via");
        a.name = I("name");
        a.strategy = I("strategy");
        a.one_for_one = I("one_for_one");
        a.max_restarts = I("max_restarts");
        a.max_seconds = I("max_seconds");
        a.extra_arguments = I("extra_arguments");
        a.timeout = I("timeout");
        a.on_timeout = I("on_timeout");
        a.ordered = I("ordered");
        a.max_concurrency = I("max_concurrency");
        a.zip_input_on_exit = I("zip_input_on_exit");
        a.kill_task = I("kill_task");
        a.nothing = I("nothing");
        a.limit = I("limit");
        a.already_started = I("already_started");
        a.bad_return_value = I("bad_return_value");
        a.calling_self = I("calling_self");
        a.nodedown = I("nodedown");
        a.restarting = I("restarting");
        a.not_found = I("not_found");
        a.running = I("running");
        a.already_present = I("already_present");
        a.specs = I("specs");
        a.active = I("active");
        a.supervisors = I("supervisors");
        a.workers = I("workers");
        a.first = I("first");
        a.last = I("last");
        a.step = I("step");
        a.keys = I("keys");
        a.unique = I("unique");
        a.partitions = I("partitions");
        a.partition = I("partition");
        a.child_spec_key = I("child_spec");
        a.with_arguments = I("with_arguments");
        a.significant = I("significant");
        a.label = I("label");
        a.report = I("report");
        a.callers = I("callers");
        a.domain = I("domain");
        a.otp = I("otp");
        a.elixir = I("elixir");
        a.starter = I("starter");
        a.function = I("function");
        a.args = I("args");
        a.reason = I("reason");
        a.terminating = I("terminating");
        a.child_terminated = I("child_terminated");
        a.error_logger = I("error_logger");
        a.last_message = I("last_message");
        a.state = I("state");
        a.client = I("client");
        a.start_task = I("start_task");
        a.which_children = I("which_children");
        a.count_children = I("count_children");
        a.terminate_child = I("terminate_child");
        a.restart_child = I("restart_child");
        a.delete_child = I("delete_child");
        a.whereis_name = I("whereis_name");
        a.register_name = I("register_name");
        a.unregister_name = I("unregister_name");
        a.send = I("send");
        a.already_registered = I("already_registered");
        a.lookup = I("lookup");
        a.register_ = I("register");
        a.apply = atom::apply;
        a.completed = I("completed");
        a.noconnection = atom::noconnection;
        a.ok = atom::ok;
        a.exit_ = atom::exit;
        a.cont = I("cont");
        a.halt = I("halt");
        a.suspend = I("suspend");
        a.done = I("done");
        a.halted = I("halted");
        a.suspended = I("suspended");
        a.reduce = I("reduce");
        a.links = atom::links;
        a.monitor = I("monitor");
        a.nomonitor = I("nomonitor");
        a.link = I("link");
        a.nolink = I("nolink");
        a.undefined = atom::undefined;
        a.shutdown_label = atom::shutdown;
        a.get_and_update = I("get_and_update");
        a.get = I("get");
        a.update = I("update");
        a.cast = I("cast");
        a.struct_ = atom::struct_;
        a.timeout_kill = I("timeout_kill");
        a.restart_atom = I("restart");
        a.lazy = I("lazy");
        a.alias = I("alias");
        return a;
    }();
    return atoms;
}

const Term* kw_find(const Term& list, Atom key) {
    for (ListIterator it(list); !it.done(); ++it) {
        const Term& item = *it;
        if (item.is_tuple(2) && item.element(0).is_atom(key)) return &item.element(1);
    }
    return nullptr;
}

const Term* map_find(const Term& map, Atom key) {
    if (!map.is_map()) return nullptr;
    return map.map_find(Term::atom(key));
}

void exit_with(Term reason) {
    throw ErlangException::exit(std::move(reason));
}
void raise_runtime(std::string_view message) {
    throw ErlangException::error(runtime_error(message));
}
void raise_argument(std::string_view message) {
    throw ErlangException::error(argument_error(message));
}

Timeout to_timeout(const Term& t) {
    if (t.is_atom(atom::infinity)) return Timeout::infinity();
    if (t.is_integer() && t.as_integer() >= 0) return Timeout::millis(t.as_integer());
    raise_argument("timeout must be a non-negative integer or :infinity, got: " + inspect(t));
}

Term timeout_term(Timeout t) {
    return t.is_infinity() ? A(atom::infinity) : Term::integer(t.ms);
}

std::optional<Shutdown> to_shutdown(const Term& t) {
    if (t.is_atom(at().brutal_kill)) return Shutdown::brutal_kill();
    if (t.is_atom(atom::infinity)) return Shutdown::infinity();
    if (t.is_integer() && t.as_integer() >= 0) return Shutdown::millis(t.as_integer());
    return std::nullopt;
}

Term shutdown_term(Shutdown s) {
    switch (s.kind) {
        case ShutdownKind::BrutalKill:
            return A(at().brutal_kill);
        case ShutdownKind::Infinity:
            return A(atom::infinity);
        case ShutdownKind::Timeout:
            break;
    }
    return Term::integer(s.timeout_ms);
}

bool is_shutdown_reason(const Term& reason) {
    return reason.is_atom(atom::shutdown) ||
           (reason.is_tuple(2) && reason.element(0).is_atom(atom::shutdown));
}
bool is_normal_exit(const Term& reason) {
    return reason.is_atom(atom::normal) || is_shutdown_reason(reason);
}

OtpState& state(Runtime& rt) {
    return rt.extension<OtpState>();
}

// --- names -------------------------------------------------------------------------------------

void validate_name(const Term& name) {
    if (name.is_atom()) return;
    if (name.is_tuple(2) && name.element(0).is_atom(at().global)) return;
    if (name.is_tuple(3) && name.element(0).is_atom(at().via) && name.element(1).is_atom()) return;
    raise_argument(
        "expected :name option to be one of the following:\n\n"
        "  * nil\n  * atom\n  * {:global, term}\n  * {:via, module, term}\n\nGot: " +
        inspect(name));
}

std::optional<Pid> global_whereis(ProcessContext& ctx, const Term& name) {
    auto& names = state(ctx).global_names;
    std::erase_if(names, [&](const auto& e) { return !ctx.alive(e.second); });
    for (auto& [n, pid] : names)
        if (exact_equal(n, name)) return pid;
    return std::nullopt;
}

Co<std::optional<Pid>> register_self(ProcessContext& ctx, Term name) {
    const Pid self = ctx.self();
    if (name.is_atom()) {
        if (auto existing = ctx.whereis(name.as_atom())) co_return existing;
        ctx.register_name(name.as_atom(), self);
        co_return std::nullopt;
    }
    if (name.is_tuple(2) && name.element(0).is_atom(at().global)) {
        if (auto existing = global_whereis(ctx, name.element(1))) co_return existing;
        state(ctx).global_names.push_back({name.element(1), self});
        co_return std::nullopt;
    }
    if (name.is_tuple(3) && name.element(0).is_atom(at().via)) {
        const Atom mod = name.element(1).as_atom();
        const Term& key = name.element(2);
        if (mod == at().Registry && (key.is_tuple(2) || key.is_tuple(3))) {
            Term value = key.is_tuple(3) ? key.element(2) : Term::nil();
            Term r = registry_register(ctx, key.element(0), key.element(1), self, value);
            if (r.element(0).is_atom(atom::ok)) co_return std::nullopt;
            co_return r.element(1).element(1).as_pid();
        }
        if (mod == at().global) {
            if (auto existing = global_whereis(ctx, key)) co_return existing;
            state(ctx).global_names.push_back({key, self});
            co_return std::nullopt;
        }
        std::vector<Term> register_args{key, Term::pid(self)};
        Term answer = co_await ctx.runtime().code().apply(ctx, mod, at().register_name,
                                                          std::move(register_args));
        if (answer.is_atom(I("yes"))) co_return std::nullopt;
        std::vector<Term> whereis_args{key};
        Term existing = co_await ctx.runtime().code().apply(ctx, mod, at().whereis_name,
                                                            std::move(whereis_args));
        if (existing.is_pid()) co_return existing.as_pid();
        co_return Pid{};  // taken, but by nobody we can name
    }
    validate_name(name);
    co_return std::nullopt;
}

Co<bool> register_or_refuse(ProcessContext& ctx, const Term& name, Pid starter, Ref ack) {
    if (name.is_nil()) co_return true;
    std::optional<Pid> taken = co_await register_self(ctx, name);
    if (!taken) co_return true;
    send_start_ack(ctx, starter, ack,
                   error_tuple(tup({A(at().already_started), Term::pid(*taken)})));
    co_return false;
}

Co<std::optional<Term>> refuse_taken_name(ProcessContext& ctx, const Term& name) {
    if (name.is_nil()) co_return std::nullopt;
    std::optional<Pid> taken = co_await whereis_impl(ctx, name);
    if (!taken) co_return std::nullopt;
    co_return error_tuple(tup({A(at().already_started), Term::pid(*taken)}));
}

Co<void> unregister_self(ProcessContext& ctx, Term name) {
    if (name.is_atom()) {
        if (ctx.whereis(name.as_atom()) == ctx.self()) ctx.unregister_name(name.as_atom());
    } else if (name.is_tuple(2) && name.element(0).is_atom(at().global)) {
        std::erase_if(state(ctx).global_names, [&](const auto& e) {
            return e.second == ctx.self() && exact_equal(e.first, name.element(1));
        });
    } else if (name.is_tuple(3) && name.element(0).is_atom(at().via)) {
        const Atom mod = name.element(1).as_atom();
        const Term& key = name.element(2);
        if (mod == at().Registry && (key.is_tuple(2) || key.is_tuple(3))) {
            registry_unregister(ctx, key.element(0), key.element(1), ctx.self());
        } else if (mod != at().global) {
            std::vector<Term> args{key};
            co_await ctx.runtime().code().apply(ctx, mod, at().unregister_name, std::move(args));
        }
    }
    co_return;
}

Co<std::optional<Pid>> whereis_impl(ProcessContext& ctx, Term server) {
    if (server.is_pid()) co_return server.as_pid();
    if (server.is_atom()) co_return ctx.whereis(server.as_atom());
    if (server.is_tuple(2) && server.element(0).is_atom(at().global))
        co_return global_whereis(ctx, server.element(1));
    if (server.is_tuple(3) && server.element(0).is_atom(at().via)) {
        const Atom mod = server.element(1).as_atom();
        const Term& key = server.element(2);
        if (mod == at().Registry && (key.is_tuple(2) || key.is_tuple(3)))
            co_return registry_whereis(ctx, key.element(0), key.element(1));
        if (mod == at().PartitionSupervisor && key.is_tuple(2))
            co_return partition_whereis(ctx, key.element(0), key.element(1));
        if (mod == at().global) co_return global_whereis(ctx, key);
        std::vector<Term> args{key};
        Term pid =
            co_await ctx.runtime().code().apply(ctx, mod, at().whereis_name, std::move(args));
        if (pid.is_pid()) co_return pid.as_pid();
        co_return std::nullopt;
    }
    if (server.is_tuple(2) && server.element(0).is_atom() && server.element(1).is_atom()) {
        // {name, node}: names are looked up on the named node.
        co_return whereis_on_node(ctx, server.element(1).as_atom(), server.element(0).as_atom());
    }
    co_return std::nullopt;
}

// --- start handshake
// -------------------------------------------------------------------------------

Co<Term> await_start_ack(ProcessContext& ctx, Pid child, Ref monitor, Ref ack, Timeout timeout) {
    const Term ack_term = Term::reference(ack);
    const Term mon_term = Term::reference(monitor);
    auto msg = co_await ctx.receive(
        [&](const Term& m) {
            if (m.is_tuple(2) && m.element(0).is_reference() && exact_equal(m.element(0), ack_term))
                return true;
            return m.is_tuple(5) && m.element(0).is_atom(atom::DOWN) &&
                   exact_equal(m.element(1), mon_term);
        },
        timeout, trace::WaitKind::Receive, child, monitor);
    if (!msg) {
        ctx.demonitor(monitor, true);
        ctx.unlink(child);
        ctx.exit(child, Term::atom(atom::kill));
        co_return error_tuple(A(atom::timeout));
    }
    if (msg->is_tuple(2)) {
        ctx.demonitor(monitor, true);
        co_return msg->element(1);
    }
    co_return error_tuple(msg->element(4));
}

Term child_ancestors(ProcessContext& ctx) {
    Term me = Term::pid(ctx.self());
    if (auto name = ctx.registered_name()) me = A(*name);
    Term mine = ctx.dict_get(A(atom::dollar_ancestors));
    if (mine.is_list()) return Term::cons(me, mine);
    return lst({me});
}

Term library_frame(const char* module, const char* function, int64_t arity, const char* file,
                   int64_t line) {
    std::vector<Term> chars;
    for (const char* c = file; *c; ++c) chars.push_back(Term::integer(*c));
    return tup({A(Atom::intern(module)), A(Atom::intern(function)), Term::integer(arity),
                lst({tup({A(Atom::intern("file")), Term::list(chars)}),
                     tup({A(Atom::intern("line")), Term::integer(line)})})});
}

// --- gen calls
// -------------------------------------------------------------------------------------

bool is_gen_call(const Term& message, Term& from, Term& request) {
    if (!message.is_tuple(3) || !message.element(0).is_atom(at().gen_call)) return false;
    from = message.element(1);
    request = message.element(2);
    return true;
}

namespace {
/// gen.erl's call tag: [:alias | ref], the ref being both the monitor and an alias of the caller.
Term alias_tag(Ref ref) {
    return Term::cons(A(at().alias), Term::reference(ref));
}
bool is_alias_tag(const Term& tag) {
    return tag.is_cons() && tag.head().is_atom(at().alias) && tag.tail().is_reference();
}
}  // namespace

void reply_to(ProcessContext& ctx, const Term& from, Term reply) {
    if (!from.is_tuple(2) || !from.element(0).is_pid()) return;
    const Pid to = from.element(0).as_pid();
    const Term& tag = from.element(1);
    if (ctx.recording()) {
        trace::Event e;
        e.kind = trace::EventKind::Reply;
        e.peer = to;
        if (tag.is_reference()) e.ref = tag.as_reference();
        if (is_alias_tag(tag)) e.ref = tag.tail().as_reference();
        ctx.record_event(std::move(e));
    }
    // gen:reply/2: a reply to [:alias | alias] goes through the alias, so it is dropped once the
    // caller gave up (its call timed out).
    if (is_alias_tag(tag)) {
        ctx.send(tag.tail(), tup({tag, std::move(reply)}));
    } else {
        ctx.send(to, tup({tag, std::move(reply)}));
    }
}

Co<Term> gen_call(ProcessContext& ctx, Term server, Term request, Timeout timeout, Atom exit_module,
                  Atom exit_function) {
    if (exit_module.id == 0) exit_module = at().GenServer;
    if (exit_function.id == 0) exit_function = at().call;
    auto exit_args = [&] { return lst({server, request, timeout_term(timeout)}); };
    std::optional<Pid> pid;
    if (server.is_pid()) {
        pid = server.as_pid();
    } else {
        pid = co_await whereis_impl(ctx, server);
    }
    // gen.erl monitors {name, node}; a node that is not connected answers DOWN :noconnection at
    // once, which gen turns into {:nodedown, node}.
    if (!pid && server.is_tuple(2) && server.element(0).is_atom() &&
        !server.element(0).is_atom(at().global) && server.element(1).is_atom() &&
        !node_reachable(ctx, server.element(1).as_atom()))
        exit_with(tup({tup({A(at().nodedown), server.element(1)}),
                       tup({A(exit_module), A(exit_function), exit_args()})}));
    if (!pid || !pid->valid())
        exit_with(tup({A(atom::noproc), tup({A(exit_module), A(exit_function), exit_args()})}));
    if (*pid == ctx.self())
        exit_with(
            tup({A(at().calling_self), tup({A(exit_module), A(exit_function), exit_args()})}));
    const Ref ref = ctx.monitor(Term::pid(*pid), AliasMode::Demonitor);
    const Term tag = alias_tag(ref);
    ctx.send(*pid, tup({A(at().gen_call), tup({Term::pid(ctx.self()), tag}), request}));
    auto msg = co_await ctx.receive(
        [&](const Term& m) {
            if (m.is_tuple(2))
                return is_alias_tag(m.element(0)) && m.element(0).tail().as_reference() == ref;
            return m.is_tuple(5) && m.element(0).is_atom(atom::DOWN) &&
                   m.element(1).is_reference() && m.element(1).as_reference() == ref;
        },
        timeout, trace::WaitKind::GenServerCall, *pid, ref);
    if (!msg) {
        // demonitor ends the alias: a reply sent after this is dropped, never queued.
        ctx.demonitor(ref, true);
        exit_with(tup({A(atom::timeout), tup({A(exit_module), A(exit_function), exit_args()})}));
    }
    if (msg->is_tuple(2)) {
        ctx.demonitor(ref, true);
        co_return msg->element(1);
    }
    Term reason = msg->element(4);
    if (reason.is_atom(atom::noconnection))
        reason = tup({A(at().nodedown), A(ctx.runtime().node_name(pid->node))});
    exit_with(tup({reason, tup({A(exit_module), A(exit_function), exit_args()})}));
}

// --- reports and events
// -----------------------------------------------------------------------------

Co<void> report_crash(ProcessContext& ctx, CrashReport report) {
    auto& handler = state(ctx).crash_handler;
    if (!handler) co_return;
    CrashReportHandler copy = handler;  // the handler may replace itself while running
    co_await copy(ctx, std::move(report));
}

std::string short_text(const Term& t) {
    InspectOptions options;
    options.limit = 8;
    options.printable_limit = 64;
    return inspect(t, options);
}

namespace {
/// short_text(id), remembered per thread for atoms: a dynamic supervisor's thousands of child
/// events all name :undefined.
std::string child_id_text(const Term& id) {
    if (!id.is_atom()) return short_text(id);
    static thread_local std::vector<std::optional<std::string>> cache;
    const uint32_t index = id.as_atom().id;
    if (index >= cache.size()) cache.resize(index + 64);
    if (!cache[index]) cache[index] = short_text(id);
    return *cache[index];
}
}  // namespace

void emit_child_event(ProcessContext& ctx, trace::EventKind kind, Pid child, const Term& id,
                      int64_t value) {
    if (!ctx.recording()) return;
    trace::Event e;
    e.kind = kind;
    e.peer = child;
    e.value = value;
    e.text = child_id_text(id);
    ctx.record_event(std::move(e));
}

Term Caught::exit_reason() const {
    if (kind == atom::error) return tup({reason, stacktrace});
    if (kind == atom::throw_) return tup({tup({A(I("nocatch")), reason}), stacktrace});
    return reason;
}

Term mfa_arity(const Term& mfa) {
    const Term& args = mfa.element(2);
    if (mfa.element(0).is_atom(atom::erlang) && mfa.element(1).is_atom(atom::apply) &&
        args.is_cons() && args.head().is_fun() && args.tail().is_cons() &&
        args.tail().head().is_empty_list()) {
        const FunObject& f = args.head().fun();
        return tup({A(f.module), A(f.name), Term::integer(f.arity)});
    }
    return tup({mfa.element(0), mfa.element(1), Term::integer(list_length(args))});
}

Co<Term> invoke_mfa(ProcessContext& ctx, Term mfa) {
    const Term& args = mfa.element(2);
    if (mfa.element(0).is_atom(atom::erlang) && mfa.element(1).is_atom(atom::apply) &&
        args.is_cons() && args.head().is_fun() && args.tail().is_cons()) {
        std::vector<Term> fun_args;
        list_to_vector(args.tail().head(), fun_args);
        co_return co_await ctx.runtime().code().call_fun(ctx, args.head(), std::move(fun_args));
    }
    std::vector<Term> argv;
    list_to_vector(args, argv);
    co_return co_await ctx.runtime().code().apply(ctx, mfa.element(0).as_atom(),
                                                  mfa.element(1).as_atom(), std::move(argv));
}

Term mfa_with_arg(const Term& fun_or_mfa, Term value) {
    if (fun_or_mfa.is_tuple(3))
        return tup({fun_or_mfa.element(0), fun_or_mfa.element(1),
                    Term::cons(std::move(value), fun_or_mfa.element(2))});
    return tup({A(atom::erlang), A(atom::apply), lst({fun_or_mfa, lst({std::move(value)})})});
}

Term make_native_fun(FunObject::NativeFn fn, uint32_t arity, std::vector<Term> env, Atom module,
                     Atom name) {
    static uint64_t unique = 0x4f545000;  // per-program counter; identity only
    auto* f = new FunObject(FunObject::Kind::Native);
    f->arity = arity;
    f->native = fn;
    f->env = std::move(env);
    f->module = module;
    f->name = name;
    f->unique = ++unique;
    return Term::adopt(f);
}

}  // namespace tasklens::otp::detail

namespace tasklens::otp {

void set_crash_report_handler(Runtime& runtime, CrashReportHandler handler) {
    detail::state(runtime).crash_handler = std::move(handler);
}

Co<std::optional<Pid>> whereis(ProcessContext& ctx, Term server) {
    co_return co_await detail::whereis_impl(ctx, std::move(server));
}

}  // namespace tasklens::otp
