#include "ui/palette.h"

#include <QPainterPath>
#include <QPolygonF>
#include <QtMath>

namespace tasklens::ui {

using trace::ExitReasonClass;
using trace::WaitKind;
using trace::WaitOutcome;

namespace {
thread_local CanvasScheme active_scheme = CanvasScheme::Light;
}  // namespace

bool isDarkPalette(const QPalette& palette) {
    return palette.color(QPalette::Active, QPalette::Window).lightnessF() < 0.5;
}

CanvasScheme canvasSchemeFor(const QPalette& palette) {
    return isDarkPalette(palette) ? CanvasScheme::Dark : CanvasScheme::Light;
}

const CanvasColors& canvasColors(CanvasScheme scheme) {
    static const CanvasColors light{
        .background = {255, 255, 255},
        .text = kTextColor,
        .dim_text = kDimTextColor,
        .grid = {220, 220, 220},
        .zebra = {246, 247, 249},
        .highlight_band = {255, 243, 196},
        .box_fill = {255, 255, 255},
        .dead_box_fill = {245, 245, 245},
        .label_background = {255, 255, 255, 230},
        .link = kLinkColor,
        .monitor = kMonitorColor,
        .cursor = kCursorColor,
        .callers_accent = {190, 105, 0},
        .ancestors_accent = {31, 79, 140},
        .tree_edge = {110, 110, 110},
        .spawn_edge = {150, 150, 150},
        .detail_text = {80, 80, 80},
        .badge = {230, 120, 0},
        .badge_text = {255, 255, 255},
        .chip_fill = {235, 238, 243},
    };
    // Dark: a neutral grey-blue canvas; accents lightened so they keep their contrast.
    static const CanvasColors dark{
        .background = {30, 32, 36},
        .text = {225, 228, 232},
        .dim_text = {140, 145, 152},
        .grid = {62, 66, 72},
        .zebra = {38, 41, 46},
        .highlight_band = {72, 62, 30},
        .box_fill = {44, 47, 53},
        .dead_box_fill = {36, 38, 42},
        .label_background = {30, 32, 36, 230},
        .link = {235, 100, 100},
        .monitor = {180, 135, 225},
        .cursor = {255, 160, 40},
        .callers_accent = {240, 160, 60},
        .ancestors_accent = {110, 165, 235},
        .tree_edge = {150, 156, 164},
        .spawn_edge = {112, 118, 126},
        .detail_text = {185, 190, 196},
        .badge = {215, 110, 0},
        .badge_text = {255, 255, 255},
        .chip_fill = {60, 64, 72},
    };
    return scheme == CanvasScheme::Dark ? dark : light;
}

const CanvasColors& canvasColors() {
    return canvasColors(active_scheme);
}

CanvasScheme activeCanvasScheme() {
    return active_scheme;
}

ScopedCanvasScheme::ScopedCanvasScheme(CanvasScheme scheme) : previous_(active_scheme) {
    active_scheme = scheme;
}

ScopedCanvasScheme::~ScopedCanvasScheme() {
    active_scheme = previous_;
}

const SyntaxColors& syntaxColors(CanvasScheme scheme) {
    static const SyntaxColors light{
        .keyword = {0, 0, 170},
        .atom = {0, 120, 140},
        .module = {140, 70, 0},
        .string = {0, 128, 0},
        .interpolation = {150, 0, 150},
        .charlist = {60, 130, 60},
        .sigil = {160, 60, 110},
        .comment = {120, 120, 120},
        .number = {180, 80, 0},
        .attribute = {110, 60, 160},
        .capture = {200, 40, 90},
        .current_line = {255, 250, 214},
        .gutter_background = {244, 244, 244},
        .gutter_text = {150, 150, 150},
        .gutter_current_text = {40, 40, 40},
        .error_marker = {214, 39, 40},
    };
    static const SyntaxColors dark{
        .keyword = {120, 160, 255},
        .atom = {90, 200, 210},
        .module = {230, 180, 100},
        .string = {150, 210, 120},
        .interpolation = {225, 130, 225},
        .charlist = {120, 185, 110},
        .sigil = {230, 130, 170},
        .comment = {125, 132, 140},
        .number = {240, 150, 90},
        .attribute = {190, 150, 240},
        .capture = {255, 110, 150},
        .current_line = {44, 48, 56},
        .gutter_background = {34, 36, 40},
        .gutter_text = {110, 115, 122},
        .gutter_current_text = {215, 220, 225},
        .error_marker = {240, 80, 80},
    };
    return scheme == CanvasScheme::Dark ? dark : light;
}

QColor stateColor(SpanState state) {
    switch (state) {
        case SpanState::Running:
            return {46, 160, 67};
        case SpanState::Runnable:
            return {187, 222, 120};
        case SpanState::Waiting:
            return {170, 199, 228};
        case SpanState::Sleeping:
            return {196, 181, 226};
        case SpanState::Awaiting:
            return {245, 166, 35};
        case SpanState::Exiting:
            return {140, 86, 75};
    }
    return Qt::gray;
}

QString stateName(SpanState state) {
    switch (state) {
        case SpanState::Running:
            return QStringLiteral("running");
        case SpanState::Runnable:
            return QStringLiteral("runnable");
        case SpanState::Waiting:
            return QStringLiteral("waiting (receive)");
        case SpanState::Sleeping:
            return QStringLiteral("sleeping");
        case SpanState::Awaiting:
            return QStringLiteral("awaiting a task / call");
        case SpanState::Exiting:
            return QStringLiteral("exiting");
    }
    return {};
}

QColor exitColor(ExitReasonClass reason) {
    switch (reason) {
        case ExitReasonClass::Normal:
            return {120, 120, 120};
        case ExitReasonClass::Shutdown:
            return {31, 119, 180};
        case ExitReasonClass::Killed:
            return activeCanvasScheme() == CanvasScheme::Dark ? QColor(225, 225, 225)
                                                              : QColor(20, 20, 20);
        case ExitReasonClass::Crash:
            return {214, 39, 40};
    }
    return Qt::gray;
}

QString exitClassName(ExitReasonClass reason) {
    switch (reason) {
        case ExitReasonClass::Normal:
            return QStringLiteral("exit :normal");
        case ExitReasonClass::Shutdown:
            return QStringLiteral("exit :shutdown");
        case ExitReasonClass::Killed:
            return QStringLiteral("exit :killed");
        case ExitReasonClass::Crash:
            return QStringLiteral("crash");
    }
    return {};
}

QColor arrowColor(ArrowKind kind) {
    switch (kind) {
        case ArrowKind::Spawn:
            return {110, 110, 110};
        case ArrowKind::Message:
            return {60, 90, 160};
        case ArrowKind::Reply:
            return {30, 140, 60};
        case ArrowKind::Down:
            return kMonitorColor;
        case ArrowKind::ExitSignal:
            return {214, 39, 40};
    }
    return Qt::black;
}

QString arrowName(ArrowKind kind) {
    switch (kind) {
        case ArrowKind::Spawn:
            return QStringLiteral("spawn");
        case ArrowKind::Message:
            return QStringLiteral("message");
        case ArrowKind::Reply:
            return QStringLiteral("reply");
        case ArrowKind::Down:
            return QStringLiteral(":DOWN");
        case ArrowKind::ExitSignal:
            return QStringLiteral("exit signal");
    }
    return {};
}

Qt::PenStyle arrowPenStyle(ArrowKind kind) {
    switch (kind) {
        case ArrowKind::Spawn:
            return Qt::DotLine;
        case ArrowKind::Down:
            return Qt::DashLine;
        case ArrowKind::ExitSignal:
            return Qt::DashDotLine;
        default:
            return Qt::SolidLine;
    }
}

QColor outcomeColor(WaitOutcome outcome) {
    switch (outcome) {
        case WaitOutcome::Message:
            return {30, 140, 60};
        case WaitOutcome::Timeout:
            return {214, 39, 40};
        case WaitOutcome::Down:
            return kMonitorColor;
        case WaitOutcome::Killed:
            return activeCanvasScheme() == CanvasScheme::Dark ? QColor(225, 225, 225)
                                                              : QColor(20, 20, 20);
    }
    return Qt::black;
}

QString outcomeName(WaitOutcome outcome) {
    switch (outcome) {
        case WaitOutcome::Message:
            return QStringLiteral("reply");
        case WaitOutcome::Timeout:
            return QStringLiteral("timeout");
        case WaitOutcome::Down:
            return QStringLiteral("DOWN");
        case WaitOutcome::Killed:
            return QStringLiteral("killed while waiting");
    }
    return {};
}

QString waitKindName(WaitKind kind) {
    switch (kind) {
        case WaitKind::Receive:
            return QStringLiteral("receive");
        case WaitKind::TaskAwait:
            return QStringLiteral("Task.await");
        case WaitKind::TaskYield:
            return QStringLiteral("Task.yield");
        case WaitKind::Shutdown:
            return QStringLiteral("shutdown");
        case WaitKind::GenServerCall:
            return QStringLiteral("GenServer.call");
    }
    return {};
}

QColor roleColor(ProcessRole role) {
    // On a dark canvas the same hues, lightened: a dark blue title on a dark box is unreadable.
    const bool dark = activeCanvasScheme() == CanvasScheme::Dark;
    switch (role) {
        case ProcessRole::Supervisor:
            return dark ? QColor(120, 170, 235) : QColor(31, 79, 140);
        case ProcessRole::Server:
            return dark ? QColor(185, 155, 235) : QColor(90, 60, 140);
        case ProcessRole::Task:
            return dark ? QColor(235, 175, 80) : QColor(160, 100, 0);
        case ProcessRole::Process:
            return dark ? QColor(200, 200, 200) : QColor(40, 40, 40);
    }
    return Qt::black;
}

QString roleName(ProcessRole role) {
    switch (role) {
        case ProcessRole::Supervisor:
            return QStringLiteral("supervisor");
        case ProcessRole::Server:
            return QStringLiteral("server");
        case ProcessRole::Task:
            return QStringLiteral("task");
        case ProcessRole::Process:
            return QStringLiteral("process");
    }
    return {};
}

void drawOutcomeMark(QPainter& painter, QPointF c, double size, WaitOutcome outcome) {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    const double h = size / 2;
    const QColor color = outcomeColor(outcome);
    QPen pen(color, std::max(1.5, size / 6), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    switch (outcome) {
        case WaitOutcome::Message: {
            painter.setPen(pen);
            painter.setBrush(Qt::NoBrush);
            const QPointF tick[] = {{c.x() - h * 0.8, c.y()},
                                    {c.x() - h * 0.2, c.y() + h * 0.7},
                                    {c.x() + h * 0.9, c.y() - h * 0.8}};
            painter.drawPolyline(tick, 3);
            break;
        }
        case WaitOutcome::Timeout: {
            // An hourglass: the deadline ran out.
            painter.setPen(QPen(color.darker(130), 1));
            painter.setBrush(color);
            const QPointF glass[] = {{c.x() - h * 0.7, c.y() - h},
                                     {c.x() + h * 0.7, c.y() - h},
                                     {c.x() - h * 0.7, c.y() + h},
                                     {c.x() + h * 0.7, c.y() + h}};
            painter.drawPolygon(glass, 4);
            break;
        }
        case WaitOutcome::Down: {
            painter.setPen(QPen(color.darker(130), 1));
            painter.setBrush(color);
            const QPointF tri[] = {{c.x() - h * 0.8, c.y() - h * 0.7},
                                   {c.x() + h * 0.8, c.y() - h * 0.7},
                                   {c.x(), c.y() + h * 0.8}};
            painter.drawPolygon(tri, 3);
            break;
        }
        case WaitOutcome::Killed: {
            painter.setPen(pen);
            painter.drawLine(QPointF(c.x() - h * 0.7, c.y() - h * 0.7),
                             QPointF(c.x() + h * 0.7, c.y() + h * 0.7));
            painter.drawLine(QPointF(c.x() - h * 0.7, c.y() + h * 0.7),
                             QPointF(c.x() + h * 0.7, c.y() - h * 0.7));
            break;
        }
    }
    painter.restore();
}

void drawExitMark(QPainter& painter, QPointF c, double size, ExitReasonClass reason) {
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    const double h = size / 2;
    const QColor color = exitColor(reason);
    painter.setPen(QPen(Qt::white, 1));
    painter.setBrush(color);
    const QPointF diamond[] = {
        {c.x(), c.y() - h}, {c.x() + h, c.y()}, {c.x(), c.y() + h}, {c.x() - h, c.y()}};
    painter.drawPolygon(diamond, 4);
    if (reason == ExitReasonClass::Crash || reason == ExitReasonClass::Killed) {
        // A white cross inside: abnormal, unlike the plain diamond of a normal or shutdown exit.
        painter.setPen(QPen(Qt::white, std::max(1.0, size / 8)));
        painter.drawLine(QPointF(c.x() - h * 0.35, c.y() - h * 0.35),
                         QPointF(c.x() + h * 0.35, c.y() + h * 0.35));
        painter.drawLine(QPointF(c.x() - h * 0.35, c.y() + h * 0.35),
                         QPointF(c.x() + h * 0.35, c.y() - h * 0.35));
    }
    painter.restore();
}

void drawArrow(QPainter& painter, QPointF from, QPointF to, double head_size) {
    painter.drawLine(from, to);
    const double angle = std::atan2(to.y() - from.y(), to.x() - from.x());
    const double spread = qDegreesToRadians(25.0);
    const QPointF left =
        to - QPointF(std::cos(angle - spread), std::sin(angle - spread)) * head_size;
    const QPointF right =
        to - QPointF(std::cos(angle + spread), std::sin(angle + spread)) * head_size;
    painter.save();
    QPen pen = painter.pen();
    pen.setStyle(Qt::SolidLine);
    painter.setPen(pen);
    painter.setBrush(pen.color());
    const QPointF head[] = {to, left, right};
    painter.drawPolygon(head, 3);
    painter.restore();
}

QFont uiFont(double pixel_size, bool bold) {
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPixelSize(std::max(1, qRound(pixel_size)));
    font.setBold(bold);
    return font;
}

QFont monoFont(double pixel_size) {
    QFont font(QStringLiteral("DejaVu Sans Mono"));
    font.setStyleHint(QFont::Monospace);
    font.setPixelSize(std::max(1, qRound(pixel_size)));
    return font;
}

}  // namespace tasklens::ui
