// Integers of any size, bitstrings and the honest "not supported" path, run end to end through
// the compiler and VM. Outputs of Elixir-defined behaviour are what `elixir` 1.14 prints; the
// Tasklens-specific messages are documented in docs/scenario-language.md.
#include <gtest/gtest.h>

#include "vm_test_support.h"

namespace tasklens::script::test {
namespace {

TEST(VmNumbers, SmallIntegerArithmeticOverflowsIntoBignums) {
    RunOutput r = run_source(R"(
x = 9_223_372_036_854_775_807
y = x + 1
IO.inspect({y, y - 1, x * x, -x - 2, div(-x - 1, -1)})
IO.inspect(is_integer(y - 1) and y - 1 == x)
)");
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out,
              "{9223372036854775808, 9223372036854775807,\n"
              " 85070591730234615847396907784232501249, -9223372036854775809,\n"
              " 9223372036854775808}\ntrue\n");
}

TEST(VmNumbers, BignumLiteralsInPatternsAndGuards) {
    RunOutput r = run_source(R"(
defmodule M do
  def f(100_000_000_000_000_000_000), do: :exact
  def f(n) when n > 0xFFFF_FFFF_FFFF_FFFF, do: :big
  def f(_), do: :small
end
IO.inspect({M.f(10 ** 20), M.f(2 ** 64), M.f(1)})
)");
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out, "{:exact, :big, :small}\n");
}

TEST(VmBinaries, MatchContextReadsEverySegmentKind) {
    RunOutput r = run_source(R"(
<<a::4, b::little-signed-12, c::float-16, d::utf8, e::bits>> = <<0x1F, 0xFF, 0x3C, 0x00, "é", 1::3>>
IO.inspect({a, b, c, d, e})
)");
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out, "{1, -1, 1.0, 233, <<1::size(3)>>}\n");
}

TEST(VmBinaries, SizeFromAnEarlierSegment) {
    RunOutput r = run_source(R"(
parse = fn
  <<n, word::binary-size(n), rest::binary>> -> {word, rest}
  _ -> :short
end
IO.inspect({parse.(<<3, "abcdef">>), parse.(<<9, "abc">>)})
)");
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out, "{{\"abc\", \"def\"}, :short}\n");
}

TEST(VmHonestErrors, KnownButUnimplementedFunctionIsRefusedAtCompileTime) {
    RunOutput r = run_source("IO.puts(\"start\")\nx = :crypto.strong_rand_bytes(8)\n");
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "");  // nothing ran
    EXPECT_NE(r.err.find("test.exs:2:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("Tasklens does not support :crypto.strong_rand_bytes/1 yet (see "
                         "docs/scenario-language.md)"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("UndefinedFunctionError"), std::string::npos) << r.err;
}

TEST(VmHonestErrors, KnownButUnimplementedFunctionReachedAtRunTime) {
    RunOutput r = run_source(R"(
IO.puts("start")
m = :crypto
m.strong_rand_bytes(8)
)");
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "start\n");
    EXPECT_EQ(r.err,
              "test.exs:4: Tasklens does not support :crypto.strong_rand_bytes/1 yet (see "
              "docs/scenario-language.md)\n");
}

// A sandboxed function reached through apply/3 with a computed module: refused at the script's
// line in the script's own process, and worded as the sandbox in another process's crash report
// (never "is undefined or private", which would claim the function does not exist).
TEST(VmHonestErrors, SandboxedFunctionReachedThroughApply) {
    RunOutput main =
        run_source("IO.puts(\"start\")\napply(String.to_atom(\"Elixir.File\"), :read, [\"x\"])\n");
    EXPECT_EQ(main.status, 1);
    EXPECT_EQ(main.out, "start\n");
    EXPECT_EQ(main.err,
              "test.exs:2: File.read/1 is not available: scenarios are sandboxed (no file, "
              "network or OS access)\n");

    RunOutput spawned = run_source(
        "spawn(fn -> apply(String.to_atom(\"Elixir.File\"), :read, [\"x\"]) end)\n"
        "Process.sleep(10)\nIO.puts(\"after\")\n");
    EXPECT_EQ(spawned.status, 0);
    const std::string all = spawned.out + spawned.err;
    EXPECT_NE(all.find("** (UndefinedFunctionError) File.read/1 is not available: scenarios are "
                       "sandboxed (no file, network or OS access)\n    File.read(\"x\")\n    "
                       "test.exs:1: anonymous fn/0 in :elixir_compiler_0.__FILE__/1\n"),
              std::string::npos)
        << all;
    EXPECT_EQ(all.find("undefined or private"), std::string::npos) << all;
}

TEST(VmHonestErrors, FunctionsThatDoNotExistKeepElixirsError) {
    RunOutput r = run_source("IO.puts(\"start\")\nString.foo(1)\n");
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "start\n");
    EXPECT_EQ(r.err.rfind("** (UndefinedFunctionError) function String.foo/1 is undefined or "
                          "private\n",
                          0),
              0u)
        << r.err;
    RunOutput m = run_source("Foo.bar()\n");
    EXPECT_EQ(m.err.rfind("** (UndefinedFunctionError) function Foo.bar/0 is undefined (module "
                          "Foo is not available)\n",
                          0),
              0u)
        << m.err;
}

}  // namespace
}  // namespace tasklens::script::test
