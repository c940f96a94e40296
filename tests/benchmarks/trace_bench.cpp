// Benchmarks of engine/trace: building the model, its memory per event, JSONL write/read.
#include <benchmark/benchmark.h>

#include <sstream>
#include <string>
#include <vector>

#include "engine/trace/trace_file.h"
#include "engine/trace/trace_model.h"
#include "engine/trace/trace_writer.h"

namespace tasklens::trace {
namespace {

/// A synthetic run shaped like a Task.Supervisor farm: main (0.1) starts tasks under a task
/// supervisor (0.2); each task is monitored, calls one of eight GenServers (0.3..0.10), gets the
/// reply, sends its result to main and exits; main receives it and the DOWN. `concurrency` tasks
/// are in flight at a time (their steps interleave). 24 events per task.
class SyntheticRun {
  public:
    explicit SyntheticRun(size_t concurrency) : concurrency_(concurrency) {}

    std::vector<Event> make(size_t count) {
        std::vector<Event> events;
        events.reserve(count + 32 * concurrency_);
        while (events.size() < count) wave(events);
        events.resize(count);
        return events;
    }

  private:
    Event& add(std::vector<Event>& out, EventKind kind, uint32_t who, uint32_t peer) {
        Event& e = out.emplace_back();
        e.seq = seq_++;
        time_ += 1 + (seq_ % 3);
        e.time_us = time_;
        e.kind = kind;
        e.pid = Pid{0, who};
        if (peer != 0) e.peer = Pid{0, peer};
        return e;
    }
    void state(std::vector<Event>& out, uint32_t who, ProcessState s) {
        add(out, EventKind::StateChange, who, 0).state = s;
    }

    void wave(std::vector<Event>& out) {
        const uint32_t first = next_serial_;
        next_serial_ += static_cast<uint32_t>(concurrency_);
        auto each = [&](auto&& step) {
            for (uint32_t k = 0; k < concurrency_; ++k) step(first + k, 3 + (first + k) % 8);
        };
        const std::string work[] = {"{:work, 1}", "{:work, 2}", "{:work, 3}", "{:work, 4}"};
        each([&](uint32_t task, uint32_t) {
            add(out, EventKind::Spawn, task, 2).text = "Task.async/1";
            out.back().flags = FlagLinked;
            add(out, EventKind::Caller, task, 1);
            add(out, EventKind::Monitor, 1, task).ref.id = uint64_t{task} * 2;
            state(out, task, ProcessState::Runnable);
        });
        each([&](uint32_t task, uint32_t server) {
            state(out, task, ProcessState::Running);
            add(out, EventKind::Send, task, server).text = work[task % 4];
            Event& wait = add(out, EventKind::WaitStart, task, server);
            wait.wait_kind = WaitKind::GenServerCall;
            wait.deadline_us = time_ + 5000;
            wait.ref.id = uint64_t{task} * 2 + 1;
            state(out, task, ProcessState::Waiting);
        });
        each([&](uint32_t task, uint32_t server) {
            state(out, server, ProcessState::Running);
            add(out, EventKind::Receive, server, task).text = work[task % 4];
            add(out, EventKind::Reply, server, task).ref.id = uint64_t{task} * 2 + 1;
            state(out, server, ProcessState::Waiting);
        });
        each([&](uint32_t task, uint32_t) {
            add(out, EventKind::WaitEnd, task, 0).wait_outcome = WaitOutcome::Message;
            state(out, task, ProcessState::Running);
            add(out, EventKind::Send, task, 1).text = "{:done, :ok}";
            state(out, task, ProcessState::Exiting);
            Event& exit = add(out, EventKind::Exit, task, 0);
            exit.text = ":normal";
            exit.reason_class = ExitReasonClass::Normal;
        });
        each([&](uint32_t task, uint32_t) {
            add(out, EventKind::Receive, 1, task).text = "{:done, :ok}";
            Event& down = add(out, EventKind::Down, 1, task);
            down.ref.id = uint64_t{task} * 2;
            down.text = ":normal";
            if (task % 64 == 0) add(out, EventKind::Console, 1, 0).text = "progress";
        });
    }

