// Exports at scale: a 10,000-task Task.Supervisor run with 5 crashes exports a timeline that is
// neither blank nor a uniform slab (a folded group lane with its crash marks), and a tree that
// folds the tasks into one counted box instead of a blank thumbnail. An SVG stays well-formed
// whatever a process is called.
#include <gtest/gtest.h>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <set>

#include "engine/trace/trace_model.h"
#include "ui/image_export.h"
#include "ui/palette.h"
#include "ui/timeline_plot.h"
#include "ui/trace_adapter.h"
#include "ui/tree_folding.h"
#include "ui/tree_view.h"

namespace tasklens::ui {
namespace {

using trace::Event;
using trace::EventKind;

/// main (0.1) starts a Task.Supervisor (0.2) and 10,000 tasks under it, 10 µs apart; each
/// sleeps a pseudo-random 1..97 ms; tasks 2000, 4000, ... 10000 crash.
std::vector<Event> tenThousandTasks() {
    struct Timed {
        int64_t t;
        Event e;
    };
    std::vector<Timed> timed;
    auto add = [&](int64_t t, EventKind kind, uint32_t who, uint32_t peer) -> Event& {
        Timed& x = timed.emplace_back();
        x.t = t;
        x.e.kind = kind;
        x.e.pid = Pid{0, who};
        if (peer) x.e.peer = Pid{0, peer};
        return x.e;
    };
    add(0, EventKind::Spawn, 2, 1).text = "Task.Supervisor.start_link/1";
    for (uint32_t i = 1; i <= 10'000; ++i) {
        const uint32_t task = 100 + i;
        const int64_t start = 10 * int64_t(i);
        const int64_t end = start + (int64_t(i) * 7919 % 97 + 1) * 1000;
        add(start, EventKind::Spawn, task, 2).text = "Task.Supervised.invoke_mfa/2";
        add(start, EventKind::ChildStart, 2, task).text = ":undefined";
        add(start, EventKind::Caller, task, 1).text = "Task fn in Worker.run/1";
        add(start, EventKind::StateChange, task, 0).state = trace::ProcessState::Running;
        add(start + 3, EventKind::StateChange, task, 0).state = trace::ProcessState::Sleeping;
        add(end, EventKind::StateChange, task, 0).state = trace::ProcessState::Running;
        Event& exit = add(end + 2, EventKind::Exit, task, 0);
        const bool crash = i % 2'000 == 0;
        exit.reason_class = crash ? trace::ExitReasonClass::Crash : trace::ExitReasonClass::Normal;
        exit.text = crash ? "{%RuntimeError{message: \"task failed\"}, [...]}" : ":normal";
    }
    std::stable_sort(timed.begin(), timed.end(),
                     [](const Timed& a, const Timed& b) { return a.t < b.t; });
    std::vector<Event> events;
    for (size_t k = 0; k < timed.size(); ++k) {
        timed[k].e.seq = k;
        timed[k].e.time_us = timed[k].t;
        events.push_back(std::move(timed[k].e));
    }
    return events;
}

class ScaleExport : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(dir_.isValid());
        model_ =
            std::make_unique<trace::TraceModel>(tenThousandTasks(), trace::RunInfo{"tasks_10k", 2});
    }
    QString path(const char* name) const { return dir_.filePath(QString::fromLatin1(name)); }
    QTemporaryDir dir_;
    std::unique_ptr<trace::TraceModel> model_;
};

bool near(QRgb pixel, QColor color, int tolerance = 40) {
    return std::abs(qRed(pixel) - color.red()) + std::abs(qGreen(pixel) - color.green()) +
               std::abs(qBlue(pixel) - color.blue()) <=
           tolerance;
}

