// What Supervisor, DynamicSupervisor (with Task.Supervisor) and PartitionSupervisor share: child
// specs, starting a child from its MFA, supervisor.erl's shutdown of one child, supervisor
// reports, and the public start_link entry points. The supervisors themselves are in
// static_supervisor.cpp, dynamic_supervisor.cpp and partition_supervisor.cpp.
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

bool is_down_for(const Term& m, Ref ref) {
    return m.is_tuple(5) && m.element(0).is_atom(atom::DOWN) && m.element(1).is_reference() &&
           m.element(1).as_reference() == ref;
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

}  // namespace

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

Term count_children_term(int64_t specs, int64_t active, int64_t supervisors, int64_t workers) {
    return Term::map({{A(at().specs), Term::integer(specs)},
                      {A(at().active), Term::integer(active)},
                      {A(at().supervisors), Term::integer(supervisors)},
                      {A(at().workers), Term::integer(workers)}});
}

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

namespace {

Term erl_frame(std::string_view module, std::string_view function, int64_t arity,
               std::string_view file, int64_t line) {
    std::vector<Term> file_chars;
    for (char ch : file) file_chars.push_back(Term::integer(static_cast<unsigned char>(ch)));
    return tup({A(Atom::intern(module)), A(Atom::intern(function)), Term::integer(arity),
                lst({tup({A(Atom::intern("file")), Term::list(file_chars)}),
                     tup({A(Atom::intern("line")), Term::integer(line)})})});
}

/// The frames below a start function that OTP 25's supervisor.erl shows (Elixir 1.14 on OTP 25).
std::vector<Term> static_start_frames(StartPath path) {
    std::vector<Term> frames;
    if (path != StartPath::StaticInit && path != StartPath::StaticStartChild) return frames;
    frames.push_back(erl_frame("supervisor", "do_start_child_i", 3, "supervisor.erl", 414));
    frames.push_back(erl_frame("supervisor", "do_start_child", 2, "supervisor.erl", 400));
    if (path == StartPath::StaticInit) {
        frames.push_back(
            erl_frame("supervisor", "-start_children/2-fun-0-", 3, "supervisor.erl", 384));
        frames.push_back(erl_frame("supervisor", "children_map", 4, "supervisor.erl", 1250));
        frames.push_back(erl_frame("supervisor", "init_children", 2, "supervisor.erl", 350));
        frames.push_back(erl_frame("gen_server", "init_it", 2, "gen_server.erl", 851));
        frames.push_back(erl_frame("gen_server", "init_it", 6, "gen_server.erl", 814));
    } else {
        frames.push_back(erl_frame("supervisor", "handle_start_child", 2, "supervisor.erl", 706));
        frames.push_back(erl_frame("supervisor", "handle_call", 3, "supervisor.erl", 455));
        frames.push_back(erl_frame("gen_server", "try_handle_call", 4, "gen_server.erl", 1149));
        frames.push_back(erl_frame("gen_server", "handle_msg", 6, "gen_server.erl", 1178));
    }
    frames.push_back(erl_frame("proc_lib", "init_p_do_apply", 3, "proc_lib.erl", 240));
    return frames;
}

/// `catch apply(M, F, A)` of an exception, as supervisor.erl sees it.
Term erlang_catch_value(const Caught& c, StartPath path) {
    if (c.kind == atom::throw_) return c.reason;
    if (c.kind == atom::exit) return tup({A(atom::EXIT), c.reason});
    constexpr size_t kBacktraceDepth = 8;  // the BEAM's default backtrace_depth
    std::vector<Term> stack;
    list_to_vector(c.stacktrace, stack);
    for (Term& frame : static_start_frames(path)) stack.push_back(std::move(frame));
    if (stack.size() > kBacktraceDepth) stack.resize(kBacktraceDepth);
    return tup({A(atom::EXIT), tup({c.reason, Term::list(stack)})});
}

}  // namespace

Co<Term> start_child_mfa(ProcessContext& ctx, Term mfa, StartPath path) {
    Term result;
    Caught c;
    try {
        result = co_await invoke_mfa(ctx, mfa);
    } catch (const ErlangException& e) {
        c.set(e);
    }
    if (c.caught && path == StartPath::Dynamic) co_return error_tuple(c.exit_reason());
    // A static supervisor: a thrown value goes through the result checks below like a return.
    if (c.caught) {
        result = erlang_catch_value(c, path);
        if (c.kind != atom::throw_) co_return error_tuple(result);
    }
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
