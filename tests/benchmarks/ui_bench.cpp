// Painting the timeline offscreen: 1M spans over 10k lanes at 1600x900 (target: 50 ms a frame).
#include <benchmark/benchmark.h>
#include <QApplication>
#include <QImage>
#include <memory>

#include "ui/timeline_plot.h"
#include "ui/view_state.h"

namespace tasklens::ui {
namespace {

QApplication& application() {
    // One application per process: the UI and scale benchmarks share whichever was made first
    // (a second QApplication is undefined behaviour and crashed the benchmark at exit).
    if (auto* existing = qobject_cast<QApplication*>(QCoreApplication::instance()))
        return *existing;
    static int argc = 1;
    static char name[] = "tasklens-bench";
    static char* argv[] = {name, nullptr};
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    // Never destroyed: ~QApplication at static-destruction time tears down native windows after
    // Qt's thread storage is gone, which segfaulted the benchmark at exit.
    static QApplication* app = new QApplication(argc, argv);
    return *app;
}

/// 10k lanes of 100 spans each with irregular lengths (1 µs .. 2 ms), a timeout window every tenth
/// span, and a message arrow between neighbouring lanes every few spans.
std::shared_ptr<TimelineData> millionSpans() {
    constexpr int kLanes = 10'000;
    constexpr int kSpansPerLane = 100;
    uint64_t seed = 42;
    auto next = [&seed] {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        return seed >> 33;
    };
    TimelineDataBuilder builder({0, 100'000'000});
    for (int lane = 0; lane < kLanes; ++lane) {
        Lane info;
        info.process.pid = Pid{0, uint32_t(1000 + lane)};
        info.process.initial_call = "Task.Supervisor.async_nolink/3 fn";
        info.process.role = lane % 100 == 0 ? ProcessRole::Supervisor : ProcessRole::Task;
        info.depth = lane % 100 == 0 ? 0 : 1;
        builder.addLane(info);
        int64_t t = int64_t(next() % 1'000'000);
        for (int s = 0; s < kSpansPerLane; ++s) {
            const int64_t length = 1 + int64_t(next() % 2000);
            builder.addSpan({t, t + length, SpanState(next() % kSpanStateCount)});
            if (s % 10 == 0)
                builder.addWait({t, t + 5000, t + length, trace::WaitKind::TaskAwait,
                                 trace::WaitOutcome::Message});
            if (s % 4 == 0 && lane + 1 < kLanes)
                builder.addArrow({t, t + 100, lane, lane + 1, ArrowKind::Message, ":ping"});
            t += length + int64_t(next() % 1'000'000);
        }
    }
    return std::make_shared<TimelineData>(builder.finish());
}

void paintTimeline(benchmark::State& state, bool zoomed) {
    application();
    static const std::shared_ptr<TimelineData> data = millionSpans();
    TimelinePlot plot;
    plot.setTimelineData(data);
    const QSize size(1600, 900);
    plot.resize(size);
    if (zoomed) plot.viewState()->setVisibleWindow({40'000'000, 41'000'000});
    plot.setFirstLane(5000);
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    for (auto _ : state) {
        image.fill(Qt::white);
        QCPPainter painter(&image);
        plot.renderTo(painter, size);
        painter.end();
        benchmark::DoNotOptimize(image.bits());
    }
    const auto& stats = plot.lastDrawStats();
    state.counters["lanes"] = stats.lanes_drawn;
    state.counters["spans"] = stats.spans_drawn;
    state.counters["folded"] = stats.folded_marks;
    state.counters["arrows"] = stats.arrows_drawn;
    state.counters["total_spans"] = double(data->spanCount());
}

void BM_TimelinePaint_1MSpans_10kLanes_WholeRun(benchmark::State& state) {
    paintTimeline(state, false);
}
void BM_TimelinePaint_1MSpans_10kLanes_Zoomed1ms(benchmark::State& state) {
    paintTimeline(state, true);
}
BENCHMARK(BM_TimelinePaint_1MSpans_10kLanes_WholeRun)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TimelinePaint_1MSpans_10kLanes_Zoomed1ms)->Unit(benchmark::kMillisecond);

void BM_TimelineBuild_1MSpans(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(millionSpans());
}
BENCHMARK(BM_TimelineBuild_1MSpans)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace tasklens::ui
