#pragma once
// The timeline on QCustomPlot: one lane per process in supervision-tree order, a concurrency chart
// under the lanes, a time axis in µs/ms/s and a legend. Lanes, waits and arrows are drawn by
// custom plottables that binary-search the visible range and fold sub-pixel items into counted
// marks (style.md 8): paint cost follows pixels, never one QCPItem per span.
#include <qcustomplot.h>
#include <limits>
#include <memory>
#include <set>
#include <vector>

#include "ui/lane_folding.h"
#include "ui/palette.h"
#include "ui/step_series_plottable.h"
#include "ui/timeline_geometry.h"
#include "ui/view_data.h"

namespace tasklens::ui {

class ViewState;
class LiveFold;
struct TimelineDelta;

/// What the last paint did; the benchmark and the tests read it.
struct TimelineDrawStats {
    int lanes_drawn = 0;
    int spans_drawn = 0;   ///< rectangles for single spans
    int folded_marks = 0;  ///< rectangles standing for several sub-pixel spans
    int waits_drawn = 0;
    int arrows_drawn = 0;
    int arrows_folded = 0;
    int groups_drawn = 0;       ///< folded group lanes
    int group_marks_drawn = 0;  ///< crash and timeout marks on group lanes
    int lanes_hidden = 0;       ///< lanes above or below the visible ones ("+N more lanes")
    int badges_drawn = 0;       ///< ×N badges of folded arrows
    int badges_left_out = 0;    ///< ×N badges with no free place near their arrows
};

/// A time axis ticker on the 1-2-5 series, labelled "250 µs", "1.5 ms", "2 s".
class TimeAxisTicker : public QCPAxisTicker {
  public:
    explicit TimeAxisTicker(const QCPAxis* axis) : axis_(axis) {}

  protected:
    double getTickStep(const QCPRange& range) override;
    int getSubTickCount(double tick_step) override;
    QString getTickLabel(double tick, const QLocale& locale, QChar format_char,
                         int precision) override;

  private:
    const QCPAxis* axis_;
    TickStep step_;
};

/// State spans, timeout windows and exit marks of every visible lane. Key = time (µs), value =
/// lane index (lane i covers [i - 0.5, i + 0.5]).
class LanePlottable : public QCPAbstractPlottable {
    Q_OBJECT
  public:
    LanePlottable(QCPAxis* time_axis, QCPAxis* lane_axis);
    void setTimelineData(std::shared_ptr<const TimelineData> data) { data_ = std::move(data); }
    void setSelectedLane(int lane) { selected_lane_ = lane; }
    void setCursorUs(double t_us) { cursor_us_ = t_us; }
    void setCursorVisible(bool visible) { cursor_visible_ = visible; }
    TimelineDrawStats& stats() { return stats_; }
    /// Where the "+N more lanes" note of the last paint sits (empty when every lane fit). The
    /// arrows keep out of it, and draw it over everything (drawMoreLanesNote).
    QRectF moreLanesNoteRect() const { return note_rect_; }
    /// The "+N more lanes above/below" note of the last paint, on an opaque box; drawn last by
    /// the arrow plottable so no stroke crosses it.
    void drawMoreLanesNote(QCPPainter* painter) const;

    double selectTest(const QPointF&, bool, QVariant*) const override { return -1; }
    QCPRange getKeyRange(bool& found, QCP::SignDomain domain) const override;
    QCPRange getValueRange(bool& found, QCP::SignDomain domain, const QCPRange&) const override;

  protected:
    void draw(QCPPainter* painter) override;
    void drawLegendIcon(QCPPainter*, const QRectF&) const override {}

  private:
    void drawGroup(QCPPainter* painter, int lane, double y_top, double height);
    void placeMoreLanesNote(int hidden_above, int hidden_below);
    void drawSpans(QCPPainter* painter, int lane, double y_top, double height);
    void drawWaits(QCPPainter* painter, int lane, double y_top, double height);
    void drawExit(QCPPainter* painter, int lane, double y_top, double height);

