// OTP behaviour seen from scenario code: how a dying script ends (banner on stderr, exit
// status), process aliases dropping late replies, and Registry. Expected texts are what
// elixir 1.14 printed for the same scripts.
#include <gtest/gtest.h>

#include "vm_test_support.h"

namespace tasklens::script::test {
namespace {

TEST(VmOtpExit, LinkedShutdownExitKillsTheScriptWithTheEXITBanner) {
    RunOutput r = run_source(R"(
IO.puts "start"
spawn_link(fn -> exit({:shutdown, :boom}) end)
Process.sleep(100)
IO.puts "not reached"
)");
    EXPECT_EQ(r.out, "start\n");
    EXPECT_EQ(r.err, "** (EXIT from #PID<0.1.0>) shutdown: :boom\n\n");
    EXPECT_EQ(r.status, 1);
}

TEST(VmOtpExit, AGenServerCrashReportNamesTheServerTheRequestAndTheCallersPid) {
    // elixir 1.14: "GenServer Self terminating ... Last message (from #PID<..>): :me" -- the
    // registered name, the request without its $gen_call envelope, the caller's bare pid.
    RunOutput r = run_source(R"(
defmodule Self do
  use GenServer
  def init(_), do: {:ok, nil}
  def handle_call(:me, _from, _s), do: raise "boom"
end
{:ok, _} = GenServer.start(Self, nil, name: Self)
try do
  GenServer.call(Self, :me, 500)
catch
  :exit, _ -> IO.puts "caught"
end
)");
    const std::string log = r.out + r.err;
    EXPECT_NE(log.find("[error] GenServer Self terminating"), std::string::npos) << log;
    EXPECT_NE(log.find("Last message (from #PID<0.1.0>): :me\n"), std::string::npos) << log;
    EXPECT_NE(log.find("Client #PID<0.1.0> is alive"), std::string::npos) << log;
    EXPECT_EQ(log.find("$gen_call"), std::string::npos) << log;
    EXPECT_EQ(log.find(":alias"), std::string::npos) << log;
}

TEST(VmOtpExit, AnExitInACallbackIsReportedWithItsFrames) {
    // elixir 1.14: gen_server and Task.Supervised log an exit with its stacktrace, so the
    // report shows "** (stop) :bye" and then the callback's frame and the library's.
    RunOutput r = run_source(R"(
defmodule S do
  use GenServer
  def init(x), do: {:ok, x}
  def handle_cast(:q, _), do: exit(:bye)
end
defmodule M do
  def die, do: exit(:custom)
end
{:ok, p} = GenServer.start(S, 0)
GenServer.cast(p, :q)
Process.sleep(50)
Task.start(M, :die, [])
Process.sleep(50)
)");
    const std::string log = r.out + r.err;
    EXPECT_NE(log.find("** (stop) :bye\n"
                       "    test.exs:5: S.handle_cast/2\n"
                       "    (stdlib 4.2) gen_server.erl:1123: :gen_server.try_dispatch/4\n"
                       "    (stdlib 4.2) gen_server.erl:1200: :gen_server.handle_msg/6\n"
                       "    (stdlib 4.2) proc_lib.erl:240: :proc_lib.init_p_do_apply/3\n"
                       "Last message: {:\"$gen_cast\", :q}\n"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("** (stop) :custom\n"
                       "    test.exs:8: M.die/0\n"
                       "    (elixir 1.14.0) lib/task/supervised.ex:89: "
                       "Task.Supervised.invoke_mfa/2\n"
                       "    (stdlib 4.2) proc_lib.erl:240: :proc_lib.init_p_do_apply/3\n"
                       "Function: &M.die/0\n"),
              std::string::npos)
        << log;
}

TEST(VmOtpExit, AGenServerCrashReportHasOtpFramesAndWhereTheClientWaits) {
    // elixir 1.14 (08_supervisor_restart-style script): the callback's frame, then
    // gen_server.erl's and proc_lib.erl's; the alive client waits in gen:do_call under
    // GenServer.call (its own frames below: TheClientStackOfAGenServerCrashReport...).
    RunOutput r = run_source(R"(
defmodule Srv do
  use GenServer
  def init(_), do: {:ok, nil}
  def handle_call(:crash, _from, _s), do: raise "boom"
end
{:ok, _} = GenServer.start(Srv, nil, name: Srv)
try do
  GenServer.call(Srv, :crash)
catch
  :exit, _ -> IO.puts "caught"
end
)");
    const std::string log = r.out + r.err;
    EXPECT_NE(log.find("** (RuntimeError) boom\n"
                       "    test.exs:5: Srv.handle_call/3\n"
                       "    (stdlib 4.2) gen_server.erl:1149: :gen_server.try_handle_call/4\n"
                       "    (stdlib 4.2) gen_server.erl:1178: :gen_server.handle_msg/6\n"
                       "    (stdlib 4.2) proc_lib.erl:240: :proc_lib.init_p_do_apply/3\n"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("Client #PID<0.1.0> is alive\n\n"
                       "    (stdlib 4.2) gen.erl:256: :gen.do_call/4\n"
                       "    (elixir 1.14.0) lib/gen_server.ex:1035: GenServer.call/3\n"),
              std::string::npos)
        << log;
}

TEST(VmOtpExit, TheClientStackOfAGenServerCrashReportGoesDownToTheScript) {
    // elixir 1.14 on the same file: Process.info(client, :current_stacktrace) (8 frames) is
    // gen:do_call, GenServer.call, Client.run (Counter.boom tail-called GenServer.call, and the
    // script tail-called Client.run, so neither shows) and the Elixir compiler running the file.
    RunOutput r = run_source_as_cli(R"(defmodule Counter do
  use GenServer
  def start_link(n), do: GenServer.start_link(__MODULE__, n, name: :counter)
  def init(n), do: {:ok, n}
  def handle_call(:boom, _from, n), do: {:reply, 100 / (n - n), n}
  def boom, do: GenServer.call(:counter, :boom)
end
defmodule Client do
  def run do
    r = try do
      Counter.boom()
    catch
      :exit, {reason, _} -> reason
    end
    IO.inspect(r)
  end
end
{:ok, pid} = GenServer.start(Counter, 1, name: :counter)
Client.run()
)");
    EXPECT_NE(r.out.find("Last message (from #PID<0.96.0>): :boom\n"
                         "State: 1\n"
                         "Client #PID<0.96.0> is alive\n\n"
                         "    (stdlib 4.2) gen.erl:256: :gen.do_call/4\n"
                         "    (elixir 1.14.0) lib/gen_server.ex:1035: GenServer.call/3\n"
                         "    test.exs:11: Client.run/0\n"
                         "    (elixir 1.14.0) src/elixir_compiler.erl:65: "
                         ":elixir_compiler.dispatch/4\n"
                         "    (elixir 1.14.0) src/elixir_compiler.erl:50: "
                         ":elixir_compiler.compile/3\n"
                         "    (elixir 1.14.0) src/elixir_lexical.erl:15: :elixir_lexical.run/3\n"
                         "    (elixir 1.14.0) src/elixir_compiler.erl:17: "
                         ":elixir_compiler.quoted/3\n"
                         "    (elixir 1.14.0) lib/module/parallel_checker.ex:100: "
                         "Module.ParallelChecker.verify/1\n"
                         "{:badarith,\n"),
              std::string::npos)
        << r.out;
    EXPECT_EQ(r.err,
              "warning: variable \"pid\" is unused (if the variable is not meant to be used, "
              "prefix it with an underscore)\n  test.exs:18\n\n");
}

TEST(VmOtpExit, PidsAreNumberedAsElixirNumbersThemUnderTheCli) {
    // elixir 1.14: the script is <0.96.0>, two compiler processes follow, each module takes
    // three pids (the file's first four), Logger.configure one.
    RunOutput r = run_source_as_cli(R"(IO.inspect(self())
IO.inspect(spawn(fn -> :ok end))
defmodule A do
end
defmodule B do
end
IO.inspect(spawn(fn -> :ok end))
Logger.configure(level: :info)
IO.inspect(spawn(fn -> :ok end))
)");
    EXPECT_EQ(r.out, "#PID<0.96.0>\n#PID<0.99.0>\n#PID<0.107.0>\n#PID<0.109.0>\n");
    RunOutput plain = run_source("IO.inspect(self())\n");
    EXPECT_EQ(plain.out, "#PID<0.1.0>\n");
}

TEST(VmOtpExit, ATaskCrashReportShowsAStreamFunAsErlangApply) {
    // elixir 1.14: Task.Supervised's get_running/1 shows {:erlang, :apply, [fun, []]} as the fun
    // itself, and a fun given arguments (async_stream's workers) as &:erlang.apply/2.
    RunOutput r = run_source(R"(
Task.async_stream([0], fn x -> div(1, x) end) |> Stream.run()
)");
    const std::string log = r.out + r.err;
    EXPECT_NE(log.find("Function: &:erlang.apply/2\n    Args: [#Function<"), std::string::npos)
        << log;
    EXPECT_NE(log.find(", [0]]\n"), std::string::npos) << log;
}

TEST(VmOtpExit, SupervisorStartLinkWithAFailingChildKillsTheCaller) {
    RunOutput r = run_source(R"(
defmodule Bad do
  use GenServer
  def start_link(_), do: GenServer.start_link(__MODULE__, :ok)
  def init(:ok), do: {:stop, :bad_init}
end
IO.puts "start"
Supervisor.start_link([Bad], strategy: :one_for_one)
IO.puts "done"
)");
    EXPECT_EQ(r.out, "start\n");
    EXPECT_EQ(r.err,
              "** (EXIT from #PID<0.1.0>) shutdown: failed to start child: Bad\n"
              "    ** (EXIT) :bad_init\n\n");
    EXPECT_EQ(r.status, 1);
}

TEST(VmOtpExit, ExitToSelfWithNormalIsAnExitFromTheScript) {
    RunOutput r = run_source("Process.exit(self(), :normal)\nIO.puts :no\n");
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "** (EXIT from #PID<0.1.0>) normal\n\n");
    EXPECT_EQ(r.status, 1);
}

TEST(VmOtpExit, ExitShutdownWithAnIntegerSetsTheStatus) {
    RunOutput r = run_source("IO.puts :a\nexit({:shutdown, 3})\n");
    EXPECT_EQ(r.out, "a\n");
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.status, 3);
    EXPECT_EQ(run_source("exit({:shutdown, :done})\n").status, 0);
    EXPECT_EQ(run_source("exit(:shutdown)\n").status, 0);
}

TEST(VmOtpAliases, ALateGenServerReplyNeverReachesTheCaller) {
    RunOutput r = run_source(R"(
defmodule Slow do
  use GenServer
  def init(:ok), do: {:ok, 0}
  def handle_call({:sleep, ms}, _from, n) do
    Process.sleep(ms)
    {:reply, :late, n}
  end
end
{:ok, pid} = GenServer.start_link(Slow, :ok)
try do
  GenServer.call(pid, {:sleep, 200}, 50)
catch
  :exit, {reason, _} -> IO.inspect(reason)
end
Process.sleep(300)
IO.inspect(Process.info(self(), :message_queue_len))
)");
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out, ":timeout\n{:message_queue_len, 0}\n");
}

TEST(VmOtpAliases, ErlangAliasModes) {
    RunOutput r = run_source(R"(
a = :erlang.alias()
send(a, :hello)
receive do m -> IO.inspect m end
IO.inspect :erlang.unalias(a)
send(a, :dropped)
b = :erlang.alias([:reply])
send(b, 1); send(b, 2)
pid = spawn(fn -> Process.sleep(100) end)
r = :erlang.monitor(:process, pid, alias: :reply_demonitor)
send(r, :x)
send(r, :y)
IO.inspect Process.info(self(), :monitors)
r2 = :erlang.monitor(:process, pid, alias: :demonitor)
Process.demonitor(r2)
send(r2, :z)
IO.inspect :erlang.process_info(self(), :messages)
)");
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out, ":hello\ntrue\n{:monitors, []}\n{:messages, [1, :x]}\n");
}

