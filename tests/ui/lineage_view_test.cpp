// Lineage zoom and pan: the transform maths table-tested, and the widget's wheel, drag, keys and
// click hit-testing under a zoom.
#include "ui/lineage_view.h"

#include <gtest/gtest.h>
#include <QApplication>
#include <QPainter>
#include <QTest>
#include <QWheelEvent>

#include "ui/palette.h"
#include "ui/view_state.h"

namespace tasklens::ui {
namespace {

void expectNear(QPointF actual, QPointF expected, const char* what) {
    EXPECT_NEAR(actual.x(), expected.x(), 1e-9) << what;
    EXPECT_NEAR(actual.y(), expected.y(), 1e-9) << what;
}

TEST(CanvasZoom, MapsAndUnmaps) {
    CanvasZoom zoom;
    expectNear(zoom.map({10, 20}), {10, 20}, "identity");
    zoom.scale = 2;
    zoom.offset = {5, -5};
    expectNear(zoom.map({10, 20}), {25, 35}, "scale then offset");
    expectNear(zoom.unmap({25, 35}), {10, 20}, "inverse");
    expectNear(zoom.transform().map(QPointF(10, 20)), {25, 35}, "QTransform agrees");
}

struct ZoomCase {
    double scale;
    QPointF offset;
    QPointF anchor;
    double factor;
    double expected_scale;
    QPointF expected_offset;
};

TEST(CanvasZoom, ZoomKeepsTheAnchorAndClamps) {
    const ZoomCase cases[] = {
        {1, {0, 0}, {0, 0}, 2, 2, {0, 0}},            // around the origin: no shift
        {1, {0, 0}, {100, 50}, 2, 2, {-100, -50}},    // the point under the mouse stays
        {2, {-100, -50}, {100, 50}, 0.5, 1, {0, 0}},  // and zooming back returns
        {1, {10, 10}, {110, 10}, 1.5, 1.5, {-40, 10}},
        {4, {0, 0}, {0, 0}, 10, CanvasZoom::kMaxScale, {0, 0}},           // clamped in
        {1, {0, 0}, {200, 100}, 0.01, CanvasZoom::kMinScale, {150, 75}},  // clamped out
    };
    for (const auto& c : cases) {
        CanvasZoom zoom{c.scale, c.offset};
        const QPointF fitted_under_anchor = zoom.unmap(c.anchor);
        zoom.zoomAt(c.anchor, c.factor);
        EXPECT_DOUBLE_EQ(zoom.scale, c.expected_scale);
        expectNear(zoom.offset, c.expected_offset, "offset");
        expectNear(zoom.map(fitted_under_anchor), c.anchor, "anchor kept");
    }
}

TEST(CanvasZoom, PanAndReset) {
    CanvasZoom zoom;
    EXPECT_TRUE(zoom.isFit());
    zoom.panBy({30, -10});
    zoom.panBy({5, 5});
    expectNear(zoom.offset, {35, -5}, "pans add up");
    EXPECT_FALSE(zoom.isFit());
    zoom.zoomAt({0, 0}, 3);
    zoom.reset();
    EXPECT_TRUE(zoom.isFit());
}

LineageEntry entry(uint32_t serial, const char* name, ProcessRole role) {
    LineageEntry e;
    e.process.pid = Pid{0, serial};
    e.process.registered_name = name;
    e.process.role = role;
    return e;
}

class LineageViewTest : public ::testing::Test {
  protected:
    void SetUp() override {
        lineage.subject = entry(30, "", ProcessRole::Task);
        lineage.ancestors = {entry(20, "MyApp.TaskSupervisor", ProcessRole::Supervisor),
                             entry(10, "script", ProcessRole::Process)};
        lineage.callers = {entry(10, "script", ProcessRole::Process)};
        view.setLineageProvider([this](Pid, int64_t) { return lineage; });
        view.setViewState(&state);
        state.setSelectedPid(lineage.subject.process.pid);
        view.resize(900, 500);
        view.show();
        paint();
    }
    void paint() {
        view.repaint();
        QApplication::processEvents();
    }
    /// A widget point over the box of `pid`, found by scanning (the layout is private).
    std::optional<QPointF> pointOver(Pid pid) const {
        for (int y = 2; y < view.height(); y += 4)
            for (int x = 2; x < view.width(); x += 4)
                if (view.pidAt(QPointF(x, y)) == pid) return QPointF(x, y);
        return std::nullopt;
    }
    void wheel(QPointF at, int delta, Qt::KeyboardModifiers modifiers) {
        QWheelEvent event(at, view.mapToGlobal(at), QPoint(), QPoint(0, delta), Qt::NoButton,
                          modifiers, Qt::NoScrollPhase, false);
        QApplication::sendEvent(&view, &event);
        paint();
    }

