#include "engine/trace/id_map.h"

#include <algorithm>
#include <random>
#include <unordered_map>
#include <vector>

#include <gtest/gtest.h>

namespace tasklens::trace {
namespace {

TEST(IdMap, SetFindOverwriteErase) {
    IdMap map;
    EXPECT_EQ(map.find(5), IdMap::kMissing);
    map.set(5, 50);
    map.set(6, 60);
    EXPECT_EQ(map.find(5), 50u);
    EXPECT_TRUE(map.contains(6));
    map.set(5, 55);
    EXPECT_EQ(map.find(5), 55u);
    EXPECT_EQ(map.size(), 2u);
    map.erase(5);
    map.erase(5);  // twice: nothing
    map.erase(99);
    EXPECT_EQ(map.find(5), IdMap::kMissing);
    EXPECT_EQ(map.find(6), 60u);
    EXPECT_EQ(map.size(), 1u);
}

TEST(IdMap, KeyZeroIsNeverStored) {
    IdMap map;
    map.set(0, 1);
    EXPECT_EQ(map.size(), 0u);
    EXPECT_EQ(map.find(0), IdMap::kMissing);
    map.set(1, 2);
    map.erase(0);
    EXPECT_EQ(map.find(1), 2u);
}

TEST(IdMap, RandomSetsAndErasesMatchAnUnorderedMap) {
    // Consecutive references (as monitors make them) and random ones, with erasures in random
    // order: the backward shift must leave every remaining key findable.
    std::mt19937_64 random(11);
    for (const bool consecutive : {true, false}) {
        IdMap map;
        std::unordered_map<uint64_t, uint32_t> expected;
        std::vector<uint64_t> keys;
        for (uint32_t step = 0; step < 200'000; ++step) {
            if (keys.empty() || random() % 3 != 0) {
                const uint64_t key = consecutive ? step + 1 : random() % 5000 + 1;
                map.set(key, step);
                if (expected.insert_or_assign(key, step).second) keys.push_back(key);
            } else {
                const size_t at = random() % keys.size();
                map.erase(keys[at]);
                expected.erase(keys[at]);
                keys[at] = keys.back();
                keys.pop_back();
            }
            if (step % 997 == 0) {
                ASSERT_EQ(map.size(), expected.size());
                for (const auto& [key, value] : expected) ASSERT_EQ(map.find(key), value) << key;
                for (uint64_t probe = 1; probe < 50; ++probe)
                    ASSERT_EQ(map.contains(probe), expected.contains(probe)) << probe;
            }
        }
    }
}

}  // namespace
}  // namespace tasklens::trace
