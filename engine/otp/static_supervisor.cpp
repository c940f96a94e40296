// Supervisor: supervisor.erl's one_for_one, one_for_all and rest_for_one. As in supervisor.erl,
// the process loop only dispatches: each call ({:start_child, ..}, :which_children, ...) has its
// own handler, and every way the supervisor ends (its parent exits, sys terminate, restart
// intensity reached, a child failing to start) goes through one stop sequence: terminate the
// children in reverse start order, give up the name, exit.
#include <algorithm>
#include <unordered_map>

#include "engine/otp/gen_server.h"
#include "engine/otp/supervisor.h"
#include "engine/otp/task.h"
#include "engine/runtime/inspect.h"

namespace tasklens::otp::detail {

namespace {

/// The supervisor process: its state and what it needs to stop.
struct StaticLoop {
    ProcessContext& ctx;
    StaticSupervisor& s;
    Term name;
    Pid parent;
};

/// Starts child i; records the pid. Returns nullopt on success (or ignore), the error reason
/// otherwise.
Co<std::optional<Term>> start_static_child(ProcessContext& ctx, StaticSupervisor& s, size_t i,
                                           bool restart) {
    Term mfa = s.children[i].mfa;
    Term r = co_await start_child_mfa(ctx, mfa,
                                      restart ? StartPath::StaticRestart : StartPath::StaticInit);
    ChildRecord& c = s.children[i];
    if (r.is_tuple() && r.element(0).is_atom(atom::ok)) {
        c.pid = r.element(1).as_pid();
        c.restarting = false;
        if (restart)
            emit_child_event(ctx, trace::EventKind::ChildRestart, c.pid, c.id, ++s.restart_count);
        else
            emit_child_event(ctx, trace::EventKind::ChildStart, c.pid, c.id);
        co_return std::nullopt;
    }
    if (r.is_atom(at().ignore)) {
        c.pid = Pid{};
        c.restarting = false;
        co_return std::nullopt;
    }
    co_return r.element(1);
}

/// Terminates children [from, end) in reverse start order; temporary ones are removed.
Co<void> terminate_static_children(ProcessContext& ctx, StaticSupervisor& s, size_t from,
                                   std::optional<size_t> skip = {}) {
    for (size_t k = s.children.size(); k-- > from;) {
        if (skip && *skip == k) continue;
        if (s.children[k].pid.valid()) {
            const Pid pid = s.children[k].pid;
            const Shutdown sd = s.children[k].shutdown;
            const Term id = s.children[k].id;
            co_await shutdown_child(ctx, pid, sd, id);
            s.children[k].pid = Pid{};
        }
        s.children[k].restarting = false;
    }
    // Temporary children are gone for good once terminated.
    size_t index = 0;
    std::erase_if(s.children, [&](const ChildRecord& c) {
        const bool drop = index++ >= from && c.restart == RestartType::Temporary &&
                          !c.pid.valid() && !(skip && index - 1 == *skip);
        return drop;
    });
}

/// The one stop sequence: children terminated in reverse start order, the name released, then
/// the supervisor exits with `reason`. Never returns.
Co<void> stop(StaticLoop& loop, Term reason) {
    co_await terminate_static_children(loop.ctx, loop.s, 0);
    if (!loop.name.is_nil()) co_await unregister_self(loop.ctx, loop.name);
    exit_with(std::move(reason));
}

size_t find_by_id(const StaticSupervisor& s, const Term& id) {
    for (size_t i = 0; i < s.children.size(); ++i)
        if (exact_equal(s.children[i].id, id)) return i;
    return SIZE_MAX;
}
size_t find_by_pid(const StaticSupervisor& s, Pid pid) {
    for (size_t i = 0; i < s.children.size(); ++i)
        if (s.children[i].pid == pid) return i;
    return SIZE_MAX;
}

/// add_restart: true when the intensity is still within max_restarts in max_seconds.
bool add_restart_otp(ProcessContext& ctx, StaticSupervisor& s) {
    const int64_t now = now_seconds(ctx);
    const int64_t threshold = now - s.max_seconds;
    while (!s.restarts.empty() && s.restarts.back() < threshold) s.restarts.pop_back();
    // takewhile from the newest: everything older than the first out-of-period entry is dropped
    // too.
    std::deque<int64_t> kept;
    for (int64_t r : s.restarts) {
        if (r < threshold) break;
        kept.push_back(r);
    }
    kept.push_front(now);
    s.restarts = std::move(kept);
    return static_cast<int64_t>(s.restarts.size()) <= s.max_restarts;
}

/// supervisor.erl's restart/2 for child index i (already dead). false = give up (exit :shutdown).
Co<bool> restart_static(ProcessContext& ctx, StaticSupervisor& s, size_t i) {
    if (!add_restart_otp(ctx, s)) co_return false;
    const Term id = s.children[i].id;
    switch (s.strategy) {
        case Strategy::OneForOne: {
            auto err = co_await start_static_child(ctx, s, i, true);
            if (err) {
                size_t j = find_by_id(s, id);
                if (j != SIZE_MAX) s.children[j].restarting = true;
                ctx.send(ctx.self(), tup({A(Atom::intern("$restart")), id}));
            }
            break;
        }
        case Strategy::OneForAll:
        case Strategy::RestForOne: {
            const size_t from = s.strategy == Strategy::OneForAll ? 0 : i;
            co_await terminate_static_children(ctx, s, from, i);
            const size_t first =
                find_by_id(s, id) == SIZE_MAX ? from : std::min(from, find_by_id(s, id));
            for (size_t k = first; k < s.children.size(); ++k) {
                auto err = co_await start_static_child(ctx, s, k, true);
                if (err) {
                    s.children[k].restarting = true;
                    const Term failed_id = s.children[k].id;
                    ctx.send(ctx.self(), tup({A(Atom::intern("$restart")), failed_id}));
                    break;
                }
            }
            break;
        }
    }
    co_return true;
}

/// Parses init/1's {:ok, {flags, specs}} into the state. {:error, reason} in `error` on failure.
bool read_static_init(const Term& r, StaticSupervisor& s, Term& specs, Term& error) {
    if (!r.is_tuple(2) || !r.element(0).is_atom(atom::ok) || !r.element(1).is_tuple(2)) {
        error = tup({A(at().bad_return_value), r});
        return false;
    }
    const Term& flags = r.element(1).element(0);
    specs = r.element(1).element(1);
    Term strategy, intensity, period;
    if (flags.is_map()) {
        const Term* st = map_find(flags, at().strategy);
        strategy = st ? *st : A(at().one_for_one);
        const Term* in = map_find(flags, Atom::intern("intensity"));
        intensity = in ? *in : Term::integer(1);
        const Term* pe = map_find(flags, Atom::intern("period"));
        period = pe ? *pe : Term::integer(5);
    } else if (flags.is_tuple(3)) {
        strategy = flags.element(0);
        intensity = flags.element(1);
        period = flags.element(2);
    } else {
        error = tup(
            {A(Atom::intern("supervisor_data")), tup({A(Atom::intern("invalid_type")), flags})});
        return false;
    }
    auto strat = strategy.is_atom() ? strategy_from(strategy.as_atom().name()) : std::nullopt;
    if (!strat) {
        error = tup({A(Atom::intern("supervisor_data")),
                     tup({A(Atom::intern("invalid_strategy")), strategy})});
        return false;
    }
    s.strategy = *strat;
    s.max_restarts = intensity.is_integer() ? intensity.as_integer() : 3;
    s.max_seconds = period.is_integer() ? period.as_integer() : 5;
    return true;
}

/// Reads the child specs into the state; false with {:start_spec, reason} in `error`.
bool read_child_specs(StaticSupervisor& s, const Term& specs, Term& error) {
    // ids seen so far, by hash: a linear search per child made 50,000 children quadratic
    std::unordered_multimap<size_t, size_t> index_by_hash;
    for (ListIterator it(specs); !it.done(); ++it) {
        ChildRecord c;
        if (!child_record_from_spec(*it, c, error)) {
            error = tup({A(Atom::intern("start_spec")), error});
            return false;
        }
        const size_t h = hash(c.id);
        auto [first, last] = index_by_hash.equal_range(h);
        for (auto i = first; i != last; ++i) {
            if (exact_equal(s.children[i->second].id, c.id)) {
                error = tup({A(Atom::intern("start_spec")),
                             tup({A(Atom::intern("duplicate_child_name")), c.id})});
                return false;
            }
        }
        index_by_hash.emplace(h, s.children.size());
        s.children.push_back(std::move(c));
    }
    return true;
}

// --- handle_info: {:EXIT, ..} and supervisor.erl's {:"$restart", id} retry --------------------

/// The intensity was reached: report, record and stop with :shutdown.
Co<void> give_up(StaticLoop& loop, Pid child, Term id, Term mfa, bool report) {
    if (report) {
        const Term intensity = A(Atom::intern("reached_max_restart_intensity"));
        co_await report_supervisor(loop.ctx, CrashReport::Kind::Shutdown, loop.name, atom::shutdown,
                                   intensity, child, id, mfa);
    }
    emit_give_up(loop.ctx);
    co_await stop(loop, A(atom::shutdown));
}

Co<void> handle_exit(StaticLoop& loop, Pid pid, Term reason) {
    StaticSupervisor& s = loop.s;
    if (pid == loop.parent) co_await stop(loop, reason);
    const size_t i = find_by_pid(s, pid);
    if (i == SIZE_MAX) co_return;
    {
        const ChildRecord& c = s.children[i];
        if (!is_normal_exit(reason) || c.restart == RestartType::Permanent) {
            const Term id = c.id, mfa = c.mfa;
            co_await report_supervisor(loop.ctx, CrashReport::Kind::ChildTerminated, loop.name,
                                       at().child_terminated, reason, pid, id, mfa);
        }
    }
    ChildRecord& child = s.children[i];
    child.pid = Pid{};
    if (!should_restart(child.restart, reason)) {
        if (child.restart == RestartType::Temporary)
            s.children.erase(s.children.begin() + static_cast<ptrdiff_t>(i));
        co_return;
    }
    if (!co_await restart_static(loop.ctx, s, i))
        co_await give_up(loop, pid, s.children[i].id, s.children[i].mfa, true);
}

Co<void> handle_restart_retry(StaticLoop& loop, const Term& id) {
    const size_t i = find_by_id(loop.s, id);
    if (i == SIZE_MAX || !loop.s.children[i].restarting) co_return;
    if (!co_await restart_static(loop.ctx, loop.s, i)) co_await give_up(loop, Pid{}, id, {}, false);
}

// --- handle_call: one handler per request --------------------------------------------------

Term which_children(const StaticSupervisor& s) {
    std::vector<Term> out;
    for (size_t k = s.children.size(); k-- > 0;) {
        const ChildRecord& c = s.children[k];
        Term pid = c.restarting    ? A(at().restarting)
                   : c.pid.valid() ? Term::pid(c.pid)
                                   : A(atom::undefined);
        out.push_back(tup({c.id, pid, type_term(c.type), c.modules}));
    }
    return lst(out);
}

Term count_children(const StaticSupervisor& s) {
    int64_t active = 0, sups = 0, workers = 0;
    for (auto& c : s.children) {
        if (c.pid.valid()) ++active;
        (c.type == ChildType::Supervisor ? sups : workers)++;
    }
    return count_children_term(static_cast<int64_t>(s.children.size()), active, sups, workers);
}

Co<Term> terminate_child(StaticLoop& loop, const Term& key) {
    StaticSupervisor& s = loop.s;
    size_t i = key.is_pid() ? find_by_pid(s, key.as_pid()) : find_by_id(s, key);
    if (i == SIZE_MAX) co_return error_tuple(A(at().not_found));
    if (s.children[i].pid.valid()) {
        const Pid pid = s.children[i].pid;
        const Shutdown sd = s.children[i].shutdown;
        const Term id = s.children[i].id;
        co_await shutdown_child(loop.ctx, pid, sd, id);
        i = find_by_id(s, id);
    }
    s.children[i].pid = Pid{};
    s.children[i].restarting = false;
    if (s.children[i].restart == RestartType::Temporary)
        s.children.erase(s.children.begin() + static_cast<ptrdiff_t>(i));
    co_return A(atom::ok);
}

/// Starts child i as restart_child and start_child do (no restart counted): the reply.
Co<Term> start_recorded_child(StaticLoop& loop, size_t i, StartPath path) {
    const Term mfa = loop.s.children[i].mfa;
    Term r = co_await start_child_mfa(loop.ctx, mfa, path);
    ChildRecord& c = loop.s.children[i];
    if (r.is_tuple() && r.element(0).is_atom(atom::ok)) {
        c.pid = r.element(1).as_pid();
        emit_child_event(loop.ctx, trace::EventKind::ChildStart, c.pid, c.id);
    }
    co_return r;
}

Co<Term> restart_child(StaticLoop& loop, const Term& id) {
    const size_t i = find_by_id(loop.s, id);
    if (i == SIZE_MAX) co_return error_tuple(A(at().not_found));
    if (loop.s.children[i].restarting) co_return error_tuple(A(at().restarting));
    if (loop.s.children[i].pid.valid()) co_return error_tuple(A(at().running));
    Term r = co_await start_recorded_child(loop, i, StartPath::StaticRestart);
    if (r.is_atom(at().ignore)) co_return ok_tuple(A(atom::undefined));
    co_return r;
}

Term delete_child(StaticSupervisor& s, const Term& id) {
    const size_t i = find_by_id(s, id);
    if (i == SIZE_MAX) return error_tuple(A(at().not_found));
    if (s.children[i].restarting) return error_tuple(A(at().restarting));
    if (s.children[i].pid.valid()) return error_tuple(A(at().running));
    s.children.erase(s.children.begin() + static_cast<ptrdiff_t>(i));
    return A(atom::ok);
}

Co<Term> start_child(StaticLoop& loop, const Term& spec) {
    StaticSupervisor& s = loop.s;
    ChildRecord c;
    Term err;
    if (!child_record_from_spec(spec, c, err)) co_return error_tuple(err);
    const size_t existing = find_by_id(s, c.id);
    if (existing != SIZE_MAX) {
        const ChildRecord& e = s.children[existing];
        co_return error_tuple(e.pid.valid() ? tup({A(at().already_started), Term::pid(e.pid)})
                                            : A(at().already_present));
    }
    s.children.push_back(std::move(c));
    Term r =
        co_await start_recorded_child(loop, s.children.size() - 1, StartPath::StaticStartChild);
    if (r.is_atom(at().ignore)) {
        if (s.children.back().restart == RestartType::Temporary) s.children.pop_back();
        co_return ok_tuple(A(atom::undefined));
    }
    if (!(r.is_tuple() && r.element(0).is_atom(atom::ok))) {
        // supervisor.erl's handle_start_child answers {error, {What, #child{}}}.
        const ChildRecord& failed = s.children.back();
        Term record = tup({A(Atom::intern("child")), A(atom::undefined), failed.id, failed.mfa,
                           restart_term(failed.restart), A(atom::false_),
                           shutdown_term(failed.shutdown), type_term(failed.type), failed.modules});
        r = error_tuple(tup({r.is_tuple(2) ? r.element(1) : r, record}));
        s.children.pop_back();
    }
    co_return r;
}

Term get_childspec(const StaticSupervisor& s, const Term& id) {
    const size_t i = find_by_id(s, id);
    return i == SIZE_MAX ? error_tuple(A(at().not_found))
                         : ok_tuple(full_child_spec(s.children[i]));
}

bool is_request(const Term& request, Atom tag) {
    return request.is_tuple(2) && request.element(0).is_atom(tag);
}

Co<Term> handle_call(StaticLoop& loop, const Term& request) {
    StaticSupervisor& s = loop.s;
    if (request.is_atom(at().which_children)) co_return which_children(s);
    if (request.is_atom(at().count_children)) co_return count_children(s);
    if (is_request(request, at().terminate_child))
        co_return co_await terminate_child(loop, request.element(1));
    if (is_request(request, at().restart_child))
        co_return co_await restart_child(loop, request.element(1));
    if (is_request(request, at().delete_child)) co_return delete_child(s, request.element(1));
    if (is_request(request, at().start_child))
        co_return co_await start_child(loop, request.element(1));
    if (is_request(request, Atom::intern("get_childspec")))
        co_return get_childspec(s, request.element(1));
    co_return error_tuple(tup({A(Atom::intern("unexpected_call")), request}));
}

/// sys messages: terminate stops the supervisor, get_state answers with the child specs.
Co<void> handle_system(StaticLoop& loop, const Term& from, const Term& request) {
    if (request.is_tuple(2) && request.element(0).is_atom(at().terminate))
        co_await stop(loop, request.element(1));
    std::vector<Term> specs_out;
    for (auto& c : loop.s.children) specs_out.push_back(full_child_spec(c));
    reply_to(loop.ctx, from,
             tup({A(at().state), A(Atom::intern(to_string(loop.s.strategy))), lst(specs_out)}));
}

// --- init and the loop ----------------------------------------------------------------------

Co<void> static_sup_body(ProcessContext& ctx, Pid starter, Ref ack, Atom module, Term init_arg,
                         Term preset, Term name, Term ancestors) {
    ctx.dict_put(A(atom::dollar_ancestors), ancestors);
    ctx.dict_put(A(atom::dollar_initial_call),
                 tup({A(at().supervisor), A(module), Term::integer(1)}));
    ctx.set_trap_exit(true);
    if (!co_await register_or_refuse(ctx, name, starter, ack)) co_return;
    auto sup = std::make_shared<StaticSupervisor>();
    StaticSupervisor& s = *sup;
    s.name = name;
    s.module = module;
    StaticLoop loop{ctx, s, name, starter};
    Term init = preset;
    if (init.is_nil()) {
        std::vector<Term> args;
        args.push_back(init_arg);
        CallbackResult r = co_await run_callback(ctx, module, at().init, std::move(args));
        if (r.error.caught) {
            send_start_ack(ctx, starter, ack, error_tuple(r.error.exit_reason()));
            r.error.rethrow();
        }
        init = r.value;
    }
    if (init.is_atom(at().ignore)) {
        if (!name.is_nil()) co_await unregister_self(ctx, name);
        send_start_ack(ctx, starter, ack, A(at().ignore));
        co_return;
    }
    Term specs, error;
    if (!read_static_init(init, s, specs, error) || !read_child_specs(s, specs, error)) {
        if (!name.is_nil()) co_await unregister_self(ctx, name);
        send_start_ack(ctx, starter, ack, error_tuple(error));
        exit_with(error);
    }
    for (size_t i = 0; i < s.children.size(); ++i) {
        auto err = co_await start_static_child(ctx, s, i, false);
        if (err) {
            const Term failed =
                tup({A(atom::shutdown),
                     tup({A(Atom::intern("failed_to_start_child")), s.children[i].id, *err})});
            co_await terminate_static_children(ctx, s, 0);
            if (!name.is_nil()) co_await unregister_self(ctx, name);
            send_start_ack(ctx, starter, ack, error_tuple(failed));
            exit_with(failed);
        }
        if (!s.children[i].pid.valid() && s.children[i].restart == RestartType::Temporary) {
            s.children.erase(s.children.begin() + static_cast<ptrdiff_t>(i));
            --i;
        }
    }
    static_supervisors(ctx.runtime())[ctx.self().packed()] = sup;
    send_start_ack(ctx, starter, ack, ok_tuple(Term::pid(ctx.self())));

    const Atom restart_tag = Atom::intern("$restart");
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
        } else if (message.is_tuple(2) && message.element(0).is_atom(restart_tag)) {
            co_await handle_restart_retry(loop, message.element(1));
        }
        // Anything else: supervisor.erl logs "unexpected message" and carries on.
    }
}

}  // namespace

