#pragma once
// A step series (processes alive, tasks in flight, busy schedulers) drawn one pixel column at a
// time: each column shows the value in force at its left edge, the lowest and highest value
// inside it, and the value at its right edge. A frame costs O(columns × log points) whatever the
// number of points (a 2M-event trace has ~200k steps per series; QCPGraph walked them all).
#include <qcustomplot.h>
#include <memory>
#include <vector>

#include "ui/view_data.h"

namespace tasklens::ui {

/// The points of a step series with a min/max summary per block of points, so the extremes of
/// any run of points are found in O(log n + block) instead of O(run).
class StepSeries {
  public:
    StepSeries() = default;
    explicit StepSeries(std::vector<SeriesPoint> points);
    /// Becomes `points`, of which only those from `first_changed` on differ from the current
    /// ones (a live run's new steps): O(new points + blocks).
    void update(const std::vector<SeriesPoint>& points, size_t first_changed);

    const std::vector<SeriesPoint>& points() const { return points_; }
    bool empty() const { return points_.empty(); }
    double maxValue() const { return max_value_; }
    /// The value in force at t (0 before the first point).
    double valueAt(double t_us) const;
    /// The lowest and highest value the series takes over [t0, t1) (the step in force at t0
    /// included); {0, 0} for an empty series.
    std::pair<double, double> extremesIn(double t0_us, double t1_us) const;

    /// One pixel column [t0, t1) of a walk from left to right: the value in force at t0, the
    /// lowest and highest value over [t0, t1) (as extremesIn) and the value in force at t1.
    struct Column {
        double start = 0, lo = 0, hi = 0, end = 0;
    };
    /// `cursor` is the walk's place (0 to begin with; advanced here); t0 must not go back
    /// between calls. The searches start at the cursor: a walk over a screen's columns costs
    /// O(columns × log points per column) with nearby memory, not O(columns × log n).
    Column column(double t0_us, double t1_us, size_t& cursor) const;

  private:
    static constexpr size_t kBlock = 64;
    /// Summarizes the blocks from the one holding point `first` on.
    void summarizeFrom(size_t first_point);
    /// Index of the first point with time > t.
    size_t upperBound(double t_us) const;
    std::pair<double, double> extremesOfPoints(size_t first, size_t last) const;

    std::vector<SeriesPoint> points_;
    std::vector<double> block_min_;
    std::vector<double> block_max_;
    double max_value_ = 0;
};

class StepSeriesPlottable : public QCPAbstractPlottable {
    Q_OBJECT
  public:
    StepSeriesPlottable(QCPAxis* time_axis, QCPAxis* value_axis);
    void setSeries(std::shared_ptr<const StepSeries> series);
    /// Shows `points`, which differ from the last ones given here only from `first_changed` on.
    void updateSeries(const std::vector<SeriesPoint>& points, size_t first_changed);
    const StepSeries* series() const { return series_.get(); }
    /// Columns drawn in the last paint (for the benchmark and tests).
    int lastColumnsDrawn() const { return columns_drawn_; }

    double selectTest(const QPointF&, bool, QVariant*) const override { return -1; }
    QCPRange getKeyRange(bool& found, QCP::SignDomain domain) const override;
    QCPRange getValueRange(bool& found, QCP::SignDomain domain,
                           const QCPRange& in_key_range) const override;

  protected:
    void draw(QCPPainter* painter) override;
    void drawLegendIcon(QCPPainter* painter, const QRectF& rect) const override;

  private:
    std::shared_ptr<const StepSeries> series_;
    std::shared_ptr<StepSeries> updated_;  ///< the series updateSeries keeps up to date
    int columns_drawn_ = 0;
};

}  // namespace tasklens::ui
