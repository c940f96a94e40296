// The timeline's paint cost follows pixels: visible-range search and folding of sub-pixel spans.
#include "ui/timeline_plot.h"

#include <gtest/gtest.h>
#include <QImage>

#include "ui/view_state.h"

namespace tasklens::ui {
namespace {

/// `lanes` lanes of `spans_per_lane` back-to-back spans of 10 µs each, cycling through states.
std::shared_ptr<TimelineData> denseTimeline(int lanes, int spans_per_lane) {
    const int64_t end = int64_t{spans_per_lane} * 10;
    TimelineDataBuilder builder({0, double(end)});
    for (int lane = 0; lane < lanes; ++lane) {
        Lane info;
        info.process.pid = Pid{0, uint32_t(100 + lane)};
        info.process.initial_call = "Task.async/1 fn";
        info.process.role = ProcessRole::Task;
        builder.addLane(info);
        for (int i = 0; i < spans_per_lane; ++i)
            builder.addSpan(
                {int64_t{i} * 10, int64_t{i} * 10 + 10, SpanState(i % kSpanStateCount)});
    }
    return std::make_shared<TimelineData>(builder.finish());
}

TimelineDrawStats render(TimelinePlot& plot, QSize size) {
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QCPPainter painter(&image);
    plot.resize(size);
    plot.renderTo(painter, size);
    return plot.lastDrawStats();
}

TEST(TimelinePlot, FoldsSubPixelSpansIntoFewMarks) {
    TimelinePlot plot;
    plot.setTimelineData(denseTimeline(3, 200'000));  // 200k spans per lane, far below a pixel each
    const TimelineDrawStats stats = render(plot, {1600, 900});
    EXPECT_EQ(stats.lanes_drawn, 3);
    EXPECT_EQ(stats.spans_drawn, 0);
    // Each mark covers at least the fold width: at most ~plot width / 3 px marks per lane.
    EXPECT_GT(stats.folded_marks, 0);
    EXPECT_LE(stats.folded_marks, 3 * 1600 / 3);
}

TEST(TimelinePlot, DrawsSpansOneByOneWhenZoomedIn) {
    TimelinePlot plot;
    plot.setTimelineData(denseTimeline(2, 200'000));
    plot.viewState()->setVisibleWindow({1'000'000, 1'000'500});  // 50 spans of 10 µs visible
    const TimelineDrawStats stats = render(plot, {1600, 900});
    EXPECT_EQ(stats.folded_marks, 0);
    EXPECT_GE(stats.spans_drawn, 2 * 50);
    EXPECT_LE(stats.spans_drawn, 2 * 52);  // plus the partly visible ones at the edges
}

TEST(TimelinePlot, DrawsOnlyTheLanesThatFit) {
    TimelinePlot plot;
    plot.setTimelineData(denseTimeline(1000, 10));
    const TimelineDrawStats stats = render(plot, {1600, 900});
    EXPECT_GT(stats.lanes_drawn, 10);
    EXPECT_LT(stats.lanes_drawn, 100);
    plot.setFirstLane(990);
    EXPECT_LE(plot.firstLane(), 990);
    EXPECT_GE(plot.firstLane() + plot.visibleLaneCount(), 999);
}

TEST(TimelinePlot, SelectionFollowsTheSharedState) {
    TimelinePlot plot;
    auto data = denseTimeline(4, 10);
    plot.setTimelineData(data);
    ViewState shared;
    plot.setViewState(&shared);
    shared.resetForTrace(data->range);
    shared.setSelectedPid(Pid{0, 102});
    EXPECT_EQ(data->laneOf(Pid{0, 102}), 2);
    shared.zoomAround(50, 2);
    EXPECT_EQ(plot.xAxis2->range().size(), 50);
}

}  // namespace
}  // namespace tasklens::ui
