// Scheduler, virtual clock, timers and run control.
#include <thread>

#include "tests/engine/runtime/runtime_test_util.h"

namespace tasklens {
namespace {

using namespace tasklens::testing;

TEST(Scheduler, RunsProcessesInSpawnOrder) {
    Runtime rt(test_options());
    std::vector<int> order;
    for (int k = 0; k < 5; ++k)
        rt.spawn([&order, k](ProcessContext&) -> Co<void> {
            order.push_back(k);
            co_return;
        });
    rt.run();
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(Scheduler, ReductionBudgetPreemptsCpuBoundProcesses) {
    RuntimeOptions options = test_options();
    options.reductions_per_slice = 100;
    Runtime rt(options);
    std::vector<int> trace;
    for (int who = 0; who < 2; ++who)
        rt.spawn([&trace, who](ProcessContext& ctx) -> Co<void> {
            for (int k = 0; k < 300; ++k) {
                if (ctx.consume_reductions(10)) {
                    trace.push_back(who);
                    co_await ctx.yield();
                }
            }
        });
    rt.run();
    // Each gives up the scheduler every 10 iterations, and they alternate.
    ASSERT_GE(trace.size(), 20u);
    for (size_t k = 0; k + 1 < 20; ++k) EXPECT_NE(trace[k], trace[k + 1]);
}

TEST(Scheduler, CostModelAdvancesTheClockPerReductionDividedBySchedulers) {
    RuntimeOptions options = test_options();
    options.schedulers = 4;
    options.ns_per_reduction = 10;
    options.reductions_per_slice = 1'000'000'000;
    Runtime rt(options);
    int64_t before = 0, after = 0;
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        before = ctx.now_us();
        (void)ctx.consume_reductions(400'000);  // 400k × 10 ns / 4 = 1 ms
        after = ctx.now_us();
        co_return;
    });
    rt.run();
    EXPECT_EQ(after - before, 1000);
}

TEST(Scheduler, ACpuBoundLoopDoesNotFreezeTimers) {
    Runtime rt(test_options());
    int spins_when_timer_fired = -1;
    int spins = 0;
    bool stop = false;
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        while (!stop) {
            ++spins;
            if (ctx.consume_reductions(100)) co_await ctx.yield();
        }
    });
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        co_await ctx.sleep(Timeout::millis(5));
        spins_when_timer_fired = spins;
        stop = true;
    });
    rt.run();
    EXPECT_GT(spins_when_timer_fired, 0);
    EXPECT_GE(rt.now_us(), 5000);
}

TEST(Scheduler, SchedulersDefaultToTheHostCoreCount) {
    Runtime configured(test_options());
    EXPECT_EQ(configured.schedulers(), 2);
    Runtime host{RuntimeOptions{}};
    EXPECT_EQ(host.schedulers(),
              static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

TEST(Scheduler, SleepCostsVirtualTimeNotWallTime) {
    Runtime rt(test_options());
    int64_t woke_at = -1;
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        co_await ctx.sleep(Timeout::millis(6000));
        woke_at = ctx.now_us();
    });
    auto start = std::chrono::steady_clock::now();
    auto result = rt.run();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
    EXPECT_EQ(result.reason, RunResult::Reason::Idle);
    EXPECT_GE(woke_at, 6'000'000);
    EXPECT_LT(woke_at, 6'001'000);
}

TEST(Scheduler, ReceiveTimesOutAtItsDeadline) {
    Runtime rt(test_options());
    std::optional<Term> got = a("unset");
    int64_t started = 0, ended = 0;
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        started = ctx.now_us();
        got = co_await next_message(ctx, Timeout::millis(250));
        ended = ctx.now_us();
    });
    rt.run();
    EXPECT_FALSE(got);
    EXPECT_GE(ended - started, 250'000);
    EXPECT_LT(ended - started, 251'000);
}

TEST(Scheduler, AMessageBeforeTheDeadlineWinsAndTheStaleTimerDoesNotMoveTheClock) {
    Runtime rt(test_options());
    std::optional<Term> got;
    auto receiver = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        got = co_await next_message(ctx, Timeout::millis(10'000));
    });
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        co_await ctx.sleep(Timeout::millis(1));
        ctx.send(receiver.pid, a("hi"));
    });
    auto result = rt.run();
    ASSERT_TRUE(got);
    EXPECT_TERM_EQ(*got, a("hi"));
    EXPECT_LT(result.now_us, 2000);  // the 10 s timer is stale: idle does not wait for it
}

TEST(Scheduler, TimersWithEqualDeadlinesFireInInsertionOrder) {
    Runtime rt(test_options());
    std::vector<int64_t> got;
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        for (int k = 0; k < 10; ++k) ctx.send_after(pid(ctx.self()), i(k), 5);
        for (int k = 0; k < 10; ++k) got.push_back((co_await next_message(ctx))->as_integer());
    });
    rt.run();
    EXPECT_EQ(got, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(Scheduler, CancelTimerReturnsTheRemainingMilliseconds) {
    Runtime rt(test_options());
    std::optional<int64_t> first, second;
    std::optional<Term> got;
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        Ref timer = ctx.send_after(pid(ctx.self()), a("tick"), 1000);
        co_await ctx.sleep(Timeout::millis(300));
        first = ctx.cancel_timer(timer);
        second = ctx.cancel_timer(timer);
        got = co_await next_message(ctx, Timeout::millis(2000));
    });
    rt.run();
    EXPECT_EQ(first, 700);
    EXPECT_FALSE(second);
    EXPECT_FALSE(got);
}

