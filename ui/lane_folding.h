#pragma once
// Folding of similar lanes (plain code, no Qt): the children of one parent that run the same code
// (10,000 × "Task.Supervisor.async_nolink/3 fn") become one group lane that shows how many were
// alive, running and waiting over time, with a mark at every crash and timeout. A group expands
// on demand. The timeline widget and the exports draw the same folded data, and the notes say
// what was folded, so no lane disappears without a word.
#include <set>
#include <string>
#include <vector>

#include "ui/view_data.h"

namespace tasklens::ui {

struct FoldOptions {
    /// Fewer similar siblings than this stay separate lanes.
    int min_group = 8;
    /// A timeline with at most this many lanes is not folded at all: every lane fits.
    int fold_above_lanes = 40;
};

/// Lanes that can fold into one: leaf siblings (same parent lane) with the same initial
/// call and no registered name.
struct FoldCandidate {
    int parent_lane = -1;      ///< -1: the members are roots
    std::string title;         ///< their common initial call
    std::vector<int> members;  ///< lane indexes in the full timeline, in order
};

/// The groups of `full` that fold under `options`, in order of their first member.
std::vector<FoldCandidate> findFoldCandidates(const TimelineData& full,
                                              const FoldOptions& options = {});

/// The timeline as drawn: every candidate not in `expanded` (indexes into `candidates`) becomes
/// one group lane where its first member was; an expanded one gets a group lane above its members.
/// Arrows to and from folded members end at the group lane; arrows inside a group are dropped.
TimelineData foldTimeline(const TimelineData& full, const std::vector<FoldCandidate>& candidates,
                          const std::set<int>& expanded = {});

/// One line per fold for a picture's caption, e.g.
/// "10,000 lanes folded into 1 group: 10,000 × Task fn — 9,995 done, 5 crashed".
std::vector<std::string> foldNotes(const TimelineData& folded);

/// "+12 more lanes" style note for lanes that did not fit (empty when `hidden` is 0).
std::string moreLanesNote(int hidden);

}  // namespace tasklens::ui
