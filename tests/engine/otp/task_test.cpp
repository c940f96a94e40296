// Task: one test per documented behaviour of the seed (elixir-1.15-Task-docs.txt and the DockYard
// lesson); each quotes the sentence it checks. Everything runs on the virtual clock.
#include "tests/engine/otp/otp_test_support.h"

namespace tasklens::otp::testing {
namespace {

using TaskTest = OtpTest;

// "Task.async/1 + Task.await/1 return {:msg, "hello"}" (dy_03)
TEST_F(TaskTest, AsyncAwaitReturnsTheValue) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term task = task_async(ctx, value_fun(T(A("msg"), Term::binary("hello"))));
        co_return co_await task_await(ctx, task);
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(*out.value, T(A("msg"), Term::binary("hello"))));
}

// ":mfa - a three-element tuple containing the module, function name, and arity invoked to start
// the task in async/1 and async/3" — {:erlang, :apply, 2} for async/1.
TEST_F(TaskTest, StructFieldsForAsync1) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term task = task_async(ctx, value_fun(I(1)));
        EXPECT_TRUE(exact_equal(get(task, "__struct__"), A("Elixir.Task")));
        EXPECT_TRUE(exact_equal(get(task, "mfa"), T(A("erlang"), A("apply"), I(2))));
        EXPECT_TRUE(exact_equal(get(task, "owner"), P(ctx.self())));
        EXPECT_TRUE(get(task, "pid").is_pid());
        EXPECT_TRUE(get(task, "ref").is_reference());
        co_return co_await task_await(ctx, task);
    });
    ASSERT_TRUE(out.value);
}

// "async/3 ... :mfa is {Mod, :add, 2}" (task_52) — via the CodeRegistry, as scenarios call it.
Co<Term> add_native(ProcessContext&, std::span<const Term> args) {
    co_return Term::integer(args[0].as_integer() + args[1].as_integer());
}
TEST_F(TaskTest, Async3MfaAndResult) {
    rt.code().register_native(Atom::intern("Elixir.Mod"), Atom::intern("add"), 2, add_native);
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term task =
            co_await call(ctx, "Elixir.Task", "async", A("Elixir.Mod"), A("add"), L(I(1), I(2)));
        EXPECT_TRUE(exact_equal(get(task, "mfa"), T(A("Elixir.Mod"), A("add"), I(2))));
        co_return co_await call(ctx, "Elixir.Task", "await", task);
    });
    ASSERT_TRUE(out.value);
    EXPECT_EQ(out.value->as_integer(), 3);
}

// "two 1 s computations in sequence take 2 s" / "the same in two tasks take 1 s" (dy_05, dy_06)
TEST_F(TaskTest, ParallelTasksOverlapInVirtualTime) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term t1 = task_async(ctx, sleep_fun(1000, I(1)));
        Term t2 = task_async(ctx, sleep_fun(1000, I(2)));
        Term r1 = co_await task_await(ctx, t1);
        Term r2 = co_await task_await(ctx, t2);
        co_return Term::integer(r1.as_integer() + r2.as_integer());
    });
    ASSERT_TRUE(out.value);
    EXPECT_EQ(out.value->as_integer(), 3);
    EXPECT_GE(out.end_us, 1'000'000);
    EXPECT_LT(out.end_us, 1'100'000);
}

// "If the timeout is exceeded, then the caller process will exit." with
// {:timeout, {Task, :await, [task, 5000]}} after 5 s (dy_10, dy_14)
TEST_F(TaskTest, AwaitDefaultTimeoutExitsCallerAfterFiveSeconds) {
    Term task_seen;
    auto out = run([&](ProcessContext& ctx) -> Co<Term> {
        Term task = task_async(ctx, sleep_fun(6000, A("ok")));
        task_seen = task;
        co_return co_await task_await(ctx, task);
    });
    EXPECT_FALSE(out.value);
    ASSERT_TRUE(out.exit_reason);
    EXPECT_TRUE(exact_equal(
        *out.exit_reason, T(A("timeout"), T(A("Elixir.Task"), A("await"), L(task_seen, I(5000))))));
    EXPECT_GE(out.end_us, 5'000'000);
    EXPECT_LT(out.end_us, 5'100'000);
}

// "Task.await(task, 7000) on a 6 s task returns :ok" (dy_11)
TEST_F(TaskTest, AwaitTimeoutOverride) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term task = task_async(ctx, sleep_fun(6000, A("ok")));
        co_return co_await task_await(ctx, task, Timeout::millis(7000));
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(out.value->is_atom(atom::ok));
}

