#include "ui/view_state.h"

#include <algorithm>

namespace tasklens::ui {

ViewState::ViewState(QObject* parent) : QObject(parent) {}

void ViewState::resetForTrace(TimeWindow trace) {
    // A run that did nothing still needs a non-empty window to map pixels onto.
    if (trace.duration() <= 0) trace.end_us = trace.begin_us + 1;
    trace_ = trace;
    visible_ = trace;
    selection_.reset();
    cursor_us_ = trace.end_us;
    selected_ = Pid{};
    emit traceWindowChanged();
    emit visibleWindowChanged();
    emit selectionChanged();
    emit cursorChanged(cursor_us_);
    emit selectedPidChanged(selected_);
}

void ViewState::setVisibleWindow(TimeWindow window) {
    window = clampWindow(window, trace_);
    if (window == visible_) return;
    visible_ = window;
    emit visibleWindowChanged();
}

void ViewState::zoomAround(double anchor_us, double factor) {
    setVisibleWindow(zoomWindow(visible_, anchor_us, factor, trace_));
}

void ViewState::pan(double delta_us) {
    setVisibleWindow(panWindow(visible_, delta_us, trace_));
}

void ViewState::setSelection(std::optional<TimeWindow> selection) {
    if (selection && selection->duration() < 0) std::swap(selection->begin_us, selection->end_us);
    if (selection == selection_) return;
    selection_ = selection;
    emit selectionChanged();
}

void ViewState::setCursorUs(double t_us) {
    t_us = std::clamp(t_us, trace_.begin_us, trace_.end_us);
    if (t_us == cursor_us_) return;
    cursor_us_ = t_us;
    emit cursorChanged(cursor_us_);
}

void ViewState::setSelectedPid(Pid pid) {
    if (pid == selected_) return;
    selected_ = pid;
    emit selectedPidChanged(pid);
}

}  // namespace tasklens::ui