Co<Term> spawn_static_supervisor(ProcessContext& ctx, Atom module, Term init_arg, Term preset,
                                 Term name, bool link) {
    if (!name.is_nil()) validate_name(name);
    if (auto refused = co_await refuse_taken_name(ctx, name)) co_return *refused;
    const Ref ack = ctx.make_ref();
    const Pid starter = ctx.self();
    Term ancestors = child_ancestors(ctx);
    SpawnOptions o;
    o.link = link;
    o.monitor = true;
    o.initial_call = tup({A(at().supervisor), A(module), Term::integer(1)});
    if (ctx.recording())
        o.label = "Supervisor " + (name.is_nil() ? inspect_module(module) : inspect(name));
    SpawnResult r = ctx.spawn(
        [starter, ack, module, init_arg, preset, name, ancestors](ProcessContext& c) {
            return static_sup_body(c, starter, ack, module, init_arg, preset, name, ancestors);
        },
        o);
    co_return co_await await_start_ack(ctx, r.pid, r.monitor, ack, Timeout::infinity());
}

Co<Term> start_static_supervisor(ProcessContext& ctx, Atom module, Term init_arg, Term name,
                                 bool link) {
    co_return co_await spawn_static_supervisor(ctx, module, std::move(init_arg), Term::nil(),
                                               std::move(name), link);
}

