#include "ui/tree_view.h"

#include <QHelpEvent>
#include <QImage>
#include <QLineEdit>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <memory>

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

QString groupDetail(const TreeNode& node) {
    const QLocale english(QLocale::English);
    QStringList parts;
    parts << QStringLiteral("%1 done").arg(english.toString(node.group_done));
    if (node.group_alive > 0)
        parts << QStringLiteral("%1 alive").arg(english.toString(node.group_alive));
    if (node.group_crashed > 0)
        parts << QStringLiteral("%1 crashed").arg(english.toString(node.group_crashed));
    return parts.join(QStringLiteral(" \u00b7 "));
}

}  // namespace

QTransform treeTransform(QSizeF natural, QSizeF size, const TreePaintOptions& options) {
    const double fit =
        std::min({size.width() / natural.width(), size.height() / natural.height(), 1.6});
    const double scale = std::max(fit, options.min_scale) * options.zoom;
    QTransform transform;
    // Centred in the picture: a small tree floats in the middle instead of a corner; a big one
    // starts at the top left.
    transform.translate(
        std::max(0.0, (size.width() - natural.width() * scale) / 2) + options.pan.x(),
        std::max(0.0, (size.height() - natural.height() * scale) / 2) + options.pan.y());
    transform.scale(scale, scale);
    return transform;
}

