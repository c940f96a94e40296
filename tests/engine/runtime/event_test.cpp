// The events the runtime emits for each lifecycle change.
#include "tests/engine/runtime/runtime_test_util.h"

namespace tasklens {
namespace {

using namespace tasklens::testing;
using trace::EventKind;

TEST(Events, SequenceNumbersStartAtZeroWithoutGapsAndTimeNeverGoesBack) {
    Recorder recorder;
    Runtime rt(test_options(&recorder));
    rt.spawn([](ProcessContext& ctx) -> Co<void> {
        auto child = ctx.spawn(idle_body(), {.monitor = true});
        ctx.send(child.pid, a("hi"));
        co_await ctx.sleep(Timeout::millis(3));
        co_await down_reason(ctx, child.monitor);
    });
    rt.run();
    ASSERT_FALSE(recorder.events.empty());
    for (size_t k = 0; k < recorder.events.size(); ++k) {
        EXPECT_EQ(recorder.events[k].seq, k);
        if (k) {
            EXPECT_GE(recorder.events[k].time_us, recorder.events[k - 1].time_us);
        }
    }
}

TEST(Events, SpawnCarriesParentInitialCallAndFlags) {
    Recorder recorder;
    Runtime rt(test_options(&recorder));
    Pid child;
    Ref monitor;
    auto root = rt.spawn(
        [&](ProcessContext& ctx) -> Co<void> {
            auto r = ctx.spawn(
                idle_body(),
                {.link = true,
                 .monitor = true,
                 .initial_call = t({a("Elixir.Task.Supervisor"), a("async_nolink"), i(2)})});
            child = r.pid;
            monitor = r.monitor;
            co_return;
        },
        {.label = "fn in MyApp.run/0"});
    rt.run();
    auto spawns = recorder.of_kind(EventKind::Spawn);
    ASSERT_EQ(spawns.size(), 2u);
    EXPECT_EQ(spawns[0].pid, root.pid);
    EXPECT_FALSE(spawns[0].peer.valid());
    EXPECT_EQ(spawns[0].text, "fn in MyApp.run/0");
    EXPECT_EQ(spawns[1].pid, child);
    EXPECT_EQ(spawns[1].peer, root.pid);
    EXPECT_EQ(spawns[1].text, "Task.Supervisor.async_nolink/2");
    EXPECT_EQ(spawns[1].flags, trace::FlagLinked | trace::FlagMonitored);
    EXPECT_EQ(spawns[1].ref, monitor);
}

// Text-carrying events are built in one Event that the runtime reuses (its text buffer lives
// on): nothing of one event may show in the next, and a message's text must reach its Receive
// even when other texts were built between its Send and its Receive.
TEST(Events, ReusedTextEventsCarryOnlyTheirOwnFields) {
    Recorder recorder;
    Runtime rt(test_options(&recorder));
    const std::string long_text(40, 'x');  // longer than std::string's inline bytes
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        auto child = ctx.spawn(idle_body(), {.monitor = true});  // a Spawn with flags and a ref
        ctx.send(ctx.self(), Term::binary(long_text));
        ctx.write_console("between\n");
        ctx.send(ctx.self(), a("short"));
        co_await ctx.receive([](const Term&) { return true; }, Timeout::infinity());
        co_await ctx.receive([](const Term&) { return true; }, Timeout::infinity());
        ctx.exit(child.pid, a("kill"));
        co_await down_reason(ctx, child.monitor);
    });
    rt.run();
    const auto sends = recorder.of_kind(EventKind::Send);
    const auto receives = recorder.of_kind(EventKind::Receive);
    ASSERT_GE(sends.size(), 2u);
    ASSERT_GE(receives.size(), 2u);
    EXPECT_EQ(sends[0].text, "\"" + long_text + "\"");
    EXPECT_EQ(sends[1].text, ":short");
    EXPECT_EQ(receives[0].text, "\"" + long_text + "\"");
    EXPECT_EQ(receives[1].text, ":short");
    for (const auto* events : {&sends, &receives}) {
        for (const trace::Event& e : *events) {
            EXPECT_EQ(e.flags, 0);
            EXPECT_FALSE(e.ref.valid());
            EXPECT_EQ(e.deadline_us, -1);
            EXPECT_EQ(e.value, 0);
            EXPECT_EQ(e.detail, 0);
        }
    }
    const auto console = recorder.of_kind(EventKind::Console);
    ASSERT_EQ(console.size(), 1u);
    EXPECT_EQ(console[0].text, "between\n");
    EXPECT_FALSE(console[0].peer.valid());
    const auto downs = recorder.of_kind(EventKind::Down);
    ASSERT_EQ(downs.size(), 1u);
    EXPECT_EQ(downs[0].text, ":killed");
    EXPECT_EQ(downs[0].flags, 0);
    for (const trace::Event& e : recorder.of_kind(EventKind::StateChange)) {
        EXPECT_TRUE(e.text.empty());
        EXPECT_FALSE(e.peer.valid());
    }
}

