// Supervisor, DynamicSupervisor, Task.Supervisor, PartitionSupervisor, GenServer, Agent, Registry.
#include "tests/engine/otp/otp_test_support.h"

namespace tasklens::otp::testing {
namespace {

// --- a native GenServer callback module: Elixir.Worker
// ---------------------------------------------------- start_link({id, parent}) → init traps exits,
// sends {:started, id, self()} to parent, state = {id, parent} handle_cast({:stop, reason}) →
// {:stop, reason, s}; handle_call(:id) → id; terminate sends
// {:terminated, id, reason} to parent.

Co<Term> worker_start_link(ProcessContext& ctx, std::span<const Term> args) {
    co_return co_await gen_server_start(ctx, Atom::intern("Elixir.Worker"), args[0],
                                        Term::empty_list(), true);
}
Co<Term> worker_init(ProcessContext& ctx, std::span<const Term> args) {
    ctx.set_trap_exit(true);
    ctx.send(args[0].element(1).as_pid(), T(A("started"), args[0].element(0), P(ctx.self())));
    co_return T(A("ok"), args[0]);
}
Co<Term> worker_handle_cast(ProcessContext&, std::span<const Term> args) {
    co_return T(A("stop"), args[0].element(1), args[1]);
}
Co<Term> worker_handle_call(ProcessContext& ctx, std::span<const Term> args) {
    if (args[0].is_atom(Atom::intern("slow"))) co_await ctx.sleep(Timeout::millis(6000));
    if (args[0].is_atom(Atom::intern("crash"))) throw ErlangException::error(A("crashed"));
    co_return T(A("reply"), args[2].element(0), args[2]);
}
Co<Term> worker_terminate(ProcessContext& ctx, std::span<const Term> args) {
    ctx.send(args[1].element(1).as_pid(), T(A("terminated"), args[1].element(0), args[0]));
    co_return A("ok");
}

// --- Elixir.Counter: init/handle_call/handle_cast/handle_continue
// ------------------------------------------
Co<Term> counter_init(ProcessContext&, std::span<const Term> args) {
    if (args[0].is_atom(Atom::intern("ignore"))) co_return A("ignore");
    if (args[0].is_atom(Atom::intern("stop"))) co_return T(A("stop"), A("no_way"));
    if (args[0].is_atom(Atom::intern("continue")))
        co_return T(A("ok"), I(0), T(A("continue"), A("more")));
    co_return T(A("ok"), args[0]);
}
Co<Term> counter_handle_call(ProcessContext&, std::span<const Term> args) {
    if (args[0].is_atom(Atom::intern("get"))) co_return T(A("reply"), args[2], args[2]);
    if (args[0].is_atom(Atom::intern("stop")))
        co_return T(A("stop"), A("normal"), A("bye"), args[2]);
    co_return T(A("reply"), A("ok"), I(args[2].as_integer() + args[0].element(1).as_integer()));
}
Co<Term> counter_handle_cast(ProcessContext&, std::span<const Term> args) {
    co_return T(A("noreply"), I(args[1].as_integer() + args[0].element(1).as_integer()));
}
Co<Term> counter_handle_continue(ProcessContext&, std::span<const Term> args) {
    co_return T(A("noreply"), I(args[1].as_integer() + 100));
}

class SupTest : public OtpTest {
  protected:
    SupTest() {
        auto& code = rt.code();
        const Atom w = Atom::intern("Elixir.Worker");
        code.register_native(w, Atom::intern("start_link"), 1, worker_start_link);
        code.register_native(w, Atom::intern("init"), 1, worker_init);
        code.register_native(w, Atom::intern("handle_cast"), 2, worker_handle_cast);
        code.register_native(w, Atom::intern("handle_call"), 3, worker_handle_call);
        code.register_native(w, Atom::intern("terminate"), 2, worker_terminate);
        const Atom c = Atom::intern("Elixir.Counter");
        code.register_native(c, Atom::intern("init"), 1, counter_init);
        code.register_native(c, Atom::intern("handle_call"), 3, counter_handle_call);
        code.register_native(c, Atom::intern("handle_cast"), 2, counter_handle_cast);
        code.register_native(c, Atom::intern("handle_continue"), 2, counter_handle_continue);
    }
};

Term worker_spec(ProcessContext& ctx, std::string_view id, std::string_view restart) {
    return Term::map(
        {{A("id"), A(id)},
         {A("start"), T(A("Elixir.Worker"), A("start_link"), L(T(A(id), P(ctx.self()))))},
         {A("restart"), A(restart)}});
}

/// Drains {:started, id, pid} messages: the ids, in arrival order.
Co<std::vector<std::string>> started_ids(ProcessContext& ctx) {
    std::vector<std::string> ids;
    for (;;) {
        auto m = co_await ctx.receive(
            [](const Term& t) {
                return t.is_tuple(3) && t.element(0).is_atom(Atom::intern("started"));
            },
            Timeout::millis(100));
        if (!m) break;
        ids.emplace_back(m->element(1).as_atom().name());
    }
    co_return ids;
}

// --- Supervisor matrix: 3 strategies × 3 restart types × normal/abnormal exits
// -----------------------------

struct MatrixCase {
    const char* strategy;
    const char* restart;
    bool abnormal;
};

class SupervisorMatrix : public SupTest, public ::testing::WithParamInterface<MatrixCase> {};

// Supervisor docs: ":permanent - the child process is always restarted; :temporary - never
// restarted; :transient - restarted only if it terminates abnormally"; ":one_for_one - if a child
// process terminates, only that process is restarted; :one_for_all - all other child processes are
// terminated and then all child processes are restarted; :rest_for_one - the terminated child and
// the children started after it are terminated and restarted".
TEST_P(SupervisorMatrix, RestartsExactlyWhatTheStrategySays) {
    const MatrixCase mc = GetParam();
    auto out = run([&](ProcessContext& ctx) -> Co<Term> {
        Term children = L(worker_spec(ctx, "a", "permanent"), worker_spec(ctx, "b", mc.restart),
                          worker_spec(ctx, "c", "permanent"));
        Term sup = co_await supervisor_start_link(ctx, children, L(kw("strategy", A(mc.strategy))));
        EXPECT_TRUE(sup.element(0).is_atom(atom::ok));
        auto initial = co_await started_ids(ctx);
        EXPECT_EQ(initial, (std::vector<std::string>{"a", "b", "c"}));
        Term which = co_await call(ctx, "Elixir.Supervisor", "which_children", sup.element(1));
        // which_children lists the newest child first: c, b, a
        Pid b = which.tail().head().element(1).as_pid();
        co_await gen_server_cast(ctx, P(b), T(A("stop"), A(mc.abnormal ? "boom" : "normal")));
        co_await ctx.sleep(Timeout::millis(50));
        auto restarted = co_await started_ids(ctx);
        std::string joined;
        for (auto& s : restarted) joined += s;
        Term after = co_await call(ctx, "Elixir.Supervisor", "which_children", sup.element(1));
        co_return T(Term::binary(joined), I(list_length(after)));
    });
    ASSERT_TRUE(out.value);
    const bool restart = std::string(mc.restart) == "permanent" ||
                         (std::string(mc.restart) == "transient" && mc.abnormal);
    std::string expected;
    if (restart) {
        if (std::string(mc.strategy) == "one_for_one")
            expected = "b";
        else if (std::string(mc.strategy) == "one_for_all")
            expected = "abc";
        else
            expected = "bc";
    }
    EXPECT_EQ(std::string(out.value->element(0).binary_view()), expected);
    const int64_t remaining = (!restart && std::string(mc.restart) == "temporary") ? 2 : 3;
    EXPECT_EQ(out.value->element(1).as_integer(), remaining);
}

std::vector<MatrixCase> matrix() {
    std::vector<MatrixCase> v;
    for (const char* s : {"one_for_one", "one_for_all", "rest_for_one"})
        for (const char* r : {"permanent", "transient", "temporary"})
            for (bool abnormal : {false, true}) v.push_back({s, r, abnormal});
    return v;
}
INSTANTIATE_TEST_SUITE_P(All, SupervisorMatrix, ::testing::ValuesIn(matrix()),
                         [](const auto& info) {
                             return std::string(info.param.strategy) + "_" + info.param.restart +
                                    (info.param.abnormal ? "_abnormal" : "_normal");
                         });

// "children shut down in reverse start order" (Supervisor: "terminated in reverse order")
TEST_F(SupTest, StopTerminatesChildrenInReverseStartOrder) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term children = L(worker_spec(ctx, "a", "permanent"), worker_spec(ctx, "b", "permanent"),
                          worker_spec(ctx, "c", "permanent"));
        Term sup =
            co_await supervisor_start_link(ctx, children, L(kw("strategy", A("one_for_one"))));
        co_await started_ids(ctx);
        ctx.unlink(sup.element(1).as_pid());
        co_await gen_server_stop(ctx, sup.element(1));
        std::vector<Term> order;
        for (int i = 0; i < 3; ++i) {
            auto m = co_await receive_any(ctx, 100);
            if (m) order.push_back(T(m->element(1), m->element(2)));
        }
        co_return Term::list(std::span(order));
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(*out.value, L(T(A("c"), A("shutdown")), T(A("b"), A("shutdown")),
                                          T(A("a"), A("shutdown")))));
}

