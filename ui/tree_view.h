#pragma once
// The supervision tree at a moment, drawn left to right like observer's Applications tab: roots
// on the left, children in the next column. Links and monitors that are not tree edges are
// overlaid in their own styles; dead children stay, ghosted, with their exit reason.
#include <QElapsedTimer>
#include <QRectF>
#include <QTimer>
#include <QWidget>
#include <functional>
#include <set>
#include <vector>

#include "ui/tree_folding.h"
#include "ui/view_data.h"

class QLineEdit;

namespace tasklens::ui {

class ViewState;

/// Where every node goes, in the picture's natural coordinates (before fitting to a size).
struct TreeLayout {
    std::vector<QRectF> node_rects;  ///< parallel to TreeSnapshot::nodes
    QSizeF natural_size;
    double header_height = 0;
};

/// Node rectangles do not depend on `with_legend`; only the natural height does.
TreeLayout layoutTree(const TreeSnapshot& tree, bool with_legend = true);

struct TreePaintOptions {
    QString title;  ///< empty: "Supervision tree at <t>"
    Pid selected;   ///< drawn highlighted
    bool legend = true;
    /// The fitted scale never goes below this: a big tree is drawn readable and overflows (the
    /// widget scrolls; an export enlarges its canvas) instead of shrinking to a thumbnail.
    double min_scale = 0;
    double zoom = 1;  ///< the widget's zoom on top of the fitted scale
    QPointF pan;      ///< the widget's pan, in pixels
};

/// Paints `tree` scaled to fit `size` (never enlarged beyond 1.6x, so small trees stay crisp
/// and do not turn into posters). Only boxes and edges inside `size` are drawn. Returns the
/// transform used, for hit testing.
QTransform paintTree(QPainter& painter, QSizeF size, const TreeSnapshot& tree,
                     const TreePaintOptions& options = {});

/// Layout coordinates -> pixels for a tree of `natural` size painted into `size`.
QTransform treeTransform(QSizeF natural, QSizeF size, const TreePaintOptions& options);

/// The scale below which the widget scrolls and an export grows its canvas.
inline constexpr double kTreeMinScale = 0.6;

/// The canvas an export of `tree` needs so that it is drawn at kTreeMinScale or more: `requested`,
/// grown where the tree needs it (at most 20000 px a side).
QSize treeExportSize(const TreeSnapshot& tree, QSize requested);

/// The widget: follows the shared time cursor and selection. Ctrl+wheel or +/- zoom, drag or
/// wheel pans, Ctrl+F (or /) searches by name, pid or call, a click on a folded box expands it,
/// C collapses or expands the selected node's subtree, Home fits the tree. Hovering a box shows
/// what it is.
class SupervisionTreeView : public QWidget {
    Q_OBJECT
  public:
    using SnapshotProvider = std::function<TreeSnapshot(int64_t at_us)>;
    /// The tree at a moment with similar children folded already, except the `expanded` groups
    /// (what foldTree would make of the provider's tree, built without a node per member).
    using FoldedSnapshotProvider =
        std::function<TreeSnapshot(int64_t at_us, const std::set<TreeGroupKey>& expanded)>;
    explicit SupervisionTreeView(QWidget* parent = nullptr);
    void setViewState(ViewState* state);
    /// A new trace: the tree starts over (zoom, pan, expanded and collapsed boxes reset). With
    /// `folded`, the view reads the folded tree from it, and the whole tree from `provider` only
    /// to search it.
    void setSnapshotProvider(SnapshotProvider provider, FoldedSnapshotProvider folded = {});
    /// Reads the tree at the cursor again, keeping the user's zoom and boxes (the trace grew).
    void refresh();
    /// While a run is live, the tree follows the cursor at a pace that leaves the frames to the
    /// other views: a refresh comes at most every four times what the last one cost (a tree of
    /// 100k living processes is read in tens of milliseconds), deferred, never dropped. Off:
    /// pending refreshes happen now.
    void setPaced(bool paced);
    /// The tree at the cursor, as the provider gave it (folded already with a folded provider).
    const TreeSnapshot& snapshot() const { return snapshot_; }
    /// The tree as drawn: similar children folded, collapsed subtrees hidden.
    const TreeSnapshot& shownSnapshot() const { return shown_; }

    void setZoom(double zoom);
    double zoom() const { return zoom_; }
    void panBy(QPointF pixels);
    /// Back to the fitted view.
    void resetView();
    /// Selects the next node matching `text` after the selected one, scrolls it into view, and
    /// expands the folded box it is in. False if nothing matches.
    bool search(const QString& text);
    /// Collapses or expands the subtree under `pid`.
    void toggleCollapsed(Pid pid);
    /// Expands a folded box (node of shownSnapshot()) or folds its group again.
    bool toggleGroup(int node);
    /// What hovering at `pos` shows: the box's process, state, restarts, exit or group counts.
    QString tooltipAt(QPointF pos) const;
    /// Node of shownSnapshot() at a widget position, or -1.
    int nodeAt(QPointF pos) const;

  signals:
    /// Double-click on a node: open the process (inspector).
    void processActivated(tasklens::Pid pid);

  protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

  private:
    void rebuildShown();
    /// The expanded groups changed: read the folded tree again, or fold the tree anew.
    void regroup();
    void centreOn(int node);
    TreePaintOptions paintOptions() const;

    ViewState* state_ = nullptr;
    SnapshotProvider provider_;
    FoldedSnapshotProvider folded_provider_;
    bool paced_ = false;
    QTimer deferred_refresh_;
    QElapsedTimer since_refresh_;
    qint64 refresh_cost_ms_ = 0;
    TreeSnapshot snapshot_;
    TreeSnapshot shown_;
    TreeLayout layout_;
    QTransform transform_;
    std::set<TreeGroupKey> expanded_groups_;
    std::set<Pid> collapsed_;
    double zoom_ = 1;
    QPointF pan_;
    QPoint press_pos_;
    QPointF press_pan_;
    bool dragging_ = false;
    QLineEdit* search_box_ = nullptr;
};

}  // namespace tasklens::ui