TEST(Events, ExitCarriesReasonTextAndClass) {
    Recorder recorder;
    Runtime rt(test_options(&recorder));
    auto normal = rt.spawn([](ProcessContext&) -> Co<void> { co_return; });
    auto crash = rt.spawn([](ProcessContext& ctx) -> Co<void> {
        ctx.exit_self(t({a("bad"), i(1)}));
        co_return;
    });
    auto shut = rt.spawn([](ProcessContext& ctx) -> Co<void> {
        ctx.exit_self(t({a("shutdown"), a("x")}));
        co_return;
    });
    auto killed = rt.spawn(sleeper_body());
    rt.run();
    rt.exit(killed.pid, a("kill"));
    auto reason_of = [&](Pid p) { return recorder.about(p, EventKind::Exit).at(0); };
    EXPECT_EQ(reason_of(normal.pid).text, ":normal");
    EXPECT_EQ(reason_of(normal.pid).reason_class, trace::ExitReasonClass::Normal);
    EXPECT_EQ(reason_of(crash.pid).text, "{:bad, 1}");
    EXPECT_EQ(reason_of(crash.pid).reason_class, trace::ExitReasonClass::Crash);
    EXPECT_EQ(reason_of(shut.pid).reason_class, trace::ExitReasonClass::Shutdown);
    EXPECT_EQ(reason_of(killed.pid).text, ":killed");
    EXPECT_EQ(reason_of(killed.pid).reason_class, trace::ExitReasonClass::Killed);
}

TEST(Events, SendReceiveAndWaits) {
    Recorder recorder;
    Runtime rt(test_options(&recorder));
    auto receiver = rt.spawn([](ProcessContext& ctx) -> Co<void> {
        Ref r = ctx.make_ref();
        co_await ctx.receive([](const Term& m) { return m.is_tuple(); }, Timeout::millis(50),
                             trace::WaitKind::TaskAwait, Pid{}, r);
        co_await next_message(ctx, Timeout::millis(10));  // times out
    });
    auto sender = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        co_await ctx.sleep(Timeout::millis(5));
        ctx.send(receiver.pid, t({a("ok"), Term::binary("hi")}));
    });
    rt.run();
    auto sends = recorder.of_kind(EventKind::Send);
    ASSERT_EQ(sends.size(), 1u);
    EXPECT_EQ(sends[0].pid, sender.pid);
    EXPECT_EQ(sends[0].peer, receiver.pid);
    EXPECT_EQ(sends[0].text, "{:ok, \"hi\"}");
    auto receives = recorder.of_kind(EventKind::Receive);
    ASSERT_EQ(receives.size(), 1u);
    EXPECT_EQ(receives[0].peer, sender.pid);
    auto starts = recorder.about(receiver.pid, EventKind::WaitStart);
    auto ends = recorder.about(receiver.pid, EventKind::WaitEnd);
    ASSERT_EQ(starts.size(), 2u);
    ASSERT_EQ(ends.size(), 2u);
    EXPECT_EQ(starts[0].wait_kind, trace::WaitKind::TaskAwait);
    EXPECT_EQ(starts[0].deadline_us, starts[0].time_us + 50'000);
    EXPECT_EQ(ends[0].wait_outcome, trace::WaitOutcome::Message);
    EXPECT_EQ(starts[1].wait_kind, trace::WaitKind::Receive);
    EXPECT_EQ(ends[1].wait_outcome, trace::WaitOutcome::Timeout);
    EXPECT_GE(ends[1].time_us, starts[1].deadline_us);
    auto sleeps = recorder.about(sender.pid, EventKind::Sleep);
    ASSERT_EQ(sleeps.size(), 1u);
    EXPECT_EQ(sleeps[0].deadline_us, sleeps[0].time_us + 5000);
}

