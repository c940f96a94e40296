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
}

void EventPump::drain() {
    batch_.clear();
    const size_t count = subscriber_.drain(batch_);
    if (count == 0) return;
    model_->append(batch_);
    emit eventsAppended(int(count), model_->end_time());
}

}  // namespace tasklens::ui
