#include "engine/trace/index_pool.h"

#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace tasklens::trace {
namespace {

std::vector<uint32_t> contents(const IndexList& list) {
    return {list.begin(), list.end()};
}

TEST(IndexPool, ListsGrowFromFourAndKeepTheirEntries) {
    IndexPool pool;
    IndexList list;
    EXPECT_TRUE(list.empty());
    EXPECT_EQ(list.capacity(), 0u);
    std::vector<uint32_t> expected;
    for (uint32_t i = 0; i < 1000; ++i) {
        list.push_back(pool, i * 3);
        expected.push_back(i * 3);
        if (i == 0) {
            EXPECT_EQ(list.capacity(), 4u);
        }
        if (i == 4) {
            EXPECT_EQ(list.capacity(), 8u);
        }
    }
    EXPECT_EQ(list.capacity(), 1024u);
    EXPECT_EQ(contents(list), expected);
    EXPECT_EQ(list.back(), 999u * 3);
    EXPECT_EQ(list[17], 51u);
    list.pop_back();
    EXPECT_EQ(list.size(), 999u);
    EXPECT_EQ(list.back(), 998u * 3);
    EXPECT_EQ(list.span().size(), 999u);
}

TEST(IndexPool, AnOutgrownChunkIsReusedByTheNextListOfItsSize) {
    IndexPool pool;
    IndexList a;
    for (uint32_t i = 0; i < 4; ++i) a.push_back(pool, i);
    EXPECT_EQ(pool.free_chunks(), 0u);
    const uint32_t* first_chunk = a.begin();
    a.push_back(pool, 4);  // 4 -> 8 entries: the 4-entry chunk is given back
    EXPECT_EQ(pool.free_chunks(), 1u);
    IndexList b;
    b.push_back(pool, 42);
    EXPECT_EQ(b.begin(), first_chunk);
    EXPECT_EQ(pool.free_chunks(), 0u);
    EXPECT_EQ(contents(a), (std::vector<uint32_t>{0, 1, 2, 3, 4}));
    EXPECT_EQ(contents(b), (std::vector<uint32_t>{42}));
}

TEST(IndexPool, ManyInterleavedListsMatchVectors) {
    // Lists grown in random order, as a trace grows its processes' lists, across many blocks.
    IndexPool pool;
    std::vector<IndexList> lists(2000);
    std::vector<std::vector<uint32_t>> expected(lists.size());
    std::mt19937 random(7);
    for (uint32_t n = 0; n < 300'000; ++n) {
        // Skewed: a few lists get most entries, as a supervisor's lane does.
        const size_t which = random() % 4 == 0 ? random() % 3 : random() % lists.size();
        lists[which].push_back(pool, n);
        expected[which].push_back(n);
        if (random() % 50 == 0 && !expected[which].empty()) {
            lists[which].pop_back();
            expected[which].pop_back();
        }
    }
    for (size_t i = 0; i < lists.size(); ++i) ASSERT_EQ(contents(lists[i]), expected[i]) << i;
    EXPECT_GT(pool.memory_bytes(), 300'000 * sizeof(uint32_t) / 2);
}

TEST(IndexPool, ListsLongerThanTheLargestChunkGetTheirOwnBlock) {
    IndexPool pool;
    IndexList small, big;
    small.push_back(pool, 1);
    const uint32_t n = 8 * IndexPool::kLargestPooled + 5;
    for (uint32_t i = 0; i < n; ++i) big.push_back(pool, i);
    EXPECT_EQ(big.size(), n);
    EXPECT_EQ(big.capacity(), 16 * IndexPool::kLargestPooled);
    for (uint32_t i = 0; i < big.size(); i += 9973) ASSERT_EQ(big[i], i);
    // The own blocks it outgrew (2, 4 and 8 x kLargestPooled) were freed: the pool holds its
    // last one and the blocks its chunks came from (under 2 x kLargestPooled x 2 entries).
    const size_t last = size_t{16} * IndexPool::kLargestPooled * sizeof(uint32_t);
    EXPECT_GE(pool.memory_bytes(), last);
    EXPECT_LT(pool.memory_bytes(), last + size_t{4} * IndexPool::kLargestPooled * sizeof(uint32_t));
    EXPECT_EQ(small[0], 1u);
}

TEST(IndexPool, MovedListsKeepTheirStorage) {
    IndexPool pool;
    std::vector<IndexList> lists(3);
    for (uint32_t i = 0; i < 10; ++i) lists[1].push_back(pool, i);
    lists.resize(500);  // moves the lists
    EXPECT_EQ(lists[1].size(), 10u);
    EXPECT_EQ(lists[1][9], 9u);
    IndexList taken = std::move(lists[1]);
    EXPECT_TRUE(lists[1].empty());
    EXPECT_EQ(taken.size(), 10u);
    lists[1] = std::move(taken);
    EXPECT_EQ(lists[1][5], 5u);
}

}  // namespace
}  // namespace tasklens::trace
