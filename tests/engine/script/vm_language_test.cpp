// The scenario language's semantics: each case runs a small program and checks what it prints
// (expected outputs are what `elixir` 1.14 prints for the same program).
#include <gtest/gtest.h>

#include <sstream>

#include "vm_test_support.h"

namespace tasklens::script::test {
namespace {

void expect_output(const std::string& source, const std::string& expected) {
    RunOutput r = run_source(source);
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, expected);
}

TEST(VmLanguage, MatchingAndRebinding) {
    expect_output(R"(
x = 1
x = x + 1
{a, [b | rest], %{k: v}} = {1, [2, 3, 4], %{k: :v, other: 0}}
IO.inspect({x, a, b, rest, v})
"pre" <> tail = "prefix"
IO.puts(tail)
IO.puts("con" <> "cat" <> tail)
^x = 2
IO.puts("pinned ok")
)",
                  "{2, 1, 2, [3, 4], :v}\nfix\nconcatfix\npinned ok\n");
}

TEST(VmLanguage, MultiClauseFunctionsGuardsDefaults) {
    expect_output(R"(
defmodule M do
  def kind(x) when is_integer(x) and x > 0, do: :pos
  def kind(x) when is_integer(x), do: :int
  def kind(_), do: :other
  def greet(name, greeting \\ "hello"), do: "#{greeting} #{name}"
  defp secret, do: 42
  def reveal, do: secret()
end
IO.inspect(Enum.map([1, -1, :a], &M.kind/1))
IO.puts(M.greet("bob"))
IO.puts(M.greet("bob", "hi"))
IO.inspect(M.reveal())
)",
                  "[:pos, :int, :other]\nhello bob\nhi bob\n42\n");
}

TEST(VmLanguage, ClosuresCaptureByValue) {
    expect_output(R"(
n = 10
add = fn x -> x + n end
n = 20
IO.inspect(add.(1))
twice = &(&1 * 2)
IO.inspect(Enum.map(1..3, twice))
compose = fn f, g -> fn x -> g.(f.(x)) end end
IO.inspect(compose.(add, twice).(1))
)",
                  "11\n[2, 4, 6]\n22\n");
}

TEST(VmLanguage, ControlFlow) {
    expect_output(R"(
v = case {:ok, 3} do
  {:ok, n} when n > 5 -> :big
  {:ok, n} -> {:small, n}
end
IO.inspect(v)
x = if false, do: 1, else: 2
IO.inspect(x)
x = unless false, do: 3
IO.inspect(x)
IO.inspect(cond do
  1 > 2 -> :no
  true -> :yes
end)
r = with {:ok, a} <- {:ok, 1}, {:ok, b} <- {:error, :nope} do
  a + b
else
  {:error, e} -> e
end
IO.inspect(r)
)",
                  "{:small, 3}\n2\n3\n:yes\n:nope\n");
}

TEST(VmLanguage, Comprehensions) {
    expect_output(R"(
r = for x <- 1..4, rem(x, 2) == 0, do: x * x
IO.inspect(r)
r = for x <- [1, 2], y <- [:a, :b], do: {x, y}
IO.inspect(r)
r = for {k, v} <- %{a: 1, b: 2}, into: %{}, do: {k, v + 1}
IO.inspect(r)
r = for x <- [1, 2, 3], reduce: 0 do
  acc -> acc + x
end
IO.inspect(r)
r = for x <- [1, 1, 2], uniq: true, do: x
IO.inspect(r)
)",
                  "[4, 16]\n[{1, :a}, {1, :b}, {2, :a}, {2, :b}]\n%{a: 2, b: 3}\n6\n[1, 2]\n");
}

TEST(VmLanguage, TryRescueCatchAfter) {
    expect_output(R"(
r = try do
  raise "boom"
rescue
  e in RuntimeError -> {:rescued, e.message}
end
IO.inspect(r)
r = try do
  throw(:ball)
catch
  :throw, v -> {:caught, v}
after
  IO.puts("after")
end
IO.inspect(r)
r = try do
  exit(:bye)
catch
  :exit, reason -> reason
end
IO.inspect(r)
r = try do
  1 + :a
rescue
  e -> e.__struct__
end
IO.inspect(r)
)",
                  "{:rescued, \"boom\"}\nafter\n{:caught, :ball}\n:bye\nArithmeticError\n");
}

TEST(VmLanguage, StructsAndMapUpdate) {
    expect_output(R"(
defmodule P do
  defstruct name: nil, age: 0
end
# elixir expands a whole .exs first: %P{} works in a def, not in the script's own code
defmodule UseP do
  def run do
    p = %P{name: "a"}
    p = %{p | age: 3}
    IO.inspect(p)
    %P{name: name} = p
    IO.puts(name)
    IO.inspect(Map.from_struct(p))
  end
end
UseP.run()
state = %{tasks: %{}}
state = put_in(state.tasks[:r], 1)
IO.inspect(state)
)",
                  "%P{name: \"a\", age: 3}\na\n%{age: 3, name: \"a\"}\n%{tasks: %{r: 1}}\n");
}