QSize treeExportSize(const TreeSnapshot& tree, QSize requested) {
    const QSizeF natural = layoutTree(tree).natural_size * kTreeMinScale;
    return QSize(
        std::clamp(std::max(requested.width(), int(std::ceil(natural.width()))), 16, 20000),
        std::clamp(std::max(requested.height(), int(std::ceil(natural.height()))), 16, 20000));
}

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
    const CanvasColors& colors = canvasColors();
    painter.fillRect(QRectF(QPointF(0, 0), size), colors.background);
    const QTransform transform = treeTransform(layout.natural_size, size, options);
    painter.setTransform(transform, true);
    // What is visible, in layout coordinates: boxes and edges outside it are not drawn.
    const QRectF visible =
        transform.inverted().mapRect(QRectF(QPointF(0, 0), size)).adjusted(-40, -40, 40, 40);
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);

    const QString title =
        !options.title.isEmpty()
            ? options.title
            : QStringLiteral("Supervision tree at %1")
                  .arg(QString::fromStdString(formatDuration(double(tree.at_us))));
    painter.setFont(uiFont(17, true));
    painter.setPen(colors.text);
    painter.drawText(QRectF(kMargin, kMargin - 8, layout.natural_size.width(), kHeader),
                     Qt::AlignLeft | Qt::AlignVCenter, title);

    // Tree edges first, under the boxes: solid from a supervisor, dotted from a plain parent
    // (a Task.async task hangs under its caller, which does not supervise it).
    for (size_t i = 0; i < tree.nodes.size(); ++i) {
        const TreeNode& node = tree.nodes[i];
        const QRectF& from = layout.node_rects[i];
        for (int child : node.children) {
            const QRectF& to = layout.node_rects[child];
            if (!visible.intersects(from.united(to))) continue;
            const bool supervised = node.process.role == ProcessRole::Supervisor;
            painter.setPen(QPen(supervised ? colors.tree_edge : colors.spawn_edge,
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
        if (!visible.intersects(ra.united(rb).adjusted(0, 0, 200, 0))) continue;
        const bool link = edge.kind == TreeEdgeKind::Link;
        QPointF start(ra.right(), ra.center().y() + (link ? -8 : 8));
        QPointF end(rb.right(), rb.center().y() + (link ? -8 : 8));
        const double bow = 40 + std::abs(start.y() - end.y()) * 0.15;
        const double bow_x = std::max(start.x(), end.x()) + bow;
        QPainterPath path(start);
        path.cubicTo(QPointF(bow_x, start.y()), QPointF(bow_x, end.y()), end);
        painter.setBrush(Qt::NoBrush);
        painter.setPen(
            QPen(link ? colors.link : colors.monitor, 1.6, link ? Qt::SolidLine : Qt::DashLine));
        painter.drawPath(path);
        if (link) {
            // Links are symmetric: a small dot at both ends.
            painter.setBrush(colors.link);
            painter.drawEllipse(start, 3, 3);
            painter.drawEllipse(end, 3, 3);
        } else {
            // Monitors point from the watcher to the watched process.
            const QPointF tangent = path.pointAtPercent(0.97);
            painter.setPen(QPen(colors.monitor, 1.6));
            drawArrow(painter, tangent, end, 8);
        }
    }

    for (size_t i = 0; i < tree.nodes.size(); ++i) {
        if (!visible.intersects(layout.node_rects[i])) continue;
        const TreeNode& node = tree.nodes[i];
        ProcessBox box{node.process,
                       node.state,
                       node.alive,
                       node.restarts,
                       stateDetail(node),
                       node.exit_class,
                       node.group_members == 0 && node.process.pid == options.selected &&
                           options.selected.valid()};
        if (node.group_members > 0) {
            box.group = true;
            box.title = QStringLiteral("%1 \u00d7 %2")
                            .arg(QLocale(QLocale::English).toString(node.group_members))
                            .arg(QString::fromStdString(node.process.initial_call));
            box.detail = groupDetail(node);
            box.state = node.group_alive > 0 ? SpanState::Running : SpanState::Waiting;
            box.exit_class = node.group_crashed > 0 ? trace::ExitReasonClass::Crash
                                                    : trace::ExitReasonClass::Normal;
        }
        box.hidden_descendants = node.hidden_descendants;
        drawProcessBox(painter, layout.node_rects[i], box, kBoxStyle);
    }

    if (tree.nodes.empty()) {
        painter.setFont(uiFont(14));
        painter.setPen(colors.dim_text);
        // At the end of a run everything has usually exited: say how to see the tree again.
        painter.drawText(
            QRectF(kMargin, kMargin + kHeader, 900, 60), Qt::AlignLeft,
            QStringLiteral("No processes alive at this moment.\nThe tree shows the "
                           "time cursor's moment: drag it to see the tree as it was."));
    }

    if (options.legend) {
        std::vector<LegendEntry> entries;
        for (auto s : {SpanState::Running, SpanState::Runnable, SpanState::Waiting,
                       SpanState::Awaiting, SpanState::Sleeping})
            entries.push_back(
                {LegendEntry::Kind::State, stateColor(s), Qt::SolidLine, false, stateName(s)});
        entries.push_back({LegendEntry::Kind::Line, colors.tree_edge, Qt::SolidLine, false,
                           QStringLiteral("supervises")});
        entries.push_back({LegendEntry::Kind::Line, colors.spawn_edge, Qt::DotLine, false,
                           QStringLiteral("spawned (not supervised)")});
        entries.push_back(
            {LegendEntry::Kind::Line, colors.link, Qt::SolidLine, false, QStringLiteral("link")});
        entries.push_back({LegendEntry::Kind::Line, colors.monitor, Qt::DashLine, true,
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
    setMinimumSize(200, 100);  // small, so the window fits a small (or scaled) screen
    deferred_refresh_.setSingleShot(true);
    connect(&deferred_refresh_, &QTimer::timeout, this, &SupervisionTreeView::refresh);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    search_box_ = new QLineEdit(this);
    search_box_->setPlaceholderText(QStringLiteral("Find process (name, pid, call)\u2026"));
    search_box_->setClearButtonEnabled(true);
    search_box_->setFixedWidth(260);
    search_box_->hide();
    connect(search_box_, &QLineEdit::returnPressed, this, [this] {
        if (!search(search_box_->text()))
            search_box_->setStyleSheet(QStringLiteral("background: #ffe0e0"));
        else
            search_box_->setStyleSheet(QString());
    });
}

void SupervisionTreeView::setViewState(ViewState* state) {
    if (state_) disconnect(state_, nullptr, this, nullptr);
    state_ = state;
    connect(state_, &ViewState::cursorChanged, this, &SupervisionTreeView::refresh);
    connect(state_, &ViewState::traceWindowChanged, this, &SupervisionTreeView::refresh);
    connect(state_, &ViewState::selectedPidChanged, this, qOverload<>(&QWidget::update));
    refresh();
}

void SupervisionTreeView::setSnapshotProvider(SnapshotProvider provider,
                                              FoldedSnapshotProvider folded) {
    provider_ = std::move(provider);
    folded_provider_ = std::move(folded);
    expanded_groups_.clear();
    collapsed_.clear();
    zoom_ = 1;
    pan_ = {};
    refresh();
}

void SupervisionTreeView::setPaced(bool paced) {
    paced_ = paced;
    if (!paced_ && deferred_refresh_.isActive()) {
        deferred_refresh_.stop();
        refresh();
    }
}

void SupervisionTreeView::refresh() {
    if (paced_ && since_refresh_.isValid()) {
        const qint64 wait = 4 * refresh_cost_ms_ - since_refresh_.elapsed();
        if (wait > 0) {
            if (!deferred_refresh_.isActive()) deferred_refresh_.start(int(wait));
            return;
        }
    }
    deferred_refresh_.stop();
    QElapsedTimer cost;
    cost.start();
    if (state_) {
        const auto at = static_cast<int64_t>(state_->cursorUs());
        if (folded_provider_)
            snapshot_ = folded_provider_(at, expanded_groups_);
        else if (provider_)
            snapshot_ = provider_(at);
    }
    rebuildShown();
    refresh_cost_ms_ = cost.elapsed();
    since_refresh_.start();
}

void SupervisionTreeView::regroup() {
    if (folded_provider_ && state_)
        snapshot_ = folded_provider_(static_cast<int64_t>(state_->cursorUs()), expanded_groups_);
    rebuildShown();
}

void SupervisionTreeView::rebuildShown() {
    shown_ = collapseSubtrees(folded_provider_ ? snapshot_ : foldTree(snapshot_, expanded_groups_),
                              collapsed_);
    layout_ = layoutTree(shown_);
    update();
}

TreePaintOptions SupervisionTreeView::paintOptions() const {
    TreePaintOptions options;
    if (state_) options.selected = state_->selectedPid();
    // A short pane spends its height on the tree; the legend is for exports and tall panes.
    options.legend = height() >= 420;
    options.min_scale = kTreeMinScale;
    options.zoom = zoom_;
    options.pan = pan_;
    return options;
}

void SupervisionTreeView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    ScopedCanvasScheme scheme(palette());
    transform_ = paintTree(painter, size(), shown_, paintOptions());
}

void SupervisionTreeView::resizeEvent(QResizeEvent* event) {
    search_box_->move(width() - search_box_->width() - 8, 8);
    QWidget::resizeEvent(event);
}

int SupervisionTreeView::nodeAt(QPointF pos) const {
    const QPointF natural = transform_.inverted().map(pos);
    for (size_t i = 0; i < layout_.node_rects.size(); ++i)
        if (layout_.node_rects[i].contains(natural)) return int(i);
    return -1;
}

void SupervisionTreeView::setZoom(double zoom) {
    zoom_ = std::clamp(zoom, 0.1, 8.0);
    update();
}

void SupervisionTreeView::panBy(QPointF pixels) {
    pan_ += pixels;
    update();
}

void SupervisionTreeView::resetView() {
    zoom_ = 1;
    pan_ = {};
    update();
}

void SupervisionTreeView::centreOn(int node) {
    if (node < 0 || node >= int(layout_.node_rects.size())) return;
    const QTransform transform = treeTransform(layout_.natural_size, size(), paintOptions());
    const QPointF at = transform.map(layout_.node_rects[size_t(node)].center());
    pan_ += QPointF(width() / 2.0, height() / 2.0) - at;
    update();
}

bool SupervisionTreeView::search(const QString& text) {
    const std::string needle = text.trimmed().toStdString();
    if (needle.empty()) return false;
    // Search the unfolded tree, so members of a folded box are found too.
    TreeSnapshot unfolded;
    if (folded_provider_ && provider_ && state_)
        unfolded = provider_(static_cast<int64_t>(state_->cursorUs()));
    const TreeSnapshot& raw = folded_provider_ ? unfolded : snapshot_;
    const std::vector<int> raw_matches = findTreeNodes(raw, needle);
    if (raw_matches.empty()) return false;
    const Pid selected = state_ ? state_->selectedPid() : Pid{};
    size_t next = 0;
    for (size_t k = 0; k < raw_matches.size(); ++k)
        if (raw.nodes[size_t(raw_matches[k])].process.pid == selected)
            next = (k + 1) % raw_matches.size();
    const TreeNode target = raw.nodes[size_t(raw_matches[next])];
    // Expand the folded box the match sits in, and its collapsed ancestors.
    if (target.parent >= 0)
        expanded_groups_.insert(
            {raw.nodes[size_t(target.parent)].process.pid, target.process.initial_call});
    for (int p = target.parent; p >= 0; p = raw.nodes[size_t(p)].parent)
        collapsed_.erase(raw.nodes[size_t(p)].process.pid);
    regroup();
    if (state_) state_->setSelectedPid(target.process.pid);
    for (size_t i = 0; i < shown_.nodes.size(); ++i)
        if (shown_.nodes[i].group_members == 0 && shown_.nodes[i].process.pid == target.process.pid)
            centreOn(int(i));
    return true;
}

void SupervisionTreeView::toggleCollapsed(Pid pid) {
    if (!collapsed_.erase(pid)) collapsed_.insert(pid);
    rebuildShown();
}

bool SupervisionTreeView::toggleGroup(int node) {
    if (node < 0 || node >= int(shown_.nodes.size())) return false;
    const TreeNode& box = shown_.nodes[size_t(node)];
    if (box.group_members > 0) {
        expanded_groups_.insert(groupKeyOf(shown_, node));
    } else {
        // A member of an expanded group: fold its group again.
        if (box.parent < 0) return false;
        const TreeGroupKey key{shown_.nodes[size_t(box.parent)].process.pid,
                               box.process.initial_call};
        if (!expanded_groups_.erase(key)) return false;
    }
    regroup();
    return true;
}

QString SupervisionTreeView::tooltipAt(QPointF pos) const {
    const int n = nodeAt(pos);
    if (n < 0) return {};
    const TreeNode& node = shown_.nodes[size_t(n)];
    QStringList lines;
    if (node.group_members > 0) {
        lines << QString::fromStdString(groupLabel(node.group_members, node.process.initial_call,
                                                   node.group_done, node.group_alive,
                                                   node.group_crashed));
        lines << QStringLiteral("click to expand");
        return lines.join(QLatin1Char('\n'));
    }
    lines << QStringLiteral("%1  %2").arg(QString::fromStdString(node.process.title()),
                                          QString::fromStdString(formatPid(node.process.pid)));
    if (!node.process.registered_name.empty() && !node.process.initial_call.empty())
        lines << QString::fromStdString(node.process.initial_call);
    lines << roleName(node.process.role);
    if (node.alive)
        lines << QStringLiteral("%1 at %2")
                     .arg(stateName(node.state),
                          QString::fromStdString(formatDuration(double(shown_.at_us))));
    else
        lines << QStringLiteral("dead: %1 (%2)")
                     .arg(QString::fromStdString(node.exit_reason), exitClassName(node.exit_class));
    if (!node.child_id.empty())
        lines << QStringLiteral("child id %1").arg(QString::fromStdString(node.child_id));
    if (node.restarts > 0) lines << QStringLiteral("restarted %1 times").arg(node.restarts);
    if (!node.children.empty())
        lines << QStringLiteral("%1 children (C collapses)").arg(node.children.size());
    if (node.hidden_descendants > 0)
        lines << QStringLiteral("%1 processes collapsed (C expands)").arg(node.hidden_descendants);
    return lines.join(QLatin1Char('\n'));
}

bool SupervisionTreeView::event(QEvent* event) {
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = tooltipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void SupervisionTreeView::mousePressEvent(QMouseEvent* event) {
    setFocus();
    press_pos_ = event->pos();
    press_pan_ = pan_;
    dragging_ = false;
}

void SupervisionTreeView::mouseMoveEvent(QMouseEvent* event) {
    if (!(event->buttons() & Qt::LeftButton)) return;
    if (!dragging_ && (event->pos() - press_pos_).manhattanLength() < 4) return;
    dragging_ = true;
    pan_ = press_pan_ + QPointF(event->pos() - press_pos_);
    update();
}

void SupervisionTreeView::mouseReleaseEvent(QMouseEvent* event) {
    if (dragging_) {
        dragging_ = false;
        return;
    }
    const int n = nodeAt(event->position());
    if (n >= 0 && shown_.nodes[size_t(n)].group_members > 0) {
        toggleGroup(n);
        return;
    }
    if (state_) state_->setSelectedPid(n >= 0 ? shown_.nodes[size_t(n)].process.pid : Pid{});
}

void SupervisionTreeView::mouseDoubleClickEvent(QMouseEvent* event) {
    const int n = nodeAt(event->position());
    if (n >= 0 && shown_.nodes[size_t(n)].group_members == 0)
        emit processActivated(shown_.nodes[size_t(n)].process.pid);
}

void SupervisionTreeView::wheelEvent(QWheelEvent* event) {
    const double steps = event->angleDelta().y() / 120.0;
    if (event->modifiers() & Qt::ControlModifier) {
        // Zoom around the mouse: the point under it stays put.
        const QPointF mouse = event->position();
        const QPointF natural = transform_.inverted().map(mouse);
        zoom_ = std::clamp(zoom_ * std::pow(1.2, steps), 0.1, 8.0);
        const QTransform next = treeTransform(layout_.natural_size, size(), paintOptions());
        pan_ += mouse - next.map(natural);
        update();
    } else if (event->modifiers() & Qt::ShiftModifier) {
        panBy(QPointF(steps * 60, 0));
    } else {
        panBy(QPointF(0, steps * 60));
    }
    event->accept();
}

void SupervisionTreeView::keyPressEvent(QKeyEvent* event) {
    if (event->matches(QKeySequence::Find) || event->key() == Qt::Key_Slash) {
        search_box_->move(width() - search_box_->width() - 8, 8);
        search_box_->show();
        search_box_->setFocus();
        search_box_->selectAll();
        return;
    }
    switch (event->key()) {
        case Qt::Key_Plus:
        case Qt::Key_Equal:
            setZoom(zoom_ * 1.25);
            break;
        case Qt::Key_Minus:
            setZoom(zoom_ / 1.25);
            break;
        case Qt::Key_Home:
        case Qt::Key_0:
            resetView();
            break;
        case Qt::Key_Left:
            panBy(QPointF(60, 0));
            break;
        case Qt::Key_Right:
            panBy(QPointF(-60, 0));
            break;
        case Qt::Key_Up:
            panBy(QPointF(0, 60));
            break;
        case Qt::Key_Down:
            panBy(QPointF(0, -60));
            break;
        case Qt::Key_C:
            if (state_ && state_->selectedPid().valid()) toggleCollapsed(state_->selectedPid());
            break;
        case Qt::Key_Escape:
            search_box_->hide();
            break;
        default:
            QWidget::keyPressEvent(event);
            return;
    }
    event->accept();
}

}  // namespace tasklens::ui
