// palette.h: dark palette detection, the light and dark canvas colour sets, and the scheme a
// paint installs (exports install none and stay light).
#include "ui/palette.h"

#include <gtest/gtest.h>

#include <QImage>

#include "engine/trace/trace_model.h"
#include "ui/sample_trace.h"
#include "ui/trace_adapter.h"
#include "ui/tree_view.h"
#include "ui/view_state.h"

namespace tasklens::ui {
namespace {

TEST(Palette, DetectsDarkPalettesByTheirWindowColour) {
    struct Case {
        QColor window;
        bool dark;
    };
    const Case cases[] = {
        {Qt::white, false},
        {QColor(239, 239, 239), false},
        {QColor(128, 128, 128), false},
        {QColor(127, 127, 127), true},
        {QColor(53, 53, 53), true},
        {Qt::black, true},
        {QColor(20, 40, 90), true},  // dark blue
    };
    for (const auto& c : cases) {
        QPalette palette;
        palette.setColor(QPalette::Window, c.window);
        EXPECT_EQ(isDarkPalette(palette), c.dark) << c.window.name().toStdString();
        EXPECT_EQ(canvasSchemeFor(palette), c.dark ? CanvasScheme::Dark : CanvasScheme::Light);
    }
}

TEST(Palette, DarkColoursKeepTheirContrast) {
    for (const CanvasScheme scheme : {CanvasScheme::Light, CanvasScheme::Dark}) {
        const CanvasColors& colors = canvasColors(scheme);
        const double background = colors.background.lightnessF();
        // Text stands out from the canvas in both schemes, and the dark canvas is dark.
        EXPECT_GT(std::abs(colors.text.lightnessF() - background), 0.6);
        EXPECT_GT(std::abs(colors.dim_text.lightnessF() - background), 0.3);
        EXPECT_EQ(background < 0.5, scheme == CanvasScheme::Dark);
        const SyntaxColors& syntax = syntaxColors(scheme);
        EXPECT_GT(std::abs(syntax.comment.lightnessF() - syntax.current_line.lightnessF()), 0.25);
    }
    // The light set keeps the historical constants.
    EXPECT_EQ(canvasColors(CanvasScheme::Light).text, kTextColor);
    EXPECT_EQ(canvasColors(CanvasScheme::Light).link, kLinkColor);
}

TEST(Palette, ScopedSchemeNestsAndRestores) {
    EXPECT_EQ(activeCanvasScheme(), CanvasScheme::Light);
    const QColor light_killed = exitColor(trace::ExitReasonClass::Killed);
    {
        ScopedCanvasScheme dark(CanvasScheme::Dark);
        EXPECT_EQ(activeCanvasScheme(), CanvasScheme::Dark);
        EXPECT_EQ(&canvasColors(), &canvasColors(CanvasScheme::Dark));
        // Near-black marks turn light on a dark canvas.
        EXPECT_GT(exitColor(trace::ExitReasonClass::Killed).lightnessF(), 0.7);
        EXPECT_GT(outcomeColor(trace::WaitOutcome::Killed).lightnessF(), 0.7);
        EXPECT_GT(roleColor(ProcessRole::Process).lightnessF(), 0.6);
        {
            ScopedCanvasScheme light(CanvasScheme::Light);
            EXPECT_EQ(exitColor(trace::ExitReasonClass::Killed), light_killed);
        }
        EXPECT_EQ(activeCanvasScheme(), CanvasScheme::Dark);
    }
    EXPECT_EQ(activeCanvasScheme(), CanvasScheme::Light);
    EXPECT_EQ(exitColor(trace::ExitReasonClass::Killed), light_killed);
    // Colours that read on both canvases do not change.
    ScopedCanvasScheme dark(CanvasScheme::Dark);
    EXPECT_EQ(stateColor(SpanState::Running), QColor(46, 160, 67));
}

/// The share of pixels that are near white (what a light canvas is made of).
double whiteShare(const QImage& image) {
    int white = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) white += image.pixelColor(x, y).lightnessF() > 0.93;
    return double(white) / (image.width() * image.height());
}

TEST(Palette, TheTreeAndItsBoxesFollowADarkPalette) {
    const trace::TraceModel model(sampleTaskSupervisorTrace());
    const TreeSnapshot tree = buildTreeSnapshot(model, model.end_time() / 2);
    ASSERT_FALSE(tree.nodes.empty());
    ViewState state;
    SupervisionTreeView view;
    view.setViewState(&state);
    view.resize(900, 600);
    view.setSnapshotProvider([&](int64_t) { return tree; });
    const QImage light = view.grab().toImage();
    EXPECT_GT(whiteShare(light), 0.5);

    QPalette dark;
    dark.setColor(QPalette::Window, QColor(45, 47, 51));
    view.setPalette(dark);
    const QImage image = view.grab().toImage();
    EXPECT_EQ(image.pixelColor(1, 1), canvasColors(CanvasScheme::Dark).background);
    // Boxes, titles and the legend are drawn in the dark set: almost nothing is white.
    EXPECT_LT(whiteShare(image), 0.02);
    bool box_fill = false;
    for (int y = 0; y < image.height() && !box_fill; ++y)
        for (int x = 0; x < image.width() && !box_fill; ++x)
            box_fill = image.pixelColor(x, y) == canvasColors(CanvasScheme::Dark).box_fill;
    EXPECT_TRUE(box_fill);
}

}  // namespace
}  // namespace tasklens::ui
