#include "engine/runtime/format_error.h"

#include <gtest/gtest.h>

#include <functional>

#include "engine/runtime/inspect.h"
#include "tests/engine/runtime/term_builders.h"

namespace tasklens {
namespace {
using namespace tasklens::test;

// Every expected string is what Elixir 1.14.0 on OTP 25 wrote for the Elixir expression in the
// first column (`elixir errors.exs` with `IO.write(<expr>)` per row). The Kernel.CLI.format_error
// rows are exactly what `elixir script.exs` prints on stderr when the script dies.
struct OracleCase {
    const char* elixir;
    std::function<std::string()> actual;
    const char* expected;
};

const OracleCase kOracle[] = {
#include "tests/engine/runtime/format_error_oracle.inc"
};

class FormatErrorOracle : public ::testing::TestWithParam<size_t> {};

TEST_P(FormatErrorOracle, MatchesElixir) {
    const OracleCase& c = kOracle[GetParam()];
    EXPECT_EQ(c.actual(), c.expected) << "elixir: " << c.elixir;
}

INSTANTIATE_TEST_SUITE_P(Elixir114, FormatErrorOracle,
                         ::testing::Range<size_t>(0, std::size(kOracle)));

// --- exception structs ---------------------------------------------------------------------

TEST(FormatError, MakeExceptionBuildsTheStruct) {
    Term e = runtime_error("boom");
    EXPECT_TRUE(is_exception(e));
    EXPECT_EQ(struct_name(e), "RuntimeError");
    EXPECT_EQ(inspect(e), "%RuntimeError{message: \"boom\"}");
    EXPECT_EQ(exception_message(e), "boom");
    EXPECT_FALSE(is_exception(M({{A("a"), I(1)}})));
}

// elixir -e 'spawn(fn -> send(:nobody, :hi) end); Process.sleep(50)'
TEST(FormatError, ArgumentErrorWithErrorInfo) {
    EXPECT_EQ(format_banner(A("error"), argument_error_at({{1, "invalid destination"}})),
              "** (ArgumentError) errors were found at the given arguments:\n\n  * 1st argument: "
              "invalid destination\n");
}

// elixir -e 'apply(Enum, :mapp, [1, 2])' (module loaded) / apply(Foo, :bar, [1]) (not loaded)
TEST(FormatError, UndefinedFunctionErrorDependsOnTheModuleBeingLoaded) {
    EXPECT_EQ(exception_message(undefined_function_error(Atom::intern("Elixir.Enum"),
                                                         Atom::intern("mapp"), 2, true)),
              "function Enum.mapp/2 is undefined or private");
    EXPECT_EQ(exception_message(undefined_function_error(Atom::intern("Elixir.Foo"),
                                                         Atom::intern("bar"), 1, false)),
              "function Foo.bar/1 is undefined (module Foo is not available)");
    set_thread_module_loaded([](Atom m) { return m.name() == "Elixir.Loaded"; });
    Term undef = normalize_error(A("undef"), L({Frame(Mod("Loaded"), "nope", I(0))}));
    EXPECT_EQ(exception_message(undef), "function Loaded.nope/0 is undefined or private");
    set_thread_module_loaded(nullptr);
    EXPECT_EQ(exception_message(undef),
              "function Loaded.nope/0 is undefined (module Loaded is not available)");
}

// --- Logger reports (from real runs; the timestamps differ, the shapes must not) ---------------

Term task_stack(std::string_view file, int64_t line) {
    return L({Frame(A("elixir_compiler_0"), "-__FILE__/1-fun-0-", I(0), file, line),
              Frame(Mod("Task.Supervised"), "invoke_mfa", I(2), "lib/task/supervised.ex", 89),
              Frame(Mod("Task.Supervised"), "reply", I(4), "lib/task/supervised.ex", 34),
              Frame(A("proc_lib"), "init_p_do_apply", I(3), "proc_lib.erl", 240)});
}

// a.exs: t = Task.async(fn -> raise "boom" end); Process.sleep(100)   (stdout)
TEST(LoggerReports, TaskRaising) {
    Term fun = A("fun_placeholder");
    std::string report = task_crash_report(Pid{0, 99}, P(96), fun, L({}),
                                           T({runtime_error("boom"), task_stack("a.exs", 1)}));
    EXPECT_EQ(report,
              "Task #PID<0.99.0> started from #PID<0.96.0> terminating\n"
              "** (RuntimeError) boom\n"
              "    a.exs:1: anonymous fn/0 in :elixir_compiler_0.__FILE__/1\n"
              "    (elixir 1.14.0) lib/task/supervised.ex:89: Task.Supervised.invoke_mfa/2\n"
              "    (elixir 1.14.0) lib/task/supervised.ex:34: Task.Supervised.reply/4\n"
              "    (stdlib 4.2) proc_lib.erl:240: :proc_lib.init_p_do_apply/3\n"
              "Function: :fun_placeholder\n"
              "    Args: []");
    // ... and the script's own death, on stderr, when it is linked to that task:
    EXPECT_EQ(format_uncaught(T({A("EXIT"), P(96)}),
                              T({runtime_error("boom"), task_stack("a.exs", 1)}), L({})),
              "** (EXIT from #PID<0.96.0>) an exception was raised:\n"
              "    ** (RuntimeError) boom\n"
              "        a.exs:1: anonymous fn/0 in :elixir_compiler_0.__FILE__/1\n"
              "        (elixir 1.14.0) lib/task/supervised.ex:89: Task.Supervised.invoke_mfa/2\n"
              "        (elixir 1.14.0) lib/task/supervised.ex:34: Task.Supervised.reply/4\n"
              "        (stdlib 4.2) proc_lib.erl:240: :proc_lib.init_p_do_apply/3\n"
              "\n");
}

// d.exs: Task.start(fn -> exit(:oops) end)
TEST(LoggerReports, TaskExiting) {
    Term stack = L({Frame(A("elixir_compiler_0"), "-__FILE__/1-fun-3-", I(0), "d.exs", 5),
                    Frame(Mod("Task.Supervised"), "invoke_mfa", I(2), "lib/task/supervised.ex", 89),
                    Frame(A("proc_lib"), "init_p_do_apply", I(3), "proc_lib.erl", 240)});
    EXPECT_EQ(task_crash_report(Pid{0, 102}, P(96), A("f"), L({}), T({A("oops"), stack})),
              "Task #PID<0.102.0> started from #PID<0.96.0> terminating\n"
              "** (stop) :oops\n"
              "    d.exs:5: anonymous fn/0 in :elixir_compiler_0.__FILE__/1\n"
              "    (elixir 1.14.0) lib/task/supervised.ex:89: Task.Supervised.invoke_mfa/2\n"
              "    (stdlib 4.2) proc_lib.erl:240: :proc_lib.init_p_do_apply/3\n"
              "Function: :f\n"
              "    Args: []");
    EXPECT_EQ(task_crash_report(Pid{0, 5}, A("starter"), T({Mod("M"), A("f"), I(0)}), L({I(1)}),
                                A("bye")),
              "Task #PID<0.5.0> started from :starter terminating\n"
              "** (stop) :bye\n"
              "Function: {M, :f, 0}\n"
              "    Args: [1]");
}

// d.exs: spawn(fn -> raise ArgumentError, "bad" end); spawn(fn -> :erlang.error({:badmatch, 3})
// end); g.exs: spawn(fn -> throw(:foo) end)
TEST(LoggerReports, PlainProcess) {
    Term stack = L({Frame(A("elixir_compiler_0"), "-__FILE__/1-fun-0-", I(0), "d.exs", 1)});
    EXPECT_EQ(process_crash_report(Pid{0, 99}, argument_error("bad"), stack),
              "Process #PID<0.99.0> raised an exception\n"
              "** (ArgumentError) bad\n"
              "    d.exs:1: anonymous fn/0 in :elixir_compiler_0.__FILE__/1");
    EXPECT_EQ(process_crash_report(Pid{0, 101}, T({A("badmatch"), I(3)}), stack),
              "Process #PID<0.101.0> raised an exception\n"
              "** (MatchError) no match of right hand side value: 3\n"
              "    d.exs:1: anonymous fn/0 in :elixir_compiler_0.__FILE__/1");
    EXPECT_EQ(process_crash_report(Pid{0, 108}, T({A("nocatch"), A("foo")}), stack),
              "Process #PID<0.108.0> raised an exception\n"
              "** (ErlangError) Erlang error: {:nocatch, :foo}\n"
              "    d.exs:1: anonymous fn/0 in :elixir_compiler_0.__FILE__/1");
}

// g.exs: GenServer.call(p, :crash) where handle_call computes 1 / 0; a cast that raises; a stop.
TEST(LoggerReports, GenServer) {
    Term server_stack = L({Frame(Mod("Srv"), "handle_call", I(3), "g.exs", 4),
                           Frame(A("gen_server"), "try_handle_call", I(4), "gen_server.erl", 1149),
                           Frame(A("gen_server"), "handle_msg", I(6), "gen_server.erl", 1178),
                           Frame(A("proc_lib"), "init_p_do_apply", I(3), "proc_lib.erl", 240)});
    GenServerCrash call;
    call.name = P(103);
    call.reason = T({A("badarith"), server_stack});
    call.last_message = A("crash");
    call.state = I(0);
    call.client = P(96);
    call.client_stacktrace = L({Frame(A("gen"), "do_call", I(4), "gen.erl", 256),
                                Frame(Mod("GenServer"), "call", I(3), "lib/gen_server.ex", 1035),
                                Frame(A("elixir_compiler_0"), "__FILE__", I(1), "g.exs", 12)});
    EXPECT_EQ(genserver_crash_report(call),
              "GenServer #PID<0.103.0> terminating\n"
              "** (ArithmeticError) bad argument in arithmetic expression\n"
              "    g.exs:4: Srv.handle_call/3\n"
              "    (stdlib 4.2) gen_server.erl:1149: :gen_server.try_handle_call/4\n"
              "    (stdlib 4.2) gen_server.erl:1178: :gen_server.handle_msg/6\n"
              "    (stdlib 4.2) proc_lib.erl:240: :proc_lib.init_p_do_apply/3\n"
              "Last message (from #PID<0.96.0>): :crash\n"
              "State: 0\n"
              "Client #PID<0.96.0> is alive\n"
              "\n"
              "    (stdlib 4.2) gen.erl:256: :gen.do_call/4\n"
              "    (elixir 1.14.0) lib/gen_server.ex:1035: GenServer.call/3\n"
              "    g.exs:12: (file)");
    // The caller sees the exit (IO.puts(Exception.format_exit(r)) in its catch):
    EXPECT_EQ(format_exit(T({call.reason,
                             T({Mod("GenServer"), A("call"), L({P(103), A("crash"), I(5000)})})})),
              "exited in: GenServer.call(#PID<0.103.0>, :crash, 5000)\n"
              "    ** (EXIT) an exception was raised:\n"
              "        ** (ArithmeticError) bad argument in arithmetic expression\n"
              "            g.exs:4: Srv.handle_call/3\n"
              "            (stdlib 4.2) gen_server.erl:1149: :gen_server.try_handle_call/4\n"
              "            (stdlib 4.2) gen_server.erl:1178: :gen_server.handle_msg/6\n"
              "            (stdlib 4.2) proc_lib.erl:240: :proc_lib.init_p_do_apply/3");

    GenServerCrash cast;
    cast.name = P(104);
    cast.reason =
        T({runtime_error("cast boom 5"), L({Frame(Mod("Srv"), "handle_cast", I(2), "g.exs", 6)})});
    cast.last_message = T({A("$gen_cast"), A("crash")});
    cast.state = I(5);
    EXPECT_EQ(genserver_crash_report(cast),
              "GenServer #PID<0.104.0> terminating\n"
              "** (RuntimeError) cast boom 5\n"
              "    g.exs:6: Srv.handle_cast/2\n"
              "Last message: {:\"$gen_cast\", :crash}\n"
              "State: 5");

    GenServerCrash info;
    info.name = A("named");
    info.reason = T(
        {T({A("badkey"), A("k"), M({})}), L({Frame(A("erlang"), "map_get", L({A("k"), M({})})),
                                             Frame(Mod("Srv"), "handle_info", I(2), "g.exs", 7)})});
    info.last_message = A("x");
    info.state = I(5);
    EXPECT_EQ(genserver_crash_report(info),
              "GenServer :named terminating\n"
              "** (KeyError) key :k not found in: %{}\n"
              "    :erlang.map_get(:k, %{})\n"
              "    g.exs:7: Srv.handle_info/2\n"
              "Last message: :x\n"
              "State: 5");

    GenServerCrash stop;
    stop.name = P(106);
    stop.reason = A("bad_thing");
    stop.last_message = A("stop");
    stop.state = I(5);
    stop.client = P(96);
    stop.client_stacktrace = L({Frame(A("gen"), "do_call", I(4), "gen.erl", 256)});
    EXPECT_EQ(genserver_crash_report(stop),
              "GenServer #PID<0.106.0> terminating\n"
              "** (stop) :bad_thing\n"
              "Last message (from #PID<0.96.0>): :stop\n"
              "State: 5\n"
              "Client #PID<0.96.0> is alive\n"
              "\n"
              "    (stdlib 4.2) gen.erl:256: :gen.do_call/4");
    stop.client_alive = false;
    EXPECT_EQ(genserver_crash_report(stop),
              "GenServer #PID<0.106.0> terminating\n"
              "** (stop) :bad_thing\n"
              "Last message (from #PID<0.96.0>): :stop\n"
              "State: 5\n"
              "Client #PID<0.96.0> is dead");
}

TEST(LoggerReports, Prefix) {
    EXPECT_EQ(logger_prefix(0), "00:00:00.000 [error] ");
    EXPECT_EQ(logger_prefix((11LL * 3600 + 31 * 60 + 44) * 1000000 + 530999),
              "11:31:44.530 [error] ");
    EXPECT_EQ(logger_entry(1000, "warning", "x"), "\n00:00:00.001 [warning] x\n");
}

}  // namespace
}  // namespace tasklens