// "In case the task process dies, the caller process will exit with the same reason as the task."
// (a trapping caller, task_05)
TEST_F(TaskTest, AwaitExitsWithTheTaskReasonWhenTrapping) {
    Term task_seen;
    auto out = run([&](ProcessContext& ctx) -> Co<Term> {
        ctx.set_trap_exit(true);
        Term task = task_async(ctx, exit_fun(10, A("boom")));
        task_seen = task;
        co_return co_await task_await(ctx, task);
    });
    ASSERT_TRUE(out.exit_reason);
    EXPECT_TRUE(exact_equal(*out.exit_reason,
                            T(A("boom"), T(A("Elixir.Task"), A("await"), L(task_seen, I(5000))))));
}

// "async tasks link the caller and the spawned process. This means that, if the caller crashes,
// the task will crash too and vice-versa." — task crash kills a non-trapping caller.
TEST_F(TaskTest, TaskCrashKillsTheCaller) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term task = task_async(ctx, exit_fun(10, A("crash")));
        co_await ctx.sleep(Timeout::millis(1000));
        co_return task;
    });
    EXPECT_FALSE(out.value);
    ASSERT_TRUE(out.exit_reason);
    EXPECT_TRUE(out.exit_reason->is_atom(Atom::intern("crash")));
    EXPECT_LT(out.end_us, 100'000);
}

// "... if the caller crashes, the task will crash too" (task_02)
TEST_F(TaskTest, CallerCrashKillsTheTask) {
    Pid task_pid;
    run([&](ProcessContext& ctx) -> Co<Term> {
        Term task = task_async(ctx, sleep_fun(10'000, A("never")));
        task_pid = get(task, "pid").as_pid();
        ctx.exit_self(A("caller_crash"));
        co_return task;
    });
    drain();
    EXPECT_FALSE(rt.alive(task_pid));
}

// "a :normal caller exit does not" stop the task (task_02)
TEST_F(TaskTest, NormalCallerExitLeavesTheTaskRunning) {
    Pid task_pid;
    run([&](ProcessContext& ctx) -> Co<Term> {
        Term task = task_async(ctx, sleep_fun(10'000, A("later")));
        task_pid = get(task, "pid").as_pid();
        co_return A("done");
    });
    EXPECT_TRUE(rt.alive(task_pid));
}

// "Task.async sends {ref, result} then {:DOWN, ref, :process, pid, :normal}" (task_51)
TEST_F(TaskTest, AsyncSendsReplyThenDown) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term task = task_async(ctx, value_fun(A("result")));
        auto first = co_await receive_any(ctx, 1000);
        auto second = co_await receive_any(ctx, 1000);
        EXPECT_TRUE(first && exact_equal(*first, T(get(task, "ref"), A("result"))));
        EXPECT_TRUE(second && second->is_tuple(5) && second->element(0).is_atom(atom::DOWN) &&
                    exact_equal(second->element(1), get(task, "ref")) &&
                    second->element(4).is_atom(atom::normal));
        co_return A("ok");
    });
    ASSERT_TRUE(out.value);
}

// "Task.await_many/1: [2, 4, 6, 8, 10]" — replies in input order (dy_09, task_38)
TEST_F(TaskTest, AwaitManyKeepsInputOrder) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        std::vector<Term> tasks;
        for (int i = 1; i <= 5; ++i)
            tasks.push_back(task_async(ctx, sleep_fun(600 - 100 * i, I(2 * i))));
        co_return co_await task_await_many(ctx, Term::list(std::span(tasks)));
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(*out.value, L(I(2), I(4), I(6), I(8), I(10))));
}

// "await_many ... exit with {:timeout, {Task, :await_many, [..., 5000]}} after 5 s" (dy_14)
TEST_F(TaskTest, AwaitManyTimeout) {
    Term tasks_seen;
    auto out = run([&](ProcessContext& ctx) -> Co<Term> {
        tasks_seen = L(task_async(ctx, sleep_fun(6000, I(1))));
        co_return co_await task_await_many(ctx, tasks_seen);
    });
    ASSERT_TRUE(out.exit_reason);
    EXPECT_TRUE(exact_equal(*out.exit_reason, T(A("timeout"), T(A("Elixir.Task"), A("await_many"),
                                                                L(tasks_seen, I(5000))))));
    EXPECT_GE(out.end_us, 5'000'000);
}

