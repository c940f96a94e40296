// Compile-time refusals: unsupported constructs are reported with file:line:col and a caret
// before anything runs.
#include <gtest/gtest.h>

#include "vm_test_support.h"

namespace tasklens::script::test {
namespace {

TEST(VmCompiler, RefusesSandboxedCallsBeforeRunning) {
    RunOutput r = run_source("IO.puts(\"never\")\nFile.read(\"/etc/passwd\")\n");
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("test.exs:2:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("File.read/1 is not available: scenarios are sandboxed (no file, network "
                         "or OS access)"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("^"), std::string::npos) << r.err;
}

TEST(VmCompiler, RefusesMacros) {
    RunOutput r = run_source("defmodule M do\n  defmacro m(x), do: x\nend\n");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("test.exs:2:3: error: Tasklens does not support defmacro yet (see "
                         "docs/scenario-language.md)"),
              std::string::npos)
        << r.err;
}

TEST(VmCompiler, UndefinedFunction) {
    RunOutput r = run_source("IO.puts(\"x\")\nfoo(1)\n");
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("undefined function foo/1"), std::string::npos) << r.err;
}

// elixir expands a whole .exs before running it: a struct the file defines cannot be built or
// matched by the script's own code (a fn there included), only inside defs. Expected: elixir
// 1.14.0 on the same files (its CompileError line; nothing on stdout). A top-level module is
// known but not yet defined; a nested one is not known at all.
TEST(VmCompiler, StructOfThisFileInScriptCode) {
    const std::string defs =
        "IO.puts(\"never\")\ndefmodule User do\n  defstruct [:name]\nend\n"
        "defmodule Outer do\n  defmodule Inner, do: defstruct [:name]\n"
        "  def new, do: %Inner{name: 1}\nend\n";
    const std::pair<std::string, std::string> cases[] = {
        {"f = fn -> %User{} end\n",
         "test.exs:9:12: error: cannot access struct User, the struct was not yet defined or the "
         "struct is being accessed in the same context that defines it"},
        {"match?(%User{}, 1)\n",
         "test.exs:9:9: error: cannot access struct User, the struct was not yet defined or the "
         "struct is being accessed in the same context that defines it"},
        {"%Outer.Inner{}\n",
         "test.exs:9:2: error: Outer.Inner.__struct__/1 is undefined, cannot expand struct "
         "Outer.Inner. Make sure the struct name is correct. If the struct name exists and is "
         "correct but it still cannot be found, you likely have cyclic module usage in your code"},
        {"match?(%Outer.Inner{}, 1)\n",
         "test.exs:9:9: error: Outer.Inner.__struct__/0 is undefined, cannot expand struct "
         "Outer.Inner."}};
    for (const auto& [use, error] : cases) {
        RunOutput r = run_source(defs + use);
        EXPECT_EQ(r.status, 1) << use;
        EXPECT_EQ(r.out, "") << use;
        EXPECT_NE(r.err.find(error), std::string::npos) << r.err;
    }
    // inside a def, through struct/1, and in another module's body it is fine
    RunOutput ok = run_source(defs +
                              "defmodule Q do\n  @d %User{}\n  def d, do: @d\nend\n"
                              "IO.inspect(Outer.new())\nIO.inspect(struct(User))\n"
                              "IO.inspect(Q.d())\n");
    EXPECT_EQ(ok.status, 0) << ok.err;
    EXPECT_EQ(ok.out, "never\n%Outer.Inner{name: 1}\n%User{name: nil}\n%User{name: nil}\n");
}

// `<>` in a pattern: the left side must have a known size (a literal or a `<<>>` whose segments
// all have sizes). Expected: elixir 1.14.0's CompileError / ArgumentError texts on the same
// lines (first sentence).
TEST(VmCompiler, BinaryConcatenationPatternsNeedASizedLeftSide) {
    const std::pair<std::string, std::string> cases[] = {
        {"z <> \"a\" = \"ba\"\nIO.inspect(z)\n",
         "test.exs:1:1: error: the left argument of <> operator inside a match should always be a "
         "literal binary because its size can't be verified"},
        {"x = 1\n<<y::binary>> <> rest = \"ab\"\n",
         "test.exs:2:4: error: a binary field without size is only allowed at the end of a binary "
         "pattern, at the right side of binary concatenation"}};
    for (const auto& [source, error] : cases) {
        RunOutput r = run_source(source);
        EXPECT_EQ(r.status, 1) << source;
        EXPECT_EQ(r.out, "") << source;
        EXPECT_NE(r.err.find(error), std::string::npos) << r.err;
    }
    RunOutput ok = run_source("<<n::16>> <> rest = <<1, 2, 3>>\nIO.inspect({n, rest})\n");
    EXPECT_EQ(ok.status, 0) << ok.err;
    EXPECT_EQ(ok.out, "{258, <<3>>}\n");
}

// Elixir 1.14 checks a scope's variables when it closes (a clause, a branch, a fn, a def
// clause, the file), innermost scope first, and lists a scope's unused ones by name; the
// top-level code's warnings come before the modules' (a module body runs later).
// Expected: elixir 1.14.0 on the same file (stderr).
TEST(VmCompilerWarnings, UnusedVariablesAsElixirListsThem) {
    RunOutput r = run_source_as_cli(R"(defmodule M do
  def a(aaa) do
    case 1 do
      zzz -> :ok
    end
  end
  def b(aaa) do
    mmm = 2
    if true do
      zzz = 1
    end
    bbb = 3
    :ok
  end
  def c(aaa) do
    zzz = 1
    try do
      yyy = 2
    rescue
      e -> :ok
    end
  end
  def d(x, {y, y}) when x > 0, do: :ok
  def d(_x, p), do: Enum.map([p], fn {k, v} -> k end)
end
aaa = 1
fn zzz -> :ok end
bbb = 2
{:ok, pid} = {:ok, 1}
x = 1
x = x + 1
IO.puts("#{x}")
)");
    const char* tail =
        " is unused (if the variable is not meant to be used, prefix it with an "
        "underscore)\n";
    auto w = [&](const char* name, const char* where) {
        return std::string("warning: variable \"") + name + "\"" + tail + "  test.exs:" + where +
               "\n\n";
    };
    EXPECT_EQ(r.err, w("zzz", "27") + w("aaa", "26") + w("bbb", "28") + w("pid", "29") +
                         w("zzz", "4: M.a/1") + w("aaa", "2: M.a/1") + w("zzz", "10: M.b/1") +
                         w("aaa", "7: M.b/1") + w("bbb", "12: M.b/1") + w("mmm", "8: M.b/1") +
                         w("yyy", "18: M.c/1") + w("e", "20: M.c/1") + w("aaa", "15: M.c/1") +
                         w("zzz", "16: M.c/1") + w("v", "24: M.d/2"));
    EXPECT_EQ(r.out, "2\n");
    EXPECT_EQ(r.status, 0);
}

// An unused variable that shadows one in scope (a fn or case clause's, a rebinding in a branch
// or a def) gets Elixir's other text; a rebinding at the top level that nothing reads after is
// not reported at all. Expected: elixir 1.14.0 on the same file (stderr).
TEST(VmCompilerWarnings, AnUnusedVariableThatShadowsOneInScopeSaysSo) {
    RunOutput r = run_source_as_cli(R"(a = 1
IO.inspect a
f = fn a -> :ok end
b = 1
IO.inspect b
case 2 do
  b -> :ok
end
c = 1
IO.inspect c
c = 2
d = 1
IO.inspect d
if true do
  d = 5
end
{e, e2} = {1, 2}
IO.inspect {e, e2}
{e, e2} = {3, 4}
IO.inspect f
defmodule M do
  def g(x) do
    IO.inspect x
    x = 2
    y = 3
  end
end
)");
    auto w = [](const char* name, const char* where, bool shadows) {
        return std::string("warning: variable \"") + name + "\" is unused (" +
               (shadows ? "there is a variable with the same name in the context, use the pin "
                          "operator (^) to match on it or prefix this variable with underscore "
                          "if it is not meant to be used"
                        : "if the variable is not meant to be used, prefix it with an "
                          "underscore") +
               ")\n  test.exs:" + where + "\n\n";
    };
    EXPECT_EQ(r.err, w("a", "3", true) + w("b", "7", true) + w("d", "15", true) +
                         w("x", "24: M.g/1", true) + w("y", "25: M.g/1", false));
    EXPECT_EQ(r.status, 0);
}

// A defmodule compiles its body with the caller's binding, so Elixir counts every variable
// visible there as used: x (before A), and y, i and w (all visible at B, inside the fn) are
// not reported; z, bound after the last module, is. Expected: elixir 1.14.0 on the same file.
TEST(VmCompilerWarnings, VariablesVisibleAtADefmoduleAreUsed) {
    RunOutput r = run_source_as_cli(R"(x = 5
defmodule A do
end
y = 3
Enum.each([1], fn i ->
  w = 1
  defmodule B do end
end)
z = 4
)");
    const char* tail =
        " is unused (if the variable is not meant to be used, prefix it with an "
        "underscore)\n";
    EXPECT_EQ(r.err, std::string("warning: variable \"z\"") + tail + "  test.exs:9\n\n");
    EXPECT_EQ(r.status, 0);
}

TEST(VmCompilerWarnings, UnusedPrivateFunctionsByNameAfterEachModule) {
    // elixir 1.14 on the same file: a module's unused defps sorted by name, at their first
    // clause's line, no module in the trailer; beta/2 has defaults and none is called.
    RunOutput r = run_source_as_cli(R"(defmodule M do
  def pub, do: used(1)
  defp zeta(x), do: x
  defp used(x), do: x
  defp alpha(x), do: x
  defp beta(x, y \\ 1), do: x + y
  defp gamma(x), do: x
  defp delta(x, y \\ 2), do: x * y
  def g, do: &gamma/1
  def h(z), do: delta(z)
end
defmodule N do
  defp unused_n, do: 1
end
IO.puts M.pub
)");
    EXPECT_EQ(r.err,
              "warning: function alpha/1 is unused\n  test.exs:5\n\n"
              "warning: function beta/2 is unused\n  test.exs:6\n\n"
              "warning: function zeta/1 is unused\n  test.exs:3\n\n"
              "warning: function unused_n/0 is unused\n  test.exs:13\n\n");
    EXPECT_EQ(r.out, "1\n");
}

TEST(VmCompilerWarnings, NotPrintedUnlessAsked) {
    RunOutput r = run_source("x = 1\nIO.puts(\"ok\")\n");
    EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace tasklens::script::test
