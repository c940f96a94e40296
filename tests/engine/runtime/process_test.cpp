// Processes: pids, mailboxes, names, dictionary, refs, info snapshots, virtual nodes.
#include "tests/engine/runtime/runtime_test_util.h"

namespace tasklens {
namespace {

using namespace tasklens::testing;

TEST(Processes, PidsAreNumberedOnTheirNode) {
    Runtime rt(test_options());
    auto first = rt.spawn(idle_body());
    auto second = rt.spawn(idle_body());
    EXPECT_EQ(first.pid.node, 0u);
    EXPECT_TRUE(first.pid.valid());
    EXPECT_LT(first.pid.serial, second.pid.serial);
    EXPECT_EQ(render_term(pid(Pid{0, 42})), "#PID<0.42.0>");
}

TEST(Processes, SpawnLinkAndSpawnMonitorSetUpBothEnds) {
    Runtime rt(test_options());
    SpawnResult child;
    Pid self;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        self = ctx.self();
        child = ctx.spawn(idle_body(), {.link = true, .monitor = true});
        co_await ctx.sleep(Timeout::infinity());
    });
    rt.run();
    auto parent_info = rt.info(root.pid);
    auto child_info = rt.info(child.pid);
    ASSERT_TRUE(parent_info && child_info);
    EXPECT_EQ(parent_info->links, std::vector<Pid>{child.pid});
    EXPECT_EQ(child_info->links, std::vector<Pid>{root.pid});
    ASSERT_EQ(parent_info->monitors.size(), 1u);
    EXPECT_EQ(parent_info->monitors[0].first, child.monitor);
    EXPECT_EQ(parent_info->monitors[0].second, child.pid);
    ASSERT_EQ(child_info->monitored_by.size(), 1u);
    EXPECT_EQ(child_info->monitored_by[0].second, root.pid);
    EXPECT_EQ(child_info->state, trace::ProcessState::Waiting);
    EXPECT_EQ(parent_info->state, trace::ProcessState::Sleeping);
}

TEST(Processes, SelectiveReceiveWithTheLowLevelMailboxApi) {
    Runtime rt(test_options());
    std::vector<Term> taken;
    int wakeups = 0;
    auto receiver = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        // Wait for :wanted, scanning each message once however many waits it takes.
        Message* last_seen = nullptr;
        for (;;) {
            Message* m = last_seen ? ctx.next_message(last_seen) : ctx.first_message();
            for (; m; m = ctx.next_message(m)) {
                if (ctx.message_term(m).is_atom(Atom::intern("wanted"))) {
                    taken.push_back(ctx.take_message(m));
                    co_return;
                }
                last_seen = m;
            }
            bool arrived = co_await ctx.wait_for_message(-1);
            EXPECT_TRUE(arrived);
            ++wakeups;
        }
    });
    rt.run();
    rt.send(receiver.pid, a("other1"));
    rt.run();
    rt.send(receiver.pid, a("other2"));
    rt.send(receiver.pid, a("wanted"));
    rt.send(receiver.pid, a("other3"));
    auto info = rt.info(receiver.pid);
    EXPECT_EQ(info->message_queue_len, 4u);
    rt.run();
    EXPECT_EQ(wakeups, 2);
    ASSERT_EQ(taken.size(), 1u);
    EXPECT_TERM_EQ(taken[0], a("wanted"));
}

TEST(Processes, WaitForMessageReportsATimeout) {
    Runtime rt(test_options());
    std::optional<bool> arrived;
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        arrived = co_await ctx.wait_for_message(ctx.now_us() + 500);
    });
    rt.run();
    EXPECT_EQ(arrived, false);
    EXPECT_GE(rt.now_us(), 500);
}

TEST(Processes, SendToANameAndToNameNodeTuples) {
    Runtime rt(test_options());
    std::vector<Term> got;
    std::optional<ErlangException> unregistered;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        ctx.register_name(Atom::intern("me"), ctx.self());
        ctx.send(a("me"), i(1));
        ctx.send(t({a("me"), a("nonode@nohost")}), i(2));
        ctx.send(t({a("nobody"), a("nonode@nohost")}), i(3));  // dropped, no error (OTP 25)
        try {
            ctx.send(a("nobody"), i(4));
        } catch (const ErlangException& e) {
            unregistered = e;
        }
        for (int k = 0; k < 2; ++k) got.push_back(*co_await next_message(ctx));
        EXPECT_EQ(ctx.message_queue_len(), 0u);
    });
    rt.run_until_exit(root.pid);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_TERM_EQ(got[0], i(1));
    EXPECT_TERM_EQ(got[1], i(2));
    ASSERT_TRUE(unregistered);
    EXPECT_TERM_EQ(unregistered->reason(), a("badarg"));
}

