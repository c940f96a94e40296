// Folding and collapsing of the supervision tree (ui/tree_folding.h), as tables.
#include "ui/tree_folding.h"

#include <gtest/gtest.h>

namespace tasklens::ui {
namespace {

TreeNode node(uint32_t serial, std::string call, int parent, bool alive = true,
              std::string name = {}) {
    TreeNode n;
    n.process.pid = Pid{0, serial};
    n.process.initial_call = std::move(call);
    n.process.registered_name = std::move(name);
    n.alive = alive;
    n.parent = parent;
    return n;
}

/// A supervisor (node 0) with `alive` task children (two ghosted: one done, one crashed), 30
/// other processes under node 1 (a named server), and `done`/`crashed` departed tasks.
TreeSnapshot taskTree(int alive, int done, int crashed) {
    TreeSnapshot tree;
    tree.at_us = 1000;
    tree.nodes.push_back(node(2, "Task.Supervisor.start_link/1", -1, true, "MyApp.TaskSup"));
    tree.nodes.push_back(node(3, "GenServer.init/1", -1, true, "MyApp.Server"));
    tree.roots = {0, 1};
    for (int k = 0; k < alive; ++k) {
        tree.nodes.push_back(node(100 + uint32_t(k), "Task fn in Worker.run/1", 0));
        tree.nodes[0].children.push_back(int(tree.nodes.size()) - 1);
    }
    TreeNode ghost_done = node(90, "Task fn in Worker.run/1", 0, false);
    TreeNode ghost_crash = node(91, "Task fn in Worker.run/1", 0, false);
    ghost_crash.exit_class = trace::ExitReasonClass::Crash;
    for (TreeNode ghost : {ghost_done, ghost_crash}) {
        tree.nodes.push_back(ghost);
        tree.nodes[0].children.push_back(int(tree.nodes.size()) - 1);
    }
    for (int k = 0; k < 30; ++k) {
        tree.nodes.push_back(node(5000 + uint32_t(k), "Other.run/" + std::to_string(k), 1));
        tree.nodes[1].children.push_back(int(tree.nodes.size()) - 1);
    }
    tree.departed.push_back({0, "Task fn in Worker.run/1", done, crashed});
    tree.edges.push_back({0, 2, TreeEdgeKind::Link});
    return tree;
}

TEST(TreeFolding, SimilarChildrenFoldIntoOneCountedBox) {
    const struct {
        const char* name;
        int alive, done, crashed;
        bool folds;
        int members, group_alive, group_done, group_crashed;
    } cases[] = {
        {"15 alive, 980 done, 5 crashed", 15, 979, 4, true, 1000, 15, 980, 5},
        {"few alive but many departed", 3, 10, 0, true, 15, 3, 11, 1},
        {"too few to fold", 3, 1, 0, false, 0, 0, 0, 0},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const TreeSnapshot tree = taskTree(c.alive, c.done, c.crashed);
        const TreeSnapshot folded = foldTree(tree);
        int boxes = 0;
        for (const TreeNode& n : folded.nodes) {
            if (n.group_members == 0) continue;
            ++boxes;
            EXPECT_EQ(n.group_members, c.members);
            EXPECT_EQ(n.group_alive, c.group_alive);
            EXPECT_EQ(n.group_done, c.group_done);
            EXPECT_EQ(n.group_crashed, c.group_crashed);
            EXPECT_EQ(n.parent, 0);
            EXPECT_TRUE(n.children.empty());
        }
        EXPECT_EQ(boxes, c.folds ? 1 : 0);
        if (c.folds) {
            // The supervisor has one child box; the links to members are gone with them.
            EXPECT_EQ(folded.nodes[0].children.size(), 1u);
            EXPECT_TRUE(folded.edges.empty());
            EXPECT_EQ(folded.nodes.size(), 2u + 1u + 30u);
        }
    }
    EXPECT_EQ(groupLabel(1000, "Task fn in Worker.run/1", 980, 15, 5),
              "1,000 \u00d7 Task fn in Worker.run/1 \u2014 980 done, 15 alive, 5 crashed");
}

TEST(TreeFolding, ASmallTreeIsNotFolded) {
    TreeSnapshot tree;
    tree.nodes.push_back(node(2, "Sup", -1));
    tree.roots = {0};
    for (int k = 0; k < 20; ++k) {
        tree.nodes.push_back(node(10 + uint32_t(k), "Task fn", 0));
        tree.nodes[0].children.push_back(k + 1);
    }
    EXPECT_EQ(foldTree(tree).nodes.size(), 21u);
}

TEST(TreeFolding, AnExpandedGroupShowsItsAliveMembers) {
    const TreeSnapshot tree = taskTree(15, 979, 4);
    const TreeSnapshot folded = foldTree(tree);
    int box = -1;
    for (size_t i = 0; i < folded.nodes.size(); ++i)
        if (folded.nodes[i].group_members > 0) box = int(i);
    ASSERT_GE(box, 0);
    const TreeGroupKey key = groupKeyOf(folded, box);
    EXPECT_EQ(key.first, (Pid{0, 2}));
    EXPECT_EQ(key.second, "Task fn in Worker.run/1");
    const TreeSnapshot expanded = foldTree(tree, {key});
    // 15 alive + 2 ghosts as boxes, plus one box for the 983 departed.
    EXPECT_EQ(expanded.nodes[0].children.size(), 18u);
    const TreeNode& departed = expanded.nodes[size_t(expanded.nodes[0].children.back())];
    EXPECT_EQ(departed.group_members, 983);
    EXPECT_EQ(departed.group_crashed, 4);
    EXPECT_FALSE(departed.alive);
}

TEST(TreeFolding, CollapsedSubtreesCountWhatTheyHide) {
    const TreeSnapshot tree = taskTree(5, 0, 0);
    const TreeSnapshot collapsed = collapseSubtrees(tree, {Pid{0, 3}});
    ASSERT_EQ(collapsed.nodes.size(), tree.nodes.size() - 30);
    EXPECT_EQ(collapsed.nodes[1].hidden_descendants, 30);
    EXPECT_TRUE(collapsed.nodes[1].children.empty());
    EXPECT_EQ(collapsed.nodes[0].children.size(), 7u);
    EXPECT_EQ(collapsed.edges.size(), 1u);
    EXPECT_EQ(collapseSubtrees(tree, {}).nodes.size(), tree.nodes.size());
}

TEST(TreeFolding, SearchFindsNamesPidsAndCalls) {
    const TreeSnapshot tree = taskTree(5, 0, 0);
    EXPECT_EQ(findTreeNodes(tree, "myapp.server"), std::vector<int>{1});
    EXPECT_EQ(findTreeNodes(tree, "<0.102.0>"), std::vector<int>{4});
    EXPECT_EQ(findTreeNodes(tree, "Other.run/29").size(), 1u);
    EXPECT_EQ(findTreeNodes(tree, "worker.run").size(), 7u);
    EXPECT_TRUE(findTreeNodes(tree, "nothing like it").empty());
    EXPECT_TRUE(findTreeNodes(tree, "").empty());
}

}  // namespace
}  // namespace tasklens::ui
