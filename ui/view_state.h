#pragma once
// The one object every view observes: the visible window, the selected interval, the time cursor
// and the selected process (style.md 7: trace, window, selection and cursor kept apart, as in
// Qt Creator's TimelineZoomControl). Views never talk to each other; they set and follow this.
#include <QObject>
#include <optional>

#include "engine/runtime/ids.h"
#include "ui/timeline_geometry.h"

namespace tasklens::ui {

class ViewState : public QObject {
    Q_OBJECT
  public:
    explicit ViewState(QObject* parent = nullptr);

    /// The whole run; every other interval lies inside it.
    TimeWindow traceWindow() const { return trace_; }
    /// What the timeline shows.
    TimeWindow visibleWindow() const { return visible_; }
    /// An area selection on the timeline, if any.
    std::optional<TimeWindow> selection() const { return selection_; }
    /// The moment the tree, lineage and inspector show ("the tree as it was at t").
    double cursorUs() const { return cursor_us_; }
    /// The selected process, invalid when nothing is selected.
    Pid selectedPid() const { return selected_; }

    /// Resets everything for a new trace: the whole run visible, cursor at its end.
    void resetForTrace(TimeWindow trace);
    void setVisibleWindow(TimeWindow window);
    void zoomAround(double anchor_us, double factor);
    void pan(double delta_us);
    void showAll() { setVisibleWindow(trace_); }
    void setSelection(std::optional<TimeWindow> selection);
    void setCursorUs(double t_us);
    void setSelectedPid(Pid pid);

  signals:
    void traceWindowChanged();
    void visibleWindowChanged();
    void selectionChanged();
    void cursorChanged(double t_us);
    void selectedPidChanged(tasklens::Pid pid);

  private:
    TimeWindow trace_{0, 1};
    TimeWindow visible_{0, 1};
    std::optional<TimeWindow> selection_;
    double cursor_us_ = 0;
    Pid selected_;
};

}  // namespace tasklens::ui
