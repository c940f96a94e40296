// tasklens: the GUI with no arguments, subcommands for headless work, and a screenshot mode that
// renders the window offscreen (for tests and docs).
#include <QApplication>
#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QFileInfo>
#include <QPalette>
#include <QStyle>
#include <QTextStream>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>

#include "app/compare_command.h"
#include "app/export_command.h"
#include "app/record_command.h"
#include "app/run_command.h"
#include "ui/export_options.h"
#include "ui/main_window.h"
#include "ui/run_controller.h"
#include "ui/view_state.h"

namespace {

// Headless commands on a machine without a login session (CI, containers, ssh) have no
// XDG_RUNTIME_DIR, and Qt's offscreen platform then warns about it on stderr at every run or
// export, where it reads like an error of the command. Only that notice is dropped.
QtMessageHandler previousMessageHandler = nullptr;
void dropRuntimeDirNotice(QtMsgType type, const QMessageLogContext& context,
                          const QString& message) {
    if (type == QtWarningMsg &&
        message.startsWith(QLatin1String("QStandardPaths: XDG_RUNTIME_DIR not set")))
        return;
    if (previousMessageHandler) {
        previousMessageHandler(type, context, message);
    } else {
        std::fprintf(stderr, "%s\n", qPrintable(qFormatLogMessage(type, context, message)));
    }
}

using tasklens::ui::kExitBadUsage;

/// Subcommands never open a window, so they must run without a display.
bool isHeadlessSubcommand(int argc, char** argv) {
    return argc > 1 &&
           (std::strcmp(argv[1], "export") == 0 || std::strcmp(argv[1], "compare") == 0 ||
            std::strcmp(argv[1], "record") == 0);
}

/// A first argument that is neither an option, a subcommand nor a file we open is a typo; say so
/// before trying to open a window (which would fail differently without a display).
bool isUnknownCommand(int argc, char** argv) {
    if (argc < 2 || argv[1][0] == '-' || isHeadlessSubcommand(argc, argv)) return false;
    const std::string_view arg = argv[1];
    return !arg.ends_with(".jsonl") && !arg.ends_with(".tlb") && !arg.ends_with(".exs");
}

bool hasArgument(int argc, char** argv, std::initializer_list<const char*> names) {
    for (int i = 1; i < argc; ++i)
        for (const char* name : names)
            if (std::strcmp(argv[i], name) == 0) return true;
    return false;
}

bool hasDisplay() {
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY") ||
           qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

struct Options {
    QCommandLineOption screenshot{QStringLiteral("screenshot"),
                                  QStringLiteral("Render the whole window offscreen into a PNG "
                                                 "and quit (works with no display)."),
                                  QStringLiteral("file")};
    QCommandLineOption size{QStringLiteral("size"),
                            QStringLiteral("Window size for --screenshot (default 1600x1000)."),
                            QStringLiteral("WxH"), QStringLiteral("1600x1000")};
    QCommandLineOption scenario{
        QStringLiteral("scenario"),
        QStringLiteral("Load a scenario (.exs file, or the name of a built-in demo) into the "
                       "editor."),
        QStringLiteral("file")};
    QCommandLineOption run_to_end{
        QStringLiteral("run-to-end"),
        QStringLiteral("Run the scenario to its end, as fast as possible.")};
    QCommandLineOption at{QStringLiteral("at"),
                          QStringLiteral("Run the scenario to virtual time T (1.5s, 250ms, ...) "
                                         "and pause there."),
                          QStringLiteral("T")};
    QCommandLineOption paused_at{
        QStringLiteral("paused-at"),
        QStringLiteral("Then move the time cursor back to T, as a user scrubbing the paused run."),
        QStringLiteral("T")};
    QCommandLineOption sample{QStringLiteral("sample"),
                              QStringLiteral("Open the built-in sample trace.")};
    QCommandLineOption select{QStringLiteral("select"),
                              QStringLiteral("Select a process (registered name or pid)."),
                              QStringLiteral("process")};
    QCommandLineOption dark{QStringLiteral("dark"),
                            QStringLiteral("Use the Fusion style with a dark palette, as a dark "
                                           "desktop theme would (the canvases follow it).")};
};

QString helpDescription() {
    return QStringLiteral(
        "A process observer for Elixir's Task/Supervisor model.\n\n"
        "Commands:\n"
        "  tasklens [FILE.exs | TRACE.jsonl | TRACE.tlb] open the main window (optionally with a "
        "file)\n"
        "  tasklens run SCENARIO.exs ...   run a scenario headless, like `elixir SCENARIO.exs` "
        "(see run --help)\n"
        "  tasklens demo [NAME] [--out DIR] run a built-in demo headless and write its images\n"
        "  tasklens export TRACE.jsonl ... render a trace to images headless (see export "
        "--help)\n"
        "  tasklens record APP.exs ...     run a script on the real BEAM and record a trace (see "
        "record --help)\n"
        "  tasklens compare A.jsonl B.jsonl compare two traces of one program structurally\n\n"
        "Screenshot mode (no display needed):\n"
        "  tasklens --scenario X.exs (--run-to-end | --at 2s) [--select NAME] [--paused-at 1.5s]\n"
        "           --screenshot out.png [--size 1600x1000] [--dark]");
}

void configure(QCommandLineParser& parser, const Options& o) {
    parser.setApplicationDescription(helpDescription());
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("file"),
        QStringLiteral("A scenario (.exs) or trace (.jsonl, .tlb) to open."),
        QStringLiteral("[file]"));
    parser.addOptions({o.screenshot, o.size, o.scenario, o.run_to_end, o.at, o.paused_at, o.sample,
                       o.select, o.dark});
}

QString versionText() {
    return QStringLiteral("tasklens %1 (commit %2)\n")
        .arg(QStringLiteral(TASKLENS_VERSION), QStringLiteral(TASKLENS_GIT_COMMIT));
}

/// --help and --version need no window: answer them before any GUI is created.
int answerWithoutWindow(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("tasklens"));
    QCoreApplication::setApplicationVersion(QStringLiteral(TASKLENS_VERSION));
    QCommandLineParser parser;
    Options options;
    configure(parser, options);
    if (!parser.parse(QCoreApplication::arguments())) {
        QTextStream(stderr) << "tasklens: " << parser.errorText() << "\n";
        return kExitBadUsage;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        QTextStream(stdout) << versionText();
        return 0;
    }
    QTextStream(stdout) << parser.helpText();
    return 0;
}

