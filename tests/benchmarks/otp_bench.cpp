// OTP layer benchmarks, the same workloads as /work/shared/perf/beam_baseline.exs:
//   task_async_await_seq, task_async_await_many, async_stream, task_supervisor_async_nolink,
//   supervisor_restart — each with event recording off and on (a counting sink).
// The counter `us_per_op` is wall-clock microseconds per operation, to compare with the BEAM's
// ns_per_op / 1000. Results and ratios: docs/performance.md ("OTP").
#include <benchmark/benchmark.h>

#include <functional>
#include <memory>

#include "engine/otp/otp.h"
#include "engine/runtime/runtime.h"

namespace tasklens::otp {
namespace {

class CountingSink : public trace::EventSink {
  public:
    void on_event(const trace::Event&) override { ++count; }
    uint64_t count = 0;
};

Term atom_term(std::string_view s) {
    return Term::atom(s);
}

Term native(uint32_t arity, FunObject::NativeFn fn, std::vector<Term> env) {
    auto* f = new FunObject(FunObject::Kind::Native);
    f->arity = arity;
    f->native = fn;
    f->env = std::move(env);
    f->module = Atom::intern("Elixir.B");
    f->name = Atom::intern("fun");
    return Term::adopt(f);
}

Co<Term> fn_value(ProcessContext&, std::span<const Term>, const FunObject& f) {
    co_return f.env[0];
}
Co<Term> fn_double(ProcessContext&, std::span<const Term>, const FunObject& f) {
    co_return Term::integer(f.env[0].as_integer() * 2);
}
Co<Term> fn_identity(ProcessContext&, std::span<const Term> a, const FunObject&) {
    co_return a[0];
}
Co<Term> reducer_cont(ProcessContext&, std::span<const Term>, const FunObject&) {
    co_return Term::tuple({atom_term("cont"), Term::nil()});
}

using Workload = std::function<Co<void>(ProcessContext&, int64_t n)>;

Co<void> main_body(ProcessContext& ctx, Workload w, int64_t n) {
    co_await w(ctx, n);
}

void run_workload(benchmark::State& state, Workload w, int64_t n, bool recording) {
    for (auto _ : state) {
        CountingSink sink;
        RuntimeOptions o;
        o.schedulers = 8;
        o.events = recording ? &sink : nullptr;
        Runtime rt(o);
        register_otp(rt.code());
        SpawnResult r = rt.spawn([w, n](ProcessContext& ctx) { return main_body(ctx, w, n); });
        rt.run_until_exit(r.pid);
        benchmark::DoNotOptimize(sink.count);
    }
    state.counters["us_per_op"] = benchmark::Counter(
        static_cast<double>(n) * 1e-6,
        benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// for i <- 1..100_000, do: Task.await(Task.async(fn -> i end))
Co<void> async_await_seq(ProcessContext& ctx, int64_t n) {
    for (int64_t i = 1; i <= n; ++i) {
        Term task = task_async(ctx, native(0, fn_value, {Term::integer(i)}));
        co_await task_await(ctx, task);
    }
}

// 1..100_000 |> Enum.map(&Task.async(fn -> &1 * 2 end)) |> Task.await_many()
Co<void> async_await_many(ProcessContext& ctx, int64_t n) {
    std::vector<Term> tasks;
    tasks.reserve(static_cast<size_t>(n));
    for (int64_t i = 1; i <= n; ++i)
        tasks.push_back(task_async(ctx, native(0, fn_double, {Term::integer(i)})));
    co_await task_await_many(ctx, Term::list(std::span(tasks)));
}

// 1..100_000 |> Task.async_stream(fn i -> i end, max_concurrency: 8) |> Stream.run()
Co<void> async_stream(ProcessContext& ctx, int64_t n) {
    Term range = Term::map({{atom_term("__struct__"), atom_term("Elixir.Range")},
                            {atom_term("first"), Term::integer(1)},
                            {atom_term("last"), Term::integer(n)},
                            {atom_term("step"), Term::integer(1)}});
    Term options = Term::list({Term::tuple({atom_term("max_concurrency"), Term::integer(8)})});
    Term stream = task_async_stream(ctx, range, native(1, fn_identity, {}), options);
    std::vector<Term> args{Term::tuple({atom_term("cont"), Term::nil()}),
                           native(2, reducer_cont, {})};
    co_await ctx.runtime().code().call_fun(ctx, stream, std::move(args));
}

// {:ok, sup} = Task.Supervisor.start_link(); for i <- 1..n, do:
// Task.await(Task.Supervisor.async_nolink(sup, fn -> i end))
Co<void> supervisor_async_nolink(ProcessContext& ctx, int64_t n) {
    Term sup = co_await task_supervisor_start_link(ctx, Term::empty_list());
    const Atom tsup = Atom::intern("Elixir.Task.Supervisor");
    const Atom async_nolink = Atom::intern("async_nolink");
    for (int64_t i = 1; i <= n; ++i) {
        std::vector<Term> args{sup.element(1), native(0, fn_value, {Term::integer(i)})};
        Term task = co_await ctx.runtime().code().apply(ctx, tsup, async_nolink, std::move(args));
        co_await task_await(ctx, task);
    }
}

// Crasher: a GenServer whose init sends :started to its parent.
Co<Term> crasher_start_link(ProcessContext& ctx, std::span<const Term> a) {
    co_return co_await gen_server_start(ctx, Atom::intern("Elixir.Crasher"), a[0],
                                        Term::empty_list(), true);
}
Co<Term> crasher_init(ProcessContext& ctx, std::span<const Term> a) {
    ctx.send(a[0].as_pid(), atom_term("started"));
    co_return Term::tuple({atom_term("ok"), a[0]});
}

Co<void> supervisor_restart(ProcessContext& ctx, int64_t n) {
    auto& code = ctx.runtime().code();
    code.register_native(Atom::intern("Elixir.Crasher"), Atom::intern("start_link"), 1,
                         crasher_start_link);
    code.register_native(Atom::intern("Elixir.Crasher"), Atom::intern("init"), 1, crasher_init);
    Term spec = Term::map(
        {{atom_term("id"), atom_term("c")},
         {atom_term("start"), Term::tuple({atom_term("Elixir.Crasher"), atom_term("start_link"),
                                           Term::list({Term::pid(ctx.self())})})},
         {atom_term("restart"), atom_term("permanent")}});
    Term options = Term::list({Term::tuple({atom_term("strategy"), atom_term("one_for_one")}),
                               Term::tuple({atom_term("max_restarts"), Term::integer(1'000'000)}),
                               Term::tuple({atom_term("max_seconds"), Term::integer(1)})});
    Term children = Term::list({spec});
    Term sup = co_await supervisor_start_link(ctx, children, options);
    auto started = [](const Term& m) { return m.is_atom(Atom::intern("started")); };
    co_await ctx.receive(started, Timeout::infinity());
    const Atom supervisor = Atom::intern("Elixir.Supervisor");
    const Atom which = Atom::intern("which_children");
    for (int64_t i = 0; i < n; ++i) {
        std::vector<Term> args{sup.element(1)};
        Term children_now = co_await code.apply(ctx, supervisor, which, std::move(args));
        ctx.exit(children_now.head().element(1).as_pid(), Term::atom(atom::kill));
        co_await ctx.receive(started, Timeout::infinity());
    }
    ctx.unlink(sup.element(1).as_pid());
    ctx.exit(sup.element(1).as_pid(), Term::atom(atom::kill));
}

void BM_TaskAsyncAwaitSeq(benchmark::State& s) {
    run_workload(s, async_await_seq, 100'000, s.range(0));
}
void BM_TaskAsyncAwaitMany(benchmark::State& s) {
    run_workload(s, async_await_many, 100'000, s.range(0));
}
void BM_AsyncStream(benchmark::State& s) {
    run_workload(s, async_stream, 100'000, s.range(0));
}
void BM_TaskSupervisorAsyncNolink(benchmark::State& s) {
    run_workload(s, supervisor_async_nolink, 100'000, s.range(0));
}
void BM_SupervisorRestart(benchmark::State& s) {
    run_workload(s, supervisor_restart, 20'000, s.range(0));
}

BENCHMARK(BM_TaskAsyncAwaitSeq)
    ->ArgName("recording")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TaskAsyncAwaitMany)
    ->ArgName("recording")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AsyncStream)->ArgName("recording")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TaskSupervisorAsyncNolink)
    ->ArgName("recording")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SupervisorRestart)
    ->ArgName("recording")
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tasklens::otp
