#include "app/run_command.h"

#include "engine/script/disassemble.h"
#include "engine/script/scenario_runner.h"
#include "engine/trace/event_log.h"
#include "engine/trace/trace_binary.h"
#include "engine/trace/trace_file.h"
#include "engine/trace/trace_model.h"

#include <sys/resource.h>
#include <unistd.h>
#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTextStream>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <exception>
#include <fstream>
#include <iostream>
#include <memory>
#include <new>
#include <optional>
#include <thread>
#include <vector>

#include "ui/export_options.h"

namespace tasklens::app {
namespace {

/// Hands each event to several sinks (the trace file and the in-memory log for images).
class FanOutSink final : public trace::EventSink {
  public:
    void add(trace::EventSink* sink) {
        if (sink) sinks_.push_back(sink);
    }
    bool empty() const { return sinks_.empty(); }
    /// What the engine should call: nothing, the one sink itself (one virtual call per event
    /// instead of two), or this.
    trace::EventSink* target() {
        if (sinks_.size() <= 1) return sinks_.empty() ? nullptr : sinks_.front();
        return this;
    }
    void on_event(const trace::Event& event) override {
        for (auto* sink : sinks_) sink->on_event(event);
    }

  private:
    std::vector<trace::EventSink*> sinks_;
};

bool argumentsRequestImages(int argc, char** argv) {
    static const char* const kImageOptions[] = {"--timeline", "--tree", "--lineage", "--chrome",
                                                "--dot"};
    for (int i = 2; i < argc; ++i)
        for (const char* option : kImageOptions)
            if (QByteArray(argv[i]).startsWith(option)) return true;
    return false;
}

std::unique_ptr<QCoreApplication> makeApplication(int& argc, char** argv, bool needs_painting) {
    if (!needs_painting) return std::make_unique<QCoreApplication>(argc, argv);
    // The timeline is a QCustomPlot widget, so painting needs a QApplication; offscreen keeps it
    // headless.
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    return std::make_unique<QApplication>(argc, argv);
}

RunLimits cliDefaultLimits() {
    RunLimits limits = script::default_run_limits();
    limits.max_wall_ms = script::kDefaultCliMaxWallMs;
    return limits;
}

struct RunRequest {
    QString scenario_name;              ///< shown in diagnostics and the trace header
    std::optional<std::string> source;  ///< in-memory text (demos); else read scenario_name
    int schedulers = 0;
    QString trace_path;
    ui::ExportOptions exports;
    RunLimits limits = cliDefaultLimits();
    uint32_t max_processes = script::kDefaultMaxProcesses;
    uint64_t seed = 0;
};

// --- signals and fatal errors ----------------------------------------------------------------

// The signal that asked the run to stop (0 = none). A lock-free atomic store is all a signal
// handler may do; the scheduler reads it at every slice boundary.
std::atomic<int> g_stop_signal{0};

extern "C" void onStopSignal(int signal) {
    g_stop_signal.store(signal, std::memory_order_relaxed);
}

/// SIGINT and SIGTERM end the run at the next slice boundary; the handler is one-shot
/// (SA_RESETHAND), so a second signal ends tasklens at once if a builtin does not return.
class StopSignals {
  public:
    StopSignals() {
        struct sigaction action {};
        action.sa_handler = onStopSignal;
        action.sa_flags = SA_RESETHAND;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, &old_int_);
        sigaction(SIGTERM, &action, &old_term_);
    }
    ~StopSignals() {
        sigaction(SIGINT, &old_int_, nullptr);
        sigaction(SIGTERM, &old_term_, nullptr);
    }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

