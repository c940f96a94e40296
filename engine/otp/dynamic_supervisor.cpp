// DynamicSupervisor (Elixir 1.14's dynamic_supervisor.ex), and Task.Supervisor, which is a
// DynamicSupervisor that also answers {:start_task, ...}. Children are keyed by pid; a child whose
// restart failed stays under its old pid in the :restarting state until the retry that
// {:"$gen_restart", pid} asks for succeeds. The loop dispatches each message to its handler, and
// every way the supervisor ends goes through one stop sequence.
#include <algorithm>

#include "engine/otp/gen_server.h"
#include "engine/otp/supervisor.h"
#include "engine/otp/task.h"
#include "engine/runtime/inspect.h"

namespace tasklens::otp::detail {

namespace {

struct DynChild {
    Term mfa;
    RestartType restart = RestartType::Temporary;
    Shutdown shutdown = Shutdown::millis(5000);
    ChildType type = ChildType::Worker;
    Term modules;
    bool restarting = false;
};

struct DynamicState {
    Term name;
    std::map<Pid, DynChild> children;
    int64_t max_children = -1;  ///< -1 = :infinity
    int64_t max_restarts = 3;
    int64_t max_seconds = 5;
    std::vector<int64_t> restarts;
    Term extra_arguments = Term::empty_list();
    bool task_supervisor = false;
    int64_t restart_count = 0;
};

/// The supervisor process: its state and what it needs to stop.
struct DynamicLoop {
    ProcessContext& ctx;
    DynamicState& s;
    Pid parent;
};

bool read_dynamic_flags(const Term& flags, DynamicState& s) {
    if (!flags.is_map()) return false;
    if (const Term* v = map_find(flags, Atom::intern("intensity")); v && v->is_integer())
        s.max_restarts = v->as_integer();
    if (const Term* v = map_find(flags, Atom::intern("period")); v && v->is_integer())
        s.max_seconds = v->as_integer();
    if (const Term* v = map_find(flags, at().max_children); v && v->is_integer())
        s.max_children = v->as_integer();
    if (const Term* v = map_find(flags, at().extra_arguments); v && v->is_list())
        s.extra_arguments = *v;
    return true;
}

/// dynamic_supervisor.ex's add_restart: a restart counts while now <= then + max_seconds.
bool add_restart_elixir(ProcessContext& ctx, DynamicState& s) {
    const int64_t now = now_seconds(ctx);
    s.restarts.insert(s.restarts.begin(), now);
    std::erase_if(s.restarts, [&](int64_t r) { return now > r + s.max_seconds; });
    return static_cast<int64_t>(s.restarts.size()) <= s.max_restarts;
}

Term prepend_extra(const Term& extra, const Term& mfa) {
    if (extra.is_empty_list()) return mfa;
    std::vector<Term> args;
    list_to_vector(extra, args);
    std::vector<Term> rest;
    list_to_vector(mfa.element(2), rest);
    args.insert(args.end(), rest.begin(), rest.end());
    return tup({mfa.element(0), mfa.element(1), lst(args)});
}

/// Terminates every child at once: all get their exit signal, then each is killed at its own
/// shutdown deadline (dynamic_supervisor.ex's terminate_children).
Co<void> terminate_dynamic_children(ProcessContext& ctx, DynamicState& s) {
    struct Pending {
        Pid pid;
        Ref mon;
        int64_t deadline_us;  ///< -1 = none
    };
    std::vector<Pending> pending;
    for (auto& [pid, c] : s.children) {
        if (c.restarting) continue;
        const Ref mon = ctx.monitor(Term::pid(pid));
        int64_t deadline = -1;
        if (c.shutdown.kind == ShutdownKind::BrutalKill) {
            ctx.exit(pid, A(atom::kill));
        } else {
            ctx.exit(pid, A(atom::shutdown));
            if (c.shutdown.kind == ShutdownKind::Timeout)
                deadline = ctx.now_us() + c.shutdown.timeout_ms * 1000;
        }
        pending.push_back({pid, mon, deadline});
    }
    while (!pending.empty()) {
        int64_t next = -1;
        for (auto& p : pending)
            if (p.deadline_us >= 0 && (next < 0 || p.deadline_us < next)) next = p.deadline_us;
        Timeout t = next < 0
                        ? Timeout::infinity()
                        : Timeout::millis(std::max<int64_t>(0, (next - ctx.now_us() + 999) / 1000));
        auto msg = co_await ctx.receive(
            [&](const Term& m) {
                if (!(m.is_tuple(5) && m.element(0).is_atom(atom::DOWN) &&
                      m.element(1).is_reference()))
                    return false;
                const Ref r = m.element(1).as_reference();
                for (auto& p : pending)
                    if (p.mon == r) return true;
                return false;
            },
            t, trace::WaitKind::Shutdown);
        if (!msg) {
            const int64_t now = ctx.now_us();
            for (auto& p : pending)
                if (p.deadline_us >= 0 && p.deadline_us <= now) {
                    ctx.exit(p.pid, A(atom::kill));
                    p.deadline_us = -1;
                }
            continue;
        }
        const Ref r = msg->element(1).as_reference();
        auto it = std::find_if(pending.begin(), pending.end(),
                               [&](const Pending& p) { return p.mon == r; });
        const Pid pid = it->pid;
        pending.erase(it);
        unlink_flush(ctx, pid, msg->element(4));
        emit_child_event(ctx, trace::EventKind::ChildTerminate, pid, A(atom::undefined));
    }
    s.children.clear();
}

/// The one stop sequence: every child terminated, the name released, then the supervisor exits
/// with `reason`. Never returns.
Co<void> stop(DynamicLoop& loop, Term reason) {
    co_await terminate_dynamic_children(loop.ctx, loop.s);
    if (!loop.s.name.is_nil()) co_await unregister_self(loop.ctx, loop.s.name);
    exit_with(std::move(reason));
}

/// The intensity was reached: record it, forget the child, and stop with :shutdown.
Co<void> give_up(DynamicLoop& loop, Pid child) {
    emit_give_up(loop.ctx);
    loop.s.children.erase(child);
    co_await stop(loop, A(atom::shutdown));
}

Co<Term> dynamic_start(ProcessContext& ctx, DynamicState& s, Term mfa, RestartType restart,
                       Shutdown shutdown, ChildType type, Term modules) {
    if (s.max_children >= 0 && static_cast<int64_t>(s.children.size()) >= s.max_children)
        co_return error_tuple(A(at().max_children));
    Term full = prepend_extra(s.extra_arguments, mfa);
    Term r = co_await start_child_mfa(ctx, full, StartPath::Dynamic);
    if (r.is_tuple() && r.element(0).is_atom(atom::ok)) {
        const Pid pid = r.element(1).as_pid();
        DynChild c;
        c.mfa = restart == RestartType::Temporary
                    ? tup({full.element(0), full.element(1), A(atom::undefined)})
                    : full;
        c.restart = restart;
        c.shutdown = shutdown;
        c.type = type;
        c.modules = modules;
        s.children.emplace(pid, std::move(c));
        emit_child_event(ctx, trace::EventKind::ChildStart, pid, A(atom::undefined));
    }
    co_return r;
}

/// Restarts a dead (or restarting) child keyed by `old`. false = intensity exceeded.
Co<bool> dynamic_restart(ProcessContext& ctx, DynamicState& s, Pid old) {
    if (!add_restart_elixir(ctx, s)) co_return false;
    auto it = s.children.find(old);
    if (it == s.children.end()) co_return true;
    DynChild child = it->second;
    Term r = co_await start_child_mfa(ctx, child.mfa, StartPath::Dynamic);
    if (r.is_tuple() && r.element(0).is_atom(atom::ok)) {
        s.children.erase(old);
        const Pid pid = r.element(1).as_pid();
        child.restarting = false;
        s.children.emplace(pid, child);
        emit_child_event(ctx, trace::EventKind::ChildRestart, pid, A(atom::undefined),
                         ++s.restart_count);
    } else if (r.is_atom(at().ignore)) {
        s.children.erase(old);
    } else {
        s.children[old].restarting = true;
        ctx.send(ctx.self(), tup({A(Atom::intern("$gen_restart")), Term::pid(old)}));
    }
    co_return true;
}

// --- handle_info: {:EXIT, ..} and {:"$gen_restart", pid} ------------------------------------

Co<void> handle_exit(DynamicLoop& loop, Pid pid, Term reason) {
    DynamicState& s = loop.s;
    if (pid == loop.parent) co_await stop(loop, reason);
    auto it = s.children.find(pid);
    if (it == s.children.end()) co_return;
    const RestartType restart = it->second.restart;
    const Term mfa = it->second.mfa;
    if (restart == RestartType::Permanent || !is_normal_exit(reason))
        co_await report_supervisor(loop.ctx, CrashReport::Kind::ChildTerminated, s.name,
                                   at().child_terminated, reason, pid, A(atom::undefined), mfa);
    if (!should_restart(restart, reason)) {
        s.children.erase(pid);
        co_return;
    }
    if (!co_await dynamic_restart(loop.ctx, s, pid)) {
        const Term intensity = A(Atom::intern("reached_max_restart_intensity"));
        co_await report_supervisor(loop.ctx, CrashReport::Kind::Shutdown, s.name, atom::shutdown,
                                   intensity, pid, A(atom::undefined), mfa);
        co_await give_up(loop, pid);
    }
}

Co<void> handle_restart_retry(DynamicLoop& loop, Pid old) {
    auto it = loop.s.children.find(old);
    if (it == loop.s.children.end() || !it->second.restarting) co_return;
    if (!co_await dynamic_restart(loop.ctx, loop.s, old)) co_await give_up(loop, old);
}

// --- handle_call: one handler per request --------------------------------------------------

Co<Term> start_task(DynamicLoop& loop, const Term& request) {
    const Term& args = request.element(1);
    RestartType restart = RestartType::Temporary;
    if (request.element(2).is_atom() && !request.element(2).is_nil())
        restart =
            restart_type_from(request.element(2).as_atom().name()).value_or(RestartType::Temporary);
    Shutdown shutdown = to_shutdown(request.element(3)).value_or(Shutdown::millis(5000));
    Term mfa = tup({A(at().TaskSupervised), A(at().start_link), args});
    Term modules = lst({A(at().TaskSupervised)});
    co_return co_await dynamic_start(loop.ctx, loop.s, mfa, restart, shutdown, ChildType::Worker,
                                     modules);
}

/// {:start_child, {mfa, restart, shutdown, type, modules}}.
Co<Term> start_child(DynamicLoop& loop, const Term& c) {
    RestartType restart =
        restart_type_from(c.element(1).as_atom().name()).value_or(RestartType::Permanent);
    Shutdown shutdown = to_shutdown(c.element(2)).value_or(Shutdown::millis(5000));
    ChildType type =
        c.element(3).is_atom(at().supervisor) ? ChildType::Supervisor : ChildType::Worker;
    co_return co_await dynamic_start(loop.ctx, loop.s, c.element(0), restart, shutdown, type,
                                     c.element(4));
}

Co<Term> terminate_child(DynamicLoop& loop, Pid pid) {
    auto it = loop.s.children.find(pid);
    if (it == loop.s.children.end()) co_return error_tuple(A(at().not_found));
    const Shutdown sd = it->second.shutdown;
    const bool restarting = it->second.restarting;
    if (!restarting) co_await shutdown_child(loop.ctx, pid, sd, A(atom::undefined));
    loop.s.children.erase(pid);
    co_return A(atom::ok);
}

Term which_children(const DynamicState& s) {
    std::vector<Term> out;
    for (auto& [pid, c] : s.children)
        out.push_back(tup({A(atom::undefined), c.restarting ? A(at().restarting) : Term::pid(pid),
                           type_term(c.type), c.modules}));
    return lst(out);
}

Term count_children(const DynamicState& s) {
    int64_t active = 0, sups = 0, workers = 0;
    for (auto& [pid, c] : s.children) {
        if (!c.restarting) ++active;
        (c.type == ChildType::Supervisor ? sups : workers)++;
    }
    return count_children_term(static_cast<int64_t>(s.children.size()), active, sups, workers);
}

Co<Term> handle_call(DynamicLoop& loop, const Term& request) {
    if (request.is_tuple(4) && request.element(0).is_atom(at().start_task) &&
        loop.s.task_supervisor)
        co_return co_await start_task(loop, request);
    if (request.is_tuple(2) && request.element(0).is_atom(at().start_child) &&
        request.element(1).is_tuple(5))
        co_return co_await start_child(loop, request.element(1));
    if (request.is_tuple(2) && request.element(0).is_atom(at().terminate_child) &&
        request.element(1).is_pid())
        co_return co_await terminate_child(loop, request.element(1).as_pid());
    if (request.is_atom(at().which_children)) co_return which_children(loop.s);
    if (request.is_atom(at().count_children)) co_return count_children(loop.s);
    co_return error_tuple(tup({A(Atom::intern("unexpected_call")), request}));
}

/// sys messages: terminate stops the supervisor, get_state answers with the number of children.
Co<void> handle_system(DynamicLoop& loop, const Term& from, const Term& request) {
    if (request.is_tuple(2) && request.element(0).is_atom(at().terminate))
        co_await stop(loop, request.element(1));
    reply_to(loop.ctx, from, Term::integer(static_cast<int64_t>(loop.s.children.size())));
}

// --- init and the loop ----------------------------------------------------------------------

Co<void> dynamic_sup_body(ProcessContext& ctx, Pid starter, Ref ack, Atom module, Term init_arg,
                          Term preset_flags, Term name, Term ancestors, bool task_supervisor) {
    ctx.dict_put(A(atom::dollar_ancestors), ancestors);
    ctx.dict_put(A(atom::dollar_initial_call),
                 tup({A(at().DynamicSupervisor), A(at().init), Term::integer(1)}));
    ctx.set_trap_exit(true);
    if (!co_await register_or_refuse(ctx, name, starter, ack)) co_return;
    DynamicState s;
    s.name = name;
    s.task_supervisor = task_supervisor;
    DynamicLoop loop{ctx, s, starter};
    Term flags = preset_flags;
    if (flags.is_nil()) {
        std::vector<Term> args;
        args.push_back(init_arg);
        CallbackResult r = co_await run_callback(ctx, module, at().init, std::move(args));
        if (r.error.caught) {
            send_start_ack(ctx, starter, ack, error_tuple(r.error.exit_reason()));
            r.error.rethrow();
        }
        if (r.value.is_atom(at().ignore)) {
            if (!name.is_nil()) co_await unregister_self(ctx, name);
            send_start_ack(ctx, starter, ack, A(at().ignore));
            co_return;
        }
        if (!r.value.is_tuple(2) || !r.value.element(0).is_atom(atom::ok)) {
            Term reason = tup({A(at().bad_return_value), r.value});
            send_start_ack(ctx, starter, ack, error_tuple(reason));
            exit_with(reason);
        }
        flags = r.value.element(1);
    }
    read_dynamic_flags(flags, s);
    send_start_ack(ctx, starter, ack, ok_tuple(Term::pid(ctx.self())));

    const Atom gen_restart = Atom::intern("$gen_restart");
    for (;;) {
        auto received = co_await ctx.receive([](const Term&) { return true; }, Timeout::infinity());
        if (!received) continue;
        const Term message = *received;
        Term from, request;
        if (message.is_tuple(3) && message.element(0).is_atom(atom::EXIT) &&
            message.element(1).is_pid()) {
            co_await handle_exit(loop, message.element(1).as_pid(), message.element(2));
        } else if (is_gen_call(message, from, request)) {
            Term reply = co_await handle_call(loop, request);
            reply_to(ctx, from, std::move(reply));
        } else if (message.is_tuple(3) && message.element(0).is_atom(at().system)) {
            co_await handle_system(loop, message.element(1), message.element(2));
        } else if (message.is_tuple(2) && message.element(0).is_atom(gen_restart) &&
                   message.element(1).is_pid()) {
            co_await handle_restart_retry(loop, message.element(1).as_pid());
        }
    }
}

}  // namespace

Term dynamic_supervisor_init(const Term& options) {
    const Term strategy = kw_get(options, at().strategy, A(at().one_for_one));
    if (!strategy.is_atom(at().one_for_one))
        raise_argument("unknown :strategy " + inspect(strategy) +
                       ", only :one_for_one is supported");
    return ok_tuple(Term::map(
        {{A(at().strategy), strategy},
         {A(Atom::intern("intensity")), kw_get(options, at().max_restarts, Term::integer(3))},
         {A(Atom::intern("period")), kw_get(options, at().max_seconds, Term::integer(5))},
         {A(at().max_children), kw_get(options, at().max_children, A(atom::infinity))},
         {A(at().extra_arguments), kw_get(options, at().extra_arguments, Term::empty_list())}}));
}

Co<Term> start_dynamic_supervisor(ProcessContext& ctx, Atom module, Term init_arg, Term name,
                                  bool link, bool task_supervisor) {
    if (!name.is_nil()) validate_name(name);
    if (auto refused = co_await refuse_taken_name(ctx, name)) co_return *refused;
    Term preset = Term::nil();
    if (module.id == 0) {
        preset = dynamic_supervisor_init(init_arg).element(1);
        module = task_supervisor ? at().TaskSupervisor : at().DynamicSupervisor;
    }
    const Ref ack = ctx.make_ref();
    const Pid starter = ctx.self();
    Term ancestors = child_ancestors(ctx);
    SpawnOptions o;
    o.link = link;
    o.monitor = true;
    o.initial_call = tup({A(at().DynamicSupervisor), A(at().init), Term::integer(1)});
    if (ctx.recording())
        o.label = inspect_module(module) + (name.is_nil() ? "" : " " + inspect(name));
    SpawnResult r = ctx.spawn(
        [starter, ack, module, init_arg, preset, name, ancestors,
         task_supervisor](ProcessContext& c) {
            return dynamic_sup_body(c, starter, ack, module, init_arg, preset, name, ancestors,
                                    task_supervisor);
        },
        o);
    co_return co_await await_start_ack(ctx, r.pid, r.monitor, ack, Timeout::infinity());
}

}  // namespace tasklens::otp::detail
