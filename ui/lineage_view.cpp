#include "ui/lineage_view.h"

#include <QFontMetricsF>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "ui/palette.h"
#include "ui/process_box.h"
#include "ui/view_state.h"

namespace tasklens::ui {

namespace {

constexpr double kMargin = 28;
constexpr double kGap = 120;  // room for an arrow and its verb
constexpr double kHeader = 50;
constexpr double kRowHeading = 26;
constexpr double kRowGap = 120;
const ProcessBoxStyle kBoxStyle{{300, 52}, 13};

/// Where each box goes in natural coordinates.
struct LineageLayout {
    std::vector<QRectF> callers;    ///< parallel to LineageData::callers
    std::vector<QRectF> ancestors;  ///< parallel to LineageData::ancestors
    QRectF subject;
    double callers_y = 0;
    double ancestors_y = 0;
    QSizeF natural_size;
};

LineageLayout layoutLineage(const LineageData& lineage) {
    LineageLayout layout;
    const int chain =
        static_cast<int>(std::max({lineage.callers.size(), lineage.ancestors.size(), size_t{1}}));
    const double box_w = kBoxStyle.size.width();
    const double box_h = kBoxStyle.size.height();
    const double subject_x = kMargin + chain * (box_w + kGap);
    layout.callers_y = kMargin + kHeader + kRowHeading;
    layout.ancestors_y = layout.callers_y + box_h + kRowGap + kRowHeading;
    // Nearest first in the dictionary, so the nearest entry sits next to the process.
    auto place = [&](size_t count, double y, std::vector<QRectF>& rects) {
        for (size_t i = 0; i < count; ++i)
            rects.emplace_back(QPointF(subject_x - (i + 1) * (box_w + kGap), y), kBoxStyle.size);
    };
    place(lineage.callers.size(), layout.callers_y, layout.callers);
    place(lineage.ancestors.size(), layout.ancestors_y, layout.ancestors);
    layout.subject =
        QRectF(QPointF(subject_x, (layout.callers_y + layout.ancestors_y) / 2), kBoxStyle.size);
    layout.natural_size =
        QSizeF(subject_x + box_w + kMargin, layout.ancestors_y + box_h + kMargin + 64 + 40);
    return layout;
}

ProcessBox boxFor(const LineageEntry& entry, const Pid& selected) {
    ProcessBox box;
    box.process = entry.process;
    box.alive = entry.alive;
    box.state = SpanState::Waiting;
    box.detail = entry.alive ? roleName(entry.process.role) : QStringLiteral("\u2020 dead");
    box.highlighted = selected.valid() && entry.process.pid == selected;
    return box;
}

/// An arrow between two boxes with a verb over its middle.
void drawVerbArrow(QPainter& painter, QPointF from, QPointF to, const QString& verb, QColor color,
                   Qt::PenStyle style = Qt::SolidLine) {
    painter.setPen(QPen(color, 1.8, style));
    drawArrow(painter, from, to, 9);
    painter.setFont(uiFont(12, true));
    QFontMetricsF metrics(painter.font());
    QRectF box = metrics.boundingRect(verb).adjusted(-4, -1, 4, 1);
    const QLineF line(from, to);
    box.moveCenter(line.center() + QPointF(0, -box.height() / 2 - 3));
    painter.setPen(Qt::NoPen);
    painter.setBrush(canvasColors().label_background);
    painter.drawRect(box);
    painter.setPen(activeCanvasScheme() == CanvasScheme::Dark ? color : color.darker(120));
    painter.drawText(box, Qt::AlignCenter, verb);
}

QString dictionaryText(const char* key, const std::vector<LineageEntry>& chain) {
    QStringList items;
    for (const auto& entry : chain)
        items << (entry.process.registered_name.empty()
                      ? QString::fromStdString(formatPid(entry.process.pid))
                      : QString::fromStdString(entry.process.registered_name));
    return QStringLiteral("%1: [%2]").arg(QLatin1String(key), items.join(QStringLiteral(", ")));
}

}  // namespace

QTransform paintLineage(QPainter& painter, QSizeF size, const LineageData& lineage,
                        const LineagePaintOptions& options) {
    const LineageLayout layout = layoutLineage(lineage);
    const CanvasColors& colors = canvasColors();
    painter.save();
    painter.fillRect(QRectF(QPointF(0, 0), size), colors.background);
    const double scale = std::min({size.width() / layout.natural_size.width(),
                                   size.height() / layout.natural_size.height(), 1.6});
    QTransform transform;
    transform.translate(std::max(0.0, (size.width() - layout.natural_size.width() * scale) / 2),
                        std::max(0.0, (size.height() - layout.natural_size.height() * scale) / 2));
    transform.scale(scale, scale);
    painter.setTransform(transform, true);
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);

