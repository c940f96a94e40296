#include "ui/lineage_view.h"

#include <QFontMetricsF>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>

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
    painter.setBrush(QColor(255, 255, 255, 230));
    painter.drawRect(box);
    painter.setPen(color.darker(120));
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
    painter.save();
    painter.fillRect(QRectF(QPointF(0, 0), size), Qt::white);
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
    painter.setPen(kTextColor);
    painter.drawText(
        QRectF(kMargin, kMargin - 10, layout.natural_size.width(), kHeader),
        Qt::AlignLeft | Qt::AlignVCenter,
        options.title.isEmpty() ? QStringLiteral("Lineage of ") + subject_name : options.title);

    // Row headings say what each chain means, in the words of the Task docs.
    painter.setFont(uiFont(13, true));
    painter.setPen(QColor(190, 105, 0));
    painter.drawText(QRectF(kMargin, layout.callers_y - kRowHeading, 900, kRowHeading - 4),
                     Qt::AlignLeft | Qt::AlignBottom,
                     QStringLiteral("$callers \u2014 who asked for it (your code)"));
    painter.setPen(QColor(31, 79, 140));
    painter.drawText(QRectF(kMargin, layout.ancestors_y - kRowHeading, 900, kRowHeading - 4),
                     Qt::AlignLeft | Qt::AlignBottom,
                     QStringLiteral("$ancestors \u2014 who started and supervises it"));

    const QColor call_color(190, 105, 0);
    const QColor spawn_color(31, 79, 140);
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
        painter.setPen(kDimTextColor);
        const double y = lineage.callers.empty() ? layout.callers_y : layout.ancestors_y;
        painter.drawText(QRectF(kMargin, y, 600, kBoxStyle.size.height()),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         lineage.callers.empty()
                             ? QStringLiteral("(no $callers: not started on anyone's behalf)")
                             : QStringLiteral("(no $ancestors)"));
    }

    // The raw dictionary values, as Process.info would print them.
    painter.setFont(monoFont(12));
    painter.setPen(QColor(70, 70, 70));
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

LineageView::LineageView(QWidget* parent) : QWidget(parent) {
    setMinimumSize(320, 200);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void LineageView::setViewState(ViewState* state) {
    if (state_) disconnect(state_, nullptr, this, nullptr);
    state_ = state;
    connect(state_, &ViewState::selectedPidChanged, this, &LineageView::refresh);
    connect(state_, &ViewState::cursorChanged, this, &LineageView::refresh);
    refresh();
}

void LineageView::setLineageProvider(LineageProvider provider) {
    provider_ = std::move(provider);
    refresh();
}

void LineageView::refresh() {
    if (provider_ && state_ && state_->selectedPid().valid())
        lineage_ = provider_(state_->selectedPid(), static_cast<int64_t>(state_->cursorUs()));
    update();
}

void LineageView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    if (!state_ || !state_->selectedPid().valid()) {
        painter.fillRect(rect(), Qt::white);
        painter.setPen(kDimTextColor);
        painter.setFont(uiFont(14));
        painter.drawText(rect(), Qt::AlignCenter,
                         QStringLiteral("Select a process to see its $callers and $ancestors."));
        return;
    }
    transform_ = paintLineage(painter, size(), lineage_);
    // Hit boxes mirror the layout so a click on a box selects that process.
    hit_boxes_.clear();
    const LineageLayout layout = layoutLineage(lineage_);
    for (size_t i = 0; i < layout.callers.size(); ++i)
        hit_boxes_.push_back(
            {transform_.mapRect(layout.callers[i]), lineage_.callers[i].process.pid});
    for (size_t i = 0; i < layout.ancestors.size(); ++i)
        hit_boxes_.push_back(
            {transform_.mapRect(layout.ancestors[i]), lineage_.ancestors[i].process.pid});
}

void LineageView::mousePressEvent(QMouseEvent* event) {
    for (const auto& [rect, pid] : hit_boxes_)
        if (rect.contains(event->position()) && state_) state_->setSelectedPid(pid);
}

}  // namespace tasklens::ui
