#include "app/export_command.h"

#include <QCommandLineParser>
#include <QTextStream>
#include <cstdio>

#include "engine/trace/trace_file.h"
#include "ui/export_options.h"

namespace tasklens::app {

int runExportCommand(const QStringList& args) {
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Render a recorded trace (JSON Lines) as images and data files, without a display."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("export"), QStringLiteral("The subcommand."));
    parser.addPositionalArgument(QStringLiteral("trace"),
                                 QStringLiteral("The trace file (.jsonl)."));
    ui::addExportOptions(parser);
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
    if (options.empty()) {
        err << "tasklens export: nothing to write; give at least one of --timeline, --tree, "
               "--lineage, "
               "--chrome, --dot\n";
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
    return ui::run_export_options(model, options, out, err);
}

}  // namespace tasklens::app
