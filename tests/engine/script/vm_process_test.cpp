// Processes from scenario code: spawn/send/receive, timeouts on the virtual clock, blocking
// inside Enum callbacks, fairness of CPU-bound processes.
#include <gtest/gtest.h>

#include "vm_test_support.h"

namespace tasklens::script::test {
namespace {

void expect_output(const std::string& source, const std::string& expected) {
    RunOutput r = run_source(source);
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, expected);
}

TEST(VmProcess, SpawnSendReceive) {
    expect_output(R"(
parent = self()
spawn(fn -> send(parent, {:hello, 1}) end)
receive do
  {:hello, n} -> IO.inspect(n)
end
)",
                  "1\n");
}

TEST(VmProcess, ReceiveAfterUsesVirtualTime) {
    expect_output(R"(
t0 = System.monotonic_time(:millisecond)
receive do
  :never -> :ok
after
  6000 -> IO.puts("timeout")
end
IO.inspect(System.monotonic_time(:millisecond) - t0 >= 6000)
)",
                  "timeout\ntrue\n");
}

TEST(VmProcess, SelectiveReceiveKeepsOtherMessages) {
    expect_output(R"(
send(self(), :a)
send(self(), :b)
receive do
  :b -> IO.puts("b first")
end
receive do
  x -> IO.inspect(x)
end
)",
                  "b first\n:a\n");
}

TEST(VmProcess, BlockingInsideEnumMap) {
    expect_output(R"(
tasks = Enum.map(1..3, fn i -> Task.async(fn -> Process.sleep(100 * i); i * 2 end) end)
IO.inspect(Enum.map(tasks, &Task.await/1))
)",
                  "[2, 4, 6]\n");
}

TEST(VmProcess, CpuBoundProcessDoesNotStarveOthers) {
    expect_output(R"(
defmodule Spin do
  def loop(0), do: :done
  def loop(n), do: loop(n - 1)
end
parent = self()
spawn(fn -> Spin.loop(5_000_000); send(parent, :spin_done) end)
spawn(fn -> send(parent, :quick) end)
receive do
  m -> IO.inspect(m)
end
)",
                  ":quick\n");
}

TEST(VmProcess, ReceiveAfterZeroAndTrapExit) {
    expect_output(R"(
r = receive do
  x -> x
after
  0 -> :empty
end
IO.inspect(r)
Process.flag(:trap_exit, true)
pid = spawn_link(fn -> exit(:bye) end)
receive do
  {:EXIT, ^pid, reason} -> IO.inspect(reason)
end
)",
                  ":empty\n:bye\n");
}

TEST(VmProcess, TryCatchExitOfTaskAwait) {
    expect_output(R"(
task = Task.async(fn -> Process.sleep(1000) end)
r = try do
  Task.await(task, 10)
catch
  :exit, {:timeout, _} -> :timed_out
end
IO.inspect(r)
)",
                  ":timed_out\n");
}

TEST(VmProcess, SpawnedProcessDyingOfAnErrorIsReported) {
    // The emulator's "Error in process" report, as Elixir's Logger prints it; exit/1 and a
    // normal return are not reported, a throw is reported as {:nocatch, value}.
    expect_output(R"(
spawn(fn -> raise ArgumentError, "bad thing" end)
Process.sleep(10)
spawn(fn -> exit(:quiet) end)
spawn(fn -> :ok end)
Process.sleep(10)
spawn(fn -> throw(:ball) end)
Process.sleep(10)
Logger.configure(level: :none)
spawn(fn -> raise "silenced" end)
Process.sleep(10)
IO.puts("end")
)",
                  "\n00:00:00.000 [error] Process #PID<0.2.0> raised an exception\n"
                  "** (ArgumentError) bad thing\n"
                  "    test.exs:2: anonymous fn/0 in :elixir_compiler_0.__FILE__/1\n"
                  "\n00:00:00.020 [error] Process #PID<0.5.0> raised an exception\n"
                  "** (ErlangError) Erlang error: {:nocatch, :ball}\n"
                  "    test.exs:7: anonymous fn/0 in :elixir_compiler_0.__FILE__/1\n"
                  "end\n");
}

}  // namespace
}  // namespace tasklens::script::test