Co<Term> supervisor_init(ProcessContext& ctx, Term children, Term options) {
    const Term* strategy = kw_find(options, at().strategy);
    if (!strategy) raise_argument("expected :strategy option to be given");
    const Term max_restarts = kw_get(options, at().max_restarts, Term::integer(3));
    const Term max_seconds = kw_get(options, at().max_seconds, Term::integer(5));
    std::vector<Term> specs;
    for (ListIterator it(children); !it.done(); ++it) {
        Term child = *it;
        Term spec = co_await normalize_child_spec(ctx, std::move(child));
        specs.push_back(std::move(spec));
    }
    Term flags = Term::map({{A(at().strategy), *strategy},
                            {A(Atom::intern("intensity")), max_restarts},
                            {A(Atom::intern("period")), max_seconds},
                            {A(Atom::intern("auto_shutdown")), A(Atom::intern("never"))}});
    co_return ok_tuple(tup({flags, lst(specs)}));
}

Co<Term> start_static_supervisor_with(ProcessContext& ctx, Term children, Term options) {
    Term name = kw_get(options, at().name);
    Term init = co_await supervisor_init(ctx, std::move(children), options);
    co_return co_await spawn_static_supervisor(ctx, Atom::intern("Elixir.Supervisor.Default"),
                                               Term::nil(), init, name, true);
}

}  // namespace tasklens::otp::detail
