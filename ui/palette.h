#pragma once
// The visual vocabulary shared by every view and the legend: one colour per lane state, exit
// reason class and arrow kind, and the marks for wait outcomes and exits. Marks are drawn as
// vector shapes, not font glyphs, so they look the same in PNG, SVG and PDF on any machine.
#include <QColor>
#include <QFont>
#include <QPainter>
#include <QPalette>
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
/// exitColor and outcomeColor follow the active canvas scheme where their light colour is
/// near-black (killed), so marks stay visible on a dark canvas; roleColor is lightened for
/// every role on a dark canvas (it colours titles and borders).
QColor roleColor(ProcessRole role);
QString roleName(ProcessRole role);

// The light scheme's fixed colours. Canvases that follow the application palette read
// canvasColors() instead, which has the same fields for the light and the dark scheme.
inline const QColor kLinkColor{200, 60, 60};
inline const QColor kMonitorColor{128, 70, 170};
inline const QColor kCursorColor{230, 120, 0};
inline const QColor kTextColor{30, 30, 30};
inline const QColor kDimTextColor{130, 130, 130};

// --- light and dark canvases ---------------------------------------------------------------
// Canvases (tree, lineage, timeline, editor) are drawn in one of two schemes. Widgets pick the
// scheme from their QPalette and install it for the duration of a paint with ScopedCanvasScheme;
// exports install nothing and so are always drawn light, whatever the desktop theme.

enum class CanvasScheme { Light, Dark };

/// True when the palette's window colour is dark (HSL lightness below one half), as with a dark
/// desktop theme or a Fusion palette with dark colours.
bool isDarkPalette(const QPalette& palette);
CanvasScheme canvasSchemeFor(const QPalette& palette);

/// Everything a canvas paints that is not a state, reason, arrow or role colour.
struct CanvasColors {
    QColor background;        ///< the canvas itself
    QColor text;              ///< titles, names
    QColor dim_text;          ///< secondary text, dead processes, empty-state hints
    QColor grid;              ///< grid lines and separators
    QColor zebra;             ///< every other lane
    QColor highlight_band;    ///< the selected lane / row
    QColor box_fill;          ///< a live process box
    QColor dead_box_fill;     ///< a dead (ghosted) process box
    QColor label_background;  ///< behind text drawn over lines (arrow verbs, badges)
    QColor link;
    QColor monitor;
    QColor cursor;            ///< the time cursor and selection outlines
    QColor callers_accent;    ///< the $callers chain in the lineage
    QColor ancestors_accent;  ///< the $ancestors chain in the lineage
    QColor tree_edge;         ///< supervisor -> child edges in the tree
    QColor spawn_edge;        ///< parent -> child edges that are not supervision
    QColor detail_text;       ///< the second line of a process box
    QColor badge;             ///< the restart badge
    QColor badge_text;
    QColor chip_fill;  ///< the "+N" badge of a collapsed subtree
};

const CanvasColors& canvasColors(CanvasScheme scheme);
/// The colours of the scheme installed by the innermost live ScopedCanvasScheme (Light if none).
const CanvasColors& canvasColors();
CanvasScheme activeCanvasScheme();

/// Installs a scheme for this thread until destroyed; nests.
class ScopedCanvasScheme {
  public:
    explicit ScopedCanvasScheme(CanvasScheme scheme);
    explicit ScopedCanvasScheme(const QPalette& palette)
        : ScopedCanvasScheme(canvasSchemeFor(palette)) {}
    ~ScopedCanvasScheme();
    ScopedCanvasScheme(const ScopedCanvasScheme&) = delete;
    ScopedCanvasScheme& operator=(const ScopedCanvasScheme&) = delete;

  private:
    CanvasScheme previous_;
};

/// The code editor's colours: syntax classes, gutter and current line.
struct SyntaxColors {
    QColor keyword;
    QColor atom;  ///< :ok and keyword keys (key:)
    QColor module;
    QColor string;
    QColor interpolation;  ///< the #{ } around interpolated code
    QColor charlist;
    QColor sigil;
    QColor comment;
    QColor number;
    QColor attribute;  ///< @moduledoc, @timeout
    QColor capture;    ///< & and &1
    QColor current_line;
    QColor gutter_background;
    QColor gutter_text;
    QColor gutter_current_text;
    QColor error_marker;
};

const SyntaxColors& syntaxColors(CanvasScheme scheme);

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
