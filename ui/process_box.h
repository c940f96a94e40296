#pragma once
// The box that stands for one process in the tree and lineage pictures, so a process looks the
// same in both: a state stripe, the name (bold for supervisors), the pid, and badges.
#include <QPainter>
#include <QRectF>
#include <QString>

#include "ui/view_data.h"

namespace tasklens::ui {

struct ProcessBoxStyle {
    QSizeF size{250, 50};
    double font_px = 13;
};

struct ProcessBox {
    ProcessLabel process;
    SpanState state = SpanState::Waiting;
    bool alive = true;
    int restarts = 0;
    QString detail;  ///< second line after the pid: state, or the exit reason when dead
    trace::ExitReasonClass exit_class = trace::ExitReasonClass::Normal;
    bool highlighted = false;
    /// A folded group of similar processes: drawn as a stack of cards, titled `title`, without a
    /// pid (the detail line carries the counts).
    bool group = false;
    QString title;               ///< overrides process.title() when not empty
    int hidden_descendants = 0;  ///< a collapsed subtree: a "+N" badge on the right edge
};

/// Dead processes are drawn ghosted: faded, dashed border, the stripe in the exit reason's colour.
void drawProcessBox(QPainter& painter, const QRectF& rect, const ProcessBox& box,
                    const ProcessBoxStyle& style);

/// A legend row of swatches and texts, drawn left to right from `origin`; returns its height.
struct LegendEntry {
    enum class Kind { State, Line, Exit, Ghost, Badge } kind;
    QColor color;
    Qt::PenStyle pen = Qt::SolidLine;
    bool arrowhead = false;
    QString text;
};
double drawLegendRow(QPainter& painter, QPointF origin, double max_width,
                     const std::vector<LegendEntry>& entries, double font_px);

}  // namespace tasklens::ui
