#pragma once
// The two lineages of one process side by side, as in the Task docs' picture
//   [your code] --calls--> [supervisor] --spawns--> [task]
// The top row is `$callers` (who asked for it), the bottom row `$ancestors` (who supervises it);
// both end at the process itself on the right.
#include <QWidget>
#include <functional>

#include "ui/view_data.h"

namespace tasklens::ui {

class ViewState;

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

  protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

  private:
    void refresh();

    ViewState* state_ = nullptr;
    LineageProvider provider_;
    LineageData lineage_;
    QTransform transform_;
    std::vector<std::pair<QRectF, Pid>> hit_boxes_;
};

}  // namespace tasklens::ui
