#include "app/run_command.h"

#include "engine/script/scenario_runner.h"
#include "engine/trace/event_log.h"
#include "engine/trace/trace_file.h"
#include "engine/trace/trace_model.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QApplication>
#include <QTextStream>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
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
    void on_event(const trace::Event& event) override {
        for (auto* sink : sinks_) sink->on_event(event);
    }

private:
    std::vector<trace::EventSink*> sinks_;
};

bool argumentsRequestImages(int argc, char** argv) {
    static const char* const kImageOptions[] = {"--timeline", "--tree", "--lineage", "--chrome", "--dot"};
    for (int i = 2; i < argc; ++i)
        for (const char* option : kImageOptions)
            if (QByteArray(argv[i]).startsWith(option)) return true;
    return false;
}

std::unique_ptr<QCoreApplication> makeApplication(int& argc, char** argv, bool needs_painting) {
    if (!needs_painting) return std::make_unique<QCoreApplication>(argc, argv);
    // The timeline is a QCustomPlot widget, so painting needs a QApplication; offscreen keeps it headless.
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    return std::make_unique<QApplication>(argc, argv);
}

struct RunRequest {
    QString scenario_name;  ///< shown in diagnostics and the trace header
    std::optional<std::string> source;  ///< in-memory text (demos); else read scenario_name
    int schedulers = 0;
    QString trace_path;
    ui::ExportOptions exports;
};

/// Runs the scenario, writes the trace and the requested images. Returns the exit status.
int executeRun(const RunRequest& request, QTextStream& err) {
    trace::RunInfo info;
    info.scenario = QFileInfo(request.scenario_name).fileName().toStdString();
    info.schedulers = request.schedulers;
    info.tasklens_version = TASKLENS_VERSION;

    FanOutSink sinks;
    std::ofstream trace_stream;
    std::unique_ptr<trace::TraceWriter> writer;
    if (!request.trace_path.isEmpty()) {
        trace_stream.open(request.trace_path.toStdString(), std::ios::binary | std::ios::trunc);
        if (!trace_stream) {
            err << "tasklens run: cannot write the trace to " << request.trace_path << "\n";
            return ui::kExitFailed;
        }
        writer = std::make_unique<trace::TraceWriter>(trace_stream, info);
        sinks.add(writer.get());
    }
    trace::EventLog log;
    if (!request.exports.empty()) sinks.add(&log);

    script::ScenarioOptions options;
    options.schedulers = request.schedulers;
    options.events = sinks.empty() ? nullptr : &sinks;
    const std::string path = request.scenario_name.toStdString();
    const int status = request.source ? script::run_scenario_source(path, *request.source, options)
                                      : script::run_scenario(path, options);
    std::cout.flush();

    if (writer) {
        trace_stream.flush();
        if (!trace_stream) {
            err << "tasklens run: writing the trace to " << request.trace_path << " failed\n";
            return ui::kExitFailed;
        }
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
    parser.addOption({QStringLiteral("schedulers"),
                      QStringLiteral("Virtual schedulers online (default: the host's core count)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("trace"), QStringLiteral("Write the run's events as JSON Lines."),
                      QStringLiteral("FILE.jsonl")});
    ui::addExportOptions(parser);
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
        "the trace and images you ask for."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("run"), QStringLiteral("The subcommand."));
    parser.addPositionalArgument(QStringLiteral("scenario"), QStringLiteral("The scenario (.exs)."));
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
    if (!QFileInfo(request.scenario_name).isFile()) {
        err << "tasklens run: no such scenario file: " << request.scenario_name << "\n";
        return ui::kExitBadUsage;
    }
    out.flush();
    return executeRun(request, err);
}

int runDemoCommand(int argc, char** argv) {
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Run a built-in demo scenario headless and write its trace and images."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("demo"), QStringLiteral("The subcommand."));
    parser.addPositionalArgument(QStringLiteral("name"),
                                 QStringLiteral("The demo (default supervision_tree); --list lists them."),
                                 QStringLiteral("[name]"));
    parser.addOption({QStringLiteral("out"), QStringLiteral("Folder for the files (default tasklens-demo)."),
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
        for (const QString& name : demos.entryList({QStringLiteral("*.exs")}, QDir::Files, QDir::Name))
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