TEST(Processes, RegisteredNamesAreReleasedOnExit) {
    Runtime rt(test_options());
    Atom name = Atom::intern("worker");
    auto worker = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        ctx.register_name(name, ctx.self());
        EXPECT_THROW(ctx.register_name(name, ctx.self()), ErlangException);  // taken
        co_await next_message(ctx);
    });
    rt.run();
    EXPECT_EQ(rt.whereis(name), worker.pid);
    EXPECT_EQ(rt.info(worker.pid)->registered_name, name);
    rt.send(worker.pid, a("stop"));
    rt.run();
    EXPECT_FALSE(rt.whereis(name));
    auto again = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        ctx.register_name(name, ctx.self());
        EXPECT_EQ(ctx.whereis(name), ctx.self());
        ctx.unregister_name(name);
        EXPECT_FALSE(ctx.whereis(name));
        EXPECT_THROW(ctx.unregister_name(name), ErlangException);
        co_return;
    });
    rt.run_until_exit(again.pid);
}

TEST(Processes, RegisteringADeadPidIsBadarg) {
    Runtime rt(test_options());
    auto dead = rt.spawn([](ProcessContext&) -> Co<void> { co_return; });
    rt.run();
    bool raised = false;
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        try {
            ctx.register_name(Atom::intern("ghost"), dead.pid);
        } catch (const ErlangException& e) {
            raised = e.reason().is_atom(atom::badarg);
        }
        co_return;
    });
    rt.run();
    EXPECT_TRUE(raised);
}

TEST(Processes, ProcessDictionary) {
    Runtime rt(test_options());
    rt.spawn([](ProcessContext& ctx) -> Co<void> {
        EXPECT_TRUE(ctx.dict_put(a("k"), i(1)).is_nil());
        EXPECT_TERM_EQ(ctx.dict_put(a("k"), i(2)), i(1));
        EXPECT_TERM_EQ(ctx.dict_get(a("k")), i(2));
        ctx.dict_put(i(1), a("int"));
        EXPECT_TRUE(ctx.dict_get(Term::floating(1.0)).is_nil());  // keys compare exactly
        EXPECT_EQ(ctx.dict_all().size(), 2u);
        EXPECT_TERM_EQ(ctx.dict_erase(a("k")), i(2));
        EXPECT_TRUE(ctx.dict_get(a("k")).is_nil());
        EXPECT_EQ(ctx.info(ctx.self())->dictionary.size(), 1u);
        co_return;
    });
    rt.run();
}

TEST(Processes, RefsAreUnique) {
    Runtime rt(test_options());
    rt.spawn([](ProcessContext& ctx) -> Co<void> {
        Ref r1 = ctx.make_ref();
        Ref r2 = ctx.make_ref();
        EXPECT_TRUE(r1.valid());
        EXPECT_NE(r1, r2);
        co_return;
    });
    rt.run();
}