// "Returns {:ok, reply} if the reply is received, nil if no reply has arrived" (yield, task_47)
TEST_F(TaskTest, YieldNilThenOk) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term task = task_async(ctx, sleep_fun(300, A("v")));
        Term a = co_await task_yield(ctx, task, Timeout::millis(100));
        Term b = co_await task_yield(ctx, task, Timeout::millis(100));
        Term c = co_await task_yield(ctx, task, Timeout::millis(500));
        co_return L(a, b, c);
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(*out.value, L(Term::nil(), Term::nil(), T(A("ok"), A("v")))));
}

// "{:exit, reason} if the task has died" — yield on a nolink-like trapping caller (task_47)
TEST_F(TaskTest, YieldReportsExit) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        ctx.set_trap_exit(true);
        Term task = task_async(ctx, exit_fun(10, A("failed")));
        co_return co_await task_yield(ctx, task, Timeout::millis(1000));
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(*out.value, T(A("exit"), A("failed"))));
}

// "Task.shutdown ... nil" for a task still running, and it is gone afterwards (task_42)
TEST_F(TaskTest, ShutdownRunningTaskReturnsNil) {
    Pid pid;
    auto out = run([&](ProcessContext& ctx) -> Co<Term> {
        Term task = task_async(ctx, sleep_fun(10'000, A("never")));
        pid = get(task, "pid").as_pid();
        co_return co_await task_shutdown(ctx, task);
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(out.value->is_nil());
    EXPECT_FALSE(rt.alive(pid));
}

// "Returns {:ok, reply} if the reply is received while shutting down the task" (task_42)
TEST_F(TaskTest, ShutdownFinishedTaskReturnsReply) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term task = task_async(ctx, value_fun(A("done")));
        co_await ctx.sleep(Timeout::millis(50));
        co_return co_await task_shutdown(ctx, task);
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(*out.value, T(A("ok"), A("done"))));
}

// "In case of a timeout, a :shutdown exit signal is sent to the task process and if it does not
// exit within the timeout, it is killed." → {:exit, :killed} after the timeout (task_42)
TEST_F(TaskTest, ShutdownKillsATrappingTaskAfterTheTimeout) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term task = task_async(ctx, trap_fun(10'000, A("never")));
        co_await ctx.sleep(Timeout::millis(50));
        co_return co_await task_shutdown(ctx, task, Shutdown::millis(1000));
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(*out.value, T(A("exit"), A("killed"))));
    EXPECT_GE(out.end_us, 1'050'000);
    EXPECT_LT(out.end_us, 1'100'000);
}

// "With :brutal_kill the task is killed straight away." (task_42)
TEST_F(TaskTest, ShutdownBrutalKill) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term task = task_async(ctx, trap_fun(10'000, A("never")));
        co_await ctx.sleep(Timeout::millis(50));
        co_return co_await task_shutdown(ctx, task, Shutdown::brutal_kill());
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(out.value->is_nil());
    EXPECT_LT(out.end_us, 60'000);
}

// "If a task's monitor has already been demonitored or received and there is not a response
// waiting in the message queue this function will return {:exit, :noproc}" (task_42)
TEST_F(TaskTest, ShutdownAfterAwaitIsNoproc) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term task = task_async(ctx, value_fun(I(1)));
        co_await task_await(ctx, task);
        co_await ctx.sleep(Timeout::millis(10));
        co_return co_await task_shutdown(ctx, task);
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(*out.value, T(A("exit"), A("noproc"))));
}

// "If there is no process linked to the task, such as tasks started by Task.completed/1, we check
// for a response or error accordingly, but without shutting a process down." (task_43)
TEST_F(TaskTest, ShutdownOfCompletedTask) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term a = co_await task_shutdown(ctx, task_completed(ctx, I(1)));
        Term b = co_await task_shutdown(ctx, task_completed(ctx, I(2)), Shutdown::brutal_kill());
        co_return L(a, b);
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(*out.value, L(T(A("ok"), I(1)), T(A("ok"), I(2)))));
}

