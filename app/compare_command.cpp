#include "app/compare_command.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>
#include <set>
#include <string>

#include "engine/trace/trace_compare.h"
#include "engine/trace/trace_file.h"
#include "ui/export_options.h"

namespace tasklens::app {

int runCompareCommand(const QStringList& args) {
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Compare two traces of the same program, e.g. the engine's run (tasklens run --trace) and "
        "a recording on the real BEAM (tasklens record). Structure and order are compared, not "
        "timings or pids: the spawn tree, exit reasons, $callers, restarts, the outcomes of "
        "awaits, yields and calls, console output and the messages each process received.\n"
        "Differences listed in a known-differences file (SCENARIO | DIFFERENCE TEXT | REASON per "
        "line) are shown as known and do not count.\n"
        "Exit status: 0 equal, 1 different, 2 bad arguments or an unreadable trace."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("compare"), QStringLiteral("The subcommand."));
    parser.addPositionalArgument(QStringLiteral("a"), QStringLiteral("The first trace (.jsonl)."));
    parser.addPositionalArgument(QStringLiteral("b"), QStringLiteral("The second trace (.jsonl)."));
    parser.addOption({QStringLiteral("no-messages"),
                      QStringLiteral("Do not compare the messages each process received.")});
    parser.addOption(
        {QStringLiteral("context"),
         QStringLiteral("Lines of each trace shown around the first divergence (default 3)."),
         QStringLiteral("N"), QStringLiteral("3")});
    parser.addOption({QStringLiteral("known-differences"),
                      QStringLiteral("A file of known, explained differences (see "
                                     "tests/beam/known-differences.txt)."),
                      QStringLiteral("file")});
    parser.addOption({QStringLiteral("scenario"),
                      QStringLiteral("The scenario's name in the known-differences file "
                                     "(default: the scenario named in the first trace's header)."),
                      QStringLiteral("name")});
    if (!parser.parse(args)) {
        err << "tasklens compare: " << parser.errorText() << "\n";
        return ui::kExitBadUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return ui::kExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 3) {
        err << "tasklens compare: expected two trace files, e.g. tasklens compare engine.jsonl "
               "beam.jsonl\n";
        return ui::kExitBadUsage;
    }
    bool context_ok = false;
    const int context = parser.value(QStringLiteral("context")).toInt(&context_ok);
    if (!context_ok || context < 0 || context > 1000) {
        err << "tasklens compare: --context must be a whole number from 0 to 1000\n";
        return ui::kExitBadUsage;
    }
    trace::TraceFile files[2];
    for (int i = 0; i < 2; ++i) {
        files[i] = trace::read_trace_file(positional[i + 1].toStdString());
        if (!files[i].ok()) {
            err << "tasklens compare: " << QString::fromStdString(files[i].error->what()) << "\n";
            return ui::kExitBadUsage;
        }
    }
    trace::CompareOptions options;
    std::set<std::string> general_known;  ///< entries for every scenario: no "not seen" notes
    options.messages = !parser.isSet(QStringLiteral("no-messages"));
    options.context = context;
    if (parser.isSet(QStringLiteral("known-differences"))) {
        const QString path = parser.value(QStringLiteral("known-differences"));
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            err << "tasklens compare: " << path << ": " << file.errorString() << "\n";
            return ui::kExitBadUsage;
        }
        const QByteArray text = file.readAll();
        const trace::KnownDifferencesFile known =
            trace::parse_known_differences(std::string_view(text.constData(), text.size()));
        if (!known.error.empty()) {
            err << "tasklens compare: " << path << ": " << QString::fromStdString(known.error)
                << "\n";
            return ui::kExitBadUsage;
        }
        const std::string scenario =
            parser.isSet(QStringLiteral("scenario"))
                ? parser.value(QStringLiteral("scenario")).toStdString()
                : QFileInfo(QString::fromStdString(files[0].run.scenario)).fileName().toStdString();
        options.known_differences = trace::known_differences_for(known.entries, scenario);
        for (const trace::KnownDifference& entry : known.entries)
            if (entry.scenario == "*") general_known.insert(entry.difference);
    }
    const trace::CompareResult result =
        trace::compare_traces(files[0].events, files[1].events, options);
    for (const std::string& d : result.known)
        out << "known difference: " << QString::fromStdString(d) << "\n";
    for (const std::string& d : result.known_unused)
        if (!general_known.contains(d))
            out << "note: known difference not seen this time: " << QString::fromStdString(d)
                << "\n";
    if (result.equal) {
        out << "structurally equal: " << result.processes_matched << " processes matched";
        if (!result.known.empty()) out << " (" << result.known.size() << " known difference(s))";
        out << "\n";
        return ui::kExitOk;
    }
    out << "different: " << result.differences.size() << " difference(s); " << result.processes_a
        << " processes in " << positional[1] << ", " << result.processes_b << " in "
        << positional[2] << "\n";
    for (const std::string& d : result.differences)
        out << "  " << QString::fromStdString(d) << "\n";
    out << "first divergence in " << positional[1] << ":\n";
    for (const std::string& line : result.context_a)
        out << "  " << QString::fromStdString(line) << "\n";
    out << "first divergence in " << positional[2] << ":\n";
    for (const std::string& line : result.context_b)
        out << "  " << QString::fromStdString(line) << "\n";
    return ui::kExitFailed;
}

}  // namespace tasklens::app
