#include "app/export_command.h"

#include <QCommandLineParser>
#include <QTextStream>
#include <cstdio>
#include <fstream>

#include "engine/trace/trace_binary.h"
#include "engine/trace/trace_file.h"
#include "ui/export_options.h"

namespace tasklens::app {
namespace {

/// Writes every event of `model` to `path`, binary for .tlb, JSON Lines otherwise.
bool saveTrace(const trace::TraceModel& model, const QString& path, QTextStream& err) {
    std::ofstream stream(path.toStdString(), std::ios::binary | std::ios::trunc);
    if (!stream) {
        err << "tasklens export: cannot write the trace to " << path << "\n";
        return false;
    }
    auto write_all = [&](trace::EventSink& writer) {
        for (uint32_t i = 0; i < model.event_count(); ++i) writer.on_event(model.event(i));
    };
    if (path.endsWith(QLatin1String(".tlb"), Qt::CaseInsensitive)) {
        trace::BinaryTraceWriter writer(stream, model.run_info());
        write_all(writer);
        writer.flush();
    } else {
        trace::TraceWriter writer(stream, model.run_info());
        write_all(writer);
        writer.flush();
    }
    if (!stream) {
        err << "tasklens export: writing the trace to " << path << " failed\n";
        return false;
    }
    return true;
}

}  // namespace

int runExportCommand(const QStringList& args) {
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Render a recorded trace (JSON Lines or binary .tlb) as images and data files, without a "
        "display."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("export"), QStringLiteral("The subcommand."));
    parser.addPositionalArgument(QStringLiteral("trace"),
                                 QStringLiteral("The trace file (.jsonl or .tlb)."));
    ui::addExportOptions(parser);
    parser.addOption({QStringLiteral("save-trace"),
                      QStringLiteral("Also write the trace to FILE: in the compact binary format "
                                     "when FILE ends in .tlb, as JSON Lines otherwise (converts "
                                     "between the two)."),
                      QStringLiteral("FILE")});
    if (!parser.parse(args)) {
        err << "tasklens export: " << parser.errorText() << "\n";
        return ui::kExitBadUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return ui::kExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2) {
        err << "tasklens export: expected one trace file, e.g. tasklens export run.jsonl "
               "--timeline t.png\n";
        return ui::kExitBadUsage;
    }
    ui::ExportOptions options;
    QString error;
    if (!ui::parseExportOptions(parser, &options, &error)) {
        err << "tasklens export: " << error << "\n";
        return ui::kExitBadUsage;
    }
    const QString save_trace = parser.value(QStringLiteral("save-trace"));
    if (options.empty() && save_trace.isEmpty()) {
        err << "tasklens export: nothing to write; give at least one of --timeline, --tree, "
               "--lineage, "
               "--chrome, --dot, --save-trace\n";
        return ui::kExitBadUsage;
    }
    const trace::LoadedTrace loaded = trace::load_trace_file(positional[1].toStdString());
    if (!loaded.ok()) {
        err << "tasklens export: " << QString::fromStdString(loaded.error->what()) << "\n";
        return ui::kExitBadUsage;
    }
    // A recording cut off at its end still exports, up to its last complete line.
    if (loaded.warning)
        err << "tasklens export: warning: " << QString::fromStdString(loaded.warning->what())
            << "\n";
    const trace::TraceModel& model = loaded.model;
    if (!save_trace.isEmpty() && !saveTrace(model, save_trace, err)) return ui::kExitFailed;
    if (options.empty()) return ui::kExitOk;
    return ui::run_export_options(model, options, out, err);
}

}  // namespace tasklens::app