/// Resolves --scenario: a file, or a built-in demo by name.
QString scenarioPath(const QString& value) {
    if (QFileInfo::exists(value)) return value;
    const QString demo =
        QStringLiteral(":/scenarios/") + value +
        (value.endsWith(QLatin1String(".exs")) ? QString() : QStringLiteral(".exs"));
    return QFileInfo::exists(demo) ? demo : value;
}

/// Fusion's widgets in dark colours: what a dark desktop theme gives Qt applications.
void useDarkPalette() {
    QApplication::setStyle(QStringLiteral("Fusion"));
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(45, 47, 51));
    dark.setColor(QPalette::WindowText, QColor(225, 228, 232));
    dark.setColor(QPalette::Base, QColor(32, 34, 38));
    dark.setColor(QPalette::AlternateBase, QColor(40, 43, 48));
    dark.setColor(QPalette::ToolTipBase, QColor(55, 58, 64));
    dark.setColor(QPalette::ToolTipText, QColor(225, 228, 232));
    dark.setColor(QPalette::PlaceholderText, QColor(140, 145, 152));
    dark.setColor(QPalette::Text, QColor(225, 228, 232));
    dark.setColor(QPalette::Button, QColor(52, 55, 60));
    dark.setColor(QPalette::ButtonText, QColor(225, 228, 232));
    dark.setColor(QPalette::BrightText, QColor(255, 90, 90));
    dark.setColor(QPalette::Link, QColor(110, 165, 235));
    dark.setColor(QPalette::Highlight, QColor(60, 110, 180));
    dark.setColor(QPalette::HighlightedText, Qt::white);
    dark.setColor(QPalette::Disabled, QPalette::Text, QColor(120, 124, 130));
    dark.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(120, 124, 130));
    dark.setColor(QPalette::Disabled, QPalette::WindowText, QColor(120, 124, 130));
    QApplication::setPalette(dark);
}

int fail(const QString& message, int status = kExitBadUsage) {
    QTextStream(stderr) << "tasklens: " << message << "\n";
    return status;
}