// "max_restarts: 2: a permanent crashing task runs 3 times, then the supervisor exits with
// :shutdown" (tsup_21)
int g_runs = 0;
Co<Term> fn_count_then_crash(ProcessContext& ctx, std::span<const Term>, const FunObject&) {
    ++g_runs;
    co_await ctx.sleep(Timeout::millis(50));
    ctx.exit_self(A("crash"));
}
TEST_F(SupTest, TaskSupervisorIntensityEscalation) {
    g_runs = 0;
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        ctx.set_trap_exit(true);
        Term sup = co_await task_supervisor_start_link(
            ctx, L(kw("max_restarts", I(2)), kw("max_seconds", I(5))));
        Term fun = native_fun(0, fn_count_then_crash);
        co_await call(ctx, "Elixir.Task.Supervisor", "start_child", sup.element(1), fun,
                      L(kw("restart", A("permanent"))));
        auto m = co_await ctx.receive(
            [](const Term& t) { return t.is_tuple(3) && t.element(0).is_atom(atom::EXIT); },
            Timeout::millis(2000));
        co_return m ? m->element(2) : A("still_running");
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(out.value->is_atom(atom::shutdown));
    EXPECT_EQ(g_runs, 3);
}

// dynamic_supervisor.ex counts a restart while now <= then + max_seconds: with max_restarts: 1
// and max_seconds: 1, crashes one second apart (seconds 1 and 2) are two restarts in the period.
Co<Term> fn_count_then_crash_after_a_second(ProcessContext& ctx, std::span<const Term>,
                                            const FunObject&) {
    ++g_runs;
    co_await ctx.sleep(Timeout::millis(1000));
    ctx.exit_self(A("crash"));
}
TEST_F(SupTest, DynamicSupervisorIntensityPeriodIncludesItsLastSecond) {
    g_runs = 0;
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        ctx.set_trap_exit(true);
        Term sup = co_await task_supervisor_start_link(
            ctx, L(kw("max_restarts", I(1)), kw("max_seconds", I(1))));
        Term fun = native_fun(0, fn_count_then_crash_after_a_second);
        co_await call(ctx, "Elixir.Task.Supervisor", "start_child", sup.element(1), fun,
                      L(kw("restart", A("permanent"))));
        auto m = co_await ctx.receive(
            [](const Term& t) { return t.is_tuple(3) && t.element(0).is_atom(atom::EXIT); },
            Timeout::millis(10'000));
        co_return m ? m->element(2) : A("still_running");
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(out.value->is_atom(atom::shutdown));
    EXPECT_EQ(g_runs, 2);
}

// Static supervisor escalation: more than max_restarts in max_seconds → exit :shutdown.
TEST_F(SupTest, SupervisorIntensityEscalation) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        ctx.set_trap_exit(true);
        Term sup = co_await supervisor_start_link(
            ctx, L(worker_spec(ctx, "a", "permanent")),
            L(kw("strategy", A("one_for_one")), kw("max_restarts", I(1))));
        for (int i = 0; i < 2; ++i) {
            co_await started_ids(ctx);
            Term which = co_await call(ctx, "Elixir.Supervisor", "which_children", sup.element(1));
            ctx.exit(which.head().element(1).as_pid(), A("kill"));
            co_await ctx.sleep(Timeout::millis(10));
        }
        auto m = co_await ctx.receive(
            [](const Term& t) { return t.is_tuple(3) && t.element(0).is_atom(atom::EXIT); },
            Timeout::millis(1000));
        co_return m ? m->element(2) : A("alive");
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(out.value->is_atom(atom::shutdown));
}

// Shutdown values: a child trapping exits that ignores :shutdown is killed after its shutdown
// time; :brutal_kill kills at once (tsup_16)
TEST_F(SupTest, TerminateChildShutdownTimeouts) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term sup = co_await task_supervisor_start_link(ctx, Term::empty_list());
        const Term s = sup.element(1);
        Term r1 = co_await call(ctx, "Elixir.Task.Supervisor", "start_child", s,
                                trap_fun(60'000, A("x")), L(kw("shutdown", I(2000))));
        co_await ctx.sleep(Timeout::millis(50));
        const int64_t t0 = ctx.now_us();
        co_await call(ctx, "Elixir.Task.Supervisor", "terminate_child", s, r1.element(1));
        const int64_t waited = ctx.now_us() - t0;
        Term r2 = co_await call(ctx, "Elixir.Task.Supervisor", "start_child", s,
                                trap_fun(60'000, A("x")), L(kw("shutdown", A("brutal_kill"))));
        co_await ctx.sleep(Timeout::millis(50));
        const int64_t t1 = ctx.now_us();
        Term ok = co_await call(ctx, "Elixir.Task.Supervisor", "terminate_child", s, r2.element(1));
        const int64_t brutal = ctx.now_us() - t1;
        Term again =
            co_await call(ctx, "Elixir.Task.Supervisor", "terminate_child", s, r2.element(1));
        co_return T(I(waited / 1000), I(brutal / 1000), ok, again);
    });
    ASSERT_TRUE(out.value);
    EXPECT_EQ(out.value->element(0).as_integer(), 2000);
    EXPECT_LT(out.value->element(1).as_integer(), 5);
    EXPECT_TRUE(out.value->element(2).is_atom(atom::ok));
    EXPECT_TRUE(exact_equal(out.value->element(3), T(A("error"), A("not_found"))));
}

// "stopping the supervisor: ... stubborn child killed after its 2000 ms shutdown ...; takes 2 s"
// (task_11)
TEST_F(SupTest, StoppingTaskSupervisorWaitsForShutdownPeriods) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term sup = co_await task_supervisor_start_link(ctx, Term::empty_list());
        const Term s = sup.element(1);
        co_await call(ctx, "Elixir.Task.Supervisor", "start_child", s, trap_fun(60'000, A("x")),
                      L(kw("shutdown", I(2000))));
        co_await call(ctx, "Elixir.Task.Supervisor", "start_child", s, trap_fun(60'000, A("y")),
                      L(kw("shutdown", A("brutal_kill"))));
        co_await ctx.sleep(Timeout::millis(50));
        ctx.unlink(s.as_pid());
        const int64_t t0 = ctx.now_us();
        co_await gen_server_stop(ctx, s);
        co_return I((ctx.now_us() - t0) / 1000);
    });
    ASSERT_TRUE(out.value);
    EXPECT_EQ(out.value->as_integer(), 2000);
}

// Task.Supervisor: async + await; :mfa; "async links the task to the caller (async_nolink does
// not)" (tsup_04)
TEST_F(SupTest, TaskSupervisorAsyncLinksAndNolinkDoesNot) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term sup = co_await task_supervisor_start_link(ctx, L(kw("name", A("Elixir.MySup"))));
        Term linked = co_await call(ctx, "Elixir.Task.Supervisor", "async", A("Elixir.MySup"),
                                    sleep_fun(100, A("a")));
        Term nolink = co_await call(ctx, "Elixir.Task.Supervisor", "async_nolink",
                                    A("Elixir.MySup"), sleep_fun(100, A("b")));
        auto info = ctx.info(ctx.self());
        auto has = [&](const Term& t) {
            const Pid p = get(t, "pid").as_pid();
            return std::find(info->links.begin(), info->links.end(), p) != info->links.end();
        };
        EXPECT_TRUE(has(linked));
        EXPECT_FALSE(has(nolink));
        EXPECT_TRUE(exact_equal(get(linked, "mfa"), T(A("erlang"), A("apply"), I(2))));
        Term a = co_await task_await(ctx, linked);
        Term b = co_await task_await(ctx, nolink);
        co_return T(a, b, sup.element(0));
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(*out.value, T(A("a"), A("b"), A("ok"))));
}

