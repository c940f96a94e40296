// Over 800 lines: Kernel, :erlang process BIFs and the other VM builtins with one registration
// table at the end; moving each module to its own stdlib file is open work in issue 9 (Structure).
// The VM's builtins: Kernel, :erlang, Process, IO, System, :timer, Logger, Exception, Range,
// Access. Pure data modules (String, Map, ...) live in engine/script/stdlib/; functions that take
// funs (Enum, Stream, Map.update/4, ...) are written in the scenario language (prelude/).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>
#include <string>

#include "engine/runtime/format_error.h"
#include "engine/runtime/inspect.h"
#include "engine/runtime/integer.h"
#include "engine/runtime/run_limits.h"
#include "engine/script/arith.h"
#include "engine/script/builtins.h"
#include "engine/script/logger.h"
#include "engine/script/stdlib/errors.h"
#include "engine/script/utf8.h"
#include "engine/script/vm.h"

namespace tasklens::script {
namespace {

using Args = std::span<const Term>;

[[noreturn]] void badarg() {
    throw ErlangException::badarg();
}
[[noreturn]] void argument_error_msg(std::string_view m) {
    throw ErlangException::error(argument_error(m));
}

int64_t int_arg(const Term& t) {
    if (!t.is_integer()) badarg();
    return t.as_integer();
}
Atom atom_arg(const Term& t) {
    if (!t.is_atom()) badarg();
    return t.as_atom();
}
Pid pid_arg(const Term& t) {
    if (!t.is_pid()) badarg();
    return t.as_pid();
}

Term ok_atom() {
    return Term::atom(atom::ok);
}
Term bool_term(bool b) {
    return Term::boolean(b);
}

const Term* keyword_find(const Term& list, std::string_view key) {
    for (ListIterator it(list); !it.done(); ++it) {
        const Term& e = *it;
        if (e.is_tuple(2) && e.element(0).is_atom() && e.element(0).as_atom().name() == key)
            return &e.element(1);
    }
    return nullptr;
}

// ------------------------------------------------------------------ type checks and data
Term k_is_atom(ProcessContext&, Args a) {
    return bool_term(a[0].is_atom());
}
Term k_is_binary(ProcessContext&, Args a) {
    return bool_term(a[0].is_binary());
}
Term k_is_bitstring(ProcessContext&, Args a) {
    return bool_term(a[0].is_bitstring());
}
Term k_is_boolean(ProcessContext&, Args a) {
    return bool_term(a[0].is_boolean());
}
Term k_is_float(ProcessContext&, Args a) {
    return bool_term(a[0].is_float());
}
Term k_is_function(ProcessContext&, Args a) {
    return bool_term(a[0].is_fun());
}
Term k_is_function2(ProcessContext&, Args a) {
    return bool_term(a[0].is_fun() && a[1].is_integer() && a[0].fun().arity == a[1].as_integer());
}
Term k_is_integer(ProcessContext&, Args a) {
    return bool_term(a[0].is_integral());
}
Term k_is_list(ProcessContext&, Args a) {
    return bool_term(a[0].is_list());
}
Term k_is_map(ProcessContext&, Args a) {
    return bool_term(a[0].is_map());
}
Term k_is_number(ProcessContext&, Args a) {
    return bool_term(a[0].is_number());
}
Term k_is_pid(ProcessContext&, Args a) {
    return bool_term(a[0].is_pid());
}
Term k_is_port(ProcessContext&, Args) {
    return bool_term(false);
}
Term k_is_reference(ProcessContext&, Args a) {
    return bool_term(a[0].is_reference());
}
Term k_is_tuple(ProcessContext&, Args a) {
    return bool_term(a[0].is_tuple());
}
Term k_is_nil(ProcessContext&, Args a) {
    return bool_term(a[0].is_nil());
}
Term k_is_map_key(ProcessContext&, Args a) {
    if (!a[0].is_map()) throw ErlangException::error(Term::tuple({Term::atom(atom::badmap), a[0]}));
    return bool_term(a[0].map_find(a[1]) != nullptr);
}
Term k_is_struct(ProcessContext&, Args a) {
    if (!a[0].is_map()) return bool_term(false);
    const Term* s = a[0].map_find(Term::atom(atom::struct_));
    return bool_term(s && s->is_atom());
}
Term k_is_struct2(ProcessContext&, Args a) {
    if (!a[0].is_map()) return bool_term(false);
    const Term* s = a[0].map_find(Term::atom(atom::struct_));
    return bool_term(s && exact_equal(*s, a[1]));
}
Term k_is_exception(ProcessContext&, Args a) {
    return bool_term(is_exception(a[0]));
}
Term k_is_exception2(ProcessContext&, Args a) {
    if (!is_exception(a[0])) return bool_term(false);
    return bool_term(exact_equal(*a[0].map_find(Term::atom(atom::struct_)), a[1]));
}

// BIF errors carry Elixir 1.14's error_info text ("errors were found at the given arguments").
using stdlib::raise_bif_argument_error;
using stdlib::raise_function_clause;
Term k_hd(ProcessContext&, Args a) {
    if (!a[0].is_cons()) raise_bif_argument_error(1, "not a nonempty list");
    return a[0].head();
}
Term k_tl(ProcessContext&, Args a) {
    if (!a[0].is_cons()) raise_bif_argument_error(1, "not a nonempty list");
    return a[0].tail();
}
Term k_length(ProcessContext&, Args a) {
    int64_t n = list_length(a[0]);
    if (n < 0) raise_bif_argument_error(1, "not a list");
    return Term::integer(n);
}
Term k_elem(ProcessContext&, Args a) {
    // elem(tuple, i) is :erlang.element(i + 1, tuple): the index is the BIF's 1st argument
    if (!a[1].is_integer()) raise_bif_argument_error(1, "not an integer");
    if (!a[0].is_tuple()) raise_bif_argument_error(2, "not a tuple");
    int64_t i = a[1].as_integer();
    if (i < 0 || static_cast<size_t>(i) >= a[0].tuple_size())
        raise_bif_argument_error(1, "out of range");
    return a[0].element(static_cast<size_t>(i));
}
Term put_elem_impl(const Term& t, int64_t i, const Term& v) {
    if (!t.is_tuple()) raise_bif_argument_error(2, "not a tuple");
    if (i < 0 || static_cast<size_t>(i) >= t.tuple_size())
        raise_bif_argument_error(1, "out of range");
    std::vector<Term> items(t.tuple_items().begin(), t.tuple_items().end());
    items[static_cast<size_t>(i)] = v;
    return Term::tuple(items);
}
Term k_put_elem(ProcessContext&, Args a) {
    return put_elem_impl(a[0], int_arg(a[1]), a[2]);
}
Term k_tuple_size(ProcessContext&, Args a) {
    if (!a[0].is_tuple()) raise_bif_argument_error(1, "not a tuple");
    return Term::integer(static_cast<int64_t>(a[0].tuple_size()));
}
Term k_map_size(ProcessContext&, Args a) {
    if (!a[0].is_map()) throw ErlangException::error(Term::tuple({Term::atom(atom::badmap), a[0]}));
    return Term::integer(static_cast<int64_t>(a[0].map_size()));
}
Term k_byte_size(ProcessContext&, Args a) {
    if (!a[0].is_bitstring()) raise_bif_argument_error(1, "not a bitstring");
    return Term::integer(static_cast<int64_t>(a[0].binary_view().size()));
}

// ------------------------------------------------------------------ arithmetic
[[noreturn]] void badarith() {
    throw ErlangException::error(Term::atom(atom::badarith));
}
Term k_add(ProcessContext&, Args a) {
    return arith::add(a[0], a[1]);
}
Term k_sub(ProcessContext&, Args a) {
    return arith::sub(a[0], a[1]);
}
Term k_mul(ProcessContext&, Args a) {
    return arith::mul(a[0], a[1]);
}
Term k_fdiv(ProcessContext&, Args a) {
    return arith::fdiv(a[0], a[1]);
}
Term k_neg(ProcessContext&, Args a) {
    return arith::neg(a[0]);
}
Term k_lt(ProcessContext&, Args a) {
    return bool_term(compare(a[0], a[1]) < 0);
}
Term k_gt(ProcessContext&, Args a) {
    return bool_term(compare(a[0], a[1]) > 0);
}
Term k_le(ProcessContext&, Args a) {
    return bool_term(compare(a[0], a[1]) <= 0);
}
Term k_ge(ProcessContext&, Args a) {
    return bool_term(compare(a[0], a[1]) >= 0);
}
Term k_eq(ProcessContext&, Args a) {
    return bool_term(compare(a[0], a[1]) == 0);
}
Term k_ne(ProcessContext&, Args a) {
    return bool_term(compare(a[0], a[1]) != 0);
}
Term k_seq(ProcessContext&, Args a) {
    return bool_term(compare_exact(a[0], a[1]) == 0);
}
Term k_sne(ProcessContext&, Args a) {
    return bool_term(compare_exact(a[0], a[1]) != 0);
}
Term k_not(ProcessContext&, Args a) {
    if (!a[0].is_boolean()) badarg();
    return bool_term(a[0].is_atom(atom::false_));
}
Term k_concat_bin(ProcessContext&, Args a) {
    if (!a[0].is_binary() || !a[1].is_binary()) badarg();
    return Term::binary(std::string(a[0].binary_view()) + std::string(a[1].binary_view()));
}
Term k_div(ProcessContext&, Args a) {
    return arith::div(a[0], a[1]);
}
Term k_rem(ProcessContext&, Args a) {
    return arith::rem(a[0], a[1]);
}
Term k_abs(ProcessContext&, Args a) {
    if (a[0].is_integral()) return integer::abs(a[0]);
    if (a[0].is_float()) {
        // erts negates only what is below zero, so abs(-0.0) stays -0.0 as on the BEAM
        const double f = a[0].as_float();
        return Term::floating(f < 0 ? -f : f);
    }
    raise_bif_argument_error(1, "not a number");
}
/// round/trunc/ceil/floor of a float: exact integers of any size, as the BEAM.
template <double (*Fn)(double)>
Term float_to_integer(ProcessContext&, Args a) {
    if (a[0].is_integral()) return a[0];
    if (!a[0].is_float()) raise_bif_argument_error(1, "not a number");
    return integer::from_double_truncated(Fn(a[0].as_float()));
}
double round_half_away(double x) {
    return std::round(x);
}
double toward_zero(double x) {
    return std::trunc(x);
}
double toward_plus_infinity(double x) {
    return std::ceil(x);
}
double toward_minus_infinity(double x) {
    return std::floor(x);
}
Term e_float(ProcessContext&, Args a) {
    if (a[0].is_float()) return a[0];
    if (!a[0].is_integral()) raise_bif_argument_error(1, "not a number");
    auto d = integer::to_double(a[0]);
    if (!d) raise_bif_argument_error(1, "not a number");
    return Term::floating(*d);
}
Term k_max(ProcessContext&, Args a) {
    return compare(a[0], a[1]) >= 0 ? a[0] : a[1];
}
Term k_min(ProcessContext&, Args a) {
    return compare(a[0], a[1]) <= 0 ? a[0] : a[1];
}
Term k_pow(ProcessContext&, Args a) {
    // Kernel.**/2: integers with a non-negative exponent stay exact; otherwise a float
    if (a[0].is_integral() && a[1].is_integral() && integer::sign(a[1]) >= 0) {
        // a bignum exponent only fits for a base of 0, 1 or -1: its parity is all that counts
        uint64_t exponent =
            a[1].is_integer()
                ? static_cast<uint64_t>(a[1].as_integer())
                : 2 + static_cast<uint64_t>(integer::sign(integer::band(a[1], Term::integer(1))));
        std::optional<Term> r = integer::pow(a[0], exponent);
        if (!r || (a[1].is_bignum() && integer::bit_length(a[0]) > 1))
            throw ErlangException::error(Term::atom("system_limit"));
        return std::move(*r);
    }
    if (!a[0].is_number() || !a[1].is_number()) badarith();
    double r = std::pow(arith::to_double(a[0]), arith::to_double(a[1]));
    if (!std::isfinite(r)) badarith();
    return Term::floating(r);
}

Term e_append(ProcessContext&, Args a) {
    if (a[0].is_empty_list()) return a[1];
    std::vector<Term> items;
    if (!list_to_vector(a[0], items)) badarg();
    return Term::list(items, a[1]);
}
Term e_subtract(ProcessContext&, Args a) {
    std::vector<Term> items, remove;
    if (!list_to_vector(a[0], items) || !list_to_vector(a[1], remove)) badarg();
    for (const Term& r : remove) {
        auto it = std::find_if(items.begin(), items.end(),
                               [&](const Term& x) { return exact_equal(x, r); });
        if (it != items.end()) items.erase(it);
    }
    return Term::list(items);
}

// ------------------------------------------------------------------ processes
Term k_self(ProcessContext& c, Args) {
    return Term::pid(c.self());
}
Term k_node(ProcessContext& c, Args) {
    return Term::atom(c.runtime().node_name(c.self().node));
}
Term k_node1(ProcessContext& c, Args a) {
    if (a[0].is_pid()) return Term::atom(c.runtime().node_name(a[0].as_pid().node));
    return Term::atom(atom::nonode_nohost);
}
Term k_make_ref(ProcessContext& c, Args) {
    return Term::reference(c.make_ref());
}
Term k_send(ProcessContext& c, Args a) {
    // a name nobody holds: the BIF's error info says which argument
    if (a[0].is_atom() && !c.whereis(a[0].as_atom()))
        raise_bif_argument_error(1, "invalid destination");
    return c.send(a[0], a[1]);
}
Term p_send3(ProcessContext& c, Args a) {
    c.send(a[0], a[1]);
    return ok_atom();
}

SpawnOptions spawn_options(bool link, bool monitor) {
    SpawnOptions o;
    o.link = link;
    o.monitor = monitor;
    o.initial_call =
        Term::tuple({Term::atom(atom::erlang), Term::atom(atom::apply), Term::integer(2)});
    return o;
}
Term spawn_result(const SpawnResult& r, bool monitor) {
    if (monitor) return Term::tuple({Term::pid(r.pid), Term::reference(r.monitor)});
    return Term::pid(r.pid);
}
Term charlist_term(std::string_view s) {
    std::vector<Term> chars;
    for (unsigned char ch : s) chars.push_back(Term::integer(ch));
    return Term::list(chars);
}

/// A plain spawned process that dies of an uncaught error or throw gets the emulator's "Error in
/// process" report, which Elixir's Logger prints as "Process #PID<...> raised an exception" (an
/// exit/1 is not reported; proc_lib processes such as tasks report their own way).
// The coroutine takes the body by value: its frame outlives the std::function that started it.
Co<void> run_reporting(ProcessContext& ctx, ProcessBody body) {
    std::optional<ErlangException> failure;
    try {
        co_await body(ctx);
    } catch (ErlangException& e) {
        // Killed by a signal while running, or exit/1: nothing is reported.
        if (!ctx.alive(ctx.self()) || e.kind() == atom::exit) throw;
        failure = e;
    }
    if (!failure) co_return;
    Term reason = failure->kind() == atom::throw_
                      ? Term::tuple({Term::atom("nocatch"), failure->reason()})
                      : failure->reason();
    Term exit_value = Term::tuple({reason, failure->stacktrace()});
    Term msg = Term::tuple({charlist_term("Error in process ~p with exit value:~n~p~n"),
                            Term::list({Term::pid(ctx.self()), exit_value})});
    co_await log_event(ctx, "error", std::move(msg), Term::empty_map(),
                       process_crash_report(ctx.self(), reason, failure->stacktrace()));
    throw *failure;
}
ProcessBody reporting_body(ProcessBody body) {
    return [body = std::move(body)](ProcessContext& ctx) { return run_reporting(ctx, body); };
}

Term spawn_fun(ProcessContext& c, const Term& fun, bool link, bool monitor) {
    // spawn/1 and spawn_link/1 take a fun of any arity, as on the BEAM, and the new process dies
    // of badarity; spawn_monitor/1 is guarded with is_function(fun, 0).
    if (!fun.is_fun() || (monitor && fun.fun().arity != 0)) badarg();
    SpawnOptions o = spawn_options(link, monitor);
    o.label = "fn";
    return spawn_result(c.spawn(reporting_body(fun_body(fun)), o), monitor);
}
Term spawn_mfa(ProcessContext& c, Args a, bool link, bool monitor) {
    std::vector<Term> args;
    if (!list_to_vector(a[2], args)) badarg();
    SpawnOptions o = spawn_options(link, monitor);
    o.initial_call = Term::tuple({a[0], a[1], Term::integer(static_cast<int64_t>(args.size()))});
    return spawn_result(c.spawn(reporting_body(mfa_body(atom_arg(a[0]), atom_arg(a[1]), args)), o),
                        monitor);
}
Term k_spawn(ProcessContext& c, Args a) {
    return spawn_fun(c, a[0], false, false);
}
Term k_spawn_link(ProcessContext& c, Args a) {
    return spawn_fun(c, a[0], true, false);
}
Term k_spawn_monitor(ProcessContext& c, Args a) {
    return spawn_fun(c, a[0], false, true);
}
Term k_spawn3(ProcessContext& c, Args a) {
    return spawn_mfa(c, a, false, false);
}
Term k_spawn_link3(ProcessContext& c, Args a) {
    return spawn_mfa(c, a, true, false);
}
Term k_spawn_monitor3(ProcessContext& c, Args a) {
    return spawn_mfa(c, a, false, true);
}

Term k_exit(ProcessContext&, Args a) {
    throw ErlangException::exit(a[0]);
}
Term k_throw(ProcessContext&, Args a) {
    throw ErlangException(atom::throw_, a[0]);
}
Term e_error(ProcessContext&, Args a) {
    throw ErlangException::error(a[0]);
}
Term e_raise3(ProcessContext&, Args a) {
    throw ErlangException(atom_arg(a[0]), a[1], a[2]);
}

Term p_alive(ProcessContext& c, Args a) {
    return bool_term(c.alive(pid_arg(a[0])));
}
Term p_flag(ProcessContext& c, Args a) {
    Atom flag = atom_arg(a[0]);
    if (flag == atom::trap_exit) {
        if (!a[1].is_boolean()) badarg();
        return bool_term(c.set_trap_exit(a[1].is_atom(atom::true_)));
    }
    return bool_term(false);
}
Term p_monitor(ProcessContext& c, Args a) {
    return Term::reference(c.monitor(a[0]));
}
Term e_monitor2(ProcessContext& c, Args a) {
    return Term::reference(c.monitor(a[1]));
}
Term p_demonitor(ProcessContext& c, Args a) {
    if (!a[0].is_reference()) badarg();
    c.demonitor(a[0].as_reference(), false);
    return bool_term(true);
}
Term p_demonitor2(ProcessContext& c, Args a) {
    if (!a[0].is_reference()) badarg();
    bool flush = false, info = false;
    for (ListIterator it(a[1]); !it.done(); ++it) {
        if ((*it).is_atom(atom::flush)) flush = true;
        if ((*it).is_atom(atom::info)) info = true;
    }
    bool was = c.demonitor(a[0].as_reference(), flush);
    return bool_term(info ? was : true);
}
Term p_link(ProcessContext& c, Args a) {
    c.link(pid_arg(a[0]));
    return bool_term(true);
}
Term p_unlink(ProcessContext& c, Args a) {
    c.unlink(pid_arg(a[0]));
    return bool_term(true);
}
Term p_exit2(ProcessContext& c, Args a) {
    c.exit(pid_arg(a[0]), a[1]);
    return bool_term(true);
}
Term p_get0(ProcessContext& c, Args) {
    std::vector<Term> items;
    for (auto& [k, v] : c.dict_all()) items.push_back(Term::tuple({k, v}));
    return Term::list(items);
}
Term p_get(ProcessContext& c, Args a) {
    return c.dict_get(a[0]);
}
Term p_get2(ProcessContext& c, Args a) {
    return c.dict_find(a[0]).value_or(a[1]);
}
Term e_get(ProcessContext& c, Args a) {
    return c.dict_find(a[0]).value_or(Term::atom(atom::undefined));
}
Term p_put(ProcessContext& c, Args a) {
    return c.dict_put(a[0], a[1]);
}
Term e_put(ProcessContext& c, Args a) {
    bool had = c.dict_find(a[0]).has_value();
    Term old = c.dict_put(a[0], a[1]);
    return had ? old : Term::atom(atom::undefined);
}
Term e_erase(ProcessContext& c, Args a) {
    if (!c.dict_find(a[0])) return Term::atom(atom::undefined);
    return c.dict_erase(a[0]);
}
Term p_delete(ProcessContext& c, Args a) {
    return c.dict_erase(a[0]);
}

Term list_of_pids(const std::vector<Pid>& pids) {
    std::vector<Term> items;
    for (Pid p : pids) items.push_back(Term::pid(p));
    return Term::list(items);
}

Term info_item(ProcessContext& c, const ProcessInfo& info, Atom item) {
    auto pair = [&](Term v) { return Term::tuple({Term::atom(item), std::move(v)}); };
    std::string_view n = item.name();
    if (item == atom::status) {
        const char* s = "waiting";
        switch (info.state) {
            case trace::ProcessState::Running:
                s = "running";
                break;
            case trace::ProcessState::Runnable:
                s = "runnable";
                break;
            default:
                s = "waiting";
                break;
        }
        return pair(Term::atom(s));
    }
    if (item == atom::links) return pair(list_of_pids(info.links));
    if (item == atom::monitors) {
        std::vector<Term> items;
        for (auto& [ref, pid] : info.monitors)
            items.push_back(Term::tuple({Term::atom(atom::process), Term::pid(pid)}));
        return pair(Term::list(items));
    }
    if (item == atom::monitored_by) {
        std::vector<Term> items;
        for (auto& [ref, pid] : info.monitored_by) items.push_back(Term::pid(pid));
        return pair(Term::list(items));
    }
    if (item == atom::message_queue_len)
        return pair(Term::integer(static_cast<int64_t>(info.message_queue_len)));
    if (item == atom::messages) return pair(Term::list(info.messages));
    if (item == atom::dictionary) {
        std::vector<Term> items;
        for (auto& [k, v] : info.dictionary) items.push_back(Term::tuple({k, v}));
        return pair(Term::list(items));
    }
    if (item == atom::registered_name) {
        if (!info.registered_name) return pair(Term::empty_list());
        return pair(Term::atom(*info.registered_name));
    }
    if (item == atom::trap_exit) return pair(bool_term(info.trap_exit));
    if (item == atom::initial_call) return pair(info.initial_call);
    if (item == atom::current_function) return pair(info.current_call);
    if (item == atom::reductions) return pair(Term::integer(static_cast<int64_t>(info.reductions)));
    if (n == "heap_size" || n == "total_heap_size" || n == "memory" || n == "stack_size")
        return pair(Term::integer(2675));
    if (n == "group_leader") return pair(Term::pid(c.self()));
    if (n == "priority") return pair(Term::atom("normal"));
    // Items the BEAM has but Tasklens does not model: an honest refusal, not a fake badarg.
    static const std::set<std::string_view> unmodelled = {"backtrace",
                                                          "binary",
                                                          "catchlevel",
                                                          "current_location",
                                                          "current_stacktrace",
                                                          "error_handler",
                                                          "garbage_collection",
                                                          "garbage_collection_info",
                                                          "last_calls",
                                                          "min_heap_size",
                                                          "min_bin_vheap_size",
                                                          "message_queue_data",
                                                          "parent",
                                                          "sequential_trace_token",
                                                          "suspending",
                                                          "trace"};
    if (unmodelled.count(n) > 0)
        throw ErlangException::error(make_exception(
            "Tasklens.UnsupportedError",
            {{"message", Term::binary("Tasklens does not support Process.info/2 with :" +
                                      std::string(n) + " yet (see docs/scenario-language.md)")}}));
    badarg();
}

// System.halt/0,1 and :erlang.halt/0,1,2 stop the whole node at once with the status, as elixir
// ends; what was written is already out (every write is flushed). A slogan (a string: the BEAM
// writes it to a crash dump file) stays sandboxed.
Co<Term> s_halt(ProcessContext& c, Args a) {
    const Term status = a.empty() ? Term::integer(0) : a[0];
    int code;
    if (status.is_integer() && status.as_integer() >= 0) {
        code = static_cast<int>(status.as_integer() & 0xff);  // an OS status is one byte
    } else if (status.is_atom(Atom::intern("abort"))) {
        code = 128 + 6;  // the BEAM calls abort(): SIGABRT, as a shell reports it
    } else if (status.is_binary() || status.is_list()) {
        throw ErlangException::error(make_exception(
            "Tasklens.UnsupportedError",
            {{"message", Term::binary("System.halt/1 with a slogan is not available: it writes "
                                      "a crash dump file, and scenarios are sandboxed (no file, "
                                      "network or OS access)")}}));
    } else {
        raise_function_clause("System", "halt", 1);
    }
    c.runtime().extension<RunLimitState>().halt_status = code;
    c.runtime().request_stop();
    co_await c.sleep(Timeout::infinity());  // nothing more of this process runs
    co_return ok_atom();
}

Term p_info(ProcessContext& c, Args a) {
    auto info = c.info(pid_arg(a[0]));
    if (!info) return Term::nil();
    std::vector<Term> items;
    for (Atom item :
         {atom::current_function, atom::initial_call, atom::status, atom::message_queue_len,
          atom::links, atom::dictionary, atom::trap_exit, atom::reductions}) {
        items.push_back(info_item(c, *info, item));
    }
    if (info->registered_name)
        items.insert(items.begin(), info_item(c, *info, atom::registered_name));
    return Term::list(items);
}
Term p_info2(ProcessContext& c, Args a) {
    auto info = c.info(pid_arg(a[0]));
    if (!info) return Term::nil();
    if (a[1].is_list()) {
        std::vector<Term> items;
        for (ListIterator it(a[1]); !it.done(); ++it)
            items.push_back(info_item(c, *info, atom_arg(*it)));
        return Term::list(items);
    }
    return info_item(c, *info, atom_arg(a[1]));
}
Term e_process_info2(ProcessContext& c, Args a) {
    Term r = p_info2(c, a);
    return r.is_nil() ? Term::atom(atom::undefined) : r;
}
// erlang:send_after/3,4: a negative time is out of range, and one past the end of erts'
// monotonic clock (2^63 ns, about 292 years, counted from now) exceeds what a timer can hold.
Term send_after(ProcessContext& c, const Term& dest, const Term& message, const Term& time) {
    if (!time.is_integer()) raise_bif_argument_error(1, "not an integer");
    int64_t ms = time.as_integer();
    if (ms < 0) raise_bif_argument_error(1, "out of range");
    if (ms > 9'223'372'036'854 - c.now_us() / 1000)
        raise_bif_argument_error(1, "exceeds the maximum supported time value");
    return Term::reference(c.send_after(dest, message, ms));
}
// Process.send_after(dest, msg, time[, opts]) is :erlang.send_after(time, dest, msg[, opts]).
Term p_send_after(ProcessContext& c, Args a) {
    return send_after(c, a[0], a[1], a[2]);
}
Term e_send_after(ProcessContext& c, Args a) {
    return send_after(c, a[1], a[2], a[0]);
}
Term p_cancel_timer(ProcessContext& c, Args a) {
    if (!a[0].is_reference()) badarg();
    auto left = c.cancel_timer(a[0].as_reference());
    if (!left) return bool_term(false);
    return Term::integer(*left);
}
Term p_register(ProcessContext& c, Args a) {
    // Process.register/2's guard: an atom other than nil, false, true and :undefined
    if (!a[1].is_atom() || a[1].is_atom(atom::nil) || a[1].is_atom(atom::true_) ||
        a[1].is_atom(atom::false_) || a[1].is_atom(atom::undefined))
        raise_function_clause("Process", "register", 2);
    try {
        c.register_name(atom_arg(a[1]), pid_arg(a[0]));
    } catch (const ErlangException&) {
        // Process.register/2 rescues the BIF's badarg and says why it may have failed
        stdlib::raise_argument_error("could not register " + inspect(a[0]) + " with name " +
                                     inspect(a[1]) +
                                     " because it is not alive, the name is already taken, or "
                                     "it has already been given another name");
    }
    return bool_term(true);
}
Term e_register(ProcessContext& c, Args a) {
    if (a[0].is_atom(atom::undefined))
        raise_bif_argument_error(1, "'undefined' is not a valid name");
    c.register_name(atom_arg(a[0]), pid_arg(a[1]));
    return bool_term(true);
}
Term p_unregister(ProcessContext& c, Args a) {
    c.unregister_name(atom_arg(a[0]));
    return bool_term(true);
}
Term p_whereis(ProcessContext& c, Args a) {
    auto p = c.whereis(atom_arg(a[0]));
    return p ? Term::pid(*p) : Term::nil();
}
Term e_whereis(ProcessContext& c, Args a) {
    auto p = c.whereis(atom_arg(a[0]));
    return p ? Term::pid(*p) : Term::atom(atom::undefined);
}
Term p_list(ProcessContext& c, Args) {
    return list_of_pids(c.runtime().processes());
}
Term p_registered(ProcessContext& c, Args) {
    std::vector<Term> names;
    for (Pid p : c.runtime().processes()) {
        auto info = c.runtime().info(p);
        if (info && info->registered_name) names.push_back(Term::atom(*info->registered_name));
    }
    return Term::list(names);
}

bool is_sleep_time(const Term& t) {
    return t.is_atom(atom::infinity) || (t.is_integer() && t.as_integer() >= 0);
}
// Process.sleep/1's guard admits a non-negative integer or :infinity; anything else used to
// sleep forever (a negative time) or raise badarg.
Co<Term> p_sleep(ProcessContext& c, Args a) {
    if (!is_sleep_time(a[0])) raise_function_clause("Process", "sleep", 1);
    Timeout t =
        a[0].is_atom(atom::infinity) ? Timeout::infinity() : Timeout::millis(a[0].as_integer());
    co_await c.sleep(t);
    co_return ok_atom();
}
// :timer.sleep/1 is `receive after Time -> ok end`: a bad time is that receive's timeout_value.
Co<Term> timer_sleep(ProcessContext& c, Args a) {
    if (!is_sleep_time(a[0])) throw ErlangException::error(Term::atom("timeout_value"));
    Timeout t =
        a[0].is_atom(atom::infinity) ? Timeout::infinity() : Timeout::millis(a[0].as_integer());
    co_await c.sleep(t);
    co_return ok_atom();
}

Co<Term> k_apply2(ProcessContext& c, Args a) {
    std::vector<Term> args;
    if (!list_to_vector(a[1], args)) badarg();
    co_return co_await call_fun(c, a[0], std::move(args));
}
Co<Term> k_apply3(ProcessContext& c, Args a) {
    std::vector<Term> args;
    if (!list_to_vector(a[2], args)) badarg();
    co_return co_await apply_mfa(c, atom_arg(a[0]), atom_arg(a[1]), std::move(args));
}
Term k_function_exported(ProcessContext& c, Args a) {
    Atom m = atom_arg(a[0]);
    Atom f = atom_arg(a[1]);
    uint32_t arity = static_cast<uint32_t>(int_arg(a[2]));
    return bool_term(vm_defines(c.runtime(), m, f, arity) ||
                     c.runtime().code().is_defined(m, f, static_cast<int>(arity)));
}

// ------------------------------------------------------------------ IO
void write_out(ProcessContext& c, const Term& device, std::string text) {
    bool err = device.is_atom() && device.as_atom().name() == "stderr";
    c.write_console(text, err);
}
// IO.puts hands :io.put_chars the list [item, ?\n], and the io server checks that chardata is
// valid UTF-8 (a bare binary, as IO.write passes it, goes through unchecked).
void check_chardata(const std::string& text) {
    if (!utf8_valid(text)) raise_bif_argument_error(2, "not valid character data (an iodata term)");
}
Term io_puts(ProcessContext& c, Args a) {
    std::string text = to_string(a[0]) + "\n";
    check_chardata(text);
    write_out(c, Term::atom("stdio"), std::move(text));
    return ok_atom();
}
Term io_puts2(ProcessContext& c, Args a) {
    std::string text = to_string(a[1]) + "\n";
    check_chardata(text);
    write_out(c, a[0], std::move(text));
    return ok_atom();
}
Term io_write(ProcessContext& c, Args a) {
    std::string text = to_string(a[0]);
    if (!a[0].is_binary()) check_chardata(text);
    write_out(c, Term::atom("stdio"), std::move(text));
    return ok_atom();
}
Term io_write2(ProcessContext& c, Args a) {
    std::string text = to_string(a[1]);
    if (!a[1].is_binary()) check_chardata(text);
    write_out(c, a[0], std::move(text));
    return ok_atom();
}
Term inspect_to(ProcessContext& c, const Term& device, const Term& value, const Term& opts) {
    InspectOptions o = inspect_options_from_keywords(opts, pretty_options());
    std::string label;
    if (const Term* l = keyword_find(opts, "label")) label = to_string(*l);
    write_out(c, device, io_inspect_text(value, label, o) + "\n");
    return value;
}
Term io_inspect(ProcessContext& c, Args a) {
    return inspect_to(c, Term::atom("stdio"), a[0], Term::empty_list());
}
Term io_inspect2(ProcessContext& c, Args a) {
    return inspect_to(c, Term::atom("stdio"), a[0], a[1]);
}
Term io_inspect3(ProcessContext& c, Args a) {
    return inspect_to(c, a[0], a[1], a[2]);
}
Term k_inspect(ProcessContext&, Args a) {
    return Term::binary(inspect(a[0]));
}
Term k_inspect2(ProcessContext&, Args a) {
    return Term::binary(inspect(a[0], inspect_options_from_keywords(a[1])));
}
Term k_to_string(ProcessContext&, Args a) {
    if (a[0].is_binary()) return a[0];
    return Term::binary(to_string(a[0]));
}
Term k_to_charlist(ProcessContext&, Args a) {
    if (a[0].is_list()) return a[0];
    std::string s = to_string(a[0]);
    std::vector<Term> items;
    for (size_t i = 0; i < s.size();) {
        char32_t cp;
        bool valid;
        i += utf8_decode(s, i, cp, valid);
        items.push_back(Term::integer(cp));
    }
    return Term::list(items);
}

// ------------------------------------------------------------------ time
int64_t unit_per_second(const Term& unit) {
    if (unit.is_integer()) return unit.as_integer();
    std::string_view u = atom_arg(unit).name();
    if (u == "second" || u == "seconds") return 1;
    if (u == "millisecond" || u == "milli_seconds") return 1000;
    if (u == "microsecond" || u == "micro_seconds") return 1000000;
    if (u == "nanosecond" || u == "nano_seconds" || u == "native") return 1000000000;
    badarg();
}
int64_t convert(int64_t value, int64_t from, int64_t to) {
    if (from == to) return value;
    // floor division like erlang:convert_time_unit
    __extension__ typedef __int128 wide;
    wide v = static_cast<wide>(value) * to;
    wide q = v / from;
    if ((v % from != 0) && ((v < 0) != (from < 0))) --q;
    return static_cast<int64_t>(q);
}
Term s_monotonic(ProcessContext& c, Args) {
    return Term::integer(c.now_us() * 1000);
}
Term s_monotonic1(ProcessContext& c, Args a) {
    return Term::integer(convert(c.now_us(), 1000000, unit_per_second(a[0])));
}
// System time: the virtual clock counted from 2024-01-01T00:00:00Z, so that it is deterministic.
constexpr int64_t kEpochUs = 1704067200LL * 1000000;
}  // namespace
int64_t virtual_system_time_us(const ProcessContext& c) {
    return kEpochUs + c.now_us();
}
namespace {
Term s_system_time(ProcessContext& c, Args) {
    return Term::integer((kEpochUs + c.now_us()) * 1000);
}
Term s_system_time1(ProcessContext& c, Args a) {
    return Term::integer(convert(kEpochUs + c.now_us(), 1000000, unit_per_second(a[0])));
}
/// :os.timestamp/0 and :erlang.timestamp/0: {mega_seconds, seconds, micro_seconds} of the
/// virtual system time.
Term s_timestamp(ProcessContext& c, Args) {
    const int64_t us = kEpochUs + c.now_us();
    return Term::tuple({Term::integer(us / 1000000000000LL),
                        Term::integer((us / 1000000) % 1000000), Term::integer(us % 1000000)});
}
Term s_convert(ProcessContext&, Args a) {
    return Term::integer(convert(int_arg(a[0]), unit_per_second(a[1]), unit_per_second(a[2])));
}
Term s_schedulers(ProcessContext& c, Args) {
    return Term::integer(c.runtime().schedulers());
}
Term e_system_info(ProcessContext& c, Args a) {
    std::string_view what = atom_arg(a[0]).name();
    if (what == "schedulers_online" || what == "schedulers" || what == "logical_processors" ||
        what == "dirty_cpu_schedulers")
        return Term::integer(c.runtime().schedulers());
    if (what == "process_limit") return Term::integer(c.runtime().options().process_limit);
    if (what == "process_count")
        return Term::integer(static_cast<int64_t>(c.runtime().process_count()));
    if (what == "otp_release") return Term::list({Term::integer('2'), Term::integer('5')});
    badarg();
}
Term s_unique_integer(ProcessContext& c, Args) {
    static int64_t counter = 0;
    (void)c;
    return Term::integer(++counter);
}
Term s_version(ProcessContext&, Args) {
    return Term::binary("1.14.0");
}
Term s_otp_release(ProcessContext&, Args) {
    return Term::binary("25");
}

Co<Term> timer_tc(ProcessContext& c, Term fun, std::vector<Term> args,
                  std::optional<std::pair<Atom, Atom>> mf) {
    int64_t t0 = c.now_us();
    // (no co_await inside ?: — GCC 12 mishandles the temporaries)
    Term v;
    if (mf) {
        v = co_await apply_mfa(c, mf->first, mf->second, std::move(args));
    } else {
        v = co_await call_fun(c, fun, std::move(args));
    }
    int64_t t1 = c.now_us();
    co_return Term::tuple({Term::integer(t1 - t0), v});
}
Co<Term> t_tc1(ProcessContext& c, Args a) {
    co_return co_await timer_tc(c, a[0], {}, std::nullopt);
}
Co<Term> t_tc2(ProcessContext& c, Args a) {
    std::vector<Term> args;
    if (!list_to_vector(a[1], args)) badarg();
    co_return co_await timer_tc(c, a[0], std::move(args), std::nullopt);
}
Co<Term> t_tc3(ProcessContext& c, Args a) {
    std::vector<Term> args;
    if (!list_to_vector(a[2], args)) badarg();
    co_return co_await timer_tc(c, Term(), std::move(args),
                                std::make_pair(atom_arg(a[0]), atom_arg(a[1])));
}
Term t_seconds(ProcessContext&, Args a) {
    return Term::integer(int_arg(a[0]) * 1000);
}
Term t_minutes(ProcessContext&, Args a) {
    return Term::integer(int_arg(a[0]) * 60000);
}
Term t_hours(ProcessContext&, Args a) {
    return Term::integer(int_arg(a[0]) * 3600000);
}

// ------------------------------------------------------------------ Logger
Term l_configure(ProcessContext& c, Args a) {
    c.runtime().reserve_pids(1);  // on the BEAM each call starts a process (elixir_pids runs)
    auto& state = c.runtime().extension<LoggerState>();
    if (const Term* level = keyword_find(a[0], "level")) {
        int l = logger_level(atom_arg(*level).name());
        if (l < 0) badarg();
        state.level = l;
    }
    return ok_atom();
}
Term l_level(ProcessContext& c, Args) {
    static const char* names[] = {"all",      "info",  "notice",    "warning", "error",
                                  "critical", "alert", "emergency", "none"};
    int l = c.runtime().extension<LoggerState>().level;
    if (l == 0) return Term::atom("debug");
    return Term::atom(names[std::clamp(l, 0, 8)]);
}
Term string_message(const std::string& text) {
    return Term::tuple({Term::atom("string"), Term::binary(text)});
}
Co<Term> log_with_level(ProcessContext& c, const char* level, Term message) {
    std::string text;
    // A lazy message is not evaluated below the configured level, as in Elixir.
    if (logger_level(level) < c.runtime().extension<LoggerState>().level) co_return ok_atom();
    if (message.is_fun()) {
        message = co_await call_fun(c, message, {});
        if (message.is_tuple(2)) message = message.element(0);  // {message, metadata}
    }
    text = message.is_binary() ? std::string(message.binary_view()) : to_string(message);
    Term msg = string_message(text);
    co_await log_event(c, level, std::move(msg), Term::empty_map(), text);
    co_return ok_atom();
}
Co<Term> l_debug(ProcessContext& c, Args a) {
    co_return co_await log_with_level(c, "debug", a[0]);
}
Co<Term> l_info(ProcessContext& c, Args a) {
    co_return co_await log_with_level(c, "info", a[0]);
}
Co<Term> l_notice(ProcessContext& c, Args a) {
    co_return co_await log_with_level(c, "notice", a[0]);
}
Co<Term> l_warning(ProcessContext& c, Args a) {
    co_return co_await log_with_level(c, "warning", a[0]);
}
Co<Term> l_error(ProcessContext& c, Args a) {
    co_return co_await log_with_level(c, "error", a[0]);
}
Co<Term> l_log(ProcessContext& c, Args a) {
    co_return co_await log_with_level(c, atom_arg(a[0]).name().data(), a[1]);
}
Term l_add_primary_filter(ProcessContext& c, Args a) {
    auto& state = c.runtime().extension<LoggerState>();
    for (auto& [id, f] : state.primary_filters)
        if (exact_equal(id, a[0]))
            return error_tuple(Term::tuple({Term::atom("already_exist"), a[0]}));
    if (!a[1].is_tuple(2) || !a[1].element(0).is_fun())
        return error_tuple(Term::tuple({Term::atom("invalid_filter"), a[1]}));
    state.primary_filters.emplace_back(a[0], a[1]);
    return ok_atom();
}
Term l_remove_primary_filter(ProcessContext& c, Args a) {
    auto& filters = c.runtime().extension<LoggerState>().primary_filters;
    auto it = std::find_if(filters.begin(), filters.end(),
                           [&](auto& p) { return exact_equal(p.first, a[0]); });
    if (it == filters.end()) return error_tuple(Term::tuple({Term::atom("unknown_filter"), a[0]}));
    filters.erase(it);
    return ok_atom();
}
Term l_set_primary_level(ProcessContext& c, Args a) {
    Term kw = Term::list({Term::tuple({Term::atom("level"), a[1]})});
    if (a[0].is_atom() && a[0].as_atom().name() == "level") {
        Term args[1] = {kw};
        return l_configure(c, Args(args, 1));
    }
    return ok_atom();
}

// ------------------------------------------------------------------ exceptions
// (GCC 12 miscompiles string literals inside coroutine bodies: "array used as initializer".)
const Atom kMessageAtom = Atom::intern("message");
const Atom kStructFunAtom = Atom::intern("__struct__");
Co<Term> x_message(ProcessContext& c, Args a) {
    const Term& e = a[0];
    if (e.is_map()) {
        const Term* s = e.map_find(Term::atom(atom::struct_));
        if (s && s->is_atom() && vm_defines(c.runtime(), s->as_atom(), kMessageAtom, 1)) {
            auto& vm = c.runtime().extension<VmState>();
            if (vm.program && vm.program->find(s->as_atom(), kMessageAtom, 1)) {
                // Elixir's Exception.message/1: the module's message/1 in a try; an error it
                // raises, or a result that is not a string, becomes a "got ... while retrieving"
                // text instead of escaping.
                std::vector<Term> args;
                args.push_back(e);
                Term result;
                std::optional<Term> raised;
                try {
                    result = co_await apply_mfa(c, s->as_atom(), kMessageAtom, std::move(args));
                } catch (const ErlangException& failure) {
                    if (failure.kind() != atom::error) throw;
                    raised = normalize_error(failure.reason(), failure.stacktrace());
                }
                if (raised) {
                    Term inner = co_await x_message(c, Args(&*raised, 1));
                    const Term* raised_module = raised->map_find(Term::atom(atom::struct_));
                    co_return Term::binary(
                        "got " + inspect(raised_module ? *raised_module : *raised) +
                        " with message " + inspect(inner) +
                        " while retrieving Exception.message/1 for " + inspect(e));
                }
                if (result.is_binary()) co_return result;
                co_return Term::binary("got " + inspect(result) +
                                       " while retrieving Exception.message/1 for " + inspect(e) +
                                       " (expected a string)");
            }
        }
    }
    co_return Term::binary(exception_message(e));
}
Term x_format_exit(ProcessContext&, Args a) {
    return Term::binary(format_exit(a[0]));
}
/// An :error exception whose defexception defines message/1 gets that message (computed by the
/// scenario's code) put in its :message field, which the C++ formatter reads.
Co<Term> with_own_message(ProcessContext& c, const Term& kind, const Term& e) {
    if (!kind.is_atom(atom::error) || !e.is_map()) co_return e;
    const Term* s = e.map_find(Term::atom(atom::struct_));
    if (!s || !s->is_atom()) co_return e;
    auto& vm = c.runtime().extension<VmState>();
    if (!vm.program || !vm.program->find(s->as_atom(), kMessageAtom, 1)) co_return e;
    std::vector<Term> args;
    args.push_back(e);
    Term message = co_await apply_mfa(c, s->as_atom(), kMessageAtom, std::move(args));
    if (!message.is_binary()) co_return e;
    co_return e.map_put(Term::atom(kMessageAtom), message);
}
Co<Term> x_format(ProcessContext& c, Args a) {
    Term e = co_await with_own_message(c, a[0], a[1]);
    Term stack = a.size() > 2 ? a[2] : Term::empty_list();
    co_return Term::binary(format_exception(a[0], e, stack));
}
Co<Term> x_format_banner(ProcessContext& c, Args a) {
    Term e = co_await with_own_message(c, a[0], a[1]);
    if (a.size() > 2) co_return Term::binary(format_banner(a[0], e, a[2]));
    co_return Term::binary(format_banner(a[0], e));
}
Term x_normalize(ProcessContext&, Args a) {
    return normalize(atom_arg(a[0]), a[1], a[2]);
}
Term x_format_stacktrace(ProcessContext&, Args a) {
    return Term::binary(format_stacktrace(a[0]));
}
Term vm_reraise2(ProcessContext&, Args a) {
    Term e = a[0];
    if (e.is_binary()) e = runtime_error(e.binary_view());
    throw ErlangException(atom::error, e, a[1]);
}

// ------------------------------------------------------------------ Range, Access, structs
Term make_range(Term first, Term last, Term step) {
    return Term::map({{Term::atom(atom::struct_), Term::atom("Elixir.Range")},
                      {Term::atom("first"), std::move(first)},
                      {Term::atom("last"), std::move(last)},
                      {Term::atom("step"), std::move(step)}});
}
Term r_new2(ProcessContext&, Args a) {
    if (!a[0].is_integral() || !a[1].is_integral())
        argument_error_msg(
            fmt::format("ranges (first..last) expect both sides to be integers, got: {}..{}",
                        inspect(a[0]), inspect(a[1])));
    int64_t step = integer::compare(a[0], a[1]) <= 0 ? 1 : -1;
    return make_range(a[0], a[1], Term::integer(step));
}
Term r_new3(ProcessContext&, Args a) {
    if (!a[0].is_integral() || !a[1].is_integral() || !a[2].is_integral() ||
        integer::sign(a[2]) == 0)
        argument_error_msg(fmt::format(
            "ranges (first..last//step) expect both sides to be integers and the step to be a "
            "non-zero integer, got: {}..{}//{}",
            inspect(a[0]), inspect(a[1]), inspect(a[2])));
    return make_range(a[0], a[1], a[2]);
}
/// Kernel.struct!(default_map_or_module_struct, kv): keys must exist.
Term k_struct_bang_map(ProcessContext&, Args a) {
    Term m = a[0];
    if (!m.is_map()) badarg();
    std::vector<std::pair<Term, Term>> kv;
    if (a[1].is_map()) {
        kv = map_entries(a[1]);
    } else {
        for (ListIterator it(a[1]); !it.done(); ++it) {
            if (!(*it).is_tuple(2)) badarg();
            kv.emplace_back((*it).element(0), (*it).element(1));
        }
    }
    for (auto& [k, v] : kv) {
        if (k.is_atom(atom::struct_)) continue;
        if (!m.map_find(k))
            throw ErlangException::error(Term::tuple({Term::atom(atom::badkey), k, m}));
        m = m.map_put(k, v);
    }
    return m;
}
Co<Term> k_struct(ProcessContext& c, Args a) {
    Term base = a[0];
    if (base.is_atom()) base = co_await apply_mfa(c, base.as_atom(), kStructFunAtom, {});
    std::vector<std::pair<Term, Term>> kv;
    if (a[1].is_map()) {
        kv = map_entries(a[1]);
    } else {
        for (ListIterator it(a[1]); !it.done(); ++it)
            if ((*it).is_tuple(2)) kv.emplace_back((*it).element(0), (*it).element(1));
    }
    for (auto& [k, v] : kv) {
        if (k.is_atom(atom::struct_)) continue;
        if (base.map_find(k)) base = base.map_put(k, v);
    }
    co_return base;
}
Co<Term> k_struct_bang(ProcessContext& c, Args a) {
    Term base = a[0];
    if (base.is_atom()) {
        // Elixir calls module.__struct__(fields), which checks @enforce_keys; modules without
        // a __struct__/1 get the default struct with the fields merged in.
        bool has_struct_1 = true;
        std::vector<Term> fields;
        fields.push_back(a[1]);
        try {
            co_return co_await apply_mfa(c, base.as_atom(), kStructFunAtom, std::move(fields));
        } catch (const ErlangException& e) {
            const Term& st = e.stacktrace();
            if (!e.reason().is_atom(atom::undef) || !st.is_cons() || !st.head().is_tuple() ||
                st.head().tuple_size() < 2 || !st.head().element(0).is_atom(base.as_atom()) ||
                !st.head().element(1).is_atom(kStructFunAtom))
                throw;
            has_struct_1 = false;
        }
        if (!has_struct_1) base = co_await apply_mfa(c, base.as_atom(), kStructFunAtom, {});
    }
    std::vector<Term> args{base, a[1]};
    co_return k_struct_bang_map(c, Args(args.data(), 2));
}

Term n_list(ProcessContext&, Args) {
    return Term::empty_list();
}
Term n_alive(ProcessContext&, Args) {
    return bool_term(false);
}

}  // namespace

int logger_level(std::string_view name) {
    if (name == "all" || name == "debug") return 0;
    if (name == "info") return 1;
    if (name == "notice") return 2;
    if (name == "warning" || name == "warn") return 3;
    if (name == "error") return 4;
    if (name == "critical") return 5;
    if (name == "alert") return 6;
    if (name == "emergency") return 7;
    if (name == "none") return 8;
    return -1;
}

namespace {
Term log_event_term(std::string_view level, const Term& msg, const Term& meta) {
    return Term::map({{Term::atom("level"), Term::atom(level)},
                      {Term::atom("msg"), msg},
                      {Term::atom("meta"), meta}});
}
bool is_atom_named(const Term& t, std::string_view name) {
    return t.is_atom() && t.as_atom().name() == name;
}
void print_log(ProcessContext& ctx, std::string_view level, const std::string& formatted) {
    std::string label(level == "warn" ? "warning" : level);
    std::string prefix = logger_prefix(ctx.now_us(), label);
    ctx.write_console("\n" + prefix + formatted + "\n", false);
}
}  // namespace

Co<void> log_event(ProcessContext& ctx, std::string_view level, Term msg, Term meta,
                   std::string formatted, bool print) {
    auto& state = ctx.runtime().extension<LoggerState>();
    int l = logger_level(level);
    if (l < state.level) co_return;
    Term event = log_event_term(level, msg, meta);
    auto filters = state.primary_filters;  // a filter may add or remove filters
    for (auto& [id, filter] : filters) {
        Term r;
        try {
            std::vector<Term> args;
            args.push_back(event);
            args.push_back(filter.element(1));
            r = co_await call_fun(ctx, filter.element(0), std::move(args));
        } catch (ErlangException&) {
            continue;  // :logger removes a crashing filter; we just skip it
        }
        if (is_atom_named(r, "stop")) co_return;
        if (is_atom_named(r, "ignore")) continue;
        if (r.is_map()) event = r;
    }
    if (print) print_log(ctx, level, formatted);
}

void register_vm_support(BuiltinTable& t);

void register_vm_builtins(BuiltinTable& t) {
    register_vm_support(t);
    const char* K = "Elixir.Kernel";
    const char* E = "erlang";
    for (const char* m : {K, E}) {
        t.add(m, "is_atom", 1, k_is_atom);
        t.add(m, "is_binary", 1, k_is_binary);
        t.add(m, "is_bitstring", 1, k_is_bitstring);
        t.add(m, "is_boolean", 1, k_is_boolean);
        t.add(m, "is_float", 1, k_is_float);
        t.add(m, "is_function", 1, k_is_function);
        t.add(m, "is_function", 2, k_is_function2);
        t.add(m, "is_integer", 1, k_is_integer);
        t.add(m, "is_list", 1, k_is_list);
        t.add(m, "is_map", 1, k_is_map);
        t.add(m, "is_number", 1, k_is_number);
        t.add(m, "is_pid", 1, k_is_pid);
        t.add(m, "is_port", 1, k_is_port);
        t.add(m, "is_reference", 1, k_is_reference);
        t.add(m, "is_tuple", 1, k_is_tuple);
        t.add(m, "div", 2, k_div);
        t.add(m, "rem", 2, k_rem);
        t.add(m, "round", 1, float_to_integer<round_half_away>);
        t.add(m, "trunc", 1, float_to_integer<toward_zero>);
        t.add(m, "ceil", 1, float_to_integer<toward_plus_infinity>);
        t.add(m, "floor", 1, float_to_integer<toward_minus_infinity>);
        t.add(m, "self", 0, k_self);
        t.add(m, "node", 0, k_node);
        t.add(m, "node", 1, k_node1);
        t.add(m, "make_ref", 0, k_make_ref);
        t.add(m, "send", 2, k_send);
        t.add(m, "not", 1, k_not);
        t.add(m, "spawn", 1, k_spawn);
        t.add(m, "spawn", 3, k_spawn3);
        t.add(m, "spawn_link", 1, k_spawn_link);
        t.add(m, "spawn_link", 3, k_spawn_link3);
        t.add(m, "spawn_monitor", 1, k_spawn_monitor);
        t.add(m, "spawn_monitor", 3, k_spawn_monitor3);
        t.add(m, "exit", 1, k_exit);
        t.add(m, "throw", 1, k_throw);
        t.add(m, "+", 2, k_add);
        t.add(m, "-", 2, k_sub);
        t.add(m, "*", 2, k_mul);
        t.add(m, "/", 2, k_fdiv);
        t.add(m, "-", 1, k_neg);
        t.add(m, "<", 2, k_lt);
        t.add(m, ">", 2, k_gt);
        t.add(m, "<=", 2, k_le);
        t.add(m, ">=", 2, k_ge);
        t.add(m, "==", 2, k_eq);
        t.add(m, "!=", 2, k_ne);
        t.add(m, "===", 2, k_seq);
        t.add(m, "!==", 2, k_sne);
        t.add(m, "++", 2, e_append);
        t.add(m, "--", 2, e_subtract);
        t.add_async(m, "apply", 2, k_apply2);
        t.add_async(m, "apply", 3, k_apply3);
    }
    t.add(E, "=<", 2, k_le);
    t.add(E, "=:=", 2, k_seq);
    t.add(E, "=/=", 2, k_sne);
    t.add(E, "/=", 2, k_ne);
    t.add(K, "<>", 2, k_concat_bin);
    t.add(K, "**", 2, k_pow);
    t.add(K, "is_nil", 1, k_is_nil);
    t.add(K, "hd", 1, k_hd);
    t.add(K, "tl", 1, k_tl);
    t.add(K, "length", 1, k_length);
    t.add(K, "tuple_size", 1, k_tuple_size);
    t.add(K, "map_size", 1, k_map_size);
    t.add(K, "byte_size", 1, k_byte_size);
    t.add(K, "abs", 1, k_abs);
    t.add(K, "max", 2, k_max);
    t.add(K, "min", 2, k_min);
    t.add(K, "is_map_key", 2, k_is_map_key);
    t.add(K, "is_struct", 1, k_is_struct);
    t.add(K, "is_struct", 2, k_is_struct2);
    t.add(K, "is_exception", 1, k_is_exception);
    t.add(K, "is_exception", 2, k_is_exception2);
    t.add(K, "elem", 2, k_elem);
    t.add(K, "put_elem", 3, k_put_elem);
    t.add(E, "float", 1, e_float);
    t.add(K, "inspect", 1, k_inspect);
    t.add(K, "inspect", 2, k_inspect2);
    t.add(K, "to_string", 1, k_to_string);
    t.add(K, "to_charlist", 1, k_to_charlist);
    t.add(K, "function_exported?", 3, k_function_exported);
    t.add(E, "function_exported", 3, k_function_exported);
    t.add_async(K, "struct", 2, k_struct);
    t.add_async(K, "struct!", 2, k_struct_bang);
    t.add(E, "error", 1, e_error);
    t.add(E, "raise", 3, e_raise3);
    t.add(E, "process_flag", 2, p_flag);
    t.add(E, "monitor", 2, e_monitor2);
    t.add(E, "demonitor", 1, p_demonitor);
    t.add(E, "demonitor", 2, p_demonitor2);
    t.add(E, "link", 1, p_link);
    t.add(E, "unlink", 1, p_unlink);
    t.add(E, "exit", 2, p_exit2);
    t.add(E, "is_process_alive", 1, p_alive);
    t.add(E, "whereis", 1, e_whereis);
    t.add(E, "register", 2, e_register);
    t.add(E, "unregister", 1, p_unregister);
    t.add(E, "registered", 0, p_registered);
    t.add(E, "processes", 0, p_list);
    t.add(E, "process_info", 1, p_info);
    t.add(E, "process_info", 2, e_process_info2);
    t.add(E, "get", 0, p_get0);
    t.add(E, "get", 1, e_get);
    t.add(E, "put", 2, e_put);
    t.add(E, "erase", 1, e_erase);
    t.add(E, "send", 3, p_send3);
    t.add(E, "send_after", 3, e_send_after);
    t.add(E, "send_after", 4, e_send_after);
    t.add(E, "cancel_timer", 1, p_cancel_timer);
    t.add(E, "system_info", 1, e_system_info);
    t.add(E, "monotonic_time", 0, s_monotonic);
    t.add(E, "monotonic_time", 1, s_monotonic1);
    t.add(E, "system_time", 0, s_system_time);
    t.add(E, "system_time", 1, s_system_time1);
    t.add(E, "unique_integer", 0, s_unique_integer);
    t.add(E, "unique_integer", 1, s_unique_integer);
    t.add(E, "convert_time_unit", 3, s_convert);

    const char* P = "Elixir.Process";
    t.add_async(P, "sleep", 1, p_sleep);
    t.add(P, "alive?", 1, p_alive);
    t.add(P, "flag", 2, p_flag);
    t.add(P, "monitor", 1, p_monitor);
    t.add(P, "demonitor", 1, p_demonitor);
    t.add(P, "demonitor", 2, p_demonitor2);
    t.add(P, "link", 1, p_link);
    t.add(P, "unlink", 1, p_unlink);
    t.add(P, "exit", 2, p_exit2);
    t.add(P, "get", 0, p_get0);
    t.add(P, "get", 1, p_get);
    t.add(P, "get", 2, p_get2);
    t.add(P, "put", 2, p_put);
    t.add(P, "delete", 1, p_delete);
    t.add(P, "info", 1, p_info);
    t.add(P, "info", 2, p_info2);
    t.add(P, "send_after", 3, p_send_after);
    t.add(P, "send_after", 4, p_send_after);
    t.add(P, "cancel_timer", 1, p_cancel_timer);
    t.add(P, "register", 2, p_register);
    t.add(P, "unregister", 1, p_unregister);
    t.add(P, "whereis", 1, p_whereis);
    t.add(P, "list", 0, p_list);
    t.add(P, "registered", 0, p_registered);
    t.add(P, "send", 3, p_send3);
    t.add(P, "spawn", 2, k_spawn);

    const char* IO = "Elixir.IO";
    t.add(IO, "puts", 1, io_puts);
    t.add(IO, "puts", 2, io_puts2);
    t.add(IO, "write", 1, io_write);
    t.add(IO, "write", 2, io_write2);
    t.add(IO, "inspect", 1, io_inspect);
    t.add(IO, "inspect", 2, io_inspect2);
    t.add(IO, "inspect", 3, io_inspect3);

    const char* S = "Elixir.System";
    t.add_async(S, "halt", 0, s_halt);
    t.add_async(S, "halt", 1, s_halt);
    t.add_async(E, "halt", 0, s_halt);
    t.add_async(E, "halt", 1, s_halt);
    t.add_async(E, "halt", 2, s_halt);
    t.add(S, "schedulers_online", 0, s_schedulers);
    t.add(S, "schedulers", 0, s_schedulers);
    t.add(S, "monotonic_time", 0, s_monotonic);
    t.add(S, "monotonic_time", 1, s_monotonic1);
    t.add(S, "system_time", 0, s_system_time);
    t.add(S, "system_time", 1, s_system_time1);
    t.add("os", "system_time", 0, s_system_time);
    t.add("os", "system_time", 1, s_system_time1);
    t.add("os", "timestamp", 0, s_timestamp);
    t.add(E, "timestamp", 0, s_timestamp);
    t.add(S, "os_time", 0, s_system_time);
    t.add(S, "os_time", 1, s_system_time1);
    t.add(S, "convert_time_unit", 3, s_convert);
    t.add(S, "unique_integer", 0, s_unique_integer);
    t.add(S, "unique_integer", 1, s_unique_integer);
    t.add(S, "version", 0, s_version);
    t.add(S, "otp_release", 0, s_otp_release);

    t.add_async("timer", "sleep", 1, timer_sleep);
    t.add_async("timer", "tc", 1, t_tc1);
    t.add_async("timer", "tc", 2, t_tc2);
    t.add_async("timer", "tc", 3, t_tc3);
    t.add("timer", "seconds", 1, t_seconds);
    t.add("timer", "minutes", 1, t_minutes);
    t.add("timer", "hours", 1, t_hours);

    const char* L = "Elixir.Logger";
    t.add(L, "configure", 1, l_configure);
    t.add(L, "level", 0, l_level);
    for (int arity : {1, 2}) {
        t.add_async(L, "debug", arity, l_debug);
        t.add_async(L, "info", arity, l_info);
        t.add_async(L, "notice", arity, l_notice);
        t.add_async(L, "warning", arity, l_warning);
        t.add_async(L, "warn", arity, l_warning);
        t.add_async(L, "error", arity, l_error);
    }
    t.add_async(L, "log", 2, l_log);
    // Logger.metadata/0,1: the process's metadata, kept in its dictionary like Elixir's.
    t.add(
        L, "metadata", 0, +[](ProcessContext& c, Args) -> Term {
            Term md = c.dict_get(Term::atom("$logger_metadata$"));
            return md.is_list() ? md : Term::empty_list();
        });
    t.add(
        L, "metadata", 1, +[](ProcessContext& c, Args a) -> Term {
            Term md = c.dict_get(Term::atom("$logger_metadata$"));
            std::vector<Term> current, updates;
            if (md.is_list()) list_to_vector(md, current);
            if (!list_to_vector(a[0], updates)) badarg();
            for (const Term& u : updates) {
                if (!u.is_tuple(2)) badarg();
                std::erase_if(current, [&](const Term& e) {
                    return exact_equal(e.element(0), u.element(0));
                });
                if (!u.element(1).is_nil()) current.push_back(u);
            }
            c.dict_put(Term::atom("$logger_metadata$"), Term::list(current));
            return ok_atom();
        });
    t.add(
        // Log lines are written synchronously, so there is never anything left to flush.
        L, "flush", 0, +[](ProcessContext&, Args) -> Term { return ok_atom(); });
    t.add_async(L, "log", 3, l_log);
    t.add("logger", "add_primary_filter", 2, l_add_primary_filter);
    t.add("logger", "remove_primary_filter", 1, l_remove_primary_filter);
    t.add("logger", "set_primary_config", 2, l_set_primary_level);

    const char* X = "Elixir.Exception";
    t.add_async(X, "message", 1, x_message);
    t.add(X, "format_exit", 1, x_format_exit);
    t.add_async(X, "format", 2, x_format);
    t.add_async(X, "format", 3, x_format);
    t.add_async(X, "format_banner", 2, x_format_banner);
    t.add_async(X, "format_banner", 3, x_format_banner);
    t.add(X, "normalize", 3, x_normalize);
    t.add(X, "format_stacktrace", 1, x_format_stacktrace);
    t.add(X, "exception?", 1, k_is_exception);

    const char* VM = "Elixir.Tasklens.VM";
    t.add(VM, "normalize", 3, x_normalize);
    t.add(VM, "reraise", 2, vm_reraise2);
    t.add(VM, "struct_bang_map", 2, k_struct_bang_map);

    t.add("Elixir.Range", "new", 2, r_new2);
    t.add("Elixir.Range", "new", 3, r_new3);

    t.add("Elixir.Node", "list", 0, n_list);
    t.add("Elixir.Node", "alive?", 0, n_alive);
}

}  // namespace tasklens::script
