#pragma once
// The one adapter that moves engine events onto the GUI thread (architecture §1, style.md 2).
// The engine thread writes into a BatchingSubscriber; a timer on the GUI thread drains it once per
// frame into the trace model and announces the batch. No widget is ever called from the engine.
#include <QObject>
#include <QTimer>
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>

#include "engine/trace/event_log.h"
#include "engine/trace/trace_model.h"

namespace tasklens::ui {

class EventPump : public QObject {
    Q_OBJECT
  public:
    explicit EventPump(QObject* parent = nullptr);
    /// Give this to the engine as its EventSink; it is safe to call from the engine thread.
    trace::EventSink& sink() { return subscriber_; }
    /// The subscriber itself, for the producer's flush and back-pressure (engine thread).
    trace::BatchingSubscriber& subscriber() { return subscriber_; }
    /// The model the batches are appended to (GUI thread only).
    std::shared_ptr<trace::TraceModel> model() const { return model_; }
    /// Starts over with an empty model.
    void reset(trace::RunInfo run = {});
    /// Takes in what is pending now (also called by the frame timer): everything, or at most the
    /// frame cap (setFrameCap) while one is set. Once nothing is left waiting, extends the model's
    /// end to the last published edge, so open spans reach the engine's clock; while events still
    /// wait, the model ends at its last event (nothing after it is shown yet).
    void drain();
    /// Takes in everything pending, whatever the cap (a pause, a step, the end of a run).
    void drainAll();
    /// While `max_events` > 0, each drain() takes in at most that many events (the rest wait for
    /// the next one, in order) and the pump's own timer stays idle: the owner drains once per
    /// frame, so a frame's cost follows the cap, not the engine's speed. The engine is not
    /// drained further while events wait here, so its back-pressure (RunController::kMaxBacklog)
    /// still holds it. 0 (the default) = no cap, drained by the timer.
    void setFrameCap(size_t max_events);
    size_t frameCap() const noexcept { return frame_cap_; }
    /// Events taken from the engine but not yet in the model (GUI thread).
    size_t waiting() const noexcept { return batch_.size() - batch_taken_; }
    /// Producer side (any thread): every event up to virtual time `t_us` has been handed to the
    /// subscriber (call it after flush). The clock may be past the last event (a sleep, a wait).
    void publishEdge(int64_t t_us) { edge_us_.store(t_us, std::memory_order_release); }

  signals:
    /// A batch was appended (`count` events, possibly 0 when only the edge moved); the model now
    /// ends at `end_us`.
    void eventsAppended(int count, qint64 end_us);

  private:
    trace::BatchingSubscriber subscriber_;
    std::shared_ptr<trace::TraceModel> model_;
    void take(size_t max_events);

    /// A growing model doubles its event array; copying it at 1M and 2M events (with fresh
    /// pages to fault in) made single live frames of the 100k-task run take 0.5–0.9 s of CPU. Once
    /// a model passes kReserveFrom events, room for kReserveEvents is made at once: the big arrays
    /// are mapped lazily (trace/large_array.h), so the untouched room for events costs address
    /// space, not memory (the string table's hash slots, 8 MiB, are filled), and the array is
    /// copied once, early and small.
    static constexpr size_t kReserveFrom = size_t{1} << 17;
    static constexpr size_t kReserveEvents = size_t{1} << 23;
    bool reserved_ = false;
    std::vector<trace::Event> batch_;  ///< drained from the subscriber; [batch_taken_, end) wait
    size_t batch_taken_ = 0;
    size_t frame_cap_ = 0;
    QTimer frame_timer_;
    std::atomic<int64_t> edge_us_{std::numeric_limits<int64_t>::min()};
};

}  // namespace tasklens::ui
