// :timer (OTP 25) on the virtual clock, plus the timer functions of Process and :erlang that
// kernel.cpp does not already provide (read_timer, cancel_timer/2).
//
// Results are those of OTP 25's timer.erl: send_after/2,3 to a local pid is erlang:send_after
// and returns {:ok, {:send_local, ref}}; a time of 0 acts at once and returns {:instant, ref};
// apply_after, send_after to a name, exit_after and kill_after return {:once, ref}; the interval
// functions {:interval, ref}. Where the BEAM's timer_server process does the work, a small helper
// process (labelled "timer") does it here: one per :once/:interval timer. An interval stops when
// the process it is tied to exits (the target for send_interval, the caller for apply_interval),
// as timer_server's link does. Deadlines are absolute (start + n * interval), so an interval
// does not drift.
#include <unordered_map>

#include "engine/script/stdlib/support.h"
#include "engine/script/vm.h"

namespace tasklens::script::stdlib {
namespace {

/// Helper processes of :once and :interval timers, by the ref in their tref.
struct TimerHelpers {
    std::unordered_map<uint64_t, Pid> by_ref;
};

Term ok_tref(std::string_view kind, Ref ref) {
    return Term::tuple({atom_term("ok"), Term::tuple({atom_term(kind), Term::reference(ref)})});
}
Term error_badarg() {
    return Term::tuple({atom_term("error"), atom_term("badarg")});
}
bool valid_time(const Term& t) {
    return t.is_integer() && t.as_integer() >= 0;
}

/// What a helper does when its deadline comes.
struct TimerAction {
    Term dest;  ///< send: a pid or name; apply: nil
    Term message;
    Atom module, function;  ///< apply
    std::vector<Term> args;
};

void perform(ProcessContext& ctx, const TimerAction& action) {
    if (!action.dest.is_nil()) {
        // A dead or unregistered destination is ignored, as timer:send/2 in a spawned process.
        if (action.dest.is_pid() || ctx.whereis(action.dest.as_atom()))
            ctx.send(action.dest, action.message);
        return;
    }
    SpawnOptions options;
    options.initial_call = Term::tuple({Term::atom(action.module), Term::atom(action.function),
                                        Term::integer(static_cast<int64_t>(action.args.size()))});
    ctx.spawn(mfa_body(action.module, action.function, action.args), options);
}

/// The helper's body: any message (a cancel, or the DOWN of the process the interval is tied
/// to) ends it; each deadline performs the action.
Co<void> run_timer(ProcessContext& ctx, TimerAction action, int64_t first_due_us,
                   int64_t interval_us, Term watched) {
    if (watched.is_pid()) ctx.monitor(watched);
    int64_t due = first_due_us;
    while (true) {
        if (ctx.now_us() < due) {
            if (co_await ctx.wait_for_message(due)) co_return;
            if (ctx.now_us() < due) continue;
        }
        perform(ctx, action);
        if (interval_us <= 0) co_return;
        due += interval_us;
    }
}

Term start_helper(ProcessContext& ctx, std::string_view kind, TimerAction action, int64_t ms,
                  bool interval, Term watched) {
    const Ref ref = ctx.make_ref();
    const int64_t period = ms * 1000;
    const int64_t due = ctx.now_us() + period;
    SpawnOptions options;
    options.label = "timer";
    options.initial_call = Term::tuple(
        {atom_term("timer"), atom_term(interval ? "interval" : "once"), Term::integer(0)});
    auto body = [action = std::move(action), due, period, interval,
                 watched](ProcessContext& c) -> Co<void> {
        return run_timer(c, action, due, interval ? period : 0, watched);
    };
    const Pid helper = ctx.spawn(body, options).pid;
    ctx.runtime().extension<TimerHelpers>().by_ref[ref.id] = helper;
    return ok_tref(kind, ref);
}

std::optional<TimerAction> apply_action(const Term& m, const Term& f, const Term& a) {
    std::vector<Term> args;
    if (!m.is_atom() || !f.is_atom() || !a.is_list() || !list_to_vector(a, args))
        return std::nullopt;
    return TimerAction{Term::nil(), Term::nil(), m.as_atom(), f.as_atom(), std::move(args)};
}

bool valid_dest(const Term& dest) {
    return dest.is_pid() || dest.is_atom() ||
           (dest.is_tuple(2) && dest.element(0).is_atom() && dest.element(1).is_atom());
}

Term send_after(ProcessContext& ctx, const Term& time, const Term& dest, const Term& message) {
    if (!valid_time(time) || !valid_dest(dest)) return error_badarg();
    if (time.as_integer() == 0) {
        if (dest.is_pid() ||
            ctx.whereis(dest.is_atom() ? dest.as_atom() : dest.element(0).as_atom()))
            ctx.send(dest.is_tuple() ? dest.element(0) : dest, message);
        return ok_tref("instant", ctx.make_ref());
    }
    if (dest.is_pid())
        return ok_tref("send_local", ctx.send_after(dest, message, time.as_integer()));
    const Term target = dest.is_tuple() ? dest.element(0) : dest;
    return start_helper(ctx, "once", TimerAction{target, message, {}, {}, {}}, time.as_integer(),
                        false, Term::nil());
}

Term apply_after(ProcessContext& ctx, Args a) {
    auto action = apply_action(a[1], a[2], a[3]);
    if (!valid_time(a[0]) || !action) return error_badarg();
    if (a[0].as_integer() == 0) {
        perform(ctx, *action);
        return ok_tref("instant", ctx.make_ref());
    }
    return start_helper(ctx, "once", std::move(*action), a[0].as_integer(), false, Term::nil());
}

Term exit_after(ProcessContext& ctx, const Term& time, const Term& target, const Term& reason) {
    return apply_after(ctx, std::array<Term, 4>{time, atom_term("erlang"), atom_term("exit"),
                                                Term::list({target, reason})});
}

Term send_interval(ProcessContext& ctx, const Term& time, const Term& dest, const Term& message) {
    if (!valid_time(time) || !valid_dest(dest)) return error_badarg();
    Term target = dest.is_tuple() ? dest.element(0) : dest;
    Term watched = target;
    if (target.is_atom()) {
        auto pid = ctx.whereis(target.as_atom());
        if (!pid) return error_badarg();
        watched = Term::pid(*pid);
    }
    return start_helper(ctx, "interval", TimerAction{target, message, {}, {}, {}},
                        time.as_integer(), true, watched);
}

Term cancel(ProcessContext& ctx, Args a) {
    const Term& tref = a[0];
    if (!tref.is_tuple(2) || !tref.element(0).is_atom() || !tref.element(1).is_reference())
        return error_badarg();
    const std::string_view kind = tref.element(0).as_atom().name();
    const Ref ref = tref.element(1).as_reference();
    const Term ok_cancel = Term::tuple({atom_term("ok"), atom_term("cancel")});
    if (kind == "instant") return ok_cancel;
    if (kind == "send_local") {
        ctx.cancel_timer(ref);
        return ok_cancel;
    }
    if (kind != "once" && kind != "interval") return error_badarg();
    auto& helpers = ctx.runtime().extension<TimerHelpers>().by_ref;
    if (auto it = helpers.find(ref.id); it != helpers.end()) {
        if (ctx.alive(it->second)) ctx.send(it->second, atom_term("cancel"));
        helpers.erase(it);
    }
    return ok_cancel;
}

int64_t time_arg(const Term& t) {
    if (!t.is_integer()) raise_bif_argument_error(1, "not an integer");
    return t.as_integer();
}

/// Process.cancel_timer/2 and :erlang.cancel_timer/2: `async: true` or `info: false` give :ok;
/// `async: true` with `info` (the default) sends the caller {:cancel_timer, ref, result} instead.
Term cancel_timer_with_options(ProcessContext& ctx, Args a) {
    if (!a[0].is_reference()) raise_bif_argument_error(1, "not a reference");
    const auto async = keyword_option(a[1], "async");
    const auto info = keyword_option(a[1], "info");
    auto left = ctx.cancel_timer(a[0].as_reference());
    Term result = left ? Term::integer(*left) : Term::boolean(false);
    bool wants_info = !(info && info->is_atom(atom::false_));
    if (async && async->is_atom(atom::true_)) {
        if (wants_info)
            ctx.send(ctx.self(), Term::tuple({atom_term("cancel_timer"), a[0], std::move(result)}));
        return atom_term("ok");
    }
    return wants_info ? result : atom_term("ok");
}

Term read_timer(ProcessContext& ctx, Args a) {
    if (!a[0].is_reference()) raise_bif_argument_error(1, "not a reference");
    auto left = ctx.read_timer(a[0].as_reference());
    return left ? Term::integer(*left) : Term::boolean(false);
}

}  // namespace

void register_timer(BuiltinTable& t) {
    const char* T = "timer";
    t.add(
        T, "send_after", 3,
        +[](ProcessContext& c, Args a) { return send_after(c, a[0], a[1], a[2]); });
    t.add(
        T, "send_after", 2,
        +[](ProcessContext& c, Args a) { return send_after(c, a[0], Term::pid(c.self()), a[1]); });
    t.add(
        T, "send_interval", 3,
        +[](ProcessContext& c, Args a) { return send_interval(c, a[0], a[1], a[2]); });
    t.add(
        T, "send_interval", 2, +[](ProcessContext& c, Args a) {
            return send_interval(c, a[0], Term::pid(c.self()), a[1]);
        });
    t.add(T, "apply_after", 4, apply_after);
    t.add(
        T, "apply_interval", 4, +[](ProcessContext& c, Args a) -> Term {
            auto action = apply_action(a[1], a[2], a[3]);
            if (!valid_time(a[0]) || !action) return error_badarg();
            return start_helper(c, "interval", std::move(*action), a[0].as_integer(), true,
                                Term::pid(c.self()));
        });
    t.add(
        T, "exit_after", 3,
        +[](ProcessContext& c, Args a) { return exit_after(c, a[0], a[1], a[2]); });
    t.add(
        T, "exit_after", 2,
        +[](ProcessContext& c, Args a) { return exit_after(c, a[0], Term::pid(c.self()), a[1]); });
    t.add(
        T, "kill_after", 2,
        +[](ProcessContext& c, Args a) { return exit_after(c, a[0], a[1], atom_term("kill")); });
    t.add(
        T, "kill_after", 1, +[](ProcessContext& c, Args a) {
            return exit_after(c, a[0], Term::pid(c.self()), atom_term("kill"));
        });
    t.add(T, "cancel", 1, cancel);
    t.add(
        T, "hms", 3, +[](ProcessContext&, Args a) -> Term {
            return Term::integer(checked_add(checked_add(checked_mul(time_arg(a[0]), 3'600'000),
                                                         checked_mul(time_arg(a[1]), 60'000)),
                                             checked_mul(time_arg(a[2]), 1000)));
        });
    t.add(
        T, "now_diff", 2, +[](ProcessContext&, Args a) -> Term {
            auto micros = [](const Term& ts) {
                if (!ts.is_tuple(3)) raise_function_clause(":timer", "now_diff", 2);
                return checked_add(
                    checked_mul(checked_add(checked_mul(time_arg(ts.element(0)), 1'000'000),
                                            time_arg(ts.element(1))),
                                1'000'000),
                    time_arg(ts.element(2)));
            };
            return Term::integer(checked_sub(micros(a[0]), micros(a[1])));
        });

    t.add("Elixir.Process", "read_timer", 1, read_timer);
    t.add("erlang", "read_timer", 1, read_timer);
    t.add("Elixir.Process", "cancel_timer", 2, cancel_timer_with_options);
    t.add("erlang", "cancel_timer", 2, cancel_timer_with_options);
}

}  // namespace tasklens::script::stdlib