    const QString subject_name = QString::fromStdString(lineage.subject.process.title()) +
                                 QStringLiteral(" ") +
                                 QString::fromStdString(formatPid(lineage.subject.process.pid));
    painter.setFont(uiFont(17, true));
    painter.setPen(colors.text);
    painter.drawText(
        QRectF(kMargin, kMargin - 10, layout.natural_size.width(), kHeader),
        Qt::AlignLeft | Qt::AlignVCenter,
        options.title.isEmpty() ? QStringLiteral("Lineage of ") + subject_name : options.title);

    // Row headings say what each chain means, in the words of the Task docs.
    painter.setFont(uiFont(13, true));
    const QColor call_color = colors.callers_accent;
    const QColor spawn_color = colors.ancestors_accent;
    painter.setPen(call_color);
    painter.drawText(QRectF(kMargin, layout.callers_y - kRowHeading, 900, kRowHeading - 4),
                     Qt::AlignLeft | Qt::AlignBottom,
                     QStringLiteral("$callers \u2014 who asked for it (your code)"));
    painter.setPen(spawn_color);
    painter.drawText(QRectF(kMargin, layout.ancestors_y - kRowHeading, 900, kRowHeading - 4),
                     Qt::AlignLeft | Qt::AlignBottom,
                     QStringLiteral("$ancestors \u2014 who started and supervises it"));

    const bool subject_is_task = lineage.subject.process.role == ProcessRole::Task;
    // Callers row: outer caller -> ... -> direct caller -> process.
    for (size_t i = 0; i < layout.callers.size(); ++i) {
        const QRectF& box = layout.callers[i];
        if (i == 0) {
            const QPointF from(box.right(), box.center().y());
            const QPointF to(layout.subject.left(), layout.subject.center().y() - 10);
            drawVerbArrow(
                painter, from, to,
                subject_is_task ? QStringLiteral("awaits reply") : QStringLiteral("asked"),
                call_color, Qt::DashLine);
        } else {
            const QRectF& next = layout.callers[i - 1];
            drawVerbArrow(painter, QPointF(box.right(), box.center().y()),
                          QPointF(next.left(), next.center().y()), QStringLiteral("calls"),
                          call_color);
        }
    }
    // Ancestors row: root -> ... -> parent -> process.
    for (size_t i = 0; i < layout.ancestors.size(); ++i) {
        const QRectF& box = layout.ancestors[i];
        if (i == 0) {
            drawVerbArrow(painter, QPointF(box.right(), box.center().y()),
                          QPointF(layout.subject.left(), layout.subject.center().y() + 10),
                          QStringLiteral("spawns"), spawn_color);
        } else {
            const QRectF& next = layout.ancestors[i - 1];
            drawVerbArrow(painter, QPointF(box.right(), box.center().y()),
                          QPointF(next.left(), next.center().y()), QStringLiteral("started"),
                          spawn_color);
        }
    }
    // The docs' picture: the caller asked a supervisor, which did the spawning.
    if (!lineage.callers.empty() && !lineage.ancestors.empty() &&
        lineage.callers[0].process.pid != lineage.ancestors[0].process.pid) {
        const QRectF& caller = layout.callers[0];
        const QRectF& parent = layout.ancestors[0];
        drawVerbArrow(painter, QPointF(caller.center().x(), caller.bottom()),
                      QPointF(parent.center().x(), parent.top()), QStringLiteral("calls"),
                      call_color);
    }

