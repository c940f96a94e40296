#pragma once
// The supervision tree at a moment, drawn left to right like observer's Applications tab: roots
// on the left, children in the next column. Links and monitors that are not tree edges are
// overlaid in their own styles; dead children stay, ghosted, with their exit reason.
#include <QRectF>
#include <QWidget>
#include <functional>
#include <vector>

#include "ui/view_data.h"

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
};

/// Paints `tree` scaled to fit `size` (never enlarged beyond 1.6x, so small trees stay crisp
/// and do not turn into posters). Returns the transform used, for hit testing.
QTransform paintTree(QPainter& painter, QSizeF size, const TreeSnapshot& tree,
                     const TreePaintOptions& options = {});

/// The widget: follows the shared time cursor and selection.
class SupervisionTreeView : public QWidget {
    Q_OBJECT
  public:
    using SnapshotProvider = std::function<TreeSnapshot(int64_t at_us)>;
    explicit SupervisionTreeView(QWidget* parent = nullptr);
    void setViewState(ViewState* state);
    void setSnapshotProvider(SnapshotProvider provider);
    const TreeSnapshot& snapshot() const { return snapshot_; }

  signals:
    /// Double-click on a node: open the process (inspector).
    void processActivated(tasklens::Pid pid);

  protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;

  private:
    void refresh();
    Pid pidAt(QPointF pos) const;

    ViewState* state_ = nullptr;
    SnapshotProvider provider_;
    TreeSnapshot snapshot_;
    TreeLayout layout_;
    QTransform transform_;
};

}  // namespace tasklens::ui