  private:
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
};

// Last resort for an exception that escapes where none may (a noexcept function, a destructor):
// out of memory is reported as the BEAM reports it, anything else as an internal error, and
// never as std::terminate's abort with C++ text.
[[noreturn]] void onTerminate() {
    std::fflush(stdout);
    const char* message = "tasklens: internal error: unexpected failure\n";
    int status = 70;  // EX_SOFTWARE
    if (auto current = std::current_exception()) {
        try {
            std::rethrow_exception(current);
        } catch (const std::bad_alloc&) {
            message = "eheap_alloc: Cannot allocate memory: an allocation failed (--max-memory)\n";
            status = 1;
        } catch (...) {
        }
    }
    (void)!::write(STDERR_FILENO, message, std::strlen(message));
    std::_Exit(status);
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

/// The memory limit is polled between slices; one builtin that allocates a huge block at once
/// (String.duplicate/2 of gigabytes) is caught by an address-space ceiling above it instead, which
/// turns the allocation into std::bad_alloc before the kernel's OOM killer could act. The margin
/// covers the libraries' mappings. Sanitizer builds reserve terabytes of shadow memory: none there.
void capAddressSpace(uint64_t max_memory_bytes) {
    if (kSanitized || max_memory_bytes == 0) return;
    constexpr uint64_t kMargin = uint64_t{2} << 30;
    rlimit current{};
    if (getrlimit(RLIMIT_AS, &current) != 0) return;
    const rlim_t wanted = static_cast<rlim_t>(max_memory_bytes + kMargin);
    if (current.rlim_cur != RLIM_INFINITY && current.rlim_cur <= wanted) return;
    rlimit capped = current;
    capped.rlim_cur = wanted;
    setrlimit(RLIMIT_AS, &capped);
}

std::string isoNowUtc() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buffer;
}

/// Runs the scenario, writes the trace and the requested images. Returns the exit status.
int executeRun(const RunRequest& request, QTextStream& err) {
    trace::RunInfo info;
    info.scenario = QFileInfo(request.scenario_name).fileName().toStdString();
    // The count the runtime will use (0 asks for the host's cores, as the BEAM does).
    info.schedulers = request.schedulers > 0
                          ? request.schedulers
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    info.tasklens_version = TASKLENS_VERSION;
    info.started_at = isoNowUtc();
    // The run is deterministic; the seed only moves where the :rand sequences of processes that
    // never seed start, and is recorded so that a trace says how to reproduce its run.
    info.seed = static_cast<int64_t>(request.seed);

    FanOutSink sinks;
    std::ofstream trace_stream;
    std::unique_ptr<trace::TraceWriter> writer;
    std::unique_ptr<trace::BinaryTraceWriter> binary_writer;
    if (!request.trace_path.isEmpty()) {
        trace_stream.open(request.trace_path.toStdString(), std::ios::binary | std::ios::trunc);
        if (!trace_stream) {
            err << "tasklens run: cannot write the trace to " << request.trace_path << "\n";
            return ui::kExitFailed;
        }
        if (request.trace_path.endsWith(QLatin1String(".tlb"), Qt::CaseInsensitive)) {
            binary_writer = std::make_unique<trace::BinaryTraceWriter>(trace_stream, info);
            sinks.add(binary_writer.get());
        } else {
            writer = std::make_unique<trace::TraceWriter>(trace_stream, info);
            sinks.add(writer.get());
        }
    }
    trace::EventLog log;
    if (!request.exports.empty()) sinks.add(&log);

    script::ScenarioOptions options;
    options.schedulers = request.schedulers;
    options.events = sinks.target();
    options.limits = request.limits;
    options.max_processes = request.max_processes;
    options.seed = request.seed;
    options.elixir_pids = true;       // the pids `elixir x.exs` prints
    options.compile_warnings = true;  // and its compile-time warnings
    g_stop_signal.store(0);
    options.stop_flag = &g_stop_signal;
    const std::string path = request.scenario_name.toStdString();
    int status = 0;
    {
        std::set_terminate(onTerminate);
        capAddressSpace(request.limits.max_memory_bytes);
        const StopSignals stop_signals;
        status = request.source ? script::run_scenario_source(path, *request.source, options)
                                : script::run_scenario(path, options);
    }
    std::cout.flush();

    if (writer || binary_writer) {
        if (writer) writer->flush();
        if (binary_writer) binary_writer->flush();
        trace_stream.flush();
        if (!trace_stream) {
            err << "tasklens run: writing the trace to " << request.trace_path << " failed\n";
            return ui::kExitFailed;
        }
    }
    if (const int signal = g_stop_signal.load(); signal != 0) {
        err << "tasklens run: stopped by " << (signal == SIGINT ? "SIGINT" : "SIGTERM")
            << (writer ? "; the trace is complete up to this point" : "") << "\n";
        err.flush();
        return script::kExitSignalBase + signal;
    }
    if (request.exports.empty()) return status;
    if (log.events().empty()) {
        err << "tasklens run: the scenario produced no events; no images written\n";
        return status != 0 ? status : ui::kExitFailed;
    }
    const trace::TraceModel model(log.events(), info);
    // Stdout belongs to the scenario: the list of files written goes to stderr.
    const int export_status = ui::run_export_options(model, request.exports, err, err);
    return status != 0 ? status : export_status;
}

void addRunOptions(QCommandLineParser& parser) {
    parser.addOption({QStringLiteral("dump-bytecode"),
                      QStringLiteral("Compile the scenario and print its bytecode instead of "
                                     "running it.")});
    parser.addOption({QStringLiteral("schedulers"),
                      QStringLiteral("Virtual schedulers online (default: the host's core count)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("seed"),
                      QStringLiteral("Where the :rand sequences of processes that never call "
                                     ":rand.seed start (default 0); recorded in the trace header."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("max-time"),
                      QStringLiteral("Stop the run after this much virtual time (default 1h; "
                                     "units ms, s, min, h; 'infinity' for none)."),
                      QStringLiteral("DURATION")});
    parser.addOption({QStringLiteral("max-wall"),
                      QStringLiteral("Stop the run after this much real time (default 5min)."),
                      QStringLiteral("DURATION")});
    parser.addOption({QStringLiteral("max-reductions"),
                      QStringLiteral("Stop the run after this many reductions of all processes "
                                     "(default infinity)."),
                      QStringLiteral("N")});
    parser.addOption(
        {QStringLiteral("max-memory"),
         QStringLiteral("Memory ceiling (default half the machine's RAM; suffixes K, M, "
                        "G). Past it the run ends as the BEAM does out of memory."),
         QStringLiteral("SIZE")});
    parser.addOption({QStringLiteral("max-processes"),
                      QStringLiteral("Most processes alive at once, the BEAM's +P (default 262144; "
                                     "1024..134217727); spawn past it raises SystemLimitError."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("trace"),
                      QStringLiteral("Write the run's events as JSON Lines, or in the compact "
                                     "binary format when FILE ends in .tlb."),
                      QStringLiteral("FILE.jsonl")});
    ui::addExportOptions(parser);
}

/// "90s", "250ms", "2min", "1h", "1.5s" (a bare number is seconds) in milliseconds, or 0 for
/// "infinity"; nullopt when it is none of these or not positive.
std::optional<int64_t> parseDurationMs(const QString& text) {
    if (text.trimmed() == QLatin1String("infinity")) return 0;
    static const QRegularExpression pattern(
        QStringLiteral("^\\s*([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)\\s*(ms|s|min|h)?\\s*$"));
    const auto match = pattern.match(text);
    if (!match.hasMatch()) return std::nullopt;
    const double value = match.captured(1).toDouble();
    const QString unit = match.captured(2);
    double factor = 1000;
    if (unit == QLatin1String("ms")) factor = 1;
    if (unit == QLatin1String("min")) factor = 60'000;
    if (unit == QLatin1String("h")) factor = 3'600'000;
    const double ms = value * factor;
    // At most a year: far beyond any run, and its microseconds still fit in 64 bits.
    if (!(ms >= 1 && ms <= 365.0 * 24 * 3'600'000)) return std::nullopt;
    return static_cast<int64_t>(ms);
}

/// "512M", "2G", "1048576" (bytes), or 0 for "infinity"; nullopt when not a size of at least 1M.
std::optional<uint64_t> parseMemoryBytes(const QString& text) {
    if (text.trimmed() == QLatin1String("infinity")) return 0;
    static const QRegularExpression pattern(
        QStringLiteral("^\\s*([0-9]{1,15})\\s*([KMGT]i?B?|B)?\\s*$"),
        QRegularExpression::CaseInsensitiveOption);
    const auto match = pattern.match(text);
    if (!match.hasMatch()) return std::nullopt;
    uint64_t value = match.captured(1).toULongLong();
    const QChar unit = match.captured(2).isEmpty() ? QChar('B') : match.captured(2).at(0).toUpper();
    const int shift = unit == 'K' ? 10 : unit == 'M' ? 20 : unit == 'G' ? 30 : unit == 'T' ? 40 : 0;
    if (shift && value > (UINT64_MAX >> shift)) return std::nullopt;
    value <<= shift;
    if (value < (uint64_t{1} << 20)) return std::nullopt;
    return value;
}

bool readLimitOptions(const QCommandLineParser& parser, RunRequest* request, QString* error) {
    const QString max_time = QStringLiteral("max-time");
    if (parser.isSet(max_time)) {
        const auto ms = parseDurationMs(parser.value(max_time));
        if (!ms) {
            *error = QStringLiteral(
                         "--max-time %1: expected a duration such as 90s, 250ms, 2min or "
                         "1h, or infinity")
                         .arg(parser.value(max_time));
            return false;
        }
        request->limits.max_virtual_us = *ms * 1000;
    }
    const QString max_wall = QStringLiteral("max-wall");
    if (parser.isSet(max_wall)) {
        const auto ms = parseDurationMs(parser.value(max_wall));
        if (!ms) {
            *error = QStringLiteral(
                         "--max-wall %1: expected a duration such as 90s, 250ms, 2min or "
                         "1h, or infinity")
                         .arg(parser.value(max_wall));
            return false;
        }
        request->limits.max_wall_ms = *ms;
    }
    const QString max_reductions = QStringLiteral("max-reductions");
    if (parser.isSet(max_reductions)) {
        const QString value = parser.value(max_reductions).trimmed();
        bool ok = value == QLatin1String("infinity");
        uint64_t n = 0;
        if (!ok) {
            static const QRegularExpression digits(QStringLiteral("^[0-9]{1,18}$"));
            ok = digits.match(value).hasMatch() && (n = value.toULongLong()) > 0;
        }
        if (!ok) {
            *error = QStringLiteral(
                         "--max-reductions %1: expected a whole number from 1 to "
                         "999999999999999999, or infinity")
                         .arg(parser.value(max_reductions));
            return false;
        }
        request->limits.max_reductions = n;
    }
    const QString max_memory = QStringLiteral("max-memory");
    if (parser.isSet(max_memory)) {
        const auto bytes = parseMemoryBytes(parser.value(max_memory));
        if (!bytes) {
            *error = QStringLiteral(
                         "--max-memory %1: expected a size of at least 1M such as 512M "
                         "or 4G, or infinity")
                         .arg(parser.value(max_memory));
            return false;
        }
        request->limits.max_memory_bytes = *bytes;
    }
    const QString max_processes = QStringLiteral("max-processes");
    if (parser.isSet(max_processes)) {
        bool ok = false;
        const qlonglong n = parser.value(max_processes).trimmed().toLongLong(&ok);
        // The BEAM's +P range.
        if (!ok || n < 1024 || n > 134'217'727) {
            *error = QStringLiteral(
                         "--max-processes %1: expected a whole number from 1024 to "
                         "134217727")
                         .arg(parser.value(max_processes));
            return false;
        }
        request->max_processes = static_cast<uint32_t>(n);
    }
    return true;
}

bool readRunOptions(const QCommandLineParser& parser, RunRequest* request, QString* error) {
    if (parser.isSet(QStringLiteral("schedulers"))) {
        bool ok = false;
        const int n = parser.value(QStringLiteral("schedulers")).toInt(&ok);
        if (!ok || n < 1 || n > 1024) {
            *error = QStringLiteral("--schedulers takes a whole number from 1 to 1024");
            return false;
        }
        request->schedulers = n;
    }
    if (parser.isSet(QStringLiteral("seed"))) {
        bool ok = false;
        const qulonglong n = parser.value(QStringLiteral("seed")).trimmed().toULongLong(&ok);
        // Trace headers store the seed as a signed 64-bit JSON integer.
        if (!ok || n > static_cast<qulonglong>(INT64_MAX)) {
            *error = QStringLiteral("--seed %1: expected a whole number from 0 to %2")
                         .arg(parser.value(QStringLiteral("seed")))
                         .arg(INT64_MAX);
            return false;
        }
        request->seed = n;
    }
    if (!readLimitOptions(parser, request, error)) return false;
    request->trace_path = parser.value(QStringLiteral("trace"));
    return ui::parseExportOptions(parser, &request->exports, error);
}

}  // namespace

int runRunCommand(int argc, char** argv) {
    auto app = makeApplication(argc, argv, argumentsRequestImages(argc, argv));
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Run an Elixir scenario headless: prints what `elixir scenario.exs` prints, and writes "
        "the trace and images you ask for.\n\n"
        "Exit status: 0 the script ran; 1 it raised, did not compile, or ran out of memory "
        "(--max-memory, reported as the BEAM does: eheap_alloc: Cannot allocate ...); 2 bad "
        "arguments; 3 a run limit stopped it (--max-time, --max-wall, --max-reductions); "
        "130 and 143 stopped by SIGINT and SIGTERM (the trace is kept up to that point)."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("run"), QStringLiteral("The subcommand."));
    parser.addPositionalArgument(QStringLiteral("scenario"),
                                 QStringLiteral("The scenario (.exs)."));
    addRunOptions(parser);
    if (!parser.parse(QCoreApplication::arguments())) {
        err << "tasklens run: " << parser.errorText() << "\n";
        return ui::kExitBadUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return ui::kExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2) {
        err << "tasklens run: expected one scenario file, e.g. tasklens run scenario.exs\n";
        return ui::kExitBadUsage;
    }
    RunRequest request;
    request.scenario_name = positional[1];
    QString error;
    if (!readRunOptions(parser, &request, &error)) {
        err << "tasklens run: " << error << "\n";
        return ui::kExitBadUsage;
    }
    const QFileInfo scenario(request.scenario_name);
    if (scenario.isDir()) {
        err << "tasklens run: " << request.scenario_name
            << " is a directory, not a scenario file\n";
        return ui::kExitBadUsage;
    }
    if (!scenario.exists()) {
        err << "tasklens run: no such scenario file: " << request.scenario_name << "\n";
        return ui::kExitBadUsage;
    }
    if (!scenario.isFile() || !scenario.isReadable()) {
        err << "tasklens run: cannot read " << request.scenario_name << "\n";
        return ui::kExitBadUsage;
    }
    out.flush();
    if (parser.isSet(QStringLiteral("dump-bytecode"))) {
        err.flush();
        return script::dump_bytecode(request.scenario_name.toStdString(), std::cout, std::cerr);
    }
    return executeRun(request, err);
}

int runDemoCommand(int argc, char** argv) {
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Run a built-in demo scenario headless and write its trace and images."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("demo"), QStringLiteral("The subcommand."));
    parser.addPositionalArgument(
        QStringLiteral("name"),
        QStringLiteral("The demo (default supervision_tree); --list lists them."),
        QStringLiteral("[name]"));
    parser.addOption({QStringLiteral("out"),
                      QStringLiteral("Folder for the files (default tasklens-demo)."),
                      QStringLiteral("DIR"), QStringLiteral("tasklens-demo")});
    parser.addOption({QStringLiteral("list"), QStringLiteral("List the built-in demos.")});
    if (!parser.parse(QCoreApplication::arguments())) {
        err << "tasklens demo: " << parser.errorText() << "\n";
        return ui::kExitBadUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return ui::kExitOk;
    }
    const QDir demos(QStringLiteral(":/scenarios"));
    if (parser.isSet(QStringLiteral("list"))) {
        for (const QString& name :
             demos.entryList({QStringLiteral("*.exs")}, QDir::Files, QDir::Name))
            out << QFileInfo(name).completeBaseName() << "\n";
        return ui::kExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    const QString name = positional.size() > 1 ? positional[1] : QStringLiteral("supervision_tree");
    QFile file(demos.filePath(name + QStringLiteral(".exs")));
    if (!file.open(QIODevice::ReadOnly)) {
        err << "tasklens demo: no demo named '" << name << "' (tasklens demo --list)\n";
        return ui::kExitBadUsage;
    }
    const QString out_dir = parser.value(QStringLiteral("out"));
    if (!QDir().mkpath(out_dir)) {
        err << "tasklens demo: cannot create " << out_dir << "\n";
        return ui::kExitFailed;
    }
    const QDir dir(out_dir);
    RunRequest request;
    request.scenario_name = name + QStringLiteral(".exs");
    request.source = file.readAll().toStdString();
    request.trace_path = dir.filePath(QStringLiteral("trace.jsonl"));
    request.exports.timeline_path = dir.filePath(QStringLiteral("timeline.png"));
    request.exports.tree_path = dir.filePath(QStringLiteral("tree.png"));
    request.exports.chrome_path = dir.filePath(QStringLiteral("chrome-trace.json"));
    request.exports.dot_path = dir.filePath(QStringLiteral("tree.dot"));
    out.flush();
    const int status = executeRun(request, err);
    err << "tasklens demo: wrote " << QDir(out_dir).absolutePath()
        << " (open trace.jsonl in the app with `tasklens " << request.trace_path << "`)\n";
    return status;
}

}  // namespace tasklens::app
