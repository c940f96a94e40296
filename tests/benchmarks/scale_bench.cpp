// The budgets of issue 13, measured on a generated scenario trace of 100k processes and ~2M
// events (docs/performance.md, "Scale"): loading JSONL into the model, `export --timeline`, and
// the real MainWindow offscreen driven like a user (open, scrub, zoom, pan, hover), with the
// resident memory after opening. The trace is written once per benchmark process to a temporary
// file.
#include <benchmark/benchmark.h>
#include <QApplication>
#include <QDir>
#include <QMouseEvent>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <QTimer>
#include <algorithm>
#include <ctime>
#include <fstream>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "engine/trace/trace_binary.h"
#include "engine/trace/trace_file.h"
#include "ui/export_options.h"
#include "ui/image_export.h"
#include "ui/main_window.h"
#include "ui/run_controller.h"
#include "ui/timeline_plot.h"
#include "ui/trace_adapter.h"
#include "ui/tree_view.h"
#include "ui/view_state.h"

namespace tasklens {
namespace {

using trace::Event;
using trace::EventKind;
using trace::ProcessState;

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

/// The scenario of tests/benchmarks/scenarios/tasks_100k.exs, generated directly: main (0.1)
/// starts 100,000 tasks under a Task.Supervisor (0.2), 20 µs apart, monitors each and sends it
/// :go; each runs, receives :go, sleeps a pseudo-random 1..997 ms, runs again, sends main its
/// result and exits; 50 crash. Main receives each result and DOWN; the supervisor traps each
/// exit. 21 events per task: ~2.1M events.
struct ScaleTrace {
    std::string path;
    uint64_t events = 0;
    uint64_t processes = 0;
    uint64_t bytes = 0;
};

/// A trace generated earlier at `path` (TASKLENS_SCALE_TRACE), counted instead of regenerated.
std::optional<ScaleTrace> reuseScaleTrace(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    ScaleTrace result;
    result.path = path;
    std::vector<char> chunk(size_t{1} << 20);
    uint64_t lines = 0;
    while (in.read(chunk.data(), std::streamsize(chunk.size())) || in.gcount() > 0) {
        const auto got = size_t(in.gcount());
        lines += uint64_t(std::count(chunk.begin(), chunk.begin() + ptrdiff_t(got), '\n'));
        result.bytes += got;
    }
    if (lines < 2) return std::nullopt;
    result.events = lines - 1;  // less the header
    result.processes = 100'000 + 2;
    return result;
}

const ScaleTrace& scaleTrace() {
    static QTemporaryDir dir;
    static const ScaleTrace trace = [] {
        // TASKLENS_SCALE_TRACE=/some/file.jsonl keeps the generated trace there and reuses it on
        // later runs (profiling the loader without regenerating 200 MB each time).
        const QString keep = qEnvironmentVariable("TASKLENS_SCALE_TRACE");
        if (!keep.isEmpty())
            if (auto reused = reuseScaleTrace(keep.toStdString())) return *reused;
        ScaleTrace result;
        result.path =
            keep.isEmpty()
                ? QDir(dir.path()).filePath(QStringLiteral("scale_100k.jsonl")).toStdString()
                : keep.toStdString();
        constexpr uint32_t kTasks = 100'000;
        struct Timed {
            int64_t t;
            uint32_t order;
            Event e;
        };
        std::vector<Timed> all;
        all.reserve(size_t{kTasks} * 20 + 16);
        uint32_t order = 0;
        auto add = [&](int64_t t, EventKind kind, uint32_t who, uint32_t peer) -> Event& {
            Timed& timed = all.emplace_back();
            timed.t = t;
            timed.order = order++;
            timed.e.kind = kind;
            timed.e.pid = Pid{0, who};
            if (peer != 0) timed.e.peer = Pid{0, peer};
            return timed.e;
        };
        auto state = [&](int64_t t, uint32_t who, ProcessState s) {
            add(t, EventKind::StateChange, who, 0).state = s;
        };
        add(0, EventKind::Spawn, 1, 0).text = "elixir_compiler_0.__FILE__/1";
        state(0, 1, ProcessState::Running);
        add(1, EventKind::Spawn, 2, 1).text = "Task.Supervisor.start_link/1";
        add(1, EventKind::Link, 1, 2);
        state(1, 2, ProcessState::Waiting);
        for (uint32_t i = 1; i <= kTasks; ++i) {
            const uint32_t task = 100 + i;
            const int64_t start = 10 + int64_t(i) * 20;  // 20 µs apart: ~2 s of starts
            const int64_t sleep = (int64_t(i) * 7919 % 997 + 1) * 1000;
            auto& spawn = add(start, EventKind::Spawn, task, 2);
            spawn.text = "Task.Supervised.invoke_mfa/2";
            spawn.flags = trace::FlagLinked;
            add(start, EventKind::ChildStart, 2, task).text = ":undefined";
            add(start, EventKind::Caller, task, 1).text = "Task fn in Worker.run/1";
            add(start, EventKind::Monitor, 1, task).ref.id = task;
            add(start, EventKind::Send, 1, task).text = ":go";
            state(start, task, ProcessState::Runnable);
            state(start + 2, task, ProcessState::Running);
            add(start + 3, EventKind::Receive, task, 1).text = ":go";
            state(start + 3, task, ProcessState::Runnable);
            state(start + 4, task, ProcessState::Running);
            add(start + 5, EventKind::Sleep, task, 0).deadline_us = start + 5 + sleep;
            state(start + 5, task, ProcessState::Sleeping);
            const int64_t wake = start + 5 + sleep;
            state(wake, task, ProcessState::Runnable);
            state(wake + 1, task, ProcessState::Running);
            const bool crash = i % 2'000 == 0;
            if (!crash) {
                add(wake + 3, EventKind::Send, task, 1).text = "{:done, " + std::to_string(i) + "}";
                add(wake + 4, EventKind::Receive, 1, task).text =
                    "{:done, " + std::to_string(i) + "}";
            }
            state(wake + 5, task, ProcessState::Exiting);
            auto& exit = add(wake + 5, EventKind::Exit, task, 0);
            exit.reason_class =
                crash ? trace::ExitReasonClass::Crash : trace::ExitReasonClass::Normal;
            exit.text =
                crash ? "{%RuntimeError{message: \"task " + std::to_string(i) + " failed\"}, [...]}"
                      : ":normal";
            auto& signal = add(wake + 5, EventKind::ExitSignal, 2, task);
            signal.disposition = trace::SignalDisposition::Trapped;
            signal.text = exit.text;
            auto& down = add(wake + 6, EventKind::Down, 1, task);
            down.ref.id = task;
            down.text = exit.text;
            add(wake + 6, EventKind::Receive, 2, task).text =
                "{:EXIT, #PID<0." + std::to_string(task) + ".0>, :normal}";
        }
        std::sort(all.begin(), all.end(), [](const Timed& a, const Timed& b) {
            return a.t != b.t ? a.t < b.t : a.order < b.order;
        });
        std::ofstream out(result.path, std::ios::binary);
        trace::RunInfo run;
        run.scenario = "tasks_100k (generated)";
        run.schedulers = 2;
        trace::TraceWriter writer(out, run);
        uint64_t seq = 0;
        for (Timed& timed : all) {
            timed.e.seq = seq++;
            timed.e.time_us = timed.t;
            writer.on_event(timed.e);
        }
        out.close();
        result.events = seq;
        result.processes = kTasks + 2;
        result.bytes = static_cast<uint64_t>(QFileInfo(QString::fromStdString(result.path)).size());
        return result;
    }();
    return trace;
}

/// The same trace in the binary format (docs/trace-format.md, "Binary traces"), converted once
/// next to the JSONL one (FILE.jsonl.tlb; reused when it exists, as TASKLENS_SCALE_TRACE is).
const ScaleTrace& scaleBinaryTrace() {
    static const ScaleTrace trace = [] {
        ScaleTrace result = scaleTrace();
        result.path += ".tlb";
        if (!QFileInfo::exists(QString::fromStdString(result.path))) {
            const trace::TraceFile file = trace::read_trace_file(scaleTrace().path);
            std::ofstream out(result.path, std::ios::binary | std::ios::trunc);
            trace::write_binary_trace(out, file.run, file.events);
        }
        result.bytes = static_cast<uint64_t>(QFileInfo(QString::fromStdString(result.path)).size());
        return result;
    }();
    return trace;
}

double processCpuMs() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

double residentMiB() {
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == "VmRSS:") {
            double kib = 0;
            status >> kib;
            return kib / 1024;
        }
        status.ignore(1 << 12, '\n');
    }
    return 0;
}

