#include "ui/tree_view.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>

#include "ui/palette.h"
#include "ui/process_box.h"
#include "ui/view_state.h"

namespace tasklens::ui {

namespace {

constexpr double kMargin = 24;
constexpr double kColumnGap = 70;
constexpr double kRowGap = 14;
constexpr double kHeader = 44;
constexpr double kLegendHeight = 64;
const ProcessBoxStyle kBoxStyle{{300, 50}, 13};

QString stateDetail(const TreeNode& node) {
    if (!node.alive) return QStringLiteral("\u2020 ") + QString::fromStdString(node.exit_reason);
    // The state first: it is what changes while scrubbing; the child id after it.
    QString text = stateName(node.state);
    if (!node.child_id.empty())
        text += QStringLiteral(" \u00b7 id ") + QString::fromStdString(node.child_id);
    return text;
}

}  // namespace

TreeLayout layoutTree(const TreeSnapshot& tree, bool with_legend) {
    TreeLayout layout;
    layout.node_rects.resize(tree.nodes.size());
    layout.header_height = kHeader;
    const double column_width = kBoxStyle.size.width() + kColumnGap;
    const double row_height = kBoxStyle.size.height() + kRowGap;
    double next_row = 0;
    int max_depth = 0;
    // Leaves take consecutive rows; a parent sits level with the middle of its children.
    std::function<double(int, int)> place = [&](int index, int depth) -> double {
        max_depth = std::max(max_depth, depth);
        const TreeNode& node = tree.nodes[index];
        double y;
        if (node.children.empty()) {
            y = next_row;
            next_row += row_height;
        } else {
            double first = 0, last = 0;
            for (size_t i = 0; i < node.children.size(); ++i) {
                const double child_y = place(node.children[i], depth + 1);
                if (i == 0) first = child_y;
                last = child_y;
            }
            y = (first + last) / 2;
        }
        layout.node_rects[index] =
            QRectF(QPointF(kMargin + depth * column_width, kMargin + kHeader + y), kBoxStyle.size);
        return y;
    };
    for (int root : tree.roots) {
        place(root, 0);
        next_row += kRowGap;  // a little air between separate trees
    }
    const double width = 2 * kMargin + (max_depth + 1) * column_width - kColumnGap + 60;
    const double height =
        2 * kMargin + kHeader + std::max(next_row, row_height) + (with_legend ? kLegendHeight : 0);
    layout.natural_size = QSizeF(std::max(width, 760.0), height);
    return layout;
}

QTransform paintTree(QPainter& painter, QSizeF size, const TreeSnapshot& tree,
                     const TreePaintOptions& options) {
    const TreeLayout layout = layoutTree(tree, options.legend);
    painter.save();
    painter.fillRect(QRectF(QPointF(0, 0), size), Qt::white);
    const double scale = std::min({size.width() / layout.natural_size.width(),
                                   size.height() / layout.natural_size.height(), 1.6});
    QTransform transform;
    // Centred in the picture: a small tree floats in the middle instead of a corner.
    transform.translate(std::max(0.0, (size.width() - layout.natural_size.width() * scale) / 2),
                        std::max(0.0, (size.height() - layout.natural_size.height() * scale) / 2));
    transform.scale(scale, scale);
    painter.setTransform(transform, true);
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);

    const QString title =
        !options.title.isEmpty()
            ? options.title
            : QStringLiteral("Supervision tree at %1")
                  .arg(QString::fromStdString(formatDuration(double(tree.at_us))));
    painter.setFont(uiFont(17, true));
    painter.setPen(kTextColor);
    painter.drawText(QRectF(kMargin, kMargin - 8, layout.natural_size.width(), kHeader),
                     Qt::AlignLeft | Qt::AlignVCenter, title);

    // Tree edges first, under the boxes: solid from a supervisor, dotted from a plain parent
    // (a Task.async task hangs under its caller, which does not supervise it).
    for (size_t i = 0; i < tree.nodes.size(); ++i) {
        const TreeNode& node = tree.nodes[i];
        const QRectF& from = layout.node_rects[i];
        for (int child : node.children) {
            const QRectF& to = layout.node_rects[child];
            const bool supervised = node.process.role == ProcessRole::Supervisor;
            painter.setPen(QPen(supervised ? QColor(110, 110, 110) : QColor(150, 150, 150),
                                supervised ? 1.8 : 1.3, supervised ? Qt::SolidLine : Qt::DotLine));
            painter.setOpacity(tree.nodes[child].alive ? 1.0 : 0.5);
            const double mid_x = from.right() + kColumnGap / 2;
            QPainterPath path(QPointF(from.right(), from.center().y()));
            path.lineTo(mid_x, from.center().y());
            path.lineTo(mid_x, to.center().y());
            path.lineTo(to.left(), to.center().y());
            painter.setBrush(Qt::NoBrush);
            painter.drawPath(path);
            painter.setOpacity(1.0);
        }
    }

