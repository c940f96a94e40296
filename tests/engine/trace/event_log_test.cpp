#include "engine/trace/event_log.h"

#include <thread>

#include <gtest/gtest.h>

namespace tasklens::trace {
namespace {

Event numbered(uint64_t seq) {
    Event e;
    e.seq = seq;
    e.time_us = static_cast<int64_t>(seq);
    e.kind = EventKind::Send;
    e.pid = Pid{0, 1};
    e.peer = Pid{0, 2};
    // Long enough to live on the heap, so that a race on the string would show under TSan.
    e.text = "message number " + std::to_string(seq) + " with a heap-allocated rendering";
    return e;
}

TEST(EventLog, KeepsEveryEventInOrder) {
    EventLog log;
    for (uint64_t i = 0; i < 5; ++i) log.on_event(numbered(i));
    ASSERT_EQ(log.events().size(), 5u);
    EXPECT_EQ(log.events()[3].seq, 3u);
    const auto taken = log.take();
    EXPECT_EQ(taken.size(), 5u);
}

TEST(BatchingSubscriber, SingleThreadDrainAndFlush) {
    BatchingSubscriber batches;
    std::vector<Event> out;
    EXPECT_EQ(batches.drain(out), 0u);
    batches.on_event(numbered(0));
    batches.on_event(numbered(1));
    batches.flush();
    EXPECT_EQ(batches.backlog(), 2u);
    ASSERT_EQ(batches.drain(out), 2u);
    EXPECT_EQ(out[1].seq, 1u);
    EXPECT_EQ(batches.backlog(), 0u);
    EXPECT_EQ(batches.drain(out), 0u);
    EXPECT_TRUE(out.empty());
}

// The engine thread produces without pause while a "GUI" thread drains whenever it likes; every
// event must arrive exactly once, in order. Run under -DTASKLENS_SANITIZE=thread as well.
TEST(BatchingSubscriber, ProducerAndConsumerThreads) {
    constexpr uint64_t kEvents = 200'000;
    BatchingSubscriber batches;
    std::thread engine([&] {
        for (uint64_t i = 0; i < kEvents; ++i) batches.on_event(numbered(i));
        batches.flush();
    });
    uint64_t expected = 0;
    uint64_t drains = 0;
    std::vector<Event> batch;
    bool in_order = true;
    while (expected < kEvents) {
        batches.drain(batch);
        ++drains;
        for (const Event& e : batch) {
            in_order = in_order && e.seq == expected && e.text == numbered(expected).text;
            ++expected;
        }
        if (batch.empty()) std::this_thread::yield();
    }
    engine.join();
    EXPECT_TRUE(in_order);
    EXPECT_EQ(expected, kEvents);
    EXPECT_EQ(batches.drain(batch), 0u);
    EXPECT_GT(drains, 1u);
}

// Back-pressure: a producer that waits for the backlog never gets further ahead than its limit
// plus what it produced since its last wait.
TEST(BatchingSubscriber, ProducerWaitsUntilTheConsumerDrained) {
    BatchingSubscriber batches;
    for (uint64_t i = 0; i < 100; ++i) batches.on_event(numbered(i));
    batches.flush();
    EXPECT_EQ(batches.backlog(), 100u);
    EXPECT_FALSE(batches.wait_for_backlog_at_most(50, std::chrono::milliseconds(1)));
    std::thread consumer([&] {
        std::vector<Event> batch;
        while (batches.drain(batch) == 0) std::this_thread::yield();
    });
    EXPECT_TRUE(batches.wait_for_backlog_at_most(50, std::chrono::seconds(60)));
    consumer.join();
    EXPECT_EQ(batches.backlog(), 0u);
}

}  // namespace
}  // namespace tasklens::trace
