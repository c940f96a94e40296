// Exit-signal rules, one test per rule, as OTP 25 behaves (checked against `elixir` on OTP 25).
#include "tests/engine/runtime/runtime_test_util.h"

namespace tasklens {
namespace {

using namespace tasklens::testing;

Co<void> exit_with(ProcessContext& ctx, Term reason) {
    ctx.exit_self(std::move(reason));
    co_return;
}

TEST(ExitSignals, LinkedNormalExitDoesNotKillNonTrappingPeer) {
    Runtime rt(test_options());
    auto root = rt.spawn([](ProcessContext& ctx) -> Co<void> {
        ctx.spawn([](ProcessContext&) -> Co<void> { co_return; }, {.link = true});
        co_await ctx.sleep(Timeout::millis(10));
        ctx.exit_self(a("survived"));
    });
    auto result = rt.run_until_exit(root.pid);
    ASSERT_TRUE(result.exit_reason);
    EXPECT_TERM_EQ(*result.exit_reason, a("survived"));
}

TEST(ExitSignals, LinkedAbnormalExitKillsNonTrappingPeer) {
    Runtime rt(test_options());
    bool woke = false;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        ctx.spawn([](ProcessContext& c) -> Co<void> { return exit_with(c, a("boom")); },
                  {.link = true});
        co_await ctx.sleep(Timeout::millis(10));
        woke = true;
    });
    auto result = rt.run_until_exit(root.pid);
    EXPECT_FALSE(woke);
    EXPECT_TERM_EQ(*result.exit_reason, a("boom"));
    EXPECT_LT(result.now_us, 10'000);
}

TEST(ExitSignals, TrappingProcessReceivesExitMessageInstead) {
    Runtime rt(test_options());
    Term got;
    Pid child;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        ctx.set_trap_exit(true);
        child = ctx.spawn([](ProcessContext& c) -> Co<void> { return exit_with(c, a("boom")); },
                          {.link = true})
                    .pid;
        got = *co_await next_message(ctx);
    });
    auto result = rt.run_until_exit(root.pid);
    EXPECT_TERM_EQ(*result.exit_reason, a("normal"));
    EXPECT_TERM_EQ(got, t({a("EXIT"), pid(child), a("boom")}));
}

TEST(ExitSignals, LinkedExitWithReasonKillIsTrappableAndNotConvertedToKilled) {
    // exit(:kill) through exit/1 travels along links as a plain reason :kill.
    Runtime rt(test_options());
    Term trapped;
    Term peer_reason;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        ctx.set_trap_exit(true);
        ctx.spawn([](ProcessContext& c) -> Co<void> { return exit_with(c, a("kill")); },
                  {.link = true});
        trapped = *co_await next_message(ctx);
        auto watcher = ctx.spawn(
            [](ProcessContext& w) -> Co<void> {
                w.spawn([](ProcessContext& c) -> Co<void> { return exit_with(c, a("kill")); },
                        {.link = true});
                co_await w.sleep(Timeout::millis(100));
            },
            {.monitor = true});
        peer_reason = co_await down_reason(ctx, watcher.monitor);
    });
    rt.run_until_exit(root.pid);
    ASSERT_TRUE(trapped.is_tuple(3));
    EXPECT_TERM_EQ(trapped.element(2), a("kill"));
    EXPECT_TERM_EQ(peer_reason, a("kill"));
}

