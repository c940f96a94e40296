// Terms as deep as user data can make them: freeing, comparing (which pins and repeated pattern
// variables use), hashing, inspecting and tracing them, and reading a deeply nested JSON trace
// line, must not recurse on the C++ stack (issue 10). The tests build 10M-deep terms in C++; a
// recursive implementation overflows the default 8 MB stack long before that depth.
#include <gtest/gtest.h>

#include <span>
#include <sstream>
#include <string>

#include "engine/runtime/inspect.h"
#include "engine/runtime/runtime_impl.h"
#include "engine/runtime/term.h"
#include "engine/trace/trace_file.h"

namespace tasklens {
namespace {

using trace::Event;
using trace::EventKind;
using trace::read_trace;
using trace::RunInfo;
using trace::TraceFile;
using trace::write_trace;

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

// Each kind of deep term is built three times per test and no more (building and freeing 10M
// levels is most of these tests' time): two equal ones, then, after the second is freed, one that
// differs only at its leaf. Freeing is checked by every test: each one drops its 10M-deep terms
// at the end of a scope, and a recursive free would overflow the stack there. Hashing walks the
// whole term and is the dearest step (about three builds' time), so each deep term is hashed
// twice, for two equal terms; that different leaves give different hashes is checked on
// shallow terms (HashKeepsItsValuesForShallowTerms).

TEST(DeepTerm, TuplesCompareHashInspectTraceAndFree) {
    // At most two 10M-deep terms (320 MB each) live at once.
    Term a = deep_tuple(kDepth, Term::integer(1));
    {
        Term b = deep_tuple(kDepth, Term::integer(1));
        EXPECT_EQ(compare(a, b), 0);
        EXPECT_TRUE(exact_equal(a, b));  // what a pin or a repeated variable in a pattern uses
        EXPECT_EQ(hash(a), hash(b));
    }
    Term c = deep_tuple(kDepth, Term::floating(1.0));
    EXPECT_EQ(compare(a, c), 0);        // == : 1 == 1.0 at the bottom
    EXPECT_LT(compare_exact(a, c), 0);  // === : 1 < 1.0
    EXPECT_GT(compare_exact(c, a), 0);
    EXPECT_FALSE(exact_equal(a, c));

    const std::string text = inspect(a);  // the default limit stops the walk early
    EXPECT_EQ(text.substr(0, 4), "{{{{");
    EXPECT_NE(text.find("..."), std::string::npos);
    EXPECT_LT(text.size(), 200u);

    // The trace writer's text for a message holding the term: short, and a valid trace line.
    Event send;
    send.kind = EventKind::Send;
    send.pid = Pid{0, 80};
    send.peer = Pid{0, 81};
    send.text = render_term(c);
    EXPECT_LT(send.text.size(), 200u);
    EXPECT_TRUE(send.text.starts_with("{{{{")) << send.text;
    std::stringstream file;
    write_trace(file, RunInfo{}, std::span<const Event>(&send, 1));
    const TraceFile back = read_trace(file, "deep.jsonl");
    ASSERT_TRUE(back.ok()) << back.error->what();
    ASSERT_EQ(back.events.size(), 1u);
    EXPECT_EQ(back.events[0].text, send.text);

    a = Term();
    c = Term();
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

TEST(DeepTerm, ListsCompareHashAndFree) {
    Term a = deep_list(kDepth, Term::integer(1));
    {
        Term b = deep_list(kDepth, Term::integer(1));
        EXPECT_TRUE(exact_equal(a, b));
        EXPECT_EQ(hash(a), hash(b));
    }
    Term c = deep_list(kDepth, Term::integer(0));
    EXPECT_GT(compare(a, c), 0);
}

TEST(DeepTerm, MapsCompareHashAndFree) {
    // Maps cost ~100 bytes a level: 2M levels keep the test near 0.5 GB.
    Term a = deep_map(kDepth / 5, Term::integer(1));
    {
        Term b = deep_map(kDepth / 5, Term::integer(1));
        EXPECT_TRUE(exact_equal(a, b));
        EXPECT_EQ(hash(a), hash(b));
    }
    Term c = deep_map(kDepth / 5, Term::integer(3));
    EXPECT_LT(compare(a, c), 0);
}

TEST(DeepTerm, TheTraceReaderRefusesA10MDeepJsonLineWithItsLineNumber) {
    // A JSON array nested 10M deep on the second line: the general JSON parser and the value it
    // builds must not recurse, and the error names the line.
    std::string line(kDepth, '[');
    line.append(kDepth, ']');
    std::stringstream file;
    write_trace(file, RunInfo{}, {});
    file << line << "\n";
    const TraceFile read = read_trace(file, "deep.jsonl");
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error->line, 2u) << read.error->what();
    EXPECT_TRUE(read.events.empty());
}

TEST(DeepTerm, HashKeepsItsValuesForShallowTerms) {
    // The iterative hash folds children exactly as the recursive definition did, so partition
    // choices (PartitionSupervisor) do not move.
    Term t = Term::tuple({Term::integer(1), Term::list({Term::atom("a")}), Term::empty_map()});
    Term u = Term::tuple({Term::integer(1), Term::list({Term::atom("a")}), Term::empty_map()});
    EXPECT_EQ(hash(t), hash(u));
    EXPECT_NE(hash(t), hash(Term::tuple({Term::integer(1)})));
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
