#include "ui/event_pump.h"

namespace tasklens::ui {

EventPump::EventPump(QObject* parent)
    : QObject(parent), model_(std::make_shared<trace::TraceModel>()) {
    // One drain per frame: the view cost follows frames, not events.
    frame_timer_.setInterval(16);
    connect(&frame_timer_, &QTimer::timeout, this, &EventPump::drain);
    frame_timer_.start();
}

void EventPump::reset(trace::RunInfo run) {
    drain();
    model_ = std::make_shared<trace::TraceModel>();
    model_->set_run_info(std::move(run));
    edge_us_.store(std::numeric_limits<int64_t>::min(), std::memory_order_relaxed);
}

void EventPump::drain() {
    // The edge is read before the events: every event up to it is then in this batch or an
    // earlier one, so an open span never reaches past an event that has not arrived yet.
    const int64_t edge = edge_us_.load(std::memory_order_acquire);
    batch_.clear();
    const size_t count = subscriber_.drain(batch_);
    if (count > 0) model_->append(batch_);
    const bool extended = edge > model_->end_time();
    if (extended) model_->extend_end_to(edge);
    if (count > 0 || extended) emit eventsAppended(int(count), model_->end_time());
}

}  // namespace tasklens::ui
