#pragma once
// Time <-> pixel maths of the timeline, in plain code so it can be tested without widgets
// (the hotspot TimeLineData pattern). Times are virtual microseconds; they are doubles here
// because a zoomed-in window may start between two whole microseconds.
#include <cstdint>
#include <string>
#include <vector>

namespace tasklens::ui {

/// A half-open interval of virtual time [begin_us, end_us).
struct TimeWindow {
    double begin_us = 0;
    double end_us = 0;

    double duration() const { return end_us - begin_us; }
    bool contains(double t) const { return t >= begin_us && t < end_us; }
    friend bool operator==(const TimeWindow&, const TimeWindow&) = default;
};

/// The narrowest window zooming may produce: below a few microseconds the integer clock has
/// nothing left to show.
inline constexpr double kMinWindowUs = 10.0;

/// Maps a time window onto a horizontal pixel range [x_left, x_left + width_px].
class TimelineGeometry {
  public:
    TimelineGeometry() = default;
    TimelineGeometry(TimeWindow window, double x_left, double width_px)
        : window_(window), x_left_(x_left), width_px_(width_px) {}

    const TimeWindow& window() const { return window_; }
    double xLeft() const { return x_left_; }
    double widthPx() const { return width_px_; }
    void setWindow(TimeWindow window) { window_ = window; }
    void setPixelRange(double x_left, double width_px) {
        x_left_ = x_left;
        width_px_ = width_px;
    }

    double mapTimeToX(double t_us) const;
    double mapXToTime(double x) const;
    /// How much time one pixel covers; spans shorter than this are folded when painting.
    double microsPerPixel() const;

    /// Zooms by `factor` (> 1 zooms in) keeping the time under pixel `x` where it is.
    void zoomAroundX(double x, double factor, const TimeWindow& bounds);
    /// Pans by `dx_px` pixels (positive moves the view later in time), staying inside bounds.
    void panByPixels(double dx_px, const TimeWindow& bounds);

  private:
    TimeWindow window_{0, 1};
    double x_left_ = 0;
    double width_px_ = 1;
};

/// Zooms `window` by `factor` (> 1 zooms in) around `anchor_us`, which keeps its relative
/// position; the result is clamped into `bounds` and never narrower than kMinWindowUs.
TimeWindow zoomWindow(const TimeWindow& window, double anchor_us, double factor,
                      const TimeWindow& bounds);
/// Shifts `window` by `delta_us` without changing its width, stopping at the edges of `bounds`.
TimeWindow panWindow(const TimeWindow& window, double delta_us, const TimeWindow& bounds);
/// Fits `window` into `bounds`: shifts it inside, shrinks it if it is wider.
TimeWindow clampWindow(const TimeWindow& window, const TimeWindow& bounds);

/// The unit a time axis labels in.
enum class TimeUnit { Microseconds, Milliseconds, Seconds };

/// A tick spacing from the 1-2-5 series and how to print the ticks.
struct TickStep {
    int64_t step_us = 1;
    TimeUnit unit = TimeUnit::Microseconds;
    int decimals = 0;  ///< digits after the decimal point so that consecutive ticks differ
    friend bool operator==(const TickStep&, const TickStep&) = default;
};

/// The smallest 1-2-5 step that keeps ticks at least `min_px_per_tick` apart when `window_us`
/// is spread over `width_px`; the unit follows the magnitude of `largest_label_us`.
TickStep niceTickStep(double window_us, double width_px, double min_px_per_tick,
                      double largest_label_us);
/// The ticks of `step` inside `window`.
std::vector<int64_t> tickPositions(const TimeWindow& window, const TickStep& step);
/// "250 µs", "1.5 ms", "2.25 s": a tick label.
std::string formatTick(int64_t t_us, const TickStep& step);
/// A duration printed in its natural unit with up to 3 significant decimals: "12 µs", "1.25 s".
std::string formatDuration(double us);

}  // namespace tasklens::ui