// "with max_children: 2 full ... start_child returns {:error, :max_children}"; async raises
// (tsup_05)
TEST_F(SupTest, TaskSupervisorMaxChildren) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term sup = co_await task_supervisor_start_link(ctx, L(kw("max_children", I(2))));
        const Term s = sup.element(1);
        Term t1 =
            co_await call(ctx, "Elixir.Task.Supervisor", "async", s, sleep_fun(500, A("first")));
        Term t2 = co_await call(ctx, "Elixir.Task.Supervisor", "async_nolink", s,
                                sleep_fun(500, A("second")));
        Term raised = co_await catching(
            ctx, call(ctx, "Elixir.Task.Supervisor", "async", s, value_fun(A("third"))));
        Term full =
            co_await call(ctx, "Elixir.Task.Supervisor", "start_child", s, value_fun(A("third")));
        Term both = co_await task_await_many(ctx, L(t1, t2));
        co_await ctx.sleep(Timeout::millis(100));
        Term again =
            co_await call(ctx, "Elixir.Task.Supervisor", "async", s, value_fun(A("third")));
        Term third = co_await task_await(ctx, again);
        co_return T(raised.element(0), full, both, third);
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(out.value->element(0).is_atom(atom::error));
    EXPECT_TRUE(exact_equal(out.value->element(1), T(A("error"), A("max_children"))));
    EXPECT_TRUE(exact_equal(out.value->element(2), L(A("first"), A("second"))));
    EXPECT_TRUE(out.value->element(3).is_atom(Atom::intern("third")));
}

