// tasklens: the GUI with no arguments, subcommands for headless work.
#include <QApplication>
#include <QCommandLineParser>
#include <QTextStream>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "app/compare_command.h"
#include "app/export_command.h"
#include "app/record_command.h"
#include "app/run_command.h"
#include "ui/export_options.h"
#include "ui/main_window.h"
#include "ui/scenario_launcher.h"

namespace {

/// Subcommands never open a window, so they must run without a display.
bool isHeadlessSubcommand(int argc, char** argv) {
    return argc > 1 &&
           (std::strcmp(argv[1], "export") == 0 || std::strcmp(argv[1], "compare") == 0 ||
            std::strcmp(argv[1], "record") == 0);
}

/// A first argument that is neither an option, a subcommand nor a trace file is a typo; say so
/// before trying to open a window (which would fail differently without a display).
bool isUnknownCommand(int argc, char** argv) {
    if (argc < 2 || argv[1][0] == '-' || isHeadlessSubcommand(argc, argv)) return false;
    const std::string_view arg = argv[1];
    return !arg.ends_with(".jsonl");
}

}  // namespace

int main(int argc, char** argv) {
    // run and demo build their own (core or offscreen) application: a plain run needs no display.
    if (argc > 1 && std::strcmp(argv[1], "run") == 0)
        return tasklens::app::runRunCommand(argc, argv);
    if (argc > 1 && std::strcmp(argv[1], "demo") == 0)
        return tasklens::app::runDemoCommand(argc, argv);
    if (isUnknownCommand(argc, argv)) {
        std::fprintf(stderr, "tasklens: unknown command '%s' (try tasklens --help)\n", argv[1]);
        return tasklens::ui::kExitBadUsage;
    }
    if (isHeadlessSubcommand(argc, argv) && !qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("tasklens"));
    QApplication::setApplicationVersion(QStringLiteral(TASKLENS_VERSION));
    QApplication::setOrganizationName(QStringLiteral("Tasklens"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/tasklens.svg")));

    const QStringList args = QApplication::arguments();
    if (args.size() > 1 && args[1] == QLatin1String("export"))
        return tasklens::app::runExportCommand(args);
    if (args.size() > 1 && args[1] == QLatin1String("compare"))
        return tasklens::app::runCompareCommand(args);
    if (args.size() > 1 && args[1] == QLatin1String("record"))
        return tasklens::app::runRecordCommand(args);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "A process observer for Elixir's Task/Supervisor model.\n\n"
        "Commands:\n"
        "  tasklens [TRACE.jsonl]          open the main window (optionally with a trace)\n"
        "  tasklens run SCENARIO.exs ...   run a scenario headless, like `elixir SCENARIO.exs` "
        "(see run --help)\n"
        "  tasklens demo [NAME] [--out DIR] run a built-in demo headless and write its images\n"
        "  tasklens export TRACE.jsonl ... render a trace to images headless (see export --help)\n"
        "  tasklens record APP.exs ...     run a script on the real BEAM and record a trace (see "
        "record --help)\n"
        "  tasklens compare A.jsonl B.jsonl compare two traces of one program structurally"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("trace"),
                                 QStringLiteral("A trace file (.jsonl) to open."),
                                 QStringLiteral("[trace]"));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral(
            "Lay out the main window, save it as a PNG and quit (for docs; works offscreen)."),
        QStringLiteral("file"));
    const QCommandLineOption sample(QStringLiteral("sample"),
                                    QStringLiteral("Open the built-in sample trace."));
    const QCommandLineOption select(
        QStringLiteral("select"),
        QStringLiteral("Select a process (registered name or pid) at start."),
        QStringLiteral("process"));
    parser.addOptions({screenshot, sample, select});
    if (!parser.parse(args)) {
        QTextStream(stderr) << "tasklens: " << parser.errorText() << "\n";
        return tasklens::ui::kExitBadUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText();
        return 0;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        QTextStream(stdout) << "tasklens " << QApplication::applicationVersion() << "\n";
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1 ||
        (positional.size() == 1 && !positional[0].endsWith(QLatin1String(".jsonl")))) {
        QTextStream(stderr) << "tasklens: unknown command '" << positional.value(0)
                            << "' (try tasklens --help)\n";
        return tasklens::ui::kExitBadUsage;
    }
    tasklens::ui::MainWindow window;
    tasklens::ui::connectScenarioRunner(window);
    if (positional.size() == 1 && !window.openTraceFile(positional[0]))
        return tasklens::ui::kExitBadUsage;
    if (parser.isSet(sample)) window.openSampleTrace();
    if (parser.isSet(select) && !window.selectProcess(parser.value(select))) {
        QTextStream(stderr) << "tasklens: --select " << parser.value(select)
                            << ": no such process\n";
        return tasklens::ui::kExitBadUsage;
    }
    window.show();
    if (parser.isSet(screenshot)) {
        QApplication::processEvents();
        window.grab().save(parser.value(screenshot));
        return 0;
    }
    return QApplication::exec();
}
