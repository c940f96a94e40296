// Terms: construction, Erlang term order, maps, lists (the runtime relies on these).
#include <gtest/gtest.h>

#include <thread>

#include "engine/runtime/term.h"

namespace tasklens {
namespace {

TEST(Term, ImmediatesAndBoxedValues) {
    EXPECT_TRUE(Term::integer(1).is_integer());
    EXPECT_TRUE(Term().is_nil());
    EXPECT_TRUE(Term::atom("ok").is_atom(atom::ok));
    Term tuple = Term::tuple({Term::integer(1), Term::atom(atom::ok)});
    ASSERT_TRUE(tuple.is_tuple(2));
    EXPECT_EQ(tuple.element(0).as_integer(), 1);
    Term copy = tuple;  // shared, not copied
    EXPECT_EQ(copy.heap_object(), tuple.heap_object());
    EXPECT_EQ(tuple.heap_object()->refcount, 2u);
}

TEST(Term, ErlangTermOrder) {
    // number < atom < reference < fun < pid < tuple < map < [] < list < binary
    std::vector<Term> ordered = {
        Term::integer(1),        Term::atom("a"),
        Term::reference(Ref{1}), Term::pid(Pid{0, 1}),
        Term::tuple({}),         Term::empty_map(),
        Term::empty_list(),      Term::list({Term::integer(1)}),
        Term::binary("x"),
    };
    for (size_t k = 0; k + 1 < ordered.size(); ++k)
        EXPECT_LT(compare(ordered[k], ordered[k + 1]), 0) << k;
    EXPECT_EQ(compare(Term::integer(1), Term::floating(1.0)), 0);
    EXPECT_LT(compare_exact(Term::integer(1), Term::floating(1.0)), 0);
}

TEST(Term, MapsKeepTheLastDuplicateAndLookUpExactly) {
    Term m = Term::map({{Term::atom("a"), Term::integer(1)}, {Term::atom("a"), Term::integer(2)}});
    EXPECT_EQ(m.map_size(), 1u);
    EXPECT_EQ(m.map_find(Term::atom("a"))->as_integer(), 2);
    Term m2 = m.map_put(Term::integer(1), Term::atom("one"));
    EXPECT_EQ(m2.map_size(), 2u);
    EXPECT_EQ(m.map_size(), 1u);  // immutable
    EXPECT_EQ(m2.map_find(Term::floating(1.0)), nullptr);
}

TEST(Term, ALongListIsFreedWithoutRecursion) {
    Term list = Term::empty_list();
    for (int k = 0; k < 1'000'000; ++k) list = Term::cons(Term::integer(k), std::move(list));
    EXPECT_EQ(list_length(list), 1'000'000);
    list = Term();  // must not overflow the stack
    SUCCEED();
}

// List cells come from a per-thread pool (term.cpp): cells freed on another thread, and by a
// thread that then ends, are reused by later lists without either list seeing the other's terms.
TEST(Term, ListCellsFreedOnOtherThreadsAreReusedIntact) {
    auto build = [](int from, int n) {
        Term list = Term::empty_list();
        for (int k = from + n - 1; k >= from; --k)
            list =
                Term::cons(Term::tuple({Term::integer(k), Term::binary("cell")}), std::move(list));
        return list;
    };
    auto sum = [](const Term& list) {
        int64_t total = 0;
        for (ListIterator it(list); !it.done(); ++it) total += (*it).element(0).as_integer();
        return total;
    };
    Term made_here = build(0, 100'000);
    Term made_there;
    std::thread other([&] {
        made_there = build(100'000, 50'000);  // carved from the other thread's blocks
        made_here = Term();                   // freed on the other thread, which then ends
    });
    other.join();
    Term again = build(0, 200'000);  // reuses cells of both kinds
    EXPECT_EQ(sum(made_there), (100'000LL + 149'999LL) * 50'000 / 2);
    EXPECT_EQ(sum(again), 199'999LL * 200'000 / 2);
    EXPECT_EQ(list_length(again), 200'000);
    made_there = Term();
    Term last = build(7, 3);
    EXPECT_EQ(sum(last), 7 + 8 + 9);
}

}  // namespace
}  // namespace tasklens
