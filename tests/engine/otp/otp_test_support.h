#pragma once
// Test support for engine/otp: a runtime with the OTP natives registered, a way to run a native
// coroutine as the "main" process on the virtual clock, and native funs to use as task bodies.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/otp/otp.h"
#include "engine/runtime/runtime.h"

namespace tasklens::otp::testing {

inline Term A(std::string_view name) {
    return Term::atom(name);
}
inline Term I(int64_t v) {
    return Term::integer(v);
}
// Variadic (not braced) builders: GCC 12 miscompiles braced lists inside co_await expressions.
template <typename... Ts>
Term T(Ts&&... items) {
    return Term::tuple({Term(std::forward<Ts>(items))...});
}
template <typename... Ts>
Term L(Ts&&... items) {
    if constexpr (sizeof...(Ts) == 0)
        return Term::empty_list();
    else
        return Term::list({Term(std::forward<Ts>(items))...});
}
inline Term P(Pid p) {
    return Term::pid(p);
}
inline Term kw(std::string_view key, Term value) {
    return T(A(key), std::move(value));
}

/// A FunObject of kind Native.
inline Term native_fun(uint32_t arity, FunObject::NativeFn fn, std::vector<Term> env = {}) {
    static uint64_t unique = 1;
    auto* f = new FunObject(FunObject::Kind::Native);
    f->arity = arity;
    f->native = fn;
    f->env = std::move(env);
    f->module = Atom::intern("Elixir.OtpTest");
    f->name = Atom::intern("fun");
    f->unique = unique++;
    return Term::adopt(f);
}

// --- task bodies (env holds their parameters)
// ---------------------------------------------------------
/// fn -> value end
Co<Term> fn_value(ProcessContext&, std::span<const Term>, const FunObject& f);
/// fn -> Process.sleep(ms); value end        env: [ms, value]
Co<Term> fn_sleep_value(ProcessContext& ctx, std::span<const Term>, const FunObject& f);
/// fn -> Process.sleep(ms); exit(reason) end  env: [ms, reason]
Co<Term> fn_sleep_exit(ProcessContext& ctx, std::span<const Term>, const FunObject& f);
/// fn -> raise (an :error with reason env[0]) end
Co<Term> fn_raise(ProcessContext& ctx, std::span<const Term>, const FunObject& f);
/// fn -> Process.flag(:trap_exit, true); Process.sleep(ms); value end   env: [ms, value]
Co<Term> fn_trap_sleep_value(ProcessContext& ctx, std::span<const Term>, const FunObject& f);
/// fn -> send(pid, msg); value end  env: [pid, msg, value]
Co<Term> fn_send_value(ProcessContext& ctx, std::span<const Term>, const FunObject& f);
/// fn x -> Process.sleep(env[0] * x); x * 2 end
Co<Term> fn_sleep_double(ProcessContext& ctx, std::span<const Term> args, const FunObject& f);
/// fn -> send(pid, {:dict, $callers, $ancestors, $initial_call}) end  env: [pid]
Co<Term> fn_report_dict(ProcessContext& ctx, std::span<const Term>, const FunObject& f);

inline Term value_fun(Term v) {
    return native_fun(0, fn_value, {std::move(v)});
}
inline Term sleep_fun(int64_t ms, Term v) {
    return native_fun(0, fn_sleep_value, {I(ms), std::move(v)});
}
inline Term exit_fun(int64_t ms, Term reason) {
    return native_fun(0, fn_sleep_exit, {I(ms), std::move(reason)});
}
inline Term raise_fun(Term reason) {
    return native_fun(0, fn_raise, {std::move(reason)});
}
inline Term trap_fun(int64_t ms, Term v) {
    return native_fun(0, fn_trap_sleep_value, {I(ms), std::move(v)});
}

/// Outcome of a main process.
struct MainOutcome {
    std::optional<Term> value;        ///< what the body returned
    std::optional<Term> exit_reason;  ///< run_until_exit's exit reason
    int64_t end_us = 0;               ///< virtual time when it ended
};

class OtpTest : public ::testing::Test {
  public:
    OtpTest() : rt(options()) { register_otp(rt.code()); }
    static RuntimeOptions options() {
        RuntimeOptions o;
        o.schedulers = 4;
        return o;
    }
    using Body = std::function<Co<Term>(ProcessContext&)>;
    /// Runs `body` as a root process until it exits.
    MainOutcome run(Body body);
    /// Runs until no process is runnable and no timer is pending.
    void drain() { rt.run(); }

    Runtime rt;
};

/// Receives the first message (any) within `ms`.
Co<std::optional<Term>> receive_any(ProcessContext& ctx, int64_t ms);
/// Applies module.function(args) through the CodeRegistry, as a scenario would.
Co<Term> call_v(ProcessContext& ctx, std::string_view module, std::string_view function,
                std::vector<Term> args);
template <typename... Ts>
Co<Term> call(ProcessContext& ctx, std::string_view module, std::string_view function,
              Ts&&... args) {
    std::vector<Term> v;
    (v.push_back(Term(std::forward<Ts>(args))), ...);
    return call_v(ctx, module, function, std::move(v));
}
/// Map.get for atom keys.
Term get(const Term& map, std::string_view key);
/// The catch-all for a body that is expected to exit: returns {:exit, reason} or {:error, reason}.
Co<Term> catching(ProcessContext& ctx, Co<Term> inner);

}  // namespace tasklens::otp::testing
