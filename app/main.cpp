// tasklens: the GUI with no arguments, subcommands for headless work.
#include <QApplication>
#include <QCommandLineParser>
#include <QTextStream>
#include <cstring>

#include "app/export_command.h"
#include "ui/export_options.h"
#include "ui/main_window.h"

namespace {

/// Subcommands never open a window, so they must run without a display.
bool isHeadlessSubcommand(int argc, char** argv) {
    return argc > 1 && std::strcmp(argv[1], "export") == 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (isHeadlessSubcommand(argc, argv) && !qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("tasklens"));
    QApplication::setApplicationVersion(QStringLiteral(TASKLENS_VERSION));
    QApplication::setOrganizationName(QStringLiteral("Tasklens"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/tasklens.svg")));

    const QStringList args = QApplication::arguments();
    if (args.size() > 1 && args[1] == QLatin1String("export")) return tasklens::app::runExportCommand(args);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "A process observer for Elixir's Task/Supervisor model.\n\n"
        "Commands:\n"
        "  tasklens [TRACE.jsonl]          open the main window (optionally with a trace)\n"
        "  tasklens export TRACE.jsonl ... render a trace to images headless (see export --help)"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("trace"), QStringLiteral("A trace file (.jsonl) to open."),
                                 QStringLiteral("[trace]"));
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
    if (positional.size() > 1 || (positional.size() == 1 && !positional[0].endsWith(QLatin1String(".jsonl")))) {
        QTextStream(stderr) << "tasklens: unknown command '" << positional.value(0)
                            << "' (try tasklens --help)\n";
        return tasklens::ui::kExitBadUsage;
    }
    tasklens::ui::MainWindow window;
    if (positional.size() == 1 && !window.openTraceFile(positional[0])) return tasklens::ui::kExitBadUsage;
    window.show();
    return QApplication::exec();
}