// "$callers = [your code], $ancestors = [supervisor, your code]" (task_18)
TEST_F(SupTest, TaskSupervisorCallersAndAncestors) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term sup = co_await task_supervisor_start_link(ctx, Term::empty_list());
        Term reporter = native_fun(0, fn_report_dict, {P(ctx.self())});
        co_await call(ctx, "Elixir.Task.Supervisor", "start_child", sup.element(1), reporter);
        auto m = co_await receive_any(ctx, 1000);
        co_return T(m->element(1), m->element(2), sup.element(1));
    });
    ASSERT_TRUE(out.value);
    const Term sup = out.value->element(2);
    const Term callers = out.value->element(0);
    const Term ancestors = out.value->element(1);
    ASSERT_EQ(list_length(callers), 1);
    ASSERT_EQ(list_length(ancestors), 2);
    EXPECT_TRUE(exact_equal(ancestors.head(), sup));
    EXPECT_TRUE(exact_equal(ancestors.tail().head(), callers.head()));
}

// "If a task crashes, the callers field is included as part of the log message metadata under
// the :callers key." — through the crash-report hook (task_20)
TEST_F(SupTest, CrashReportCarriesCallers) {
    Term seen_label, seen_callers;
    set_crash_report_handler(rt, [&](ProcessContext&, CrashReport report) -> Co<void> {
        if (report.kind == CrashReport::Kind::Task) {
            seen_label = report.label;
            seen_callers = get(report.metadata, "callers");
        }
        co_return;
    });
    Pid main;
    run([&](ProcessContext& ctx) -> Co<Term> {
        main = ctx.self();
        Term sup = co_await task_supervisor_start_link(ctx, Term::empty_list());
        co_await call(ctx, "Elixir.Task.Supervisor", "start_child", sup.element(1),
                      raise_fun(A("task crashed")));
        co_await ctx.sleep(Timeout::millis(100));
        co_return A("ok");
    });
    EXPECT_TRUE(exact_equal(seen_label, T(A("Elixir.Task.Supervisor"), A("terminating"))));
    EXPECT_TRUE(exact_equal(seen_callers, L(P(main))));
}

