// The process dictionary: `=:=` keys, insertion order, a stored nil told from an absent key, and
// the same answers before and after the hash index is built and after holes are compacted.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "engine/runtime/process_dictionary.h"

namespace tasklens {
namespace {

std::vector<int64_t> int_keys(const ProcessDictionary& d) {
    std::vector<int64_t> keys;
    for (const auto& [k, v] : d.entries()) keys.push_back(k.as_integer());
    return keys;
}

TEST(ProcessDictionary, PutReturnsThePreviousValueAndKeepsInsertionOrder) {
    ProcessDictionary d;
    EXPECT_TRUE(d.put(Term::integer(3), Term::atom("a")).is_nil());
    EXPECT_TRUE(d.put(Term::integer(1), Term::atom("b")).is_nil());
    EXPECT_TRUE(d.put(Term::integer(2), Term::atom("c")).is_nil());
    EXPECT_TRUE(d.put(Term::integer(1), Term::atom("d")).is_atom(Atom::intern("b")));
    EXPECT_EQ(int_keys(d), (std::vector<int64_t>{3, 1, 2}));
    ASSERT_NE(d.find(Term::integer(1)), nullptr);
    EXPECT_TRUE(d.find(Term::integer(1))->is_atom(Atom::intern("d")));
}

TEST(ProcessDictionary, KeysCompareExactly) {
    ProcessDictionary d;
    d.put(Term::integer(1), Term::atom("int"));
    EXPECT_EQ(d.find(Term::floating(1.0)), nullptr);
    d.put(Term::floating(1.0), Term::atom("float"));
    EXPECT_EQ(d.size(), 2u);
    EXPECT_TRUE(d.find(Term::floating(1.0))->is_atom(Atom::intern("float")));
}

TEST(ProcessDictionary, AStoredNilIsFound) {
    ProcessDictionary d;
    d.put(Term::atom("k"), Term::nil());
    ASSERT_NE(d.find(Term::atom("k")), nullptr);
    EXPECT_TRUE(d.find(Term::atom("k"))->is_nil());
    EXPECT_EQ(d.find(Term::atom("other")), nullptr);
}

// Against std::map as a model, through growth past the index threshold, erasures that leave
// holes, compaction, and shrinking back under the threshold.
TEST(ProcessDictionary, MatchesAModelThroughIndexingAndCompaction) {
    ProcessDictionary d;
    std::map<int64_t, int64_t> model;
    std::vector<int64_t> order;  // insertion order of live keys
    std::mt19937 rng(7);
    for (int step = 0; step < 20000; ++step) {
        const int64_t key = static_cast<int64_t>(rng() % (step < 10000 ? 3000 : 40));
        const bool erase = rng() % 3 == 0;
        if (erase) {
            Term old = d.erase(Term::integer(key));
            auto it = model.find(key);
            if (it == model.end()) {
                EXPECT_TRUE(old.is_nil());
            } else {
                EXPECT_EQ(old.as_integer(), it->second);
                model.erase(it);
                order.erase(std::find(order.begin(), order.end(), key));
            }
        } else {
            Term old = d.put(Term::integer(key), Term::integer(step));
            auto it = model.find(key);
            if (it == model.end()) {
                EXPECT_TRUE(old.is_nil());
                order.push_back(key);
            } else {
                EXPECT_EQ(old.as_integer(), it->second);
            }
            model[key] = step;
        }
        ASSERT_EQ(d.size(), model.size()) << "step " << step;
    }
    EXPECT_EQ(int_keys(d), order);
    for (const auto& [k, v] : model) {
        const Term* found = d.find(Term::integer(k));
        ASSERT_NE(found, nullptr);
        EXPECT_EQ(found->as_integer(), v);
    }
    for (int64_t k = 0; k < 3000; ++k)
        if (!model.count(k)) EXPECT_EQ(d.find(Term::integer(k)), nullptr);
}

TEST(ProcessDictionary, ClearEmptiesIt) {
    ProcessDictionary d;
    for (int i = 0; i < 100; ++i) d.put(Term::integer(i), Term::integer(i));
    d.clear();
    EXPECT_EQ(d.size(), 0u);
    EXPECT_EQ(d.find(Term::integer(5)), nullptr);
    EXPECT_TRUE(d.entries().empty());
}

}  // namespace
}  // namespace tasklens