/// Screenshot mode: run (or open) what was asked, lay the window out at the requested size,
/// render it and quit. Every problem is a message on stderr and a non-zero status.
int takeScreenshot(tasklens::ui::MainWindow& window, const QCommandLineParser& parser,
                   const Options& o) {
    using tasklens::ui::RunState;
    const auto size = tasklens::ui::parseImageSize(parser.value(o.size));
    if (!size)
        return fail(QStringLiteral("--size %1: expected WIDTHxHEIGHT").arg(parser.value(o.size)));
    std::optional<int64_t> at, paused_at;
    if (parser.isSet(o.at) && !(at = tasklens::ui::parseTimeUs(parser.value(o.at))))
        return fail(
            QStringLiteral("--at %1: expected a time such as 2s or 250ms").arg(parser.value(o.at)));
    if (parser.isSet(o.paused_at) &&
        !(paused_at = tasklens::ui::parseTimeUs(parser.value(o.paused_at))))
        return fail(QStringLiteral("--paused-at %1: expected a time such as 1.5s")
                        .arg(parser.value(o.paused_at)));
    window.resize(*size);
    window.show();
    if (parser.isSet(o.scenario)) {
        if (!parser.isSet(o.run_to_end) && !at)
            return fail(QStringLiteral("--scenario needs --run-to-end or --at T"));
        if (parser.isSet(o.run_to_end) && at)
            return fail(QStringLiteral("--run-to-end and --at exclude each other"));
        QString error;
        if (!window.openScenarioFile(scenarioPath(parser.value(o.scenario)), &error))
            return fail(error);
        auto* controller = window.runController();
        controller->setSpeed(0);
        window.runScenario();
        if (at) controller->runTo(*at);
        // A scenario that never ends cannot be run to its end: give up instead of hanging.
        QDeadlineTimer limit(120'000);
        auto settled = [&] {
            return controller->state() == RunState::Finished ||
                   (at && controller->state() == RunState::Paused);
        };
        while (!settled()) {
            if (limit.hasExpired()) {
                controller->stop();
                return fail(QStringLiteral("the scenario did not %1 within 120 s of wall time")
                                .arg(at ? QStringLiteral("reach --at") : QStringLiteral("end")),
                            1);
            }
            QApplication::processEvents(QEventLoop::AllEvents, 20);
        }
        // Let the last batches and the end-of-run notice arrive.
        QApplication::processEvents();
        if (controller->state() == RunState::Finished && !controller->lastRunCompiled())
            return fail(QStringLiteral("the scenario did not compile:\n") + window.consoleText(),
                        1);
        window.refreshLiveViews();
    } else if (parser.isSet(o.run_to_end) || at) {
        return fail(QStringLiteral("--run-to-end and --at need --scenario"));
    }
    if (paused_at) window.viewState()->setCursorUs(double(*paused_at));
    if (parser.isSet(o.select) && !window.selectProcess(parser.value(o.select)))
        return fail(QStringLiteral("--select %1: no such process").arg(parser.value(o.select)));
    QApplication::processEvents();
    const QString out = parser.value(o.screenshot);
    if (!window.grab().save(out, "PNG"))
        return fail(QStringLiteral("cannot write %1").arg(out), tasklens::ui::kExitFailed);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    previousMessageHandler = qInstallMessageHandler(dropRuntimeDirNotice);
    // run and demo build their own (core or offscreen) application: a plain run needs no display.
    if (argc > 1 && std::strcmp(argv[1], "run") == 0)
        return tasklens::app::runRunCommand(argc, argv);
    if (argc > 1 && std::strcmp(argv[1], "demo") == 0)
        return tasklens::app::runDemoCommand(argc, argv);
    if (isUnknownCommand(argc, argv)) {
        std::fprintf(stderr, "tasklens: unknown command '%s' (try tasklens --help)\n", argv[1]);
        return kExitBadUsage;
    }
    if (!isHeadlessSubcommand(argc, argv) &&
        hasArgument(argc, argv, {"--help", "-h", "-?", "--help-all", "--version", "-v"}))
        return answerWithoutWindow(argc, argv);
    const bool screenshot = hasArgument(argc, argv, {"--screenshot"});
    if ((isHeadlessSubcommand(argc, argv) || screenshot) && !hasDisplay())
        qputenv("QT_QPA_PLATFORM", "offscreen");
    if (!hasDisplay()) {
        std::fprintf(stderr,
                     "tasklens: no display (DISPLAY / WAYLAND_DISPLAY unset). The headless "
                     "commands run, demo, export and --screenshot work without one.\n");
        return kExitBadUsage;
    }
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
    Options o;
    configure(parser, o);
    if (!parser.parse(args)) return fail(parser.errorText());
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1)
        return fail(QStringLiteral("one file at a time (try tasklens --help)"));

    if (parser.isSet(o.dark)) useDarkPalette();
    tasklens::ui::MainWindow window;
    if (!screenshot) window.restoreSettings();
    if (positional.size() == 1) {
        QString error;
        if (!window.openFile(positional[0], &error)) return fail(error);
    }
    if (parser.isSet(o.sample)) window.openSampleTrace();
    if (screenshot) return takeScreenshot(window, parser, o);
    if (parser.isSet(o.scenario)) {
        QString error;
        if (!window.openScenarioFile(scenarioPath(parser.value(o.scenario)), &error))
            return fail(error);
    }
    if (parser.isSet(o.select) && !window.selectProcess(parser.value(o.select)))
        return fail(QStringLiteral("--select %1: no such process").arg(parser.value(o.select)));
    window.show();
    // Ask for the keyboard focus: without a window manager (a bare X server) nobody else gives
    // it, and the shortcuts (F5, Space, F10) would not reach the window until a click.
    window.activateWindow();
    window.raise();
    return QApplication::exec();
}