TEST(Scheduler, SendAfterToARegisteredNameResolvesWhenItFires) {
    Runtime rt(test_options());
    std::optional<Term> got;
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        ctx.send_after(a("later"), a("tick"), 10);
        auto receiver =
            ctx.spawn([&](ProcessContext& c) -> Co<void> { got = co_await next_message(c); });
        ctx.register_name(Atom::intern("later"), receiver.pid);
        co_return;
    });
    rt.run();
    ASSERT_TRUE(got);
    EXPECT_TERM_EQ(*got, a("tick"));
}

TEST(Scheduler, RunUntilStopsAtTheGivenTime) {
    Runtime rt(test_options());
    int ticks = 0;
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        for (;;) {
            co_await ctx.sleep(Timeout::millis(10));
            ++ticks;
        }
    });
    auto result = rt.run_until(55'000);
    EXPECT_EQ(result.reason, RunResult::Reason::TimeReached);
    EXPECT_EQ(result.now_us, 55'000);
    EXPECT_EQ(ticks, 5);
    result = rt.run_until(100'000);
    EXPECT_EQ(ticks, 10);
}

// A paced driver stops where run_until_exit would: at the target's exit, with its reason.
TEST(Scheduler, RunUntilWithATargetStopsAtItsExit) {
    Runtime rt(test_options());
    Pid target = rt.spawn([](ProcessContext& ctx) -> Co<void> {
        co_await ctx.sleep(Timeout::millis(10));
        ctx.exit_self(Term::atom("done"));
    }).pid;
    int ticks = 0;
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        for (;;) {
            co_await ctx.sleep(Timeout::millis(1));
            ++ticks;
        }
    });
    auto result = rt.run_until(5'000, target);
    EXPECT_EQ(result.reason, RunResult::Reason::TimeReached);
    result = rt.run_until(1'000'000, target);
    EXPECT_EQ(result.reason, RunResult::Reason::TargetExited);
    ASSERT_TRUE(result.exit_reason.has_value());
    EXPECT_TRUE(result.exit_reason->is_atom(Atom::intern("done")));
    EXPECT_EQ(result.now_us, 10'000);
    EXPECT_LE(ticks, 10);
    EXPECT_EQ(rt.run_until(2'000'000, target).reason, RunResult::Reason::TargetExited);
    EXPECT_EQ(rt.step(target).reason, RunResult::Reason::TargetExited);
}

TEST(Scheduler, StepRunsUntilAnEventWasEmitted) {
    Recorder recorder;
    Runtime rt(test_options(&recorder));
    rt.spawn([](ProcessContext& ctx) -> Co<void> {
        co_await ctx.sleep(Timeout::millis(10));
        co_await ctx.sleep(Timeout::millis(10));
    });
    size_t before = recorder.events.size();
    int steps = 0;
    while (rt.step().reason == RunResult::Reason::StepDone) {
        EXPECT_GT(recorder.events.size(), before);
        before = recorder.events.size();
        ++steps;
    }
    EXPECT_GE(steps, 3);
    EXPECT_EQ(rt.process_count(), 0u);
}

TEST(Scheduler, RequestStopFromAnotherThreadStopsABusyRun) {
    Runtime rt(test_options());
    rt.spawn([](ProcessContext& ctx) -> Co<void> {
        for (;;)
            if (ctx.consume_reductions(1000)) co_await ctx.yield();
    });
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        rt.request_stop();
    });
    auto result = rt.run();
    stopper.join();
    EXPECT_EQ(result.reason, RunResult::Reason::Stopped);
}

TEST(Scheduler, WallClockModeWaitsForRealTime) {
    RuntimeOptions options = test_options();
    options.clock = ClockMode::Wall;
    Runtime rt(options);
    rt.spawn([](ProcessContext& ctx) -> Co<void> { co_await ctx.sleep(Timeout::millis(30)); });
    auto start = std::chrono::steady_clock::now();
    rt.run();
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(30));
    EXPECT_GE(rt.now_us(), 30'000);
}