TEST_F(ScaleExport, TimelineShowsAFoldedGroupWithItsCrashes) {
    const TimelineData data = buildTimelineData(*model_);
    ASSERT_EQ(data.laneCount(), 10'002);
    // The plot folds the tasks into one group lane.
    TimelinePlot plot;
    plot.setTimelineData(std::shared_ptr<const TimelineData>(std::shared_ptr<void>(), &data));
    ASSERT_EQ(plot.timelineData()->groups.size(), 1u);
    const LaneGroup& group = plot.timelineData()->groups[0];
    EXPECT_EQ(group.members, 10'000);
    EXPECT_EQ(group.crashed, 5);
    EXPECT_EQ(group.crash_us.size(), 5u);
    EXPECT_GT(group.peak_alive, 100);

    QString error;
    ASSERT_TRUE(exportTimeline(data, {path("t.png"), {1600, 900}}, &error)) << error.toStdString();
    const QImage image = QImage(path("t.png")).convertToFormat(QImage::Format_RGB32);
    ASSERT_EQ(image.size(), QSize(1600, 900));
    // Not blank, and not a slab: many colours, none covering most of the picture.
    std::map<QRgb, int> colours;
    int non_white = 0;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3) {
            const QRgb p = image.pixel(x, y);
            ++colours[p];
            if (p != qRgb(255, 255, 255)) ++non_white;
        }
    const int samples = (image.height() / 3 + 1) * (image.width() / 3 + 1);
    EXPECT_GT(non_white, samples / 20) << "blank";
    int largest_non_white = 0;
    for (const auto& [colour, count] : colours)
        if (colour != qRgb(255, 255, 255)) largest_non_white = std::max(largest_non_white, count);
    EXPECT_LT(largest_non_white, samples / 2) << "a uniform slab";
    EXPECT_GT(colours.size(), 20u);
    // The crash marks: columns of crash red, at least as many separate ones as crashes (they
    // are far enough apart in time to get their own columns at this width).
    const QColor crash = exitColor(trace::ExitReasonClass::Crash);
    int runs = 0;
    bool previous = false;
    for (int x = 0; x < image.width(); ++x) {
        int red = 0;
        for (int y = 0; y < image.height() * 2 / 3; ++y) red += near(image.pixel(x, y), crash);
        const bool column = red >= 6;
        if (column && !previous) ++runs;
        previous = column;
    }
    EXPECT_GE(runs, 5);
}

TEST_F(ScaleExport, TreeFoldsTheTasksIntoOneCountedBox) {
    // At the busiest moment most tasks are alive; the rest already finished.
    int64_t busiest = 0, best = -1;
    for (const auto& p : model_->series(trace::Series::ProcessesAlive))
        if (p.value > best) best = p.value, busiest = p.time_us;
    const TreeSnapshot tree = buildTreeSnapshot(*model_, busiest);
    const TreeSnapshot folded = foldTree(tree);
    int boxes = 0;
    for (const TreeNode& node : folded.nodes) {
        if (node.group_members == 0) continue;
        ++boxes;
        EXPECT_EQ(node.group_members, node.group_alive + node.group_done + node.group_crashed);
        EXPECT_GT(node.group_alive, 100);
        EXPECT_EQ(node.process.initial_call, "Task fn in Worker.run/1");
    }
    EXPECT_EQ(boxes, 1);
    EXPECT_LT(folded.nodes.size(), 10u);

    QString error;
    ASSERT_TRUE(exportTree(tree, {path("tree.png"), {1600, 900}}, &error)) << error.toStdString();
    const QImage image(path("tree.png"));
    ASSERT_FALSE(image.isNull());
    int non_white = 0;
    for (int y = 0; y < image.height(); y += 4)
        for (int x = 0; x < image.width(); x += 4)
            if (image.pixel(x, y) != qRgb(255, 255, 255)) ++non_white;
    EXPECT_GT(non_white, 500) << "blank tree";
}

TEST(ScaleExportTree, ABigTreeGrowsTheCanvasInsteadOfShrinking) {
    TreeSnapshot tree;
    tree.nodes.resize(57);
    tree.roots = {0};
    for (int i = 1; i < 57; ++i) {
        tree.nodes[size_t(i)].process.pid = Pid{0, uint32_t(10 + i)};
        tree.nodes[size_t(i)].process.initial_call = "Worker.run/" + std::to_string(i);
        tree.nodes[size_t(i)].parent = 0;
        tree.nodes[0].children.push_back(i);
    }
    const QSize size = treeExportSize(tree, {1600, 900});
    EXPECT_EQ(size.width(), 1600);
    EXPECT_GT(size.height(), 900);  // 57 rows of 64 px at 0.6 do not fit in 900
}

TEST(ScaleExportSvg, ControlCharactersInNamesStillMakeValidSvg) {
    QTemporaryDir dir;
    TimelineDataBuilder builder({0, 1000});
    Lane lane;
    lane.process.pid = Pid{0, 5};
    lane.process.registered_name = std::string("bad\x01name\x1f");
    builder.addLane(lane);
    builder.addSpan({0, 500, SpanState::Running});
    const TimelineData data = builder.finish();
    const QString file = dir.filePath(QStringLiteral("t.svg"));
    QString error;
    ASSERT_TRUE(exportTimeline(data, {file, {800, 400}}, &error)) << error.toStdString();
    QFile svg(file);
    ASSERT_TRUE(svg.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&svg);
    while (!xml.atEnd()) xml.readNext();
    EXPECT_FALSE(xml.hasError()) << xml.errorString().toStdString();
    EXPECT_EQ(withoutXmlControlCharacters("a\x01"
                                          "b\tc"),
              QByteArray("a\xEF\xBF\xBD"
                         "b\tc"));
}

}  // namespace
}  // namespace tasklens::ui
