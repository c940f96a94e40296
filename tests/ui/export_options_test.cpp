// The export options: parsing, clear errors, and running them on a model.
#include "ui/export_options.h"

#include <gtest/gtest.h>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>

#include "ui/sample_trace.h"

namespace tasklens::ui {
namespace {

struct Parsed {
    bool ok;
    ExportOptions options;
    QString error;
};

Parsed parse(QStringList args) {
    QCommandLineParser parser;
    addExportOptions(parser);
    args.prepend(QStringLiteral("tasklens"));
    Parsed result{parser.parse(args), {}, parser.errorText()};
    if (result.ok) result.ok = parseExportOptions(parser, &result.options, &result.error);
    return result;
}

TEST(ExportOptions, ParsesTimesAndSizes) {
    EXPECT_EQ(parseTimeUs("1.5s"), 1'500'000);
    EXPECT_EQ(parseTimeUs("250ms"), 250'000);
    EXPECT_EQ(parseTimeUs("40us"), 40);
    EXPECT_EQ(parseTimeUs("40\u00b5s"), 40);
    EXPECT_EQ(parseTimeUs("1500"), 1500);
    EXPECT_EQ(parseTimeUs("abc"), std::nullopt);
    EXPECT_EQ(parseTimeUs("-1s"), std::nullopt);
    EXPECT_EQ(parseImageSize("1600x900"), QSize(1600, 900));
    EXPECT_EQ(parseImageSize("10x900"), std::nullopt);
    EXPECT_EQ(parseImageSize("1600"), std::nullopt);
}

TEST(ExportOptions, ReadsEveryOption) {
    const Parsed p =
        parse({"--timeline", "t.svg", "--tree", "tree.png", "--lineage", "MyApp.Fetcher=f.png",
               "--lineage", "#PID<0.112.0>=a.pdf", "--at", "1.5s", "--size", "800x600", "--scale",
               "2", "--chrome", "c.json", "--dot", "t.dot"});
    ASSERT_TRUE(p.ok) << p.error.toStdString();
    EXPECT_EQ(p.options.timeline_path, "t.svg");
    EXPECT_EQ(p.options.tree_path, "tree.png");
    ASSERT_EQ(p.options.lineages.size(), 2u);
    EXPECT_EQ(p.options.lineages[1].process, "#PID<0.112.0>");
    EXPECT_EQ(p.options.lineages[1].path, "a.pdf");
    EXPECT_EQ(p.options.at_us, 1'500'000);
    EXPECT_EQ(p.options.size, QSize(800, 600));
    EXPECT_EQ(p.options.scale, 2.0);
    EXPECT_EQ(p.options.chrome_path, "c.json");
    EXPECT_EQ(p.options.dot_path, "t.dot");
}

TEST(ExportOptions, BadValuesSayWhatIsWrong) {
    struct Case {
        QStringList args;
        const char* mentions;
    };
    const Case cases[] = {
        {{"--timeline", "t.gif"}, ".png, .svg or .pdf"},
        {{"--size", "huge"}, "--size huge"},
        {{"--at", "soon"}, "--at soon"},
        {{"--lineage", "worker.png"}, "PROCESS=FILE"},
        {{"--scale", "100"}, "--scale"},
    };
    for (const auto& c : cases) {
        const Parsed p = parse(c.args);
        EXPECT_FALSE(p.ok) << c.args.join(' ').toStdString();
        EXPECT_TRUE(p.error.contains(QLatin1String(c.mentions))) << p.error.toStdString();
    }
}

TEST(ExportOptions, RunWritesEveryRequestedFile) {
    QTemporaryDir dir;
    const trace::TraceModel model(sampleTaskSupervisorTrace(), trace::RunInfo{"sample", 2});
    ExportOptions options;
    options.timeline_path = dir.filePath("timeline.png");
    options.tree_path = dir.filePath("tree.svg");
    options.lineages = {{"MyApp.Fetcher", dir.filePath("fetcher.png")},
                        {"<0.112.0>", dir.filePath("audit.pdf")}};
    options.size = {1000, 600};
    options.chrome_path = dir.filePath("trace.json");
    options.dot_path = dir.filePath("tree.dot");
    QString out_text, err_text;
    QTextStream out(&out_text), err(&err_text);
    EXPECT_EQ(run_export_options(model, options, out, err), kExitOk) << err_text.toStdString();
    EXPECT_EQ(QImage(options.timeline_path).size(), QSize(1000, 600));
    EXPECT_EQ(QImage(options.lineages[0].path).size(), QSize(1000, 600));
    for (const QString& file :
         {options.tree_path, options.lineages[1].path, options.chrome_path, options.dot_path})
        EXPECT_GT(QFile(file).size(), 0) << file.toStdString();
    EXPECT_TRUE(out_text.contains("wrote"));
}

TEST(ExportOptions, UnknownLineageProcessIsAUsageError) {
    QTemporaryDir dir;
    const trace::TraceModel model(sampleTaskSupervisorTrace(), trace::RunInfo{"sample", 2});
    ExportOptions options;
    options.lineages = {{"NoSuch.Process", dir.filePath("x.png")}};
    QString out_text, err_text;
    QTextStream out(&out_text), err(&err_text);
    EXPECT_EQ(run_export_options(model, options, out, err), kExitBadUsage);
    err.flush();
    EXPECT_TRUE(err_text.contains("NoSuch.Process"));
    EXPECT_FALSE(QFile::exists(dir.filePath("x.png")));
}

}  // namespace
}  // namespace tasklens::ui