TEST(Processes, InfoSnapshot) {
    Runtime rt(test_options());
    Term mfa = t({a("Elixir.Task.Supervisor"), a("async_nolink"), i(2)});
    auto worker = rt.spawn(
        [](ProcessContext& ctx) -> Co<void> {
            ctx.set_trap_exit(true);
            co_await ctx.receive([](const Term& m) { return m.is_atom(atom::ok); },
                                 Timeout::infinity());
        },
        {.initial_call = mfa});
    rt.run();
    rt.send(worker.pid, i(1));
    rt.send(worker.pid, i(2));
    auto info = rt.info(worker.pid);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->pid, worker.pid);
    EXPECT_TRUE(info->trap_exit);
    EXPECT_TERM_EQ(info->initial_call, mfa);
    EXPECT_EQ(info->message_queue_len, 2u);
    ASSERT_EQ(info->messages.size(), 2u);
    EXPECT_TERM_EQ(info->messages[1], i(2));
    EXPECT_GT(info->reductions, 0u);
    EXPECT_FALSE(rt.info(Pid{0, 999'999}));
    auto plain = rt.spawn(idle_body());
    EXPECT_TERM_EQ(rt.info(plain.pid)->initial_call, t({a("erlang"), a("apply"), i(2)}));
}

TEST(Processes, ProcessesListsTheLiveOnes) {
    Runtime rt(test_options());
    auto p1 = rt.spawn(idle_body());
    auto p2 = rt.spawn([](ProcessContext&) -> Co<void> { co_return; });
    auto p3 = rt.spawn(idle_body());
    rt.run();
    EXPECT_EQ(rt.processes(), (std::vector<Pid>{p1.pid, p3.pid}));
    EXPECT_EQ(rt.process_count(), 2u);
    EXPECT_FALSE(rt.alive(p2.pid));
}

TEST(Processes, ManyProcessesGrowTheTable) {
    Runtime rt(test_options());
    std::vector<Pid> pids;
    for (int k = 0; k < 5000; ++k) pids.push_back(rt.spawn(idle_body()).pid);
    rt.run();
    for (Pid p : pids) EXPECT_TRUE(rt.alive(p));
    for (size_t k = 0; k < pids.size(); k += 2) rt.send(pids[k], a("bye"));
    rt.run();
    for (size_t k = 0; k < pids.size(); ++k) EXPECT_EQ(rt.alive(pids[k]), k % 2 == 1);
}

TEST(Processes, ConsoleOutputGoesToTheConsoleCallback) {
    std::string out, err;
    RuntimeOptions options = test_options();
    options.console = [&](std::string_view text, bool to_stderr) {
        (to_stderr ? err : out) += text;
    };
    Runtime rt(options);
    rt.spawn([](ProcessContext& ctx) -> Co<void> {
        ctx.write_console("hello\n");
        ctx.write_console("oops\n", true);
        co_return;
    });
    rt.run();
    EXPECT_EQ(out, "hello\n");
    EXPECT_EQ(err, "oops\n");
}

TEST(Processes, ExtensionsAreCreatedOnceAndOwnedByTheRuntime) {
    struct State {
        int value = 0;
    };
    Runtime rt(test_options());
    rt.extension<State>().value = 7;
    EXPECT_EQ(rt.extension<State>().value, 7);
}

// --- virtual nodes ---------------------------------------------------------------------------

TEST(Nodes, SpawnOnAVirtualNode) {
    Runtime rt(test_options());
    uint32_t node = rt.start_node(Atom::intern("b@host"));
    EXPECT_EQ(node, 1u);
    EXPECT_EQ(rt.start_node(Atom::intern("b@host")), node);
    EXPECT_EQ(rt.find_node(Atom::intern("b@host")), node);
    EXPECT_EQ(rt.node_name(0), Atom::intern("nonode@nohost"));
    EXPECT_EQ(rt.local_node(), 0u);
    Pid remote;
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        remote = ctx.spawn(idle_body(), {.node = node}).pid;
        co_return;
    });
    rt.run();
    EXPECT_EQ(remote.node, node);
    EXPECT_TRUE(rt.alive(remote));
}

TEST(Nodes, DisconnectFiresNoconnectionToLinksAndMonitorsAcrossTheNode) {
    Runtime rt(test_options());
    uint32_t node = rt.start_node(Atom::intern("far@host"));
    Term exit_message, down;
    Pid remote_linked, remote_watched;
    auto root = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        ctx.set_trap_exit(true);
        remote_linked = ctx.spawn(idle_body(), {.link = true, .node = node}).pid;
        auto watched = ctx.spawn(idle_body(), {.monitor = true, .node = node});
        remote_watched = watched.pid;
        exit_message = *co_await next_message(ctx);
        down = *co_await next_message(ctx);
    });
    rt.run();
    rt.disconnect_node(node);
    rt.run();
    EXPECT_FALSE(rt.alive(root.pid));
    EXPECT_TERM_EQ(exit_message, t({a("EXIT"), pid(remote_linked), a("noconnection")}));
    EXPECT_TERM_EQ(down.element(3), pid(remote_watched));
    EXPECT_TERM_EQ(down.element(4), a("noconnection"));
    // The remote end of the link was not trapping: it died of :noconnection too.
    EXPECT_FALSE(rt.alive(remote_linked));
    // The monitored one only lost its monitor.
    EXPECT_TRUE(rt.alive(remote_watched));
    EXPECT_TRUE(rt.info(remote_watched)->monitored_by.empty());
}

// --- code registry ---------------------------------------------------------------------------

Co<Term> native_add(ProcessContext&, std::span<const Term> args) {
    co_return Term::integer(args[0].as_integer() + args[1].as_integer());
}

Co<Term> native_fun_body(ProcessContext&, std::span<const Term> args, const FunObject& self) {
    co_return Term::integer(args[0].as_integer() * self.env[0].as_integer());
}

