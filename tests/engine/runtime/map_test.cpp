// Maps: flat up to 32 keys, the BEAM's hash trie past that. The expected orders below were
// printed by Elixir 1.14 / OTP 25 (`Map.values/1` and `:maps.fold/3` of the same maps; every
// map binds its key to the index i it was generated from, so the values name the keys).
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

#include "engine/runtime/map.h"

namespace tasklens {
namespace {

struct Expected {
    const char* name;
    std::vector<int64_t> first_values;       ///< Map.values |> Enum.take(12)
    std::vector<int64_t> first_fold_values;  ///< :maps.fold order, first 6
    int64_t positional;                      ///< sum(value * position) rem 1_000_000_007
    int64_t fold_positional;
};

int64_t positional(const std::vector<int64_t>& values) {
    int64_t acc = 0;
    for (size_t i = 0; i < values.size(); ++i)
        acc = (acc + values[i] * static_cast<int64_t>(i + 1)) % 1'000'000'007;
    return acc;
}

Term build(int64_t first, int64_t last, Term (*key)(int64_t), int64_t step = 1) {
    std::vector<std::pair<Term, Term>> entries;
    for (int64_t i = first; i <= last; i += step) entries.emplace_back(key(i), Term::integer(i));
    return Term::map(std::move(entries));
}

void expect_orders(const Term& map, const Expected& want) {
    std::vector<int64_t> values, folded;
    for (const auto& [k, v] : map.map_object()) values.push_back(v.as_integer());
    for (const auto& [k, v] : map.map_object().fold_order()) folded.push_back(v.as_integer());
    ASSERT_EQ(values.size(), map.map_size()) << want.name;
    ASSERT_EQ(folded.size(), map.map_size()) << want.name;
    std::vector<int64_t> first(values.begin(),
                               values.begin() + std::min<size_t>(12, values.size()));
    std::vector<int64_t> first_fold(folded.begin(),
                                    folded.begin() + std::min<size_t>(6, folded.size()));
    EXPECT_EQ(first, want.first_values) << want.name;
    EXPECT_EQ(first_fold, want.first_fold_values) << want.name;
    EXPECT_EQ(positional(values), want.positional) << want.name;
    EXPECT_EQ(positional(folded), want.fold_positional) << want.name;
}

Term int_key(int64_t i) {
    return Term::integer(i);
}

TEST(BeamMap, IntegerKeysIterateInTheBeamsOrder) {
    expect_orders(build(1, 40, int_key), {"ints40",
                                          {33, 12, 23, 29, 30, 39, 26, 31, 11, 37, 9, 32},
                                          {16, 18, 5, 19, 27, 35},
                                          15091,
                                          18529});
    expect_orders(build(-20, 20, int_key), {"neg",
                                            {12, -10, -13, -15, -2, 11, 9, -5, -18, -20, 6, -14},
                                            {16, -4, -19, 18, -11, 5},
                                            892,
                                            -892});
    expect_orders(build(1, 100, int_key), {"ints100",
                                           {33, 12, 73, 44, 23, 29, 47, 89, 61, 30, 43, 39},
                                           {16, 79, 18, 54, 5, 65},
                                           255820,
                                           254230});
    expect_orders(build(1, 1000, int_key),
                  {"ints1000",
                   {912, 326, 33, 289, 518, 990, 456, 401, 168, 309, 117, 377},
                   {747, 16, 882, 786, 697, 908},
                   249640978,
                   251359522});
    expect_orders(build(1, 100'000, int_key), {"ints100k",
                                               {55667, 85354, 69855, 25740, 94899, 30015, 24669,
                                                54677, 26117, 47499, 50168, 4708},
                                               {22730, 80242, 67346, 30119, 76208, 94040},
                                               867022984,
                                               129526953});
    expect_orders(build(1, 50, [](int64_t i) { return Term::integer(i * 7919 * 104729); }),
                  {"sparse",
                   {15, 11, 12, 41, 9, 42, 10, 33, 43, 50, 29, 48},
                   {18, 37, 5, 31, 36, 44},
                   32142,
                   32883});
}

TEST(BeamMap, IntegersPastTheBeamsSmallRangeHashAsBignums) {
    expect_orders(
        build(1, 60, [](int64_t i) { return Term::integer(i * 100'000'000'000'000'000); }),
        {"big64",
         {13, 46, 14, 47, 1, 41, 33, 34, 49, 31, 24, 32},
         {30, 10, 15, 56, 54, 8},
         54839,
         56791});
    expect_orders(
        build(1, 60, [](int64_t i) { return Term::integer(-i * 100'000'000'000'000'000); }),
        {"negbig64",
         {47, 56, 46, 51, 3, 9, 5, 31, 37, 41, 12, 32},
         {55, 2, 43, 17, 21, 36},
         55257,
         56373});
}

TEST(BeamMap, BinaryTupleFloatAndMixedKeysIterateInTheBeamsOrder) {
    expect_orders(build(1, 500, [](int64_t i) { return Term::binary("key" + std::to_string(i)); }),
                  {"strings",
                   {409, 364, 376, 173, 174, 193, 105, 494, 342, 440, 256, 201},
                   {137, 291, 163, 381, 448, 289},
                   31503587,
                   31246663});
    expect_orders(build(1, 300,
                        [](int64_t i) {
                            return Term::tuple({Term::integer(i), Term::binary("v")});
                        }),
                  {"tuples",
                   {40, 5, 178, 287, 141, 70, 297, 55, 19, 131, 242, 258},
                   {49, 225, 281, 216, 218, 69},
                   6758452,
                   6831698});
    expect_orders(
        build(1, 200, [](int64_t i) { return Term::floating(static_cast<double>(i) * 0.25); }),
        {"floats",
         {153, 41, 5, 31, 44, 20, 182, 29, 66, 26, 190, 130},
         {183, 76, 85, 150, 8, 111},
         2052209,
         1987891});
    expect_orders(build(1, 60,
                        [](int64_t i) {
                            switch (i % 3) {
                                case 0:
                                    return Term::integer(i);
                                case 1:
                                    return Term::binary("s" + std::to_string(i));
                                default:
                                    return Term::tuple({Term::integer(i)});
                            }
                        }),
                  {"mixed",
                   {33, 43, 12, 55, 20, 25, 30, 5, 41, 39, 45, 48},
                   {18, 54, 58, 42, 35, 26},
                   55273,
                   56357});
}

TEST(BeamMap, PutAndDeleteGiveTheSameOrderAsBuildingAtOnce) {
    Term map = Term::empty_map();
    for (int64_t i = 1; i <= 1000; ++i) map = map.map_put(Term::integer(i), Term::integer(i));
    for (int64_t i = 1; i <= 500; i += 3) map = map.map_remove(Term::integer(i));
    expect_orders(map, {"deleted",
                        {912, 326, 33, 518, 990, 456, 401, 168, 309, 117, 377, 579},
                        {747, 882, 786, 697, 908, 733},
                        191384650,
                        191212850});
}

TEST(BeamMap, ShrinkingTo32KeysMakesTheMapFlatAndSortedAgain) {
    Term map = build(1, 33, int_key);
    EXPECT_FALSE(map.map_object().is_flat());
    Term smaller = map.map_remove(Term::integer(1));
    ASSERT_TRUE(smaller.map_object().is_flat());
    int64_t expected = 2;
    for (const auto& [k, v] : smaller.map_object()) EXPECT_EQ(k.as_integer(), expected++);
    EXPECT_FALSE(smaller.map_put(Term::integer(1), Term::integer(1)).map_object().is_flat());
}

TEST(BeamMap, AgreesWithAnOrderedMapUnderRandomUpdatesAndSharesStructure) {
    std::mt19937_64 random(42);
    std::map<int64_t, int64_t> model;
    Term map = Term::empty_map();
    std::vector<Term> history;
    for (int step = 0; step < 20000; ++step) {
        int64_t key = static_cast<int64_t>(random() % 3000) - 1500;
        if (random() % 3 == 0) {
            model.erase(key);
            map = map.map_remove(Term::integer(key));
        } else {
            model[key] = step;
            map = map.map_put(Term::integer(key), Term::integer(step));
        }
        if (step % 5000 == 0) history.push_back(map);
    }
    ASSERT_EQ(map.map_size(), model.size());
    for (const auto& [k, v] : model) {
        const Term* found = map.map_find(Term::integer(k));
        ASSERT_NE(found, nullptr) << k;
        EXPECT_EQ(found->as_integer(), v);
    }
    EXPECT_EQ(map.map_find(Term::integer(99999)), nullptr);
    EXPECT_EQ(map.map_find(Term::floating(static_cast<double>(model.begin()->first))),
              nullptr);  // exact keys
    // Older versions are untouched by later updates.
    EXPECT_LE(history.front().map_size(), 1u);
    // Same keys and values, built in another order: equal, same hash, same iteration order.
    std::vector<std::pair<Term, Term>> entries;
    for (auto it = model.rbegin(); it != model.rend(); ++it)
        entries.emplace_back(Term::integer(it->first), Term::integer(it->second));
    Term rebuilt = Term::map(std::move(entries));
    EXPECT_TRUE(exact_equal(map, rebuilt));
    EXPECT_EQ(hash(map), hash(rebuilt));
    EXPECT_EQ(beam_internal_hash(map), beam_internal_hash(rebuilt));
    auto a = map_entries(map), b = map_entries(rebuilt);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(exact_equal(a[i].first, b[i].first));
}

TEST(BeamMap, TermOrderComparesSizeThenKeysThenValuesWhateverTheLayout) {
    Term small = build(1, 32, int_key);
    Term large = build(1, 40, int_key);
    EXPECT_LT(compare(small, large), 0);
    Term other_keys = build(2, 41, int_key);
    EXPECT_LT(compare(large, other_keys), 0);  // key 1 < key 2
    Term other_value = large.map_put(Term::integer(40), Term::integer(41));
    EXPECT_LT(compare(large, other_value), 0);
    Term float_value = large.map_put(Term::integer(40), Term::floating(40.0));
    EXPECT_EQ(compare(large, float_value), 0);        // == compares values numerically
    EXPECT_NE(compare_exact(large, float_value), 0);  // === does not
}

TEST(BeamMap, KeysThatCollideOnAll32HashBitsAreRehashedWithTheNextSalt) {
    // Find two integers whose salt-0 hashes are equal: their common path runs 8 levels deep and
    // the salted hash separates them below.
    std::map<uint32_t, int64_t> seen;
    int64_t a = 0, b = 0;
    for (int64_t i = 0; i < 400'000 && a == b; ++i) {
        auto [it, inserted] = seen.emplace(beam_internal_hash(Term::integer(i)), i);
        if (!inserted) {
            a = it->second;
            b = i;
        }
    }
    ASSERT_NE(a, b) << "no 32-bit collision found";
    Term map = build(1000'000, 1000'040, int_key);
    map = map.map_put(Term::integer(a), Term::integer(-1))
              .map_put(Term::integer(b), Term::integer(-2));
    EXPECT_GE(map_trie_depth(map.map_object()), 9);
    EXPECT_EQ(map.map_find(Term::integer(a))->as_integer(), -1);
    EXPECT_EQ(map.map_find(Term::integer(b))->as_integer(), -2);
    Term without = map.map_remove(Term::integer(a));
    EXPECT_EQ(without.map_find(Term::integer(a)), nullptr);
    EXPECT_EQ(without.map_find(Term::integer(b))->as_integer(), -2);
    EXPECT_LT(map_trie_depth(without.map_object()), 9);  // the lone leaf moved back up
}

}  // namespace
}  // namespace tasklens
