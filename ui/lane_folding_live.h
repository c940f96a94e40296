#pragma once
// The folded timeline of a growing run, kept up to date from LiveTimeline's deltas: a new task
// under a folded group adds to the group's counts instead of refolding 100,000 lanes, a lane
// that changed updates its copy, new arrows are remapped and indexed. It folds like
// foldTimeline (lane_folding.h) and gives the same data (tests/ui/view_data_live_test.cpp); what
// it cannot follow in place (a new group forms, a member gets a child or a name, a lane appended
// under an expanded group that is not last) makes apply() say so, and the caller folds anew.
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ui/lane_folding.h"
#include "ui/view_data_live.h"

namespace tasklens::ui {

/// The alive/running/waiting steps, crashes and timeouts of one folded group, built member by
/// member. Changes before the settled time are final and become steps once; the rest (changes
/// of the latest moments, open spans and living members, which end at the run's end for now)
/// are recomputed at each publish. Gives what foldTimeline's summary gives for the same lanes.
class GroupTally {
  public:
    /// A new member, after the others in lane order; spans before `stable_spans` and waits
    /// before `stable_waits` never change again.
    void addMember(LaneGroup& group, const Lane& lane, uint32_t stable_spans, uint32_t stable_waits,
                   int64_t settled_before_us);
    /// A new member at `position` in member (lane) order: a live task whose initial call became
    /// known after later tasks had joined.
    void insertMember(LaneGroup& group, int position, const Lane& lane, uint32_t stable_spans,
                      uint32_t stable_waits, int64_t settled_before_us);
    /// Room for the changes of members with `spans` spans in all (a bulk fold).
    void reserve(size_t members, size_t spans) {
        pending_.reserve(pending_.size() + 2 * (members + spans));
    }
    /// Member `member` (in member order) now looks like `lane`.
    void updateMember(LaneGroup& group, int member, const Lane& lane, uint32_t stable_spans,
                      uint32_t stable_waits, int64_t settled_before_us);
    /// Writes the counts, peak and timeouts into `group`: steps before `settled_before_us` for
    /// good, the rest ending at `run_end_us`.
    void publish(LaneGroup& group, int64_t settled_before_us, int64_t run_end_us);

  private:
    struct Change {
        int64_t t_us = 0;
        int32_t alive = 0;
        int32_t running = 0;
        int32_t waiting = 0;
    };
    struct Member {
        uint32_t counted = 0;        ///< spans whose begin is in the changes
        uint32_t closed = 0;         ///< spans whose (final) end is in the changes
        uint32_t waits_counted = 0;  ///< final waits looked at for timeouts
        uint8_t open_class =
            0;  ///< of its span ending at the run's end: 0 none, 1 running, 2 waiting
        bool exited = false;
        bool listed = false;                        ///< in provisional_members_
        std::vector<int64_t> provisional_timeouts;  ///< inferred, not final yet
        std::vector<Change> provisional_ends;       ///< of closed spans not final yet
    };
    void add(int64_t t_us, int32_t alive, int32_t running, int32_t waiting);

    std::vector<Member> members_;
    std::vector<Change> pending_;  ///< changes not yet made into final steps
    GroupCountPoint settled_;      ///< the counts after every final step
    size_t settled_steps_ = 0;     ///< group.counts[0, this) are final
    int32_t settled_peak_ = 0;
    int32_t alive_ = 0;         ///< members alive now
    int32_t open_running_ = 0;  ///< members whose counted open span is running
    int32_t open_waiting_ = 0;
    std::vector<int64_t> final_timeouts_;   ///< sorted
    std::vector<int> provisional_members_;  ///< members with provisional timeouts
};

class LiveFold {
  public:
    explicit LiveFold(FoldOptions options = {}) : options_(options) {}
    /// Folds `full` anew; groups whose first member's pid is in `expanded` are open. Steps
    /// before `settled_before_us` are final (a finished trace: its run end).
    void rebuild(const TimelineData& full, const std::set<Pid>& expanded,
                 int64_t settled_before_us);
    /// Follows `delta` (full changed as it says). False if it cannot: then rebuild.
    bool apply(const TimelineData& full, const TimelineDelta& delta);
    /// The folded timeline, or null when nothing folds (draw `full` itself).
    const std::shared_ptr<TimelineData>& data() const { return data_; }

  private:
    struct KeyGroup {
        int parent_lane = -1;
        std::string title;
        std::vector<int> members;  ///< full lanes
        int group = -1;            ///< index into data_->groups when it folds
        int lane = -1;             ///< its group lane in data_
        GroupTally tally;
    };
    /// (parent lane, initial call) as one number; the call's id is made on first sight when
    /// `add`, else -1 is returned for a call never seen.
    int64_t keyOf(int parent_lane, const Lane& lane, bool add);
    bool eligible(int lane, const Lane& info) const;
    /// Records lane `lane` of `full` (appended in lane order): parent, leaf and key group.
    /// Returns false if that turns a folded member into a parent.
    bool track(const TimelineData& full, int lane);
    int copyLane(const TimelineData& full, int lane, int depth_shift);
    void updateCopy(const Lane& source, const LaneChange& change, Lane& copy);
    enum class Moved { Refold, Joined, OwnLane };
    /// Lane `lane` (not a folded member) now has another key: it moves to that key group, and
    /// into its folded group lane if there is one (its copy goes, its arrows follow). Refold if
    /// that cannot be done in place (a new group would form, an expanded or later group). With
    /// nothing folded yet (no data), only the key groups change.
    Moved moveKey(const TimelineData& full, int lane, const LaneChange& change);
    void publishGroups(int64_t run_end_us);

    FoldOptions options_;
    std::shared_ptr<TimelineData> data_;
    std::vector<KeyGroup> keys_;
    /// Initial calls by id: a lane's key is found without building a string per lane.
    struct CallHash {
        using is_transparent = void;
        size_t operator()(std::string_view text) const {
            return std::hash<std::string_view>{}(text);
        }
    };
    std::unordered_map<std::string, int, CallHash, std::equal_to<>> call_ids_;
    std::unordered_map<int64_t, int> key_index_;
    std::vector<int> key_of_;        ///< per full lane: its key group, -1 if it cannot fold
    std::vector<int> member_index_;  ///< per full lane: its place in the key group
    std::vector<int> parent_;        ///< per full lane
    std::vector<uint8_t> leaf_;      ///< per full lane
    std::vector<int> open_;          ///< the last lane seen at each depth
    std::vector<int> new_lane_;      ///< per full lane: its lane in data_ (-1: none)
    std::vector<int> source_of_;     ///< per lane of data_: its full lane (-1: a group lane)
    std::set<Pid> expanded_;
    int64_t settled_before_us_ = 0;
    int full_lanes_ = 0;
};

}  // namespace tasklens::ui
