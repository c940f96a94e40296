#include "ui/view_state.h"

#include <gtest/gtest.h>
#include <QSignalSpy>

namespace tasklens::ui {
namespace {

TEST(ViewState, ResetShowsTheWholeRunWithTheCursorAtItsEnd) {
    ViewState state;
    state.resetForTrace({0, 2'000'000});
    EXPECT_EQ(state.visibleWindow(), (TimeWindow{0, 2'000'000}));
    EXPECT_EQ(state.cursorUs(), 2'000'000);
    EXPECT_FALSE(state.selection().has_value());
}

TEST(ViewState, EveryChangeIsAnnouncedOnceAndClamped) {
    ViewState state;
    state.resetForTrace({0, 1000});
    QSignalSpy window_spy(&state, &ViewState::visibleWindowChanged);
    QSignalSpy cursor_spy(&state, &ViewState::cursorChanged);
    QSignalSpy pid_spy(&state, &ViewState::selectedPidChanged);
    state.zoomAround(500, 2);
    EXPECT_EQ(state.visibleWindow(), (TimeWindow{250, 750}));
    state.pan(1000);
    EXPECT_EQ(state.visibleWindow(), (TimeWindow{500, 1000}));
    EXPECT_EQ(window_spy.count(), 2);
    state.setCursorUs(5000);
    EXPECT_EQ(state.cursorUs(), 1000);
    state.setCursorUs(1000);  // unchanged: no signal
    EXPECT_EQ(cursor_spy.count(), 0);
    state.setCursorUs(10);
    EXPECT_EQ(cursor_spy.count(), 1);
    state.setSelectedPid(Pid{0, 5});
    state.setSelectedPid(Pid{0, 5});
    EXPECT_EQ(pid_spy.count(), 1);
    state.setSelection(TimeWindow{300, 100});
    EXPECT_EQ(*state.selection(), (TimeWindow{100, 300}));  // normalised
}

}  // namespace
}  // namespace tasklens::ui
