#include "app/record_command.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextStream>

#include "ui/export_options.h"

namespace tasklens::app {
namespace {

constexpr int kExitNoElixir = 127;

struct Cap {
    const char* option;
    const char* tracer_key;
    const char* help;
};

// The tracer's caps (resources/tracer/tasklens_tracer.ex) and its port, one option each.
constexpr Cap kCaps[] = {
    {"max-events-per-second", "max_events_per_second",
     "Events recorded per second at most (default 200000); the rest are counted as dropped."},
    {"max-message-bytes", "max_message_bytes",
     "Message and reason texts are cut at N bytes (default 120)."},
    {"max-queue", "max_queue",
     "Drop events while the tracer's mailbox is longer than N (default 100000)."},
    {"duration-ms", "duration_ms", "Stop recording after N milliseconds."},
    {"port", "port",
     "Send the trace to a Tasklens window listening on 127.0.0.1:N (Observe a real node...) "
     "instead of writing a file."},
};

}  // namespace

int runRecordCommand(const QStringList& args) {
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Run an Elixir script on the real BEAM (the installed `elixir`, 1.14+ on OTP 25+) with the "
        "Tasklens tracer loaded, and write a Tasklens trace of the run. The script runs as "
        "`elixir SCRIPT.exs` runs it: its output and exit status are elixir's. Open the trace in "
        "the window, export it, or hold it against the engine's run with `tasklens compare`."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("record"), QStringLiteral("The subcommand."));
    parser.addPositionalArgument(QStringLiteral("script"),
                                 QStringLiteral("The Elixir script (.exs)."));
    parser.addOption({QStringLiteral("trace"),
                      QStringLiteral("Where to write the trace (default SCRIPT.beam.jsonl)."),
                      QStringLiteral("file")});
    parser.addOption({QStringLiteral("elixir"),
                      QStringLiteral("The elixir command (default: elixir on PATH)."),
                      QStringLiteral("path")});
    for (const Cap& cap : kCaps)
        parser.addOption(
            {QString::fromLatin1(cap.option), QString::fromLatin1(cap.help), QStringLiteral("N")});
    if (!parser.parse(args)) {
        err << "tasklens record: " << parser.errorText() << "\n";
        return ui::kExitBadUsage;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return ui::kExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2) {
        err << "tasklens record: expected one script, e.g. tasklens record app.exs --trace "
               "app.jsonl\n";
        return ui::kExitBadUsage;
    }
    const QFileInfo script(positional[1]);
    if (!script.exists()) {
        err << "tasklens record: " << positional[1] << ": no such file\n";
        return ui::kExitBadUsage;
    }
    if (script.isDir()) {
        err << "tasklens record: " << positional[1] << ": is a directory, not a script\n";
        return ui::kExitBadUsage;
    }
    QString options;  // an Elixir keyword list of whole numbers only: nothing to quote
    for (const Cap& cap : kCaps) {
        const QString name = QString::fromLatin1(cap.option);
        if (!parser.isSet(name)) continue;
        bool ok = false;
        const qlonglong value = parser.value(name).toLongLong(&ok);
        if (!ok || value <= 0) {
            err << "tasklens record: --" << name << " must be a positive whole number\n";
            return ui::kExitBadUsage;
        }
        options += QStringLiteral(", %1: %2").arg(QString::fromLatin1(cap.tracer_key)).arg(value);
    }
    const QString elixir = parser.isSet(QStringLiteral("elixir"))
                               ? parser.value(QStringLiteral("elixir"))
                               : QStandardPaths::findExecutable(QStringLiteral("elixir"));
    if (elixir.isEmpty() || !QFileInfo(elixir).isExecutable()) {
        err << "tasklens record: needs the elixir command (1.14 or later; on Debian: apt-get "
               "install "
               "elixir)\n";
        return kExitNoElixir;
    }
    const QString trace = parser.isSet(QStringLiteral("trace"))
                              ? parser.value(QStringLiteral("trace"))
                              : script.completeBaseName() + QStringLiteral(".beam.jsonl");

    // The tracer travels inside the binary; elixir requires it from a private temporary folder.
    QTemporaryDir dir;
    QFile source(QStringLiteral(":/tracer/tasklens_tracer.ex"));
    const QString tracer_path = dir.filePath(QStringLiteral("tasklens_tracer.ex"));
    if (!dir.isValid() || !source.open(QIODevice::ReadOnly) || !source.copy(tracer_path)) {
        err << "tasklens record: cannot write the tracer to a temporary folder\n";
        return ui::kExitFailed;
    }
    QProcess process;
    process.setProcessChannelMode(QProcess::ForwardedChannels);
    process.setInputChannelMode(QProcess::ForwardedInputChannel);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // Paths travel by environment, so no file name needs quoting inside Elixir code.
    env.insert(QStringLiteral("TASKLENS_SCRIPT"), script.absoluteFilePath());
    env.insert(QStringLiteral("TASKLENS_TRACE_OUT"), QFileInfo(trace).absoluteFilePath());
    process.setProcessEnvironment(env);
    process.setWorkingDirectory(QFileInfo(QStringLiteral(".")).absoluteFilePath());
    const QString expression =
        QStringLiteral(
            "Tasklens.Tracer.record_script(System.fetch_env!(\"TASKLENS_SCRIPT\"), "
            "System.fetch_env!(\"TASKLENS_TRACE_OUT\"), [scenario: Path.basename("
            "System.fetch_env!(\"TASKLENS_SCRIPT\"))%1])")
            .arg(options);
    out.flush();
    process.start(elixir, {QStringLiteral("-r"), tracer_path, QStringLiteral("-e"), expression});
    if (!process.waitForStarted(-1)) {
        err << "tasklens record: could not start " << elixir << ": " << process.errorString()
            << "\n";
        return kExitNoElixir;
    }
    process.waitForFinished(-1);
    if (process.exitStatus() != QProcess::NormalExit) {
        err << "tasklens record: elixir was killed; the trace holds what was recorded until then\n";
        return ui::kExitFailed;
    }
    if (parser.isSet(QStringLiteral("port")))
        err << "tasklens record: sent the trace to 127.0.0.1:"
            << parser.value(QStringLiteral("port")) << "\n";
    else
        err << "tasklens record: wrote " << trace << "\n";
    return process.exitCode();
}

}  // namespace tasklens::app
