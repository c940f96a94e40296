#include "ui/timeline_geometry.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace tasklens::ui {

double TimelineGeometry::mapTimeToX(double t_us) const {
    return x_left_ + (t_us - window_.begin_us) * width_px_ / window_.duration();
}

double TimelineGeometry::mapXToTime(double x) const {
    return window_.begin_us + (x - x_left_) * window_.duration() / width_px_;
}

double TimelineGeometry::microsPerPixel() const {
    return window_.duration() / width_px_;
}

void TimelineGeometry::zoomAroundX(double x, double factor, const TimeWindow& bounds) {
    window_ = zoomWindow(window_, mapXToTime(x), factor, bounds);
}

void TimelineGeometry::panByPixels(double dx_px, const TimeWindow& bounds) {
    window_ = panWindow(window_, dx_px * microsPerPixel(), bounds);
}

TimeWindow clampWindow(const TimeWindow& window, const TimeWindow& bounds) {
    double width = std::min(window.duration(), bounds.duration());
    width = std::max(width, std::min(kMinWindowUs, bounds.duration()));
    double begin = std::clamp(window.begin_us, bounds.begin_us, bounds.end_us - width);
    return {begin, begin + width};
}

TimeWindow zoomWindow(const TimeWindow& window, double anchor_us, double factor,
                      const TimeWindow& bounds) {
    if (factor <= 0) return window;
    const double new_width = std::clamp(
        window.duration() / factor, std::min(kMinWindowUs, bounds.duration()), bounds.duration());
    // The anchor keeps its relative position, so the point under the mouse stays put.
    const double anchor_fraction = (anchor_us - window.begin_us) / window.duration();
    const double begin = anchor_us - anchor_fraction * new_width;
    return clampWindow({begin, begin + new_width}, bounds);
}

TimeWindow panWindow(const TimeWindow& window, double delta_us, const TimeWindow& bounds) {
    return clampWindow({window.begin_us + delta_us, window.end_us + delta_us}, bounds);
}

namespace {

TimeUnit unitFor(double magnitude_us) {
    if (magnitude_us >= 1e6) return TimeUnit::Seconds;
    if (magnitude_us >= 1e3) return TimeUnit::Milliseconds;
    return TimeUnit::Microseconds;
}

double microsPerUnit(TimeUnit unit) {
    switch (unit) {
        case TimeUnit::Seconds:
            return 1e6;
        case TimeUnit::Milliseconds:
            return 1e3;
        case TimeUnit::Microseconds:
            return 1;
    }
    return 1;
}

const char* unitSuffix(TimeUnit unit) {
    switch (unit) {
        case TimeUnit::Seconds:
            return "s";
        case TimeUnit::Milliseconds:
            return "ms";
        case TimeUnit::Microseconds:
            return "\u00b5s";
    }
    return "";
}

}  // namespace

TickStep niceTickStep(double window_us, double width_px, double min_px_per_tick,
                      double largest_label_us) {
    TickStep result;
    if (window_us <= 0 || width_px <= 0) return result;
    const double min_step = window_us * min_px_per_tick / width_px;
    int64_t step = 1;
    // Walk the 1-2-5 series: 1, 2, 5, 10, 20, 50, ...
    for (int64_t decade = 1;; decade *= 10) {
        bool found = false;
        for (int64_t mantissa : {1, 2, 5}) {
            step = mantissa * decade;
            if (static_cast<double>(step) >= min_step) {
                found = true;
                break;
            }
        }
        if (found || decade > int64_t{1} << 50) break;
    }
    result.step_us = step;
    // A label never uses a unit larger than the values it prints, nor smaller than its step
    // needs: ticks 500 ms apart over three seconds print as 0.5 s, 1.0 s, ...
    result.unit = unitFor(std::max(std::abs(largest_label_us), static_cast<double>(step)));
    const double step_in_unit = static_cast<double>(step) / microsPerUnit(result.unit);
    result.decimals =
        step_in_unit >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step_in_unit) - 1e-9));
    return result;
}

std::vector<int64_t> tickPositions(const TimeWindow& window, const TickStep& step) {
    std::vector<int64_t> ticks;
    if (step.step_us <= 0) return ticks;
    const auto first = static_cast<int64_t>(std::ceil(window.begin_us / step.step_us));
    for (int64_t i = first;; ++i) {
        const int64_t t = i * step.step_us;
        if (static_cast<double>(t) > window.end_us) break;
        ticks.push_back(t);
        if (ticks.size() > 10000) break;  // a pathological window must not allocate forever
    }
    return ticks;
}

std::string formatTick(int64_t t_us, const TickStep& step) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f %s", step.decimals,
                  static_cast<double>(t_us) / microsPerUnit(step.unit), unitSuffix(step.unit));
    return buffer;
}

std::string formatDuration(double us) {
    const TimeUnit unit = unitFor(std::abs(us));
    const double value = us / microsPerUnit(unit);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.3f", value);
    // Drop trailing zeros: 1.500 -> 1.5, 2.000 -> 2.
    std::string text = buffer;
    if (text.find('.') != std::string::npos) {
        while (text.back() == '0') text.pop_back();
        if (text.back() == '.') text.pop_back();
    }
    return text + " " + unitSuffix(unit);
}

}  // namespace tasklens::ui
