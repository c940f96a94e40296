// `tasklens export` end to end: the real binary, a real trace file, offscreen.
#include <gtest/gtest.h>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <fstream>

#include "engine/trace/trace_file.h"
#include "ui/sample_trace.h"

namespace tasklens::ui {
namespace {

class ExportCommand : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(dir_.isValid());
        trace_path_ = dir_.filePath("sample.jsonl");
        std::ofstream out(trace_path_.toStdString());
        trace::write_trace(out, trace::RunInfo{"sample", 2}, sampleTaskSupervisorTrace());
    }
    struct Result {
        int status;
        QString out, err;
    };
    Result run(const QStringList& args) {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));  // must work without a display
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(TASKLENS_BINARY), args);
        EXPECT_TRUE(process.waitForFinished(60'000));
        return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
                QString::fromUtf8(process.readAllStandardError())};
    }
    QTemporaryDir dir_;
    QString trace_path_;
};

TEST_F(ExportCommand, WritesEveryImageAtTheRequestedSize) {
    const Result r =
        run({"export", trace_path_, "--timeline", dir_.filePath("t.png"), "--tree",
             dir_.filePath("tree.svg"), "--lineage", "MyApp.Fetcher=" + dir_.filePath("f.png"),
             "--at", "1.5s", "--size", "1200x800", "--chrome", dir_.filePath("c.json"), "--dot",
             dir_.filePath("t.dot")});
    ASSERT_EQ(r.status, 0) << r.err.toStdString();
    EXPECT_EQ(QImage(dir_.filePath("t.png")).size(), QSize(1200, 800));
    EXPECT_EQ(QImage(dir_.filePath("f.png")).size(), QSize(1200, 800));
    for (const char* name : {"tree.svg", "c.json", "t.dot"})
        EXPECT_GT(QFile(dir_.filePath(name)).size(), 0) << name;
}

TEST_F(ExportCommand, BadArgumentsExitWithStatusTwo) {
    const QStringList bad[] = {
        {"export"},
        {"export", trace_path_},
        {"export", trace_path_, "--timeline", "x.gif"},
        {"export", trace_path_, "--timeline", "x.png", "--size", "big"},
        {"export", trace_path_, "--lineage", "Nobody=x.png"},
        {"export", dir_.filePath("missing.jsonl"), "--timeline", "x.png"},
        {"export", trace_path_, "--no-such-option"},
        {"frobnicate"},
    };
    for (const auto& args : bad) {
        const Result r = run(args);
        EXPECT_EQ(r.status, 2) << args.join(' ').toStdString();
        EXPECT_TRUE(r.err.contains("tasklens")) << r.err.toStdString();
    }
}

TEST_F(ExportCommand, AMomentPastTheEndIsAnError) {
    const Result r = run({"export", trace_path_, "--tree", dir_.filePath("t.png"), "--at", "100s"});
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(r.err.contains("--at 100 s is past the end of the run")) << r.err.toStdString();
    EXPECT_FALSE(QFile::exists(dir_.filePath("t.png")));
}

TEST_F(ExportCommand, ACutOffTraceExportsUpToItsLastCompleteLineWithAWarning) {
    QFile file(trace_path_);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    QByteArray text = file.readAll();
    file.close();
    // Cut in the middle of the last line, as a killed recording leaves it.
    text.chop(text.size() - text.lastIndexOf('\n', -2) - 12);
    const QString cut = dir_.filePath("cut.jsonl");
    QFile out(cut);
    ASSERT_TRUE(out.open(QIODevice::WriteOnly));
    out.write(text);
    out.close();
    const int lines = text.count('\n');
    const Result r = run({"export", cut, "--timeline", dir_.filePath("t.png")});
    ASSERT_EQ(r.status, 0) << r.err.toStdString();
    EXPECT_TRUE(r.err.contains(
        QStringLiteral("warning: %1:%2: truncated last line").arg(cut).arg(lines + 1)))
        << r.err.toStdString();
    EXPECT_TRUE(r.err.contains(QStringLiteral("opened up to line %1").arg(lines)))
        << r.err.toStdString();
    EXPECT_FALSE(QImage(dir_.filePath("t.png")).isNull());
}

TEST_F(ExportCommand, SaveTraceConvertsToBinaryAndBackLosslessly) {
    const QString binary = dir_.filePath("sample.tlb");
    const QString back = dir_.filePath("back.jsonl");
    Result r = run({"export", trace_path_, "--save-trace", binary});
    ASSERT_EQ(r.status, 0) << r.err.toStdString();
    // The binary trace exports like the JSONL one, and converts back to the same lines.
    r = run({"export", binary, "--timeline", dir_.filePath("t.png"), "--save-trace", back});
    ASSERT_EQ(r.status, 0) << r.err.toStdString();
    EXPECT_FALSE(QImage(dir_.filePath("t.png")).isNull());
    QFile original(trace_path_);
    QFile converted(back);
    ASSERT_TRUE(original.open(QIODevice::ReadOnly) && converted.open(QIODevice::ReadOnly));
    EXPECT_EQ(converted.readAll(), original.readAll());
    EXPECT_LT(QFile(binary).size() * 3, QFile(trace_path_).size());
    // A binary trace cut inside its last record still exports, with a warning naming the record.
    QFile in(binary);
    ASSERT_TRUE(in.open(QIODevice::ReadOnly));
    QByteArray bytes = in.readAll();
    bytes.chop(2);
    const QString cut = dir_.filePath("cut.tlb");
    QFile out(cut);
    ASSERT_TRUE(out.open(QIODevice::WriteOnly));
    out.write(bytes);
    out.close();
    r = run({"export", cut, "--timeline", dir_.filePath("t2.png")});
    ASSERT_EQ(r.status, 0) << r.err.toStdString();
    EXPECT_TRUE(r.err.contains(QStringLiteral("warning: %1: record ").arg(cut)))
        << r.err.toStdString();
    EXPECT_TRUE(r.err.contains(QStringLiteral("truncated last record"))) << r.err.toStdString();
}

}  // namespace
}  // namespace tasklens::ui
