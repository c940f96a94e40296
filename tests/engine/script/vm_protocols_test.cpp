// Protocols (defprotocol, defimpl, @derive, the built-in String.Chars, Inspect, Enumerable and
// Collectable for user structs), defguard and the bytecode dump. Expected outputs are what
// `elixir` 1.14 prints for the same program.
#include <gtest/gtest.h>

#include "engine/script/compiler.h"
#include "engine/script/disassemble.h"
#include "engine/script/parser.h"
#include "vm_test_support.h"

namespace tasklens::script::test {
namespace {

void expect_output(const std::string& source, const std::string& expected) {
    RunOutput r = run_source(source);
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, expected);
}

TEST(VmProtocols, DispatchOnBuiltinTypesStructsAndAny) {
    expect_output(R"EX(
defprotocol Size do
  @fallback_to_any true
  def size(data)
  def size(data, unit)
end
defimpl Size, for: [List, Tuple] do
  def size(x) when is_list(x), do: length(x)
  def size(x), do: tuple_size(x)
  def size(x, unit), do: "#{size(x)} #{unit}"
end
defimpl Size, for: Any do
  def size(_), do: 0
  def size(_, unit), do: "0 #{unit}"
end
defmodule Box do
  defstruct items: []
  defimpl Size do
    def size(%Box{items: items}), do: length(items)
    def size(b, unit), do: "#{size(b)} #{unit} (#{@for})"
  end
end
defmodule Demo do
  def run do
    IO.inspect(Enum.map([[1, 2], {1, 2, 3}, :atom, %Box{items: [1]}], &Size.size/1))
    IO.puts(Size.size(%Box{}, "items"))
    IO.inspect({Size.impl_for([]), Size.impl_for(%Box{}), Size.impl_for(1)})
    IO.inspect(Size.__protocol__(:functions))
  end
end
Demo.run()
)EX",
                  "[2, 3, 0, 1]\n0 items (Elixir.Box)\n{Size.List, Size.Box, Size.Any}\n"
                  "[size: 1, size: 2]\n");
}

TEST(VmProtocols, UndefinedErrorHasElixirsMessage) {
    expect_output(R"EX(
defprotocol Area do
  def area(shape)
end
defmodule Circle do
  defstruct r: 1
end
defmodule Demo do
  def run do
    for v <- [3, %Circle{}, "x"] do
      try do
        Area.area(v)
      rescue
        e in Protocol.UndefinedError -> IO.puts(Exception.message(e))
      end
    end
  end
end
Demo.run()
)EX",
                  "protocol Area not implemented for 3 of type Integer\n"
                  "protocol Area not implemented for %Circle{r: 1} of type Circle (a struct)\n"
                  "protocol Area not implemented for \"x\" of type BitString\n");
}

TEST(VmProtocols, StringCharsAndInspectForStructs) {
    expect_output(R"EX(
defmodule Money do
  defstruct amount: 0, currency: :EUR
  defimpl String.Chars do
    def to_string(%Money{amount: a, currency: c}), do: "#{a} #{c}"
  end
  defimpl Inspect do
    import Inspect.Algebra
    def inspect(%Money{amount: a, currency: c}, opts) do
      concat(["#Money<", to_doc(a, opts), " ", to_doc(c, opts), ">"])
    end
  end
end
defmodule Account do
  @derive {Inspect, only: [:owner]}
  defstruct [:owner, :password]
end
defmodule Demo do
  def run do
    m = %Money{amount: 10, currency: :USD}
    IO.puts("price: #{m}")
    IO.puts(m)
    IO.puts(Enum.join([m, %Money{amount: 2}], ", "))
    IO.inspect([m, %{total: m}], label: "nested")
    IO.puts(inspect({:ok, m}))
    IO.inspect(%Account{owner: "ann", password: "pw"})
  end
end
Demo.run()
)EX",
                  "price: 10 USD\n10 USD\n10 USD, 2 EUR\nnested: [#Money<10 :USD>, %{total: "
                  "#Money<10 :USD>}]\n{:ok, #Money<10 :USD>}\n#Account<owner: \"ann\", ...>\n");
}

