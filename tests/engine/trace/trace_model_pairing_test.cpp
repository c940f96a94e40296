// Send/receive and reply pairing of the trace model, as tables of hand-built traces: interleaved
// senders, selective receives, receives without a sender, replies consumed by awaits and by plain
// receives, and the by-start arrow index after arrows that complete out of start order.
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "engine/trace/trace_model.h"
#include "tests/engine/trace/trace_fixture.h"

namespace tasklens::trace {
namespace {

using testing::TraceBuilder;

/// One message of a pairing table: sent at `sent`, received at `received` (-1: never).
struct Pairing {
    int64_t sent;
    int64_t received;
};

struct PairingCase {
    std::string name;
    TraceBuilder run;
    std::vector<Pairing> expected;  ///< in order of completion (the receive)
};

std::vector<Pairing> message_pairs(const TraceModel& model) {
    std::vector<Pairing> pairs;
    for (uint32_t i = 0; i < model.arrow_count(); ++i) {
        const Arrow a = model.arrow(i);
        if (a.kind == ArrowKind::Message) pairs.push_back({a.from_us, a.to_us});
    }
    return pairs;
}

bool operator==(const Pairing& a, const Pairing& b) {
    return a.sent == b.sent && a.received == b.received;
}
void PrintTo(const Pairing& p, std::ostream* os) {
    *os << "{sent " << p.sent << ", received " << p.received << "}";
}

std::vector<PairingCase> pairing_cases() {
    std::vector<PairingCase> cases;
    {
        PairingCase c{"FifoFromOneSender", {}, {{1, 10}, {2, 11}, {3, 12}}};
        c.run.send(1, 1, 9, ":a").send(2, 1, 9, ":a").send(3, 1, 9, ":a");
        c.run.receive(10, 9, 1, ":a").receive(11, 9, 1, ":a").receive(12, 9, 1, ":a");
        cases.push_back(std::move(c));
    }
    {
        // Two senders interleave identical messages: each receive names its sender.
        PairingCase c{"InterleavedSendersSameText", {}, {{2, 10}, {1, 11}, {4, 12}, {3, 13}}};
        c.run.send(1, 1, 9, ":x").send(2, 2, 9, ":x").send(3, 1, 9, ":x").send(4, 2, 9, ":x");
        c.run.receive(10, 9, 2, ":x")
            .receive(11, 9, 1, ":x")
            .receive(12, 9, 2, ":x")
            .receive(13, 9, 1, ":x");
        cases.push_back(std::move(c));
    }
    {
        // Selective receive: the receiver takes {:b} first although {:a} is older.
        PairingCase c{"SelectiveReceiveSkipsOlderMessages", {}, {{2, 10}, {3, 11}, {1, 12}}};
        c.run.send(1, 1, 9, "{:a}").send(2, 1, 9, "{:b}").send(3, 2, 9, "{:c}");
        c.run.receive(10, 9, 1, "{:b}").receive(11, 9, 2, "{:c}").receive(12, 9, 1, "{:a}");
        cases.push_back(std::move(c));
    }
    {
        // The receive's text differs (the model only saw a cut-off rendering): the oldest from
        // that sender.
        PairingCase c{"UnknownTextFallsBackToOldestFromSender", {}, {{2, 10}, {1, 11}}};
        c.run.send(1, 2, 9, ":other").send(2, 1, 9, ":one").send(3, 1, 9, ":two");
        c.run.receive(10, 9, 1, ":renamed").receive(11, 9, 2, ":x");
        c.expected = {{2, 10}, {1, 11}};
        cases.push_back(std::move(c));
    }
    {
        // No sender on the receive: match by text, then the oldest of all.
        PairingCase c{"NoSenderMatchesTextThenOldest", {}, {{2, 10}, {1, 11}}};
        c.run.send(1, 1, 9, ":a").send(2, 2, 9, ":b");
        c.run.receive(10, 9, 0, ":b").receive(11, 9, 0, ":zzz");
        cases.push_back(std::move(c));
    }
    {
        // A sender the receiver never heard from: the oldest with the same text from anyone.
        PairingCase c{"WrongSenderFallsBackToSameText", {}, {{2, 10}}};
        c.run.send(1, 1, 9, ":a").send(2, 2, 9, ":b");
        c.run.receive(10, 9, 3, ":b");
        cases.push_back(std::move(c));
    }
    {
        // Messages to a process that exited are never paired, and do not leak into a later
        // process's mailbox.
        PairingCase c{"MessagesToTheDeadStayUnpaired", {}, {{5, 6}}};
        c.run.send(1, 1, 9, ":a").exit(2, 9, ":normal").send(3, 1, 9, ":late");
        c.run.send(5, 1, 8, ":a").receive(6, 8, 1, ":a");
        cases.push_back(std::move(c));
    }
    {
        // Each message is paired once: a receive that finds nothing draws no arrow.
        PairingCase c{"EachSendIsPairedOnce", {}, {{1, 10}}};
        c.run.send(1, 1, 9, ":a").receive(10, 9, 1, ":a").receive(11, 9, 1, ":a");
        cases.push_back(std::move(c));
    }
    return cases;
}

TEST(TraceModelPairing, TableOfSendsAndReceives) {
    for (PairingCase& c : pairing_cases()) {
        SCOPED_TRACE(c.name);
        const TraceModel whole(c.run.events());
        EXPECT_EQ(message_pairs(whole), c.expected);
        // Appending event by event pairs the same way.
        TraceModel incremental;
        for (const Event& e : c.run.events()) incremental.append(e);
        EXPECT_EQ(message_pairs(incremental), c.expected);
    }
}

TEST(TraceModelPairing, ManyQueuedMessagesFromInterleavedSenders) {
    // 3 senders each send 2,000 numbered messages before the receiver takes them, newest sender
    // first and in reverse order within each sender: every receive finds its own send.
    constexpr int kPerSender = 2000;
    TraceBuilder run;
    int64_t t = 0;
    for (int i = 0; i < kPerSender; ++i)
        for (uint32_t s = 1; s <= 3; ++s) run.send(++t, s, 9, "{:n, " + std::to_string(i) + "}");
    const int64_t sends_end = t;
    for (uint32_t s = 3; s >= 1; --s)
        for (int i = kPerSender - 1; i >= 0; --i)
            run.receive(++t, 9, s, "{:n, " + std::to_string(i) + "}");
    const TraceModel model(run.events());
    const auto pairs = message_pairs(model);
    ASSERT_EQ(pairs.size(), 3u * kPerSender);
    for (uint32_t i = 0; i < model.arrow_count(); ++i) {
        const Arrow a = model.arrow(i);
        const Event send = model.event(a.from_event);
        const Event receive = model.event(a.to_event);
        EXPECT_EQ(send.text, receive.text);
        EXPECT_EQ(send.pid, receive.peer);
        EXPECT_LE(a.from_us, sends_end);
    }
    // The by-start index is sorted although arrows completed in reverse start order.
    int64_t previous = -1;
    for (const uint32_t i : model.arrows_by_start()) {
        EXPECT_GE(model.arrow(i).from_us, previous);
        previous = model.arrow(i).from_us;
    }
    EXPECT_EQ(model.arrows_by_start().size(), model.arrow_count());
}

TEST(TraceModelPairing, RepliesMatchTheAwaitedRefEvenWhenManyArePending) {
    // A caller awaits 3 tasks in reverse order (await_many style): each WaitEnd takes the reply
    // with its own ref, not the oldest.
    TraceBuilder run;
    run.spawn(0, 2, 1, "Task.async/1")
        .spawn(0, 3, 1, "Task.async/1")
        .spawn(0, 4, 1, "Task.async/1");
    run.wait_start(1, 1, WaitKind::TaskAwait, -1, 4, 40);
    run.reply(2, 2, 1, 20).reply(3, 3, 1, 30).reply(4, 4, 1, 40);
    run.wait_end(5, 1, WaitOutcome::Message);
    run.wait_start(6, 1, WaitKind::TaskAwait, -1, 3, 30).wait_end(7, 1, WaitOutcome::Message);
    run.wait_start(8, 1, WaitKind::TaskAwait, -1, 2, 20).wait_end(9, 1, WaitOutcome::Message);
    const TraceModel model(run.events());
    std::vector<std::pair<int64_t, int64_t>> replies;
    for (uint32_t i = 0; i < model.arrow_count(); ++i) {
        const Arrow a = model.arrow(i);
        if (a.kind == ArrowKind::Reply) {
            EXPECT_FALSE(a.unconsumed);
            replies.emplace_back(a.from_us, a.to_us);
        }
    }
    const std::vector<std::pair<int64_t, int64_t>> expected{{4, 5}, {3, 7}, {2, 9}};
    EXPECT_EQ(replies, expected);
}

TEST(TraceModelPairing, PendingRepliesEndUnconsumedWhenTheCallerGivesUp) {
    TraceBuilder run;
    run.spawn(0, 2, 1, "Task.async/1").spawn(0, 3, 1, "Task.async/1");
    run.wait_start(1, 1, WaitKind::TaskAwait, 10, 2, 20);
    run.reply(2, 3, 1, 30);  // not the awaited one: stays pending
    run.wait_end(10, 1, WaitOutcome::Timeout);
    const TraceModel model(run.events());
    ASSERT_EQ(model.arrow_count(), 1u);
    EXPECT_TRUE(model.arrow(0).unconsumed);
    EXPECT_EQ(model.arrow(0).from_us, 2);
}

TEST(TraceModelPairing, ACallWithoutRefTakesTheReplyOfTheAwaitedProcess) {
    TraceBuilder run;
    run.spawn(0, 2, 1, "GenServer.start_link/3");
    run.wait_start(1, 1, WaitKind::GenServerCall, -1, 2, 0);
    run.reply(2, 2, 1, 0);
    run.wait_end(3, 1, WaitOutcome::Message);
    run.wait_start(4, 1, WaitKind::GenServerCall, 6, 2, 0);
    run.wait_end(6, 1, WaitOutcome::Timeout);
    const TraceModel model(run.events());
    ASSERT_EQ(model.arrow_count(), 1u);
    EXPECT_EQ(model.arrow(0).kind, ArrowKind::Reply);
    EXPECT_EQ(model.arrow(0).to_us, 3);
    EXPECT_FALSE(model.arrow(0).unconsumed);
}

TEST(TraceModelPairing, PlainReceiveConsumesAReplyLeftFromAWait) {
    TraceBuilder run;
    run.spawn(0, 2, 1, "Task.async/1").spawn(0, 3, 1, "Task.async/1");
    run.wait_start(1, 1, WaitKind::TaskAwait, -1, 2, 20);
    run.reply(2, 3, 1, 30).reply(3, 2, 1, 20);
    run.wait_end(4, 1, WaitOutcome::Message);  // takes ref 20; ref 30 stays in the mailbox
    run.receive(6, 1, 3, "{30, :ok}");
    const TraceModel model(run.events());
    std::vector<std::pair<int64_t, int64_t>> replies;
    for (uint32_t i = 0; i < model.arrow_count(); ++i) {
        const Arrow a = model.arrow(i);
        EXPECT_EQ(a.kind, ArrowKind::Reply);
        EXPECT_FALSE(a.unconsumed);
        replies.emplace_back(a.from_us, a.to_us);
    }
    const std::vector<std::pair<int64_t, int64_t>> expected{{3, 4}, {2, 6}};
    EXPECT_EQ(replies, expected);
}

}  // namespace
}  // namespace tasklens::trace
