#include "ui/event_pump.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <span>

namespace tasklens::ui {

EventPump::EventPump(QObject* parent)
    : QObject(parent), model_(std::make_shared<trace::TraceModel>()) {
    // One drain per frame: the view cost follows frames, not events.
    frame_timer_.setInterval(16);
    connect(&frame_timer_, &QTimer::timeout, this, &EventPump::drain);
    frame_timer_.start();
}

void EventPump::reset(trace::RunInfo run) {
    drainAll();
    model_ = std::make_shared<trace::TraceModel>();
    model_->set_run_info(std::move(run));
    reserved_ = false;
    edge_us_.store(std::numeric_limits<int64_t>::min(), std::memory_order_relaxed);
}

void EventPump::drain() {
    take(frame_cap_ > 0 ? frame_cap_ : SIZE_MAX);
}

void EventPump::drainAll() {
    take(SIZE_MAX);
}

void EventPump::setFrameCap(size_t max_events) {
    frame_cap_ = max_events;
    if (frame_cap_ > 0)
        frame_timer_.stop();
    else if (!frame_timer_.isActive())
        frame_timer_.start();
}

void EventPump::take(size_t max_events) {
    // The edge is read before the events: every event up to it is then in this batch or an
    // earlier one, so an open span never reaches past an event that has not arrived yet.
    const int64_t edge = edge_us_.load(std::memory_order_acquire);
    bool fresh = false;
    if (batch_taken_ == batch_.size()) {
        batch_taken_ = 0;
        batch_.clear();
        subscriber_.drain(batch_);
        fresh = true;
    }
    size_t count = std::min(max_events, batch_.size() - batch_taken_);
    if (!fresh && count < max_events) {
        // The waiting events ran out inside this drain's allowance: take the engine's next ones
        // too (appended behind what is left, so the order holds).
        std::vector<trace::Event> more;
        subscriber_.drain(more);
        if (!more.empty()) {
            batch_.erase(batch_.begin(), batch_.begin() + ptrdiff_t(batch_taken_));
            batch_taken_ = 0;
            batch_.insert(batch_.end(), std::make_move_iterator(more.begin()),
                          std::make_move_iterator(more.end()));
            count = std::min(max_events, batch_.size());
        }
    }
    if (!reserved_ && model_->event_count() + count >= kReserveFrom) {
        model_->reserve(kReserveEvents);
        reserved_ = true;
    }
    if (count > 0)
        model_->append(std::span<const trace::Event>(batch_.data() + batch_taken_, count));
    batch_taken_ += count;
    // The edge may be after events still waiting: the model follows it only once they are in.
    const bool extended = waiting() == 0 && edge > model_->end_time();
    if (extended) model_->extend_end_to(edge);
    if (count > 0 || extended) emit eventsAppended(int(count), model_->end_time());
}

}  // namespace tasklens::ui