// Message texts are built in one buffer that is swapped into each message and back out for its
// Receive: with long and short texts interleaved, messages taken out of order, and a send to a
// dead process in between, every Receive must still carry its own message's text.
TEST(Events, ReceiveTextsAreTheirOwnMessagesTextsWhateverTheOrder) {
    Recorder recorder;
    Runtime rt(test_options(&recorder));
    constexpr int kMessages = 12;
    auto receiver = rt.spawn([](ProcessContext& ctx) -> Co<void> {
        co_await ctx.sleep(Timeout::millis(1));   // all messages are queued by then
        for (int k = kMessages - 1; k >= 0; --k)  // newest first: a selective receive each time
            co_await ctx.receive(
                [k](const Term& m) { return m.is_tuple(2) && m.element(0).as_integer() == k; },
                Timeout::infinity());
    });
    auto dead = rt.spawn([](ProcessContext&) -> Co<void> { co_return; });
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        for (int k = 0; k < kMessages; ++k) {
            const std::string payload(k % 3 == 0 ? 2 : 20 + 7 * k, static_cast<char>('a' + k));
            ctx.send(receiver.pid, t({i(k), Term::binary(payload)}));
            ctx.send(dead.pid, t({i(k), Term::binary(std::string(40, 'z'))}));
        }
        co_return;
    });
    rt.run();
    std::vector<std::string> sent(kMessages), received(kMessages);
    for (const auto& e : recorder.events) {
        const bool send = e.kind == EventKind::Send && e.peer == receiver.pid;
        const bool receive = e.kind == EventKind::Receive && e.pid == receiver.pid;
        if (!send && !receive) continue;
        const int k = std::stoi(e.text.substr(1));
        (send ? sent : received)[k] = e.text;
    }
    for (int k = 0; k < kMessages; ++k) {
        const std::string payload(k % 3 == 0 ? 2 : 20 + 7 * k, static_cast<char>('a' + k));
        EXPECT_EQ(sent[k], "{" + std::to_string(k) + ", \"" + payload + "\"}");
        EXPECT_EQ(received[k], sent[k]) << k;
    }
}

TEST(Events, AwaitEndingInDownAndWaitKilled) {
    Recorder recorder;
    Runtime rt(test_options(&recorder));
    Pid waiter_pid;
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        auto task = ctx.spawn(
            [](ProcessContext& c) -> Co<void> {
                co_await c.sleep(Timeout::millis(1));
                c.exit_self(Term::atom("boom"));
            },
            {.monitor = true});
        Ref r = task.monitor;
        co_await ctx.receive(
            [r](const Term& m) { return m.is_tuple(5) && m.element(1).as_reference() == r; },
            Timeout::infinity(), trace::WaitKind::TaskAwait, task.pid, r);
        auto waiter = ctx.spawn(idle_body());
        waiter_pid = waiter.pid;
        co_await ctx.sleep(Timeout::millis(1));
        ctx.exit(waiter.pid, Term::atom("kill"));
    });
    rt.run();
    auto ends = recorder.of_kind(EventKind::WaitEnd);
    ASSERT_EQ(ends.size(), 2u);
    EXPECT_EQ(ends[0].wait_outcome, trace::WaitOutcome::Down);
    EXPECT_EQ(ends[1].wait_outcome, trace::WaitOutcome::Killed);
    EXPECT_EQ(ends[1].pid, waiter_pid);
}