    LineageData lineage;
    ViewState state;
    LineageView view;
    const Pid supervisor{0, 20};
};

TEST_F(LineageViewTest, CtrlWheelZoomsAtTheMouse) {
    const auto over = pointOver(supervisor);
    ASSERT_TRUE(over);
    wheel(*over, 240, Qt::ControlModifier);  // two notches in
    EXPECT_NEAR(view.zoom().scale, 1.44, 1e-9);
    EXPECT_EQ(view.pidAt(*over), supervisor);  // still under the mouse
    wheel(*over, -240, Qt::ControlModifier);
    EXPECT_NEAR(view.zoom().scale, 1.0, 1e-9);
    wheel(*over, 120, Qt::NoModifier);  // without Ctrl the wheel pans
    EXPECT_NEAR(view.zoom().scale, 1.0, 1e-9);
    EXPECT_NEAR(view.zoom().offset.y(), 60, 1e-9);
}

TEST_F(LineageViewTest, DragPansAndAClickStillSelects) {
    const auto over = pointOver(supervisor);
    ASSERT_TRUE(over);
    const QPoint from = over->toPoint();
    const QPoint delta(-60, 40);
    QTest::mousePress(&view, Qt::LeftButton, {}, from);
    QTest::mouseMove(&view, from + delta / 2);
    QTest::mouseMove(&view, from + delta);
    QTest::mouseRelease(&view, Qt::LeftButton, {}, from + delta);
    paint();
    expectNear(view.zoom().offset, QPointF(delta), "panned by the drag");
    EXPECT_EQ(state.selectedPid(), lineage.subject.process.pid);  // a drag selects nothing
    EXPECT_EQ(view.pidAt(QPointF(from + delta)), supervisor);

    QTest::mouseClick(&view, Qt::LeftButton, {}, from + delta);
    EXPECT_EQ(state.selectedPid(), supervisor);
    EXPECT_TRUE(view.zoom().isFit());  // a new selection shows its lineage whole
}

TEST_F(LineageViewTest, KeysZoomAndHomeFits) {
    view.setFocus();
    QTest::keyClick(&view, Qt::Key_Plus);
    EXPECT_NEAR(view.zoom().scale, 1.25, 1e-9);
    expectNear(view.zoom().unmap(QRectF(view.rect()).center()), QRectF(view.rect()).center(),
               "zoomed around the centre");
    QTest::keyClick(&view, Qt::Key_Minus);
    QTest::keyClick(&view, Qt::Key_Minus);
    EXPECT_NEAR(view.zoom().scale, 0.8, 1e-9);
    QTest::keyClick(&view, Qt::Key_Right);
    QTest::keyClick(&view, Qt::Key_Home);
    EXPECT_TRUE(view.zoom().isFit());
}

TEST_F(LineageViewTest, FollowsADarkPalette) {
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(40, 40, 40));
    view.setPalette(dark);
    const QImage image = view.grab().toImage();
    EXPECT_EQ(image.pixelColor(1, 1), canvasColors(CanvasScheme::Dark).background);
    // Exports (paintLineage outside a widget) stay light and fitted whatever the widget shows.
    view.zoomAt({100, 100}, 3);
    QImage exported(300, 200, QImage::Format_ARGB32);
    {
        QPainter painter(&exported);
        paintLineage(painter, exported.size(), lineage);
    }
    EXPECT_EQ(exported.pixelColor(1, 1), canvasColors(CanvasScheme::Light).background);
}

}  // namespace
}  // namespace tasklens::ui
