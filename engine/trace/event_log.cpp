#include "engine/trace/event_log.h"

#include <iterator>

namespace tasklens::trace {

void BatchingSubscriber::on_event(const Event& event) {
    private_batch_.push_back(event);
    produced_.fetch_add(1, std::memory_order_relaxed);
    if (mutex_.try_lock()) {
        hand_over_locked();
        mutex_.unlock();
    }
}

void BatchingSubscriber::flush() {
    if (private_batch_.empty()) return;
    std::lock_guard lock(mutex_);
    hand_over_locked();
}

void BatchingSubscriber::hand_over_locked() {
    if (shared_.empty()) {
        // The common case: the consumer drained since the last hand-over; swapping keeps the
        // consumer's recycled capacity on the producer side.
        shared_.swap(private_batch_);
    } else {
        shared_.insert(shared_.end(), std::make_move_iterator(private_batch_.begin()),
                       std::make_move_iterator(private_batch_.end()));
        private_batch_.clear();
    }
}

size_t BatchingSubscriber::drain(std::vector<Event>& out) {
    out.clear();
    {
        std::lock_guard lock(mutex_);
        shared_.swap(out);
        // Counted under the lock, so a producer waiting in wait_for_backlog_at_most cannot
        // miss the wake-up.
        drained_.fetch_add(out.size(), std::memory_order_relaxed);
    }
    drained_cv_.notify_all();
    return out.size();
}

bool BatchingSubscriber::wait_for_backlog_at_most(uint64_t limit,
                                                  std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return drained_cv_.wait_for(lock, timeout, [&] { return backlog() <= limit; });
}

uint64_t BatchingSubscriber::backlog() const noexcept {
    return produced_.load(std::memory_order_relaxed) - drained_.load(std::memory_order_relaxed);
}

}  // namespace tasklens::trace