TEST(CodeRegistry, AppliesNativesResolverAndFuns) {
    Runtime rt(test_options());
    Atom math = Atom::intern("Elixir.MyMath");
    Atom add = Atom::intern("add");
    rt.code().register_native(math, add, 2, native_add);
    EXPECT_TRUE(rt.code().is_defined(math, add, 2));
    EXPECT_FALSE(rt.code().is_defined(math, add, 3));
    rt.code().set_module_resolver([](ProcessContext&, Atom module, Atom,
                                     std::span<const Term> args) -> std::optional<Co<Term>> {
        if (module != Atom::intern("Elixir.Scripted")) return std::nullopt;
        Term first = args[0];
        return [](Term v) -> Co<Term> { co_return v; }(first);
    });
    std::vector<Term> results;
    std::vector<Term> errors;
    rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        // (Argument vectors are built before each co_await: GCC 12 miscompiles braced
        // initializer lists inside a co_await expression.)
        CodeRegistry& code = ctx.runtime().code();
        std::vector<Term> args = {i(2), i(3)};
        results.push_back(co_await code.apply(ctx, math, add, std::move(args)));
        args = {a("x")};
        results.push_back(co_await code.apply(ctx, Atom::intern("Elixir.Scripted"),
                                              Atom::intern("id"), std::move(args)));
        auto* external = new FunObject(FunObject::Kind::External);
        external->module = math;
        external->name = add;
        external->arity = 2;
        Term external_fun = Term::adopt(external);
        args = {i(4), i(5)};
        results.push_back(co_await code.call_fun(ctx, external_fun, std::move(args)));
        auto* native = new FunObject(FunObject::Kind::Native);
        native->arity = 1;
        native->native = native_fun_body;
        native->env.push_back(i(10));
        Term native_fun = Term::adopt(native);
        args = {i(7)};
        results.push_back(co_await code.call_fun(ctx, native_fun, std::move(args)));
        try {
            args = {i(1), i(2)};
            co_await code.call_fun(ctx, native_fun, std::move(args));
        } catch (const ErlangException& e) {
            errors.push_back(e.reason());
        }
        try {
            args.clear();
            co_await code.call_fun(ctx, i(3), std::move(args));
        } catch (const ErlangException& e) {
            errors.push_back(e.reason());
        }
        try {
            args.clear();
            co_await code.apply(ctx, math, Atom::intern("nope"), std::move(args));
        } catch (const ErlangException& e) {
            errors.push_back(e.reason());
        }
    });
    rt.run();
    ASSERT_EQ(results.size(), 4u);
    EXPECT_TERM_EQ(results[0], i(5));
    EXPECT_TERM_EQ(results[1], a("x"));
    EXPECT_TERM_EQ(results[2], i(9));
    EXPECT_TERM_EQ(results[3], i(70));
    ASSERT_EQ(errors.size(), 3u);
    EXPECT_TERM_EQ(errors[0].element(0), a("badarity"));
    EXPECT_TERM_EQ(errors[1], t({a("badfun"), i(3)}));
    EXPECT_TERM_EQ(errors[2], a("undef"));
}

}  // namespace
}  // namespace tasklens

namespace tasklens {
namespace {

using namespace tasklens::testing;

TEST(Processes, ReceiveNeverRescansMessagesItAlreadyRejected) {
    Runtime rt(test_options());
    int matcher_calls = 0;
    auto receiver = rt.spawn([&](ProcessContext& ctx) -> Co<void> {
        co_await ctx.receive(
            [&](const Term& m) {
                ++matcher_calls;
                return m.is_atom(atom::ok);
            },
            Timeout::infinity());
    });
    for (int k = 0; k < 100; ++k) rt.send(receiver.pid, i(k));
    rt.run();
    EXPECT_EQ(matcher_calls, 100);
    for (int k = 0; k < 10; ++k) {
        rt.send(receiver.pid, i(k));
        rt.run();
    }
    rt.send(receiver.pid, a("ok"));
    rt.run();
    EXPECT_EQ(matcher_calls, 111);
    EXPECT_FALSE(rt.alive(receiver.pid));
}

TEST(Processes, KillingAProcessThatNeverRanDestroysItsUnstartedFrame) {
    Runtime rt(test_options());
    bool ran = false;
    auto victim = rt.spawn([&](ProcessContext&) -> Co<void> {
        ran = true;
        co_return;
    });
    rt.exit(victim.pid, a("kill"));
    rt.run();
    EXPECT_FALSE(ran);
    EXPECT_FALSE(rt.alive(victim.pid));
    EXPECT_EQ(rt.process_count(), 0u);
}

}  // namespace
}  // namespace tasklens
