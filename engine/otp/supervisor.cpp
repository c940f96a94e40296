// Over 800 lines: the three supervisors share their child-spec checks and helpers here; giving
// each its own file, one handler per request and a single stop sequence is open work (issue 9,
// Structure).
// Supervisor (supervisor.erl for one_for_one / one_for_all / rest_for_one), DynamicSupervisor
// (dynamic_supervisor.ex, including Task.Supervisor's {:start_task, ...}) and PartitionSupervisor.
#include "engine/otp/supervisor.h"

#include <algorithm>

#include "engine/otp/gen_server.h"
#include "engine/otp/task.h"
#include "engine/runtime/inspect.h"

namespace tasklens::otp::detail {

namespace {

struct SupervisorRegistry {
    std::unordered_map<uint64_t, std::weak_ptr<StaticSupervisor>> by_pid;
};

Term restart_term(RestartType r) {
    switch (r) {
        case RestartType::Permanent:
            return A(at().permanent);
        case RestartType::Transient:
            return A(at().transient);
        case RestartType::Temporary:
            return A(at().temporary);
    }
    return A(at().permanent);
}
Term type_term(ChildType t) {
    return A(t == ChildType::Worker ? at().worker : at().supervisor);
}

bool is_down_for(const Term& m, Ref ref) {
    return m.is_tuple(5) && m.element(0).is_atom(atom::DOWN) && m.element(1).is_reference() &&
           m.element(1).as_reference() == ref;
}

/// unlink_flush: unlink and take a pending {:EXIT, pid, reason}, whose reason wins.
Term unlink_flush(ProcessContext& ctx, Pid pid, Term fallback) {
    ctx.unlink(pid);
    for (Message* m = ctx.first_message(); m; m = ctx.next_message(m)) {
        const Term& t = ctx.message_term(m);
        if (t.is_tuple(3) && t.element(0).is_atom(atom::EXIT) && t.element(1).is_pid() &&
            t.element(1).as_pid() == pid) {
            Term exit = ctx.take_message(m);
            return exit.element(2);
        }
    }
    return fallback;
}

int64_t now_seconds(ProcessContext& ctx) {
    return ctx.now_us() / 1'000'000;
}

void emit_give_up(ProcessContext& ctx) {
    if (!ctx.recording()) return;
    trace::Event e;
    e.kind = trace::EventKind::SupervisorGiveUp;
    e.text = "reached_max_restart_intensity";
    ctx.record_event(std::move(e));
}

Term supervisor_report_map(ProcessContext& ctx, const Term& name, Atom context, const Term& reason,
                           Pid child, const Term& id, const Term& mfa) {
    Term sup_name = name.is_nil() ? tup({Term::pid(ctx.self()), A(at().Supervisor)}) : name;
    Term offender = lst({tup({A(at().pid), child.valid() ? Term::pid(child) : A(atom::undefined)}),
                         tup({A(at().id), id}), tup({A(Atom::intern("mfargs")), mfa})});
    Term inner = lst({tup({A(at().supervisor), sup_name}),
                      tup({A(Atom::intern("errorContext")), A(context)}),
                      tup({A(at().reason), reason}), tup({A(Atom::intern("offender")), offender})});
    return Term::map(
        {{A(at().label), tup({A(at().supervisor), A(context)})}, {A(at().report), inner}});
}

Co<void> report_supervisor(ProcessContext& ctx, CrashReport::Kind kind, const Term& name,
                           Atom context, Term reason, Pid child, Term id, Term mfa) {
    if (!state(ctx).crash_handler) co_return;
    CrashReport report;
    report.kind = kind;
    report.pid = ctx.self();
    report.label = tup({A(at().supervisor), A(context)});
    report.reason = reason;
    report.function = mfa;
    report.starter = id;
    report.report = supervisor_report_map(ctx, name, context, reason, child, id, mfa);
    report.metadata = Term::map({{A(at().domain), lst({A(at().otp), A(Atom::intern("sasl"))})}});
    report.sasl = true;
    co_await report_crash(ctx, std::move(report));
}

bool should_restart(RestartType r, const Term& reason) {
    switch (r) {
        case RestartType::Permanent:
            return true;
        case RestartType::Transient:
            return !is_normal_exit(reason);
        case RestartType::Temporary:
            return false;
    }
    return false;
}

}  // namespace

std::unordered_map<uint64_t, std::weak_ptr<StaticSupervisor>>& static_supervisors(Runtime& rt) {
    return rt.extension<SupervisorRegistry>().by_pid;
}

// --- child specs
// -----------------------------------------------------------------------------------

namespace {

/// Supervisor.init_child's messages for a module child whose child_spec/1 is missing.
[[noreturn]] void raise_no_child_spec(Atom module) {
    const std::string name = inspect(A(module));
    if (!thread_module_is_loaded(module))
        raise_argument("The module " + name +
                       " was given as a child to a supervisor but it does not exist.");
    raise_argument("The module " + name +
                   " was given as a child to a supervisor\n"
                   "but it does not implement child_spec/1.\n\n"
                   "If you own the given module, please define a child_spec/1 function\n"
                   "that receives an argument and returns a child specification as a map.\n"
                   "For example:\n\n"
                   "    def child_spec(opts) do\n"
                   "      %{\n"
                   "        id: __MODULE__,\n"
                   "        start: {__MODULE__, :start_link, [opts]},\n"
                   "        type: :worker,\n"
                   "        restart: :permanent,\n"
                   "        shutdown: 500\n"
                   "      }\n"
                   "    end\n\n"
                   "Note that \"use Agent\", \"use GenServer\" and so on automatically define\n"
                   "this function for you.\n\n"
                   "However, if you don't own the given module and it doesn't implement\n"
                   "child_spec/1, instead of passing the module name directly as a supervisor\n"
                   "child, you will have to pass a child specification as a map:\n\n"
                   "    %{\n"
                   "      id: " +
                   name +
                   ",\n"
                   "      start: {" +
                   name +
                   ", :start_link, [arg1, arg2]}\n"
                   "    }\n\n"
                   "See the Supervisor documentation for more information.\n");
}

}  // namespace

Co<Term> normalize_child_spec(ProcessContext& ctx, Term child) {
    // Supervisor.child_spec/2's init_child: maps and 6-tuples (Supervisor.Spec) as they are; a
    // module or {module, arg} through module.child_spec(arg). Missing fields are not checked
    // here: supervisor.erl reports them as {:error, :missing_id} and so on.
    if (child.is_map() || child.is_tuple(6)) co_return child;
    Atom module;
    Term arg;
    if (child.is_tuple(2) && child.element(0).is_atom()) {
        module = child.element(0).as_atom();
        arg = child.element(1);
    } else if (child.is_atom() && !child.is_nil()) {
        module = child.as_atom();
        arg = Term::empty_list();
    } else {
        raise_argument(
            "supervisors expect each child to be one of the following:\n\n"
            "  * a module\n  * a {module, arg} tuple\n  * a child specification as a map with at "
            "least "
            "the :id and :start fields\n  * or a tuple with 6 elements generated by "
            "Supervisor.Spec (deprecated)\n\nGot: " +
            inspect(child) + "\n");
    }
    std::vector<Term> args;
    args.push_back(arg);
    Caught c;
    try {
        co_return co_await ctx.runtime().code().apply(ctx, module, at().child_spec,
                                                      std::move(args));
    } catch (const ErlangException& e) {
        c.set(e);
    }
    if (is_undef_of(c, module, at().child_spec)) raise_no_child_spec(module);
    c.rethrow();
}

Term override_child_spec(Term spec, const Term& overrides) {
    for (ListIterator it(overrides); !it.done(); ++it) {
        const Term& kv = *it;
        if (!kv.is_tuple(2) || !kv.element(0).is_atom())
            raise_argument("invalid child specification override");
        const Atom key = kv.element(0).as_atom();
        if (key != at().id && key != at().start && key != at().restart && key != at().shutdown &&
            key != at().type && key != at().modules && key != at().significant)
            raise_argument("unknown key " + inspect(kv.element(0)) +
                           " in child specification override");
        spec = spec.map_put(kv.element(0), kv.element(1));
    }
    return spec;
}

bool child_record_from_spec(const Term& spec_in, ChildRecord& out, Term& error) {
    // supervisor.erl's check_childspec: the same checks in the same order, the same error terms.
    Term spec = spec_in;
    if (spec.is_tuple(6)) {  // {id, start, restart, shutdown, type, modules}
        spec = Term::map({{A(at().id), spec.element(0)},
                          {A(at().start), spec.element(1)},
                          {A(at().restart), spec.element(2)},
                          {A(at().shutdown), spec.element(3)},
                          {A(at().type), spec.element(4)},
                          {A(at().modules), spec.element(5)}});
    }
    if (!spec.is_map()) {
        error = tup({A(Atom::intern("invalid_child_spec")), spec});
        return false;
    }
    const Term* id = map_find(spec, at().id);
    const Term* start = map_find(spec, at().start);
    if (!id) {
        error = A(Atom::intern("missing_id"));
        return false;
    }
    if (!start) {
        error = A(Atom::intern("missing_start"));
        return false;
    }
    if (!start->is_tuple(3) || !start->element(0).is_atom() || !start->element(1).is_atom() ||
        !start->element(2).is_list()) {
        error = tup({A(Atom::intern("invalid_mfa")), *start});
        return false;
    }
    out.id = *id;
    out.mfa = *start;
    out.restart = RestartType::Permanent;
    if (const Term* r = map_find(spec, at().restart)) {
        auto rt = r->is_atom() ? restart_type_from(r->as_atom().name()) : std::nullopt;
        if (!rt) {
            error = tup({A(Atom::intern("invalid_restart_type")), *r});
            return false;
        }
        out.restart = *rt;
    }
    out.type = ChildType::Worker;
    if (const Term* t = map_find(spec, at().type)) {
        if (t->is_atom(at().supervisor))
            out.type = ChildType::Supervisor;
        else if (!t->is_atom(at().worker)) {
            error = tup({A(Atom::intern("invalid_child_type")), *t});
            return false;
        }
    }
    out.shutdown = out.type == ChildType::Worker ? Shutdown::millis(5000) : Shutdown::infinity();
    if (const Term* s = map_find(spec, at().shutdown)) {
        auto sd = to_shutdown(*s);
        if (!sd) {
            error = tup({A(Atom::intern("invalid_shutdown")), *s});
            return false;
        }
        out.shutdown = *sd;
    }
    if (const Term* m = map_find(spec, at().modules)) {
        if (!m->is_atom(Atom::intern("dynamic"))) {
            if (list_length(*m) < 0) {
                error = tup({A(Atom::intern("invalid_modules")), *m});
                return false;
            }
            for (ListIterator it(*m); !it.done(); ++it) {
                if (!(*it).is_atom()) {
                    error = tup({A(Atom::intern("invalid_module")), *it});
                    return false;
                }
            }
        }
        out.modules = *m;
    } else {
        out.modules = lst({start->element(0)});
    }
    if (const Term* sig = map_find(spec, at().significant)) {
        if (!sig->is_atom(atom::true_) && !sig->is_atom(atom::false_)) {
            error = tup({A(Atom::intern("invalid_significant")), *sig});
            return false;
        }
    }
    return true;
}

Term full_child_spec(const ChildRecord& c) {
    return Term::map({{A(at().id), c.id},
                      {A(at().start), c.mfa},
                      {A(at().restart), restart_term(c.restart)},
                      {A(at().shutdown), shutdown_term(c.shutdown)},
                      {A(at().type), type_term(c.type)},
                      {A(at().modules), c.modules}});
}

// --- starting and stopping children
// ---------------------------------------------------------------

Co<Term> start_child_mfa(ProcessContext& ctx, Term mfa) {
    Term result;
    Caught c;
    try {
        result = co_await invoke_mfa(ctx, mfa);
    } catch (const ErlangException& e) {
        c.set(e);
    }
    if (c.caught) co_return error_tuple(c.exit_reason());
    if (result.is_tuple(2) && result.element(0).is_atom(atom::ok) && result.element(1).is_pid())
        co_return result;
    if (result.is_tuple(3) && result.element(0).is_atom(atom::ok) && result.element(1).is_pid())
        co_return result;
    if (result.is_atom(at().ignore)) co_return result;
    if (result.is_tuple(2) && result.element(0).is_atom(atom::error)) co_return result;
    co_return error_tuple(result);
}

Co<Term> shutdown_child(ProcessContext& ctx, Pid child, Shutdown shutdown, const Term& id) {
    const Ref mon = ctx.monitor(Term::pid(child));
    auto down = [mon](const Term& m) { return is_down_for(m, mon); };
    std::optional<Term> msg;
    if (shutdown.kind == ShutdownKind::BrutalKill) {
        ctx.exit(child, A(atom::kill));
        msg =
            co_await ctx.receive(down, Timeout::infinity(), trace::WaitKind::Shutdown, child, mon);
    } else {
        ctx.exit(child, A(atom::shutdown));
        const Timeout t = shutdown.kind == ShutdownKind::Infinity
                              ? Timeout::infinity()
                              : Timeout::millis(shutdown.timeout_ms);
        msg = co_await ctx.receive(down, t, trace::WaitKind::Shutdown, child, mon);
        if (!msg) {
            ctx.exit(child, A(atom::kill));
            msg = co_await ctx.receive(down, Timeout::infinity(), trace::WaitKind::Shutdown, child,
                                       mon);
        }
    }
    Term reason = unlink_flush(ctx, child, msg ? msg->element(4) : A(atom::killed));
    emit_child_event(ctx, trace::EventKind::ChildTerminate, child, id);
    co_return reason;
}

// --- static supervisor
// --------------------------------------------------------------------------------

namespace {

struct StaticRun {
    std::shared_ptr<StaticSupervisor> sup;
    Pid parent;
};

/// Starts child i; records the pid. Returns nullopt on success (or ignore), the error reason
/// otherwise.
Co<std::optional<Term>> start_static_child(ProcessContext& ctx, StaticSupervisor& s, size_t i,
                                           bool restart) {
    Term mfa = s.children[i].mfa;
    Term r = co_await start_child_mfa(ctx, mfa);
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

Term which_children_static(const StaticSupervisor& s) {
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

Term count_children_term(int64_t specs, int64_t active, int64_t supervisors, int64_t workers) {
    return Term::map({{A(at().specs), Term::integer(specs)},
                      {A(at().active), Term::integer(active)},
                      {A(at().supervisors), Term::integer(supervisors)},
                      {A(at().workers), Term::integer(workers)}});
}

[[noreturn]] void exit_supervisor(Term reason) {
    exit_with(std::move(reason));
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
    bool ok = read_static_init(init, s, specs, error);
    if (ok) {
        for (ListIterator it(specs); !it.done(); ++it) {
            ChildRecord c;
            if (!child_record_from_spec(*it, c, error)) {
                error = tup({A(Atom::intern("start_spec")), error});
                ok = false;
                break;
            }
            if (find_by_id(s, c.id) != SIZE_MAX) {
                error = tup({A(Atom::intern("start_spec")),
                             tup({A(Atom::intern("duplicate_child_name")), c.id})});
                ok = false;
                break;
            }
            s.children.push_back(std::move(c));
        }
    }
    if (!ok) {
        if (!name.is_nil()) co_await unregister_self(ctx, name);
        send_start_ack(ctx, starter, ack, error_tuple(error));
        exit_supervisor(error);
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
            exit_supervisor(failed);
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
            const Pid pid = message.element(1).as_pid();
            const Term reason = message.element(2);
            if (pid == starter) {
                co_await terminate_static_children(ctx, s, 0);
                if (!name.is_nil()) co_await unregister_self(ctx, name);
                exit_supervisor(reason);
            }
            const size_t i = find_by_pid(s, pid);
            if (i == SIZE_MAX) continue;
            ChildRecord& c = s.children[i];
            const bool restart = should_restart(c.restart, reason);
            if (!is_normal_exit(reason) || c.restart == RestartType::Permanent) {
                const Term id = c.id, mfa = c.mfa;
                co_await report_supervisor(ctx, CrashReport::Kind::ChildTerminated, name,
                                           at().child_terminated, reason, pid, id, mfa);
            }
            ChildRecord& child = s.children[i];
            child.pid = Pid{};
            if (!restart) {
                if (child.restart == RestartType::Temporary)
                    s.children.erase(s.children.begin() + static_cast<ptrdiff_t>(i));
                continue;
            }
            const bool within = co_await restart_static(ctx, s, i);
            if (!within) {
                const Term id = s.children[i].id, mfa = s.children[i].mfa;
                const Term intensity = A(Atom::intern("reached_max_restart_intensity"));
                co_await report_supervisor(ctx, CrashReport::Kind::Shutdown, name, atom::shutdown,
                                           intensity, pid, id, mfa);
                emit_give_up(ctx);
                co_await terminate_static_children(ctx, s, 0);
                if (!name.is_nil()) co_await unregister_self(ctx, name);
                exit_supervisor(A(atom::shutdown));
            }
        } else if (is_gen_call(message, from, request)) {
            if (request.is_atom(at().which_children)) {
                reply_to(ctx, from, which_children_static(s));
            } else if (request.is_atom(at().count_children)) {
                int64_t active = 0, sups = 0, workers = 0;
                for (auto& c : s.children) {
                    if (c.pid.valid()) ++active;
                    (c.type == ChildType::Supervisor ? sups : workers)++;
                }
                reply_to(ctx, from,
                         count_children_term(static_cast<int64_t>(s.children.size()), active, sups,
                                             workers));
            } else if (request.is_tuple(2) && request.element(0).is_atom(at().terminate_child)) {
                const Term& key = request.element(1);
                size_t i = key.is_pid() ? find_by_pid(s, key.as_pid()) : find_by_id(s, key);
                if (i == SIZE_MAX) {
                    reply_to(ctx, from, error_tuple(A(at().not_found)));
                    continue;
                }
                if (s.children[i].pid.valid()) {
                    const Pid pid = s.children[i].pid;
                    const Shutdown sd = s.children[i].shutdown;
                    const Term id = s.children[i].id;
                    co_await shutdown_child(ctx, pid, sd, id);
                    i = find_by_id(s, id);
                }
                s.children[i].pid = Pid{};
                s.children[i].restarting = false;
                if (s.children[i].restart == RestartType::Temporary)
                    s.children.erase(s.children.begin() + static_cast<ptrdiff_t>(i));
                reply_to(ctx, from, A(atom::ok));
            } else if (request.is_tuple(2) && request.element(0).is_atom(at().restart_child)) {
                const size_t i = find_by_id(s, request.element(1));
                if (i == SIZE_MAX) {
                    reply_to(ctx, from, error_tuple(A(at().not_found)));
                } else if (s.children[i].restarting) {
                    reply_to(ctx, from, error_tuple(A(at().restarting)));
                } else if (s.children[i].pid.valid()) {
                    reply_to(ctx, from, error_tuple(A(at().running)));
                } else {
                    const Term mfa = s.children[i].mfa;
                    Term r = co_await start_child_mfa(ctx, mfa);
                    if (r.is_tuple() && r.element(0).is_atom(atom::ok)) {
                        s.children[i].pid = r.element(1).as_pid();
                        emit_child_event(ctx, trace::EventKind::ChildStart, s.children[i].pid,
                                         s.children[i].id);
                    } else if (r.is_atom(at().ignore)) {
                        r = ok_tuple(A(atom::undefined));
                    }
                    reply_to(ctx, from, r);
                }
            } else if (request.is_tuple(2) && request.element(0).is_atom(at().delete_child)) {
                const size_t i = find_by_id(s, request.element(1));
                if (i == SIZE_MAX)
                    reply_to(ctx, from, error_tuple(A(at().not_found)));
                else if (s.children[i].restarting)
                    reply_to(ctx, from, error_tuple(A(at().restarting)));
                else if (s.children[i].pid.valid())
                    reply_to(ctx, from, error_tuple(A(at().running)));
                else {
                    s.children.erase(s.children.begin() + static_cast<ptrdiff_t>(i));
                    reply_to(ctx, from, A(atom::ok));
                }
            } else if (request.is_tuple(2) && request.element(0).is_atom(at().start_child)) {
                ChildRecord c;
                Term err;
                if (!child_record_from_spec(request.element(1), c, err)) {
                    reply_to(ctx, from, error_tuple(err));
                    continue;
                }
                const size_t existing = find_by_id(s, c.id);
                if (existing != SIZE_MAX) {
                    const ChildRecord& e = s.children[existing];
                    reply_to(
                        ctx, from,
                        error_tuple(e.pid.valid() ? tup({A(at().already_started), Term::pid(e.pid)})
                                                  : A(at().already_present)));
                    continue;
                }
                s.children.push_back(std::move(c));
                const size_t i = s.children.size() - 1;
                const Term mfa = s.children[i].mfa;
                Term r = co_await start_child_mfa(ctx, mfa);
                if (r.is_tuple() && r.element(0).is_atom(atom::ok)) {
                    s.children[i].pid = r.element(1).as_pid();
                    emit_child_event(ctx, trace::EventKind::ChildStart, s.children[i].pid,
                                     s.children[i].id);
                } else if (r.is_atom(at().ignore)) {
                    if (s.children[i].restart == RestartType::Temporary) s.children.pop_back();
                    r = ok_tuple(A(atom::undefined));
                } else {
                    s.children.pop_back();
                }
                reply_to(ctx, from, r);
            } else if (request.is_tuple(2) &&
                       request.element(0).is_atom(Atom::intern("get_childspec"))) {
                const size_t i = find_by_id(s, request.element(1));
                reply_to(ctx, from,
                         i == SIZE_MAX ? error_tuple(A(at().not_found))
                                       : ok_tuple(full_child_spec(s.children[i])));
            } else {
                reply_to(ctx, from,
                         error_tuple(tup({A(Atom::intern("unexpected_call")), request})));
            }
        } else if (message.is_tuple(3) && message.element(0).is_atom(at().system)) {
            const Term& req = message.element(2);
            if (req.is_tuple(2) && req.element(0).is_atom(at().terminate)) {
                co_await terminate_static_children(ctx, s, 0);
                if (!name.is_nil()) co_await unregister_self(ctx, name);
                exit_supervisor(req.element(1));
            }
            std::vector<Term> specs_out;
            for (auto& c : s.children) specs_out.push_back(full_child_spec(c));
            reply_to(ctx, message.element(1),
                     tup({A(at().state), A(Atom::intern(to_string(s.strategy))), lst(specs_out)}));
        } else if (message.is_tuple(2) && message.element(0).is_atom(restart_tag)) {
            const size_t i = find_by_id(s, message.element(1));
            if (i == SIZE_MAX || !s.children[i].restarting) continue;
            const bool within = co_await restart_static(ctx, s, i);
            if (!within) {
                emit_give_up(ctx);
                co_await terminate_static_children(ctx, s, 0);
                if (!name.is_nil()) co_await unregister_self(ctx, name);
                exit_supervisor(A(atom::shutdown));
            }
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
    Term ancestors = child_ancestors(ctx, true);
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

// --- dynamic supervisor
// -----------------------------------------------------------------------------

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

bool add_restart_elixir(ProcessContext& ctx, DynamicState& s) {
    const int64_t now = now_seconds(ctx);
    s.restarts.insert(s.restarts.begin(), now);
    std::erase_if(s.restarts, [&](int64_t r) { return !(now - r < s.max_seconds); });
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

Co<Term> dynamic_start(ProcessContext& ctx, DynamicState& s, Term mfa, RestartType restart,
                       Shutdown shutdown, ChildType type, Term modules) {
    if (s.max_children >= 0 && static_cast<int64_t>(s.children.size()) >= s.max_children)
        co_return error_tuple(A(at().max_children));
    Term full = prepend_extra(s.extra_arguments, mfa);
    Term r = co_await start_child_mfa(ctx, full);
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
    Term r = co_await start_child_mfa(ctx, child.mfa);
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
            const Pid pid = message.element(1).as_pid();
            const Term reason = message.element(2);
            if (pid == starter) {
                co_await terminate_dynamic_children(ctx, s);
                if (!name.is_nil()) co_await unregister_self(ctx, name);
                exit_with(reason);
            }
            auto it = s.children.find(pid);
            if (it == s.children.end()) continue;
            const RestartType restart = it->second.restart;
            const Term mfa = it->second.mfa;
            if (restart == RestartType::Permanent || !is_normal_exit(reason))
                co_await report_supervisor(ctx, CrashReport::Kind::ChildTerminated, name,
                                           at().child_terminated, reason, pid, A(atom::undefined),
                                           mfa);
            if (!should_restart(restart, reason)) {
                s.children.erase(pid);
                continue;
            }
            const bool within = co_await dynamic_restart(ctx, s, pid);
            if (!within) {
                const Term intensity = A(Atom::intern("reached_max_restart_intensity"));
                co_await report_supervisor(ctx, CrashReport::Kind::Shutdown, name, atom::shutdown,
                                           intensity, pid, A(atom::undefined), mfa);
                emit_give_up(ctx);
                s.children.erase(pid);
                co_await terminate_dynamic_children(ctx, s);
                if (!name.is_nil()) co_await unregister_self(ctx, name);
                exit_with(A(atom::shutdown));
            }
        } else if (is_gen_call(message, from, request)) {
            if (request.is_tuple(4) && request.element(0).is_atom(at().start_task) &&
                s.task_supervisor) {
                const Term& args = request.element(1);
                RestartType restart = RestartType::Temporary;
                if (request.element(2).is_atom() && !request.element(2).is_nil())
                    restart = restart_type_from(request.element(2).as_atom().name())
                                  .value_or(RestartType::Temporary);
                Shutdown shutdown =
                    to_shutdown(request.element(3)).value_or(Shutdown::millis(5000));
                Term mfa = tup({A(at().TaskSupervised), A(at().start_link), args});
                Term modules = lst({A(at().TaskSupervised)});
                Term r = co_await dynamic_start(ctx, s, mfa, restart, shutdown, ChildType::Worker,
                                                modules);
                reply_to(ctx, from, r);
            } else if (request.is_tuple(2) && request.element(0).is_atom(at().start_child) &&
                       request.element(1).is_tuple(5)) {
                const Term& c = request.element(1);
                RestartType restart = restart_type_from(c.element(1).as_atom().name())
                                          .value_or(RestartType::Permanent);
                Shutdown shutdown = to_shutdown(c.element(2)).value_or(Shutdown::millis(5000));
                ChildType type = c.element(3).is_atom(at().supervisor) ? ChildType::Supervisor
                                                                       : ChildType::Worker;
                Term r = co_await dynamic_start(ctx, s, c.element(0), restart, shutdown, type,
                                                c.element(4));
                reply_to(ctx, from, r);
            } else if (request.is_tuple(2) && request.element(0).is_atom(at().terminate_child) &&
                       request.element(1).is_pid()) {
                const Pid pid = request.element(1).as_pid();
                auto it = s.children.find(pid);
                if (it == s.children.end()) {
                    reply_to(ctx, from, error_tuple(A(at().not_found)));
                    continue;
                }
                const Shutdown sd = it->second.shutdown;
                const bool restarting = it->second.restarting;
                if (!restarting) co_await shutdown_child(ctx, pid, sd, A(atom::undefined));
                s.children.erase(pid);
                reply_to(ctx, from, A(atom::ok));
            } else if (request.is_atom(at().which_children)) {
                std::vector<Term> out;
                for (auto& [pid, c] : s.children)
                    out.push_back(
                        tup({A(atom::undefined), c.restarting ? A(at().restarting) : Term::pid(pid),
                             type_term(c.type), c.modules}));
                reply_to(ctx, from, lst(out));
            } else if (request.is_atom(at().count_children)) {
                int64_t active = 0, sups = 0, workers = 0;
                for (auto& [pid, c] : s.children) {
                    if (!c.restarting) ++active;
                    (c.type == ChildType::Supervisor ? sups : workers)++;
                }
                reply_to(ctx, from,
                         count_children_term(static_cast<int64_t>(s.children.size()), active, sups,
                                             workers));
            } else {
                reply_to(ctx, from,
                         error_tuple(tup({A(Atom::intern("unexpected_call")), request})));
            }
        } else if (message.is_tuple(3) && message.element(0).is_atom(at().system)) {
            const Term& req = message.element(2);
            if (req.is_tuple(2) && req.element(0).is_atom(at().terminate)) {
                co_await terminate_dynamic_children(ctx, s);
                if (!name.is_nil()) co_await unregister_self(ctx, name);
                exit_with(req.element(1));
            }
            reply_to(ctx, message.element(1),
                     Term::integer(static_cast<int64_t>(s.children.size())));
        } else if (message.is_tuple(2) && message.element(0).is_atom(gen_restart) &&
                   message.element(1).is_pid()) {
            const Pid old = message.element(1).as_pid();
            auto it = s.children.find(old);
            if (it == s.children.end() || !it->second.restarting) continue;
            const bool within = co_await dynamic_restart(ctx, s, old);
            if (!within) {
                emit_give_up(ctx);
                s.children.erase(old);
                co_await terminate_dynamic_children(ctx, s);
                if (!name.is_nil()) co_await unregister_self(ctx, name);
                exit_with(A(atom::shutdown));
            }
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
    Term ancestors = child_ancestors(ctx, true);
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

// --- PartitionSupervisor
// ----------------------------------------------------------------------------------

std::optional<Pid> partition_whereis(ProcessContext& ctx, const Term& name, const Term& key) {
    std::optional<Pid> sup_pid = name.is_pid()    ? std::optional<Pid>(name.as_pid())
                                 : name.is_atom() ? ctx.whereis(name.as_atom())
                                                  : std::nullopt;
    if (!sup_pid) return std::nullopt;
    auto& sups = static_supervisors(ctx.runtime());
    auto it = sups.find(sup_pid->packed());
    if (it == sups.end()) return std::nullopt;
    auto sup = it->second.lock();
    if (!sup || sup->children.empty()) return std::nullopt;
    const int64_t partitions = static_cast<int64_t>(sup->children.size());
    int64_t partition;
    if (key.is_integer())
        partition = std::abs(key.as_integer()) % partitions;
    else
        partition = static_cast<int64_t>(hash(key) % static_cast<size_t>(partitions));
    for (auto& c : sup->children)
        if (c.id.is_integer() && c.id.as_integer() == partition) {
            if (c.pid.valid()) return c.pid;
            return std::nullopt;
        }
    return std::nullopt;
}

Co<Term> start_partition_supervisor(ProcessContext& ctx, Term options) {
    const Term* name = kw_find(options, at().name);
    if (!name) raise_argument("the :name option must be given to PartitionSupervisor");
    const Term* child = kw_find(options, at().child_spec_key);
    if (!child) raise_argument("the :child_spec option must be given to PartitionSupervisor");
    int64_t partitions = ctx.runtime().schedulers();
    if (const Term* p = kw_find(options, at().partitions)) {
        if (!p->is_integer() || p->as_integer() < 1)
            raise_argument("the :partitions option must be a positive integer, got: " +
                           inspect(*p));
        partitions = p->as_integer();
    }
    const Term with_arguments = kw_get(options, at().with_arguments);
    Term spec = co_await normalize_child_spec(ctx, *child);
    {
        ChildRecord check;
        Term error;
        if (!child_record_from_spec(spec, check, error))
            raise_argument("invalid child specification: " + inspect(spec));
        spec = full_child_spec(check);
    }
    std::vector<Term> specs;
    for (int64_t i = 0; i < partitions; ++i) {
        const Term& start = *map_find(spec, at().start);
        Term args = start.element(2);
        if (with_arguments.is_fun()) {
            std::vector<Term> fargs;
            fargs.push_back(args);
            fargs.push_back(Term::integer(i));
            args = co_await ctx.runtime().code().call_fun(ctx, with_arguments, std::move(fargs));
        }
        Term part = spec.map_put(A(at().id), Term::integer(i));
        part = part.map_put(A(at().start), tup({start.element(0), start.element(1), args}));
        specs.push_back(std::move(part));
    }
    Term flags = Term::map(
        {{A(at().strategy), kw_get(options, at().strategy, A(at().one_for_one))},
         {A(Atom::intern("intensity")), kw_get(options, at().max_restarts, Term::integer(3))},
         {A(Atom::intern("period")), kw_get(options, at().max_seconds, Term::integer(5))}});
    Term init = ok_tuple(tup({flags, lst(specs)}));
    co_return co_await spawn_static_supervisor(ctx, at().PartitionSupervisor, Term::nil(), init,
                                               *name, true);
}

}  // namespace tasklens::otp::detail

namespace tasklens::otp {

Co<Term> supervisor_start_link(ProcessContext& ctx, Term children, Term options) {
    co_return co_await detail::start_static_supervisor_with(ctx, std::move(children),
                                                            std::move(options));
}

Co<Term> dynamic_supervisor_start_link(ProcessContext& ctx, Term options) {
    Term name = detail::kw_get(options, detail::at().name);
    co_return co_await detail::start_dynamic_supervisor(ctx, Atom{}, std::move(options),
                                                        std::move(name), true, false);
}

Co<Term> task_supervisor_start_link(ProcessContext& ctx, Term options) {
    Term name = detail::kw_get(options, detail::at().name);
    co_return co_await detail::start_dynamic_supervisor(ctx, Atom{}, std::move(options),
                                                        std::move(name), true, true);
}

}  // namespace tasklens::otp
