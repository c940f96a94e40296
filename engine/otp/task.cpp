// Task and Task.Supervised: the task process, async/await/yield/shutdown/ignore, start/start_link.
#include "engine/otp/task.h"

#include <memory>
#include <unordered_map>

#include "engine/runtime/inspect.h"

namespace tasklens::otp {
using namespace detail;

namespace detail {

Term make_task(Term mfa_arity_term, Pid owner, Term pid, Ref ref) {
    return Term::map({{A(atom::struct_), A(at().Task)},
                      {A(at().mfa), std::move(mfa_arity_term)},
                      {A(at().owner), Term::pid(owner)},
                      {A(at().pid), std::move(pid)},
                      {A(at().ref), Term::reference(ref)}});
}

TaskFields task_fields(const Term& task) {
    const Term* ref = map_find(task, at().ref);
    const Term* owner = map_find(task, at().owner);
    const Term* pid = map_find(task, at().pid);
    if (!ref || !owner || !pid || !ref->is_reference() || !owner->is_pid())
        throw ErlangException::error(tup({A(atom::function_clause), task}));
    return {ref->as_reference(), owner->as_pid(),
            pid->is_pid() ? std::optional<Pid>(pid->as_pid()) : std::nullopt};
}

void check_owner(ProcessContext& ctx, const Term& task, const TaskFields& f) {
    if (f.owner != ctx.self())
        raise_argument("task " + inspect(task) +
                       " must be queried from the owner but was queried from " +
                       inspect(Term::pid(ctx.self())));
}

/// Ends the monitor and with it the alias the task replies to (a late reply is then dropped).
void task_demonitor(ProcessContext& ctx, Ref ref) {
    ctx.demonitor(ref, true);
}

Term owner_tuple(ProcessContext& ctx) {
    const Pid self = ctx.self();
    return tup({A(ctx.runtime().node_name(self.node)), Term::pid(self), Term::pid(self)});
}

Term get_callers(ProcessContext& ctx) {
    Term mine = ctx.dict_get(A(atom::dollar_callers));
    if (mine.is_cons()) return Term::cons(Term::pid(ctx.self()), mine);
    return lst({Term::pid(ctx.self())});
}

Term down_reason(ProcessContext& ctx, const Term& reason, const Term& proc) {
    if (!reason.is_atom(atom::noconnection)) return reason;
    uint32_t node = 0;
    if (proc.is_pid()) node = proc.as_pid().node;
    if (proc.is_tuple(2) && proc.element(1).is_atom())
        return tup({A(at().nodedown), proc.element(1)});
    return tup({A(at().nodedown), A(ctx.runtime().node_name(node))});
}

namespace {

/// The starter a crash report names: the owner's registered name on this node, else its pid.
Term starter_of(ProcessContext& ctx, const Term& owner) {
    if (!owner.is_tuple(3)) return owner;
    const Term& node = owner.element(0);
    const Term& pid = owner.element(2);
    Term name_or_pid = owner.element(1);
    if (name_or_pid.is_pid() && pid.is_pid()) {
        if (auto info = ctx.info(pid.as_pid()); info && info->registered_name)
            name_or_pid = A(*info->registered_name);
    }
    if (node.is_atom(ctx.runtime().node_name(ctx.self().node))) return name_or_pid;
    if (name_or_pid.is_atom()) return tup({node, name_or_pid});
    return pid;
}

Term external_fun(Atom module, Atom name, uint32_t arity) {
    auto* f = new FunObject(FunObject::Kind::External);
    f->module = module;
    f->name = name;
    f->arity = arity;
    return Term::adopt(f);
}

}  // namespace

namespace {

/// The frames under a task's function on the BEAM: Task.Supervised.invoke_mfa/2, reply/4 for a
/// task that replies, and proc_lib's; the BEAM keeps 8 frames at most.
void add_task_frames(Caught& c, bool replies) {
    std::vector<Term> stack;
    list_to_vector(c.stacktrace, stack);
    stack.push_back(
        library_frame("Elixir.Task.Supervised", "invoke_mfa", 2, "lib/task/supervised.ex", 89));
    if (replies)
        stack.push_back(
            library_frame("Elixir.Task.Supervised", "reply", 4, "lib/task/supervised.ex", 34));
    stack.push_back(library_frame("proc_lib", "init_p_do_apply", 3, "proc_lib.erl", 240));
    if (stack.size() > 8) stack.resize(8);
    c.stacktrace = Term::list(stack);
}

}  // namespace

Co<Term> run_task_mfa(ProcessContext& ctx, Term owner, Term mfa, bool replies) {
    Caught c;
    try {
        co_return co_await invoke_mfa(ctx, mfa);
    } catch (const ErlangException& e) {
        c.set(e);
    }
    if (c.kind == atom::exit && is_normal_exit(c.reason)) c.rethrow();
    add_task_frames(c, replies);
    CrashReport report;
    report.kind = CrashReport::Kind::Task;
    report.pid = ctx.self();
    report.label = tup({A(at().TaskSupervisor), A(at().terminating)});
    report.starter = starter_of(ctx, owner);
    const Term& args = mfa.element(2);
    // Task.Supervised's get_running/1: only {:erlang, :apply, [fun, []]} shows as the fun itself;
    // a fun given arguments (async_stream's) shows as &:erlang.apply/2 with [fun, args].
    if (mfa.element(0).is_atom(atom::erlang) && mfa.element(1).is_atom(atom::apply) &&
        args.is_cons() && args.head().is_fun() && args.tail().is_cons() &&
        args.tail().head().is_empty_list()) {
        report.function = args.head();
        report.args = Term::empty_list();
    } else {
        report.function = external_fun(mfa.element(0).as_atom(), mfa.element(1).as_atom(),
                                       static_cast<uint32_t>(list_length(args)));
        report.args = args;
    }
    const Term log_value =
        c.kind == atom::throw_ ? tup({A(Atom::intern("nocatch")), c.reason}) : c.reason;
    // An exit is logged with its frames ({reason, stacktrace}), as Task.Supervised does.
    report.reason = c.kind == atom::exit && c.stacktrace.is_cons() ? tup({c.reason, c.stacktrace})
                                                                   : c.exit_reason();
    Term inner = Term::map({{A(at().name), Term::pid(ctx.self())},
                            {A(at().starter), report.starter},
                            {A(at().function), report.function},
                            {A(at().args), report.args},
                            {A(at().reason), tup({log_value, c.stacktrace})}});
    report.report = Term::map({{A(at().label), report.label}, {A(at().report), inner}});
    report.metadata = Term::map({{A(at().callers), ctx.dict_get(A(atom::dollar_callers))},
                                 {A(at().domain), lst({A(at().otp), A(at().elixir)})}});
    co_await report_crash(ctx, std::move(report));
    throw ErlangException(atom::exit, c.exit_reason(), c.stacktrace);
}

/// What a task runs, for its lane label: "Demo.Worker.run/1", or "fn in Demo.Fetcher.handle_call"
/// for an anonymous function (async/1 runs {:erlang, :apply, [fun, []]}).
std::string task_description(const Term& mfa) {
    auto module_name = [](Atom module) {
        std::string_view name = module.name();
        if (name.starts_with("Elixir.")) name.remove_prefix(7);
        return std::string(name);
    };
    if (!mfa.is_tuple(3) || !mfa.element(0).is_atom() || !mfa.element(1).is_atom()) return "task";
    const Term& args = mfa.element(2);
    if (mfa.element(0).is_atom(atom::erlang) && mfa.element(1).is_atom(atom::apply) &&
        args.is_cons() && args.head().is_fun()) {
        const FunObject& fun = args.head().fun();
        if (fun.kind == FunObject::Kind::External)
            return module_name(fun.module) + "." + std::string(fun.name.name()) + "/" +
                   std::to_string(fun.arity);
        // A scenario's top-level fn lives in Elixir's per-file compiler module: just "fn".
        if (fun.module.id != atom::nil.id && !fun.module.name().empty() &&
            !fun.module.name().starts_with("elixir_compiler_")) {
            // Closures are named like Erlang's: "-handle_call/3-fun-0-" reads as handle_call/3.
            std::string_view def =
                fun.name.id == atom::nil.id ? std::string_view{} : fun.name.name();
            if (def.starts_with('-')) {
                def.remove_prefix(1);
                if (auto cut = def.find("-fun-"); cut != std::string_view::npos)
                    def = def.substr(0, cut);
            }
            return "fn in " + module_name(fun.module) + (def.empty() ? "" : "." + std::string(def));
        }
        return "fn";
    }
    const int64_t arity =
        args.is_list() ? list_length(args) : (args.is_integer() ? args.as_integer() : 0);
    return module_name(mfa.element(0).as_atom()) + "." +
           std::string(mfa.element(1).as_atom().name()) + "/" + std::to_string(arity);
}

/// "Task " + task_description(mfa), remembered per thread by what the description depends on:
/// a run starts thousands of tasks from a handful of call sites.
const std::string& caller_text(const Term& mfa) {
    struct Key {
        uint32_t module = 0, name = 0;
        int64_t arity = 0;
        uint8_t shape = 0;  // 0: neither shape below, 1: {m, f, args}, 2: external fun, 3: closure
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        size_t operator()(const Key& k) const noexcept {
            uint64_t h = (uint64_t{k.module} << 32 | k.name) * 0x9E3779B97F4A7C15ull;
            h ^= static_cast<uint64_t>(k.arity) * 31 + k.shape + (h >> 29);
            return static_cast<size_t>(h);
        }
    };
    Key key;
    if (mfa.is_tuple(3) && mfa.element(0).is_atom() && mfa.element(1).is_atom()) {
        const Term& args = mfa.element(2);
        if (mfa.element(0).is_atom(atom::erlang) && mfa.element(1).is_atom(atom::apply) &&
            args.is_cons() && args.head().is_fun()) {
            const FunObject& fun = args.head().fun();
            const bool external = fun.kind == FunObject::Kind::External;
            key = {fun.module.id, fun.name.id, external ? int64_t{fun.arity} : 0,
                   uint8_t(external ? 2 : 3)};
        } else {
            key = {mfa.element(0).as_atom().id, mfa.element(1).as_atom().id,
                   args.is_list() ? list_length(args) : (args.is_integer() ? args.as_integer() : 0),
                   1};
        }
    }
    static thread_local std::unordered_map<Key, std::string, KeyHash> cache;
    if (const auto found = cache.find(key); found != cache.end()) return found->second;
    if (cache.size() >= 4096) cache.clear();  // a bound for runs that make modules without end
    return cache.emplace(key, "Task " + task_description(mfa)).first->second;
}

/// Sets $callers and $initial_call, and tells the trace who asked for the task.
void put_task_caller(ProcessContext& ctx, const Term& callers, const Term& mfa) {
    ctx.dict_put(A(atom::dollar_callers), callers);
    ctx.dict_put(A(atom::dollar_initial_call), mfa_arity(mfa));
    if (ctx.recording()) {
        // The trace follows $callers through Caller events (peer = the process that asked); the
        // text says what the task runs, which a supervised task only learns after its spawn.
        trace::Event e;
        e.kind = trace::EventKind::Caller;
        if (callers.is_cons() && callers.head().is_pid()) e.peer = callers.head().as_pid();
        e.text = caller_text(mfa);
        ctx.record_event(std::move(e));
    }
}

void put_task_dictionary(ProcessContext& ctx, const Term& ancestors, const Term& callers,
                         const Term& mfa) {
    ctx.dict_put(A(atom::dollar_ancestors), ancestors);
    put_task_caller(ctx, callers, mfa);
}

void send_task_reply(ProcessContext& ctx, Pid owner, const Term& reply_to, const Term& ref,
                     Term result) {
    Pid to = owner;
    if (reply_to.is_pid()) to = reply_to.as_pid();
    if (ctx.recording()) {
        trace::Event e;
        e.kind = trace::EventKind::Reply;
        e.peer = to;
        if (ref.is_reference()) e.ref = ref.as_reference();
        ctx.record_event(std::move(e));
    }
    // To an alias: the runtime drops it once the owner demonitored (await timeout, ignore,
    // shutdown).
    if (reply_to.is_reference()) {
        ctx.send(reply_to, tup({ref, std::move(result)}));
    } else {
        ctx.send(to, tup({ref, std::move(result)}));
    }
}

namespace {

/// Task.async's process: everything is known at spawn time except the ref, which the spawner
/// fills in before this process first runs.
Co<void> async_task_body(ProcessContext& ctx, Pid owner, Term ancestors, Term callers, Term mfa,
                         std::shared_ptr<Ref> ref) {
    put_task_dictionary(ctx, ancestors, callers, mfa);
    const Term owner_info =
        tup({A(ctx.runtime().node_name(owner.node)), Term::pid(owner), Term::pid(owner)});
    Term result = co_await run_task_mfa(ctx, owner_info, mfa, true);
    const Term ref_term = Term::reference(*ref);
    send_task_reply(ctx, owner, ref_term, ref_term, std::move(result));
}

/// Task.Supervised.reply/3: waits for {owner_pid, ref, reply_to, callers, mfa} from the owner.
Co<void> reply_task_body(ProcessContext& ctx, Term owner, Term ancestors, bool monitor_owner) {
    ctx.dict_put(A(atom::dollar_ancestors), ancestors);
    const Pid owner_pid = owner.element(2).as_pid();
    Ref mref;
    Timeout timeout = Timeout::infinity();
    if (monitor_owner) {
        mref = ctx.monitor(Term::pid(owner_pid));
        timeout = Timeout::millis(5000);
    }
    auto msg = co_await ctx.receive(
        [&](const Term& m) {
            if (m.is_tuple(5)) {
                if (m.element(0).is_pid() && m.element(0).as_pid() == owner_pid) return true;
                return mref.valid() && m.element(0).is_atom(atom::DOWN) &&
                       m.element(1).is_reference() && m.element(1).as_reference() == mref;
            }
            return false;
        },
        timeout);
    if (!msg) exit_with(A(atom::timeout));
    if (msg->element(0).is_atom(atom::DOWN)) exit_with(tup({A(atom::shutdown), msg->element(4)}));
    const Term ref = msg->element(1);
    const Term reply_to = msg->element(2);
    const Term callers = msg->element(3);
    const Term mfa = msg->element(4);
    put_task_caller(ctx, callers, mfa);
    if (mref.valid()) ctx.demonitor(mref, true);
    Term result = co_await run_task_mfa(ctx, owner, mfa, true);
    send_task_reply(ctx, owner_pid, reply_to, ref, std::move(result));
}

/// Task.Supervised.noreply/4.
Co<void> noreply_task_body(ProcessContext& ctx, Term owner, Term ancestors, Term callers,
                           Term mfa) {
    put_task_dictionary(ctx, ancestors, callers, mfa);
    co_await run_task_mfa(ctx, owner, mfa, false);
}

/// "Task MyMod.fun/1" — built by hand: it is made for every task spawned while recording.
std::string task_label(const Term& mfa) {
    const Term m = mfa_arity(mfa);
    std::string label = "Task ";
    std::string_view module = m.element(0).as_atom().name();
    if (module.starts_with("Elixir.")) module.remove_prefix(7);
    label += module;
    label += '.';
    label += m.element(1).as_atom().name();
    label += '/';
    label += std::to_string(m.element(2).as_integer());
    return label;
}

SpawnOptions task_spawn_options(ProcessContext& ctx, bool link, const Term& mfa, Atom function,
                                int arity) {
    SpawnOptions o;
    o.link = link;
    o.initial_call = tup({A(at().TaskSupervised), A(function), Term::integer(arity)});
    // The label only feeds the trace; skip building it when nothing is recorded.
    if (ctx.recording()) o.label = task_label(mfa);
    return o;
}

}  // namespace

Pid spawn_reply_task(ProcessContext& ctx, Term owner, bool monitor_owner, bool link) {
    Term ancestors = child_ancestors(ctx);
    SpawnOptions o;
    o.link = link;
    o.initial_call = tup({A(at().TaskSupervised), A(at().reply), Term::integer(3)});
    return ctx
        .spawn(
            [owner, ancestors, monitor_owner](ProcessContext& c) {
                return reply_task_body(c, owner, ancestors, monitor_owner);
            },
            o)
        .pid;
}

Pid spawn_noreply_task(ProcessContext& ctx, Term owner, Term callers, Term mfa, bool link) {
    Term ancestors = child_ancestors(ctx);
    SpawnOptions o = task_spawn_options(ctx, link, mfa, Atom::intern("noreply"), 4);
    return ctx
        .spawn(
            [owner, ancestors, callers, mfa](ProcessContext& c) {
                return noreply_task_body(c, owner, ancestors, callers, mfa);
            },
            o)
        .pid;
}

Term task_async_mfa(ProcessContext& ctx, Term mfa) {
    const Pid owner = ctx.self();
    Term ancestors = child_ancestors(ctx);
    Term callers = get_callers(ctx);
    auto ref = std::make_shared<Ref>();
    SpawnOptions o = task_spawn_options(ctx, true, mfa, at().reply, 3);
    o.monitor = true;
    o.monitor_alias = AliasMode::Demonitor;
    SpawnResult r = ctx.spawn(
        [owner, ancestors, callers, mfa, ref](ProcessContext& c) {
            return async_task_body(c, owner, ancestors, callers, mfa, ref);
        },
        o);
    *ref = r.monitor;
    Term arity = tup({mfa.element(0), mfa.element(1), Term::integer(list_length(mfa.element(2)))});
    return make_task(arity, owner, Term::pid(r.pid), r.monitor);
}

namespace {

bool is_reply_for(const Term& m, Ref ref) {
    return m.is_tuple(2) && m.element(0).is_reference() && m.element(0).as_reference() == ref;
}
bool is_down_for(const Term& m, Ref ref) {
    return m.is_tuple(5) && m.element(0).is_atom(atom::DOWN) && m.element(1).is_reference() &&
           m.element(1).as_reference() == ref;
}

Term exit_info(Atom function, std::initializer_list<Term> args) {
    return tup({A(at().Task), A(function), Term::list(args)});
}

/// Result of shutdown_receive: a reply, nothing, or the task went down with a reason.
struct ShutdownResult {
    enum class Kind { Reply, Nil, Down } kind = Kind::Nil;
    Term value;  ///< Reply: {:ok, reply}; Down: the reason
    Term proc;
};

Co<std::optional<Term>> flush_reply(ProcessContext& ctx, Ref ref) {
    auto m = co_await ctx.receive([ref](const Term& t) { return is_reply_for(t, ref); },
                                  Timeout::millis(0));
    if (!m) co_return std::nullopt;
    co_return ok_tuple(m->element(1));
}

Co<ShutdownResult> shutdown_receive(ProcessContext& ctx, Ref ref, Ref mon, Pid pid, Atom type,
                                    Timeout timeout) {
    for (;;) {
        auto msg = co_await ctx.receive([mon](const Term& t) { return is_down_for(t, mon); },
                                        timeout, trace::WaitKind::Shutdown, pid, mon);
        if (!msg) {
            ctx.exit(pid, A(atom::kill));
            type = at().timeout_kill;
            timeout = Timeout::infinity();
            continue;
        }
        const Term reason = msg->element(4);
        const Term proc = msg->element(3);
        const bool expected_shutdown = reason.is_atom(atom::shutdown) && type != at().brutal_kill;
        const bool expected_kill = reason.is_atom(atom::killed) && type == at().brutal_kill;
        if (expected_shutdown || expected_kill) {
            task_demonitor(ctx, ref);
            auto r = co_await flush_reply(ctx, ref);
            co_return r ? ShutdownResult{ShutdownResult::Kind::Reply, *r, {}} : ShutdownResult{};
        }
        if (reason.is_atom(atom::noproc)) {
            // flush_noproc: the task may have died before our monitor; its DOWN tells why.
            ShutdownResult result;
            auto down = co_await ctx.receive([ref](const Term& t) { return is_down_for(t, ref); },
                                             Timeout::millis(0));
            if (down) {
                const Term& r = down->element(4);
                const bool quiet = (r.is_atom(atom::shutdown) && type != at().brutal_kill) ||
                                   (r.is_atom(atom::killed) && type == at().brutal_kill);
                if (!quiet) result = {ShutdownResult::Kind::Down, r, proc};
            } else {
                task_demonitor(ctx, ref);
                result = {ShutdownResult::Kind::Down, A(atom::noproc), proc};
            }
            auto r = co_await flush_reply(ctx, ref);
            if (r) co_return ShutdownResult{ShutdownResult::Kind::Reply, *r, {}};
            co_return result;
        }
        task_demonitor(ctx, ref);
        auto r = co_await flush_reply(ctx, ref);
        if (r) co_return ShutdownResult{ShutdownResult::Kind::Reply, *r, {}};
        co_return ShutdownResult{ShutdownResult::Kind::Down, reason, proc};
    }
}

/// The enforcer of shutdown_send: kills the task if the caller dies before the shutdown is done.
Co<void> shutdown_enforcer(ProcessContext& ctx, Pid task, Term reason, Pid caller, Ref done) {
    const Ref mon = ctx.monitor(Term::pid(caller));
    auto msg = co_await ctx.receive(
        [&](const Term& m) {
            if (m.is_tuple(2) && m.element(1).is_reference() && m.element(1).as_reference() == done)
                return true;
            return is_down_for(m, mon);
        },
        Timeout::infinity());
    if (msg && msg->is_tuple(5)) ctx.exit(task, reason);
}

void shutdown_send(ProcessContext& ctx, Pid pid, Term reason) {
    const Pid caller = ctx.self();
    const Ref done = ctx.make_ref();
    SpawnOptions o;
    o.label = "Task.shutdown enforcer";
    const Pid enforcer = ctx.spawn(
                                [pid, reason, caller, done](ProcessContext& c) {
                                    return shutdown_enforcer(c, pid, reason, caller, done);
                                },
                                o)
                             .pid;
    ctx.unlink(pid);
    ctx.exit(pid, reason);
    ctx.send(enforcer, tup({A(at().done), Term::reference(done)}));
}

}  // namespace

}  // namespace detail

// --- public Task API
// -------------------------------------------------------------------------------

Term task_async(ProcessContext& ctx, Term fun) {
    return task_async_mfa(
        ctx, tup({A(atom::erlang), A(atom::apply), lst({std::move(fun), Term::empty_list()})}));
}

Term task_async(ProcessContext& ctx, Atom module, Atom function, Term args) {
    return task_async_mfa(ctx, tup({A(module), A(function), std::move(args)}));
}

Co<Term> task_await(ProcessContext& ctx, Term task, Timeout timeout) {
    const TaskFields f = task_fields(task);
    check_owner(ctx, task, f);
    const Ref ref = f.ref;
    auto msg = co_await ctx.receive(
        [ref](const Term& m) { return is_reply_for(m, ref) || is_down_for(m, ref); }, timeout,
        trace::WaitKind::TaskAwait, f.pid.value_or(Pid{}), ref);
    if (!msg) {
        task_demonitor(ctx, ref);
        exit_with(tup({A(atom::timeout), exit_info(at().await, {task, timeout_term(timeout)})}));
    }
    if (msg->is_tuple(2)) {
        task_demonitor(ctx, ref);
        co_return msg->element(1);
    }
    exit_with(tup({down_reason(ctx, msg->element(4), msg->element(3)),
                   exit_info(at().await, {task, timeout_term(timeout)})}));
}

Co<Term> task_await_many(ProcessContext& ctx, Term tasks, Timeout timeout) {
    std::vector<Term> list;
    list_to_vector(tasks, list);
    std::unordered_map<uint64_t, size_t> awaiting;  // ref -> index in list
    awaiting.reserve(list.size());
    std::vector<Ref> refs(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
        const TaskFields f = task_fields(list[i]);
        check_owner(ctx, list[i], f);
        refs[i] = f.ref;
        awaiting.emplace(f.ref.id, i);
    }
    std::vector<Term> replies(list.size());
    std::vector<bool> have(list.size(), false);
    size_t pending = awaiting.size();
    const int64_t deadline = timeout.is_infinity() ? -1 : ctx.now_us() + timeout.ms * 1000;
    auto demonitor_pending = [&] {
        for (auto& [id, i] : awaiting)
            if (!have[i]) task_demonitor(ctx, refs[i]);
    };
    while (pending > 0) {
        Timeout left = Timeout::infinity();
        if (deadline >= 0)
            left = Timeout::millis(std::max<int64_t>(0, (deadline - ctx.now_us() + 999) / 1000));
        auto msg = co_await ctx.receive(
            [&](const Term& m) {
                if (m.is_tuple(2) && m.element(0).is_reference()) {
                    auto it = awaiting.find(m.element(0).as_reference().id);
                    return it != awaiting.end() && !have[it->second];
                }
                if (m.is_tuple(5) && m.element(0).is_atom(atom::DOWN) &&
                    m.element(1).is_reference()) {
                    auto it = awaiting.find(m.element(1).as_reference().id);
                    return it != awaiting.end() && !have[it->second];
                }
                return false;
            },
            left, trace::WaitKind::TaskAwait);
        if (!msg) {
            demonitor_pending();
            exit_with(tup(
                {A(atom::timeout), exit_info(at().await_many, {tasks, timeout_term(timeout)})}));
        }
        if (msg->is_tuple(2)) {
            const size_t i = awaiting[msg->element(0).as_reference().id];
            task_demonitor(ctx, refs[i]);
            replies[i] = msg->element(1);
            have[i] = true;
            --pending;
        } else {
            const size_t i = awaiting[msg->element(1).as_reference().id];
            have[i] = true;  // its monitor is gone with the DOWN
            demonitor_pending();
            exit_with(tup({down_reason(ctx, msg->element(4), msg->element(3)),
                           exit_info(at().await_many, {tasks, timeout_term(timeout)})}));
        }
    }
    co_return Term::list(std::span(replies));
}

Co<Term> task_yield(ProcessContext& ctx, Term task, Timeout timeout) {
    const TaskFields f = task_fields(task);
    check_owner(ctx, task, f);
    const Ref ref = f.ref;
    auto msg = co_await ctx.receive(
        [ref](const Term& m) { return is_reply_for(m, ref) || is_down_for(m, ref); }, timeout,
        trace::WaitKind::TaskYield, f.pid.value_or(Pid{}), ref);
    if (!msg) co_return Term::nil();
    if (msg->is_tuple(2)) {
        task_demonitor(ctx, ref);
        co_return ok_tuple(msg->element(1));
    }
    const Term& reason = msg->element(4);
    if (reason.is_atom(atom::noconnection))
        exit_with(tup({down_reason(ctx, reason, msg->element(3)),
                       exit_info(at().yield, {task, timeout_term(timeout)})}));
    co_return tup({A(atom::exit), reason});
}

Term task_ignore(ProcessContext& ctx, Term task) {
    const TaskFields f = task_fields(task);
    check_owner(ctx, task, f);
    const Ref ref = f.ref;
    // A zero-timeout receive: scan the mailbox without blocking.
    for (Message* m = ctx.first_message(); m; m = ctx.next_message(m)) {
        const Term& t = ctx.message_term(m);
        if (is_reply_for(t, ref)) {
            Term reply = t.element(1);
            ctx.take_message(m);
            if (f.pid) ctx.unlink(*f.pid);
            task_demonitor(ctx, ref);
            return ok_tuple(std::move(reply));
        }
        if (is_down_for(t, ref)) {
            Term down = ctx.take_message(m);
            if (down.element(4).is_atom(atom::noconnection))
                exit_with(tup({down_reason(ctx, down.element(4), down.element(3)),
                               exit_info(at().ignore, {task})}));
            return tup({A(atom::exit), down.element(4)});
        }
    }
    if (f.pid) ctx.unlink(*f.pid);
    task_demonitor(ctx, ref);
    return Term::nil();
}

Co<Term> task_yield_many(ProcessContext& ctx, Term tasks, Term options) {
    Timeout timeout = Timeout::millis(5000);
    Atom on_timeout = at().nothing;
    std::vector<Term> list;
    list_to_vector(tasks, list);
    int64_t limit = static_cast<int64_t>(list.size());
    if (options.is_integer() || options.is_atom(atom::infinity)) {
        timeout = to_timeout(options);
    } else {
        if (const Term* t = kw_find(options, at().timeout)) timeout = to_timeout(*t);
        if (const Term* o = kw_find(options, at().on_timeout)) on_timeout = o->as_atom();
        if (const Term* l = kw_find(options, at().limit); l && l->is_integer())
            limit = std::min(limit, l->as_integer());
    }
    std::unordered_map<uint64_t, size_t> index;
    std::vector<Ref> refs(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
        const TaskFields f = task_fields(list[i]);
        check_owner(ctx, list[i], f);
        refs[i] = f.ref;
        index.emplace(f.ref.id, i);
    }
    limit = std::min<int64_t>(limit, static_cast<int64_t>(index.size()));
    std::vector<Term> results(list.size());
    std::vector<bool> have(list.size(), false);
    const int64_t deadline = timeout.is_infinity() ? -1 : ctx.now_us() + timeout.ms * 1000;
    bool timed_out = false;
    while (limit > 0) {
        Timeout left = Timeout::infinity();
        if (deadline >= 0)
            left = Timeout::millis(std::max<int64_t>(0, (deadline - ctx.now_us() + 999) / 1000));
        auto msg = co_await ctx.receive(
            [&](const Term& m) {
                const Term* key = nullptr;
                if (m.is_tuple(2) && m.element(0).is_reference())
                    key = &m.element(0);
                else if (m.is_tuple(5) && m.element(0).is_atom(atom::DOWN) &&
                         m.element(1).is_reference())
                    key = &m.element(1);
                if (!key) return false;
                auto it = index.find(key->as_reference().id);
                return it != index.end() && !have[it->second];
            },
            left, trace::WaitKind::TaskYield);
        if (!msg) {
            timed_out = true;
            break;
        }
        if (msg->is_tuple(2)) {
            const size_t i = index[msg->element(0).as_reference().id];
            task_demonitor(ctx, refs[i]);
            results[i] = ok_tuple(msg->element(1));
            have[i] = true;
        } else {
            const size_t i = index[msg->element(1).as_reference().id];
            const Term& reason = msg->element(4);
            if (reason.is_atom(atom::noconnection))
                exit_with(tup({down_reason(ctx, reason, msg->element(3)),
                               exit_info(at().yield_many, {tasks, timeout_term(timeout)})}));
            results[i] = tup({A(atom::exit), reason});
            have[i] = true;
        }
        --limit;
    }
    std::vector<Term> out;
    out.reserve(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
        Term value = results[i];
        if (!have[i] && timed_out) {
            if (on_timeout == at().kill_task)
                value = co_await task_shutdown(ctx, list[i], Shutdown::brutal_kill());
            else if (on_timeout == at().ignore)
                value = task_ignore(ctx, list[i]);
        }
        out.push_back(tup({list[i], std::move(value)}));
    }
    co_return Term::list(std::span(out));
}

Co<Term> task_shutdown(ProcessContext& ctx, Term task, Shutdown shutdown) {
    const TaskFields f = task_fields(task);
    if (!f.pid) co_return task_ignore(ctx, task);
    check_owner(ctx, task, f);
    const Pid pid = *f.pid;
    const Ref mon = ctx.monitor(Term::pid(pid));
    const bool brutal = shutdown.kind == ShutdownKind::BrutalKill;
    shutdown_send(ctx, pid, A(brutal ? atom::kill : atom::shutdown));
    const Timeout timeout = shutdown.kind == ShutdownKind::Timeout
                                ? Timeout::millis(shutdown.timeout_ms)
                                : Timeout::infinity();
    ShutdownResult r = co_await shutdown_receive(
        ctx, f.ref, mon, pid, brutal ? at().brutal_kill : at().shutdown, timeout);
    switch (r.kind) {
        case ShutdownResult::Kind::Reply:
            co_return r.value;
        case ShutdownResult::Kind::Nil:
            co_return Term::nil();
        case ShutdownResult::Kind::Down:
            if (r.value.is_atom(atom::noconnection))
                exit_with(tup({down_reason(ctx, r.value, r.proc),
                               exit_info(at().shutdown, {task, shutdown_term(shutdown)})}));
            co_return tup({A(atom::exit), r.value});
    }
    co_return Term::nil();
}

Term task_completed(ProcessContext& ctx, Term value) {
    const Ref ref = ctx.make_ref();
    ctx.send(ctx.self(), tup({Term::reference(ref), std::move(value)}));
    return make_task(tup({A(at().Task), A(at().completed), Term::integer(1)}), ctx.self(),
                     Term::nil(), ref);
}

Term task_start(ProcessContext& ctx, Term fun, bool link) {
    Term mfa = tup({A(atom::erlang), A(atom::apply), lst({std::move(fun), Term::empty_list()})});
    return ok_tuple(
        Term::pid(spawn_noreply_task(ctx, owner_tuple(ctx), get_callers(ctx), mfa, link)));
}

}  // namespace tasklens::otp