// "completed task has pid: nil, can be yielded/awaited" (task_40)
TEST_F(TaskTest, CompletedTaskAwaitAndYield) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term t1 = task_completed(ctx, A("x"));
        EXPECT_TRUE(get(t1, "pid").is_nil());
        EXPECT_TRUE(exact_equal(get(t1, "mfa"), T(A("Elixir.Task"), A("completed"), I(1))));
        Term a = co_await task_await(ctx, t1);
        Term b = co_await task_yield(ctx, task_completed(ctx, A("y")));
        co_return L(a, b);
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(*out.value, L(A("x"), T(A("ok"), A("y")))));
}

// "This means the task will continue running, but it will be unlinked and you can no longer
// yield, await or shut it down." — ignore returns nil and the task completes (task_41, task_46)
TEST_F(TaskTest, IgnoreUnlinksAndDropsTheLateReply) {
    Pid pid;
    auto out = run([&](ProcessContext& ctx) -> Co<Term> {
        Term task = task_async(ctx, sleep_fun(200, A("late")));
        pid = get(task, "pid").as_pid();
        Term r = task_ignore(ctx, task);
        auto info = ctx.info(ctx.self());
        EXPECT_TRUE(info &&
                    std::find(info->links.begin(), info->links.end(), pid) == info->links.end());
        co_await ctx.sleep(Timeout::millis(500));
        EXPECT_EQ(ctx.message_queue_len(), 0u);  // the alias is inactive: the reply was dropped
        co_return r;
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(out.value->is_nil());
}

// "Returns {:ok, reply} if the reply is received before ignoring the task, {:exit, reason} if the
// task died before ignoring it" (task_41)
TEST_F(TaskTest, IgnoreAfterCompletion) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term t1 = task_async(ctx, value_fun(A("r")));
        co_await ctx.sleep(Timeout::millis(50));
        Term a = task_ignore(ctx, t1);
        Term b = task_ignore(ctx, t1);
        co_return L(a, b);
    });
    ASSERT_TRUE(out.value);
    // The first ignore takes the reply; the DOWN is flushed with it.
    EXPECT_TRUE(exact_equal(out.value->head(), T(A("ok"), A("r"))));
}

// yield_many: "you should see 1 up to 5 printed" — all finished tasks report {:ok, _}, the one
// still running nil; on_timeout: :kill_task kills it (task_48, task_50)
TEST_F(TaskTest, YieldManyWithKillTask) {
    Pid slow;
    auto out = run([&](ProcessContext& ctx) -> Co<Term> {
        std::vector<Term> tasks;
        for (int i = 1; i <= 3; ++i) tasks.push_back(task_async(ctx, sleep_fun(100 * i, I(i))));
        tasks.push_back(task_async(ctx, sleep_fun(10'000, I(4))));
        slow = get(tasks.back(), "pid").as_pid();
        Term opts = L(kw("timeout", I(1000)), kw("on_timeout", A("kill_task")));
        Term results = co_await task_yield_many(ctx, Term::list(std::span(tasks)), opts);
        std::vector<Term> values;
        for (ListIterator it(results); !it.done(); ++it) values.push_back((*it).element(1));
        co_return Term::list(std::span(values));
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(*out.value,
                            L(T(A("ok"), I(1)), T(A("ok"), I(2)), T(A("ok"), I(3)), Term::nil())));
    EXPECT_FALSE(rt.alive(slow));
    EXPECT_GE(out.end_us, 1'000'000);
}

// on_timeout: :nothing leaves the task alive and awaitable (task_50)
TEST_F(TaskTest, YieldManyNothingKeepsTaskAwaitable) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term slow = task_async(ctx, sleep_fun(2000, A("slow")));
        Term r = co_await task_yield_many(ctx, L(slow), I(1000));
        EXPECT_TRUE(r.head().element(1).is_nil());
        co_return co_await task_await(ctx, slow);
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(out.value->is_atom(Atom::intern("slow")));
}

// "$callers ... a list [pid_n, ..., pid2, pid1]"; "$ancestors" starts with the spawner; and
// $initial_call is the function's MFA (task_18, task_19)
TEST_F(TaskTest, CallersAncestorsAndInitialCall) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term fun = native_fun(0, fn_report_dict, {P(ctx.self())});
        Term task = task_async(ctx, fun);
        auto msg = co_await receive_any(ctx, 1000);
        co_await task_await(ctx, task);
        EXPECT_TRUE(msg && exact_equal(msg->element(1), L(P(ctx.self()))));
        EXPECT_TRUE(msg && exact_equal(msg->element(2), L(P(ctx.self()))));
        EXPECT_TRUE(msg && exact_equal(msg->element(3), T(A("Elixir.OtpTest"), A("fun"), I(0))));
        co_return A("ok");
    });
    ASSERT_TRUE(out.value);
}

