// Over 800 lines: the QCustomPlot plottables (lanes, group lanes, arrows, legend) share the
// per-pixel folding and hit-testing; each plottable is a candidate for its own file.
#include "ui/timeline_plot.h"

#include <QContextMenuEvent>
#include <QFontMetricsF>
#include <QMenu>
#include <QToolTip>
#include <algorithm>
#include <cmath>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "ui/gallop.h"
#include "ui/lane_folding_live.h"
#include "ui/palette.h"
#include "ui/view_state.h"

namespace tasklens::ui {

namespace {

/// Runs narrower than this many pixels are folded into one counted mark (Tracy uses 3 px too).
constexpr double kFoldPx = 3.0;
constexpr double kMinLaneHeightPx = 14;
constexpr double kMaxLaneHeightPx = 56;

/// Where the parts of a lane sit inside its band, as fractions of the lane height.
struct LaneBands {
    double bracket_y;  ///< the timeout window's line
    double span_top;
    double span_bottom;
};

LaneBands bandsFor(double y_top, double height) {
    // Tall lanes leave room above the bracket for the window's name ("Task.await 5 s").
    if (height >= 36) return {y_top + height * 0.36, y_top + height * 0.46, y_top + height * 0.90};
    return {y_top + height * 0.22, y_top + height * 0.40, y_top + height * 0.92};
}

double labelFontPx(double lane_height) {
    return std::clamp(lane_height * 0.5, 9.0, 13.0);
}

/// The scheme a plot paints in: its palette's on screen, light in exports (TimelinePlot).
CanvasScheme schemeOf(const QCustomPlot* plot) {
    const auto* timeline = qobject_cast<const TimelinePlot*>(plot);
    return timeline ? timeline->canvasScheme() : CanvasScheme::Light;
}

/// A colour of the light canvas as it always was, or its counterpart on the dark canvas.
QColor ink(const QColor& light, const QColor& dark) {
    return activeCanvasScheme() == CanvasScheme::Dark ? dark : light;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// TimeAxisTicker

double TimeAxisTicker::getTickStep(const QCPRange& range) {
    // During layout the axis rect may not have its final width yet; the viewport minus the label
    // column is a close, stable estimate.
    double width_px = axis_->axisRect() ? axis_->axisRect()->width() : 0;
    if (width_px < 50 && axis_->parentPlot())
        width_px = axis_->parentPlot()->viewport().width() * 0.75;
    const double largest = std::max(std::abs(range.lower), std::abs(range.upper));
    step_ = niceTickStep(range.size(), std::max(1.0, width_px), 90, largest);
    return static_cast<double>(step_.step_us);
}

int TimeAxisTicker::getSubTickCount(double tick_step) {
    // 1 and 5 steps split into fifths, 2 steps into halves: sub ticks land on round values.
    const double mantissa = getMantissa(tick_step);
    return std::abs(mantissa - 2) < 0.01 ? 1 : 4;
}

QString TimeAxisTicker::getTickLabel(double tick, const QLocale&, QChar, int) {
    return QString::fromStdString(formatTick(std::llround(tick), step_));
}

// ---------------------------------------------------------------------------------------------
// LanePlottable

LanePlottable::LanePlottable(QCPAxis* time_axis, QCPAxis* lane_axis)
    : QCPAbstractPlottable(time_axis, lane_axis) {
    setAntialiased(false);
}

QCPRange LanePlottable::getKeyRange(bool& found, QCP::SignDomain) const {
    found = data_ != nullptr;
    return data_ ? QCPRange(data_->range.begin_us, data_->range.end_us) : QCPRange();
}

QCPRange LanePlottable::getValueRange(bool& found, QCP::SignDomain, const QCPRange&) const {
    found = data_ && !data_->lanes.empty();
    return found ? QCPRange(-0.5, data_->laneCount() - 0.5) : QCPRange();
}

void LanePlottable::draw(QCPPainter* painter) {
    const ScopedCanvasScheme scheme(schemeOf(parentPlot()));
    stats_ = {};
    note_text_.clear();
    note_rect_ = {};
    if (!data_ || data_->lanes.empty()) return;
    QCPAxis* time_axis = keyAxis();
    QCPAxis* lane_axis = valueAxis();
    const QRect clip = clipRect();
    const QCPRange lane_range = lane_axis->range();
    const int first = std::max(0, static_cast<int>(std::floor(lane_range.lower + 0.5)));
    const int last =
        std::min(data_->laneCount() - 1, static_cast<int>(std::ceil(lane_range.upper - 0.5)));

    for (int lane = first; lane <= last; ++lane) {
        const double y_top = lane_axis->coordToPixel(lane - 0.5);
        const double height = lane_axis->coordToPixel(lane + 0.5) - y_top;
        // Zebra stripes and the selection highlight span the whole width, so a lane can be
        // followed by eye across a wide chart.
        if (lane == selected_lane_)
            painter->fillRect(QRectF(clip.left(), y_top, clip.width(), height),
                              canvasColors().highlight_band);
        else if (lane % 2 == 1)
            painter->fillRect(QRectF(clip.left(), y_top, clip.width(), height),
                              canvasColors().zebra);
        if (data_->lanes[lane].group >= 0) {
            drawGroup(painter, lane, y_top, height);
        } else {
            drawSpans(painter, lane, y_top, height);
            drawWaits(painter, lane, y_top, height);
            drawExit(painter, lane, y_top, height);
        }
        ++stats_.lanes_drawn;
    }
    stats_.lanes_hidden = first + (data_->laneCount() - 1 - last);
    placeMoreLanesNote(first, data_->laneCount() - 1 - last);

    if (cursor_visible_ && cursor_us_ >= 0) {
        const double x = time_axis->coordToPixel(cursor_us_);
        painter->setPen(QPen(canvasColors().cursor, 1.5));
        painter->drawLine(QPointF(x, clip.top()), QPointF(x, clip.bottom()));
    }
}

void LanePlottable::drawGroup(QCPPainter* painter, int lane, double y_top, double height) {
    const LaneGroup& group = data_->groups[static_cast<size_t>(data_->lanes[lane].group)];
    QCPAxis* axis = keyAxis();
    const QRect clip = clipRect();
    const LaneBands bands = bandsFor(y_top, height);
    const double top = y_top + height * 0.12;
    const double bottom = bands.span_bottom;
    const double scale = (bottom - top) / std::max(1, group.peak_alive);
    ++stats_.groups_drawn;
    // One column per pixel: the most alive, running and waiting members within it, so a burst
    // shorter than a pixel still shows. Cost: the counts' points in view plus one search per
    // column.
    const auto& counts = group.counts;
    const int left =
        std::max(clip.left(), static_cast<int>(axis->coordToPixel(data_->range.begin_us)));
    const int right =
        std::min(clip.right(), static_cast<int>(axis->coordToPixel(data_->run_end_us)) + 1);
    if (!counts.empty() && right > left) {
        const QColor alive_color(176, 190, 210), running_color = stateColor(SpanState::Running),
                                                 waiting_color = stateColor(SpanState::Awaiting);
        auto it =
            std::upper_bound(counts.begin(), counts.end(), axis->pixelToCoord(left),
                             [](double t, const GroupCountPoint& p) { return t < double(p.t_us); });
        GroupCountPoint current = it == counts.begin() ? GroupCountPoint{} : *(it - 1);
        constexpr long kSamplesPerColumn = 48;
        for (int x = left; x < right; ++x) {
            const double column_end = axis->pixelToCoord(x + 1);
            int32_t alive = current.alive, running = current.running, waiting = current.waiting;
            const auto column_last = gallopPartitionPoint(
                it, counts.end(),
                [column_end](const GroupCountPoint& p) { return double(p.t_us) < column_end; });
            // The steps inside the column: all of them, or an even sample of a crowded column,
            // so the cost per column is bounded whatever the number of members.
            const long inside = column_last - it;
            const long stride = std::max(1L, inside / kSamplesPerColumn);
            for (long k = 0; k < inside; k += stride) {
                const GroupCountPoint& step = *(it + k);
                alive = std::max(alive, step.alive);
                running = std::max(running, step.running);
                waiting = std::max(waiting, step.waiting);
            }
            if (inside > 0) current = *(column_last - 1);
            it = column_last;
            if (alive <= 0) continue;
            const double h_alive = std::max(1.0, alive * scale);
            painter->fillRect(QRectF(x, bottom - h_alive, 1, h_alive), alive_color);
            const double h_running = running * scale;
            const double h_waiting = std::min(waiting * scale, h_alive - h_running);
            if (h_waiting > 0)
                painter->fillRect(QRectF(x, bottom - h_running - h_waiting, 1, h_waiting),
                                  waiting_color);
            if (h_running > 0)
                painter->fillRect(QRectF(x, bottom - h_running, 1, std::max(1.0, h_running)),
                                  running_color);
        }
    }
    // Crash and timeout marks at any zoom: one per pixel column, found by binary search.
    auto marks = [&](const std::vector<int64_t>& times, const QColor& color, bool at_top) {
        const double window_lo = axis->pixelToCoord(clip.left() - 4);
        const double window_hi = axis->pixelToCoord(clip.right() + 4);
        auto mark = std::lower_bound(times.begin(), times.end(), window_lo,
                                     [](int64_t t, double lo) { return double(t) < lo; });
        painter->setPen(Qt::NoPen);
        painter->setBrush(color);
        while (mark != times.end() && double(*mark) <= window_hi) {
            const double x = std::round(axis->coordToPixel(double(*mark)));
            // Everything within this mark's 3 px is one mark.
            const double next_t = axis->pixelToCoord(x + 3);
            const auto next = std::upper_bound(mark, times.end(), next_t,
                                               [](double t, int64_t v) { return t < double(v); });
            const auto n = next - mark;
            painter->fillRect(QRectF(x - 1, y_top + 1, 2, height - 2), color);
            const double size = std::clamp(height * 0.3, 5.0, 9.0);
            const double y = at_top ? y_top + 1 : y_top + height - 1 - size;
            const QPointF triangle[3] = {QPointF(x - size * 0.6, y), QPointF(x + size * 0.6, y),
                                         QPointF(x, y + size)};
            painter->drawPolygon(triangle, 3);
            if (n > 1 && height >= 16) {
                // On an opaque box: faint group traffic crosses the lane.
                const QFont font = uiFont(9, true);
                const QString text = QStringLiteral("\u00d7%1").arg(n);
                QRectF box = QFontMetricsF(font).boundingRect(text).adjusted(-2, 0, 2, 0);
                box.moveBottomLeft(QPointF(x + size * 0.7, y + size + 2));
                QColor fill = canvasColors().background;
                fill.setAlpha(255);
                painter->fillRect(box, fill);
                painter->setFont(font);
                painter->setPen(color.darker(130));
                painter->drawText(box, Qt::AlignCenter, text);
                painter->setPen(Qt::NoPen);
            }
            ++stats_.group_marks_drawn;
            mark = next;
        }
    };
    painter->setRenderHint(QPainter::Antialiasing, true);
    marks(group.timeout_us, outcomeColor(trace::WaitOutcome::Timeout), false);
    marks(group.crash_us, exitColor(trace::ExitReasonClass::Crash), true);
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setBrush(Qt::NoBrush);
}

void LanePlottable::placeMoreLanesNote(int hidden_above, int hidden_below) {
    note_text_.clear();
    note_rect_ = {};
    if (hidden_above <= 0 && hidden_below <= 0) return;
    // Lanes that do not fit are never dropped silently: the picture says how many and where.
    if (hidden_above > 0)
        note_text_ +=
            QString::fromStdString(moreLanesNote(hidden_above)) + QStringLiteral(" above");
    if (hidden_below > 0) {
        if (!note_text_.isEmpty()) note_text_ += QStringLiteral(", ");
        note_text_ +=
            QString::fromStdString(moreLanesNote(hidden_below)) + QStringLiteral(" below");
    }
    const QRect clip = clipRect();
    note_rect_ = QFontMetricsF(uiFont(11, true)).boundingRect(note_text_).adjusted(-6, -3, 6, 3);
    note_rect_.moveBottomRight(QPointF(clip.right() - 4, clip.bottom() - 4));
}

void LanePlottable::drawMoreLanesNote(QCPPainter* painter) const {
    if (note_text_.isEmpty()) return;
    // Opaque, and drawn after the arrows (which keep out of it): over the dense spawn and DOWN
    // strokes of an expanded group it must still read.
    painter->setRenderHint(QPainter::Antialiasing, true);
    QColor box = canvasColors().background;
    box.setAlpha(255);
    painter->setPen(QPen(canvasColors().dim_text, 1));
    painter->setBrush(box);
    painter->drawRoundedRect(note_rect_, 3, 3);
    painter->setFont(uiFont(11, true));
    painter->setPen(canvasColors().text);
    painter->drawText(note_rect_, Qt::AlignCenter, note_text_);
    painter->setBrush(Qt::NoBrush);
}

void LanePlottable::drawSpans(QCPPainter* painter, int lane, double y_top, double height) {
    QCPAxis* axis = keyAxis();
    const QCPRange window = axis->range();
    const LaneBands bands = bandsFor(y_top, height);
    const double span_height = bands.span_bottom - bands.span_top;
    const std::span<const StateSpan> spans = data_->spansOf(lane);
    const auto begin = spans.begin();
    const auto end = spans.end();
    // Spans of a lane do not overlap, so ends are sorted as well as begins.
    auto it = std::upper_bound(begin, end, window.lower, [](double t, const StateSpan& span) {
        return t < static_cast<double>(span.end_us);
    });
    const QFont count_font = uiFont(std::clamp(span_height * 0.7, 8.0, 11.0));
    while (it != end && static_cast<double>(it->begin_us) < window.upper) {
        const double x0 = axis->coordToPixel(static_cast<double>(it->begin_us));
        const double x1 = axis->coordToPixel(static_cast<double>(it->end_us));
        if (x1 - x0 >= kFoldPx) {
            painter->fillRect(QRectF(x0, bands.span_top, x1 - x0, span_height),
                              stateColor(it->state));
            ++stats_.spans_drawn;
            ++it;
            continue;
        }
        // A run of sub-pixel spans: jump a fold's width at a time by binary search, so the cost
        // depends on the pixels covered, not on how many spans hide in them.
        auto run_end = it + 1;
        double run_right = std::max(x0 + 1.0, x1);
        while (run_end != end && static_cast<double>(run_end->begin_us) < window.upper) {
            const double nx0 = axis->coordToPixel(static_cast<double>(run_end->begin_us));
            const double nx1 = axis->coordToPixel(static_cast<double>(run_end->end_us));
            // Stop at a gap or at a span wide enough to be drawn on its own.
            if (nx0 - run_right > 1.0 || nx1 - nx0 >= kFoldPx) break;
            // Every span that begins within the next fold width is narrower than it, except
            // possibly the last one: jump there with one binary search.
            const double horizon = axis->pixelToCoord(nx0 + kFoldPx);
            auto next =
                std::lower_bound(run_end + 1, end, horizon, [](const StateSpan& span, double t) {
                    return static_cast<double>(span.begin_us) < t;
                });
            const StateSpan& last = *(next - 1);
            const double lx0 = axis->coordToPixel(static_cast<double>(last.begin_us));
            const double lx1 = axis->coordToPixel(static_cast<double>(last.end_us));
            if (lx1 - lx0 >= kFoldPx && next - 1 != run_end) {
                run_right = axis->coordToPixel(static_cast<double>((next - 2)->end_us));
                run_end = next - 1;
                break;
            }
            if (lx1 - lx0 >= kFoldPx) break;
            run_right = lx1;
            run_end = next;
        }
        const auto count = run_end - it;
        const StateSpan& sample = *(it + count / 2);
        const double width = std::max(1.0, run_right - x0);
        const QRectF rect(x0, bands.span_top, width, span_height);
        painter->fillRect(rect, stateColor(sample.state));
        if (count > 1) {
            // Hatching says "several spans folded here"; the count says how many.
            painter->fillRect(
                rect, QBrush(ink(QColor(0, 0, 0, 70), QColor(0, 0, 0, 110)), Qt::BDiagPattern));
            const QString text = QStringLiteral("\u00d7%1").arg(count);
            painter->setFont(count_font);
            const double text_width = QFontMetricsF(count_font).horizontalAdvance(text);
            if (text_width + 4 < width && span_height >= 9) {
                painter->setPen(canvasColors().text);
                painter->drawText(rect, Qt::AlignCenter, text);
            }
        }
        ++stats_.folded_marks;
        it = run_end;
    }
}

void LanePlottable::drawWaits(QCPPainter* painter, int lane, double y_top, double height) {
    QCPAxis* axis = keyAxis();
    const QCPRange window = axis->range();
    const LaneBands bands = bandsFor(y_top, height);
    const auto trace_end = static_cast<int64_t>(data_->range.end_us);
    const std::span<const WaitWindow> waits = data_->waitsOf(lane);
    const auto begin = waits.begin();
    const auto end = waits.end();
    if (begin == end) return;
    const double earliest =
        window.lower - static_cast<double>(data_->lanes[size_t(lane)].longest_wait_reach_us);
    auto it = std::lower_bound(begin, end, earliest, [](const WaitWindow& wait, double t) {
        return static_cast<double>(wait.begin_us) < t;
    });
    const double mark_size = std::clamp(height * 0.42, 7.0, 14.0);
    double last_mark_x = -1e9;
    painter->setRenderHint(QPainter::Antialiasing, false);
    // One window per 3 px cell of start positions (a main process making 100k calls has 100k
    // windows on one lane): the cell's windows are sampled, and the one reaching farthest (a
    // timed-out one first) stands for them. Windows starting left of the view share one cell.
    // Cost: O(cells × (log n + samples)), not O(windows).
    constexpr long kSamplesPerCell = 16;
    const double clip_left = clipRect().left();
    while (it != end && static_cast<double>(it->begin_us) < window.upper) {
        const double cell_left = std::max(clip_left - 1, axis->coordToPixel(double(it->begin_us)));
        const double horizon = axis->pixelToCoord(cell_left + kFoldPx);
        const auto cell_end = std::lower_bound(
            it + 1, end, horizon,
            [](const WaitWindow& w, double t) { return static_cast<double>(w.begin_us) < t; });
        const long inside = cell_end - it;
        const long stride = std::max(1L, inside / kSamplesPerCell);
        auto chosen = end;
        for (long k = 0; k < inside; k += stride) {
            const auto candidate = it + k;
            if (static_cast<double>(candidate->reachUs(trace_end)) < window.lower) continue;
            const bool timed_out =
                candidate->ended() && candidate->outcome == trace::WaitOutcome::Timeout;
            const bool chosen_timed_out =
                chosen != end && chosen->ended() && chosen->outcome == trace::WaitOutcome::Timeout;
            if (chosen == end || (timed_out && !chosen_timed_out) ||
                (timed_out == chosen_timed_out &&
                 candidate->reachUs(trace_end) > chosen->reachUs(trace_end)))
                chosen = candidate;
        }
        it = cell_end;
        if (chosen == end) continue;
        const WaitWindow& wait = *chosen;
        const double xb = axis->coordToPixel(static_cast<double>(wait.begin_us));
        const bool infinite = wait.deadline_us < 0;
        const double xd = axis->coordToPixel(
            static_cast<double>(infinite ? wait.reachUs(trace_end) : wait.deadline_us));
        const double xe =
            axis->coordToPixel(static_cast<double>(wait.ended() ? wait.end_us : trace_end));
        if (xd - xb < kFoldPx && std::abs(xe - last_mark_x) < kFoldPx) continue;  // folded
        ++stats_.waits_drawn;
        const QColor outcome = wait.ended() ? outcomeColor(wait.outcome) : canvasColors().dim_text;
        const double y = bands.bracket_y;
        // The part of the window actually spent waiting: solid.
        painter->setPen(QPen(ink(QColor(60, 60, 60), canvasColors().text), 1.5));
        painter->drawLine(QPointF(xb, y), QPointF(std::min(xe, xd), y));
        painter->drawLine(QPointF(xb, y), QPointF(xb, bands.span_top));
        if (!infinite) {
            // The unused rest of the budget up to the deadline: dashed, so the deadline is
            // visible even when the reply came early.
            if (xd > xe) {
                painter->setPen(
                    QPen(ink(QColor(120, 120, 120), canvasColors().dim_text), 1, Qt::DashLine));
                painter->drawLine(QPointF(xe, y), QPointF(xd, y));
            }
            const bool timed_out = wait.ended() && wait.outcome == trace::WaitOutcome::Timeout;
            painter->setPen(QPen(timed_out ? outcome : ink(QColor(60, 60, 60), canvasColors().text),
                                 timed_out ? 2.0 : 1.5));
            painter->drawLine(QPointF(xd, y_top + height * 0.06), QPointF(xd, bands.span_bottom));
        }
        if (wait.ended()) {
            drawOutcomeMark(*painter, QPointF(xe, y), mark_size, wait.outcome);
            last_mark_x = xe;
        }
        // Name the window when there is room: "Task.await 5 s".
        if (height >= 36 && xd - xb > 40) {
            const QFont font = uiFont(std::clamp(height * 0.26, 9.0, 12.0));
            painter->setFont(font);
            painter->setPen(ink(QColor(70, 70, 70), canvasColors().text));
            QString text = waitKindName(wait.kind);
            if (!infinite)
                text += QStringLiteral("  ") +
                        QString::fromStdString(
                            formatDuration(static_cast<double>(wait.deadline_us - wait.begin_us)));
            else
                text += QStringLiteral("  \u221e");
            // Up to the next window, so consecutive yields do not write over each other.
            double label_right = xd;
            if (it != end)
                label_right =
                    std::min(label_right, axis->coordToPixel(static_cast<double>(it->begin_us)));
            const QFontMetricsF metrics(font);
            painter->drawText(
                QRectF(xb + 4, y_top, std::max(0.0, label_right - xb - 8), y - y_top - 1),
                Qt::AlignLeft | Qt::AlignBottom,
                metrics.elidedText(text, Qt::ElideRight, std::max(0.0, label_right - xb - 8)));
        }
    }
}

void LanePlottable::drawExit(QCPPainter* painter, int lane, double y_top, double height) {
    const Lane& info = data_->lanes[lane];
    if (info.exit_us < 0) return;
    QCPAxis* axis = keyAxis();
    const QCPRange window = axis->range();
    const LaneBands bands = bandsFor(y_top, height);
    const double x = axis->coordToPixel(static_cast<double>(info.exit_us));
    if (x < clipRect().left() - 20 || x > clipRect().right() + 20) return;
    const double y = (bands.span_top + bands.span_bottom) / 2;
    const double size = std::clamp(height * 0.55, 8.0, 16.0);
    drawExitMark(*painter, QPointF(x, y), size, info.exit_class);
    // The reason, right of the mark (the lane is empty after its process died); near the right
    // edge, above the spans and ending at the mark instead.
    if (!info.exit_reason.empty() && static_cast<double>(info.exit_us) < window.upper) {
        const QFont font = uiFont(labelFontPx(height) * 0.9);
        painter->setFont(font);
        painter->setPen(exitColor(info.exit_class));
        QFontMetricsF metrics(font);
        const QString reason = QString::fromStdString(info.exit_reason);
        const double right = clipRect().right();
        const double room_right = right - x - size;
        const double wanted = std::min(metrics.horizontalAdvance(reason), 420.0);
        // Above the spans only if no wait window's name is written there.
        const double t_left = axis->pixelToCoord(x - wanted - size);
        bool top_zone_free = true;
        const auto trace_end = static_cast<int64_t>(data_->range.end_us);
        for (const WaitWindow& wait : data_->waitsOf(lane)) {
            if (wait.begin_us <= info.exit_us &&
                static_cast<double>(wait.reachUs(trace_end)) >= t_left)
                top_zone_free = false;
        }
        if (room_right >= wanted || height < 36 || !top_zone_free) {
            painter->drawText(QRectF(x + size * 0.7, y_top, std::max(0.0, room_right), height),
                              Qt::AlignVCenter,
                              metrics.elidedText(reason, Qt::ElideRight, room_right));
        } else {
            painter->drawText(
                QRectF(x - wanted - size * 0.5, y_top, wanted, bands.bracket_y - y_top - 1),
                Qt::AlignRight | Qt::AlignBottom,
                metrics.elidedText(reason, Qt::ElideRight, wanted));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// FlowArrowPlottable

FlowArrowPlottable::FlowArrowPlottable(QCPAxis* time_axis, QCPAxis* lane_axis, LanePlottable* lanes)
    : QCPAbstractPlottable(time_axis, lane_axis), lanes_(lanes) {}

QCPRange FlowArrowPlottable::getKeyRange(bool& found, QCP::SignDomain) const {
    found = data_ != nullptr;
    return data_ ? QCPRange(data_->range.begin_us, data_->range.end_us) : QCPRange();
}

QCPRange FlowArrowPlottable::getValueRange(bool& found, QCP::SignDomain, const QCPRange&) const {
    found = data_ && !data_->lanes.empty();
    return found ? QCPRange(-0.5, data_->laneCount() - 0.5) : QCPRange();
}

void FlowArrowPlottable::draw(QCPPainter* painter) {
    const ScopedCanvasScheme scheme(schemeOf(parentPlot()));
    badge_rects_.clear();
    if (data_ && !data_->arrows.empty()) {
        // The "+N more lanes" note is a place apart: no stroke, badge or label is drawn inside
        // it, and it goes on top (LanePlottable placed it; it is opaque).
        painter->save();
        const QRectF note = lanes_->moreLanesNoteRect();
        if (!note.isEmpty())
            painter->setClipRegion(
                QRegion(clipRect())
                    .subtracted(QRegion(note.adjusted(-2, -2, 2, 2).toAlignedRect())));
        drawArrows(painter);
        painter->restore();
    }
    lanes_->drawMoreLanesNote(painter);
}

void FlowArrowPlottable::drawArrows(QCPPainter* painter) {
    QCPAxis* time_axis = keyAxis();
    QCPAxis* lane_axis = valueAxis();
    const QCPRange window = time_axis->range();
    const QCPRange lanes = lane_axis->range();
    auto& stats = lanes_->stats();
    // Several arrows between the same rows within a few pixels fold into one with a count, so
    // dense traffic stays readable and no arrow silently disappears.
    // A bin is a pair of rows (ends out of view clamped to the edge) and a kind; it holds one
    // cell per 3 px column. The first arrow in a cell is drawn, the others fold into it.
    struct Folded {
        std::vector<uint8_t> cells;
        QPointF mid;  ///< of the last arrow drawn, where its ×N badge goes
        int count = 0;
        QColor color;
    };
    std::unordered_map<uint64_t, Folded> last_by_pair;
    std::vector<std::pair<const FlowArrow*, std::pair<QPointF, QPointF>>> labelled;
    painter->setRenderHint(QPainter::Antialiasing, true);
    const double lane_px = std::abs(lane_axis->coordToPixel(1) - lane_axis->coordToPixel(0));
    const double head = std::clamp(lane_px * 0.3, 5.0, 8.0);
    const int first_row = static_cast<int>(std::floor(lanes.lower + 0.5));
    const int last_row = static_cast<int>(std::ceil(lanes.upper - 0.5));
    const double left_px = time_axis->coordToPixel(window.lower);
    const int cell_count =
        static_cast<int>(std::abs(time_axis->coordToPixel(window.upper) - left_px) / kFoldPx) + 2;
    auto cell_of = [&](double x) {
        return std::clamp(static_cast<int>((x - left_px) / kFoldPx), 0, cell_count - 1);
    };
    auto start_of = [](const FlowArrow& a) {
        return static_cast<double>(std::min(a.from_us, a.to_us));
    };
    for (const ArrowRun& run : data_->arrowRuns()) {
        if (run.kind == ArrowKind::Spawn && !show_spawns_) continue;
        const double lo = std::min(run.from_lane, run.to_lane);
        const double hi = std::max(run.from_lane, run.to_lane);
        if (hi < lanes.lower || lo > lanes.upper) continue;
        // An end on a lane out of view is drawn at the edge, and all arrows leaving (or reaching)
        // a visible lane towards the same edge share one bin per 3 px column: thousands of spawn
        // or DOWN arrows to lanes below the view cost as many strokes as there are columns.
        const int clamped_from = std::clamp(run.from_lane, first_row - 1, last_row + 1);
        const int clamped_to = std::clamp(run.to_lane, first_row - 1, last_row + 1);
        // Arrows start and end at the span band's middle of their lanes.
        const double from_y = lane_axis->coordToPixel(clamped_from) + lane_px * 0.16;
        const double to_y = lane_axis->coordToPixel(clamped_to) + lane_px * 0.16;
        // Traffic to and from a folded group (one arrow per 3 px column across the whole run)
        // is drawn faint, so the group's concurrency and crash marks show through it.
        auto is_group = [&](int lane) {
            return lane >= 0 && lane < data_->laneCount() &&
                   data_->lanes[static_cast<size_t>(lane)].group >= 0;
        };
        const bool faint = is_group(run.from_lane) || is_group(run.to_lane);
        const uint64_t pair = (uint64_t(uint32_t(clamped_from + 1)) << 32) ^
                              uint32_t(clamped_to + 1) ^ (uint64_t(run.kind) << 60);
        const auto begin = run.arrows.begin();
        const auto end = run.arrows.end();
        // The next arrow of the run still in view at the window's left edge, from position k:
        // a search in the run's running latest end, which does not go down.
        auto next_in_view = [&](size_t k) {
            return begin +
                   (std::partition_point(
                        run.reach_us.begin() + std::ptrdiff_t(k), run.reach_us.end(),
                        [&](int64_t reach) { return static_cast<double>(reach) < window.lower; }) -
                    run.reach_us.begin());
        };
        auto it = next_in_view(0);
        while (it != end) {
            const FlowArrow& arrow = data_->arrows[*it];
            if (start_of(arrow) > window.upper) break;
            if (static_cast<double>(arrow.endUs()) < window.lower) {
                it = next_in_view(size_t(it - begin) + 1);
                continue;
            }
            const QPointF from(time_axis->coordToPixel(static_cast<double>(arrow.from_us)), from_y);
            const QPointF to(time_axis->coordToPixel(static_cast<double>(arrow.to_us)), to_y);
            Folded& bin = last_by_pair[pair];
            if (bin.cells.empty()) bin.cells.assign(static_cast<size_t>(cell_count), 0);
            const int cell = cell_of(from.x());
            if (bin.cells[static_cast<size_t>(cell)] != 0) {
                // Everything of this run that starts within this cell folds into it: one binary
                // search instead of a step per arrow.
                const double horizon = time_axis->pixelToCoord(left_px + (cell + 1) * kFoldPx);
                auto next = gallopPartitionPoint(
                    it + 1, end, [&](uint32_t i) { return start_of(data_->arrows[i]) < horizon; });
                const int folded = static_cast<int>(next - it);
                bin.count += folded;
                stats.arrows_folded += folded;
                it = next;
                continue;
            }
            bin.cells[static_cast<size_t>(cell)] = 1;
            bin.mid = (from + to) / 2;
            bin.count = 1;
            bin.color = arrowColor(arrow.kind);
            QColor color = arrowColor(arrow.kind);
            if (faint) color.setAlpha(60);
            QPen pen(color, arrow.kind == ArrowKind::Spawn || faint ? 1.0 : 1.4,
                     arrowPenStyle(arrow.kind));
            painter->setPen(pen);
            drawArrow(*painter, from, to, head);
            ++stats.arrows_drawn;
            // DOWN and exit-signal reasons are already written next to the exit mark.
            if (!arrow.label.empty() &&
                (arrow.kind == ArrowKind::Message || arrow.kind == ArrowKind::Reply))
                labelled.push_back({&arrow, {from, to}});
            ++it;
        }
    }
    // The ×N badges: opaque, inside the plot, never over each other or the "+N more lanes"
    // note. The largest counts are placed first; a badge with no free place near its arrow is
    // left out (its arrows are drawn, and hovering says what they are).
    std::vector<QRectF> taken;
    if (const QRectF note = lanes_->moreLanesNoteRect(); !note.isEmpty())
        taken.push_back(note.adjusted(-2, -2, 2, 2));
    std::vector<const Folded*> badges;
    for (const auto& entry : last_by_pair)
        if (entry.second.count > 1) badges.push_back(&entry.second);
    std::sort(badges.begin(), badges.end(), [](const Folded* a, const Folded* b) {
        return a->count != b->count ? a->count > b->count : a->mid.x() < b->mid.x();
    });
    const QFont badge_font = uiFont(10, true);
    const QFontMetricsF badge_metrics(badge_font);
    const QRectF inside = QRectF(clipRect()).adjusted(1, 1, -1, -1);
    QColor badge_fill = canvasColors().background;
    badge_fill.setAlpha(255);
    painter->setFont(badge_font);
    for (const Folded* folded : badges) {
        const QString text = QStringLiteral("\u00d7%1").arg(folded->count);
        QRectF box = badge_metrics.boundingRect(text).adjusted(-3, -1, 3, 1);
        if (box.width() > inside.width() || box.height() > inside.height()) continue;
        box.moveCenter(folded->mid);
        // Kept inside the plot: a badge at the edge was cut in half.
        box.moveLeft(std::clamp(box.left(), inside.left(), inside.right() - box.width()));
        box.moveTop(std::clamp(box.top(), inside.top(), inside.bottom() - box.height()));
        const double step = box.height() + 2;
        bool placed = false;
        for (const double dy : {0.0, -step, step, -2 * step, 2 * step}) {
            const QRectF candidate = box.translated(0, dy);
            if (candidate.top() < inside.top() || candidate.bottom() > inside.bottom()) continue;
            if (std::any_of(taken.begin(), taken.end(),
                            [&](const QRectF& other) { return other.intersects(candidate); }))
                continue;
            box = candidate;
            placed = true;
            break;
        }
        if (!placed) {
            ++stats.badges_left_out;
            continue;
        }
        taken.push_back(box);
        badge_rects_.push_back(box);
        painter->setPen(folded->color);
        painter->setBrush(badge_fill);
        painter->drawRoundedRect(box, 3, 3);
        painter->drawText(box, Qt::AlignCenter, text);
        ++stats.badges_drawn;
    }
    painter->setBrush(Qt::NoBrush);
    // Message labels only while they can be read: few arrows, long enough to carry text.
    if (labelled.size() <= 40) {
        const QFont font = uiFont(std::clamp(lane_px * 0.32, 9.0, 11.0));
        painter->setFont(font);
        QFontMetricsF metrics(font);
        for (const auto& [arrow, ends] : labelled) {
            const QLineF line(ends.first, ends.second);
            if (line.length() < 40) continue;
            const QString text =
                metrics.elidedText(QString::fromStdString(arrow->label), Qt::ElideRight, 220);
            QRectF box = metrics.boundingRect(text).adjusted(-2, 0, 2, 0);
            // Next to the arrowhead, on the side away from the line: the label names what arrived.
            const double dy =
                ends.second.y() > ends.first.y() ? -box.height() / 2 - 2 : box.height() / 2 + 2;
            box.moveCenter(ends.second + QPointF(box.width() / 2 + 5, dy));
            const bool overlaps = std::any_of(taken.begin(), taken.end(), [&](const QRectF& other) {
                return other.intersects(box);
            });
            if (overlaps) continue;
            taken.push_back(box);
            painter->setPen(Qt::NoPen);
            painter->setBrush(ink(QColor(255, 255, 255, 215), canvasColors().label_background));
            painter->drawRect(box);
            painter->setPen(arrowColor(arrow->kind).darker(120));
            painter->drawText(box, Qt::AlignCenter, text);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// LaneLabelLayer

LaneLabelLayer::LaneLabelLayer(QCustomPlot* plot, QCPAxisRect* lane_rect)
    : QCPLayerable(plot, QStringLiteral("axes")), rect_(lane_rect) {}

void LaneLabelLayer::setTimelineData(std::shared_ptr<const TimelineData> data) {
    data_ = std::move(data);
    guide_masks_.assign(data_ ? data_->lanes.size() : 0, 0);
    if (!data_) return;
    // Bottom-up: a guide at depth k continues below lane i if a later lane sits at depth k before
    // any shallower lane closes the group.
    uint32_t pending = 0;
    for (int i = data_->laneCount() - 1; i >= 0; --i) {
        const int depth = std::min(data_->lanes[i].depth, 31);
        guide_masks_[i] = pending & ((depth >= 31 ? ~0u : (2u << depth) - 1));
        pending &= (depth >= 31 ? ~0u : (2u << depth) - 1);  // deeper guides end here
        pending |= 1u << depth;
    }
}

void LaneLabelLayer::applyDefaultAntialiasingHint(QCPPainter* painter) const {
    painter->setAntialiasing(true);
}

QRect LaneLabelLayer::clipRect() const {
    const QRect r = rect_->rect();
    return QRect(0, r.top(), r.left(), r.height());
}

int LaneLabelLayer::laneAt(QPointF pos) const {
    if (!data_ || !clipRect().contains(pos.toPoint())) return -1;
    const int lane =
        static_cast<int>(std::lround(rect_->axis(QCPAxis::atLeft)->pixelToCoord(pos.y())));
    return lane >= 0 && lane < data_->laneCount() ? lane : -1;
}

void LaneLabelLayer::draw(QCPPainter* painter) {
    const ScopedCanvasScheme scheme(schemeOf(parentPlot()));
    if (!data_) return;
    QCPAxis* lane_axis = rect_->axis(QCPAxis::atLeft);
    const QCPRange range = lane_axis->range();
    const int first = std::max(0, static_cast<int>(std::floor(range.lower + 0.5)));
    const int last =
        std::min(data_->laneCount() - 1, static_cast<int>(std::ceil(range.upper - 0.5)));
    const QRect column = clipRect();
    const double indent = 14;
    const double left = column.left() + 6;
    const double right = column.right() - 6;
    for (int lane = first; lane <= last; ++lane) {
        const Lane& info = data_->lanes[lane];
        const double y_top = lane_axis->coordToPixel(lane - 0.5);
        const double height = lane_axis->coordToPixel(lane + 0.5) - y_top;
        if (lane == selected_lane_)
            painter->fillRect(QRectF(column.left(), y_top, column.width(), height),
                              canvasColors().highlight_band);
        else if (lane % 2 == 1)
            painter->fillRect(QRectF(column.left(), y_top, column.width(), height),
                              canvasColors().zebra);
        // Tree guides: one vertical line per open ancestor level, an elbow into this lane.
        painter->setPen(QPen(ink(QColor(185, 185, 185), canvasColors().dim_text.darker(140)), 1));
        const int depth = std::min(info.depth, 31);
        const double mid = y_top + height / 2;
        for (int k = 1; k <= depth; ++k) {
            const double gx = left + (k - 1) * indent + indent / 2;
            const bool continues = (guide_masks_[lane] >> k) & 1u;
            if (k == depth) {
                painter->drawLine(QPointF(gx, y_top),
                                  QPointF(gx, continues ? y_top + height : mid));
                painter->drawLine(QPointF(gx, mid), QPointF(gx + indent / 2, mid));
            } else if (continues) {
                painter->drawLine(QPointF(gx, y_top), QPointF(gx, y_top + height));
            }
        }
        const double text_left = left + depth * indent;
        const double font_px = labelFontPx(height);
        const bool is_group = info.group >= 0;
        const QString pid =
            is_group ? QString() : QString::fromStdString(formatPid(info.process.pid));
        const bool dead = info.exit_us >= 0;
        const QFont title_font =
            uiFont(font_px, is_group || info.process.role == ProcessRole::Supervisor);
        QFontMetricsF title_metrics(title_font);
        QString title = QString::fromStdString(info.process.title());
        if (info.restarts > 0) title += QStringLiteral("  \u21bb%1").arg(info.restarts);
        QString second_line = pid + (dead ? QStringLiteral("  \u2020") : QString());
        if (is_group) {
            // A folded group: what it is and how it ended, with a disclosure triangle. Tall
            // lanes put the counts on the second line, so neither part is elided away.
            const LaneGroup& group = data_->groups[static_cast<size_t>(info.group)];
            const QString arrow =
                group.expanded ? QStringLiteral("\u25be ") : QStringLiteral("\u25b8 ");
            const QString label = QString::fromStdString(group.label());
            const qsizetype dash = label.indexOf(QStringLiteral(" \u2014 "));
            if (height >= 34 && dash > 0) {
                title = arrow + label.left(dash);
                second_line = label.mid(dash + 3);
            } else {
                title = arrow + label;
            }
        }
        // Dead processes keep their colour: in a whole-run picture most lanes end in an exit,
        // which the lane's exit mark and the dagger after the pid already say.
        const QColor title_color = roleColor(info.process.role);
        if (height >= 34) {
            // Tall lanes: the name on one line, the pid under it, both with the full width. A
            // group's title keeps its head ("100,000 × Task fn in Wor…"): cut in the middle, it
            // lost the "× Task fn" that says what the lane is.
            const double room = right - text_left;
            const double line = height * 0.42;
            painter->setFont(title_font);
            painter->setPen(title_color);
            painter->drawText(
                QRectF(text_left, mid - line, room, line), Qt::AlignBottom | Qt::AlignLeft,
                title_metrics.elidedText(title, is_group ? Qt::ElideRight : Qt::ElideMiddle, room));
            painter->setFont(is_group ? uiFont(font_px * 0.85) : monoFont(font_px * 0.85));
            painter->setPen(canvasColors().dim_text);
            painter->drawText(QRectF(text_left, mid + 1, room, line), Qt::AlignTop | Qt::AlignLeft,
                              second_line);
            continue;
        }
        const QFont pid_font = monoFont(font_px * 0.85);
        const double pid_width = pid.isEmpty() ? 0 : QFontMetricsF(pid_font).horizontalAdvance(pid);
        const double title_room = right - pid_width - 8 - text_left;
        painter->setFont(title_font);
        painter->setPen(title_color);
        painter->drawText(
            QRectF(text_left, y_top, std::max(0.0, title_room), height),
            Qt::AlignVCenter | Qt::AlignLeft,
            title_metrics.elidedText(title, is_group ? Qt::ElideRight : Qt::ElideMiddle,
                                     std::max(0.0, title_room)));
        painter->setFont(pid_font);
        painter->setPen(canvasColors().dim_text);
        painter->drawText(QRectF(right - pid_width, y_top, pid_width, height),
                          Qt::AlignVCenter | Qt::AlignRight, pid);
    }
}

// ---------------------------------------------------------------------------------------------
// Legend swatches

namespace {

enum class SwatchKind { State, Window, Outcome, Arrow, Exit };

/// One legend entry: the same mark the chart draws, and its meaning.
class SwatchLegendItem : public QCPAbstractLegendItem {
  public:
    SwatchLegendItem(QCPLegend* legend, SwatchKind kind, int which, QString text)
        : QCPAbstractLegendItem(legend), kind_(kind), which_(which), text_(std::move(text)) {}

  protected:
    void draw(QCPPainter* painter) override {
        const ScopedCanvasScheme scheme(schemeOf(mParentPlot));
        const QRectF r = mRect;
        const QRectF icon(r.left(), r.top() + (r.height() - 12) / 2, 22, 12);
        painter->setRenderHint(QPainter::Antialiasing, true);
        switch (kind_) {
            case SwatchKind::State:
                painter->fillRect(icon, stateColor(static_cast<SpanState>(which_)));
                break;
            case SwatchKind::Window: {
                painter->setPen(QPen(ink(QColor(60, 60, 60), canvasColors().text), 1.5));
                const double y = icon.top() + 3;
                painter->drawLine(QPointF(icon.left() + 1, y), QPointF(icon.center().x(), y));
                painter->drawLine(QPointF(icon.left() + 1, y),
                                  QPointF(icon.left() + 1, icon.bottom()));
                painter->setPen(
                    QPen(ink(QColor(120, 120, 120), canvasColors().dim_text), 1, Qt::DashLine));
                painter->drawLine(QPointF(icon.center().x(), y), QPointF(icon.right() - 1, y));
                painter->setPen(QPen(ink(QColor(60, 60, 60), canvasColors().text), 1.5));
                painter->drawLine(QPointF(icon.right() - 1, icon.top()),
                                  QPointF(icon.right() - 1, icon.bottom()));
                break;
            }
            case SwatchKind::Outcome:
                drawOutcomeMark(*painter, icon.center(), 11,
                                static_cast<trace::WaitOutcome>(which_));
                break;
            case SwatchKind::Arrow: {
                const auto arrow = static_cast<ArrowKind>(which_);
                painter->setPen(QPen(arrowColor(arrow), 1.4, arrowPenStyle(arrow)));
                drawArrow(*painter, QPointF(icon.left(), icon.center().y()),
                          QPointF(icon.right(), icon.center().y()), 6);
                break;
            }
            case SwatchKind::Exit:
                drawExitMark(*painter, icon.center(), 12,
                             static_cast<trace::ExitReasonClass>(which_));
                break;
        }
        painter->setFont(mFont);
        painter->setPen(canvasColors().text);
        painter->drawText(
            QRectF(icon.right() + 5, r.top(), r.width() - icon.width() - 5, r.height()),
            Qt::AlignVCenter | Qt::AlignLeft, text_);
    }
    QSize minimumOuterSizeHint() const override {
        QFontMetrics metrics(mFont);
        return QSize(22 + 5 + metrics.horizontalAdvance(text_) + 10,
                     std::max(14, metrics.height())) +
               QSize(mMargins.left() + mMargins.right(), mMargins.top() + mMargins.bottom());
    }

  private:
    SwatchKind kind_;
    int which_;
    QString text_;
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// TimelinePlot

TimelinePlot::~TimelinePlot() = default;

TimelinePlot::TimelinePlot(QWidget* parent)
    : QCustomPlot(parent), fold_(std::make_unique<LiveFold>()) {
    setFocusPolicy(Qt::StrongFocus);
    // Hover tooltips: a mouse move costs a few binary searches (tooltipAt).
    setMouseTracking(true);
    setNoAntialiasingOnDrag(true);
    setPlottingHint(QCP::phCacheLabels, true);
    legend->setVisible(false);

    lane_rect_ = axisRect();
    title_ = new QCPTextElement(this, QString(), uiFont(15, true));
    plotLayout()->insertRow(0);
    plotLayout()->addElement(0, 0, title_);

    load_rect_ = new QCPAxisRect(this);
    plotLayout()->addElement(2, 0, load_rect_);
    legend_ = new QCPLegend;
    plotLayout()->addElement(3, 0, legend_);
    legend_->setLayer(QStringLiteral("legend"));
    legend_->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend_->setWrap(8);
    legend_->setBorderPen(Qt::NoPen);
    legend_->setIconSize(22, 12);
    plotLayout()->setRowStretchFactor(0, 0.01);
    plotLayout()->setRowStretchFactor(1, 1);
    plotLayout()->setRowStretchFactor(2, 0.28);
    plotLayout()->setRowStretchFactor(3, 0.01);
    plotLayout()->setRowSpacing(4);

    // Lanes: time on the top axis, lane index on a reversed left axis without ticks.
    xAxis->setVisible(false);
    xAxis2->setVisible(true);
    xAxis2->setTicker(QSharedPointer<QCPAxisTicker>(new TimeAxisTicker(xAxis2)));
    xAxis2->grid()->setVisible(true);
    xAxis2->grid()->setPen(QPen(QColor(220, 220, 220), 1, Qt::DotLine));
    yAxis->setRangeReversed(true);
    yAxis->setTicks(false);
    yAxis->setTickLabels(false);
    yAxis->grid()->setVisible(false);
    lane_rect_->setAutoMargins(QCP::msTop | QCP::msBottom | QCP::msRight);
    lane_rect_->setMinimumMargins(QMargins(0, 0, 12, 0));

    QCPAxis* load_time = load_rect_->axis(QCPAxis::atBottom);
    QCPAxis* load_count = load_rect_->axis(QCPAxis::atLeft);
    load_time->setTicker(QSharedPointer<QCPAxisTicker>(new TimeAxisTicker(load_time)));
    load_time->setLabel(QStringLiteral("virtual time"));
    load_count->setLabel(QString());
    load_count->grid()->setPen(QPen(QColor(225, 225, 225), 1, Qt::DotLine));
    load_rect_->setAutoMargins(QCP::msTop | QCP::msBottom | QCP::msRight);
    load_rect_->setMinimumMargins(QMargins(0, 0, 12, 0));
    // The load chart stays readable however many lanes compete for the height.
    load_rect_->setMinimumSize(0, 110);
    for (auto* rect : {lane_rect_, load_rect_})
        for (auto* axis : rect->axes()) axis->setLayer(QStringLiteral("axes"));

    lanes_ = new LanePlottable(xAxis2, yAxis);
    arrows_ = new FlowArrowPlottable(xAxis2, yAxis, lanes_);
    labels_ = new LaneLabelLayer(this, lane_rect_);

    // Step series drawn per pixel column (step_series_plottable.h): a frame does not walk the
    // ~200k steps of a 2M-event trace.
    busy_graph_ = new StepSeriesPlottable(load_time, load_count);
    busy_graph_->setName(QStringLiteral("busy schedulers"));
    busy_graph_->setPen(QPen(stateColor(SpanState::Running), 1));
    busy_graph_->setBrush(QColor(46, 160, 67, 60));
    alive_graph_ = new StepSeriesPlottable(load_time, load_count);
    alive_graph_->setName(QStringLiteral("processes alive"));
    alive_graph_->setPen(QPen(QColor(31, 79, 140), 2));
    tasks_graph_ = new StepSeriesPlottable(load_time, load_count);
    tasks_graph_->setName(QStringLiteral("tasks in flight"));
    tasks_graph_->setPen(QPen(stateColor(SpanState::Awaiting).darker(115), 2));
    load_legend_ = new QCPLegend;
    load_rect_->insetLayout()->addElement(load_legend_, Qt::AlignTop | Qt::AlignLeft);
    load_legend_->setLayer(QStringLiteral("legend"));
    load_legend_->setBrush(QColor(255, 255, 255, 220));
    load_legend_->setBorderPen(QPen(QColor(200, 200, 200)));
    load_legend_->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    load_legend_->setWrap(3);
    for (auto* graph : {alive_graph_, tasks_graph_, busy_graph_}) {
        graph->removeFromLegend(legend);
        graph->addToLegend(load_legend_);
    }

    load_cursor_ = new QCPItemStraightLine(this);
    load_cursor_->setClipAxisRect(load_rect_);
    for (auto* position : {load_cursor_->point1, load_cursor_->point2})
        position->setAxes(load_time, load_count);
    load_cursor_->setPen(QPen(kCursorColor, 1.5));
    lane_selection_ = new QCPItemRect(this);
    load_selection_ = new QCPItemRect(this);
    lane_selection_->setClipAxisRect(lane_rect_);
    load_selection_->setClipAxisRect(load_rect_);
    for (auto* rect : {lane_selection_, load_selection_}) {
        rect->setPen(QPen(QColor(60, 120, 200, 160)));
        rect->setBrush(QColor(60, 120, 200, 40));
        rect->setVisible(false);
    }
    lane_selection_->topLeft->setAxes(xAxis2, yAxis);
    lane_selection_->bottomRight->setAxes(xAxis2, yAxis);
    load_selection_->topLeft->setAxes(load_time, load_count);
    load_selection_->bottomRight->setAxes(load_time, load_count);

    buildLegend();
    applyFontSizes(QSize(1600, 900));
    setViewState(new ViewState(this));
}

void TimelinePlot::buildLegend() {
    for (int s = 0; s < kSpanStateCount; ++s)
        legend_->addItem(new SwatchLegendItem(legend_, SwatchKind::State, s,
                                              stateName(static_cast<SpanState>(s))));
    legend_->addItem(new SwatchLegendItem(legend_, SwatchKind::Window, 0,
                                          QStringLiteral("wait window \u2192 deadline")));
    using trace::WaitOutcome;
    for (auto outcome :
         {WaitOutcome::Message, WaitOutcome::Timeout, WaitOutcome::Down, WaitOutcome::Killed})
        legend_->addItem(
            new SwatchLegendItem(legend_, SwatchKind::Outcome, int(outcome),
                                 QStringLiteral("wait ended: ") + outcomeName(outcome)));
    for (auto arrow : {ArrowKind::Spawn, ArrowKind::Message, ArrowKind::Reply, ArrowKind::Down,
                       ArrowKind::ExitSignal})
        legend_->addItem(
            new SwatchLegendItem(legend_, SwatchKind::Arrow, int(arrow), arrowName(arrow)));
    using trace::ExitReasonClass;
    for (auto reason : {ExitReasonClass::Normal, ExitReasonClass::Shutdown, ExitReasonClass::Killed,
                        ExitReasonClass::Crash})
        legend_->addItem(
            new SwatchLegendItem(legend_, SwatchKind::Exit, int(reason), exitClassName(reason)));
}

void TimelinePlot::applyFontSizes(QSize) {
    const QFont tick = uiFont(11);
    const QFont label = uiFont(12);
    for (auto* rect : {lane_rect_, load_rect_}) {
        for (auto* axis : rect->axes()) {
            axis->setTickLabelFont(tick);
            axis->setLabelFont(label);
        }
    }
    legend_->setFont(uiFont(11));
    for (int i = 0; i < legend_->elementCount(); ++i)
        if (auto* item = legend_->item(i)) item->setFont(uiFont(11));
    load_legend_->setFont(uiFont(11));
    for (int i = 0; i < load_legend_->elementCount(); ++i)
        if (auto* item = load_legend_->item(i)) item->setFont(uiFont(11));
}

void TimelinePlot::setCursorVisible(bool visible) {
    lanes_->setCursorVisible(visible);
    load_cursor_->setVisible(visible);
}

void TimelinePlot::setTitle(const QString& title) {
    title_->setText(title);
    title_->setVisible(!title.isEmpty());
}

void TimelinePlot::setTimelineData(std::shared_ptr<const TimelineData> data,
                                   int64_t settled_before_us) {
    full_data_ = std::move(data);
    settled_before_us_ = settled_before_us;
    expanded_groups_.clear();
    rebuildFolding();
    if (data_) state_->resetForTrace(data_->range);
    syncFromState();
}

void TimelinePlot::setFoldingEnabled(bool enabled) {
    if (enabled == folding_enabled_) return;
    folding_enabled_ = enabled;
    expanded_groups_.clear();
    rebuildFolding();
    syncFromState();
}

bool TimelinePlot::toggleGroup(int lane) {
    if (!data_ || lane < 0 || lane >= data_->laneCount() || data_->lanes[lane].group < 0)
        return false;
    // Groups are known by their first member, which stays theirs while a live run grows.
    const LaneGroup& group = data_->groups[static_cast<size_t>(data_->lanes[lane].group)];
    if (group.member_pids.empty()) return false;
    const Pid first = group.member_pids.front();
    if (!expanded_groups_.erase(first)) expanded_groups_.insert(first);
    const int keep_first = first_lane_;
    rebuildFolding();
    first_lane_ = keep_first;
    syncLaneRange();
    syncFromState();
    return true;
}

void TimelinePlot::rebuildFolding() {
    if (full_data_ && folding_enabled_) {
        const int64_t settled = std::min(settled_before_us_, full_data_->run_end_us);
        fold_->rebuild(*full_data_, expanded_groups_, settled);
    }
    data_ = full_data_ && folding_enabled_ && fold_->data() ? fold_->data() : full_data_;
    lanes_->setTimelineData(data_);
    arrows_->setTimelineData(data_);
    labels_->setTimelineData(data_);
    first_lane_ = 0;
    // Spawn arrows help a small trace and clutter a large one.
    arrows_->setShowSpawnArrows(full_data_ && full_data_->laneCount() <= 60);
    syncSeries();
    syncLaneRange();
}

void TimelinePlot::updateTimelineData(const TimelineDelta& delta) {
    if (!full_data_) return;
    settled_before_us_ = delta.settled_before_us;
    const bool in_place = !delta.relaid && (!folding_enabled_ || fold_->apply(*full_data_, delta));
    if (!in_place) {
        // Folded anew (a group formed, lanes moved): the user's expanded groups and scroll stay.
        const int keep_first = first_lane_;
        rebuildFolding();
        first_lane_ = keep_first;
        syncLaneRange();
        return;
    }
    const auto folded = folding_enabled_ && fold_->data() ? fold_->data() : full_data_;
    if (folded != data_) {
        data_ = folded;
        lanes_->setTimelineData(data_);
        arrows_->setTimelineData(data_);
    }
    if (data_->laneCount() != labels_->laidOutLanes()) labels_->setTimelineData(data_);
    arrows_->setShowSpawnArrows(full_data_->laneCount() <= 60);
    double top = 1;
    auto update = [&top](StepSeriesPlottable* graph, const std::vector<SeriesPoint>& series,
                         size_t first_changed) {
        graph->updateSeries(series, first_changed);
        top = std::max(top, graph->series()->maxValue());
    };
    update(alive_graph_, data_->processes_alive, delta.first_series_point[0]);
    update(tasks_graph_, data_->tasks_in_flight, delta.first_series_point[1]);
    update(busy_graph_, data_->busy_schedulers, delta.first_series_point[2]);
    load_rect_->axis(QCPAxis::atLeft)->setRange(0, top * 1.15 + 0.5);
    busy_graph_->setVisible(!data_->busy_schedulers.empty());
    syncLaneRange();
}

void TimelinePlot::setViewState(ViewState* state) {
    if (state_) disconnect(state_, nullptr, this, nullptr);
    state_ = state;
    connect(state_, &ViewState::visibleWindowChanged, this, &TimelinePlot::syncFromState);
    connect(state_, &ViewState::cursorChanged, this, &TimelinePlot::syncFromState);
    connect(state_, &ViewState::selectionChanged, this, &TimelinePlot::syncFromState);
    connect(state_, &ViewState::selectedPidChanged, this, &TimelinePlot::syncFromState);
    syncFromState();
}

void TimelinePlot::syncSeries() {
    if (!data_) return;
    double top = 1;
    auto fill = [&top](StepSeriesPlottable* graph, const std::vector<SeriesPoint>& series) {
        auto steps = std::make_shared<const StepSeries>(series);
        top = std::max(top, steps->maxValue());
        graph->setSeries(std::move(steps));
    };
    fill(alive_graph_, data_->processes_alive);
    fill(tasks_graph_, data_->tasks_in_flight);
    fill(busy_graph_, data_->busy_schedulers);
    load_rect_->axis(QCPAxis::atLeft)->setRange(0, top * 1.15 + 0.5);
    busy_graph_->setVisible(!data_->busy_schedulers.empty());
    if (data_->schedulers > 0)
        busy_graph_->setName(QStringLiteral("busy schedulers (of %1)").arg(data_->schedulers));
}

void TimelinePlot::syncFromState() {
    if (!state_) return;
    const TimeWindow window = state_->visibleWindow();
    xAxis2->setRange(window.begin_us, window.end_us);
    xAxis->setRange(window.begin_us, window.end_us);
    load_rect_->axis(QCPAxis::atBottom)->setRange(window.begin_us, window.end_us);
    lanes_->setCursorUs(state_->cursorUs());
    load_cursor_->point1->setCoords(state_->cursorUs(), 0);
    load_cursor_->point2->setCoords(state_->cursorUs(), 1);
    const int selected = data_ ? data_->laneOf(state_->selectedPid()) : -1;
    lanes_->setSelectedLane(selected);
    labels_->setSelectedLane(selected);
    const auto selection = state_->selection();
    lane_selection_->setVisible(selection.has_value());
    load_selection_->setVisible(selection.has_value());
    if (selection) {
        lane_selection_->topLeft->setCoords(selection->begin_us, -1e9);
        lane_selection_->bottomRight->setCoords(selection->end_us, 1e9);
        load_selection_->topLeft->setCoords(selection->begin_us, 1e9);
        load_selection_->bottomRight->setCoords(selection->end_us, -1e9);
    }
    replot(rpQueuedReplot);
}

void TimelinePlot::setFirstLane(int lane) {
    const int count = data_ ? data_->laneCount() : 0;
    first_lane_ = std::clamp(lane, 0, std::max(0, count - visibleLaneCount()));
    syncLaneRange();
    replot(rpQueuedReplot);
}

int TimelinePlot::visibleLaneCount() const {
    return std::max(1, static_cast<int>(lane_rect_->height() / lane_height_px_));
}

void TimelinePlot::syncLaneRange() {
    const int count = data_ ? std::max(1, data_->laneCount()) : 1;
    const double available = std::max(1, lane_rect_->height());
    // Fit every lane when they stay readable; otherwise show readable lanes and scroll.
    lane_height_px_ = std::clamp(available / count, kMinLaneHeightPx, kMaxLaneHeightPx);
    const double shown = available / lane_height_px_;
    first_lane_ = std::clamp(first_lane_, 0, std::max(0, count - static_cast<int>(shown)));
    yAxis->setRange(first_lane_ - 0.5, first_lane_ - 0.5 + shown);
}

void TimelinePlot::renderTo(QCPPainter& painter, QSize size) {
    // toPainter fills the background before it lays out, so the scheme goes first.
    const bool was_exporting = std::exchange(rendering_export_, true);
    const CanvasScheme on_screen = scheme_;
    applyCanvasScheme(CanvasScheme::Light);
    toPainter(&painter, size.width(), size.height());
    rendering_export_ = was_exporting;
    if (!rendering_export_ && on_screen != CanvasScheme::Light) applyCanvasScheme(on_screen);
}

void TimelinePlot::applyCanvasScheme(CanvasScheme scheme) {
    scheme_ = scheme;
    scheme_applied_ = true;
    const CanvasColors& colors = canvasColors(scheme);
    const bool dark = scheme == CanvasScheme::Dark;
    setBackground(QBrush(colors.background));
    for (auto* rect : {lane_rect_, load_rect_}) {
        rect->setBackground(QBrush(colors.background));
        for (auto* axis : rect->axes()) {
            axis->setBasePen(QPen(dark ? colors.dim_text : QColor(0, 0, 0), 0));
            axis->setTickPen(QPen(dark ? colors.dim_text : QColor(0, 0, 0), 0));
            axis->setSubTickPen(QPen(dark ? colors.dim_text : QColor(0, 0, 0), 0));
            axis->setTickLabelColor(colors.text);
            axis->setLabelColor(colors.text);
        }
    }
    xAxis2->grid()->setPen(QPen(dark ? colors.grid : QColor(220, 220, 220), 1, Qt::DotLine));
    load_rect_->axis(QCPAxis::atLeft)
        ->grid()
        ->setPen(QPen(dark ? colors.grid : QColor(225, 225, 225), 1, Qt::DotLine));
    title_->setTextColor(colors.text);
    for (auto* box : {legend_, load_legend_}) {
        box->setTextColor(colors.text);
        for (int i = 0; i < box->elementCount(); ++i)
            if (auto* item = box->item(i)) item->setTextColor(colors.text);
    }
    legend_->setBrush(QBrush(colors.background));
    load_legend_->setBrush(dark ? QColor(colors.background.red(), colors.background.green(),
                                         colors.background.blue(), 220)
                                : QColor(255, 255, 255, 220));
    load_legend_->setBorderPen(QPen(dark ? colors.grid : QColor(200, 200, 200)));
    // The alive line is dark blue on white; on the dark canvas it is lightened to stay visible.
    alive_graph_->setPen(QPen(dark ? QColor(110, 165, 235) : QColor(31, 79, 140), 2));
    load_cursor_->setPen(QPen(colors.cursor, 1.5));
}

void TimelinePlot::updateLayout() {
    // Each replot starts here: follow the palette (a theme switch repaints with the new one).
    const CanvasScheme wanted =
        rendering_export_ ? CanvasScheme::Light : canvasSchemeFor(palette());
    if (!scheme_applied_ || wanted != scheme_) applyCanvasScheme(wanted);
    // The label column takes about a fifth of the width, within readable limits.
    const int label_width = std::clamp(static_cast<int>(viewport().width() * 0.22), 160, 380);
    lane_rect_->setMargins(QMargins(label_width, 0, 0, 0));
    load_rect_->setMargins(QMargins(label_width, 0, 0, 0));
    // A short plot (a pane in the window) spends its height on lanes: the legend row goes, the
    // load chart shrinks. Exports at normal sizes keep both.
    const bool roomy = viewport().height() >= 600;
    const bool show_legend =
        legend_mode_ == LegendMode::Auto ? roomy : legend_mode_ == LegendMode::Shown;
    if (show_legend != legend_shown_) {
        if (show_legend) {
            plotLayout()->addElement(3, 0, legend_);
        } else {
            plotLayout()->take(legend_);
            plotLayout()->simplify();
        }
        legend_->setVisible(show_legend);
        legend_shown_ = show_legend;
    }
    load_rect_->setMinimumSize(0, roomy ? 110 : 70);
    // A few lanes need less than the default share: give the rest to the load chart, up to a
    // point, instead of drawing giant lanes.
    const double body = std::max(100, viewport().height() - (roomy ? 170 : 80));
    const int lanes = data_ ? std::max(1, data_->laneCount()) : 1;
    const double lanes_needed = lanes * kMaxLaneHeightPx + 8;
    const double load_share = std::clamp(body - lanes_needed, body * 0.22, body * 0.45);
    plotLayout()->setRowStretchFactor(1, body - load_share);
    plotLayout()->setRowStretchFactor(2, roomy ? load_share : body * 0.22);
    QCustomPlot::updateLayout();
    // Lane heights follow the laid-out rect, so they are known only now.
    syncLaneRange();
}

void TimelinePlot::changeEvent(QEvent* event) {
    QCustomPlot::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) replot(QCustomPlot::rpQueuedReplot);
}

int TimelinePlot::laneAtY(double y) const {
    if (!data_) return -1;
    const int lane = static_cast<int>(std::lround(yAxis->pixelToCoord(y)));
    return lane >= 0 && lane < data_->laneCount() ? lane : -1;
}

void TimelinePlot::wheelEvent(QWheelEvent* event) {
    const double steps = event->angleDelta().y() / 120.0;
    const QPointF pos = event->position();
    if (event->modifiers() & Qt::ControlModifier) {
        state_->zoomAround(xAxis2->pixelToCoord(pos.x()), std::pow(1.25, steps));
    } else if (event->modifiers() & Qt::ShiftModifier) {
        state_->pan(-steps * state_->visibleWindow().duration() * 0.1);
    } else {
        setFirstLane(first_lane_ - static_cast<int>(std::lround(steps * 3)));
    }
    event->accept();
}

void TimelinePlot::mousePressEvent(QMouseEvent* event) {
    setFocus();
    press_pos_ = event->pos();
    press_time_us_ = xAxis2->pixelToCoord(event->position().x());
    selecting_ = (event->modifiers() & Qt::ShiftModifier) && event->button() == Qt::LeftButton;
    dragging_ = false;
    event->accept();
}

void TimelinePlot::mouseMoveEvent(QMouseEvent* event) {
    if (!(event->buttons() & Qt::LeftButton)) {
        const QString tip = tooltipAt(event->position());
        if (tip.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(event->globalPosition().toPoint(), tip, this);
        return;
    }
    if ((event->pos() - press_pos_).manhattanLength() < 4 && !dragging_) return;
    dragging_ = true;
    const double now_us = xAxis2->pixelToCoord(event->position().x());
    if (selecting_) {
        state_->setSelection(
            TimeWindow{std::min(press_time_us_, now_us), std::max(press_time_us_, now_us)});
    } else {
        // Drag pans: the time under the press point follows the mouse.
        state_->pan(press_time_us_ - now_us);
    }
    event->accept();
}

void TimelinePlot::mouseReleaseEvent(QMouseEvent* event) {
    if (!dragging_ && event->button() == Qt::LeftButton) {
        const QPointF pos = event->position();
        int lane = laneAtY(pos.y());
        if (pos.x() < lane_rect_->left()) lane = labels_->laneAt(pos);
        // A click on a group's name expands or folds it.
        if (lane >= 0 && pos.x() < lane_rect_->left() && data_->lanes[lane].group >= 0) {
            toggleGroup(lane);
            dragging_ = false;
            selecting_ = false;
            event->accept();
            return;
        }
        if (lane >= 0 && data_->lanes[lane].group < 0)
            state_->setSelectedPid(data_->lanes[lane].process.pid);
        if (lane_rect_->rect().contains(pos.toPoint()) ||
            load_rect_->rect().contains(pos.toPoint()))
            state_->setCursorUs(xAxis2->pixelToCoord(pos.x()));
    }
    dragging_ = false;
    selecting_ = false;
    event->accept();
}

void TimelinePlot::mouseDoubleClickEvent(QMouseEvent* event) {
    // Double-click zooms to the clicked lane's lifetime.
    const int lane = laneAtY(event->position().y());
    if (lane >= 0) {
        const Lane& info = data_->lanes[lane];
        const double end = info.exit_us >= 0 ? info.exit_us : data_->range.end_us;
        const double margin = std::max(kMinWindowUs, (end - info.spawn_us) * 0.05);
        state_->setVisibleWindow({info.spawn_us - margin, end + margin});
    }
    event->accept();
}

void TimelinePlot::keyPressEvent(QKeyEvent* event) {
    const TimeWindow window = state_->visibleWindow();
    const double centre = (window.begin_us + window.end_us) / 2;
    switch (event->key()) {
        case Qt::Key_W:
        case Qt::Key_Plus:
        case Qt::Key_Equal:
            state_->zoomAround(centre, 1.5);
            break;
        case Qt::Key_S:
        case Qt::Key_Minus:
            state_->zoomAround(centre, 1 / 1.5);
            break;
        case Qt::Key_A:
        case Qt::Key_Left:
            state_->pan(-window.duration() * 0.15);
            break;
        case Qt::Key_D:
        case Qt::Key_Right:
            state_->pan(window.duration() * 0.15);
            break;
        case Qt::Key_Up:
            setFirstLane(first_lane_ - 1);
            break;
        case Qt::Key_Down:
            setFirstLane(first_lane_ + 1);
            break;
        case Qt::Key_PageUp:
            setFirstLane(first_lane_ - visibleLaneCount());
            break;
        case Qt::Key_PageDown:
            setFirstLane(first_lane_ + visibleLaneCount());
            break;
        case Qt::Key_0:
        case Qt::Key_Home:
            state_->showAll();
            break;
        case Qt::Key_Escape:
            state_->setSelection(std::nullopt);
            break;
        case Qt::Key_L:
            setLegendShown(!legend_shown_);
            break;
        default:
            QCustomPlot::keyPressEvent(event);
            return;
    }
    event->accept();
}

void TimelinePlot::setLegendShown(bool shown) {
    legend_mode_ = shown ? LegendMode::Shown : LegendMode::Hidden;
    updateLayout();
    replot(rpQueuedReplot);
}

void TimelinePlot::contextMenuEvent(QContextMenuEvent* event) {
    QMenu menu(this);
    QAction* legend = menu.addAction(QStringLiteral("Show legend\tL"));
    legend->setCheckable(true);
    legend->setChecked(legend_shown_);
    connect(legend, &QAction::toggled, this, &TimelinePlot::setLegendShown);
    QAction* fold = menu.addAction(QStringLiteral("Fold similar lanes"));
    fold->setCheckable(true);
    fold->setChecked(folding_enabled_);
    connect(fold, &QAction::toggled, this, &TimelinePlot::setFoldingEnabled);
    const int lane = laneAtY(event->pos().y());
    if (data_ && lane >= 0 && data_->lanes[lane].group >= 0) {
        const bool open = data_->groups[size_t(data_->lanes[lane].group)].expanded;
        QAction* toggle = menu.addAction(open ? QStringLiteral("Fold this group")
                                              : QStringLiteral("Expand this group"));
        connect(toggle, &QAction::triggered, this, [this, lane] { toggleGroup(lane); });
    }
    menu.exec(event->globalPos());
}

namespace {

QString duration(double us) {
    return QString::fromStdString(formatDuration(us));
}

}  // namespace

QString TimelinePlot::tooltipAt(QPointF pos) const {
    if (!data_ || data_->lanes.empty()) return {};
    const int lane = laneAtY(pos.y());
    if (lane < 0 || pos.y() < lane_rect_->top() || pos.y() > lane_rect_->bottom()) return {};
    const Lane& info = data_->lanes[lane];
    const bool over_labels = pos.x() < lane_rect_->left();
    const double t = xAxis2->pixelToCoord(pos.x());
    const double us_per_px = std::abs(xAxis2->pixelToCoord(pos.x() + 1) - t);
    const double near_us = 4 * us_per_px;
    QStringList lines;
    if (info.group >= 0) {
        const LaneGroup& group = data_->groups[size_t(info.group)];
        lines << QString::fromStdString(group.label());
        if (!over_labels) {
            const GroupCountPoint at = group.countsAt(int64_t(t));
            lines << QStringLiteral("at %1: %2 alive, %3 running, %4 waiting")
                         .arg(duration(t))
                         .arg(at.alive)
                         .arg(at.running)
                         .arg(at.waiting);
            auto near = [&](const std::vector<int64_t>& times) {
                const auto lo = std::lower_bound(times.begin(), times.end(), int64_t(t - near_us));
                const auto hi = std::upper_bound(lo, times.end(), int64_t(t + near_us));
                return int(hi - lo);
            };
            if (const int crashes = near(group.crash_us); crashes > 0)
                lines
                    << QStringLiteral("%1 crash%2 here").arg(crashes).arg(crashes == 1 ? "" : "es");
            if (const int timeouts = near(group.timeout_us); timeouts > 0)
                lines << QStringLiteral("%1 timeout%2 here")
                             .arg(timeouts)
                             .arg(timeouts == 1 ? "" : "s");
        }
        lines << (group.expanded ? QStringLiteral("click the name to fold")
                                 : QStringLiteral("click the name to expand"));
        return lines.join(QLatin1Char('\n'));
    }
    lines << QStringLiteral("%1  %2").arg(QString::fromStdString(info.process.title()),
                                          QString::fromStdString(formatPid(info.process.pid)));
    if (over_labels) {
        lines << QStringLiteral("spawned at %1").arg(duration(double(info.spawn_us)));
        if (info.exit_us >= 0)
            lines << QStringLiteral("exited at %1 (%2 of life): %3")
                         .arg(duration(double(info.exit_us)))
                         .arg(duration(double(info.exit_us - info.spawn_us)))
                         .arg(QString::fromStdString(info.exit_reason));
        return lines.join(QLatin1Char('\n'));
    }
    // The exit mark.
    if (info.exit_us >= 0 && std::abs(double(info.exit_us) - t) <= near_us) {
        lines << QStringLiteral("exited at %1: %2 (%3)")
                     .arg(duration(double(info.exit_us)))
                     .arg(QString::fromStdString(info.exit_reason))
                     .arg(exitClassName(info.exit_class));
        return lines.join(QLatin1Char('\n'));
    }
    // The span under the mouse: spans of a lane are sorted and disjoint.
    const std::span<const StateSpan> spans = data_->spansOf(lane);
    const auto begin = spans.begin();
    const auto end = spans.end();
    const auto span = std::upper_bound(
        begin, end, t, [](double time, const StateSpan& s) { return time < double(s.end_us); });
    if (span != end && double(span->begin_us) <= t)
        lines << QStringLiteral("%1 from %2 for %3")
                     .arg(stateName(span->state))
                     .arg(duration(double(span->begin_us)))
                     .arg(duration(double(span->end_us - span->begin_us)));
    // A wait window covering t.
    const auto trace_end = int64_t(data_->range.end_us);
    for (const WaitWindow& wait : data_->waitsOf(lane)) {
        if (double(wait.begin_us) > t) break;
        if (double(wait.reachUs(trace_end)) < t) continue;
        QString text = waitKindName(wait.kind) +
                       QStringLiteral(" from %1").arg(duration(double(wait.begin_us)));
        if (wait.deadline_us >= 0)
            text += QStringLiteral(", timeout %1")
                        .arg(duration(double(wait.deadline_us - wait.begin_us)));
        if (wait.ended())
            text += QStringLiteral(", ended after %1: %2")
                        .arg(duration(double(wait.end_us - wait.begin_us)))
                        .arg(outcomeName(wait.outcome));
        else
            text += QStringLiteral(", still waiting at the end");
        lines << text;
    }
    // Arrows touching this lane within a few pixels (a bounded look: arrows are sorted by start).
    const auto& by_start = data_->arrowsByStart();
    const auto first_arrow = std::lower_bound(
        by_start.begin(), by_start.end(), t - near_us - double(data_->longestArrowUs()),
        [&](uint32_t a, double time) { return double(data_->arrows[a].startUs()) < time; });
    int looked = 0, shown = 0;
    for (auto it = first_arrow; it != by_start.end() && looked < 4096 && shown < 3;
         ++it, ++looked) {
        const FlowArrow& arrow = data_->arrows[*it];
        if (double(std::min(arrow.from_us, arrow.to_us)) > t + near_us) break;
        const bool at_from =
            arrow.from_lane == lane && std::abs(double(arrow.from_us) - t) <= near_us;
        const bool at_to = arrow.to_lane == lane && std::abs(double(arrow.to_us) - t) <= near_us;
        if (!at_from && !at_to) continue;
        const Lane& other = data_->lanes[size_t(at_from ? arrow.to_lane : arrow.from_lane)];
        QString text = arrowName(arrow.kind) +
                       (at_from ? QStringLiteral(" to ") : QStringLiteral(" from ")) +
                       QString::fromStdString(other.process.title());
        if (arrow.to_us != arrow.from_us)
            text += QStringLiteral(", %1 \u2192 %2")
                        .arg(duration(double(arrow.from_us)), duration(double(arrow.to_us)));
        else
            text += QStringLiteral(" at %1").arg(duration(double(arrow.from_us)));
        if (!arrow.label.empty())
            text += QStringLiteral(": ") + QString::fromStdString(arrow.label).left(80);
        lines << text;
        ++shown;
    }
    if (lines.size() == 1) return {};
    return lines.join(QLatin1Char('\n'));
}

}  // namespace tasklens::ui
