// The demo gallery (resources/scenarios): every demo is listed in scenarios.qrc, opens with the
// one-line description the gallery shows, and has its conformance case (tests/conformance/cases/
// demo_NAME with expected stdout and exit status).
#include <gtest/gtest.h>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSet>

namespace {

const QDir kSource(QStringLiteral(TASKLENS_SOURCE_DIR));

QStringList demoFiles() {
    return QDir(kSource.filePath(QStringLiteral("resources/scenarios")))
        .entryList({QStringLiteral("*.exs")}, QDir::Files, QDir::Name);
}

QByteArray readAll(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return file.readAll();
}

TEST(DemoGallery, HasAtLeastFifteenDemosAllInTheResourceFile) {
    const QStringList demos = demoFiles();
    EXPECT_GE(demos.size(), 15);
    const QString qrc =
        QString::fromUtf8(readAll(kSource.filePath(QStringLiteral("resources/scenarios.qrc"))));
    QSet<QString> listed;
    const QRegularExpression file_entry(QStringLiteral("<file>scenarios/([^<]+)</file>"));
    for (auto it = file_entry.globalMatch(qrc); it.hasNext();) listed.insert(it.next().captured(1));
    EXPECT_EQ(listed, QSet<QString>(demos.begin(), demos.end()));
}

TEST(DemoGallery, EveryDemoOpensWithAOneLineDescription) {
    for (const QString& demo : demoFiles()) {
        const QByteArray text =
            readAll(kSource.filePath(QStringLiteral("resources/scenarios/") + demo));
        const QByteArray first = text.left(text.indexOf('\n'));
        EXPECT_TRUE(first.startsWith("# ")) << demo.toStdString();
        EXPECT_GT(first.size(), 20) << demo.toStdString();
        EXPECT_LE(first.size(), 110) << demo.toStdString() << ": keep the gallery line short";
    }
}

TEST(DemoGallery, EveryDemoIsAConformanceCase) {
    const QDir cases(kSource.filePath(QStringLiteral("tests/conformance/cases")));
    for (const QString& demo : demoFiles()) {
        const QString name = QStringLiteral("demo_") + demo.chopped(4);
        EXPECT_EQ(readAll(cases.filePath(name + QStringLiteral(".exs"))),
                  readAll(kSource.filePath(QStringLiteral("resources/scenarios/") + demo)))
            << name.toStdString() << ".exs must be a copy of the demo";
        EXPECT_TRUE(cases.exists(name + QStringLiteral(".stdout"))) << name.toStdString();
        EXPECT_TRUE(cases.exists(name + QStringLiteral(".exit"))) << name.toStdString();
    }
}

}  // namespace
