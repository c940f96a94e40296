#include "ui/step_series_plottable.h"

#include <algorithm>
#include <cmath>

#include "ui/gallop.h"

namespace tasklens::ui {

StepSeries::StepSeries(std::vector<SeriesPoint> points) : points_(std::move(points)) {
    summarizeFrom(0);
}

void StepSeries::update(const std::vector<SeriesPoint>& points, size_t first_changed) {
    first_changed = std::min({first_changed, points_.size(), points.size()});
    points_.resize(first_changed);
    points_.insert(points_.end(), points.begin() + std::ptrdiff_t(first_changed), points.end());
    summarizeFrom(first_changed);
}

void StepSeries::summarizeFrom(size_t first_point) {
    const size_t blocks = (points_.size() + kBlock - 1) / kBlock;
    block_min_.resize(blocks);
    block_max_.resize(blocks);
    for (size_t b = first_point / kBlock; b < blocks; ++b) {
        const size_t first = b * kBlock;
        const size_t last = std::min(points_.size(), first + kBlock);
        double lo = points_[first].value, hi = lo;
        for (size_t i = first + 1; i < last; ++i) {
            lo = std::min(lo, points_[i].value);
            hi = std::max(hi, points_[i].value);
        }
        block_min_[b] = lo;
        block_max_[b] = hi;
    }
    max_value_ = 0;
    for (const double hi : block_max_) max_value_ = std::max(max_value_, hi);
}

size_t StepSeries::upperBound(double t_us) const {
    return size_t(
        std::upper_bound(points_.begin(), points_.end(), t_us,
                         [](double t, const SeriesPoint& p) { return t < double(p.t_us); }) -
        points_.begin());
}

double StepSeries::valueAt(double t_us) const {
    const size_t after = upperBound(t_us);
    return after == 0 ? 0.0 : points_[after - 1].value;
}

std::pair<double, double> StepSeries::extremesOfPoints(size_t first, size_t last) const {
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    size_t i = first;
    // Partial block at the front, whole blocks from their summary, partial block at the back.
    for (; i < last && i % kBlock != 0; ++i) {
        lo = std::min(lo, points_[i].value);
        hi = std::max(hi, points_[i].value);
    }
    for (; i + kBlock <= last; i += kBlock) {
        lo = std::min(lo, block_min_[i / kBlock]);
        hi = std::max(hi, block_max_[i / kBlock]);
    }
    for (; i < last; ++i) {
        lo = std::min(lo, points_[i].value);
        hi = std::max(hi, points_[i].value);
    }
    return {lo, hi};
}

std::pair<double, double> StepSeries::extremesIn(double t0_us, double t1_us) const {
    if (points_.empty()) return {0, 0};
    const size_t first = upperBound(t0_us);  // points after t0 ...
    const size_t last = std::max(first, upperBound(std::nextafter(t1_us, -INFINITY)));  // ... < t1
    const double at_start = first == 0 ? 0.0 : points_[first - 1].value;
    if (first == last) return {at_start, at_start};
    const auto [lo, hi] = extremesOfPoints(first, last);
    return {std::min(lo, at_start), std::max(hi, at_start)};
}

StepSeries::Column StepSeries::column(double t0_us, double t1_us, size_t& cursor) const {
    // The first point at or after `from` whose time is after t.
    auto after = [&](size_t from, double t) {
        return size_t(
            gallopPartitionPoint(points_.begin() + std::ptrdiff_t(std::min(from, points_.size())),
                                 points_.end(),
                                 [t](const SeriesPoint& p) { return double(p.t_us) <= t; }) -
            points_.begin());
    };
    auto valueBefore = [&](size_t after_index) {
        return after_index == 0 ? 0.0 : points_[after_index - 1].value;
    };
    const size_t first = after(cursor, t0_us);  // points after t0 ...
    const size_t last = std::max(first, after(first, std::nextafter(t1_us, -INFINITY)));  // < t1
    const size_t past = after(last, t1_us);
    cursor = past;  // the next column's t0 is this one's t1
    Column column;
    column.start = valueBefore(first);
    column.lo = column.hi = column.start;
    if (last > first) {
        const auto [lo, hi] = extremesOfPoints(first, last);
        column.lo = std::min(lo, column.start);
        column.hi = std::max(hi, column.start);
    }
    column.end = valueBefore(past);
    return column;
}

// ---------------------------------------------------------------------------------------------

StepSeriesPlottable::StepSeriesPlottable(QCPAxis* time_axis, QCPAxis* value_axis)
    : QCPAbstractPlottable(time_axis, value_axis) {
    setAntialiased(false);
    setAntialiasedFill(false);
}

void StepSeriesPlottable::setSeries(std::shared_ptr<const StepSeries> series) {
    series_ = std::move(series);
    updated_.reset();
}

void StepSeriesPlottable::updateSeries(const std::vector<SeriesPoint>& points,
                                       size_t first_changed) {
    if (updated_ && updated_ == series_) {
        updated_->update(points, first_changed);
    } else {
        updated_ = std::make_shared<StepSeries>(points);
        series_ = updated_;
    }
}

QCPRange StepSeriesPlottable::getKeyRange(bool& found, QCP::SignDomain) const {
    found = series_ && !series_->empty();
    if (!found) return {};
    return {double(series_->points().front().t_us), double(series_->points().back().t_us)};
}

QCPRange StepSeriesPlottable::getValueRange(bool& found, QCP::SignDomain, const QCPRange&) const {
    found = series_ && !series_->empty();
    return found ? QCPRange(0, series_->maxValue()) : QCPRange();
}

void StepSeriesPlottable::draw(QCPPainter* painter) {
    columns_drawn_ = 0;
    if (!series_ || series_->empty()) return;
    QCPAxis* time = keyAxis();
    QCPAxis* value = valueAxis();
    const QRect clip = clipRect();
    const double data_left = time->coordToPixel(double(series_->points().front().t_us));
    const double data_right = time->coordToPixel(double(series_->points().back().t_us));
    const int left = int(std::floor(std::max<double>(clip.left(), data_left)));
    const int right = int(std::ceil(std::min<double>(clip.right() + 1, data_right)));
    if (right <= left) return;
    const double baseline = value->coordToPixel(0);

    // One column per pixel: the value at its left edge, its extremes, the value at its right edge.
    QPolygonF line;
    QPolygonF fill;
    line.reserve((right - left) * 4 + 2);
    const bool filled = brush().style() != Qt::NoBrush;
    if (filled) {
        fill.reserve((right - left) * 2 + 2);
        fill << QPointF(left, baseline);
    }
    double t0 = time->pixelToCoord(left);
    size_t cursor = 0;
    for (int x = left; x < right; ++x) {
        const double t1 = time->pixelToCoord(x + 1);
        const auto [start, lo, hi, end] = series_->column(t0, t1, cursor);
        line << QPointF(x, value->coordToPixel(start));
        if (lo != hi) {
            line << QPointF(x, value->coordToPixel(lo)) << QPointF(x, value->coordToPixel(hi));
        }
        line << QPointF(x, value->coordToPixel(end)) << QPointF(x + 1, value->coordToPixel(end));
        if (filled) {
            const double top = value->coordToPixel(hi);
            fill << QPointF(x, top) << QPointF(x + 1, top);
        }
        t0 = t1;
        ++columns_drawn_;
    }
    if (filled) {
        fill << QPointF(right, baseline);
        painter->setPen(Qt::NoPen);
        painter->setBrush(brush());
        painter->drawPolygon(fill);
    }
    painter->setPen(pen());
    painter->setBrush(Qt::NoBrush);
    painter->drawPolyline(line);
}

void StepSeriesPlottable::drawLegendIcon(QCPPainter* painter, const QRectF& rect) const {
    if (brush().style() != Qt::NoBrush)
        painter->fillRect(QRectF(rect.left(), rect.center().y() - rect.height() / 4, rect.width(),
                                 rect.height() / 2),
                          brush());
    painter->setPen(pen());
    painter->drawLine(QLineF(rect.left(), rect.center().y(), rect.right(), rect.center().y()));
}

}  // namespace tasklens::ui