    for (size_t i = 0; i < layout.callers.size(); ++i)
        drawProcessBox(painter, layout.callers[i], boxFor(lineage.callers[i], options.selected),
                       kBoxStyle);
    for (size_t i = 0; i < layout.ancestors.size(); ++i)
        drawProcessBox(painter, layout.ancestors[i], boxFor(lineage.ancestors[i], options.selected),
                       kBoxStyle);
    ProcessBox subject = boxFor(lineage.subject, {});
    subject.highlighted = true;
    drawProcessBox(painter, layout.subject, subject, kBoxStyle);

    if (lineage.callers.empty() || lineage.ancestors.empty()) {
        painter.setFont(uiFont(12));
        painter.setPen(colors.dim_text);
        const double y = lineage.callers.empty() ? layout.callers_y : layout.ancestors_y;
        painter.drawText(QRectF(kMargin, y, 600, kBoxStyle.size.height()),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         lineage.callers.empty()
                             ? QStringLiteral("(no $callers: not started on anyone's behalf)")
                             : QStringLiteral("(no $ancestors)"));
    }

    // The raw dictionary values, as Process.info would print them.
    painter.setFont(monoFont(12));
    painter.setPen(activeCanvasScheme() == CanvasScheme::Dark ? colors.text.darker(115)
                                                              : QColor(70, 70, 70));
    const double dict_y = layout.ancestors_y + kBoxStyle.size.height() + 24;
    painter.drawText(QRectF(kMargin, dict_y, layout.natural_size.width(), 20), Qt::AlignLeft,
                     dictionaryText("$callers", lineage.callers));
    painter.drawText(QRectF(kMargin, dict_y + 20, layout.natural_size.width(), 20), Qt::AlignLeft,
                     dictionaryText("$ancestors", lineage.ancestors));
    std::vector<LegendEntry> legend{
        {LegendEntry::Kind::Line, call_color, Qt::SolidLine, true, QStringLiteral("calls (asked)")},
        {LegendEntry::Kind::Line, call_color, Qt::DashLine, true,
         QStringLiteral("awaits the reply")},
        {LegendEntry::Kind::Line, spawn_color, Qt::SolidLine, true,
         QStringLiteral("spawns / started")},
        {LegendEntry::Kind::Ghost, {}, Qt::SolidLine, false, QStringLiteral("dead (ghosted)")}};
    drawLegendRow(painter, QPointF(kMargin, dict_y + 50), layout.natural_size.width() - 2 * kMargin,
                  legend, 11);
    painter.restore();
    return transform;
}

QTransform CanvasZoom::transform() const {
    return QTransform(scale, 0, 0, scale, offset.x(), offset.y());
}

void CanvasZoom::zoomAt(QPointF anchor, double factor) {
    const double new_scale = std::clamp(scale * factor, kMinScale, kMaxScale);
    // Keep the fitted point under the anchor: anchor = offset + scale * p before and after.
    offset = anchor - (anchor - offset) * (new_scale / scale);
    scale = new_scale;
}

LineageView::LineageView(QWidget* parent) : QWidget(parent) {
    setMinimumSize(200, 100);  // small, so the window fits a small (or scaled) screen
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::StrongFocus);
    setCursor(Qt::OpenHandCursor);
    setToolTip(QStringLiteral(
        "Ctrl+wheel or +/- to zoom, drag or wheel to pan, Home to fit; click a box to select it"));
}

void LineageView::setViewState(ViewState* state) {
    if (state_) disconnect(state_, nullptr, this, nullptr);
    state_ = state;
    connect(state_, &ViewState::selectedPidChanged, this, &LineageView::selectedPidChanged);
    connect(state_, &ViewState::cursorChanged, this, &LineageView::refresh);
    refresh();
}

void LineageView::setLineageProvider(LineageProvider provider) {
    provider_ = std::move(provider);
    refresh();
}

void LineageView::selectedPidChanged() {
    // Another process has another lineage: show it whole.
    zoom_.reset();
    refresh();
}

void LineageView::refresh() {
    if (provider_ && state_ && state_->selectedPid().valid())
        lineage_ = provider_(state_->selectedPid(), static_cast<int64_t>(state_->cursorUs()));
    update();
}

void LineageView::resetZoom() {
    zoom_.reset();
    update();
}

void LineageView::zoomAt(QPointF anchor, double factor) {
    zoom_.zoomAt(anchor, factor);
    update();
}