// "Task.start/1 ... run their function and are dead afterwards" (dy_01)
TEST_F(TaskTest, StartRunsAndEnds) {
    Pid pid;
    auto out = run([&](ProcessContext& ctx) -> Co<Term> {
        Term r = task_start(ctx, native_fun(0, fn_send_value, {P(ctx.self()), A("ran"), A("ok")}),
                            false);
        pid = r.element(1).as_pid();
        auto msg = co_await receive_any(ctx, 1000);
        co_await ctx.sleep(Timeout::millis(100));
        EXPECT_FALSE(ctx.alive(pid));
        co_return msg ? *msg : Term::nil();
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(out.value->is_atom(Atom::intern("ran")));
}

// "Task.child_spec(arg) = %{id: Task, restart: :temporary, start: {Task, :start_link, [arg]}}"
// (task_39)
TEST_F(TaskTest, ChildSpec) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        co_return co_await call(ctx, "Elixir.Task", "child_spec", A("arg"));
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(
        *out.value, Term::map({{A("id"), A("Elixir.Task")},
                               {A("restart"), A("temporary")},
                               {A("start"), T(A("Elixir.Task"), A("start_link"), L(A("arg")))}})));
}

// "use Task ... :restart - defaults to :temporary"; :id and :shutdown customisable (task_15)
TEST_F(TaskTest, UseTaskChildSpec) {
    Term spec = default_child_spec(UseKind::Task, Atom::intern("Elixir.MyTask"), A("arg"),
                                   L(kw("id", A("custom")), kw("shutdown", I(10))));
    EXPECT_TRUE(exact_equal(get(spec, "restart"), A("temporary")));
    EXPECT_TRUE(exact_equal(get(spec, "id"), A("custom")));
    EXPECT_TRUE(exact_equal(get(spec, "shutdown"), I(10)));
    Term gs = default_child_spec(UseKind::GenServer, Atom::intern("Elixir.MyServer"), A("arg"),
                                 Term::empty_list());
    EXPECT_TRUE(gs.map_find(A("restart")) == nullptr);
}

// Awaiting from another process raises ArgumentError ("must be queried from the owner").
TEST_F(TaskTest, AwaitFromNonOwnerRaises) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term task = task_async(ctx, value_fun(I(1)));
        Term inner = task_async(
            ctx, native_fun(
                     0,
                     [](ProcessContext& c, std::span<const Term>, const FunObject& f) -> Co<Term> {
                         co_return co_await catching(c, task_await(c, f.env[0]));
                     },
                     {task}));
        Term r = co_await task_await(ctx, inner);
        co_await task_await(ctx, task);
        co_return r;
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(out.value->element(0).is_atom(atom::error));
}

// Distributed tasks: a disconnected node delivers :noconnection; await exits with
// {{:nodedown, node}, {Task, :await, ...}}
TEST_F(TaskTest, NodeDisconnectIsNodedown) {
    const Atom remote = Atom::intern("remote@local");
    const uint32_t node = rt.start_node(remote);
    auto out = run([&](ProcessContext& ctx) -> Co<Term> {
        ctx.set_trap_exit(true);
        // A task spawned on the remote node by a local owner, via Node.spawn + a Task-like reply.
        Term task = task_async(ctx, sleep_fun(10'000, A("never")));
        (void)task;
        Pid remote_pid =
            ctx.spawn(
                   [](ProcessContext& c) -> Co<void> { co_await c.sleep(Timeout::millis(10'000)); },
                   SpawnOptions{.node = node})
                .pid;
        Ref mon = ctx.monitor(P(remote_pid));
        Term fake = Term::map({{A("__struct__"), A("Elixir.Task")},
                               {A("mfa"), T(A("m"), A("f"), I(0))},
                               {A("owner"), P(ctx.self())},
                               {A("pid"), P(remote_pid)},
                               {A("ref"), Term::reference(mon)}});
        co_await ctx.sleep(Timeout::millis(10));
        ctx.runtime().disconnect_node(node);
        co_return co_await catching(ctx, task_await(ctx, fake));
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(out.value->element(0).is_atom(atom::exit));
    EXPECT_TRUE(exact_equal(out.value->element(1).element(0), T(A("nodedown"), A("remote@local"))));
}

}  // namespace
}  // namespace tasklens::otp::testing
