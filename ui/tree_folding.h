#pragma once
// Folding and collapsing of the supervision tree (plain code, no Qt): N similar children of one
// parent (leaves running the same code, without a registered name) become one box,
// "1,000 × Task fn in Worker.run/1 — 980 done, 15 alive, 5 crashed", that counts the children that
// already left too; a box expands on demand. A collapsed node hides its subtree behind a "+N"
// badge. Both produce a new TreeSnapshot, so the painter and the exports draw them as they are.
#include <set>
#include <string>
#include <utility>

#include "ui/view_data.h"

namespace tasklens::ui {

struct TreeFoldOptions {
    /// Similar children (alive and departed together) needed for a folded box.
    int min_group = 8;
    /// A tree with at most this many nodes is drawn as it is: every box fits.
    int fold_above_nodes = 24;
};

/// Identifies a folded box across snapshots: the parent's pid and the children's initial call.
using TreeGroupKey = std::pair<Pid, std::string>;

/// The tree with similar children folded into one box each, except the groups in `expanded`
/// (their alive members stay separate boxes; the departed ones are still counted in a box).
TreeSnapshot foldTree(const TreeSnapshot& tree, const std::set<TreeGroupKey>& expanded = {},
                      const TreeFoldOptions& options = {});
/// The key of a folded box (`node` must have group_members > 0).
TreeGroupKey groupKeyOf(const TreeSnapshot& folded, int node);

/// The tree without the subtrees under `collapsed` nodes (by pid); each collapsed node counts
/// what it hides in `hidden_descendants`. Links and monitors to hidden nodes are dropped.
TreeSnapshot collapseSubtrees(const TreeSnapshot& tree, const std::set<Pid>& collapsed);

/// Nodes whose name, pid or initial call contains `text` (case-insensitive), in node order.
std::vector<int> findTreeNodes(const TreeSnapshot& tree, const std::string& text);

}  // namespace tasklens::ui
