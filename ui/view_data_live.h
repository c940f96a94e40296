#pragma once
// The timeline of a live run, kept up to date from its growing trace model in time proportional
// to what changed (issue 13: a frame of a 100k-process run must not rebuild 100k lanes). Each
// update converts only the new events' processes and the still-open items (the last span of a
// live process, waits not ended yet), appends new lanes where the depth-first layout puts them
// (after the last lane: a new task under the newest supervisor), and says what changed in a
// TimelineDelta, so the folding (lane_folding_live.h) and the painters follow in place. What it
// produces is what buildTimelineData gives for the same model (tests/ui/view_data_live_test.cpp);
// the rare change that moves lanes (a restarted child goes next to its earlier incarnations) lays
// the whole timeline out again.
#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/trace/trace_model.h"
#include "ui/view_data.h"

namespace tasklens::ui {

/// What one update changed in one lane.
struct LaneChange {
    int lane = 0;
    bool added = false;         ///< a new lane, appended at the end
    bool info_changed = false;  ///< name, role, exit or restarts (not spans or waits)
    uint32_t first_span = 0;    ///< spans from here on are new or replaced
    uint32_t stable_spans = 0;  ///< spans before this index never change again
    uint32_t first_wait = 0;    ///< waits from here on are new or replaced
    uint32_t stable_waits = 0;  ///< waits before this index never change again
};

/// What one update changed in the timeline data.
struct TimelineDelta {
    bool relaid = false;            ///< laid out from scratch: nothing below applies, rebuild all
    int old_lane_count = 0;         ///< lanes at and after this index are new
    std::vector<LaneChange> lanes;  ///< in lane order
    size_t first_new_arrow = 0;     ///< arrows at and after this index are new
    /// Per series (processes_alive, tasks_in_flight, busy_schedulers): points from here on are
    /// new or replaced.
    std::array<size_t, 3> first_series_point{};
    /// The last event time seen: no later update adds or ends anything before it.
    int64_t settled_before_us = 0;
};

class LiveTimeline {
  public:
    LiveTimeline();
    /// Catches up with `model`, which has only grown since the last update (events appended,
    /// its end extended). A different model, or one that shrank, starts over.
    const TimelineDelta& update(const trace::TraceModel& model);
    /// The data, updated in place by each update (the painters hold the same object).
    const std::shared_ptr<TimelineData>& data() const { return data_; }
    const TimelineDelta& lastDelta() const { return delta_; }

  private:
    /// What a lane's name, role, exit and restarts are made of: a lane is labelled again only
    /// when this changes.
    struct InfoKey {
        int64_t exit_us = trace::kOpenEnd;
        trace::StringId exit_reason = 0;
        trace::StringId initial_call = 0;
        uint32_t names = 0;
        trace::StringId last_name = 0;
        uint8_t reason_class = 0;
        uint8_t kind = 0;  ///< is_task, is_supervisor
        int incarnation = 0;
        bool operator==(const InfoKey&) const = default;
    };
    /// How far each process's states and waits were converted for good.
    struct Progress {
        uint32_t final_states = 0;   ///< model states converted that never change again
        uint32_t final_spans = 0;    ///< lane spans made from them
        uint32_t final_windows = 0;  ///< wait_windows_of entries converted for good
        uint32_t final_waits = 0;    ///< lane waits made from them
        trace::ProcessIndex tree_parent = trace::kNone;
        /// The earliest deadline of its open waits (kOpenEnd: none).
        int64_t open_deadline_us = trace::kOpenEnd;
        bool open_emitted = false;  ///< the lane's last span is the open state
        bool unsettled = false;     ///< a closed state may still be reopened
        InfoKey info;
    };
    InfoKey infoKeyOf(const trace::TraceModel& model, trace::ProcessIndex p) const;

    void relayout(const trace::TraceModel& model);
    bool placeNewProcesses(const trace::TraceModel& model, uint32_t first);
    /// Takes in the child slots' new incarnations: the slots made since the last scan and those
    /// refilled by a ChildRestart among the events from `first_event` on (with no slot seen
    /// yet, every slot).
    void scanSlots(const trace::TraceModel& model, bool* moved, uint32_t first_event);
    Lane laneInfo(const trace::TraceModel& model, trace::ProcessIndex p) const;
    /// Converts what is new or open in p's states and waits; returns the lane's change.
    LaneChange convert(const trace::TraceModel& model, trace::ProcessIndex p);
    void addArrows(const trace::TraceModel& model, uint32_t first_process);
    void copySeries(const trace::TraceModel& model);
    void setRange(const trace::TraceModel& model);

    std::shared_ptr<TimelineData> data_;
    TimelineDelta delta_;
    const trace::TraceModel* model_ = nullptr;
    uint32_t seen_events_ = 0;
    uint32_t seen_processes_ = 0;
    uint32_t seen_arrows_ = 0;
    std::vector<uint32_t> seen_incarnations_;       ///< per child slot
    std::vector<trace::ProcessIndex> restarted_;    ///< scratch: supervisors that restarted
    std::vector<int> lane_of_;                      ///< per process
    std::vector<Progress> progress_;                ///< per process
    std::vector<int> incarnation_;                  ///< per process
    std::vector<trace::ProcessIndex> slot_anchor_;  ///< per process
    std::vector<trace::ProcessIndex> last_path_;    ///< root .. the last lane's process
    std::vector<trace::ProcessIndex> process_of_lane_;
    std::vector<trace::ProcessIndex> open_spans_;  ///< processes whose last state is open
    std::vector<trace::ProcessIndex> open_waits_;  ///< processes with open waits with deadlines
    std::vector<trace::ProcessIndex> unsettled_;   ///< processes with unsettled closed states
    int64_t settled_us_ = 0;                       ///< the last event's time
    std::vector<int> unbounded_wait_lanes_;        ///< lanes whose reach follows the trace end
    std::vector<bool> unbounded_wait_lane_;
    std::array<size_t, 3> series_copied_{};  ///< model points copied per series
    std::array<bool, 3> series_extended_{};  ///< a last point at the run's end was added
};

}  // namespace tasklens::ui
