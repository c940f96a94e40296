#pragma once
// The two lineages of one process side by side, as in the Task docs' picture
//   [your code] --calls--> [supervisor] --spawns--> [task]
// The top row is `$callers` (who asked for it), the bottom row `$ancestors` (who supervises it);
// both end at the process itself on the right. The widget zooms (Ctrl+wheel at the mouse, + and -)
// and pans (drag, wheel, arrows); Home fits it again. Exports paint the fitted picture.
#include <QTransform>
#include <QWidget>
#include <functional>
#include <optional>

#include "ui/view_data.h"

namespace tasklens::ui {

class ViewState;

/// The user's zoom and pan over a canvas that is painted scaled to fit: widget point =
/// offset + scale * fitted point. scale 1 and offset 0 is the fitted picture (Home).
struct CanvasZoom {
    static constexpr double kMinScale = 0.25;
    static constexpr double kMaxScale = 8.0;

    double scale = 1;
    QPointF offset;

    QTransform transform() const;
    QPointF map(QPointF fitted) const { return offset + fitted * scale; }
    QPointF unmap(QPointF widget) const { return (widget - offset) / scale; }
    /// Multiplies the scale by `factor` (clamped to [kMinScale, kMaxScale]) keeping the point
    /// under `anchor` (widget coordinates) where it is.
    void zoomAt(QPointF anchor, double factor);
    void panBy(QPointF delta) { offset += delta; }
    void reset() { *this = CanvasZoom{}; }
    bool isFit() const { return scale == 1 && offset.isNull(); }
};

struct LineagePaintOptions {
    QString title;  ///< empty: "Lineage of <process>"
    Pid selected;
};

/// Paints the lineage scaled to fit `size`. Returns the transform used, for hit testing.
QTransform paintLineage(QPainter& painter, QSizeF size, const LineageData& lineage,
                        const LineagePaintOptions& options = {});

class LineageView : public QWidget {
    Q_OBJECT
  public:
    using LineageProvider = std::function<LineageData(Pid pid, int64_t at_us)>;
    explicit LineageView(QWidget* parent = nullptr);
    void setViewState(ViewState* state);
    void setLineageProvider(LineageProvider provider);
    const LineageData& lineage() const { return lineage_; }

    const CanvasZoom& zoom() const { return zoom_; }
    /// The process whose box is under a widget point as last painted (zoom included).
    std::optional<Pid> pidAt(QPointF position) const;
    /// Back to the whole lineage scaled to fit (Home).
    void resetZoom();
    /// Zooms by `factor` around a widget point (Ctrl+wheel, + and -).
    void zoomAt(QPointF anchor, double factor);

  protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

  private:
    void refresh();
    void selectedPidChanged();

    ViewState* state_ = nullptr;
    LineageProvider provider_;
    LineageData lineage_;
    QTransform transform_;  ///< fitted natural coordinates -> widget, zoom included
    std::vector<std::pair<QRectF, Pid>> hit_boxes_;
    CanvasZoom zoom_;
    std::optional<QPointF> press_;  ///< where the left button went down
    QPointF last_drag_;
    bool dragging_ = false;
};

}  // namespace tasklens::ui
