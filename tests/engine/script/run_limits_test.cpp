// Run limits, stop signals and the hostile scenarios of issue 10 at the engine API: every run ends
// with a clear message and a documented status, and what it printed before is kept.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <sstream>
#include <string>

#include <unistd.h>

#include "engine/script/scenario_runner.h"

namespace tasklens::script {
namespace {

struct Result {
    int status = 0;
    std::string out;
    std::string err;
};

Result run(const std::string& source, const RunLimits& limits, uint32_t max_processes = 262'144,
           const std::atomic<int>* stop = nullptr) {
    std::ostringstream out, err;
    ScenarioOptions options;
    options.schedulers = 2;
    options.out = &out;
    options.err = &err;
    options.limits = limits;
    options.max_processes = max_processes;
    options.stop_flag = stop;
    Result r;
    r.status = run_scenario_source("limits.exs", source, options);
    r.out = out.str();
    r.err = err.str();
    return r;
}

uint64_t resident_now() {
    FILE* statm = std::fopen("/proc/self/statm", "r");
    unsigned long long size = 0, resident = 0;
    if (statm) {
        if (std::fscanf(statm, "%llu %llu", &size, &resident) != 2) resident = 0;
        std::fclose(statm);
    }
    return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

const char* kInfiniteLoop = R"(
IO.puts "start"
defmodule Loop do
  def forever(n), do: forever(n + 1)
end
Loop.forever(0)
)";

TEST(RunLimits, ReductionLimitStopsAnInfiniteLoop) {
    RunLimits limits;
    limits.max_reductions = 2'000'000;
    Result r = run(kInfiniteLoop, limits);
    EXPECT_EQ(r.status, kExitRunLimit);
    EXPECT_EQ(r.out, "start\n");
    EXPECT_TRUE(r.err.starts_with(
        "tasklens: run stopped: it reached its limit of 2000000 reductions (--max-reductions) at "))
        << r.err;
}

TEST(RunLimits, WallLimitStopsAnInfiniteLoop) {
    RunLimits limits;
    limits.max_wall_ms = 300;
    Result r = run(kInfiniteLoop, limits);
    EXPECT_EQ(r.status, kExitRunLimit);
    EXPECT_EQ(r.out, "start\n");
    EXPECT_TRUE(
        r.err.starts_with("tasklens: run stopped: it reached its wall-clock time limit of "
                          "300 ms (--max-wall)"))
        << r.err;
}

TEST(RunLimits, VirtualTimeLimitStopsASleepingLoop) {
    RunLimits limits;
    limits.max_virtual_us = 10'000'000;
    Result r = run(R"(
IO.puts "start"
defmodule Tick do
  def f, do: (Process.sleep(1000); f())
end
Tick.f()
)",
                   limits);
    EXPECT_EQ(r.status, kExitRunLimit);
    EXPECT_EQ(r.out, "start\n");
    EXPECT_TRUE(r.err.starts_with(
        "tasklens: run stopped: it reached its virtual time limit of 10 s (--max-time) at 1"))
        << r.err;
}

TEST(RunLimits, MemoryLimitEndsAGrowingListAsTheBeamDoes) {
    RunLimits limits;
    limits.max_memory_bytes = resident_now() + (uint64_t{256} << 20);
    Result r = run(R"(
IO.puts "start"
Enum.reduce(Stream.iterate(0, &(&1 + 1)), [], fn x, acc -> [x | acc] end)
)",
                   limits);
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "start\n");
    EXPECT_TRUE(r.err.starts_with("eheap_alloc: Cannot allocate memory: the run uses ")) << r.err;
    EXPECT_NE(r.err.find("(--max-memory)"), std::string::npos) << r.err;
}

TEST(RunLimits, ProcessLimitMakesSpawnRaiseSystemLimit) {
    Result r = run(R"(
IO.puts "start"
pids = for _ <- 1..2000, do: spawn(fn -> receive do _ -> :ok end end)
IO.puts length(pids)
)",
                   RunLimits{}, 1024);
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "start\n");
    EXPECT_TRUE(r.err.starts_with("** (SystemLimitError) a system limit has been reached"))
        << r.err;
}

TEST(RunLimits, ARecursiveSpawnBombEndsAtALimit) {
    // Every process spawns two and waits. At the process limit spawn raises system_limit, the
    // spawner dies, its slot goes to the next spawn: an endless storm, on the BEAM too. It ends
    // at a run limit, here the wall clock.
    RunLimits limits;
    limits.max_wall_ms = 2'000;
    Result r = run(R"(
IO.puts "start"
defmodule Bomb do
  def go do
    spawn(fn -> go() end)
    spawn(fn -> go() end)
    receive do _ -> :ok end
  end
end
Bomb.go()
)",
                   limits, 1024);
    // Each spawner that hits the limit dies of the error and is reported, as on the BEAM.
    EXPECT_EQ(r.out.rfind("start\n", 0), 0u);
    EXPECT_NE(r.out.find(" raised an exception\n** (SystemLimitError) a system limit has been "
                         "reached\n"),
              std::string::npos);
    EXPECT_EQ(r.status, kExitRunLimit);
    EXPECT_NE(r.err.find("tasklens: run stopped: it reached its wall-clock time limit of 2 s "
                         "(--max-wall)"),
              std::string::npos)
        << r.err.substr(r.err.size() > 2000 ? r.err.size() - 2000 : 0);
}