TEST(ExitSignals, KillKillsATrappingProcessAndItsLinksSeeKilled) {
    Runtime rt(test_options());
    Term link_message;
    Term victim_reason;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        ctx.set_trap_exit(true);
        auto victim = ctx.spawn(
            [](ProcessContext& v) -> Co<void> {
                v.set_trap_exit(true);
                co_await v.sleep(Timeout::infinity());
            },
            {.link = true, .monitor = true});
        co_await ctx.sleep(Timeout::millis(1));  // let the victim start trapping
        EXPECT_TRUE(ctx.info(victim.pid)->trap_exit);
        ctx.exit(victim.pid, a("kill"));
        victim_reason = co_await down_reason(ctx, victim.monitor);
        link_message = *co_await next_message(ctx);
        EXPECT_TERM_EQ(link_message, t({a("EXIT"), pid(victim.pid), a("killed")}));
    });
    rt.run_until_exit(root.pid);
    EXPECT_TERM_EQ(victim_reason, a("killed"));
    EXPECT_TRUE(link_message.is_tuple(3));
}

TEST(ExitSignals, ExitNormalToAnotherNonTrappingProcessIsIgnored) {
    Runtime rt(test_options());
    auto target = rt.spawn(sleeper_body());
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        ctx.exit(target.pid, a("normal"));
        co_return;
    });
    rt.run_until_exit(root.pid);
    EXPECT_TRUE(rt.alive(target.pid));
}

TEST(ExitSignals, ExitNormalToAnotherTrappingProcessBecomesAMessage) {
    Runtime rt(test_options());
    Term got;
    auto target = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        ctx.set_trap_exit(true);
        got = *co_await next_message(ctx);
    });
    rt.run();  // target now traps and waits
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        ctx.exit(target.pid, a("normal"));
        co_return;
    });
    rt.run();
    EXPECT_TERM_EQ(got, t({a("EXIT"), pid(root.pid), a("normal")}));
}

TEST(ExitSignals, ExitSelfNormalKillsANonTrappingCaller) {
    // erlang:exit/2: "unless Pid is the calling process, in which case it exits with reason
    // normal".
    Runtime rt(test_options());
    bool after = false;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        ctx.exit(ctx.self(), a("normal"));
        after = true;
        co_return;
    });
    auto result = rt.run_until_exit(root.pid);
    EXPECT_FALSE(after);
    EXPECT_TERM_EQ(*result.exit_reason, a("normal"));
}

TEST(ExitSignals, ExitSelfNormalIsAMessageToATrappingCaller) {
    Runtime rt(test_options());
    Term got;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        ctx.set_trap_exit(true);
        ctx.exit(ctx.self(), a("normal"));
        got = *co_await next_message(ctx);
        ctx.exit_self(a("done"));
    });
    auto result = rt.run_until_exit(root.pid);
    EXPECT_TERM_EQ(got, t({a("EXIT"), pid(root.pid), a("normal")}));
    EXPECT_TERM_EQ(*result.exit_reason, a("done"));
}

TEST(ExitSignals, ExitSelfKillKillsEvenATrappingCaller) {
    Runtime rt(test_options());
    bool after = false;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        ctx.set_trap_exit(true);
        ctx.exit(ctx.self(), a("kill"));
        after = true;
        co_return;
    });
    auto result = rt.run_until_exit(root.pid);
    EXPECT_FALSE(after);
    EXPECT_TERM_EQ(*result.exit_reason, a("killed"));
}

TEST(ExitSignals, ExitSelfOtherReasonIsAMessageToATrappingCaller) {
    Runtime rt(test_options());
    Term got;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        ctx.set_trap_exit(true);
        ctx.exit(ctx.self(), a("boom"));
        got = *co_await next_message(ctx);
    });
    rt.run_until_exit(root.pid);
    EXPECT_TERM_EQ(got, t({a("EXIT"), pid(root.pid), a("boom")}));
}

TEST(ExitSignals, ExitOneWithNormalEndsTheProcessQuietly) {
    Runtime rt(test_options());
    bool after = false;
    Pid peer;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        peer = ctx.spawn(sleeper_body(), {.link = true}).pid;
        ctx.exit_self(a("normal"));
        after = true;
        co_return;
    });
    auto result = rt.run_until_exit(root.pid);
    EXPECT_FALSE(after);
    EXPECT_TERM_EQ(*result.exit_reason, a("normal"));
    EXPECT_TRUE(rt.alive(peer));  // :normal does not travel along links
}

