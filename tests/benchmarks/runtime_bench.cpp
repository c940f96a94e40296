// Runtime benchmarks, side by side with /work/shared/perf/beam_baseline.exs (see
// docs/performance.md, "Runtime"). Each runs with event recording off (/0) and on (/1); "on"
// appends every event to a vector, as the GUI's batching subscriber would.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdlib>
#include <new>
#include <vector>

#include "engine/runtime/runtime.h"

// --- heap accounting -------------------------------------------------------------------------
// Every allocation of the benchmark binary goes through these, so the idle-process benchmark can
// count exactly what a process costs: usable bytes plus the allocator's 8-byte chunk header.
namespace {
bool g_counting = false;   // only while measuring: malloc_usable_size costs time
int64_t g_live_bytes = 0;  // signed: a block from before the window may be freed in it
int64_t g_live_blocks = 0;
constexpr size_t kChunkHeader = 8;

void* counted_alloc(size_t n) {
    void* p = std::malloc(n ? n : 1);
    if (!p) throw std::bad_alloc();
    if (g_counting) {
        g_live_bytes += static_cast<int64_t>(malloc_usable_size(p) + kChunkHeader);
        ++g_live_blocks;
    }
    return p;
}
void counted_free(void* p) noexcept {
    if (!p) return;
    if (g_counting) {
        g_live_bytes -= static_cast<int64_t>(malloc_usable_size(p) + kChunkHeader);
        --g_live_blocks;
    }
    std::free(p);
}
}  // namespace

void* operator new(size_t n) {
    return counted_alloc(n);
}
void* operator new[](size_t n) {
    return counted_alloc(n);
}
void* operator new(size_t n, const std::nothrow_t&) noexcept {
    try {
        return counted_alloc(n);
    } catch (...) {
        return nullptr;
    }
}
void operator delete(void* p) noexcept {
    counted_free(p);
}
void operator delete[](void* p) noexcept {
    counted_free(p);
}
void operator delete(void* p, size_t) noexcept {
    counted_free(p);
}
void operator delete[](void* p, size_t) noexcept {
    counted_free(p);
}