// async_nolink + yield: {:exit, reason} for a crashed task, the caller survives (task_10, tsup_07)
TEST_F(SupTest, AsyncNolinkCrashDoesNotAffectCaller) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term sup = co_await task_supervisor_start_link(ctx, Term::empty_list());
        Term task = co_await call(ctx, "Elixir.Task.Supervisor", "async_nolink", sup.element(1),
                                  exit_fun(10, A("failed")));
        Term r = co_await task_yield(ctx, task, Timeout::millis(1000));
        co_return r;
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(*out.value, T(A("exit"), A("failed"))));
}

// Name registration: atom, {:global, _}, {:via, Registry, _}; "already started" (tsup_03)
TEST_F(SupTest, NameRegistrationForms) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        co_await call(ctx, "Elixir.Registry", "start_link",
                      L(kw("keys", A("unique")), kw("name", A("Elixir.MyApp.Registry"))));
        std::vector<Term> names{
            A("Elixir.MyApp.Local"), T(A("global"), A("my_global")),
            T(A("via"), A("Elixir.Registry"), T(A("Elixir.MyApp.Registry"), A("my_sup")))};
        std::vector<Term> results;
        for (const Term& name : names) {
            Term started = co_await task_supervisor_start_link(ctx, L(kw("name", name)));
            Term task = co_await call(ctx, "Elixir.Task.Supervisor", "async", name,
                                      value_fun(A("do_some_work")));
            Term r = co_await task_await(ctx, task);
            auto pid = co_await whereis(ctx, name);
            results.push_back(T(r, Term::boolean(pid && exact_equal(P(*pid), started.element(1)))));
        }
        Term again =
            co_await task_supervisor_start_link(ctx, L(kw("name", A("Elixir.MyApp.Local"))));
        auto local = co_await whereis(ctx, A("Elixir.MyApp.Local"));
        results.push_back(
            Term::boolean(exact_equal(again, T(A("error"), T(A("already_started"), P(*local))))));
        co_return Term::list(std::span(results));
    });
    ASSERT_TRUE(out.value);
    const Term ok = T(A("do_some_work"), Term::boolean(true));
    EXPECT_TRUE(exact_equal(*out.value, L(ok, ok, ok, Term::boolean(true))));
}

