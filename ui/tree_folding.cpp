#include "ui/tree_folding.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string_view>
#include <utility>

namespace tasklens::ui {

namespace {

bool foldable(const TreeNode& node) {
    return node.children.empty() && node.process.registered_name.empty() &&
           !node.process.initial_call.empty() && node.group_members == 0;
}

/// Copies `source` nodes selected by `keep` (old index -> new index, -1 = dropped) into a new
/// snapshot, remapping parents, children, roots and edges.
TreeSnapshot remap(const TreeSnapshot& source, const std::vector<int>& new_index,
                   std::vector<TreeNode> nodes) {
    TreeSnapshot out;
    out.at_us = source.at_us;
    out.nodes = std::move(nodes);
    for (TreeNode& node : out.nodes) {
        node.parent = node.parent >= 0 ? new_index[size_t(node.parent)] : -1;
        std::vector<int> children;
        for (const int child : node.children)
            if (new_index[size_t(child)] >= 0) children.push_back(new_index[size_t(child)]);
        node.children = std::move(children);
    }
    for (const int root : source.roots)
        if (new_index[size_t(root)] >= 0) out.roots.push_back(new_index[size_t(root)]);
    for (const TreeEdge& edge : source.edges) {
        const int from = new_index[size_t(edge.from)], to = new_index[size_t(edge.to)];
        if (from >= 0 && to >= 0 && from != to) out.edges.push_back({from, to, edge.kind});
    }
    for (const DepartedChildren& d : source.departed) {
        if (d.parent < 0 || new_index[size_t(d.parent)] < 0) continue;
        DepartedChildren copy = d;
        copy.parent = new_index[size_t(d.parent)];
        out.departed.push_back(std::move(copy));
    }
    return out;
}

}  // namespace

TreeSnapshot foldTree(const TreeSnapshot& tree, const std::set<TreeGroupKey>& expanded,
                      const TreeFoldOptions& options) {
    if (static_cast<int>(tree.nodes.size()) <= options.fold_above_nodes) return tree;
    const size_t count = tree.nodes.size();
    // Per parent: similar leaf children and departed tallies, by initial call.
    struct Group {
        int parent = -1;
        std::string_view call;           // into `tree`, which outlives this function's work
        std::vector<int> alive_members;  // node indexes (alive or ghosted leaves)
        int departed_done = 0;
        int departed_crashed = 0;
    };
    // Keyed by views into `tree`: a 50,000-node snapshot would otherwise copy a string per node.
    std::map<std::pair<int, std::string_view>, Group> groups;
    for (size_t i = 0; i < count; ++i) {
        const TreeNode& node = tree.nodes[i];
        if (node.parent < 0 || !foldable(node)) continue;
        Group& g = groups[{node.parent, node.process.initial_call}];
        g.parent = node.parent;
        g.call = node.process.initial_call;
        g.alive_members.push_back(int(i));
    }
    for (const DepartedChildren& d : tree.departed) {
        Group& g = groups[{d.parent, d.initial_call}];
        g.parent = d.parent;
        g.call = d.initial_call;
        g.departed_done += d.done;
        g.departed_crashed += d.crashed;
    }
    std::vector<int> new_index(count, -1);
    std::vector<TreeNode> nodes;
    nodes.reserve(count);
    // Which node each folded member turns into: the group box sits where its first member was.
    std::vector<const Group*> box_of(count, nullptr);
    std::vector<const Group*> departed_only;
    for (const auto& [key, g] : groups) {
        const int members = int(g.alive_members.size()) + g.departed_done + g.departed_crashed;
        if (members < options.min_group) continue;
        const bool open =
            expanded.count({tree.nodes[size_t(g.parent)].process.pid, std::string(g.call)}) > 0;
        if (open || g.alive_members.empty()) {
            // Only the departed ones are summarized (the alive ones stay separate boxes).
            if (g.departed_done + g.departed_crashed > 0) departed_only.push_back(&g);
            continue;
        }
        for (const int m : g.alive_members) box_of[size_t(m)] = &g;
    }
    std::map<const Group*, int> box_index;
    auto summarize = [&](const Group& g, TreeNode& box) {
        int alive = 0, ghosts_done = 0, ghosts_crashed = 0;
        for (const int m : g.alive_members) {
            const TreeNode& member = tree.nodes[size_t(m)];
            if (member.alive) {
                ++alive;
            } else if (member.exit_class == trace::ExitReasonClass::Normal ||
                       member.exit_class == trace::ExitReasonClass::Shutdown) {
                ++ghosts_done;
            } else {
                ++ghosts_crashed;
            }
        }
        box.group_alive = alive;
        box.group_done = g.departed_done + ghosts_done;
        box.group_crashed = g.departed_crashed + ghosts_crashed;
        box.group_members = alive + box.group_done + box.group_crashed;
        box.alive = alive > 0;
        box.children.clear();
        box.restarts = 0;
        box.child_id.clear();
    };
    for (size_t i = 0; i < count; ++i) {
        const Group* g = box_of[i];
        if (g == nullptr) {
            new_index[i] = int(nodes.size());
            nodes.push_back(tree.nodes[i]);
            continue;
        }
        auto [it, fresh] = box_index.try_emplace(g, int(nodes.size()));
        if (fresh) {
            TreeNode box = tree.nodes[i];
            summarize(*g, box);
            nodes.push_back(std::move(box));
        }
        new_index[i] = it->second;
    }
    // Departed-only boxes: appended as extra children of their parent.
    std::vector<std::pair<int, int>> extra_children;  // (old parent, new node)
    for (const Group* g : departed_only) {
        TreeNode box;
        box.process.initial_call = std::string(g->call);
        box.process.role = ProcessRole::Task;
        box.parent = g->parent;
        box.alive = false;
        box.group_done = g->departed_done;
        box.group_crashed = g->departed_crashed;
        box.group_members = box.group_done + box.group_crashed;
        box.exit_class =
            box.group_crashed > 0 ? trace::ExitReasonClass::Crash : trace::ExitReasonClass::Normal;
        extra_children.emplace_back(g->parent, int(nodes.size()));
        nodes.push_back(std::move(box));
    }
    // remap() rewrites parents and children through new_index; members folded into one box
    // appear once in their parent's child list.
    TreeSnapshot out = remap(tree, new_index, std::move(nodes));
    // Linear: an expanded group leaves tens of thousands of children under one parent.
    std::vector<int> listed_under(out.nodes.size(), -1);
    for (size_t n = 0; n < out.nodes.size(); ++n) {
        TreeNode& node = out.nodes[n];
        std::vector<int> unique;
        unique.reserve(node.children.size());
        for (const int c : node.children)
            if (std::exchange(listed_under[size_t(c)], int(n)) != int(n)) unique.push_back(c);
        node.children = std::move(unique);
    }
    for (const auto& [old_parent, node] : extra_children) {
        const int parent = new_index[size_t(old_parent)];
        out.nodes[size_t(node)].parent = parent;
        if (parent >= 0) out.nodes[size_t(parent)].children.push_back(node);
    }
    // A group box has no edges of its own: links of 1,000 members to one supervisor say nothing.
    std::vector<TreeEdge> edges;
    for (const TreeEdge& e : out.edges)
        if (out.nodes[size_t(e.from)].group_members == 0 &&
            out.nodes[size_t(e.to)].group_members == 0)
            edges.push_back(e);
    out.edges = std::move(edges);
    out.departed.clear();
    return out;
}

TreeGroupKey groupKeyOf(const TreeSnapshot& folded, int node) {
    const TreeNode& box = folded.nodes[size_t(node)];
    const Pid parent = box.parent >= 0 ? folded.nodes[size_t(box.parent)].process.pid : Pid{};
    return {parent, box.process.initial_call};
}

TreeSnapshot collapseSubtrees(const TreeSnapshot& tree, const std::set<Pid>& collapsed) {
    if (collapsed.empty()) return tree;
    const size_t count = tree.nodes.size();
    std::vector<int> new_index(count, -1);
    std::vector<TreeNode> nodes;
    std::vector<int> hidden_by(count, -1);  // the collapsed ancestor (old index) hiding a node
    // Depth-first with an explicit stack: a deep tree must not overflow the C++ stack.
    std::vector<std::pair<int, int>> stack;  // (node, collapsed ancestor or -1)
    for (auto it = tree.roots.rbegin(); it != tree.roots.rend(); ++it) stack.push_back({*it, -1});
    std::vector<int> order;
    while (!stack.empty()) {
        const auto [n, hider] = stack.back();
        stack.pop_back();
        hidden_by[size_t(n)] = hider;
        order.push_back(n);
        const TreeNode& node = tree.nodes[size_t(n)];
        const int child_hider =
            hider >= 0 ? hider
                       : (collapsed.count(node.process.pid) && node.group_members == 0 ? n : -1);
        for (auto it = node.children.rbegin(); it != node.children.rend(); ++it)
            stack.push_back({*it, child_hider});
    }
    std::sort(order.begin(), order.end());
    std::vector<int> hidden_count(count, 0);
    for (const int n : order) {
        if (hidden_by[size_t(n)] >= 0) {
            ++hidden_count[size_t(hidden_by[size_t(n)])];
            continue;
        }
        new_index[size_t(n)] = int(nodes.size());
        nodes.push_back(tree.nodes[size_t(n)]);
    }
    TreeSnapshot out = remap(tree, new_index, std::move(nodes));
    for (size_t i = 0; i < count; ++i)
        if (new_index[i] >= 0) out.nodes[size_t(new_index[i])].hidden_descendants = hidden_count[i];
    return out;
}

std::vector<int> findTreeNodes(const TreeSnapshot& tree, const std::string& text) {
    std::vector<int> found;
    if (text.empty()) return found;
    auto lower = [](std::string s) {
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    const std::string needle = lower(text);
    for (size_t i = 0; i < tree.nodes.size(); ++i) {
        const ProcessLabel& p = tree.nodes[i].process;
        const std::string haystack =
            lower(p.registered_name + "\n" + p.initial_call + "\n" +
                  (tree.nodes[i].group_members > 0 ? std::string() : formatPid(p.pid)));
        if (haystack.find(needle) != std::string::npos) found.push_back(int(i));
    }
    return found;
}

}  // namespace tasklens::ui