TEST(ExitSignals, LinkingToADeadProcessRaisesNoprocInANonTrappingCaller) {
    Runtime rt(test_options());
    auto dead = rt.spawn([](ProcessContext&) -> Co<void> { co_return; });
    rt.run();
    std::optional<ErlangException> caught;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        try {
            ctx.link(dead.pid);
        } catch (const ErlangException& e) {
            caught = e;
        }
        ctx.link(dead.pid);  // uncaught this time
        co_return;
    });
    auto result = rt.run_until_exit(root.pid);
    ASSERT_TRUE(caught);
    EXPECT_EQ(caught->kind(), atom::error);
    EXPECT_TERM_EQ(caught->reason(), a("noproc"));
    ASSERT_TRUE(result.exit_reason->is_tuple(2));
    EXPECT_TERM_EQ(result.exit_reason->element(0), a("noproc"));
}

TEST(ExitSignals, LinkingToADeadProcessFromATrappingCallerDeliversExitNoproc) {
    Runtime rt(test_options());
    auto dead = rt.spawn([](ProcessContext&) -> Co<void> { co_return; });
    rt.run();
    Term got;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        ctx.set_trap_exit(true);
        ctx.link(dead.pid);
        got = *co_await next_message(ctx, Timeout::millis(0));
    });
    auto result = rt.run_until_exit(root.pid);
    EXPECT_TERM_EQ(*result.exit_reason, a("normal"));
    EXPECT_TERM_EQ(got, t({a("EXIT"), pid(dead.pid), a("noproc")}));
}

TEST(ExitSignals, MonitoringADeadProcessDeliversDownNoprocAtOnce) {
    Runtime rt(test_options());
    auto dead = rt.spawn([](ProcessContext&) -> Co<void> { co_return; });
    rt.run();
    Term got;
    Ref r;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        r = ctx.monitor(pid(dead.pid));
        EXPECT_EQ(ctx.message_queue_len(), 1u);  // no scheduling needed
        got = ctx.take_message(ctx.first_message());
        co_return;
    });
    rt.run_until_exit(root.pid);
    EXPECT_TERM_EQ(got, t({a("DOWN"), ref(r), a("process"), pid(dead.pid), a("noproc")}));
}

TEST(ExitSignals, DownMessageHasTheErlangShape) {
    Runtime rt(test_options());
    Term got;
    SpawnResult child;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        child = ctx.spawn([](ProcessContext& c) -> Co<void> { return exit_with(c, a("boom")); },
                          {.monitor = true});
        got = *co_await next_message(ctx);
    });
    rt.run_until_exit(root.pid);
    EXPECT_TERM_EQ(got,
                   t({a("DOWN"), ref(child.monitor), a("process"), pid(child.pid), a("boom")}));
}

TEST(ExitSignals, DemonitorWithFlushRemovesADownAlreadyQueued) {
    Runtime rt(test_options());
    bool was_active = true;
    size_t left = 99;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        auto target = ctx.spawn(sleeper_body(), {.monitor = true});
        ctx.send(ctx.self(), a("keep"));
        ctx.exit(target.pid, a("kill"));  // DOWN is queued right now
        EXPECT_EQ(ctx.message_queue_len(), 2u);
        was_active = ctx.demonitor(target.monitor, true);
        left = ctx.message_queue_len();
        EXPECT_TERM_EQ(ctx.message_term(ctx.first_message()), a("keep"));
        co_return;
    });
    rt.run_until_exit(root.pid);
    EXPECT_FALSE(was_active);  // the monitor had fired already
    EXPECT_EQ(left, 1u);
}