    std::shared_ptr<const TimelineData> data_;
    int selected_lane_ = -1;
    double cursor_us_ = -1;
    bool cursor_visible_ = true;
    TimelineDrawStats stats_;
    QString note_text_;
    QRectF note_rect_;
};

/// Messages, replies, DOWN and exit signals between lanes, and spawns from parent to child.
class FlowArrowPlottable : public QCPAbstractPlottable {
    Q_OBJECT
  public:
    FlowArrowPlottable(QCPAxis* time_axis, QCPAxis* lane_axis, LanePlottable* lanes);
    void setTimelineData(std::shared_ptr<const TimelineData> data) { data_ = std::move(data); }
    void setShowSpawnArrows(bool show) { show_spawns_ = show; }
    /// Where the last paint put its ×N badges.
    const std::vector<QRectF>& badgeRects() const { return badge_rects_; }

    double selectTest(const QPointF&, bool, QVariant*) const override { return -1; }
    QCPRange getKeyRange(bool& found, QCP::SignDomain domain) const override;
    QCPRange getValueRange(bool& found, QCP::SignDomain domain, const QCPRange&) const override;

  protected:
    void draw(QCPPainter* painter) override;
    void drawLegendIcon(QCPPainter*, const QRectF&) const override {}

  private:
    void drawArrows(QCPPainter* painter);

    std::shared_ptr<const TimelineData> data_;
    LanePlottable* lanes_;
    std::vector<QRectF> badge_rects_;
    bool show_spawns_ = true;
};

/// Lane names in the left margin, indented by supervision depth with tree guide lines.
class LaneLabelLayer : public QCPLayerable {
    Q_OBJECT
  public:
    LaneLabelLayer(QCustomPlot* plot, QCPAxisRect* lane_rect);
    void setTimelineData(std::shared_ptr<const TimelineData> data);
    void setSelectedLane(int lane) { selected_lane_ = lane; }
    /// Lanes laid out by the last setTimelineData (a live timeline grows in place).
    int laidOutLanes() const { return static_cast<int>(guide_masks_.size()); }
    /// Lane index under a viewport point inside the label column, or -1.
    int laneAt(QPointF pos) const;

  protected:
    void applyDefaultAntialiasingHint(QCPPainter* painter) const override;
    QRect clipRect() const override;
    void draw(QCPPainter* painter) override;

  private:
    QCPAxisRect* rect_;
    std::shared_ptr<const TimelineData> data_;
    std::vector<uint32_t> guide_masks_;  ///< per lane: bit k = the guide at depth k continues below
    int selected_lane_ = -1;
};

/// The timeline widget. It follows a ViewState (visible window, cursor, selected process) and
/// drives it from the mouse and keyboard: wheel scrolls lanes, Ctrl+wheel zooms at the mouse,
/// Shift+wheel pans, drag pans, Shift+drag selects an interval, click selects a lane and moves
/// the cursor, W/S zoom and A/D pan.
class TimelinePlot : public QCustomPlot {
    Q_OBJECT
  public:
    explicit TimelinePlot(QWidget* parent = nullptr);
    ~TimelinePlot() override;