TEST(RunLimits, AStopFlagEndsTheRunWithTheSignalStatus) {
    std::atomic<int> stop{15};
    Result r = run(kInfiniteLoop, RunLimits{}, 262'144, &stop);
    EXPECT_EQ(r.status, kExitSignalBase + 15);
}

TEST(RunLimits, DefaultsAreDocumentedValues) {
    RunLimits limits = default_run_limits();
    EXPECT_EQ(limits.max_virtual_us, int64_t{3600} * 1'000'000);
    EXPECT_EQ(limits.max_wall_ms, 0);
    EXPECT_EQ(kDefaultCliMaxWallMs, 300'000);
    EXPECT_EQ(limits.max_reductions, 0u);
    EXPECT_GT(limits.max_memory_bytes, 0u);
}

TEST(HostileScenario, TheAtomTableIsLimitedAsTheBeamsIs) {
    Result r = run(R"(
IO.puts "start"
for i <- 1..1_100_000, do: String.to_atom("atom_#{i}")
IO.puts "not reached"
)",
                   RunLimits{});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "start\n");
    EXPECT_TRUE(r.err.starts_with("** (SystemLimitError) a system limit has been reached"))
        << r.err;
}

TEST(HostileScenario, FloatOverflowRaisesArithmeticError) {
    Result r = run(R"(
x = 1.0e308
for f <- [fn -> x * 10 end, fn -> x + x end, fn -> -x * 10 end, fn -> 1.0 / 1.0e-308 / 1.0e-10 end,
          fn -> apply(Kernel, :*, [x, 10]) end] do
  try do
    f.()
  rescue
    e in ArithmeticError -> IO.puts Exception.message(e)
  end
end
IO.puts x * 10
)",
                   RunLimits{});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, std::string() +
                         "bad argument in arithmetic expression\n"
                         "bad argument in arithmetic expression\n"
                         "bad argument in arithmetic expression\n"
                         "bad argument in arithmetic expression\n"
                         "bad argument in arithmetic expression\n");
    EXPECT_TRUE(r.err.starts_with("** (ArithmeticError) bad argument in arithmetic expression"))
        << r.err;
}

TEST(HostileScenario, InvalidUtf8IsRefusedByIoPutsButWrittenByIoWrite) {
    Result r = run(R"(
IO.write(<<0xC3>>)
IO.write("\n")
IO.puts "start"
IO.puts(<<255>>)
)",
                   RunLimits{});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "\xC3\nstart\n");
    EXPECT_TRUE(
        r.err.starts_with("** (ArgumentError) errors were found at the given arguments:\n\n"
                          "  * 2nd argument: not valid character data (an iodata term)\n"))
        << r.err;
}

TEST(HostileScenario, DeepTermsCompareMatchAndInspect) {
    Result r = run(R"(
a = Enum.reduce(1..1_000_000, :leaf, fn _, acc -> {acc} end)
b = Enum.reduce(1..1_000_000, :leaf, fn _, acc -> {acc} end)
c = Enum.reduce(1..1_000_000, :other, fn _, acc -> {acc} end)
IO.puts a == b
IO.puts a === b
IO.puts a < c
^a = b
case c do
  ^a -> IO.puts "wrong"
  _ -> IO.puts "no match"
end
IO.puts byte_size(inspect(a, limit: :infinity))
l = Enum.reduce(1..1_000_000, [], fn _, acc -> [acc] end)
IO.puts l == Enum.reduce(1..1_000_000, [], fn _, acc -> [acc] end)
m = Enum.reduce(1..200_000, %{}, fn _, acc -> %{a: acc} end)
IO.puts m == Enum.reduce(1..200_000, %{}, fn _, acc -> %{a: acc} end)
IO.puts String.length(inspect(m))
)",
                   RunLimits{});
    EXPECT_EQ(r.status, 0) << r.err;
    // What elixir 1.14 prints for the same script.
    EXPECT_EQ(r.out, "true\ntrue\ntrue\nno match\n2000005\ntrue\ntrue\n306\n") << r.out;
}

// The external term format both ways on terms nested 1M deep through tuples, list heads and map
// values (the decoder used to recurse per level and overflowed the stack).
TEST(HostileScenario, DeepTermsThroughTheExternalFormat) {
    Result r = run(R"(
t = Enum.reduce(1..1_000_000, :leaf, fn _, acc -> {acc} end)
bt = :erlang.term_to_binary(t)
IO.puts byte_size(bt)
IO.puts :erlang.binary_to_term(bt) == t
l = Enum.reduce(1..1_000_000, [], fn _, acc -> [acc] end)
IO.puts :erlang.binary_to_term(:erlang.term_to_binary(l)) == l
m = Enum.reduce(1..300_000, %{}, fn i, acc -> %{i => acc} end)
IO.puts :erlang.external_size(m)
IO.puts :erlang.binary_to_term(:erlang.term_to_binary(m)) == m
IO.puts inspect(:erlang.binary_to_term(<<131, 104, 2, 97, 1, 97, 2, 0>>, [:used]))
)",
                   RunLimits{});
    EXPECT_EQ(r.status, 0) << r.err;
    // What elixir 1.14 prints for the same script.
    EXPECT_EQ(r.out, "2000008\ntrue\ntrue\n2999241\ntrue\n{{1, 2}, 7}\n") << r.out;
}

}  // namespace
}  // namespace tasklens::script
