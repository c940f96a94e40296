#include "tests/engine/otp/otp_test_support.h"

namespace tasklens::otp::testing {

Co<Term> fn_value(ProcessContext&, std::span<const Term>, const FunObject& f) {
    co_return f.env[0];
}

Co<Term> fn_sleep_value(ProcessContext& ctx, std::span<const Term>, const FunObject& f) {
    Term value = f.env[1];
    co_await ctx.sleep(Timeout::millis(f.env[0].as_integer()));
    co_return value;
}

Co<Term> fn_sleep_exit(ProcessContext& ctx, std::span<const Term>, const FunObject& f) {
    Term reason = f.env[1];
    co_await ctx.sleep(Timeout::millis(f.env[0].as_integer()));
    ctx.exit_self(reason);
}

Co<Term> fn_raise(ProcessContext&, std::span<const Term>, const FunObject& f) {
    throw ErlangException::error(f.env[0]);
    co_return Term::nil();
}

Co<Term> fn_trap_sleep_value(ProcessContext& ctx, std::span<const Term>, const FunObject& f) {
    Term value = f.env[1];
    ctx.set_trap_exit(true);
    co_await ctx.sleep(Timeout::millis(f.env[0].as_integer()));
    co_return value;
}

Co<Term> fn_send_value(ProcessContext& ctx, std::span<const Term>, const FunObject& f) {
    ctx.send(f.env[0].as_pid(), f.env[1]);
    co_return f.env[2];
}

Co<Term> fn_sleep_double(ProcessContext& ctx, std::span<const Term> args, const FunObject& f) {
    const int64_t x = args[0].as_integer();
    co_await ctx.sleep(Timeout::millis(f.env[0].as_integer() * x));
    co_return Term::integer(x * 2);
}

Co<Term> fn_report_dict(ProcessContext& ctx, std::span<const Term>, const FunObject& f) {
    ctx.send(f.env[0].as_pid(), T(A("dict"), ctx.dict_get(Term::atom(atom::dollar_callers)),
                                  ctx.dict_get(Term::atom(atom::dollar_ancestors)),
                                  ctx.dict_get(Term::atom(atom::dollar_initial_call))));
    co_return A("ok");
}

namespace {
Co<void> main_body(ProcessContext& ctx, OtpTest::Body body, std::shared_ptr<MainOutcome> out) {
    out->value = co_await body(ctx);
    out->end_us = ctx.now_us();
}
}  // namespace

MainOutcome OtpTest::run(Body body) {
    auto out = std::make_shared<MainOutcome>();
    SpawnOptions o;
    o.label = "main";
    SpawnResult r =
        rt.spawn([body, out](ProcessContext& ctx) { return main_body(ctx, body, out); }, o);
    RunResult rr = rt.run_until_exit(r.pid);
    if (!out->value) out->end_us = rr.now_us;
    out->exit_reason = rr.exit_reason;
    return *out;
}

Co<std::optional<Term>> receive_any(ProcessContext& ctx, int64_t ms) {
    co_return co_await ctx.receive([](const Term&) { return true; }, Timeout::millis(ms));
}

Co<Term> call_v(ProcessContext& ctx, std::string_view module, std::string_view function,
                std::vector<Term> args) {
    co_return co_await ctx.runtime().code().apply(ctx, Atom::intern(module), Atom::intern(function),
                                                  std::move(args));
}

Term get(const Term& map, std::string_view key) {
    const Term* v = map.map_find(Term::atom(key));
    return v ? *v : Term::nil();
}

Co<Term> catching(ProcessContext&, Co<Term> inner) {
    try {
        co_return co_await inner;
    } catch (const ErlangException& e) {
        co_return T(Term::atom(e.kind()), e.reason());
    }
}

}  // namespace tasklens::otp::testing
