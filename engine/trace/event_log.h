#pragma once
// Two EventSinks that keep events: EventLog (everything, on the engine's thread) and
// BatchingSubscriber (hands events to another thread in batches without making the engine wait).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

#include "engine/trace/event.h"

namespace tasklens::trace {

/// Appends every event to a vector. Single-threaded: read it from the engine's thread, or after
/// the run.
class EventLog final : public EventSink {
  public:
    void on_event(const Event& event) override { events_.push_back(event); }
    const std::vector<Event>& events() const noexcept { return events_; }
    std::vector<Event> take() noexcept { return std::move(events_); }
    void clear() noexcept { events_.clear(); }

  private:
    std::vector<Event> events_;
};

/// Hands events from the engine's thread (the producer, on_event) to one consumer thread (drain),
/// in batches, e.g. once per GUI frame.
///
/// The engine never waits: on_event appends to a private batch, then *tries* to lock the shared
/// buffer; if the consumer holds it (only for an O(1) swap), the batch simply stays private and
/// goes with the next event. So after the engine's last event a few events may still sit in the
/// private batch: the engine calls flush() when it stops or pauses (that one may wait for the
/// consumer's swap, a few nanoseconds). Buffers are recycled: drain swaps the caller's (cleared)
/// vector in, so steady state allocates nothing.
///
/// The subscriber itself never drops events, so it is bounded by its producer: a driver that
/// runs the engine in slices calls wait_for_backlog_at_most between slices (back-pressure), as
/// the GUI's run controller does, and the backlog never exceeds that limit plus one slice.
class BatchingSubscriber final : public EventSink {
  public:
    /// Producer side (engine thread).
    void on_event(const Event& event) override;
    /// Producer side: hand over whatever is still private. Call when the run stops or pauses.
    void flush();

    /// Consumer side: replaces `out` with every event handed over since the last drain, in seq
    /// order. Returns the number of events.
    size_t drain(std::vector<Event>& out);
    /// Events produced but not yet drained (approximate while the producer runs).
    uint64_t backlog() const noexcept;
    /// Producer side: waits until at most `limit` events are waiting for the consumer, or until
    /// `timeout` passed. Returns whether the backlog is within the limit.
    bool wait_for_backlog_at_most(uint64_t limit, std::chrono::milliseconds timeout);

  private:
    void hand_over_locked();

    std::condition_variable drained_cv_;
    // Producer-only.
    std::vector<Event> private_batch_;
    // Guarded by mutex_.
    std::mutex mutex_;
    std::vector<Event> shared_;
    std::atomic<uint64_t> produced_{0};
    std::atomic<uint64_t> drained_{0};
};

}  // namespace tasklens::trace
