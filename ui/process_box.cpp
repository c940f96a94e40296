#include "ui/process_box.h"

#include <QFontMetricsF>
#include <QPainterPath>

#include "ui/palette.h"

namespace tasklens::ui {

void drawProcessBox(QPainter& painter, const QRectF& rect, const ProcessBox& box,
                    const ProcessBoxStyle& style) {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    const CanvasColors& colors = canvasColors();
    if (!box.alive) painter.setOpacity(0.5);
    const bool supervisor = box.process.role == ProcessRole::Supervisor;
    const QColor border = box.alive ? roleColor(box.process.role) : colors.dim_text;
    QPen pen(border, supervisor ? 2.2 : 1.3, box.alive ? Qt::SolidLine : Qt::DashLine);
    if (box.highlighted) pen = QPen(colors.cursor, 3);
    painter.setPen(pen);
    if (box.group) {
        // Two cards behind the box: "many of these".
        painter.setBrush(colors.dead_box_fill);
        painter.drawRoundedRect(rect.translated(6, -6), 6, 6);
        painter.drawRoundedRect(rect.translated(3, -3), 6, 6);
    }
    painter.setBrush(box.alive ? colors.box_fill : colors.dead_box_fill);
    painter.drawRoundedRect(rect, 6, 6);

    // The state stripe on the left edge; a dead process shows how it died instead.
    const QColor stripe = box.alive ? stateColor(box.state) : exitColor(box.exit_class);
    QPainterPath clip;
    clip.addRoundedRect(rect.adjusted(1, 1, -1, -1), 5, 5);
    painter.save();
    painter.setClipPath(clip);
    painter.fillRect(QRectF(rect.left(), rect.top(), 9, rect.height()), stripe);
    painter.restore();

    const double pad = 8;
    const QRectF text_rect = rect.adjusted(9 + pad, 4, -pad, -4);
    const QFont title_font = uiFont(style.font_px, supervisor);
    const QFont detail_font = uiFont(style.font_px * 0.8);
    const QFont pid_font = monoFont(style.font_px * 0.8);
    double badge_width = 0;
    if (box.restarts > 0) {
        // Restart count badge: how often this child's slot was restarted so far.
        const QString badge = QStringLiteral("\u21bb %1").arg(box.restarts);
        const QFont badge_font = uiFont(style.font_px * 0.8, true);
        QFontMetricsF metrics(badge_font);
        QRectF badge_rect(0, 0, metrics.horizontalAdvance(badge) + 10, metrics.height() + 2);
        badge_rect.moveTopRight(QPointF(rect.right() - 4, rect.top() + 4));
        painter.setPen(Qt::NoPen);
        painter.setBrush(colors.badge);
        painter.drawRoundedRect(badge_rect, badge_rect.height() / 2, badge_rect.height() / 2);
        painter.setPen(colors.badge_text);
        painter.setFont(badge_font);
        painter.drawText(badge_rect, Qt::AlignCenter, badge);
        badge_width = badge_rect.width() + 6;
    }
    const double half = text_rect.height() / 2;
    painter.setFont(title_font);
    const QColor role = roleColor(box.process.role);
    painter.setPen(!box.alive
                       ? colors.dim_text
                       : (activeCanvasScheme() == CanvasScheme::Dark ? role : role.darker(110)));
    QFontMetricsF title_metrics(title_font);
    painter.drawText(
        QRectF(text_rect.left(), text_rect.top(), text_rect.width() - badge_width, half),
        Qt::AlignLeft | Qt::AlignVCenter,
        title_metrics.elidedText(
            box.title.isEmpty() ? QString::fromStdString(box.process.title()) : box.title,
            Qt::ElideMiddle, text_rect.width() - badge_width));
    if (box.hidden_descendants > 0) {
        // A collapsed subtree: how many boxes are folded away behind this one.
        const QString badge = QStringLiteral("+%1").arg(box.hidden_descendants);
        const QFont badge_font = uiFont(style.font_px * 0.8, true);
        QFontMetricsF metrics(badge_font);
        QRectF badge_rect(0, 0, metrics.horizontalAdvance(badge) + 10, metrics.height() + 2);
        badge_rect.moveCenter(QPointF(rect.right(), rect.center().y()));
        painter.setPen(QPen(colors.dim_text, 1));
        painter.setBrush(colors.chip_fill);
        painter.drawRoundedRect(badge_rect, badge_rect.height() / 2, badge_rect.height() / 2);
        painter.setPen(colors.text);
        painter.setFont(badge_font);
        painter.drawText(badge_rect, Qt::AlignCenter, badge);
    }
    const QString pid = box.group ? QString() : QString::fromStdString(formatPid(box.process.pid));
    painter.setFont(pid_font);
    painter.setPen(colors.dim_text);
    const double pid_width = pid.isEmpty() ? -8 : QFontMetricsF(pid_font).horizontalAdvance(pid);
    const QRectF second(text_rect.left(), text_rect.top() + half, text_rect.width(), half);
    painter.drawText(second, Qt::AlignLeft | Qt::AlignVCenter, pid);
    painter.setFont(detail_font);
    painter.setPen(box.alive ? colors.detail_text : exitColor(box.exit_class));
    QFontMetricsF detail_metrics(detail_font);
    const double detail_room = second.width() - pid_width - 8;
    painter.drawText(second.adjusted(pid_width + 8, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter,
                     detail_metrics.elidedText(box.detail, Qt::ElideRight, detail_room));
    painter.restore();
}

double drawLegendRow(QPainter& painter, QPointF origin, double max_width,
                     const std::vector<LegendEntry>& entries, double font_px) {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    const CanvasColors& colors = canvasColors();
    const QFont font = uiFont(font_px);
    QFontMetricsF metrics(font);
    const double row_height = std::max(16.0, metrics.height() + 4);
    double x = origin.x();
    double y = origin.y();
    for (const auto& entry : entries) {
        const double width = 26 + 6 + metrics.horizontalAdvance(entry.text) + 18;
        if (x + width > origin.x() + max_width && x > origin.x()) {
            x = origin.x();
            y += row_height;
        }
        const QRectF icon(x, y + (row_height - 12) / 2, 26, 12);
        switch (entry.kind) {
            case LegendEntry::Kind::State:
                painter.fillRect(icon, entry.color);
                break;
            case LegendEntry::Kind::Line: {
                painter.setPen(QPen(entry.color, 1.6, entry.pen));
                const QPointF a(icon.left(), icon.center().y()), b(icon.right(), icon.center().y());
                if (entry.arrowhead)
                    drawArrow(painter, a, b, 6);
                else
                    painter.drawLine(a, b);
                break;
            }
            case LegendEntry::Kind::Exit:
                painter.setPen(Qt::NoPen);
                painter.fillRect(QRectF(icon.left(), icon.top(), 8, icon.height()), entry.color);
                break;
            case LegendEntry::Kind::Ghost:
                painter.setOpacity(0.5);
                painter.setPen(QPen(colors.dim_text, 1, Qt::DashLine));
                painter.setBrush(colors.dead_box_fill);
                painter.drawRoundedRect(icon, 3, 3);
                painter.setOpacity(1);
                break;
            case LegendEntry::Kind::Badge:
                painter.setPen(Qt::NoPen);
                painter.setBrush(colors.badge);
                painter.drawRoundedRect(icon, 6, 6);
                painter.setPen(colors.badge_text);
                painter.setFont(uiFont(9, true));
                painter.drawText(icon, Qt::AlignCenter, QStringLiteral("\u21bb 2"));
                break;
        }
        painter.setFont(font);
        painter.setPen(colors.text);
        painter.drawText(QRectF(icon.right() + 6, y, width, row_height),
                         Qt::AlignLeft | Qt::AlignVCenter, entry.text);
        x += width;
    }
    painter.restore();
    return y + row_height - origin.y();
}

}  // namespace tasklens::ui