    /// Shows `data`. Groups of similar lanes fold (lane_folding.h) unless folding is off. Steps
    /// of group counts before `settled_before_us` are final (a live run's last event time).
    void setTimelineData(std::shared_ptr<const TimelineData> data,
                         int64_t settled_before_us = std::numeric_limits<int64_t>::max());
    /// The data given to setTimelineData changed in place as `delta` says (a live run's frame):
    /// the folding follows in place (lane_folding_live.h), expanded groups and scroll stay.
    void updateTimelineData(const TimelineDelta& delta);
    /// The timeline as drawn: folded groups are single lanes.
    const TimelineData* timelineData() const { return data_.get(); }
    /// The timeline as given, before folding.
    const TimelineData* fullTimelineData() const { return full_data_.get(); }
    void setFoldingEnabled(bool enabled);
    /// Expands a folded group lane, or folds an expanded group again; false if `lane` is not a
    /// group lane.
    bool toggleGroup(int lane);
    /// What hovering at `pos` (viewport pixels) says: the span, wait, exit, arrow or group counts
    /// under the mouse, or the lane's name over the label column. Empty over nothing.
    QString tooltipAt(QPointF pos) const;
    /// The legend row: shown in tall plots and exports by default; L or the context menu toggles
    /// it in the window.
    void setLegendShown(bool shown);
    bool legendShown() const { return legend_shown_; }
    /// Follows `state` from now on (the plot has its own until then).
    void setViewState(ViewState* state);
    ViewState* viewState() const { return state_; }
    void setTitle(const QString& title);
    /// The time cursor line; off for still images of a whole run.
    void setCursorVisible(bool visible);

    /// Pixel height of a lane (clamped to a readable minimum when fitting).
    void setLaneHeight(double px) { lane_height_px_ = px; }
    int firstLane() const { return first_lane_; }
    void setFirstLane(int lane);
    int visibleLaneCount() const;

    /// Lays the plot out for `size` (no window needed) and paints it to `painter`, always in the
    /// light scheme (exports look the same whatever the desktop theme).
    void renderTo(QCPPainter& painter, QSize size);
    /// The scheme of the last paint: the widget's palette on screen, light in renderTo.
    CanvasScheme canvasScheme() const { return scheme_; }
    const TimelineDrawStats& lastDrawStats() const { return lanes_->stats(); }
    /// Where the last paint put the "+N more lanes" note (empty if none) and the ×N badges.
    QRectF moreLanesNoteRect() const { return lanes_->moreLanesNoteRect(); }
    const std::vector<QRectF>& badgeRects() const { return arrows_->badgeRects(); }

  protected:
    void updateLayout() override;
    void changeEvent(QEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

  private:
    /// Colours the QCustomPlot parts (background, axes, grids, legends) for `scheme`.
    void applyCanvasScheme(CanvasScheme scheme);
    void rebuildFolding();
    void syncFromState();
    void syncLaneRange();
    void syncSeries();
    void buildLegend();
    void applyFontSizes(QSize size);
    int laneAtY(double y) const;

    std::shared_ptr<const TimelineData> data_;
    std::shared_ptr<const TimelineData> full_data_;
    std::unique_ptr<LiveFold> fold_;
    std::set<Pid> expanded_groups_;  ///< by their first member
    int64_t settled_before_us_ = std::numeric_limits<int64_t>::max();
    bool folding_enabled_ = true;
    enum class LegendMode { Auto, Shown, Hidden };
    LegendMode legend_mode_ = LegendMode::Auto;
    ViewState* state_ = nullptr;
    QCPTextElement* title_ = nullptr;
    QCPAxisRect* lane_rect_ = nullptr;
    QCPAxisRect* load_rect_ = nullptr;
    QCPLegend* legend_ = nullptr;
    QCPLegend* load_legend_ = nullptr;
    LanePlottable* lanes_ = nullptr;
    FlowArrowPlottable* arrows_ = nullptr;
    LaneLabelLayer* labels_ = nullptr;
    StepSeriesPlottable* alive_graph_ = nullptr;
    StepSeriesPlottable* tasks_graph_ = nullptr;
    StepSeriesPlottable* busy_graph_ = nullptr;
    QCPItemStraightLine* load_cursor_ = nullptr;
    QCPItemRect* lane_selection_ = nullptr;
    QCPItemRect* load_selection_ = nullptr;
    bool legend_shown_ = true;
    CanvasScheme scheme_ = CanvasScheme::Light;
    bool scheme_applied_ = false;
    bool rendering_export_ = false;
    double lane_height_px_ = 22;
    int first_lane_ = 0;
    QPoint press_pos_;
    double press_time_us_ = 0;
    bool dragging_ = false;
    bool selecting_ = false;
};

}  // namespace tasklens::ui