void addTraceCounters(benchmark::State& state) {
    const ScaleTrace& trace = scaleTrace();
    state.counters["events"] = double(trace.events);
    state.counters["processes"] = double(trace.processes);
    state.counters["trace_MB"] = double(trace.bytes) / 1e6;
}

// --- CLI -------------------------------------------------------------------------------------

// `load_trace_file` of a trace into the model, as `export` and the window's open do.
void loadIntoModel(benchmark::State& state, const ScaleTrace& trace) {
    size_t model_bytes = 0;
    for (auto _ : state) {
        const trace::LoadedTrace loaded = trace::load_trace_file(trace.path);
        if (!loaded.ok()) state.SkipWithError(loaded.error->what().c_str());
        model_bytes = loaded.model.memory_bytes();
        benchmark::DoNotOptimize(loaded.model.event_count());
    }
    addTraceCounters(state);
    state.counters["events_per_s"] = benchmark::Counter(
        double(trace.events) * double(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["model_MiB"] = double(model_bytes) / (1 << 20);
}

void BM_Scale_LoadJsonlIntoModel(benchmark::State& state) {
    loadIntoModel(state, scaleTrace());
}
// CPU time is the whole process's: the loader parses on a second thread.
BENCHMARK(BM_Scale_LoadJsonlIntoModel)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

void BM_Scale_LoadBinaryIntoModel(benchmark::State& state) {
    // The same events from the binary format: what parsing text costs, by difference.
    const ScaleTrace& trace = scaleBinaryTrace();
    loadIntoModel(state, trace);
    state.counters["binary_MB"] = double(trace.bytes) / 1e6;
}
BENCHMARK(BM_Scale_LoadBinaryIntoModel)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

void BM_Scale_ReadTraceFileThenModel(benchmark::State& state) {
    // What MainWindow::openTraceFile does today: a vector of events, then the model.
    const ScaleTrace& trace = scaleTrace();
    for (auto _ : state) {
        const trace::TraceFile file = trace::read_trace_file(trace.path);
        const trace::TraceModel model(file.events, file.run);
        benchmark::DoNotOptimize(model.event_count());
    }
    addTraceCounters(state);
    state.counters["events_per_s"] = benchmark::Counter(
        double(trace.events) * double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Scale_ReadTraceFileThenModel)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

// `tasklens export TRACE --timeline t.png`: load, build the view data, fold, paint, write.
void exportTimelineEndToEnd(benchmark::State& state, const ScaleTrace& trace) {
    QTemporaryDir dir;
    ui::ExportOptions options;
    options.timeline_path = QDir(dir.path()).filePath(QStringLiteral("timeline.png"));
    QString sink_text;
    QTextStream sink(&sink_text);
    for (auto _ : state) {
        const trace::LoadedTrace loaded = trace::load_trace_file(trace.path);
        if (ui::run_export_options(loaded.model, options, sink, sink) != ui::kExitOk)
            state.SkipWithError("export failed");
    }
    addTraceCounters(state);
}

void BM_Scale_ExportTimelineEndToEnd(benchmark::State& state) {
    application();
    exportTimelineEndToEnd(state, scaleTrace());
}
BENCHMARK(BM_Scale_ExportTimelineEndToEnd)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

void BM_Scale_ExportTimelineEndToEndBinary(benchmark::State& state) {
    application();
    exportTimelineEndToEnd(state, scaleBinaryTrace());
}
BENCHMARK(BM_Scale_ExportTimelineEndToEndBinary)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

void BM_Scale_ExportTimelineFromModel(benchmark::State& state) {
    application();
    static const trace::LoadedTrace loaded = trace::load_trace_file(scaleTrace().path);
    QTemporaryDir dir;
    ui::ExportOptions options;
    options.timeline_path = QDir(dir.path()).filePath(QStringLiteral("timeline.png"));
    QString sink_text;
    QTextStream sink(&sink_text);
    for (auto _ : state)
        if (ui::run_export_options(loaded.model, options, sink, sink) != ui::kExitOk)
            state.SkipWithError("export failed");
    addTraceCounters(state);
}
BENCHMARK(BM_Scale_ExportTimelineFromModel)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

// --- the window ------------------------------------------------------------------------------

/// One MainWindow, shown offscreen with the trace open, shared by the window benchmarks.
struct OpenWindow {
    std::unique_ptr<ui::MainWindow> window;  // released at exit, never deleted (see openWindow)
    ui::TimelinePlot* timeline = nullptr;
    ui::SupervisionTreeView* tree = nullptr;
    double open_ms = 0;
    double open_cpu_ms = 0;  ///< CPU time of the whole process while opening (one thread works)
    double rss_before_mib = 0;
    double rss_after_mib = 0;
};

/// TASKLENS_SCALE_OPEN_BINARY=1: the window benchmarks open the binary form of the trace.
const ScaleTrace& windowTrace() {
    return qEnvironmentVariableIsSet("TASKLENS_SCALE_OPEN_BINARY") ? scaleBinaryTrace()
                                                                   : scaleTrace();
}

OpenWindow& openWindow() {
    // Never destroyed: the window must not outlive the static QApplication's teardown.
    static OpenWindow& open = *new OpenWindow([] {
        application();
        OpenWindow w;
        const ScaleTrace& trace = windowTrace();
        w.rss_before_mib = residentMiB();
        w.window = std::make_unique<ui::MainWindow>();
        w.window->resize(1600, 1000);
        w.window->show();
        (void)QTest::qWaitForWindowExposed(w.window.get());
        QElapsedTimer timer;
        timer.start();
        const double cpu_start = processCpuMs();
        w.window->openTraceFile(QString::fromStdString(trace.path));
        QCoreApplication::processEvents();
        w.open_ms = double(timer.nsecsElapsed()) / 1e6;
        w.open_cpu_ms = processCpuMs() - cpu_start;
        w.rss_after_mib = residentMiB();
        w.timeline = w.window->findChild<ui::TimelinePlot*>();
        w.tree = w.window->findChild<ui::SupervisionTreeView*>();
        return w;
    }());
    return open;
}

/// Paints what changed, as the event loop would before the next frame.
void flushPaint(OpenWindow& w) {
    QCoreApplication::processEvents();
    if (w.timeline) w.timeline->replot(QCustomPlot::rpImmediateRefresh);
    if (w.tree) w.tree->repaint();
}

void BM_Scale_Window_OpenTrace(benchmark::State& state) {
    // Opening is measured once (the window keeps the trace for the benchmarks below).
    OpenWindow& w = openWindow();
    for (auto _ : state) state.SetIterationTime(w.open_ms / 1000);
    addTraceCounters(state);
    state.counters["open_ms"] = w.open_ms;
    state.counters["open_cpu_ms"] = w.open_cpu_ms;
    state.counters["rss_MiB_before"] = w.rss_before_mib;
    state.counters["rss_MiB_after"] = w.rss_after_mib;
    state.counters["timeline_lanes_drawn"] =
        w.timeline ? double(w.timeline->timelineData()->laneCount()) : 0;
}
BENCHMARK(BM_Scale_Window_OpenTrace)->UseManualTime()->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_Scale_Window_Scrub(benchmark::State& state) {
    OpenWindow& w = openWindow();
    ui::ViewState* view = w.window->viewState();
    const ui::TimeWindow run = view->traceWindow();
    int step = 0;
    for (auto _ : state) {
        // A slider click: the cursor jumps, every view follows and repaints.
        view->setCursorUs(run.begin_us + run.duration() * ((step++ * 37) % 100) / 100.0);
        flushPaint(w);
    }
    state.counters["tree_nodes_shown"] = w.tree ? double(w.tree->shownSnapshot().nodes.size()) : 0;
}
BENCHMARK(BM_Scale_Window_Scrub)->Unit(benchmark::kMillisecond)->Iterations(20)->UseRealTime();

void BM_Scale_Window_ZoomAndPan(benchmark::State& state) {
    OpenWindow& w = openWindow();
    ui::ViewState* view = w.window->viewState();
    view->showAll();
    flushPaint(w);
    int step = 0;
    for (auto _ : state) {
        const ui::TimeWindow shown = view->visibleWindow();
        const double centre = (shown.begin_us + shown.end_us) / 2;
        switch (step++ % 4) {
            case 0:
                view->zoomAround(centre, 1.6);
                break;
            case 1:
                view->pan(shown.duration() * 0.2);
                break;
            case 2:
                view->pan(-shown.duration() * 0.2);
                break;
            case 3:
                view->zoomAround(centre, 1 / 1.6);
                break;
        }
        flushPaint(w);
    }
    if (w.timeline) {
        const auto& stats = w.timeline->lastDrawStats();
        state.counters["lanes"] = stats.lanes_drawn;
        state.counters["groups"] = stats.groups_drawn;
        state.counters["arrows"] = stats.arrows_drawn;
        state.counters["arrows_folded"] = stats.arrows_folded;
    }
}
BENCHMARK(BM_Scale_Window_ZoomAndPan)->Unit(benchmark::kMillisecond)->Iterations(40)->UseRealTime();

void BM_Scale_Window_HoverTooltip(benchmark::State& state) {
    OpenWindow& w = openWindow();
    if (!w.timeline) {
        state.SkipWithError("no timeline");
        return;
    }
    w.window->viewState()->showAll();
    flushPaint(w);
    const QRect area = w.timeline->axisRect()->rect();
    int step = 0;
    size_t shown = 0;
    for (auto _ : state) {
        // A mouse move over the lanes: the plot works out and shows the tooltip.
        const QPoint at(area.left() + 5 + (step * 97) % std::max(1, area.width() - 10),
                        area.top() + 5 + (step * 31) % std::max(1, area.height() - 10));
        ++step;
        QMouseEvent move(QEvent::MouseMove, QPointF(at), w.timeline->mapToGlobal(QPointF(at)),
                         Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QCoreApplication::sendEvent(w.timeline, &move);
        shown += w.timeline->tooltipAt(QPointF(at)).isEmpty() ? 0 : 1;
    }
    state.counters["tooltips_with_text"] = double(shown);
}
BENCHMARK(BM_Scale_Window_HoverTooltip)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(50)
    ->UseRealTime();

double threadCpuMs() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

void BM_Scale_Window_LiveFrame(benchmark::State& state) {
    // A live run of the 100k-task scenario in a second window: the engine thread runs it while
    // the GUI thread draws. A frame = one tick of the live timer: the pump's batches go into the
    // model and every view catches up and repaints (MainWindow::refreshLiveViews). The one
    // iteration makes every frame of the run. Manual time = the mean over the run's frames of the
    // GUI thread's CPU time per frame (the engine runs on its own thread and must not be
    // counted); the worst frame, its index and its events, and the wall time are counters.
    application();
    // TASKLENS_LIVE_SCENARIO=x.exs runs another scenario (e.g. tasks_10k.exs);
    // TASKLENS_LIVE_SHOTS=dir saves the window every 40th frame and at the end of the run, to
    // look at what was measured.
    const QString scenario_path =
        qEnvironmentVariableIsSet("TASKLENS_LIVE_SCENARIO")
            ? qEnvironmentVariable("TASKLENS_LIVE_SCENARIO")
            : QStringLiteral(TASKLENS_SOURCE_DIR "/tests/benchmarks/scenarios/tasks_100k.exs");
    const QString shots = qEnvironmentVariable("TASKLENS_LIVE_SHOTS");
    QFile source(scenario_path);
    if (!source.open(QIODevice::ReadOnly)) {
        state.SkipWithError("scenario not found");
        return;
    }
    auto window = std::make_unique<ui::MainWindow>();
    window->resize(1600, 1000);
    window->show();
    (void)QTest::qWaitForWindowExposed(window.get());
    auto* timeline = window->findChild<ui::TimelinePlot*>();
    auto* tree = window->findChild<ui::SupervisionTreeView*>();
    window->runController()->start(QStringLiteral("tasks_100k.exs"),
                                   QString::fromUtf8(source.readAll()));
    // The benchmark makes the frames itself: the window's live timer would otherwise also fire
    // inside qWait and processEvents, and one iteration would hold several frames.
    if (auto* frame_timer = window->findChild<QTimer*>(QStringLiteral("liveFrameTimer")))
        frame_timer->stop();
    else
        state.SkipWithError("no live frame timer");
    // One iteration = the whole live run, frame by frame, until the run ends (at most
    // kMaxFrames): only frames made while it runs count (frames of the finished window are
    // another budget), and how many there are depends on how many events each takes in.
    constexpr int kMaxFrames = 3000;
    std::vector<double> frame_ms;
    double wall_total_ms = 0;
    double refresh_ms = 0, events_ms = 0, timeline_ms = 0, tree_ms = 0;
    int64_t worst_frame = 0;
    uint32_t worst_frame_events = 0;
    double live_wall_s = 0;
    // TASKLENS_LIVE_FRAME_LOG=file.csv writes each frame's phases, to see where a worst frame is.
    std::ofstream frame_log;
    if (qEnvironmentVariableIsSet("TASKLENS_LIVE_FRAME_LOG")) {
        frame_log.open(qEnvironmentVariable("TASKLENS_LIVE_FRAME_LOG").toStdString());
        frame_log << "frame,events_in_model,cpu_ms,refresh_ms,events_ms,timeline_ms,tree_ms\n";
    }
    const auto model = [&] { return window->runController()->pump()->model().get(); };
    auto running = [&] { return window->runController()->state() == ui::RunState::Running; };
    // The GUI thread's CPU time of the timeline's replots in a frame.
    double replot_ms = 0, replot_started = 0;
    QMetaObject::Connection before_replot, after_replot;
    if (timeline) {
        before_replot = QObject::connect(timeline, &QCustomPlot::beforeReplot,
                                         [&] { replot_started = threadCpuMs(); });
        after_replot = QObject::connect(timeline, &QCustomPlot::afterReplot,
                                        [&] { replot_ms += threadCpuMs() - replot_started; });
    }
    for (auto _ : state) {
        QElapsedTimer live;
        live.start();
        while (running() && int(frame_ms.size()) < kMaxFrames) {
            // What arrives between two frames (the live timer ticks every 50 ms). Nothing runs
            // on the GUI thread meanwhile: while a run goes on, the pump is drained by the
            // frames only.
            QTest::qWait(50);
            if (!running()) break;  // ended while waiting: that is not a live frame
            const uint32_t events_before = model()->event_count();
            QElapsedTimer wall;
            wall.start();
            const double cpu_start = threadCpuMs();
            window->refreshLiveViews();
            const double cpu_refreshed = threadCpuMs();
            // The timeline's replot is queued by the frame (QCustomPlot::rpQueuedReplot) and runs
            // here, with the tables' repaints, as in the window. (Until session 9 the benchmark
            // also replotted it itself after this: the queued replot still ran, so every frame
            // drew the timeline twice.)
            replot_ms = 0;
            QCoreApplication::processEvents();
            const double cpu_events = threadCpuMs() - replot_ms;
            const double cpu_timeline = cpu_events + replot_ms;
            if (tree) tree->repaint();
            const double cpu_ms = threadCpuMs() - cpu_start;
            // Where the frame went, so a profile can start from the phase that dominates.
            refresh_ms += cpu_refreshed - cpu_start;
            events_ms += cpu_events - cpu_refreshed;
            timeline_ms += cpu_timeline - cpu_events;
            tree_ms += cpu_start + cpu_ms - cpu_timeline;
            wall_total_ms += double(wall.nsecsElapsed()) / 1e6;
            frame_ms.push_back(cpu_ms);
            const auto frame = int64_t(frame_ms.size());
            if (worst_frame == 0 || cpu_ms > frame_ms[size_t(worst_frame - 1)]) {
                worst_frame = frame;
                worst_frame_events = model()->event_count() - events_before;
            }
            if (frame_log.is_open())
                frame_log << frame << ',' << model()->event_count() << ',' << cpu_ms << ','
                          << cpu_refreshed - cpu_start << ',' << cpu_events - cpu_refreshed << ','
                          << cpu_timeline - cpu_events << ',' << cpu_start + cpu_ms - cpu_timeline
                          << '\n';
            if (!shots.isEmpty() && frame % 40 == 0)
                window->grab().save(QStringLiteral("%1/live_frame_%2.png").arg(shots).arg(frame));
        }
        live_wall_s = double(live.nsecsElapsed()) / 1e9;
        const double total = std::accumulate(frame_ms.begin(), frame_ms.end(), 0.0);
        state.SetIterationTime(total / double(std::max<size_t>(1, frame_ms.size())) / 1000);
    }
    const double frames = double(std::max<size_t>(1, frame_ms.size()));
    const uint32_t events = model()->event_count();
    if (!shots.isEmpty()) {
        QTest::qWait(200);
        window->refreshLiveViews();
        window->grab().save(QStringLiteral("%1/live_end.png").arg(shots));
    }
    QObject::disconnect(before_replot);
    QObject::disconnect(after_replot);
    window->runController()->stop();
    std::vector<double> sorted = frame_ms;
    std::sort(sorted.begin(), sorted.end());
    auto quantile = [&](double q) {
        return sorted.empty() ? 0.0 : sorted[std::min(sorted.size() - 1, size_t(q * frames))];
    };
    state.counters["live_frames"] = double(frame_ms.size());
    state.counters["mean_frame_cpu_ms"] =
        std::accumulate(frame_ms.begin(), frame_ms.end(), 0.0) / frames;
    state.counters["p90_frame_cpu_ms"] = quantile(0.9);
    state.counters["worst_frame_cpu_ms"] = sorted.empty() ? 0.0 : sorted.back();
    state.counters["worst_frame"] = double(worst_frame);  // 1 = the first
    state.counters["worst_frame_events"] = double(worst_frame_events);
    state.counters["frames_over_33ms"] =
        double(std::count_if(frame_ms.begin(), frame_ms.end(), [](double ms) { return ms > 33; }));
    // How much each frame took in (at most MainWindow::kLiveFrameEvents; the engine waits), and
    // how fast the run went through the window (wall, the 50 ms between frames included).
    state.counters["events_per_frame"] = double(events) / frames;
    state.counters["events"] = double(events);
    state.counters["live_events_per_s"] = live_wall_s > 0 ? double(events) / live_wall_s : 0.0;
    state.counters["refresh_cpu_ms"] = refresh_ms / frames;    // refreshLiveViews
    state.counters["events_cpu_ms"] = events_ms / frames;      // queued events but the replot
    state.counters["timeline_cpu_ms"] = timeline_ms / frames;  // the timeline's queued replot
    state.counters["tree_cpu_ms"] = tree_ms / frames;          // the tree's repaint
    state.counters["mean_frame_wall_ms"] = wall_total_ms / frames;
}
BENCHMARK(BM_Scale_Window_LiveFrame)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace tasklens