    // Links and monitors that the tree does not already show, bowed out to the right so they
    // do not run along tree edges.
    for (const TreeEdge& edge : tree.edges) {
        if (edge.from < 0 || edge.to < 0 || edge.from >= int(tree.nodes.size()) ||
            edge.to >= int(tree.nodes.size()))
            continue;
        const TreeNode& a = tree.nodes[edge.from];
        const TreeNode& b = tree.nodes[edge.to];
        if (edge.kind == TreeEdgeKind::Link && (a.parent == edge.to || b.parent == edge.from))
            continue;
        const QRectF& ra = layout.node_rects[edge.from];
        const QRectF& rb = layout.node_rects[edge.to];
        const bool link = edge.kind == TreeEdgeKind::Link;
        QPointF start(ra.right(), ra.center().y() + (link ? -8 : 8));
        QPointF end(rb.right(), rb.center().y() + (link ? -8 : 8));
        const double bow = 40 + std::abs(start.y() - end.y()) * 0.15;
        const double bow_x = std::max(start.x(), end.x()) + bow;
        QPainterPath path(start);
        path.cubicTo(QPointF(bow_x, start.y()), QPointF(bow_x, end.y()), end);
        painter.setBrush(Qt::NoBrush);
        painter.setPen(
            QPen(link ? kLinkColor : kMonitorColor, 1.6, link ? Qt::SolidLine : Qt::DashLine));
        painter.drawPath(path);
        if (link) {
            // Links are symmetric: a small dot at both ends.
            painter.setBrush(kLinkColor);
            painter.drawEllipse(start, 3, 3);
            painter.drawEllipse(end, 3, 3);
        } else {
            // Monitors point from the watcher to the watched process.
            const QPointF tangent = path.pointAtPercent(0.97);
            painter.setPen(QPen(kMonitorColor, 1.6));
            drawArrow(painter, tangent, end, 8);
        }
    }

    for (size_t i = 0; i < tree.nodes.size(); ++i) {
        const TreeNode& node = tree.nodes[i];
        ProcessBox box{node.process,
                       node.state,
                       node.alive,
                       node.restarts,
                       stateDetail(node),
                       node.exit_class,
                       node.process.pid == options.selected && options.selected.valid()};
        drawProcessBox(painter, layout.node_rects[i], box, kBoxStyle);
    }

    if (tree.nodes.empty()) {
        painter.setFont(uiFont(14));
        painter.setPen(kDimTextColor);
        painter.drawText(QRectF(kMargin, kMargin + kHeader, 600, 40), Qt::AlignLeft,
                         QStringLiteral("No processes at this moment."));
    }

    if (options.legend) {
        std::vector<LegendEntry> entries;
        for (auto s : {SpanState::Running, SpanState::Runnable, SpanState::Waiting,
                       SpanState::Awaiting, SpanState::Sleeping})
            entries.push_back(
                {LegendEntry::Kind::State, stateColor(s), Qt::SolidLine, false, stateName(s)});
        entries.push_back({LegendEntry::Kind::Line, QColor(110, 110, 110), Qt::SolidLine, false,
                           QStringLiteral("supervises")});
        entries.push_back({LegendEntry::Kind::Line, QColor(150, 150, 150), Qt::DotLine, false,
                           QStringLiteral("spawned (not supervised)")});
        entries.push_back(
            {LegendEntry::Kind::Line, kLinkColor, Qt::SolidLine, false, QStringLiteral("link")});
        entries.push_back({LegendEntry::Kind::Line, kMonitorColor, Qt::DashLine, true,
                           QStringLiteral("monitor (watcher \u2192 watched)")});
        entries.push_back(
            {LegendEntry::Kind::Ghost, {}, Qt::SolidLine, false, QStringLiteral("dead (ghosted)")});
        entries.push_back(
            {LegendEntry::Kind::Badge, {}, Qt::SolidLine, false, QStringLiteral("restarts")});
        drawLegendRow(painter, QPointF(kMargin, layout.natural_size.height() - kLegendHeight),
                      layout.natural_size.width() - 2 * kMargin, entries, 11);
    }
    painter.restore();
    return transform;
}

SupervisionTreeView::SupervisionTreeView(QWidget* parent) : QWidget(parent) {
    setMinimumSize(320, 200);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void SupervisionTreeView::setViewState(ViewState* state) {
    if (state_) disconnect(state_, nullptr, this, nullptr);
    state_ = state;
    connect(state_, &ViewState::cursorChanged, this, &SupervisionTreeView::refresh);
    connect(state_, &ViewState::traceWindowChanged, this, &SupervisionTreeView::refresh);
    connect(state_, &ViewState::selectedPidChanged, this, qOverload<>(&QWidget::update));
    refresh();
}

void SupervisionTreeView::setSnapshotProvider(SnapshotProvider provider) {
    provider_ = std::move(provider);
    refresh();
}

void SupervisionTreeView::refresh() {
    if (provider_ && state_) snapshot_ = provider_(static_cast<int64_t>(state_->cursorUs()));
    layout_ = layoutTree(snapshot_);
    update();
}

void SupervisionTreeView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    TreePaintOptions options;
    if (state_) options.selected = state_->selectedPid();
    // A short pane spends its height on the tree; the legend is for exports and tall panes.
    options.legend = height() >= 420;
    transform_ = paintTree(painter, size(), snapshot_, options);
}

Pid SupervisionTreeView::pidAt(QPointF pos) const {
    const QPointF natural = transform_.inverted().map(pos);
    for (size_t i = 0; i < layout_.node_rects.size(); ++i)
        if (layout_.node_rects[i].contains(natural)) return snapshot_.nodes[i].process.pid;
    return {};
}

void SupervisionTreeView::mousePressEvent(QMouseEvent* event) {
    if (state_) state_->setSelectedPid(pidAt(event->position()));
}

void SupervisionTreeView::mouseDoubleClickEvent(QMouseEvent* event) {
    const Pid pid = pidAt(event->position());
    if (pid.valid()) emit processActivated(pid);
}

}  // namespace tasklens::ui