TEST(ExitSignals, DemonitorOfAnActiveMonitorPreventsTheDown) {
    Runtime rt(test_options());
    bool was_active = false;
    std::optional<Term> got;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        auto target = ctx.spawn(sleeper_body(), {.monitor = true});
        was_active = ctx.demonitor(target.monitor);
        ctx.exit(target.pid, a("kill"));
        got = co_await next_message(ctx, Timeout::millis(5));
    });
    rt.run_until_exit(root.pid);
    EXPECT_TRUE(was_active);
    EXPECT_FALSE(got);
}

TEST(ExitSignals, MessageOrderBetweenOneSenderAndOneReceiverIsPreserved) {
    Runtime rt(test_options());
    std::vector<int64_t> seen;
    auto receiver = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        // Take the odd ones first (selective), then the rest: each group keeps send order.
        for (int k = 0; k < 500; ++k) {
            auto odd = co_await ctx.receive([](const Term& m) { return m.as_integer() % 2 == 1; },
                                            Timeout::infinity());
            seen.push_back(odd->as_integer());
        }
        for (int k = 0; k < 500; ++k) seen.push_back((co_await next_message(ctx))->as_integer());
    });
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        for (int k = 0; k < 1000; ++k) {
            ctx.send(receiver.pid, i(k));
            if (k % 7 == 0) co_await ctx.yield();
        }
    });
    rt.run();
    ASSERT_EQ(seen.size(), 1000u);
    for (int k = 0; k < 500; ++k) EXPECT_EQ(seen[k], 2 * k + 1);
    for (int k = 0; k < 500; ++k) EXPECT_EQ(seen[500 + k], 2 * k);
}

TEST(ExitSignals, MonitorByRegisteredNameReportsNameAndNode) {
    Runtime rt(test_options());
    Term down;
    Term down_unregistered;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        auto target = ctx.spawn(sleeper_body());
        ctx.register_name(Atom::intern("named_target"), target.pid);
        Ref r = ctx.monitor(a("named_target"));
        ctx.exit(target.pid, a("kill"));
        down = *co_await next_message(ctx);
        EXPECT_TERM_EQ(down.element(1), ref(r));
        Ref r2 = ctx.monitor(a("nobody"));
        down_unregistered = *co_await next_message(ctx);
        EXPECT_TERM_EQ(down_unregistered.element(1), ref(r2));
    });
    rt.run_until_exit(root.pid);
    Term name_node = t({a("named_target"), a("nonode@nohost")});
    EXPECT_TERM_EQ(down.element(3), name_node);
    EXPECT_TERM_EQ(down.element(4), a("killed"));
    EXPECT_TERM_EQ(down_unregistered.element(3), t({a("nobody"), a("nonode@nohost")}));
    EXPECT_TERM_EQ(down_unregistered.element(4), a("noproc"));
}

TEST(ExitSignals, ALongLinkChainDiesWithoutRecursion) {
    constexpr int kChain = 100'000;
    Runtime rt(test_options());
    // Each process spawns the next one linked; the last one crashes.
    struct Chain {
        static Co<void> link(ProcessContext& ctx, int left) {
            if (left == 0) ctx.exit_self(a("boom"));
            ctx.spawn([left](ProcessContext& c) { return Chain::link(c, left - 1); },
                      {.link = true});
            co_await ctx.sleep(Timeout::infinity());
        }
    };
    auto root = rt.spawn([](ProcessContext& ctx) { return Chain::link(ctx, kChain); });
    auto result = rt.run_until_exit(root.pid);
    EXPECT_EQ(result.reason, RunResult::Reason::TargetExited);
    EXPECT_TERM_EQ(*result.exit_reason, a("boom"));
    rt.run();
    EXPECT_EQ(rt.process_count(), 0u);
}