TEST(Scheduler, WallClockModeRequestStopInterruptsAWait) {
    RuntimeOptions options = test_options();
    options.clock = ClockMode::Wall;
    Runtime rt(options);
    rt.spawn([](ProcessContext& ctx) -> Co<void> { co_await ctx.sleep(Timeout::millis(60'000)); });
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        rt.request_stop();
    });
    auto result = rt.run();
    stopper.join();
    EXPECT_EQ(result.reason, RunResult::Reason::Stopped);
    EXPECT_LT(rt.now_us(), 10'000'000);
}

TEST(Scheduler, SameScenarioGivesTheSameEventsByteForByte) {
    auto scenario = [](Recorder& recorder) {
        Runtime rt(test_options(&recorder));
        rt.spawn([](ProcessContext& ctx) -> Co<void> {
            ctx.set_trap_exit(true);
            for (int k = 0; k < 20; ++k) {
                ctx.spawn(
                    [k](ProcessContext& c) -> Co<void> {
                        co_await c.sleep(Timeout::millis(k % 3));
                        for (int n = 0; n < k * 100; ++n)
                            if (c.consume_reductions(50)) co_await c.yield();
                        if (k % 4 == 0) c.exit_self(Term::atom("boom"));
                    },
                    {.link = true});
            }
            for (int k = 0; k < 20; ++k) co_await next_message(ctx);
        });
        rt.run();
    };
    Recorder first, second;
    scenario(first);
    scenario(second);
    ASSERT_EQ(first.events.size(), second.events.size());
    for (size_t k = 0; k < first.events.size(); ++k) {
        const auto& x = first.events[k];
        const auto& y = second.events[k];
        EXPECT_EQ(x.seq, y.seq);
        EXPECT_EQ(x.time_us, y.time_us);
        EXPECT_EQ(x.kind, y.kind);
        EXPECT_EQ(x.detail, y.detail);
        EXPECT_EQ(x.pid, y.pid);
        EXPECT_EQ(x.peer, y.peer);
        EXPECT_EQ(x.ref, y.ref);
        EXPECT_EQ(x.text, y.text);
    }
}

TEST(Scheduler, PastTheProcessLimitSpawnRaisesSystemLimitAndNothingElseBreaks) {
    RuntimeOptions options = test_options();
    options.process_limit = 10;
    Runtime rt(options);
    std::optional<ErlangException> caught;
    int spawned = 0;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        std::vector<SpawnResult> children;
        try {
            for (;;) {
                children.push_back(ctx.spawn(idle_body(), {.monitor = true}));
                ++spawned;
            }
        } catch (const ErlangException& e) {
            caught = e;
        }
        for (auto& child : children) ctx.send(child.pid, a("go"));
        for (auto& child : children) co_await down_reason(ctx, child.monitor);
        auto again = ctx.spawn(idle_body());  // room again
        ctx.send(again.pid, a("go"));
    });
    auto result = rt.run_until_exit(root.pid);
    EXPECT_EQ(spawned, 9);  // root + 9 = the limit
    ASSERT_TRUE(caught);
    EXPECT_TERM_EQ(caught->reason(), a("system_limit"));
    EXPECT_TERM_EQ(*result.exit_reason, a("normal"));
    rt.run();
    EXPECT_EQ(rt.process_count(), 0u);
    EXPECT_THROW(
        {
            for (int k = 0; k < 11; ++k) rt.spawn(sleeper_body());
        },
        ErlangException);
    EXPECT_EQ(rt.process_count(), 10u);
}

TEST(Scheduler, RunUntilExitReturnsTheTargetsReason) {
    Runtime rt(test_options());
    auto other = rt.spawn(sleeper_body());
    auto target = rt.spawn([](ProcessContext& ctx) -> Co<void> {
        co_await ctx.sleep(Timeout::millis(3));
        ctx.exit_self(Term::atom("done"));
    });
    auto result = rt.run_until_exit(target.pid);
    EXPECT_EQ(result.reason, RunResult::Reason::TargetExited);
    EXPECT_TERM_EQ(*result.exit_reason, a("done"));
    EXPECT_TRUE(rt.alive(other.pid));
    EXPECT_EQ(rt.run_until_exit(target.pid).reason, RunResult::Reason::TargetExited);
}

}  // namespace
}  // namespace tasklens

namespace tasklens {
namespace {

using namespace tasklens::testing;

Co<int> quick_child(int k) {
    co_return k;
}

TEST(Scheduler, AwaitingManyQuickChildrenInOneSliceKeepsTheStackFlat) {
    // Each completed child transfers back to its parent; unless those transfers are tail calls,
    // a loop of awaits would grow the C++ stack until it overflows.
    Runtime rt(test_options());
    int64_t sum = 0;
    rt.spawn([&](ProcessContext&) -> Co<void> {
        for (int k = 0; k < 1'000'000; ++k) sum += co_await quick_child(1);
    });
    rt.run();
    EXPECT_EQ(sum, 1'000'000);
}

}  // namespace
}  // namespace tasklens

namespace tasklens {
namespace {

Co<int64_t> nested(int depth) {
    if (depth == 0) co_return 0;
    co_return 1 + co_await nested(depth - 1);
}

TEST(Scheduler, DeepAwaitChainsKeepTheStackFlatInOptimisedBuilds) {
#if !defined(__OPTIMIZE__) && !defined(__clang__)
    GTEST_SKIP() << "GCC -O0 does not make symmetric transfer a tail call (see co.h)";
#endif
    Runtime rt(testing::test_options());
    int64_t depth = 0;
    rt.spawn([&](ProcessContext&) -> Co<void> { depth = co_await nested(200'000); });
    rt.run();
    EXPECT_EQ(depth, 200'000);
}

}  // namespace
}  // namespace tasklens
