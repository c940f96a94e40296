// GenServer (gen_server.erl's loop with Elixir's defaults) and Agent (Agent.Server callbacks).
#include "engine/otp/gen_server.h"

#include "engine/runtime/inspect.h"

namespace tasklens::otp {
using namespace detail;

namespace detail {

bool is_undef_of(const Caught& c, Atom module, Atom function) {
    if (c.kind != atom::error) return false;
    if (c.reason.is_atom(atom::undef)) {
        if (!c.stacktrace.is_cons()) return true;
        const Term& top = c.stacktrace.head();
        return top.is_tuple() && top.tuple_size() >= 2 && top.element(0).is_atom(module) &&
               top.element(1).is_atom(function);
    }
    if (c.reason.is_map()) {
        const Term* s = map_find(c.reason, atom::struct_);
        const Term* m = map_find(c.reason, Atom::intern("module"));
        const Term* f = map_find(c.reason, Atom::intern("function"));
        return s && s->is_atom(Atom::intern("Elixir.UndefinedFunctionError")) && m &&
               m->is_atom(module) && f && f->is_atom(function);
    }
    return false;
}

Co<CallbackResult> run_callback(ProcessContext& ctx, Atom module, Atom function,
                                std::vector<Term> args) {
    CallbackResult r;
    try {
        r.value = co_await ctx.runtime().code().apply(ctx, module, function, std::move(args));
        co_return r;
    } catch (const ErlangException& e) {
        r.error.set(e);
    }
    if (r.error.kind == atom::throw_) {
        // gen_server treats a thrown value as the callback's return value.
        r.value = r.error.reason;
        r.error = {};
        co_return r;
    }
    if (is_undef_of(r.error, module, function)) r.undefined = true;
    co_return r;
}

void add_gen_server_frames(Caught& error, Atom callback) {
    // An exit keeps its frames too (gen_server logs {reason, stacktrace} for it), except in
    // init/1, where proc_lib reports it.
    if (!error.caught || error.kind == atom::throw_ ||
        (error.kind == atom::exit && callback == at().init))
        return;
    std::vector<Term> frames;
    if (callback == at().handle_call) {
        frames = {library_frame("gen_server", "try_handle_call", 4, "gen_server.erl", 1149),
                  library_frame("gen_server", "handle_msg", 6, "gen_server.erl", 1178)};
    } else if (callback == at().handle_cast || callback == at().handle_info) {
        frames = {library_frame("gen_server", "try_dispatch", 4, "gen_server.erl", 1123),
                  library_frame("gen_server", "handle_msg", 6, "gen_server.erl", 1200)};
    } else if (callback == at().handle_continue) {
        frames = {library_frame("gen_server", "try_dispatch", 4, "gen_server.erl", 1123),
                  library_frame("gen_server", "loop", 7, "gen_server.erl", 865)};
    } else if (callback == at().init) {
        frames = {library_frame("gen_server", "init_it", 2, "gen_server.erl", 851),
                  library_frame("gen_server", "init_it", 6, "gen_server.erl", 814)};
    } else {
        return;
    }
    frames.push_back(library_frame("proc_lib", "init_p_do_apply", 3, "proc_lib.erl", 240));
    std::vector<Term> stack;
    list_to_vector(error.stacktrace, stack);
    stack.insert(stack.end(), frames.begin(), frames.end());
    // The BEAM keeps the innermost 8 frames (the default backtrace_depth).
    if (stack.size() > 8) stack.resize(8);
    error.stacktrace = Term::list(stack);
}

Co<Term> sys_call(ProcessContext& ctx, Term server, Term request, Timeout timeout) {
    std::optional<Pid> pid = co_await whereis_impl(ctx, server);
    auto exit_args = [&] {
        return tup({A(at().sys), A(at().get_state), lst({server, timeout_term(timeout)})});
    };
    if (!pid) exit_with(tup({A(atom::noproc), exit_args()}));
    // gen:call with the 'system' label: the same alias tag as a GenServer.call.
    const Ref ref = ctx.monitor(Term::pid(*pid), AliasMode::Demonitor);
    const Term tag = Term::cons(A(at().alias), Term::reference(ref));
    ctx.send(*pid, tup({A(at().system), tup({Term::pid(ctx.self()), tag}), request}));
    auto msg = co_await ctx.receive(
        [ref](const Term& m) {
            if (m.is_tuple(2))
                return m.element(0).is_cons() && m.element(0).tail().is_reference() &&
                       m.element(0).tail().as_reference() == ref;
            return m.is_tuple(5) && m.element(0).is_atom(atom::DOWN) &&
                   m.element(1).is_reference() && m.element(1).as_reference() == ref;
        },
        timeout, trace::WaitKind::GenServerCall, *pid, ref);
    if (!msg) {
        ctx.demonitor(ref, true);
        exit_with(tup({A(atom::timeout), exit_args()}));
    }
    if (msg->is_tuple(2)) {
        ctx.demonitor(ref, true);
        co_return msg->element(1);
    }
    exit_with(tup({msg->element(4), exit_args()}));
}

namespace {

struct Server {
    Atom module;
    Term state;
    Term name;  ///< registered name or nil
    Pid parent;
};

Term self_name(ProcessContext& ctx, const Server& s) {
    if (s.name.is_atom() && !s.name.is_nil()) return s.name;
    return Term::pid(ctx.self());
}

/// gen_server:terminate: runs terminate/2 (if defined), reports abnormal exits, then exits.
[[noreturn]] void exit_server(Term reason) {
    exit_with(std::move(reason));
}

/// `logged_reason`: what the crash report shows when it is not the exit reason itself, as for a
/// callback that exited ({reason, stacktrace}, so Logger prints the callback's frames).
Co<Term> terminate_server(ProcessContext& ctx, Server& s, Term reason, Term last_message, Term from,
                          std::optional<Term> logged_reason = std::nullopt) {
    std::vector<Term> args{reason, s.state};
    CallbackResult r = co_await run_callback(ctx, s.module, at().terminate, std::move(args));
    if (r.error.caught && !r.undefined) reason = r.error.exit_reason();
    if (!is_normal_exit(reason)) {
        CrashReport report;
        report.kind = CrashReport::Kind::GenServer;
        report.pid = ctx.self();
        report.label = tup({A(at().gen_server), A(at().terminate)});
        report.reason = logged_reason && !r.error.caught ? *logged_reason : reason;
        report.starter = from;
        report.function = last_message;
        report.args = s.state;
        Term inner = Term::map({{A(at().name), self_name(ctx, s)},
                                {A(at().last_message), last_message},
                                {A(at().state), s.state},
                                {A(at().reason), reason},
                                {A(at().client), from}});
        report.report = Term::map({{A(at().label), report.label}, {A(at().report), inner}});
        report.metadata = Term::map({{A(at().domain), lst({A(at().otp)})}});
        co_await report_crash(ctx, std::move(report));
    }
    if (!s.name.is_nil()) co_await unregister_self(ctx, s.name);
    co_return reason;
}

/// What a callback's return asks the loop to do next.
struct Next {
    Timeout timeout = Timeout::infinity();
    std::optional<Term> continue_with;
};

/// Reads the optional 3rd/4th element (timeout | :hibernate | {:continue, c}).
bool read_extra(const Term& extra, Next& next) {
    if (extra.is_integer() && extra.as_integer() >= 0) {
        next.timeout = Timeout::millis(extra.as_integer());
        return true;
    }
    if (extra.is_atom(atom::infinity) || extra.is_atom(at().hibernate)) return true;
    if (extra.is_tuple(2) && extra.element(0).is_atom(at().continue_)) {
        next.continue_with = extra.element(1);
        return true;
    }
    return false;
}

Co<void> gen_server_body(ProcessContext& ctx, Pid starter, Atom module, Term init_arg, Term name,
                         Ref ack, Term ancestors) {
    ctx.dict_put(A(atom::dollar_ancestors), ancestors);
    ctx.dict_put(A(atom::dollar_initial_call), tup({A(module), A(at().init), Term::integer(1)}));
    if (!co_await register_or_refuse(ctx, name, starter, ack)) co_return;
    Server s;
    s.module = module;
    s.name = name;
    s.parent = starter;
    std::vector<Term> init_args{init_arg};
    CallbackResult init = co_await run_callback(ctx, module, at().init, std::move(init_args));
    add_gen_server_frames(init.error, at().init);
    if (init.error.caught) {
        send_start_ack(ctx, starter, ack, error_tuple(init.error.exit_reason()));
        if (!name.is_nil()) co_await unregister_self(ctx, name);
        init.error.rethrow();
    }
    const Term& r = init.value;
    Next next;
    if (r.is_tuple() && r.tuple_size() >= 2 && r.tuple_size() <= 3 &&
        r.element(0).is_atom(atom::ok) && (r.tuple_size() == 2 || read_extra(r.element(2), next))) {
        s.state = r.element(1);
        send_start_ack(ctx, starter, ack, ok_tuple(Term::pid(ctx.self())));
    } else if (r.is_atom(at().ignore)) {
        if (!name.is_nil()) co_await unregister_self(ctx, name);
        send_start_ack(ctx, starter, ack, A(at().ignore));
        co_return;
    } else if (r.is_tuple(2) && r.element(0).is_atom(at().stop)) {
        if (!name.is_nil()) co_await unregister_self(ctx, name);
        send_start_ack(ctx, starter, ack, error_tuple(r.element(1)));
        exit_server(r.element(1));
    } else {
        Term reason = tup({A(at().bad_return_value), r});
        if (!name.is_nil()) co_await unregister_self(ctx, name);
        send_start_ack(ctx, starter, ack, error_tuple(reason));
        exit_server(reason);
    }

    for (;;) {
        Term message;
        Term from = Term::nil();
        CallbackResult result;
        enum class Kind { Call, Cast, Info, Continue } kind = Kind::Info;
        if (next.continue_with) {
            kind = Kind::Continue;
            std::vector<Term> args{*next.continue_with, s.state};
            // gen_server reports {:continue, arg} as the last message
            message = tup({A(Atom::intern("continue")), *next.continue_with});
            next = {};
            result = co_await run_callback(ctx, module, at().handle_continue, std::move(args));
            add_gen_server_frames(result.error, at().handle_continue);
        } else {
            auto received = co_await ctx.receive([](const Term&) { return true; }, next.timeout);
            next = {};
            message = received ? *received : A(atom::timeout);
            Term request;
            if (received && is_gen_call(message, from, request)) {
                kind = Kind::Call;
                std::vector<Term> args{request, from, s.state};
                result = co_await run_callback(ctx, module, at().handle_call, std::move(args));
                add_gen_server_frames(result.error, at().handle_call);
                if (result.undefined) {
                    Caught c;
                    c.set(ErlangException::error(
                        runtime_error("attempted to call GenServer " + inspect(self_name(ctx, s)) +
                                      " but no handle_call/3 clause was provided")));
                    result = {};
                    result.error = c;
                }
            } else if (received && message.is_tuple(2) &&
                       message.element(0).is_atom(at().gen_cast)) {
                kind = Kind::Cast;
                std::vector<Term> args{message.element(1), s.state};
                result = co_await run_callback(ctx, module, at().handle_cast, std::move(args));
                add_gen_server_frames(result.error, at().handle_cast);
                if (result.undefined) {
                    Caught c;
                    c.set(ErlangException::error(
                        runtime_error("attempted to cast GenServer " + inspect(self_name(ctx, s)) +
                                      " but no handle_cast/2 clause was provided")));
                    result = {};
                    result.error = c;
                }
            } else if (received && message.is_tuple(3) && message.element(0).is_atom(at().system)) {
                const Term& sys_from = message.element(1);
                const Term& req = message.element(2);
                if (req.is_atom(at().get_state)) {
                    reply_to(ctx, sys_from, s.state);
                } else if (req.is_tuple(2) && req.element(0).is_atom(at().terminate)) {
                    Term reason =
                        co_await terminate_server(ctx, s, req.element(1), message, Term::nil());
                    exit_server(reason);
                } else if (req.is_tuple(2) &&
                           req.element(0).is_atom(Atom::intern("replace_state"))) {
                    std::vector<Term> args{s.state};
                    s.state = co_await ctx.runtime().code().call_fun(ctx, req.element(1),
                                                                     std::move(args));
                    reply_to(ctx, sys_from, s.state);
                } else {
                    reply_to(ctx, sys_from, A(atom::ok));
                }
                continue;
            } else if (received && message.is_tuple(3) && message.element(0).is_atom(atom::EXIT) &&
                       message.element(1).is_pid() && message.element(1).as_pid() == s.parent &&
                       ctx.trap_exit()) {
                Term reason =
                    co_await terminate_server(ctx, s, message.element(2), message, Term::nil());
                exit_server(reason);
            } else {
                std::vector<Term> args{message, s.state};
                result = co_await run_callback(ctx, module, at().handle_info, std::move(args));
                add_gen_server_frames(result.error, at().handle_info);
                if (result.undefined) {
                    result = {};
                    result.value = tup({A(at().noreply), s.state});
                }
            }
        }
        if (result.error.caught) {
            std::optional<Term> logged;
            if (result.error.kind == atom::exit && result.error.stacktrace.is_cons())
                logged = tup({result.error.reason, result.error.stacktrace});
            Term reason = co_await terminate_server(ctx, s, result.error.exit_reason(), message,
                                                    from, std::move(logged));
            exit_server(reason);
        }
        const Term& v = result.value;
        const size_t n = v.is_tuple() ? v.tuple_size() : 0;
        const Atom tag = n > 0 && v.element(0).is_atom() ? v.element(0).as_atom() : Atom{};
        if (kind == Kind::Call && tag == at().reply &&
            (n == 3 || (n == 4 && read_extra(v.element(3), next)))) {
            s.state = v.element(2);
            reply_to(ctx, from, v.element(1));
        } else if (tag == at().noreply && (n == 2 || (n == 3 && read_extra(v.element(2), next)))) {
            s.state = v.element(1);
        } else if (tag == at().stop && n == 3) {
            s.state = v.element(2);
            Term reason = co_await terminate_server(ctx, s, v.element(1), message, from);
            exit_server(reason);
        } else if (kind == Kind::Call && tag == at().stop && n == 4) {
            s.state = v.element(3);
            Term reason = co_await terminate_server(ctx, s, v.element(1), message, from);
            reply_to(ctx, from, v.element(2));
            exit_server(reason);
        } else {
            Term bad_return = tup({A(at().bad_return_value), v});
            Term reason = co_await terminate_server(ctx, s, std::move(bad_return), message, from);
            exit_server(reason);
        }
    }
}

}  // namespace

Co<Term> start_gen_server(ProcessContext& ctx, Atom module, Term init_arg, Term name,
                          Timeout timeout, bool link) {
    if (!name.is_nil()) validate_name(name);
    if (auto refused = co_await refuse_taken_name(ctx, name)) co_return *refused;
    const Ref ack = ctx.make_ref();
    const Pid starter = ctx.self();
    Term ancestors = child_ancestors(ctx);
    SpawnOptions o;
    o.link = link;
    o.monitor = true;
    o.initial_call = tup({A(module), A(at().init), Term::integer(1)});
    if (ctx.recording()) o.label = inspect_module(module);
    SpawnResult r = ctx.spawn(
        [starter, module, init_arg, name, ack, ancestors](ProcessContext& c) {
            return gen_server_body(c, starter, module, init_arg, name, ack, ancestors);
        },
        o);
    co_return co_await await_start_ack(ctx, r.pid, r.monitor, ack, timeout);
}

}  // namespace detail

Co<Term> gen_server_start(ProcessContext& ctx, Atom module, Term init_arg, Term options,
                          bool link) {
    Term name = kw_get(options, at().name);
    Timeout timeout = Timeout::infinity();
    if (const Term* t = kw_find(options, at().timeout)) timeout = to_timeout(*t);
    co_return co_await start_gen_server(ctx, module, std::move(init_arg), std::move(name), timeout,
                                        link);
}

Co<Term> gen_server_call(ProcessContext& ctx, Term server, Term request, Timeout timeout) {
    co_return co_await gen_call(ctx, std::move(server), std::move(request), timeout);
}

Co<Term> gen_server_cast(ProcessContext& ctx, Term server, Term request) {
    Term message = tup({A(at().gen_cast), std::move(request)});
    if (server.is_pid()) {
        ctx.send(server.as_pid(), std::move(message));
        co_return A(atom::ok);
    }
    if (server.is_tuple(2) && server.element(0).is_atom() && server.element(1).is_atom() &&
        !server.element(0).is_atom(at().global)) {
        try {
            ctx.send(server, std::move(message));
        } catch (const ErlangException&) {
        }
        co_return A(atom::ok);
    }
    std::optional<Pid> pid = co_await whereis_impl(ctx, server);
    if (pid) ctx.send(*pid, std::move(message));
    co_return A(atom::ok);
}

void gen_server_reply(ProcessContext& ctx, const Term& from, Term reply) {
    reply_to(ctx, from, std::move(reply));
}

Co<Term> gen_server_stop(ProcessContext& ctx, Term server, Term reason, Timeout timeout) {
    auto exit_args = [&] {
        return tup({A(at().GenServer), A(at().stop), lst({server, reason, timeout_term(timeout)})});
    };
    std::optional<Pid> pid = co_await whereis_impl(ctx, server);
    if (!pid || !ctx.alive(*pid)) exit_with(tup({A(atom::noproc), exit_args()}));
    if (*pid == ctx.self()) exit_with(tup({A(at().calling_self), exit_args()}));
    const Ref mon = ctx.monitor(Term::pid(*pid));
    ctx.send(*pid, tup({A(at().system), tup({Term::pid(ctx.self()), Term::reference(mon)}),
                        tup({A(at().terminate), reason})}));
    auto msg = co_await ctx.receive(
        [mon](const Term& m) {
            return m.is_tuple(5) && m.element(0).is_atom(atom::DOWN) &&
                   m.element(1).is_reference() && m.element(1).as_reference() == mon;
        },
        timeout, trace::WaitKind::GenServerCall, *pid, mon);
    if (!msg) {
        ctx.demonitor(mon, true);
        exit_with(tup({A(atom::timeout), exit_args()}));
    }
    if (!exact_equal(msg->element(4), reason)) exit_with(tup({msg->element(4), exit_args()}));
    co_return A(atom::ok);
}

}  // namespace tasklens::otp
