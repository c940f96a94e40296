#pragma once
// The visual vocabulary shared by every view and the legend: one colour per lane state, exit
// reason class and arrow kind, and the marks for wait outcomes and exits. Marks are drawn as
// vector shapes, not font glyphs, so they look the same in PNG, SVG and PDF on any machine.
#include <QColor>
#include <QFont>
#include <QPainter>
#include <QString>

#include "engine/trace/event.h"
#include "ui/view_data.h"

namespace tasklens::ui {

QColor stateColor(SpanState state);
QString stateName(SpanState state);
QColor exitColor(trace::ExitReasonClass reason);
QString exitClassName(trace::ExitReasonClass reason);
QColor arrowColor(ArrowKind kind);
QString arrowName(ArrowKind kind);
/// Solid for messages and replies, dashed for DOWN, dash-dot for exit signals, dotted for spawns.
Qt::PenStyle arrowPenStyle(ArrowKind kind);
QColor outcomeColor(trace::WaitOutcome outcome);
QString outcomeName(trace::WaitOutcome outcome);
QString waitKindName(trace::WaitKind kind);
QColor roleColor(ProcessRole role);
QString roleName(ProcessRole role);

inline const QColor kLinkColor{200, 60, 60};
inline const QColor kMonitorColor{128, 70, 170};
inline const QColor kCursorColor{230, 120, 0};
inline const QColor kTextColor{30, 30, 30};
inline const QColor kDimTextColor{130, 130, 130};

/// Marks an outcome of a wait: a tick for a reply, an hourglass for a timeout, a down-pointing
/// triangle for DOWN, a cross for killed. `size` is the mark's height in pixels.
void drawOutcomeMark(QPainter& painter, QPointF center, double size, trace::WaitOutcome outcome);
/// Marks where a process ended: a diamond in the colour of its reason class.
void drawExitMark(QPainter& painter, QPointF center, double size, trace::ExitReasonClass reason);
/// A line with an arrowhead at `to`.
void drawArrow(QPainter& painter, QPointF from, QPointF to, double head_size);

/// The UI font at a pixel size, so text sizes are the same on every paint device.
QFont uiFont(double pixel_size, bool bold = false);
QFont monoFont(double pixel_size);

}  // namespace tasklens::ui
