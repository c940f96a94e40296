#pragma once
// The image and data export options shared by `tasklens export`, and meant for `tasklens run` and
// `tasklens demo --out DIR` too: register them on any QCommandLineParser, parse them, run them
// against a TraceModel. Bad arguments are reported as one clear sentence (exit status 2).
#include <QCommandLineParser>
#include <QSize>
#include <QString>
#include <QTextStream>
#include <optional>
#include <vector>

#include "engine/trace/trace_model.h"

namespace tasklens::ui {

struct LineageRequest {
    QString process;  ///< registered name, pid ("#PID<0.5.0>", "<0.5.0>", "0.5.0") or initial call
    QString path;
};

struct ExportOptions {
    QString timeline_path;  ///< .png / .svg / .pdf
    QString tree_path;      ///< .png / .svg / .pdf
    std::vector<LineageRequest> lineages;
    std::optional<int64_t> at_us;  ///< tree and lineage moment; default: when most processes lived
    QSize size{1600, 900};
    double scale = 1.0;   ///< PNG device pixel ratio
    QString chrome_path;  ///< Chrome Trace Event JSON (Perfetto)
    QString dot_path;     ///< Graphviz DOT of the tree at `at_us`

    bool empty() const {
        return timeline_path.isEmpty() && tree_path.isEmpty() && lineages.empty() &&
               chrome_path.isEmpty() && dot_path.isEmpty();
    }
};

/// Exit statuses of the export commands.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;    ///< a file could not be written
inline constexpr int kExitBadUsage = 2;  ///< bad arguments (unknown process, bad size, ...)

/// Adds --timeline, --tree, --lineage, --at, --size, --scale, --chrome, --dot to `parser`.
void addExportOptions(QCommandLineParser& parser);
/// Reads the options added by addExportOptions; false with a message on bad values.
bool parseExportOptions(const QCommandLineParser& parser, ExportOptions* options, QString* error);

/// "1.5s", "250ms", "40us", "40µs", "1500" (µs) -> microseconds.
std::optional<int64_t> parseTimeUs(const QString& text);
/// "1600x900" -> QSize.
std::optional<QSize> parseImageSize(const QString& text);

/// Writes every requested file from `model`. Reports each file written on `out` and each problem
/// on `err`. Returns kExitOk, kExitFailed or kExitBadUsage (e.g. --lineage names no process).
int run_export_options(const trace::TraceModel& model, const ExportOptions& options,
                       QTextStream& out, QTextStream& err);

/// The default moment for the tree and lineage: the first time the most processes were alive.
int64_t busiestMoment(const trace::TraceModel& model);

}  // namespace tasklens::ui
