// Task.async_stream and Task.Supervisor.async_stream(_nolink): Task.Supervised.stream's algorithm
// as a resumable state machine (so {:suspend, acc} works), with its monitor process.
#include <map>
#include <memory>

#include "engine/otp/task.h"
#include "engine/runtime/inspect.h"

namespace tasklens::otp::detail {

namespace {

struct StreamConfig {
    Term enumerable;
    Term fun_or_mfa;
    int64_t max_concurrency = 1;
    bool kill_task = false;  ///< on_timeout: :kill_task (else :exit)
    Term timeout;            ///< integer or :infinity, as given
    bool ordered = true;
    bool zip_input_on_exit = false;
    Term supervisor;  ///< nil = Task.async_stream
    bool link = true;
    Term shutdown;
};

StreamConfig read_config(const FunObject& f) {
    StreamConfig c;
    c.enumerable = f.env[0];
    c.fun_or_mfa = f.env[1];
    c.max_concurrency = f.env[2].as_integer();
    c.kill_task = f.env[3].is_atom(at().kill_task);
    c.timeout = f.env[4];
    c.ordered = f.env[5].truthy();
    c.zip_input_on_exit = f.env[6].truthy();
    c.supervisor = f.env[7];
    c.link = f.env[8].truthy();
    c.shutdown = f.env[9];
    return c;
}

// --- pulling the input one element at a time
// ---------------------------------------------------------

Co<Term> suspend_one(ProcessContext&, std::span<const Term> args, const FunObject&) {
    co_return tup({A(at().suspend), Term::cons(args[0], args[1])});
}

struct Input {
    enum class Kind { List, Range, Reducer } kind = Kind::List;
    Term list;                                ///< List: what is left
    int64_t current = 0, last = 0, step = 1;  ///< Range
    Term enumerable;                          ///< Reducer: before the first pull
    Term continuation;  ///< Reducer: the suspended reduction, nil before/after
    bool started = false;
    bool done = false;
};

Input make_input(const Term& enumerable) {
    Input in;
    if (enumerable.is_list()) {
        in.list = enumerable;
        return in;
    }
    if (enumerable.is_map()) {
        const Term* s = map_find(enumerable, atom::struct_);
        if (s && s->is_atom(at().Range)) {
            in.kind = Input::Kind::Range;
            in.current = map_find(enumerable, at().first)->as_integer();
            in.last = map_find(enumerable, at().last)->as_integer();
            const Term* step = map_find(enumerable, at().step);
            in.step = step ? step->as_integer() : (in.current <= in.last ? 1 : -1);
            return in;
        }
        if (!s) {
            std::vector<Term> pairs;
            for (auto& [k, v] : enumerable.map_object()) pairs.push_back(tup({k, v}));
            in.list = lst(pairs);
            return in;
        }
    }
    in.kind = Input::Kind::Reducer;
    in.enumerable = enumerable;
    return in;
}

/// One element, or nullopt when the input is exhausted. `last` is set when this element is the
/// final one (the reduction finished while producing it).
Co<std::optional<Term>> pull(ProcessContext& ctx, Input& in) {
    if (in.done) co_return std::nullopt;
    switch (in.kind) {
        case Input::Kind::List:
            if (!in.list.is_cons()) {
                in.done = true;
                co_return std::nullopt;
            } else {
                Term head = in.list.head();
                in.list = in.list.tail();
                co_return head;
            }
        case Input::Kind::Range:
            if ((in.step > 0 && in.current > in.last) || (in.step < 0 && in.current < in.last)) {
                in.done = true;
                co_return std::nullopt;
            } else {
                Term v = Term::integer(in.current);
                in.current += in.step;
                co_return v;
            }
        case Input::Kind::Reducer:
            break;
    }
    Term result;
    Term cont_acc = tup({A(at().cont), Term::empty_list()});
    if (!in.started) {
        in.started = true;
        Term suspender = make_native_fun(&suspend_one, 2, {}, at().Task, at().stream);
        std::vector<Term> args;
        if (in.enumerable.is_fun() && in.enumerable.fun().arity == 2) {
            args.push_back(cont_acc);
            args.push_back(suspender);
            result = co_await ctx.runtime().code().call_fun(ctx, in.enumerable, std::move(args));
        } else {
            args.push_back(in.enumerable);
            args.push_back(cont_acc);
            args.push_back(suspender);
            result = co_await ctx.runtime().code().apply(ctx, at().Enumerable, at().reduce,
                                                         std::move(args));
        }
    } else {
        std::vector<Term> args;
        args.push_back(cont_acc);
        Term cont = in.continuation;
        result = co_await ctx.runtime().code().call_fun(ctx, cont, std::move(args));
    }
    in.continuation = Term::nil();
    if (result.is_tuple(3) && result.element(0).is_atom(at().suspended)) {
        in.continuation = result.element(2);
        const Term& items = result.element(1);
        if (items.is_cons()) co_return items.head();
        co_return std::nullopt;
    }
    in.done = true;
    if (result.is_tuple(2) && result.element(1).is_cons()) co_return result.element(1).head();
    co_return std::nullopt;
}

Co<void> halt_input(ProcessContext& ctx, Input& in) {
    if (in.kind != Input::Kind::Reducer || !in.continuation.is_fun()) co_return;
    Term cont = in.continuation;
    in.continuation = Term::nil();
    std::vector<Term> args;
    args.push_back(tup({A(at().halt), Term::empty_list()}));
    co_await ctx.runtime().code().call_fun(ctx, cont, std::move(args));
}

// --- the monitor process
// --------------------------------------------------------------------------------

struct RunningTask {
    int64_t position;
    bool linked;
    Pid pid;
    Ref timer;
    bool timed_out = false;
};

Co<void> stream_monitor_body(ProcessContext& ctx, Pid parent, bool trap, Term timeout, Term owner,
                             Term supervisor, bool link, Term shutdown) {
    ctx.set_trap_exit(trap);
    const Ref parent_ref = ctx.monitor(Term::pid(parent));
    auto first = co_await ctx.receive(
        [&](const Term& m) {
            if (m.is_tuple(2) && m.element(0).is_pid() && m.element(0).as_pid() == parent)
                return true;
            return m.is_tuple(5) && m.element(0).is_atom(atom::DOWN) &&
                   m.element(1).is_reference() && m.element(1).as_reference() == parent_ref;
        },
        Timeout::infinity());
    if (first->is_tuple(5)) exit_with(first->element(4));
    const Term monitor_ref = first->element(1);
    std::map<uint64_t, RunningTask> running;  // by monitor ref id
    bool accepting = true;

    for (;;) {
        auto got = co_await ctx.receive([](const Term&) { return true; }, Timeout::infinity());
        const Term m = *got;
        if (accepting && m.is_tuple(2) && m.element(0).is_atom(at().spawn)) {
            const Term position = m.element(1);
            std::optional<Pid> pid;
            bool linked = true;
            if (supervisor.is_nil()) {
                pid = spawn_reply_task(ctx, owner, false, true);
            } else {
                Term args = lst({owner, A(at().monitor)});
                Term request = tup({A(at().start_task), args, A(at().temporary), shutdown});
                Term r = co_await gen_call(ctx, supervisor, request, Timeout::infinity());
                if (r.is_tuple(2) && r.element(0).is_atom(atom::ok)) {
                    pid = r.element(1).as_pid();
                    linked = link;
                    if (link) ctx.link(*pid);
                }
            }
            if (!pid) {
                ctx.send(parent, tup({A(at().max_children), monitor_ref}));
                accepting = false;
                continue;
            }
            const Ref ref = ctx.monitor(Term::pid(*pid));
            Ref timer;
            if (timeout.is_integer())
                timer = ctx.send_after(
                    Term::pid(ctx.self()),
                    tup({A(atom::timeout), tup({monitor_ref, Term::reference(ref)})}),
                    timeout.as_integer());
            ctx.send(parent, tup({A(at().spawned), tup({monitor_ref, position}), Term::pid(*pid)}));
            running.emplace(ref.id, RunningTask{position.as_integer(), linked, *pid, timer});
            continue;
        }
        if (m.is_tuple(5) && m.element(0).is_atom(atom::DOWN) && m.element(1).is_reference()) {
            const Ref ref = m.element(1).as_reference();
            if (ref == parent_ref) {
                for (auto& [id, t] : running)
                    if (t.linked) ctx.exit(t.pid, m.element(4));
                exit_with(m.element(4));
            }
            auto it = running.find(ref.id);
            if (it == running.end() || !accepting) continue;
            RunningTask t = it->second;
            running.erase(it);
            if (t.timer.valid()) ctx.cancel_timer(t.timer);
            ctx.send(parent, tup({A(t.timed_out ? at().timed_out : at().down),
                                  tup({monitor_ref, Term::integer(t.position)}), m.element(4)}));
            continue;
        }
        if (accepting && m.is_tuple(2) && m.element(0).is_atom(atom::timeout) &&
            m.element(1).is_tuple(2) && exact_equal(m.element(1).element(0), monitor_ref)) {
            auto it = running.find(m.element(1).element(1).as_reference().id);
            if (it != running.end() && !it->second.timed_out) {
                ctx.unlink(it->second.pid);
                ctx.exit(it->second.pid, A(atom::kill));
                it->second.timed_out = true;
            }
            continue;
        }
        if (m.is_tuple(2) && m.element(0).is_atom(at().stop) &&
            exact_equal(m.element(1), monitor_ref)) {
            ctx.set_trap_exit(true);
            for (auto& [id, t] : running) ctx.exit(t.pid, A(atom::kill));
            for (auto& [id, t] : running) {
                const uint64_t want = id;
                co_await ctx.receive(
                    [want](const Term& d) {
                        return d.is_tuple(5) && d.element(0).is_atom(atom::DOWN) &&
                               d.element(1).is_reference() &&
                               d.element(1).as_reference().id == want;
                    },
                    Timeout::infinity());
            }
            co_return;
        }
        // {:EXIT, _, _} and anything else: ignored.
    }
}

// --- the caller side
// ------------------------------------------------------------------------------------

struct Waiting {
    Pid pid;
    enum class State { Running, Replied, Done } state = State::Running;
    Term value;    ///< Replied: {:ok, reply}; Done: the result to deliver
    Term element;  ///< the input, kept only with zip_input_on_exit
};

struct StreamRun {
    StreamConfig config;
    Term reducer;
    Term callers;
    Pid monitor_pid;
    Ref monitor_ref;
    Term monitor_ref_term;
    int64_t max = 0;
    int64_t spawned = 0;
    int64_t delivered = 0;
    std::map<int64_t, Waiting> waiting;
    Input input;
    bool delivering = false;  ///< in stream_deliver rather than stream_reduce
};

Term stream_exit_info(const StreamRun& r) {
    return tup({A(at().TaskSupervised), A(at().stream), lst({r.config.timeout})});
}

void cleanup_inbox(ProcessContext& ctx, const StreamRun& r) {
    for (Message* m = ctx.first_message(); m;) {
        const Term& t = ctx.message_term(m);
        Message* next = ctx.next_message(m);
        bool drop = false;
        if (t.is_tuple(3) && t.element(0).is_atom(atom::EXIT) && t.element(1).is_pid() &&
            t.element(1).as_pid() == r.monitor_pid)
            drop = true;
        else if (t.is_tuple(2) && t.element(0).is_tuple(2) &&
                 exact_equal(t.element(0).element(0), r.monitor_ref_term))
            drop = true;
        else if (t.is_tuple(3) &&
                 (t.element(0).is_atom(at().down) || t.element(0).is_atom(at().timed_out)) &&
                 t.element(1).is_tuple(2) &&
                 exact_equal(t.element(1).element(0), r.monitor_ref_term))
            drop = true;
        if (drop) ctx.take_message(m);
        m = next;
    }
}

Co<void> stream_close(ProcessContext& ctx, StreamRun& r) {
    ctx.send(r.monitor_pid, tup({A(at().stop), r.monitor_ref_term}));
    const Ref mon = r.monitor_ref;
    auto down = co_await ctx.receive(
        [mon](const Term& m) {
            return m.is_tuple(5) && m.element(0).is_atom(atom::DOWN) &&
                   m.element(1).is_reference() && m.element(1).as_reference() == mon;
        },
        Timeout::infinity());
    cleanup_inbox(ctx, r);
    if (!down->element(4).is_atom(atom::normal))
        exit_with(tup({down->element(4), stream_exit_info(r)}));
}

const char* kMaxChildrenStream =
    "reached the maximum number of tasks for this task supervisor. The maximum number of tasks "
    "that are allowed to "
    "run at the same time under this supervisor can be configured with the :max_children option "
    "passed to "
    "Task.Supervisor.start_link/1. When using async_stream or async_stream_nolink, make sure to "
    "configure "
    ":max_concurrency to be lower or equal to :max_children and pay attention to whether other "
    "tasks are also "
    "spawned under the same task supervisor.";

Co<void> stream_spawn(ProcessContext& ctx, StreamRun& r, Term value) {
    const int64_t position = r.spawned;
    ctx.send(r.monitor_pid, tup({A(at().spawn), Term::integer(position)}));
    const Term mref = r.monitor_ref_term;
    const Ref mon = r.monitor_ref;
    auto msg = co_await ctx.receive(
        [&](const Term& m) {
            if (m.is_tuple(3) && m.element(0).is_atom(at().spawned) && m.element(1).is_tuple(2))
                return exact_equal(m.element(1).element(0), mref) &&
                       m.element(1).element(1).is_integer() &&
                       m.element(1).element(1).as_integer() == position;
            if (m.is_tuple(2) && m.element(0).is_atom(at().max_children))
                return exact_equal(m.element(1), mref);
            return m.is_tuple(5) && m.element(0).is_atom(atom::DOWN) &&
                   m.element(1).is_reference() && m.element(1).as_reference() == mon;
        },
        Timeout::infinity());
    if (msg->is_tuple(3)) {
        const Pid pid = msg->element(2).as_pid();
        Term mfa = mfa_with_arg(r.config.fun_or_mfa, value);
        ctx.send(pid, tup({Term::pid(ctx.self()), tup({mref, Term::integer(position)}),
                           Term::pid(ctx.self()), r.callers, mfa}));
        Waiting w;
        w.pid = pid;
        if (r.config.zip_input_on_exit) w.element = value;
        r.waiting.emplace(position, std::move(w));
        co_return;
    }
    if (msg->is_tuple(2)) {
        co_await stream_close(ctx, r);
        raise_runtime(kMaxChildrenStream);
    }
    cleanup_inbox(ctx, r);
    exit_with(tup({msg->element(4), stream_exit_info(r)}));
}

Co<Term> call_reducer(ProcessContext& ctx, StreamRun& r, Term item, Term acc) {
    Caught c;
    Term result;
    try {
        std::vector<Term> args;
        args.push_back(std::move(item));
        args.push_back(std::move(acc));
        Term reducer = r.reducer;
        result = co_await ctx.runtime().code().call_fun(ctx, reducer, std::move(args));
    } catch (const ErlangException& e) {
        c.set(e);
    }
    if (c.caught) {
        co_await halt_input(ctx, r.input);
        co_await stream_close(ctx, r);
        c.rethrow();
    }
    co_return result;
}

Co<Term> suspended_continuation(ProcessContext& ctx, std::span<const Term> args,
                                const FunObject& self);

Term suspend_run(ProcessContext& ctx, std::shared_ptr<StreamRun> run, Term acc) {
    auto& st = state(ctx);
    const uint64_t id = st.next_stream_run++;
    st.suspended_streams[id] = run;
    Term cont = make_native_fun(&suspended_continuation, 1,
                                {Term::integer(static_cast<int64_t>(id))}, at().Task, at().stream);
    return tup({A(at().suspended), std::move(acc), std::move(cont)});
}

/// stream_reduce / stream_deliver as a loop over the run's state.
Co<Term> run_stream(ProcessContext& ctx, std::shared_ptr<StreamRun> run, Term command) {
    StreamRun& r = *run;
    for (;;) {
        const Atom tag = command.element(0).as_atom();
        Term acc = command.element(1);
        if (r.delivering) {
            if (tag == at().suspend) co_return suspend_run(ctx, run, acc);
            if (tag == at().cont) {
                auto it = r.waiting.find(r.delivered);
                if (it != r.waiting.end() && it->second.state == Waiting::State::Done) {
                    Term item = it->second.value;
                    Term next = co_await call_reducer(ctx, r, std::move(item), acc);
                    r.waiting.erase(r.delivered);
                    ++r.delivered;
                    command = next;
                    continue;
                }
            }
            r.delivering = false;
        }
        if (tag == at().halt) {
            co_await stream_close(ctx, r);
            co_await halt_input(ctx, r.input);
            co_return tup({A(at().halted), acc});
        }
        if (tag == at().suspend) co_return suspend_run(ctx, run, acc);
        if (r.spawned == r.delivered && r.input.done) {
            co_await stream_close(ctx, r);
            co_return tup({A(at().done), acc});
        }
        if (r.max == 0 || r.input.done) {
            const Term mref = r.monitor_ref_term;
            const Ref mon = r.monitor_ref;
            auto msg = co_await ctx.receive(
                [&](const Term& m) {
                    if (m.is_tuple(2) && m.element(0).is_tuple(2))
                        return exact_equal(m.element(0).element(0), mref);
                    if (m.is_tuple(3) &&
                        (m.element(0).is_atom(at().down) || m.element(0).is_atom(at().timed_out)) &&
                        m.element(1).is_tuple(2))
                        return exact_equal(m.element(1).element(0), mref);
                    return m.is_tuple(5) && m.element(0).is_atom(atom::DOWN) &&
                           m.element(1).is_reference() && m.element(1).as_reference() == mon;
                },
                Timeout::infinity(), trace::WaitKind::TaskAwait);
            if (msg->is_tuple(2)) {
                const int64_t position = msg->element(0).element(1).as_integer();
                Waiting& w = r.waiting[position];
                w.state = Waiting::State::Replied;
                w.value = ok_tuple(msg->element(1));
                continue;
            }
            if (msg->is_tuple(5)) {
                cleanup_inbox(ctx, r);
                exit_with(tup({msg->element(4), stream_exit_info(r)}));
            }
            const bool timed_out = msg->element(0).is_atom(at().timed_out);
            const int64_t position = msg->element(1).element(1).as_integer();
            const Term reason = msg->element(2);
            Waiting& w = r.waiting[position];
            Term result;
            if (w.state == Waiting::State::Replied) {
                result = w.value;
            } else if (!timed_out) {
                result = tup({A(atom::exit),
                              r.config.zip_input_on_exit ? tup({w.element, reason}) : reason});
            } else if (!r.config.kill_task) {
                cleanup_inbox(ctx, r);
                exit_with(tup({A(atom::timeout), stream_exit_info(r)}));
            } else {
                result = tup({A(atom::exit), r.config.zip_input_on_exit
                                                 ? tup({w.element, A(atom::timeout)})
                                                 : A(atom::timeout)});
            }
            ++r.max;
            if (r.config.ordered) {
                w.state = Waiting::State::Done;
                w.value = result;
                r.delivering = true;
                continue;
            }
            r.waiting.erase(position);
            ++r.delivered;
            command = co_await call_reducer(ctx, r, std::move(result), acc);
            continue;
        }
        std::optional<Term> value;
        Caught c;
        try {
            value = co_await pull(ctx, r.input);
        } catch (const ErlangException& e) {
            c.set(e);
        }
        if (c.caught) {
            co_await stream_close(ctx, r);
            c.rethrow();
        }
        if (value) {
            co_await stream_spawn(ctx, r, *value);
            --r.max;
            ++r.spawned;
        }
    }
}

Co<Term> suspended_continuation(ProcessContext& ctx, std::span<const Term> args,
                                const FunObject& self) {
    const uint64_t id = static_cast<uint64_t>(self.env[0].as_integer());
    Term command = args[0];
    auto& runs = state(ctx).suspended_streams;
    auto it = runs.find(id);
    if (it == runs.end()) raise_argument("the async_stream continuation was already used");
    auto run = std::static_pointer_cast<StreamRun>(it->second);
    runs.erase(it);
    co_return co_await run_stream(ctx, std::move(run), std::move(command));
}

/// The stream itself: fn acc, reducer -> ... end.
Co<Term> stream_reduce_fun(ProcessContext& ctx, std::span<const Term> args, const FunObject& self) {
    auto run = std::make_shared<StreamRun>();
    run->config = read_config(self);
    Term command = args[0];
    run->reducer = args[1];
    run->callers = get_callers(ctx);
    run->max = run->config.max_concurrency;
    run->input = make_input(run->config.enumerable);
    const Term owner = owner_tuple(ctx);
    const Pid parent = ctx.self();
    const bool trap = ctx.trap_exit();
    SpawnOptions o;
    o.link = true;
    o.monitor = true;
    o.initial_call =
        tup({A(at().TaskSupervised), A(Atom::intern("stream_monitor")), Term::integer(4)});
    if (ctx.recording()) o.label = "async_stream monitor";
    const StreamConfig& cfg = run->config;
    Term timeout = cfg.timeout, supervisor = cfg.supervisor, shutdown = cfg.shutdown;
    const bool link = cfg.link;
    SpawnResult m = ctx.spawn(
        [parent, trap, timeout, owner, supervisor, link, shutdown](ProcessContext& c) {
            return stream_monitor_body(c, parent, trap, timeout, owner, supervisor, link, shutdown);
        },
        o);
    run->monitor_pid = m.pid;
    run->monitor_ref = m.monitor;
    run->monitor_ref_term = Term::reference(m.monitor);
    ctx.send(m.pid, tup({Term::pid(parent), run->monitor_ref_term}));
    co_return co_await run_stream(ctx, std::move(run), std::move(command));
}

}  // namespace

Term build_stream(ProcessContext& ctx, Term supervisor, bool link, Term enumerable, Term fun_or_mfa,
                  Term options) {
    Term shutdown = Term::integer(5000);
    if (!supervisor.is_nil()) {
        shutdown = kw_get(options, at().shutdown, Term::integer(5000));
        if (!to_shutdown(shutdown) || shutdown.is_atom(atom::infinity))
            raise_argument(":shutdown must be either a positive integer or :brutal_kill");
    }
    const Term max =
        kw_get(options, at().max_concurrency, Term::integer(ctx.runtime().schedulers()));
    const Term on_timeout = kw_get(options, at().on_timeout, A(atom::exit));
    const Term timeout = kw_get(options, at().timeout, Term::integer(5000));
    const Term ordered = kw_get(options, at().ordered, Term::boolean(true));
    const Term zip = kw_get(options, at().zip_input_on_exit, Term::boolean(false));
    if (!max.is_integer() || max.as_integer() <= 0)
        raise_argument(":max_concurrency must be an integer greater than zero");
    if (!on_timeout.is_atom(atom::exit) && !on_timeout.is_atom(at().kill_task))
        raise_argument(":on_timeout must be either :exit or :kill_task");
    if (!((timeout.is_integer() && timeout.as_integer() >= 0) || timeout.is_atom(atom::infinity)))
        raise_argument(":timeout must be either a positive integer or :infinity");
    std::vector<Term> env{enumerable, fun_or_mfa, max,        on_timeout,          timeout,
                          ordered,    zip,        supervisor, Term::boolean(link), shutdown};
    return make_native_fun(&stream_reduce_fun, 2, std::move(env), at().Task, at().stream);
}

}  // namespace tasklens::otp::detail

namespace tasklens::otp {

Term task_async_stream(ProcessContext& ctx, Term enumerable, Term fun_or_mfa, Term options) {
    return detail::build_stream(ctx, Term::nil(), true, std::move(enumerable),
                                std::move(fun_or_mfa), std::move(options));
}

}  // namespace tasklens::otp