namespace tasklens {
namespace {

// The recording sink lives across iterations and is cleared (capacity kept) before each: like
// the GUI's batching subscriber, which recycles its batch buffers, it pays for storing events,
// not for the kernel first-touching fresh pages (see docs/performance.md).
struct VectorSink : trace::EventSink {
    std::vector<trace::Event> events;
    void on_event(const trace::Event& event) override { events.push_back(event); }
};

/// Faults in and keeps capacity for `n` events, outside the timed region.
void warm(VectorSink& sink, size_t n) {
    if (sink.events.capacity() >= n) return;
    sink.events.resize(n);
    sink.events.clear();
}

RuntimeOptions bench_options(trace::EventSink* sink) {
    RuntimeOptions options;
    options.schedulers = 2;  // as the BEAM baseline machine
    options.events = sink;
    return options;
}

void report_per_op(benchmark::State& state, int64_t ops_per_iteration) {
    state.SetItemsProcessed(state.iterations() * ops_per_iteration);
    state.counters["per_op"] =
        benchmark::Counter(static_cast<double>(state.iterations() * ops_per_iteration),
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

bool is_ref(const Term& m, size_t index, Ref r) {
    return m.is_tuple() && m.tuple_size() > index && m.element(index).is_reference() &&
           m.element(index).as_reference() == r;
}

// spawn_monitor(fn -> :ok end) × n, then receive each {:DOWN, ^r, ...}: BEAM 3.1 µs per process.
void BM_SpawnExitDown(benchmark::State& state) {
    constexpr int kBatch = 20'000;
    const bool record = state.range(0) != 0;
    auto sink = std::make_unique<VectorSink>();
    if (record) warm(*sink, kBatch * 16);
    for (auto _ : state) {
        state.PauseTiming();
        sink->events.clear();
        auto rt = std::make_unique<Runtime>(bench_options(record ? sink.get() : nullptr));
        state.ResumeTiming();
        rt->spawn([](ProcessContext& ctx) -> Co<void> {
            std::vector<Ref> refs;
            refs.reserve(kBatch);
            for (int k = 0; k < kBatch; ++k)
                refs.push_back(
                    ctx.spawn([](ProcessContext&) -> Co<void> { co_return; }, {.monitor = true})
                        .monitor);
            for (Ref r : refs)
                co_await ctx.receive([r](const Term& m) { return is_ref(m, 1, r); },
                                     Timeout::infinity());
        });
        rt->run();
        state.PauseTiming();
        rt.reset();
        state.ResumeTiming();
    }
    report_per_op(state, kBatch);
}
BENCHMARK(BM_SpawnExitDown)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// send(p, {:ping, self()}); receive :pong — BEAM 348 ns per round trip.
void BM_MessageRoundTrip(benchmark::State& state) {
    constexpr int kRounds = 100'000;
    const bool record = state.range(0) != 0;
    auto sink = std::make_unique<VectorSink>();
    if (record) warm(*sink, kRounds * 16);
    for (auto _ : state) {
        state.PauseTiming();
        sink->events.clear();
        auto rt = std::make_unique<Runtime>(bench_options(record ? sink.get() : nullptr));
        state.ResumeTiming();
        auto ponger = rt->spawn([](ProcessContext& ctx) -> Co<void> {
            for (;;) {
                auto m =
                    co_await ctx.receive([](const Term&) { return true; }, Timeout::infinity());
                if (!m->is_tuple(2)) co_return;
                ctx.send(m->element(1).as_pid(), Term::atom(atom::ok));
            }
        });
        rt->spawn([ponger](ProcessContext& ctx) -> Co<void> {
            static const Atom ping = Atom::intern("ping");
            Term request = Term::tuple({Term::atom(ping), Term::pid(ctx.self())});
            for (int k = 0; k < kRounds; ++k) {
                ctx.send(ponger.pid, request);
                co_await ctx.receive([](const Term& m) { return m.is_atom(atom::ok); },
                                     Timeout::infinity());
            }
            ctx.send(ponger.pid, Term::atom(atom::exit));
        });
        rt->run();
        state.PauseTiming();
        rt.reset();
        state.ResumeTiming();
    }
    report_per_op(state, kRounds);
}
BENCHMARK(BM_MessageRoundTrip)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

Co<void> relay(ProcessContext& ctx, Pid next) {
    for (;;) {
        auto m =
            co_await ctx.receive([](const Term& t) { return t.is_tuple(2); }, Timeout::infinity());
        int64_t left = m->element(1).as_integer();
        ctx.send(next, Term::tuple({m->element(0), Term::integer(left > 0 ? left - 1 : 0)}));
        if (left == 0) co_return;
    }
}

// beam_baseline.exs's ring_10k_x100_msgs, as written: spawn 10k relays in a chain ending at the
// caller, send the token in, and wait for it to come back. The token reaches the caller after
// 10k hops (the caller does not relay it), so this times 10k spawns + 10k hops, divided by 1M
// as the script divides: BEAM 31 ns "per hop".
void BM_RingAsInBeamBaseline(benchmark::State& state) {
    constexpr int kProcesses = 10'000;
    constexpr int kRounds = 100;
    const bool record = state.range(0) != 0;
    auto sink = std::make_unique<VectorSink>();
    if (record) warm(*sink, kProcesses * 16);
    for (auto _ : state) {
        state.PauseTiming();
        sink->events.clear();
        auto rt = std::make_unique<Runtime>(bench_options(record ? sink.get() : nullptr));
        state.ResumeTiming();
        rt->spawn([](ProcessContext& ctx) -> Co<void> {
            static const Atom token = Atom::intern("token");
            Pid last = ctx.self();
            for (int k = 0; k < kProcesses; ++k)
                last = ctx.spawn([next = last](ProcessContext& c) { return relay(c, next); }).pid;
            ctx.send(last, Term::tuple({Term::atom(token), Term::integer(kProcesses * kRounds)}));
            co_await ctx.receive([](const Term& m) { return m.is_tuple(2); }, Timeout::infinity());
        });
        rt->run();
        state.PauseTiming();
        rt.reset();
        state.ResumeTiming();
    }
    report_per_op(state, int64_t{kProcesses} * kRounds);
}
BENCHMARK(BM_RingAsInBeamBaseline)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// A true ring: 10k relays in a cycle pass the token 1M times; per hop, setup not timed.
void BM_RingHopOnly(benchmark::State& state) {
    constexpr int kProcesses = 10'000;
    const bool record = state.range(0) != 0;
    // Recording keeps ~7 events (670 bytes) per hop: fewer hops keep the buffer in memory.
    const int kHops = record ? 200'000 : 1'000'000;
    auto sink = std::make_unique<VectorSink>();
    if (record) warm(*sink, static_cast<size_t>(kHops) * 8 + kProcesses * 8);
    for (auto _ : state) {
        state.PauseTiming();
        sink->events.clear();
        auto rt = std::make_unique<Runtime>(bench_options(record ? sink.get() : nullptr));
        Pid first_pid;
        Pid starter;
        auto closer = rt->spawn([&first_pid](ProcessContext& ctx) -> Co<void> {
            for (;;) {
                auto m =
                    co_await ctx.receive([](const Term&) { return true; }, Timeout::infinity());
                if (m->element(1).as_integer() == 0) co_return;
                ctx.send(first_pid, *m);
            }
        });
        rt->spawn([&first_pid, closer](ProcessContext& ctx) -> Co<void> {
            Pid next = closer.pid;
            for (int k = 0; k < kProcesses - 1; ++k)
                next = ctx.spawn([n = next](ProcessContext& c) { return relay(c, n); }).pid;
            first_pid = next;
            co_return;
        });
        rt->run();  // the ring is built and every relay waits
        rt->send(first_pid, Term::tuple({Term::atom("token"), Term::integer(kHops)}));
        state.ResumeTiming();
        rt->run();
        state.PauseTiming();
        rt.reset();
        state.ResumeTiming();
    }
    report_per_op(state, kHops);
}
BENCHMARK(BM_RingHopOnly)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// spawn(fn -> receive do :x -> :ok end end) × 100k: heap bytes per idle process, including its
// coroutine frames, its process record and its share of the process table. BEAM: 2,675 bytes.
void BM_IdleProcessMemory(benchmark::State& state) {
    constexpr int kProcesses = 100'000;
    double bytes_per_process = 0;
    double blocks_per_process = 0;
    for (auto _ : state) {
        // Frames cached by earlier benchmarks would be reused without passing through the
        // counter: start from an empty cache so every frame of these processes is counted.
        detail::FrameCache::release();
        Runtime rt(bench_options(nullptr));
        g_counting = true;
        int64_t bytes_before = g_live_bytes;
        int64_t blocks_before = g_live_blocks;
        rt.spawn([](ProcessContext& ctx) -> Co<void> {
            static const Atom x = Atom::intern("x");
            for (int k = 0; k < kProcesses; ++k)
                ctx.spawn([](ProcessContext& c) -> Co<void> {
                    co_await c.receive([](const Term& m) { return m.is_atom(x); },
                                       Timeout::infinity());
                });
            co_return;
        });
        rt.run();
        bytes_per_process = static_cast<double>(g_live_bytes - bytes_before) / kProcesses;
        blocks_per_process = static_cast<double>(g_live_blocks - blocks_before) / kProcesses;
        g_counting = false;
        // Blocks allocated while counting may be freed after it: keep the totals balanced.
        g_live_bytes = g_live_blocks = 0;
    }
    state.counters["bytes_per_process"] = bytes_per_process;
    state.counters["allocations_per_process"] = blocks_per_process;
}
BENCHMARK(BM_IdleProcessMemory)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace tasklens
