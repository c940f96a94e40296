// Screenshot mode and the no-display paths of the real binary: --help, --version, bad input.
#include <gtest/gtest.h>

#include <QDir>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>

namespace tasklens::ui {
namespace {

struct Result {
    int status;
    QString out, err;
};

Result runTasklens(const QStringList& args) {
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));  // must work without a display
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(TASKLENS_BINARY), args);
    EXPECT_TRUE(process.waitForFinished(180'000)) << args.join(' ').toStdString();
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

TEST(TasklensBinary, HelpAndVersionNeedNoDisplay) {
    const Result help = runTasklens({QStringLiteral("--help")});
    EXPECT_EQ(help.status, 0) << help.err.toStdString();
    EXPECT_TRUE(help.out.contains(QStringLiteral("--screenshot")));
    const Result version = runTasklens({QStringLiteral("--version")});
    EXPECT_EQ(version.status, 0);
    EXPECT_TRUE(version.out.startsWith(QStringLiteral("tasklens ")));
    EXPECT_TRUE(version.out.contains(QStringLiteral("commit "))) << version.out.toStdString();
}

TEST(TasklensBinary, TheWindowWithoutADisplayIsAClearError) {
    const Result r = runTasklens({});
    EXPECT_EQ(r.status, 2);
    EXPECT_TRUE(r.err.contains(QStringLiteral("no display"))) << r.err.toStdString();
}

TEST(TasklensBinary, ScreenshotOfEveryDemo) {
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QStringList demos = QDir(QStringLiteral(TASKLENS_SCENARIO_DIR))
                                  .entryList({QStringLiteral("*.exs")}, QDir::Files);
    ASSERT_FALSE(demos.isEmpty());
    for (const QString& demo : demos) {
        const QString out = dir.filePath(demo + QStringLiteral(".png"));
        const Result r = runTasklens(
            {QStringLiteral("--scenario"), QStringLiteral(TASKLENS_SCENARIO_DIR "/") + demo,
             QStringLiteral("--run-to-end"), QStringLiteral("--screenshot"), out,
             QStringLiteral("--size"), QStringLiteral("1280x800")});
        ASSERT_EQ(r.status, 0) << demo.toStdString() << ": " << r.err.toStdString();
        const QImage image(out);
        EXPECT_EQ(image.size(), QSize(1280, 800)) << demo.toStdString();
    }
}

TEST(TasklensBinary, ScreenshotPausedAtAMomentWithASelection) {
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("paused.png"));
    const Result r = runTasklens(
        {QStringLiteral("--scenario"), QStringLiteral("supervision_tree"), QStringLiteral("--at"),
         QStringLiteral("2s"), QStringLiteral("--paused-at"), QStringLiteral("1.5s"),
         QStringLiteral("--select"), QStringLiteral("Demo.Fetcher"), QStringLiteral("--screenshot"),
         out, QStringLiteral("--size"), QStringLiteral("1600x1000")});
    ASSERT_EQ(r.status, 0) << r.err.toStdString();
    EXPECT_EQ(QImage(out).size(), QSize(1600, 1000));
}

TEST(TasklensBinary, BadScreenshotInputFailsWithAMessage) {
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("x.png"));
    const QList<QStringList> bad = {
        {QStringLiteral("--scenario"), dir.filePath(QStringLiteral("missing.exs")),
         QStringLiteral("--run-to-end"), QStringLiteral("--screenshot"), out},
        {QStringLiteral("--scenario"), QStringLiteral("supervision_tree"),
         QStringLiteral("--screenshot"), out},
        {QStringLiteral("--scenario"), QStringLiteral("supervision_tree"), QStringLiteral("--at"),
         QStringLiteral("soon"), QStringLiteral("--screenshot"), out},
        {QStringLiteral("--scenario"), QStringLiteral("supervision_tree"), QStringLiteral("--at"),
         QStringLiteral("1s"), QStringLiteral("--select"), QStringLiteral("Nobody"),
         QStringLiteral("--screenshot"), out},
        {QStringLiteral("--run-to-end"), QStringLiteral("--screenshot"), out,
         QStringLiteral("--size"), QStringLiteral("huge")},
    };
    for (const QStringList& args : bad) {
        const Result r = runTasklens(args);
        EXPECT_EQ(r.status, 2) << args.join(' ').toStdString() << ": " << r.err.toStdString();
        EXPECT_TRUE(r.err.contains(QStringLiteral("tasklens: "))) << r.err.toStdString();
    }
    // A scenario that does not compile is not a usage error but a failed run.
    QFile broken(dir.filePath(QStringLiteral("broken.exs")));
    ASSERT_TRUE(broken.open(QIODevice::WriteOnly));
    broken.write("x = [1,\n");
    broken.close();
    const Result r =
        runTasklens({QStringLiteral("--scenario"), broken.fileName(),
                     QStringLiteral("--run-to-end"), QStringLiteral("--screenshot"), out});
    EXPECT_EQ(r.status, 1);
    EXPECT_TRUE(r.err.contains(QStringLiteral("broken.exs:"))) << r.err.toStdString();
}

}  // namespace
}  // namespace tasklens::ui