TEST(ExitSignals, ASignalThatKillsTheRunningCallerUnwindsItAtOnce) {
    // The caller kills a linked peer; the peer's death comes back along the link and kills the
    // caller inside its own exit/2 call: the rest of its code does not run, destructors do.
    Runtime rt(test_options());
    bool after = false;
    bool destructor_ran = false;
    struct Guard {
        bool& flag;
        ~Guard() { flag = true; }
    };
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        Guard guard{destructor_ran};
        auto peer = ctx.spawn(sleeper_body(), {.link = true});
        ctx.exit(peer.pid, a("boom"));
        after = true;
        co_return;
    });
    auto result = rt.run_until_exit(root.pid);
    EXPECT_FALSE(after);
    EXPECT_TRUE(destructor_ran);
    EXPECT_TERM_EQ(*result.exit_reason, a("boom"));
}

TEST(ExitSignals, CatchingTheUnwindDoesNotReviveAKilledProcess) {
    Runtime rt(test_options());
    bool resumed_after_wait = false;
    std::optional<Term> observer_got;
    auto observer = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        observer_got = co_await next_message(ctx, Timeout::millis(10));
    });
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        try {
            ctx.exit(ctx.self(), a("kill"));
        } catch (const ErlangException&) {
        }
        ctx.send(observer.pid, a("from_beyond"));  // a dead process sends nothing
        co_await next_message(ctx);                // its first suspension ends it
        resumed_after_wait = true;
    });
    auto result = rt.run_until_exit(root.pid);
    EXPECT_TERM_EQ(*result.exit_reason, a("killed"));
    rt.run();
    EXPECT_FALSE(resumed_after_wait);
    EXPECT_FALSE(observer_got);
    EXPECT_EQ(rt.process_count(), 0u);
}

TEST(ExitSignals, AKilledWaitingProcessHasItsFramesDestroyed) {
    Runtime rt(test_options());
    bool destructor_ran = false;
    struct Guard {
        bool& flag;
        ~Guard() { flag = true; }
    };
    auto victim = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        Guard guard{destructor_ran};
        co_await next_message(ctx);
    });
    rt.run();
    EXPECT_FALSE(destructor_ran);
    rt.exit(victim.pid, a("shutdown"));
    EXPECT_TRUE(destructor_ran);
    EXPECT_FALSE(rt.alive(victim.pid));
}

TEST(ExitSignals, ABodyThrowingErlangExceptionExitsWithItsExitReason) {
    Runtime rt(test_options());
    auto raiser = rt.spawn([](ProcessContext&) -> Co<void> {
        throw ErlangException::error(a("badarg"));
        co_return;
    });
    auto result = rt.run_until_exit(raiser.pid);
    EXPECT_TERM_EQ(*result.exit_reason, ErlangException::error(a("badarg")).exit_reason());
    EXPECT_TERM_EQ(*result.exit_reason, t({a("badarg"), Term::empty_list()}));

    auto thrower = rt.spawn([](ProcessContext&) -> Co<void> {
        throw ErlangException(atom::throw_, i(42));
        co_return;
    });
    result = rt.run_until_exit(thrower.pid);
    EXPECT_TERM_EQ(*result.exit_reason, t({t({a("nocatch"), i(42)}), Term::empty_list()}));
}

TEST(ExitSignals, NonLinkedProcessesAreNotAffected) {
    Runtime rt(test_options());
    auto bystander = rt.spawn(idle_body());
    auto root = rt.spawn([](ProcessContext& ctx) -> Co<void> { return exit_with(ctx, a("boom")); });
    rt.run_until_exit(root.pid);
    EXPECT_TRUE(rt.alive(bystander.pid));
}

TEST(ExitSignals, UnlinkStopsPropagation) {
    Runtime rt(test_options());
    Pid peer;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        peer = ctx.spawn(sleeper_body(), {.link = true}).pid;
        ctx.unlink(peer);
        EXPECT_TRUE(ctx.info(peer)->links.empty());
        ctx.exit_self(a("boom"));
        co_return;
    });
    rt.run_until_exit(root.pid);
    EXPECT_TRUE(rt.alive(peer));
}

}  // namespace
}  // namespace tasklens