TEST(Events, LinksMonitorsSignalsAndStateChanges) {
    Recorder recorder;
    Runtime rt(test_options(&recorder));
    Pid a_pid, b_pid;
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        ctx.set_trap_exit(true);
        auto b = ctx.spawn(sleeper_body());
        b_pid = b.pid;
        a_pid = ctx.self();
        co_await ctx.sleep(Timeout::millis(1));  // b runs and goes to sleep
        ctx.link(b.pid);
        Ref r = ctx.monitor(pid(b.pid));
        ctx.demonitor(r);
        ctx.monitor(pid(b.pid));
        ctx.unlink(b.pid);
        ctx.link(b.pid);
        ctx.exit(b.pid, a("normal"));  // ignored: b does not trap
        ctx.exit(b.pid, a("boom"));    // kills b; a traps the link exit
        co_await next_message(ctx);
        co_await next_message(ctx);
        ctx.register_name(Atom::intern("a_proc"), ctx.self());
    });
    rt.run();
    EXPECT_EQ(recorder.of_kind(EventKind::Link).size(), 2u);
    EXPECT_EQ(recorder.of_kind(EventKind::Unlink).size(), 1u);
    EXPECT_EQ(recorder.of_kind(EventKind::Monitor).size(), 2u);
    EXPECT_EQ(recorder.of_kind(EventKind::Demonitor).size(), 1u);
    auto downs = recorder.of_kind(EventKind::Down);
    ASSERT_EQ(downs.size(), 1u);
    EXPECT_EQ(downs[0].pid, a_pid);
    EXPECT_EQ(downs[0].peer, b_pid);
    EXPECT_EQ(downs[0].text, ":boom");
    auto signals = recorder.of_kind(EventKind::ExitSignal);
    ASSERT_EQ(signals.size(), 3u);
    EXPECT_EQ(signals[0].disposition, trace::SignalDisposition::Ignored);
    EXPECT_EQ(signals[1].disposition, trace::SignalDisposition::Killed);
    EXPECT_EQ(signals[1].pid, b_pid);
    EXPECT_EQ(signals[2].disposition, trace::SignalDisposition::Trapped);
    EXPECT_EQ(signals[2].pid, a_pid);
    EXPECT_EQ(recorder.of_kind(EventKind::Register).size(), 1u);
    auto unregisters = recorder.of_kind(EventKind::Unregister);
    ASSERT_EQ(unregisters.size(), 1u);  // released on exit
    EXPECT_EQ(unregisters[0].text, "a_proc");
    std::vector<trace::ProcessState> states;
    for (const auto& e : recorder.about(b_pid, EventKind::StateChange)) states.push_back(e.state);
    EXPECT_EQ(states, (std::vector<trace::ProcessState>{trace::ProcessState::Running,
                                                        trace::ProcessState::Sleeping,
                                                        trace::ProcessState::Exiting}));
}

TEST(Events, ConsoleAndNodeEvents) {
    Recorder recorder;
    Runtime rt(test_options(&recorder));
    uint32_t node = rt.start_node(Atom::intern("n2@host"));
    rt.spawn([](ProcessContext& ctx) -> Co<void> {
        ctx.write_console("out\n");
        ctx.write_console("err\n", true);
        co_return;
    });
    rt.run();
    rt.disconnect_node(node);
    auto console = recorder.of_kind(EventKind::Console);
    ASSERT_EQ(console.size(), 2u);
    EXPECT_EQ(console[0].text, "out\n");
    EXPECT_EQ(console[1].flags, trace::FlagStderr);
    auto up = recorder.of_kind(EventKind::NodeUp);
    auto down = recorder.of_kind(EventKind::NodeDown);
    ASSERT_EQ(up.size(), 1u);
    ASSERT_EQ(down.size(), 1u);
    EXPECT_EQ(up[0].text, "n2@host");
    EXPECT_EQ(down[0].value, node);
}

TEST(Events, NothingIsRecordedWithoutASinkAndSetEventSinkTurnsRecordingOn) {
    Runtime rt(test_options());
    rt.spawn([](ProcessContext& ctx) -> Co<void> {
        EXPECT_FALSE(ctx.recording());
        co_return;
    });
    rt.run();
    Recorder recorder;
    rt.set_event_sink(&recorder);
    rt.spawn([](ProcessContext& ctx) -> Co<void> {
        EXPECT_TRUE(ctx.recording());
        trace::Event e;
        e.kind = EventKind::Log;
        e.text = "custom";
        ctx.record_event(e);
        co_return;
    });
    rt.run();
    auto logs = recorder.of_kind(EventKind::Log);
    ASSERT_EQ(logs.size(), 1u);
    EXPECT_TRUE(logs[0].pid.valid());
}

TEST(Events, RenderingOfCommonTerms) {
    EXPECT_EQ(render_term(a("ok")), ":ok");
    EXPECT_EQ(render_term(a("Elixir.MyApp.Worker")), "MyApp.Worker");
    EXPECT_EQ(render_term(Term::nil()), "nil");
    EXPECT_EQ(render_term(Term::list({i(1), i(2)})), "[1, 2]");
    EXPECT_EQ(render_term(Term::floating(1.0)), "1.0");
    EXPECT_EQ(render_term(Term::map({{a("a"), i(1)}})), "%{a: 1}");
    EXPECT_EQ(render_term(a("with space")), ":\"with space\"");
    std::vector<Term> many(1000, i(12345));
    EXPECT_LE(render_term(Term::list(many)).size(), 130u);
}

}  // namespace
}  // namespace tasklens
