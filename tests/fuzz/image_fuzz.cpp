// libFuzzer entry point: arbitrary bytes as a trace file, rendered by the image exporters. Whatever
// prefix the reader accepts builds a trace model; the timeline, the supervision tree (at the
// busiest moment and at the end) and the lineage of the last process are then written as small
// PNG and SVG files, offscreen, through the same code as `tasklens export`. A crash, a hang, an
// exporter that fails to write or an SVG that is not well-formed XML is a finding.
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QXmlStreamReader>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include <stdlib.h>  // mkdtemp

#include "engine/trace/trace_file.h"
#include "engine/trace/trace_model.h"
#include "ui/export_options.h"
#include "ui/image_export.h"
#include "ui/trace_adapter.h"

namespace {

// One offscreen QApplication for the whole process, never destroyed: destroying it from a static
// destructor at exit runs Qt's post routines after Qt's own statics are gone (a crash). The
// pictures go to a private temporary directory, removed at exit.
struct Offscreen {
    int argc = 1;
    char name[11] = "image_fuzz";
    char* argv[2] = {name, nullptr};
    QApplication* app = nullptr;
    std::string dir;
    Offscreen() {
        qputenv("QT_QPA_PLATFORM", "offscreen");
        app = new QApplication(argc, argv);
        std::string pattern =
            (std::filesystem::temp_directory_path() / "image_fuzz.XXXXXX").string();
        if (!mkdtemp(pattern.data())) std::abort();
        dir = pattern;
        std::atexit([] { std::filesystem::remove_all(offscreen().dir); });
    }
    static Offscreen& offscreen() {
        static Offscreen* instance = new Offscreen;
        return *instance;
    }
};

// An exporter that reports failure on a writable temporary directory, or writes an empty file, or
// an SVG an XML reader rejects, is a bug.
void checkWritten(bool ok, const QString& path) {
    if (!ok) __builtin_trap();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() == 0) __builtin_trap();
    if (path.endsWith(QStringLiteral(".svg"))) {
        QXmlStreamReader xml(&file);
        while (!xml.atEnd()) xml.readNext();
        if (xml.hasError()) __builtin_trap();
    }
}

}  // namespace

// fontconfig (loaded by Qt's font database) keeps its caches until the process ends and never
// frees them: LeakSanitizer's exit-time check would blame the last input for them. Not ours.
extern "C" const char* __lsan_default_suppressions() {
    return "leak:libfontconfig.so\n";
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace tasklens;
    Offscreen& env = Offscreen::offscreen();
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    trace::TraceFile file = trace::read_trace(in, "fuzz.jsonl");
    if (file.events.empty()) return 0;
    const trace::TraceModel model(file.events, file.run);
    const QDir dir(QString::fromStdString(env.dir));
    const QString png = dir.filePath(QStringLiteral("image.png"));
    const QString svg = dir.filePath(QStringLiteral("image.svg"));
    // Small pictures: the layout code runs in full, the rasteriser has little to fill.
    const ui::ImageRequest png_request{png, QSize(160, 100), 1.0, {}};
    const ui::ImageRequest svg_request{svg, QSize(200, 120), 1.0, {}};
    QString error;

    const ui::TimelineData timeline = ui::buildTimelineData(model);
    checkWritten(ui::exportTimeline(timeline, png_request, &error), png);
    checkWritten(ui::exportTimeline(timeline, svg_request, &error), svg);

    const int64_t busiest = ui::busiestMoment(model);
    checkWritten(ui::exportTree(ui::buildTreeSnapshot(model, busiest), png_request, &error), png);
    checkWritten(
        ui::exportTree(ui::buildTreeSnapshot(model, model.end_time()), svg_request, &error), svg);

    if (model.process_count() > 0) {
        const Pid last = model.process(model.process_count() - 1).pid;
        checkWritten(ui::exportLineage(ui::buildLineage(model, last, busiest), svg_request, &error),
                     svg);
        checkWritten(
            ui::exportLineage(ui::buildLineage(model, last, model.end_time()), png_request, &error),
            png);
    }
    return 0;
}