// PartitionSupervisor: "{:via, PartitionSupervisor, {name, self()}}; one partition per scheduler"
// (tsup_02)
TEST_F(SupTest, PartitionSupervisorRouting) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term children =
            L(T(A("Elixir.PartitionSupervisor"), L(kw("child_spec", A("Elixir.Task.Supervisor")),
                                                   kw("name", A("Elixir.MyApp.TaskSupervisors")))));
        co_await supervisor_start_link(ctx, children, L(kw("strategy", A("one_for_one"))));
        Term via = T(A("via"), A("Elixir.PartitionSupervisor"),
                     T(A("Elixir.MyApp.TaskSupervisors"), P(ctx.self())));
        Term task = co_await call(ctx, "Elixir.Task.Supervisor", "async", via,
                                  value_fun(A("do_some_work")));
        Term r = co_await task_await(ctx, task);
        Term n = co_await call(ctx, "Elixir.PartitionSupervisor", "partitions",
                               A("Elixir.MyApp.TaskSupervisors"));
        co_return T(r, n);
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(out.value->element(0).is_atom(Atom::intern("do_some_work")));
    EXPECT_EQ(out.value->element(1).as_integer(), rt.schedulers());
}

// Distributed tasks: "{MyApp.DistSupervisor, node()} + async/5: :mfa is {MyMod, :my_fun, 3}"
// (task_12)
Co<Term> my_fun(ProcessContext&, std::span<const Term> a) {
    co_return T(A("done"), I(a[0].as_integer() + a[1].as_integer() + a[2].as_integer()));
}
TEST_F(SupTest, DistributedTaskViaNamedSupervisorOnNode) {
    rt.code().register_native(Atom::intern("Elixir.MyMod"), Atom::intern("my_fun"), 3, my_fun);
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        co_await task_supervisor_start_link(ctx, L(kw("name", A("Elixir.MyApp.DistSupervisor"))));
        Term sup =
            T(A("Elixir.MyApp.DistSupervisor"), A(ctx.runtime().node_name(ctx.self().node).name()));
        Term task = co_await call(ctx, "Elixir.Task.Supervisor", "async", sup, A("Elixir.MyMod"),
                                  A("my_fun"), L(I(1), I(2), I(3)));
        Term r = co_await task_await(ctx, task);
        co_return T(get(task, "mfa"), r);
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(out.value->element(0), T(A("Elixir.MyMod"), A("my_fun"), I(3))));
    EXPECT_TRUE(exact_equal(out.value->element(1), T(A("done"), I(6))));
}

// GenServer: call/cast/continue/stop; init :ignore and {:stop, r}; default timeout exit.
TEST_F(SupTest, GenServerBasics) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term s = co_await gen_server_start(ctx, Atom::intern("Elixir.Counter"), I(1),
                                           L(kw("name", A("Elixir.C"))), true);
        co_await gen_server_call(ctx, A("Elixir.C"), T(A("add"), I(2)));
        co_await gen_server_cast(ctx, A("Elixir.C"), T(A("add"), I(10)));
        Term v = co_await gen_server_call(ctx, A("Elixir.C"), A("get"));
        Term state = co_await call(ctx, "sys", "get_state", A("Elixir.C"));
        Term cont = co_await gen_server_start(ctx, Atom::intern("Elixir.Counter"), A("continue"),
                                              Term::empty_list(), false);
        Term cv = co_await gen_server_call(ctx, cont.element(1), A("get"));
        Term ignore = co_await gen_server_start(ctx, Atom::intern("Elixir.Counter"), A("ignore"),
                                                Term::empty_list(), false);
        Term stop = co_await gen_server_start(ctx, Atom::intern("Elixir.Counter"), A("stop"),
                                              Term::empty_list(), false);
        Term bye = co_await gen_server_call(ctx, A("Elixir.C"), A("stop"));
        co_return T(s.element(0), v, state, cv, ignore, stop, bye);
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(*out.value, T(A("ok"), I(13), I(13), I(100), A("ignore"),
                                          T(A("error"), A("no_way")), A("bye"))));
}

