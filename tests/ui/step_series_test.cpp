// The load chart's step series: exact extremes per pixel column from a block summary, and a
// paint that draws one column per pixel whatever the number of steps. Also the timeline's dark
// canvas (on screen) and light exports.
#include "ui/step_series_plottable.h"

#include <gtest/gtest.h>
#include <QImage>
#include <QTest>

#include "ui/gallop.h"
#include "ui/palette.h"
#include "ui/timeline_plot.h"
#include "ui/view_state.h"

namespace tasklens::ui {
namespace {

StepSeries sawtooth(int points) {
    // value i % 100 at time 10 i, one spike of 5,000 at point 123,457.
    std::vector<SeriesPoint> series;
    for (int i = 0; i < points; ++i)
        series.push_back({int64_t{i} * 10, i == 123'457 ? 5'000.0 : double(i % 100)});
    return StepSeries(std::move(series));
}

TEST(StepSeries, ValueAtIsTheStepInForce) {
    const StepSeries s({{10, 1}, {20, 3}, {30, 2}});
    EXPECT_EQ(s.valueAt(5), 0);
    EXPECT_EQ(s.valueAt(10), 1);
    EXPECT_EQ(s.valueAt(19.9), 1);
    EXPECT_EQ(s.valueAt(20), 3);
    EXPECT_EQ(s.valueAt(1'000), 2);
    EXPECT_EQ(s.maxValue(), 3);
}

TEST(StepSeries, ExtremesIncludeTheStepInForceAndEveryPointInside) {
    const StepSeries s({{10, 1}, {20, 3}, {30, 2}, {40, 0}});
    struct Case {
        double t0, t1, lo, hi;
    };
    for (const Case& c :
         {Case{0, 5, 0, 0}, Case{0, 15, 0, 1}, Case{12, 18, 1, 1}, Case{12, 25, 1, 3},
          Case{25, 35, 2, 3}, Case{20, 30, 3, 3}, Case{0, 100, 0, 3}, Case{45, 100, 0, 0}}) {
        const auto [lo, hi] = s.extremesIn(c.t0, c.t1);
        EXPECT_EQ(lo, c.lo) << c.t0 << ".." << c.t1;
        EXPECT_EQ(hi, c.hi) << c.t0 << ".." << c.t1;
    }
}

TEST(StepSeries, BlockSummaryGivesTheSameExtremesAsAScan) {
    const StepSeries s = sawtooth(300'000);
    for (auto [t0, t1] : {std::pair{0.0, 3e6},
                          {1'234'565.0, 1'234'575.0},
                          {1'000.0, 1'630.0},
                          {1'100'000.0, 1'300'000.0},
                          {5.0, 7.0}}) {
        double lo = s.valueAt(t0), hi = lo;
        for (const SeriesPoint& p : s.points())
            if (double(p.t_us) > t0 && double(p.t_us) < t1) {
                lo = std::min(lo, p.value);
                hi = std::max(hi, p.value);
            }
        EXPECT_EQ(s.extremesIn(t0, t1), std::pair(lo, hi)) << t0 << ".." << t1;
    }
    // The one-point spike is found however wide the range around it.
    EXPECT_EQ(s.extremesIn(0, 3e6).second, 5'000);
}

TEST(StepSeries, ColumnWalkGivesWhatTheSearchesFromScratchGive) {
    // The painter's walk (each search from where the last one ended) against valueAt and
    // extremesIn, over column widths narrower and much wider than the steps, with steps that
    // land exactly on column edges, equal times, and columns before and after the series.
    std::vector<SeriesPoint> points;
    for (int i = 0; i < 5'000; ++i)
        points.push_back({int64_t{i / 3} * 7, double((i * 7919) % 101)});  // 3 points per time
    const StepSeries s(std::move(points));
    for (const double width : {0.5, 7.0, 10.0, 333.0, 20'000.0}) {
        size_t cursor = 0;
        int columns = 0;
        for (double t0 = -50; t0 < 12'000; t0 += width, ++columns) {
            const double t1 = t0 + width;
            const StepSeries::Column column = s.column(t0, t1, cursor);
            const auto [lo, hi] = s.extremesIn(t0, t1);
            ASSERT_EQ(column.start, s.valueAt(t0)) << width << " " << t0;
            ASSERT_EQ(column.lo, lo) << width << " " << t0;
            ASSERT_EQ(column.hi, hi) << width << " " << t0;
            ASSERT_EQ(column.end, s.valueAt(t1)) << width << " " << t0;
        }
        EXPECT_GT(columns, 0);
    }
}

TEST(Gallop, FindsWhatPartitionPointFinds) {
    std::vector<int> values;
    for (int i = 0; i < 1'000; ++i) values.push_back(i / 4);
    for (size_t from : {size_t{0}, size_t{1}, size_t{17}, size_t{999}, size_t{1'000}})
        for (int bound : {-1, 0, 1, 3, 100, 249, 250, 400}) {
            auto before = [bound](int v) { return v < bound; };
            const auto first = values.begin() + std::ptrdiff_t(from);
            EXPECT_EQ(gallopPartitionPoint(first, values.end(), before),
                      std::partition_point(first, values.end(), before))
                << from << " " << bound;
        }
}

TEST(StepSeries, TimelineLoadChartDrawsOneColumnPerPixel) {
    TimelineDataBuilder builder({0, 3e6});
    Lane lane;
    lane.process.pid = Pid{0, 100};
    builder.addLane(lane);
    builder.addSpan({0, 3'000'000, SpanState::Running});
    TimelineData data = builder.finish();
    for (int i = 0; i < 300'000; ++i)
        data.processes_alive.push_back({int64_t{i} * 10, double(i % 7)});
    TimelinePlot plot;
    plot.setTimelineData(std::make_shared<TimelineData>(std::move(data)));
    QImage image(QSize(1600, 900), QImage::Format_ARGB32_Premultiplied);
    QCPPainter painter(&image);
    plot.resize(1600, 900);
    plot.renderTo(painter, {1600, 900});
    const auto* alive = plot.findChild<StepSeriesPlottable*>();
    ASSERT_NE(alive, nullptr);
    int most = 0;
    for (auto* series : plot.findChildren<StepSeriesPlottable*>())
        most = std::max(most, series->lastColumnsDrawn());
    EXPECT_GT(most, 800);   // the chart spans most of the width ...
    EXPECT_LT(most, 1600);  // ... one column per pixel, not one segment per step
}

QPalette darkPalette() {
    QPalette palette;
    palette.setColor(QPalette::Window, QColor(35, 35, 38));
    palette.setColor(QPalette::WindowText, QColor(230, 230, 230));
    palette.setColor(QPalette::Base, QColor(25, 25, 28));
    palette.setColor(QPalette::Text, QColor(230, 230, 230));
    return palette;
}

TEST(TimelinePlot, FollowsADarkPaletteOnScreenAndExportsLight) {
    TimelineDataBuilder builder({0, 1'000});
    for (uint32_t i = 0; i < 3; ++i) {
        Lane lane;
        lane.process.pid = Pid{0, 100 + i};
        builder.addLane(lane);
        builder.addSpan({100, 900, SpanState::Running});
    }
    TimelinePlot plot;
    plot.setTimelineData(std::make_shared<TimelineData>(builder.finish()));
    plot.setPalette(darkPalette());
    plot.resize(900, 600);
    plot.show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(&plot));
    plot.replot(QCustomPlot::rpImmediateRefresh);
    EXPECT_EQ(plot.canvasScheme(), CanvasScheme::Dark);
    const QImage shown = plot.grab().toImage();
    // A corner of the plot (no lane, no label) is the dark canvas.
    EXPECT_LT(qGray(shown.pixel(shown.width() - 3, 3)), 80);

    QImage exported(QSize(900, 600), QImage::Format_ARGB32_Premultiplied);
    exported.fill(Qt::black);
    QCPPainter painter(&exported);
    plot.renderTo(painter, {900, 600});
    painter.end();
    EXPECT_GT(qGray(exported.pixel(exported.width() - 3, 3)), 200);
    // And the widget goes back to its palette's scheme afterwards.
    plot.replot(QCustomPlot::rpImmediateRefresh);
    EXPECT_EQ(plot.canvasScheme(), CanvasScheme::Dark);
}

}  // namespace
}  // namespace tasklens::ui