TEST(VmLanguage, PipesAndEnum) {
    expect_output(R"(
1..5
|> Enum.filter(&(rem(&1, 2) == 1))
|> Enum.map(fn x -> x * 10 end)
|> Enum.sum()
|> IO.inspect()
IO.inspect(Enum.sort_by([{:b, 2}, {:a, 3}, {:c, 1}], fn {_, n} -> n end))
IO.inspect(Stream.map([1, 2, 3], &(&1 + 1)) |> Enum.take(2))
IO.inspect(Enum.reduce([1, 2, 3], fn x, acc -> x + acc end))
IO.inspect(Enum.with_index([:a, :b]))
IO.inspect(Enum.zip([1, 2], [:x, :y]))
)",
                  "90\n[c: 1, b: 2, a: 3]\n[2, 3]\n6\n[a: 0, b: 1]\n[{1, :x}, {2, :y}]\n");
}

TEST(VmLanguage, StreamsAreLazy) {
    expect_output(R"(
s = Stream.map([1, 2, 3], fn x -> IO.puts("map #{x}"); x * 2 end)
IO.puts("built")
IO.inspect(Enum.take(s, 2))
IO.inspect(Stream.iterate(1, &(&1 * 3)) |> Stream.drop(1) |> Enum.take(3))
)",
                  "built\nmap 1\nmap 2\n[2, 4]\n[3, 9, 27]\n");
}

TEST(VmLanguage, UseGenServerInjectsDefaults) {
    expect_output(R"(
Logger.configure(level: :none)
defmodule S do
  use GenServer, restart: :transient
  def init(x), do: {:ok, x}
end
IO.inspect(S.child_spec(:arg))
{:ok, pid} = GenServer.start_link(S, 1)
send(pid, :unexpected)
IO.inspect(:sys.get_state(pid))
)",
                  "%{id: S, restart: :transient, start: {S, :start_link, [:arg]}}\n1\n");
}

TEST(VmLanguage, DefdelegateAndImport) {
    expect_output(R"(
defmodule L do
  defdelegate total(list), to: Enum, as: :sum
end
defmodule U do
  import L
  def run, do: total([1, 2, 3])
end
IO.inspect(U.run())
)",
                  "6\n");
}

TEST(VmLanguage, DeepRecursionUsesTheHeap) {
    // 1,000,000 nested (non-tail) calls: frames live on the VM's heap stack.
    expect_output(R"(
defmodule Deep do
  def count(0), do: 0
  def count(n), do: 1 + count(n - 1)
end
IO.inspect(Deep.count(1_000_000))
)",
                  "1000000\n");
}

TEST(VmLanguage, UncaughtErrorPrintsBannerAndExits1) {
    RunOutput r = run_source("IO.puts(\"before\")\nraise ArgumentError, \"bad\"\n");
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "before\n");
    EXPECT_NE(r.err.find("** (ArgumentError) bad"), std::string::npos) << r.err;
}

// Elixir 1.14's Inspect.Function: a fn of the script's top-level code names the script's file
// (`#Function<0.59412566 in file:x.exs>`; the number after the dot is a per-compilation hash
// there, so only the shape and the fn's index are compared); a fn inside a module names the
// enclosing function. Expected: elixir 1.14.0 on the same source.
TEST(VmLanguage, TopLevelFunsInspectWithTheScriptsFile) {
    RunOutput r = run_source(
        "IO.inspect(fn x -> x end)\n"
        "IO.inspect(fn a, b -> a + b end)\n"
        "Enum.each([1], fn _ -> IO.inspect(fn -> :ok end) end)\n"
        "defmodule M do\n  def g, do: fn a -> a end\nend\n"
        "IO.inspect(M.g())\n");
    ASSERT_EQ(r.status, 0) << r.err;
    std::vector<std::string> lines;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    ASSERT_EQ(lines.size(), 4u) << r.out;
    const std::string prefixes[] = {"#Function<0.", "#Function<1.", "#Function<3."};
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(lines[i].rfind(prefixes[i], 0), 0u) << lines[i];
        EXPECT_TRUE(lines[i].ends_with(" in file:test.exs>")) << lines[i];
        EXPECT_EQ(lines[i].find('/'), std::string::npos) << lines[i];  // no arity shown
    }
    EXPECT_EQ(lines[3].rfind("#Function<0.", 0), 0u) << lines[3];
    EXPECT_TRUE(lines[3].ends_with("/1 in M.g/0>")) << lines[3];
}

}  // namespace
}  // namespace tasklens::script::test