// GenServer.call timeout: "exits {:timeout, {GenServer, :call, [server, msg, 5000]}}"
TEST_F(SupTest, GenServerCallTimeout) {
    Term server;
    auto out = run([&](ProcessContext& ctx) -> Co<Term> {
        Term s = co_await gen_server_start(ctx, Atom::intern("Elixir.Worker"),
                                           T(A("w"), P(ctx.self())), Term::empty_list(), false);
        server = s.element(1);
        co_return co_await catching(ctx, gen_server_call(ctx, server, A("slow")));
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(
        exact_equal(*out.value, T(A("exit"), T(A("timeout"), T(A("Elixir.GenServer"), A("call"),
                                                               L(server, A("slow"), I(5000)))))));
    EXPECT_GE(out.end_us, 5'000'000);
}

// Agent: "start_link, get, update, get_and_update" (task_26 uses Agent.update/get)
Co<Term> fn_zero(ProcessContext&, std::span<const Term>, const FunObject&) {
    co_return I(0);
}
Co<Term> fn_inc(ProcessContext&, std::span<const Term> a, const FunObject&) {
    co_return I(a[0].as_integer() + 1);
}
Co<Term> fn_get_and_inc(ProcessContext&, std::span<const Term> a, const FunObject&) {
    co_return T(I(a[0].as_integer() + 1), I(a[0].as_integer() + 1));
}
Co<Term> fn_id(ProcessContext&, std::span<const Term> a, const FunObject&) {
    co_return a[0];
}
TEST_F(SupTest, AgentOperations) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        co_await call(ctx, "Elixir.Agent", "start_link", native_fun(0, fn_zero),
                      L(kw("name", A("Elixir.Runs"))));
        co_await call(ctx, "Elixir.Agent", "update", A("Elixir.Runs"), native_fun(1, fn_inc));
        Term r = co_await call(ctx, "Elixir.Agent", "get_and_update", A("Elixir.Runs"),
                               native_fun(1, fn_get_and_inc));
        Term v = co_await call(ctx, "Elixir.Agent", "get", A("Elixir.Runs"), native_fun(1, fn_id));
        co_return T(r, v);
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(*out.value, T(I(2), I(2))));
}

// DynamicSupervisor: start_child, which_children, count_children, extra_arguments, max_children.
TEST_F(SupTest, DynamicSupervisorBasics) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term sup = co_await dynamic_supervisor_start_link(ctx, L(kw("max_children", I(1))));
        Term r1 = co_await call(ctx, "Elixir.DynamicSupervisor", "start_child", sup.element(1),
                                worker_spec(ctx, "d", "permanent"));
        Term r2 = co_await call(ctx, "Elixir.DynamicSupervisor", "start_child", sup.element(1),
                                worker_spec(ctx, "e", "permanent"));
        Term counts =
            co_await call(ctx, "Elixir.DynamicSupervisor", "count_children", sup.element(1));
        Term which =
            co_await call(ctx, "Elixir.DynamicSupervisor", "which_children", sup.element(1));
        co_return T(r1.element(0), r2, get(counts, "active"), which.head().element(0));
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(*out.value,
                            T(A("ok"), T(A("error"), A("max_children")), I(1), A("undefined"))));
}

// Supervisor.child_spec/2 overrides; restart_child / delete_child.
TEST_F(SupTest, ChildSpecOverridesAndRestartDelete) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term spec = co_await call(ctx, "Elixir.Supervisor", "child_spec",
                                  T(A("Elixir.Task"), value_fun(A("x"))),
                                  L(kw("id", A("t")), kw("restart", A("transient"))));
        Term sup = co_await supervisor_start_link(ctx, L(worker_spec(ctx, "a", "permanent")),
                                                  L(kw("strategy", A("one_for_one"))));
        const Term s = sup.element(1);
        Term t1 = co_await call(ctx, "Elixir.Supervisor", "terminate_child", s, A("a"));
        Term d1 = co_await call(ctx, "Elixir.Supervisor", "restart_child", s, A("a"));
        Term t2 = co_await call(ctx, "Elixir.Supervisor", "terminate_child", s, A("a"));
        Term d2 = co_await call(ctx, "Elixir.Supervisor", "delete_child", s, A("a"));
        Term d3 = co_await call(ctx, "Elixir.Supervisor", "delete_child", s, A("a"));
        co_return T(get(spec, "id"), get(spec, "restart"), t1, d1.element(0), t2, d2, d3);
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(*out.value, T(A("t"), A("transient"), A("ok"), A("ok"), A("ok"),
                                          A("ok"), T(A("error"), A("not_found")))));
}

}  // namespace
}  // namespace tasklens::otp::testing

