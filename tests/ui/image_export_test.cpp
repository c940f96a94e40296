// Each view exports to PNG, SVG and PDF at the requested size, offscreen.
#include "ui/image_export.h"

#include <gtest/gtest.h>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>

#include "ui/sample_trace.h"
#include "ui/trace_adapter.h"

namespace tasklens::ui {
namespace {

class ImageExport : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(dir_.isValid());
        model_ = std::make_unique<trace::TraceModel>(sampleTaskSupervisorTrace(),
                                                     trace::RunInfo{"sample", 2});
    }
    QString path(const char* name) const { return dir_.filePath(QString::fromLatin1(name)); }
    static QByteArray head(const QString& file, int bytes) {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) ? f.read(bytes) : QByteArray();
    }
    /// A PNG is readable, of the requested size, and not blank.
    static void expectPng(const QString& file, QSize size) {
        QImage image(file);
        ASSERT_FALSE(image.isNull()) << file.toStdString();
        EXPECT_EQ(image.size(), size);
        int non_white = 0;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                if (image.pixel(x, y) != qRgb(255, 255, 255)) ++non_white;
        EXPECT_GT(non_white, 100) << "blank image " << file.toStdString();
    }
    static void expectSvg(const QString& file) {
        const QByteArray start = head(file, 400);
        EXPECT_TRUE(start.startsWith("<?xml")) << start.left(40).toStdString();
        EXPECT_TRUE(start.contains("<svg")) << file.toStdString();
        EXPECT_GT(QFile(file).size(), 1000);
    }
    static void expectPdf(const QString& file) {
        EXPECT_TRUE(head(file, 5).startsWith("%PDF-")) << file.toStdString();
        EXPECT_GT(QFile(file).size(), 1000);
    }

    QTemporaryDir dir_;
    std::unique_ptr<trace::TraceModel> model_;
};

TEST_F(ImageExport, TimelineToPngSvgPdf) {
    const TimelineData data = buildTimelineData(*model_);
    QString error;
    ASSERT_TRUE(exportTimeline(data, {path("t.png"), {1600, 900}}, &error)) << error.toStdString();
    expectPng(path("t.png"), {1600, 900});
    ASSERT_TRUE(exportTimeline(data, {path("small.png"), {800, 500}}, &error))
        << error.toStdString();
    expectPng(path("small.png"), {800, 500});
    ASSERT_TRUE(exportTimeline(data, {path("t.svg"), {1600, 900}}, &error)) << error.toStdString();
    expectSvg(path("t.svg"));
    ASSERT_TRUE(exportTimeline(data, {path("t.pdf"), {1600, 900}}, &error)) << error.toStdString();
    expectPdf(path("t.pdf"));
}

TEST_F(ImageExport, HiDpiScaleMultipliesThePixels) {
    QString error;
    ASSERT_TRUE(exportTree(buildTreeSnapshot(*model_, 1'500'000),
                           {path("tree@2x.png"), {800, 450}, 2.0}, &error));
    expectPng(path("tree@2x.png"), {1600, 900});
}

TEST_F(ImageExport, TreeAndLineageToEveryFormat) {
    const TreeSnapshot tree = buildTreeSnapshot(*model_, 1'500'000);
    const LineageData lineage = buildLineage(*model_, Pid{0, 112}, 1'000'000);
    QString error;
    for (const char* name : {"tree.png", "tree.svg", "tree.pdf"})
        ASSERT_TRUE(exportTree(tree, {path(name), {1200, 700}}, &error)) << error.toStdString();
    for (const char* name : {"lineage.png", "lineage.svg", "lineage.pdf"})
        ASSERT_TRUE(exportLineage(lineage, {path(name), {1200, 700}}, &error))
            << error.toStdString();
    expectPng(path("tree.png"), {1200, 700});
    expectPng(path("lineage.png"), {1200, 700});
    expectSvg(path("tree.svg"));
    expectSvg(path("lineage.svg"));
    expectPdf(path("tree.pdf"));
    expectPdf(path("lineage.pdf"));
}

TEST_F(ImageExport, RefusesUnknownTypesAndSizes) {
    QString error;
    EXPECT_FALSE(writeImage(
        {path("x.gif"), {100, 100}}, [](QCPPainter&, QSize) {}, &error));
    EXPECT_TRUE(error.contains(".png")) << error.toStdString();
    EXPECT_FALSE(writeImage(
        {path("x.png"), {0, 100}}, [](QCPPainter&, QSize) {}, &error));
    EXPECT_FALSE(writeImage(
        {QStringLiteral("/nonexistent-dir/x.png"), {100, 100}}, [](QCPPainter&, QSize) {}, &error));
    EXPECT_FALSE(error.isEmpty());
}

}  // namespace
}  // namespace tasklens::ui