TEST(VmOtpRegistry, DuplicateKeysPubSub) {
    RunOutput r = run_source(R"(
{:ok, _} = Registry.start_link(keys: :duplicate, name: PubSub, partitions: 2)
parent = self()
for i <- 1..3 do
  spawn(fn ->
    {:ok, _} = Registry.register(PubSub, "news", i)
    send(parent, :registered)
    receive do {:broadcast, msg} -> send(parent, {:got, i, msg}) end
  end)
end
for _ <- 1..3, do: receive(do: (:registered -> :ok))
IO.inspect Registry.count(PubSub)
IO.inspect Registry.count_match(PubSub, "news", :"$1", [{:>, :"$1", 1}])
Registry.dispatch(PubSub, "news", fn entries ->
  for {pid, _} <- entries, do: send(pid, {:broadcast, :hi})
end)
got = for _ <- 1..3, do: receive(do: ({:got, i, msg} -> {i, msg}))
IO.inspect Enum.sort(got)
Process.sleep(10)
IO.inspect Registry.lookup(PubSub, "news")
)");
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out, "3\n2\n[{1, :hi}, {2, :hi}, {3, :hi}]\n[]\n");
}

TEST(VmOtpRegistry, UniqueKeysListenersAndMeta) {
    RunOutput r = run_source(R"(
parent = self()
l = spawn(fn -> receive do m -> send(parent, {:listener, m}) end end)
Process.register(l, L)
{:ok, _} = Registry.start_link(keys: :unique, name: R, listeners: [L], meta: [size: 3])
IO.inspect Registry.meta(R, :size)
{:ok, _} = Registry.register(R, :k, 1)
{:error, {:already_registered, p}} = Registry.register(R, :k, 2)
IO.inspect p == self()
receive do {:listener, {:register, R, :k, ^parent, 1}} -> IO.puts "notified" end
IO.inspect Registry.update_value(R, :k, &(&1 + 1))
IO.inspect Registry.keys(R, self())
try do
  Registry.lookup(Nope, :k)
rescue e -> IO.puts Exception.message(e)
end
)");
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out, "{:ok, 3}\ntrue\nnotified\n{2, 1}\n[:k]\nunknown registry: Nope\n");
}

}  // namespace
}  // namespace tasklens::script::test
