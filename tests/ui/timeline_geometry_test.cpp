// Time <-> pixel maths, table-driven, no widgets (style.md 6).
#include "ui/timeline_geometry.h"

#include <gtest/gtest.h>

namespace tasklens::ui {
namespace {

struct MapCase {
    TimeWindow window;
    double x_left, width;
    double t_us, x;
};

TEST(TimelineGeometry, MapsTimeToXAndBack) {
    const MapCase cases[] = {
        {{0, 1000}, 0, 1000, 0, 0},
        {{0, 1000}, 0, 1000, 500, 500},
        {{0, 1000}, 0, 1000, 1000, 1000},
        {{0, 1000}, 100, 500, 500, 350},  // offset and 2 µs per pixel
        {{1'000'000, 3'000'000}, 0, 1600, 2'000'000, 800},
        {{-50, 50}, 10, 100, 0, 60},   // windows may start before zero
        {{0, 10}, 0, 1000, 2.5, 250},  // sub-microsecond positions when zoomed in
    };
    for (const auto& c : cases) {
        TimelineGeometry geometry(c.window, c.x_left, c.width);
        EXPECT_DOUBLE_EQ(geometry.mapTimeToX(c.t_us), c.x) << c.t_us;
        EXPECT_DOUBLE_EQ(geometry.mapXToTime(c.x), c.t_us) << c.x;
    }
}

TEST(TimelineGeometry, MicrosPerPixel) {
    EXPECT_DOUBLE_EQ(TimelineGeometry({0, 1'600'000}, 0, 1600).microsPerPixel(), 1000);
}

struct ZoomCase {
    TimeWindow window;
    double anchor, factor;
    TimeWindow bounds;
    TimeWindow expected;
};

TEST(TimelineGeometry, ZoomKeepsTheAnchorAndStaysInBounds) {
    const ZoomCase cases[] = {
        {{0, 1000}, 500, 2, {0, 1000}, {250, 750}},        // zoom in around the middle
        {{0, 1000}, 0, 2, {0, 1000}, {0, 500}},            // around the left edge
        {{0, 1000}, 1000, 4, {0, 1000}, {750, 1000}},      // around the right edge
        {{250, 750}, 500, 0.5, {0, 1000}, {0, 1000}},      // zoom out back to everything
        {{0, 1000}, 500, 0.1, {0, 1000}, {0, 1000}},       // never wider than the run
        {{0, 1000}, 500, 1e6, {0, 1000}, {495, 505}},      // never narrower than kMinWindowUs
        {{800, 1000}, 900, 0.25, {0, 1000}, {200, 1000}},  // zooming out near an edge shifts in
    };
    for (const auto& c : cases) {
        const TimeWindow result = zoomWindow(c.window, c.anchor, c.factor, c.bounds);
        EXPECT_NEAR(result.begin_us, c.expected.begin_us, 1e-9) << c.anchor << " x" << c.factor;
        EXPECT_NEAR(result.end_us, c.expected.end_us, 1e-9) << c.anchor << " x" << c.factor;
    }
}

TEST(TimelineGeometry, ZoomAroundPixelKeepsTheTimeUnderTheMouse) {
    TimelineGeometry geometry({0, 1000}, 100, 1000);
    const double before = geometry.mapXToTime(400);
    geometry.zoomAroundX(400, 3, {0, 1000});
    EXPECT_NEAR(geometry.mapXToTime(400), before, 1e-9);
    EXPECT_NEAR(geometry.window().duration(), 1000.0 / 3, 1e-9);
}

struct PanCase {
    TimeWindow window;
    double delta;
    TimeWindow expected;
};

TEST(TimelineGeometry, PanStopsAtTheEdges) {
    const TimeWindow bounds{0, 1000};
    const PanCase cases[] = {
        {{100, 200}, 50, {150, 250}},
        {{100, 200}, -150, {0, 100}},
        {{800, 900}, 500, {900, 1000}},
        {{0, 1000}, 10, {0, 1000}},
    };
    for (const auto& c : cases)
        EXPECT_EQ(panWindow(c.window, c.delta, bounds), c.expected) << c.delta;
    TimelineGeometry geometry({100, 200}, 0, 100);  // 1 µs per pixel
    geometry.panByPixels(30, bounds);
    EXPECT_EQ(geometry.window(), (TimeWindow{130, 230}));
}

struct TickCase {
    double window_us, width_px, largest;
    TickStep expected;
};

TEST(TimelineGeometry, NiceTickStepsIn125Series) {
    const TickCase cases[] = {
        {1000, 1000, 1000, {100, TimeUnit::Milliseconds, 1}},  // 0.1 ms apart
        {100, 1000, 100, {10, TimeUnit::Microseconds, 0}},
        {3'000'000, 1200, 3'000'000, {200'000, TimeUnit::Seconds, 1}},  // 0.2 s
        {2'000'000, 1600, 2'000'000, {100'000, TimeUnit::Seconds, 1}},
        {2'000'000, 400, 2'000'000, {500'000, TimeUnit::Seconds, 1}},
        {60'000'000, 1600, 60'000'000, {5'000'000, TimeUnit::Seconds, 0}},
        {20'000, 1000, 1'520'000, {2000, TimeUnit::Seconds, 3}},  // zoomed in late in a run
        {7, 1000, 7, {1, TimeUnit::Microseconds, 0}},             // never below 1 µs
    };
    for (const auto& c : cases)
        EXPECT_EQ(niceTickStep(c.window_us, c.width_px, 80, c.largest), c.expected) << c.window_us;
}

TEST(TimelineGeometry, TickPositionsAndLabels) {
    const TickStep step{500'000, TimeUnit::Seconds, 1};
    const auto ticks = tickPositions({0, 2'100'000}, step);
    ASSERT_EQ(ticks.size(), 5u);
    EXPECT_EQ(ticks[1], 500'000);
    EXPECT_EQ(formatTick(ticks[3], step), "1.5 s");
    EXPECT_EQ(formatTick(250, {50, TimeUnit::Microseconds, 0}), "250 \u00b5s");
    EXPECT_EQ(formatTick(1500, {100, TimeUnit::Milliseconds, 1}), "1.5 ms");
    EXPECT_EQ(tickPositions({150, 420}, {100, TimeUnit::Microseconds, 0}),
              (std::vector<int64_t>{200, 300, 400}));
}

TEST(TimelineGeometry, FormatsDurationsInTheirNaturalUnit) {
    EXPECT_EQ(formatDuration(12), "12 \u00b5s");
    EXPECT_EQ(formatDuration(1500), "1.5 ms");
    EXPECT_EQ(formatDuration(2'000'000), "2 s");
    EXPECT_EQ(formatDuration(1'234'567), "1.235 s");
}

}  // namespace
}  // namespace tasklens::ui
