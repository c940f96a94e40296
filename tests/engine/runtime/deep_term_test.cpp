// Terms as deep as user data can make them: freeing, comparing, hashing and inspecting them must
// not recurse on the C++ stack (issue 10). Each test builds a 10M-deep term in C++; a recursive
// implementation overflows the default 8 MB stack long before that depth.
#include <gtest/gtest.h>

#include <string>

#include "engine/runtime/inspect.h"
#include "engine/runtime/term.h"

namespace tasklens {
namespace {

constexpr int kDepth = 10'000'000;

// Enum.reduce(1..depth, leaf, fn _, a -> {a} end)
Term deep_tuple(int depth, Term leaf = Term::atom("leaf")) {
    Term t = std::move(leaf);
    for (int i = 0; i < depth; ++i) t = Term::tuple({std::move(t)});
    return t;
}

// [[[...[leaf]...]]]: each level is a one-element list holding the level below.
Term deep_list(int depth, Term leaf = Term::atom("leaf")) {
    Term t = std::move(leaf);
    for (int i = 0; i < depth; ++i) t = Term::cons(std::move(t), Term::empty_list());
    return t;
}

// %{a: %{a: ...}}
Term deep_map(int depth, Term leaf = Term::atom("leaf")) {
    Term t = std::move(leaf);
    const Term key = Term::atom("a");
    for (int i = 0; i < depth; ++i) t = Term::map({{key, std::move(t)}});
    return t;
}

TEST(DeepTerm, FreeingADeepTupleListOrMapDoesNotRecurse) {
    { Term t = deep_tuple(kDepth); }
    { Term t = deep_list(kDepth); }
    { Term t = deep_map(kDepth / 5); }
    // Still usable afterwards: the free queue drained.
    Term small = Term::tuple({Term::integer(1)});
    EXPECT_EQ(small.element(0).as_integer(), 1);
}

TEST(DeepTerm, ASharedSubtermSurvivesTheFreeOfItsParent) {
    Term shared = deep_tuple(1000);
    { Term parent = deep_tuple(kDepth / 10, shared); }
    EXPECT_EQ(shared.heap_object()->refcount, 1u);
    EXPECT_TRUE(shared.is_tuple(1));
}

TEST(DeepTerm, EqualDeepTuplesCompareEqualAndDifferentLeavesOrderByTheLeaf) {
    // At most two 10M-deep terms (320 MB each) live at once.
    Term a = deep_tuple(kDepth, Term::integer(1));
    {
        Term b = deep_tuple(kDepth, Term::integer(1));
        EXPECT_EQ(compare(a, b), 0);
        EXPECT_TRUE(exact_equal(a, b));
    }
    {
        Term c = deep_tuple(kDepth, Term::integer(2));
        EXPECT_LT(compare(a, c), 0);
        EXPECT_GT(compare(c, a), 0);
    }
    Term d = deep_tuple(kDepth, Term::floating(1.0));
    EXPECT_EQ(compare(a, d), 0);        // == : 1 == 1.0 at the bottom
    EXPECT_LT(compare_exact(a, d), 0);  // === : 1 < 1.0
}

TEST(DeepTerm, DeepListsAndMapsCompare) {
    {
        Term a = deep_list(kDepth, Term::integer(1));
        EXPECT_TRUE(exact_equal(a, deep_list(kDepth, Term::integer(1))));
        EXPECT_GT(compare(a, deep_list(kDepth, Term::integer(0))), 0);
    }
    // Maps cost ~100 bytes a level: 2M levels keep the test near 0.5 GB.
    Term m = deep_map(kDepth / 5, Term::integer(1));
    EXPECT_TRUE(exact_equal(m, deep_map(kDepth / 5, Term::integer(1))));
    EXPECT_LT(compare(m, deep_map(kDepth / 5, Term::integer(3))), 0);
}

TEST(DeepTerm, HashOfEqualDeepTermsIsEqual) {
    const size_t h = hash(deep_tuple(kDepth, Term::integer(7)));
    EXPECT_EQ(h, hash(deep_tuple(kDepth, Term::integer(7))));
    EXPECT_NE(h, hash(deep_tuple(kDepth, Term::integer(8))));
    const size_t l = hash(deep_list(kDepth));
    EXPECT_EQ(l, hash(deep_list(kDepth)));
    const size_t m = hash(deep_map(kDepth / 5));
    EXPECT_EQ(m, hash(deep_map(kDepth / 5)));
}

TEST(DeepTerm, HashKeepsItsValuesForShallowTerms) {
    // The iterative hash folds children exactly as the recursive definition did, so partition
    // choices (PartitionSupervisor) do not move.
    Term t = Term::tuple({Term::integer(1), Term::list({Term::atom("a")}), Term::empty_map()});
    Term u = Term::tuple({Term::integer(1), Term::list({Term::atom("a")}), Term::empty_map()});
    EXPECT_EQ(hash(t), hash(u));
    EXPECT_NE(hash(t), hash(Term::tuple({Term::integer(1)})));
}

TEST(DeepTerm, InspectWithTheDefaultLimitStopsAtTheLimit) {
    Term t = deep_tuple(kDepth);
    std::string text = inspect(t);
    EXPECT_EQ(text.substr(0, 4), "{{{{");
    EXPECT_NE(text.find("..."), std::string::npos);
    EXPECT_LT(text.size(), 200u);
}

TEST(DeepTerm, InspectWithAnInfiniteLimitPrintsEveryLevel) {
    // limit: :infinity must walk the whole term. 1M levels keep the test's memory modest (the
    // document arena holds a few nodes per level); the walk is the same at any depth.
    constexpr int depth = 1'000'000;
    InspectOptions options;
    options.limit = -1;
    std::string text = inspect(deep_tuple(depth), options);
    EXPECT_EQ(text, std::string(depth, '{') + ":leaf" + std::string(depth, '}'));
    std::string list_text = inspect(deep_list(depth, Term::integer(300)), options);
    EXPECT_EQ(list_text, std::string(depth, '[') + "300" + std::string(depth, ']'));
    std::string map_text = inspect(deep_map(depth), options);
    EXPECT_EQ(map_text.substr(0, 9), "%{a: %{a:");
    EXPECT_EQ(map_text.size(), depth * std::string("%{a: }").size() + std::string(":leaf").size());
    // Pretty printing puts every level on its own, further indented line (as Elixir does), so
    // its output grows with the square of the depth by nature: a shallower term checks it.
    options.pretty = true;
    std::string pretty = inspect(deep_map(2000), options);
    EXPECT_TRUE(pretty.starts_with("%{\n  a: %{\n    a: %{")) << pretty.substr(0, 40);
}

TEST(DeepTerm, InspectOfALongImproperList) {
    InspectOptions options;
    options.limit = -1;
    Term improper = Term::integer(0);
    for (int i = 0; i < 100'000; ++i) improper = Term::cons(Term::integer(1), std::move(improper));
    // [1, 1, ..., 1 | 0]
    std::string text = inspect(improper, options);
    EXPECT_EQ(text.substr(0, 7), "[1, 1, ");
    EXPECT_TRUE(text.ends_with("1, 1 | 0]")) << text.substr(text.size() - 20);
}

}  // namespace
}  // namespace tasklens