TEST(VmProtocols, EnumerableAndCollectableForStructs) {
    expect_output(R"EX(
defmodule Bag do
  defstruct items: []
  defimpl Enumerable do
    def count(%Bag{items: items}), do: {:ok, length(items)}
    def member?(%Bag{items: items}, x), do: {:ok, x in items}
    def reduce(%Bag{items: items}, acc, fun), do: Enumerable.List.reduce(items, acc, fun)
    def slice(_), do: {:error, __MODULE__}
  end
  defimpl Collectable do
    def into(%Bag{items: items} = bag) do
      {[], fn
        acc, {:cont, x} -> [x | acc]
        acc, :done -> %Bag{bag | items: items ++ Enum.reverse(acc)}
        _, :halt -> :ok
      end}
    end
  end
end
defmodule Demo do
  def run do
    bag = %Bag{items: [3, 1, 2]}
    IO.inspect({Enum.count(bag), Enum.member?(bag, 2), Enum.sort(bag), Enum.take(bag, 2)})
    IO.inspect(bag |> Stream.map(&(&1 * 10)) |> Enum.to_list())
    IO.inspect(Enum.into([4], bag))
    IO.inspect(for x <- [7], into: %Bag{}, do: x * 100)
  end
end
Demo.run()
)EX",
                  "{3, true, [1, 2, 3], [3, 1]}\n[30, 10, 20]\n%Bag{items: [3, 1, 2, 4]}\n"
                  "%Bag{items: [700]}\n");
}

TEST(VmProtocols, ImplementationsMayBlock) {
    // an implementation that waits in receive runs on the VM's own stack, like any callback
    expect_output(R"EX(
defprotocol Ask do
  def ask(server)
end
defmodule Server do
  defstruct [:pid]
  defimpl Ask do
    def ask(%Server{pid: pid}) do
      send(pid, {:ask, self()})
      receive do
        {:answer, a} -> a
      end
    end
  end
end
pid = spawn(fn -> receive do {:ask, from} -> send(from, {:answer, 4200}) end end)
IO.inspect(Enum.map([struct(Server, pid: pid)], &Ask.ask/1))
)EX",
                  "[4200]\n");
}

TEST(VmProtocols, DefguardInGuardsAndExpressions) {
    expect_output(R"EX(
defmodule G do
  defguard is_even(n) when is_integer(n) and rem(n, 2) == 0
  defguardp is_small(n) when n < 10
  def kind(n) when is_even(n) and is_small(n), do: :small_even
  def kind(n) when is_even(n), do: :even
  def kind(_), do: :odd
  def check(n), do: is_even(n)
end
defmodule U do
  import G
  def evens(l), do: Enum.filter(l, fn x when is_even(x) -> true; _ -> false end)
end
IO.inspect({G.kind(2), G.kind(12), G.kind(3), G.check(4), U.evens([1, 2, 4])})
IO.inspect(G.__info__(:macros))
)EX",
                  "{:small_even, :even, :odd, true, [2, 4]}\n[is_even: 1]\n");
}

TEST(VmProtocols, BytecodeDumpNamesFunctionsAndCalls) {
    SourceFiles files;
    const SourceFile& file = files.add("x.exs", R"EX(
defmodule M do
  def add(a, b), do: a + b
end
IO.puts(M.add(1, 2))
)EX");
    std::vector<Diagnostic> diagnostics;
    auto program = compile_scenario(files, file, diagnostics);
    ASSERT_TRUE(program);
    std::string dump = disassemble(*program, program->first_scenario_function);
    EXPECT_NE(dump.find("M.add/2 (arity 2"), std::string::npos) << dump;
    EXPECT_NE(dump.find("Add"), std::string::npos) << dump;
    EXPECT_NE(dump.find("IO.puts/1"), std::string::npos) << dump;
    EXPECT_EQ(dump.find("Enum."), std::string::npos) << "the prelude is left out";
}

TEST(VmProtocols, MacrosStayRefusedWithLocation) {
    RunOutput r = run_source("defmodule M do\n  defmacro m, do: 1\nend\n");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("test.exs:2:3: error: Tasklens does not support defmacro yet (see "
                         "docs/scenario-language.md)"),
              std::string::npos)
        << r.err;
}

}  // namespace
}  // namespace tasklens::script::test