void LineageView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    ScopedCanvasScheme scheme(palette());
    const CanvasColors& colors = canvasColors();
    painter.fillRect(rect(), colors.background);
    if (!state_ || !state_->selectedPid().valid()) {
        hit_boxes_.clear();
        painter.setPen(colors.dim_text);
        painter.setFont(uiFont(14));
        painter.drawText(rect(), Qt::AlignCenter,
                         QStringLiteral("Select a process to see its $callers and $ancestors."));
        return;
    }
    painter.setTransform(zoom_.transform());
    transform_ = paintLineage(painter, size(), lineage_) * zoom_.transform();
    painter.resetTransform();
    // Hit boxes mirror the layout so a click on a box selects that process.
    hit_boxes_.clear();
    const LineageLayout layout = layoutLineage(lineage_);
    for (size_t i = 0; i < layout.callers.size(); ++i)
        hit_boxes_.push_back(
            {transform_.mapRect(layout.callers[i]), lineage_.callers[i].process.pid});
    for (size_t i = 0; i < layout.ancestors.size(); ++i)
        hit_boxes_.push_back(
            {transform_.mapRect(layout.ancestors[i]), lineage_.ancestors[i].process.pid});
    if (!zoom_.isFit()) {
        painter.setFont(uiFont(11));
        painter.setPen(colors.dim_text);
        painter.drawText(rect().adjusted(0, 0, -8, -6), Qt::AlignRight | Qt::AlignBottom,
                         QStringLiteral("%1%  \u2014  Home to fit").arg(qRound(zoom_.scale * 100)));
    }
}

std::optional<Pid> LineageView::pidAt(QPointF position) const {
    for (const auto& [box, pid] : hit_boxes_)
        if (box.contains(position)) return pid;
    return std::nullopt;
}

void LineageView::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return;
    press_ = event->position();
    last_drag_ = event->position();
    dragging_ = false;
}

void LineageView::mouseMoveEvent(QMouseEvent* event) {
    if (!press_ || !(event->buttons() & Qt::LeftButton)) return;
    // A few pixels of slack so a click that wobbles still selects.
    if (!dragging_ && (event->position() - *press_).manhattanLength() < 4) return;
    if (!dragging_) setCursor(Qt::ClosedHandCursor);
    dragging_ = true;
    zoom_.panBy(event->position() - last_drag_);
    last_drag_ = event->position();
    update();
}

void LineageView::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || !press_) return;
    if (!dragging_ && state_)
        if (const auto pid = pidAt(event->position())) state_->setSelectedPid(*pid);
    press_.reset();
    dragging_ = false;
    setCursor(Qt::OpenHandCursor);
}

void LineageView::wheelEvent(QWheelEvent* event) {
    const QPoint delta = event->angleDelta();
    if (event->modifiers() & Qt::ControlModifier) {
        // 120 units (one notch) zoom by 20%.
        zoomAt(event->position(), std::pow(1.2, delta.y() / 120.0));
    } else if (event->modifiers() & Qt::ShiftModifier) {
        zoom_.panBy(QPointF(delta.y() / 2.0, 0));
        update();
    } else {
        zoom_.panBy(QPointF(delta.x() / 2.0, delta.y() / 2.0));
        update();
    }
    event->accept();
}

void LineageView::keyPressEvent(QKeyEvent* event) {
    const QPointF center = QRectF(rect()).center();
    constexpr double kStep = 40;
    switch (event->key()) {
        case Qt::Key_Plus:
        case Qt::Key_Equal:
            zoomAt(center, 1.25);
            break;
        case Qt::Key_Minus:
            zoomAt(center, 1 / 1.25);
            break;
        case Qt::Key_Home:
        case Qt::Key_0:
            resetZoom();
            break;
        case Qt::Key_Left:
            zoom_.panBy({kStep, 0});
            update();
            break;
        case Qt::Key_Right:
            zoom_.panBy({-kStep, 0});
            update();
            break;
        case Qt::Key_Up:
            zoom_.panBy({0, kStep});
            update();
            break;
        case Qt::Key_Down:
            zoom_.panBy({0, -kStep});
            update();
            break;
        default:
            QWidget::keyPressEvent(event);
    }
}

}  // namespace tasklens::ui