    size_t concurrency_;
    uint64_t seq_ = 0;
    int64_t time_ = 0;
    uint32_t next_serial_ = 11;
};

const std::vector<Event>& synthetic_events(size_t count) {
    static std::vector<Event> events;
    if (events.size() != count) events = SyntheticRun(256).make(count);
    return events;
}

void BM_TraceModelBuild(benchmark::State& state) {
    const auto& events = synthetic_events(static_cast<size_t>(state.range(0)));
    size_t bytes = 0;
    for (auto _ : state) {
        TraceModel model(events);
        benchmark::DoNotOptimize(model.event_count());
        state.PauseTiming();
        bytes = model.memory_bytes();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events.size()));
    state.counters["bytes_per_event"] =
        static_cast<double>(bytes) / static_cast<double>(events.size());
}
BENCHMARK(BM_TraceModelBuild)->Arg(10'000'000)->Iterations(2)->Unit(benchmark::kMillisecond);

void BM_TraceModelAppendIncrementally(benchmark::State& state) {
    // The GUI thread's path: batches of 4096 events appended to a live model.
    const auto& events = synthetic_events(static_cast<size_t>(state.range(0)));
    const std::span<const Event> all(events);
    size_t bytes = 0;
    for (auto _ : state) {
        TraceModel model;
        for (size_t i = 0; i < all.size(); i += 4096)
            model.append(all.subspan(i, std::min<size_t>(4096, all.size() - i)));
        benchmark::DoNotOptimize(model.event_count());
        state.PauseTiming();
        bytes = model.memory_bytes();  // live: with the spare capacity of growing arrays
        state.ResumeTiming();
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events.size()));
    state.counters["bytes_per_event"] =
        static_cast<double>(bytes) / static_cast<double>(events.size());
}
BENCHMARK(BM_TraceModelAppendIncrementally)
    ->Arg(10'000'000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

void BM_TraceModelQueries(benchmark::State& state) {
    const auto& events = synthetic_events(10'000'000);
    static const TraceModel model(events);
    const int64_t span = model.end_time() - model.start_time();
    uint64_t i = 0;
    for (auto _ : state) {
        // A frame: a 1 ms window somewhere, the states of 64 lanes, the arrows, one series.
        const int64_t t0 = model.start_time() + static_cast<int64_t>((i++ * 7919) % span);
        const int64_t t1 = t0 + 1000;
        size_t found = 0;
        for (ProcessIndex p = 0; p < 64; ++p)
            found += model.states_in((p * 997 + i) % model.process_count(), t0, t1).size();
        found += model.arrows_in(t0, t1).size();
        found += model.series_in(Series::TasksInFlight, t0, t1).size();
        benchmark::DoNotOptimize(found);
    }
}
BENCHMARK(BM_TraceModelQueries);

const std::string& synthetic_file(size_t count) {
    static std::string text;
    if (text.empty()) {
        std::ostringstream out;
        write_trace(out, RunInfo{"synthetic", 8, "2026-01-01T00:00:00Z", "0.1.0", 1},
                    std::span(synthetic_events(10'000'000)).first(count));
        text = out.str();
    }
    return text;
}

void BM_TraceFileWrite(benchmark::State& state) {
    const auto events =
        std::span(synthetic_events(10'000'000)).first(static_cast<size_t>(state.range(0)));
    size_t bytes = 0;
    for (auto _ : state) {
        std::ostringstream out;
        write_trace(out, RunInfo{}, events);
        bytes = out.tellp();
        benchmark::DoNotOptimize(bytes);
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events.size()));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
    state.counters["bytes_per_line"] =
        static_cast<double>(bytes) / static_cast<double>(events.size());
}
BENCHMARK(BM_TraceFileWrite)->Arg(1'000'000)->Iterations(3)->Unit(benchmark::kMillisecond);

// The line formatter alone, as the trace writer drives it: lines appended into one buffer that
// is handed on (here: dropped) every 64 KiB.
void BM_TraceEventLines(benchmark::State& state) {
    const auto events =
        std::span(synthetic_events(10'000'000)).first(static_cast<size_t>(state.range(0)));
    EventLineBuffer buffer;
    size_t bytes = 0;
    for (auto _ : state) {
        for (const Event& event : events) {
            buffer.append_line(event);
            if (buffer.size() >= (size_t{64} << 10)) {
                bytes += buffer.size();
                benchmark::DoNotOptimize(buffer.bytes().data());
                buffer.clear();
            }
        }
        bytes += buffer.size();
        buffer.clear();
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events.size()));
    state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_TraceEventLines)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_TraceFileRead(benchmark::State& state) {
    const std::string& text = synthetic_file(static_cast<size_t>(state.range(0)));
    size_t events = 0;
    for (auto _ : state) {
        std::istringstream in(text);
        const TraceFile file = read_trace(in, "synthetic.jsonl");
        if (!file.ok()) state.SkipWithError(file.error->what().c_str());
        events = file.events.size();
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events));
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_TraceFileRead)->Arg(1'000'000)->Iterations(2)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tasklens::trace
