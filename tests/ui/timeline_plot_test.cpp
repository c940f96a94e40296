// The timeline's paint cost follows pixels: visible-range search and folding of sub-pixel spans.
#include "ui/timeline_plot.h"

#include <gtest/gtest.h>
#include <QImage>

#include "ui/palette.h"
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
    plot.setFoldingEnabled(false);  // 1,000 similar lanes would fold into one group
    plot.setTimelineData(denseTimeline(1000, 10));
    const TimelineDrawStats stats = render(plot, {1600, 900});
    EXPECT_GT(stats.lanes_drawn, 10);
    EXPECT_LT(stats.lanes_drawn, 100);
    // The lanes that do not fit are counted, never dropped silently ("+N more lanes below").
    EXPECT_EQ(stats.lanes_hidden, 1000 - stats.lanes_drawn);
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

TEST(TimelinePlot, SimilarLanesFoldIntoAGroupThatExpandsOnClick) {
    TimelinePlot plot;
    plot.setTimelineData(denseTimeline(1000, 10));
    ASSERT_EQ(plot.timelineData()->laneCount(), 1);
    ASSERT_EQ(plot.timelineData()->groups.size(), 1u);
    EXPECT_EQ(plot.fullTimelineData()->laneCount(), 1000);
    TimelineDrawStats stats = render(plot, {1600, 900});
    EXPECT_EQ(stats.groups_drawn, 1);
    EXPECT_EQ(stats.lanes_hidden, 0);
    // The group lane's tooltip gives its counts; a lane's tooltip its span.
    const QRect lanes = plot.axisRect()->rect();
    const QString tip = plot.tooltipAt(QPointF(lanes.left() + 10, lanes.top() + 5));
    EXPECT_TRUE(tip.contains(QStringLiteral("1,000 \u00d7 Task.async/1 fn"))) << tip.toStdString();
    EXPECT_TRUE(tip.contains(QStringLiteral("alive"))) << tip.toStdString();
    EXPECT_TRUE(plot.toggleGroup(0));
    EXPECT_EQ(plot.timelineData()->laneCount(), 1001);
    stats = render(plot, {1600, 900});
    EXPECT_GT(stats.lanes_hidden, 900);
    EXPECT_TRUE(plot.toggleGroup(0));
    EXPECT_EQ(plot.timelineData()->laneCount(), 1);
    EXPECT_FALSE(plot.toggleGroup(5));
}

TEST(TimelinePlot, ArrowsToLanesOutOfViewAreBinnedPerColumn) {
    // One lane sends 20,000 messages to lanes far below the view: they share a bin per column.
    auto data = denseTimeline(2000, 10);
    for (int i = 0; i < 20'000; ++i)
        data->arrows.push_back({i / 200, i / 200 + 1, 0, 100 + i % 1900, ArrowKind::Message, ":m"});
    data->finish();
    TimelinePlot plot;
    plot.setFoldingEnabled(false);
    plot.setTimelineData(data);
    const TimelineDrawStats stats = render(plot, {1600, 900});
    EXPECT_GT(stats.arrows_drawn, 0);
    EXPECT_LE(stats.arrows_drawn, 1600 / 3 + 2);
    EXPECT_EQ(stats.arrows_drawn + stats.arrows_folded, 20'000);
}

TEST(TimelinePlot, MoreLanesNoteAndBadgesStayReadableOverDenseArrows) {
    // An expanded group: every visible lane sends to lanes below the view, so strokes run
    // through the corner where the "+N more lanes below" note sits, and many ×N badges compete.
    auto data = denseTimeline(2000, 10);
    for (int i = 0; i < 40'000; ++i)
        data->arrows.push_back(
            {i / 400, i / 400 + 1, i % 40, 100 + i % 1900, ArrowKind::Message, ":m"});
    data->finish();
    TimelinePlot plot;
    plot.setFoldingEnabled(false);
    plot.setTimelineData(data);
    const QSize size(1600, 900);
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    {
        QCPPainter painter(&image);
        plot.resize(size);
        plot.renderTo(painter, size);
    }
    const TimelineDrawStats& stats = plot.lastDrawStats();
    ASSERT_GT(stats.lanes_hidden, 0);
    ASSERT_GT(stats.arrows_drawn, 0);
    // The note is opaque and no stroke enters it: inside its border only the white box and the
    // grey text, never the blue of a message arrow.
    const QRect note = plot.moreLanesNoteRect().toAlignedRect().adjusted(2, 2, -2, -2);
    ASSERT_FALSE(note.isEmpty());
    int bluish = 0;
    for (int y = note.top(); y <= note.bottom(); ++y)
        for (int x = note.left(); x <= note.right(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (c.blue() - c.red() > 25) ++bluish;
        }
    EXPECT_EQ(bluish, 0);
    // Badges are placed apart (none over another), and those with no room are counted.
    EXPECT_GT(stats.badges_drawn, 0);
    const auto& badges = plot.badgeRects();
    EXPECT_EQ(int(badges.size()), stats.badges_drawn);
    for (size_t a = 0; a < badges.size(); ++a) {
        EXPECT_FALSE(badges[a].intersects(plot.moreLanesNoteRect()));
        EXPECT_TRUE(QRectF(plot.axisRect()->rect()).contains(badges[a]));
        for (size_t b = a + 1; b < badges.size(); ++b)
            EXPECT_FALSE(badges[a].intersects(badges[b])) << a << " " << b;
    }
}

TEST(TimelinePlot, HoverSaysWhatIsUnderTheMouse) {
    TimelinePlot plot;
    auto data = denseTimeline(3, 10);  // spans of 10 µs: Running, Runnable, Waiting, ...
    plot.setTimelineData(data);
    render(plot, {1600, 900});
    const QRect lanes = plot.axisRect()->rect();
    const double y = plot.yAxis->coordToPixel(1);
    const double x = plot.xAxis2->coordToPixel(15);  // the second span: Runnable, 10 µs
    const QString tip = plot.tooltipAt(QPointF(x, y));
    EXPECT_TRUE(tip.contains(QStringLiteral("#PID<0.101.0>"))) << tip.toStdString();
    EXPECT_TRUE(tip.contains(stateName(SpanState::Runnable) +
                             QStringLiteral(" from 10 \u00b5s for 10 \u00b5s")))
        << tip.toStdString();
    EXPECT_TRUE(plot.tooltipAt(QPointF(lanes.left() + 5, lanes.bottom() + 200)).isEmpty());
}

TEST(TimelinePlot, LegendToggles) {
    TimelinePlot plot;
    plot.setTimelineData(denseTimeline(3, 10));
    render(plot, {800, 400});  // a short pane hides the legend by default
    EXPECT_FALSE(plot.legendShown());
    plot.setLegendShown(true);
    render(plot, {800, 400});
    EXPECT_TRUE(plot.legendShown());
    plot.setLegendShown(false);
    render(plot, {1600, 900});
    EXPECT_FALSE(plot.legendShown());
}

}  // namespace
}  // namespace tasklens::ui
