#include "ui/export_options.h"

#include <QRegularExpression>
#include <cmath>
#include <fstream>

#include "engine/trace/exporters.h"
#include "ui/image_export.h"
#include "ui/trace_adapter.h"

namespace tasklens::ui {

namespace {

const QString kTimeline = QStringLiteral("timeline");
const QString kTree = QStringLiteral("tree");
const QString kLineage = QStringLiteral("lineage");
const QString kAt = QStringLiteral("at");
const QString kSize = QStringLiteral("size");
const QString kScale = QStringLiteral("scale");
const QString kChrome = QStringLiteral("chrome");
const QString kDot = QStringLiteral("dot");

bool checkImagePath(const QString& option, const QString& path, QString* error) {
    if (imageFormatForPath(path)) return true;
    *error =
        QStringLiteral("--%1 %2: the file name must end in .png, .svg or .pdf").arg(option, path);
    return false;
}

}  // namespace

void addExportOptions(QCommandLineParser& parser) {
    parser.addOptions({
        {kTimeline,
         QStringLiteral("Write the timeline of the whole run to <file> (.png, .svg, .pdf)."),
         QStringLiteral("file")},
        {kTree, QStringLiteral("Write the supervision tree at --at to <file> (.png, .svg, .pdf)."),
         QStringLiteral("file")},
        {kLineage,
         QStringLiteral(
             "Write the $callers/$ancestors lineage of a process (registered name or pid) "
             "to a file; repeatable."),
         QStringLiteral("process=file")},
        {kAt,
         QStringLiteral("Moment for --tree, --lineage and --dot, e.g. 1.5s, 250ms, 40us "
                        "(default: when the most processes were alive)."),
         QStringLiteral("time")},
        {kSize, QStringLiteral("Image size in pixels (default 1600x900)."), QStringLiteral("WxH")},
        {kScale, QStringLiteral("Device pixels per pixel for PNG, e.g. 2 for HiDPI (default 1)."),
         QStringLiteral("factor")},
        {kChrome, QStringLiteral("Write a Chrome Trace Event JSON file (opens in Perfetto)."),
         QStringLiteral("file")},
        {kDot, QStringLiteral("Write the supervision tree at --at as Graphviz DOT."),
         QStringLiteral("file")},
    });
}

std::optional<int64_t> parseTimeUs(const QString& text) {
    static const QRegularExpression pattern(
        QStringLiteral("^\\s*([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)\\s*(s|ms|us|\u00b5s)?\\s*$"));
    const auto match = pattern.match(text);
    if (!match.hasMatch()) return std::nullopt;
    const double value = match.captured(1).toDouble();
    const QString unit = match.captured(2);
    double factor = 1;
    if (unit == QLatin1String("s"))
        factor = 1e6;
    else if (unit == QLatin1String("ms"))
        factor = 1e3;
    const double us = value * factor;
    if (!std::isfinite(us) || us > 9.2e18) return std::nullopt;
    return static_cast<int64_t>(std::llround(us));
}

std::optional<QSize> parseImageSize(const QString& text) {
    static const QRegularExpression pattern(
        QStringLiteral("^\\s*([0-9]{1,5})\\s*[xX\u00d7]\\s*([0-9]{1,5})\\s*$"));
    const auto match = pattern.match(text);
    if (!match.hasMatch()) return std::nullopt;
    const QSize size(match.captured(1).toInt(), match.captured(2).toInt());
    if (size.width() < 16 || size.height() < 16 || size.width() > 20000 || size.height() > 20000)
        return std::nullopt;
    return size;
}

bool parseExportOptions(const QCommandLineParser& parser, ExportOptions* options, QString* error) {
    ExportOptions result;
    if (parser.isSet(kTimeline)) {
        result.timeline_path = parser.value(kTimeline);
        if (!checkImagePath(kTimeline, result.timeline_path, error)) return false;
    }
    if (parser.isSet(kTree)) {
        result.tree_path = parser.value(kTree);
        if (!checkImagePath(kTree, result.tree_path, error)) return false;
    }
    for (const QString& value : parser.values(kLineage)) {
        const qsizetype equals = value.lastIndexOf(QLatin1Char('='));
        if (equals <= 0 || equals == value.size() - 1) {
            *error =
                QStringLiteral(
                    "--lineage %1: expected PROCESS=FILE, e.g. --lineage MyApp.Worker=worker.png")
                    .arg(value);
            return false;
        }
        LineageRequest request{value.left(equals), value.mid(equals + 1)};
        if (!checkImagePath(kLineage, request.path, error)) return false;
        result.lineages.push_back(request);
    }
    if (parser.isSet(kAt)) {
        result.at_us = parseTimeUs(parser.value(kAt));
        if (!result.at_us) {
            *error = QStringLiteral("--at %1: expected a time such as 1.5s, 250ms or 40us")
                         .arg(parser.value(kAt));
            return false;
        }
    }
    if (parser.isSet(kSize)) {
        const auto size = parseImageSize(parser.value(kSize));
        if (!size) {
            *error =
                QStringLiteral(
                    "--size %1: expected WIDTHxHEIGHT in pixels, each 16..20000, e.g. 1600x900")
                    .arg(parser.value(kSize));
            return false;
        }
        result.size = *size;
    }
    if (parser.isSet(kScale)) {
        bool ok = false;
        result.scale = parser.value(kScale).toDouble(&ok);
        if (!ok || !(result.scale >= 0.25 && result.scale <= 8)) {  // also refuses nan
            *error = QStringLiteral("--scale %1: expected a factor between 0.25 and 8")
                         .arg(parser.value(kScale));
            return false;
        }
    }
    result.chrome_path = parser.value(kChrome);
    result.dot_path = parser.value(kDot);
    *options = std::move(result);
    return true;
}

int64_t busiestMoment(const trace::TraceModel& model) {
    int64_t best_time = model.end_time();
    int64_t best = -1;
    for (const auto& point : model.series(trace::Series::ProcessesAlive)) {
        if (point.value > best) {
            best = point.value;
            best_time = point.time_us;
        }
    }
    return best_time;
}

int run_export_options(const trace::TraceModel& model, const ExportOptions& options,
                       QTextStream& out, QTextStream& err) {
    if (options.at_us && *options.at_us > model.end_time()) {
        err << "tasklens: --at " << QString::fromStdString(formatDuration(double(*options.at_us)))
            << " is past the end of the run (the last event is at "
            << QString::fromStdString(formatDuration(double(model.end_time()))) << ")\n";
        return kExitBadUsage;
    }
    const int64_t at = options.at_us.value_or(busiestMoment(model));
    // Resolve every process name first: a typo should not leave half the files written.
    std::vector<Pid> lineage_pids;
    for (const auto& request : options.lineages) {
        const auto pid = findProcess(model, request.process.toStdString(), at);
        if (!pid) {
            err << "tasklens: --lineage " << request.process
                << ": no process has this name or pid\n";
            return kExitBadUsage;
        }
        lineage_pids.push_back(*pid);
    }
    int status = kExitOk;
    auto report = [&](bool ok, const QString& path, const QString& error) {
        if (ok) {
            out << "wrote " << path << "\n";
        } else {
            err << "tasklens: " << error << "\n";
            status = kExitFailed;
        }
    };
    QString error;
    if (!options.timeline_path.isEmpty()) {
        const TimelineData data = buildTimelineData(model);
        ImageRequest request{options.timeline_path, options.size, options.scale, {}};
        report(exportTimeline(data, request, &error), options.timeline_path, error);
    }
    if (!options.tree_path.isEmpty()) {
        ImageRequest request{options.tree_path, options.size, options.scale, {}};
        report(exportTree(buildTreeSnapshot(model, at), request, &error), options.tree_path, error);
    }
    for (size_t i = 0; i < options.lineages.size(); ++i) {
        ImageRequest request{options.lineages[i].path, options.size, options.scale, {}};
        report(exportLineage(buildLineage(model, lineage_pids[i], at), request, &error),
               options.lineages[i].path, error);
    }
    auto writeText = [&](const QString& path, auto&& write) {
        std::ofstream file(path.toStdString(), std::ios::binary);
        if (file) write(file);
        file.close();
        report(file.good(), path, QStringLiteral("%1: cannot write").arg(path));
    };
    if (!options.chrome_path.isEmpty())
        writeText(options.chrome_path,
                  [&](std::ostream& stream) { trace::write_chrome_trace(stream, model); });
    if (!options.dot_path.isEmpty())
        writeText(options.dot_path,
                  [&](std::ostream& stream) { trace::write_supervision_dot(stream, model, at); });
    return status;
}

}  // namespace tasklens::ui