namespace tasklens::otp::testing {
namespace {

Co<Term> take_reducer(ProcessContext&, std::span<const Term> args, const FunObject&) {
    const int64_t left = args[1].element(0).as_integer();
    Term list = Term::cons(args[0], args[1].element(1));
    if (left <= 1) co_return T(A("halt"), T(I(0), list));
    co_return T(A("cont"), T(I(left - 1), list));
}

// "Stream.filter + Enum.take(3) ... no children left": halting the stream shuts every ongoing
// task down (tsup_12, "all ongoing tasks will be shut down")
TEST_F(SupTest, AsyncStreamNolinkHaltShutsDownOngoingTasks) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        Term sup = co_await task_supervisor_start_link(ctx, Term::empty_list());
        Term items = L(I(1), I(2), I(3), I(4), I(5), I(6));
        Term fun = native_fun(1, fn_sleep_double, {I(100)});
        Term stream = co_await call(ctx, "Elixir.Task.Supervisor", "async_stream_nolink",
                                    sup.element(1), items, fun, L(kw("max_concurrency", I(4))));
        std::vector<Term> args{T(A("cont"), T(I(2), Term::empty_list())),
                               native_fun(2, take_reducer)};
        Term r = co_await ctx.runtime().code().call_fun(ctx, stream, std::move(args));
        co_await ctx.sleep(Timeout::millis(10));
        Term children = co_await call(ctx, "Elixir.Task.Supervisor", "children", sup.element(1));
        co_return T(r.element(0), I(list_length(r.element(1).element(1))),
                    I(list_length(children)));
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(*out.value, T(A("halted"), I(2), I(0))));
}

// ":transient restarted after a crash only (not after :normal)" (tsup_15)
int g_transient_runs = 0;
Co<Term> fn_crash_once(ProcessContext& ctx, std::span<const Term>, const FunObject&) {
    if (++g_transient_runs == 1) ctx.exit_self(A("crash"));
    co_return A("ok");
}
TEST_F(SupTest, TaskSupervisorTransientRestartsAfterCrashOnly) {
    g_transient_runs = 0;
    run([](ProcessContext& ctx) -> Co<Term> {
        Term sup = co_await task_supervisor_start_link(ctx, Term::empty_list());
        co_await call(ctx, "Elixir.Task.Supervisor", "start_child", sup.element(1),
                      native_fun(0, fn_crash_once, {}), L(kw("restart", A("transient"))));
        co_await ctx.sleep(Timeout::millis(100));
        co_return A("ok");
    });
    EXPECT_EQ(g_transient_runs, 2);
}

// "If any of the task processes dies, the caller process will exit with the same reason as that
// task." (await_many, task_38)
TEST_F(SupTest, AwaitManyExitsWithTheDyingTasksReason) {
    auto out = run([](ProcessContext& ctx) -> Co<Term> {
        ctx.set_trap_exit(true);
        Term tasks =
            L(task_async(ctx, sleep_fun(500, I(1))), task_async(ctx, exit_fun(10, A("bad"))));
        co_return co_await catching(ctx, task_await_many(ctx, tasks));
    });
    ASSERT_TRUE(out.value);
    EXPECT_TRUE(exact_equal(out.value->element(1).element(0), A("bad")));
    EXPECT_TRUE(exact_equal(out.value->element(1).element(1).element(1), A("await_many")));
}

// Events for the timeline: ChildStart/ChildTerminate from supervisors, Reply from tasks,
// WaitStart(TaskAwait) from await.
class RecordingSink : public trace::EventSink {
  public:
    void on_event(const trace::Event& e) override { kinds.push_back(e); }
    std::vector<trace::Event> kinds;
};
TEST_F(SupTest, EmitsTimelineEvents) {
    RecordingSink sink;
    rt.set_event_sink(&sink);
    run([](ProcessContext& ctx) -> Co<Term> {
        Term sup = co_await task_supervisor_start_link(ctx, Term::empty_list());
        Term task = co_await call(ctx, "Elixir.Task.Supervisor", "async", sup.element(1),
                                  sleep_fun(10, A("x")));
        co_await task_await(ctx, task);
        Term r = co_await call(ctx, "Elixir.Task.Supervisor", "start_child", sup.element(1),
                               sleep_fun(1000, A("y")));
        co_await call(ctx, "Elixir.Task.Supervisor", "terminate_child", sup.element(1),
                      r.element(1));
        co_return A("ok");
    });
    rt.set_event_sink(nullptr);
    auto count = [&](trace::EventKind k) {
        return std::count_if(sink.kinds.begin(), sink.kinds.end(),
                             [&](const trace::Event& e) { return e.kind == k; });
    };
    EXPECT_EQ(count(trace::EventKind::ChildStart), 2);
    EXPECT_EQ(count(trace::EventKind::ChildTerminate), 1);
    EXPECT_GE(count(trace::EventKind::Reply), 1);
    bool await_wait = false;
    for (auto& e : sink.kinds)
        if (e.kind == trace::EventKind::WaitStart && e.wait_kind == trace::WaitKind::TaskAwait)
            await_wait = true;
    EXPECT_TRUE(await_wait);
}

}  // namespace
}  // namespace tasklens::otp::testing
