// Parser fixtures: source text -> S-expression of the AST (format documented in ast.cpp).
#include <gtest/gtest.h>

#include <string>

#include "engine/script/parser.h"
#include "test_support.h"

namespace tasklens::script {
namespace {

using test::parse_to_sexpr;

struct Fixture {
    const char* name;
    const char* source;
    const char* expected;
};

void PrintTo(const Fixture& fixture, std::ostream* out) {
    *out << fixture.name;
}

class ParserFixture : public ::testing::TestWithParam<Fixture> {};

TEST_P(ParserFixture, ParsesTo) {
    const Fixture& fixture = GetParam();
    EXPECT_EQ(parse_to_sexpr(fixture.source), fixture.expected) << "source:\n" << fixture.source;
}

std::string fixture_name(const ::testing::TestParamInfo<Fixture>& info) {
    return info.param.name;
}

// ---- precedence and associativity ----
const Fixture kPrecedence[] = {
    {"PipeChain", "a |> f() |> g(b)", "(|> (|> a (call f)) (call g b))"},
    {"MatchIsRightAssociative", "x = y = 1", "(= x (= y 1))"},
    {"NotInRewrite", "not a in b", "(not (in a b))"},
    {"BangInRewrite", "!a in b", "(! (in a b))"},
    {"ParenthesizedNotIsKept", "(not a) in b", "(in (not a) b)"},
    {"NotInOperator", "a not in b", "(not in a b)"},
    {"AndBindsTighterThanOr", "a and b or c", "(or (and a b) c)"},
    {"RelaxedBooleans", "!a && b || c", "(|| (&& (! a) b) c)"},
    {"Arithmetic", "a + b * c - d / e", "(- (+ a (* b c)) (/ d e))"},
    {"ConcatIsRightAssociative", "a ++ b ++ c", "(++ a (++ b c))"},
    {"StringConcatBelowPlus", "a <> b + c", "(<> a (+ b c))"},
    {"ComparisonBelowArithmetic", "a + 1 == b * 2", "(== (+ a 1) (* b 2))"},
    {"PipeBelowArithmetic", "a + 1 |> f()", "(|> (+ a 1) (call f))"},
    {"InAboveComparison", "a in b == c", "(== (in a b) c)"},
    {"MatchBelowOr", "x = a || b", "(= x (|| a b))"},
    {"RangeAndStep", "1..10//2", "(..// 1 10 2)"},
    {"Range", "a..b", "(.. a b)"},
    {"UnaryMinusFoldsLiterals", "-1 + -2.5", "(+ -1 -2.5)"},
    {"UnaryMinusOnVariable", "-x * 2", "(* (- x) 2)"},
    {"MinInt64", "-9223372036854775808", "-9223372036854775808"},
    {"Power", "2 ** 3 * 4", "(* (** 2 3) 4)"},
    {"RegexMatch", "a =~ ~r/x/", "(=~ a (sigil r \"x\" \"\"))"},
    {"StrictComparisons", "a === b and c !== d", "(and (=== a b) (!== c d))"},
    {"PinInMatch", "^x = 1", "(= ^x 1)"},
    {"OperatorAtLineEndContinues", "x = 1 +\n  2", "(= x (+ 1 2))"},
    {"PipeAtLineStartContinues", "x\n|> f()\n|> g()", "(|> (|> x (call f)) (call g))"},
    {"MinusAtLineStartIsNewExpression", "x\n-1", "x\n-1"},
    {"Semicolons", "a = 1; b = 2", "(= a 1)\n(= b 2)"},
    {"WhenIsBelowMatch", "f(x) when x > 0", "(when (call f x) (> x 0))"},
    {"DefaultArgument", "def f(a \\\\ 1), do: a", "(call def (call f (\\\\ a 1)) (kw do: a))"},
};
INSTANTIATE_TEST_SUITE_P(scriptPrecedence, ParserFixture, ::testing::ValuesIn(kPrecedence),
                         fixture_name);

// ---- literals ----
const Fixture kLiterals[] = {
    {"Integers", "[1_000, 0x1F, 0b101, 0o17]", "(list 1000 31 5 15)"},
    {"Floats", "[1.5, 1.0e3, 2.5E-2]", "(list 1.5 1000 0.025)"},
    {"CharLiterals", "[?a, ?\\n, ?\\s, ?\\\\]", "(list 97 10 32 92)"},
    {"Atoms", "[:ok, :Foo, :foo?, :bang!, :a@b]", "(list :ok :Foo :foo? :bang! :a@b)"},
    {"QuotedAtom", ":\"foo bar\"", ":\"foo bar\""},
    {"OperatorAtoms", "[:+, :|>, :==]", "(list :\"+\" :\"|>\" :\"==\")"},
    {"Booleans", "[true, false, nil]", "(list true false nil)"},
    {"StringEscapes", "\"a\\tb\\n\\\"c\\\" \\x41\\u00e9\\u{1F600}\"",
     "\"a\\tb\\n\\\"c\\\" A\xC3\xA9\xF0\x9F\x98\x80\""},
    {"HexCodePointEscape", "\"\\x{41}\\x{e9}\"", "\"A\xC3\xA9\""},
    {"Interpolation", "\"a#{b}c\"", "(interp \"a\" b \"c\")"},
    {"InterpolationWithCall", "\"v=#{inspect(x, label: 1)}\"",
     "(interp \"v=\" (call inspect x (kw label: 1)))"},
    {"InterpolatedStringLiteral", "\"a#{\"b\\\"c\"}d\"", "\"ab\\\"cd\""},
    {"InterpolatedStringLiteralInHeredoc", "\"\"\"\n  x #{\"y\"}\n  \"\"\"", "\"x y\\n\""},
    {"InterpolatedStringLiteralInCharlist", "'a#{\"b\"}'", "'ab'"},
    {"InterpolatedStringLiteralInAtom", ":\"a#{\"b\"}\"", ":ab"},
    {"NestedInterpolation", "\"#{\"#{a}\"}\"", "(interp (interp a))"},
    {"InterpolationWithBraces", "\"#{%{a: 1}}\"", "(interp (map a: 1))"},
    {"EscapedInterpolation", "\"\\#{x}\"", "\"#{x}\""},
    {"Charlist", "'abc'", "'abc'"},
    {"CharlistInterpolation", "'a#{b}'", "(interp' \"a\" b)"},
    {"Heredoc", "x = \"\"\"\n  hello\n    world\n  \"\"\"", "(= x \"hello\\n  world\\n\")"},
    {"HeredocWithInterpolation", "\"\"\"\n  a #{b}\n  c\n  \"\"\"",
     "(interp \"a \" b \"\\nc\\n\")"},
    {"CharlistHeredoc", "'''\nab\n'''", "'ab\\n'"},
    {"RegexSigil", "~r/a\\/b\\d/i", "(sigil r \"a/b\\\\d\" \"i\")"},
    {"WordSigil", "~w(a b c)a", "(list :a :b :c)"},
    {"WordSigilStrings", "~w(x  y)", "(list \"x\" \"y\")"},
    {"WordSigilCharlists", "~w(x y)c", "(list 'x' 'y')"},
    {"DateSigil", "~D[2024-02-29]",
     "(struct Date (map year: 2024 month: 2 day: 29 calendar: Calendar.ISO))"},
    {"TimeSigilFraction", "~T[13:45:07.25]",
     "(struct Time (map hour: 13 minute: 45 second: 7 microsecond: (tuple 250000 2) calendar: "
     "Calendar.ISO))"},
    {"UtcSigil", "~U[2024-05-01 12:00:00Z]",
     "(struct DateTime (map year: 2024 month: 5 day: 1 hour: 12 minute: 0 second: 0 microsecond: "
     "(tuple 0 0) time_zone: \"Etc/UTC\" zone_abbr: \"UTC\" utc_offset: 0 std_offset: 0 calendar: "
     "Calendar.ISO))"},
    {"StringSigilInterpolates", "~s[x#{y}]", "(sigil s (interp \"x\" y) \"\")"},
    {"UppercaseSigilIsRaw", "~S(a#{b}\\n)", "(sigil s \"a#{b}\\\\n\" \"\")"},
    {"UppercaseRegexSigil", "~R/a\\d#{x}/i", "(sigil r \"a\\\\d#{x}\" \"i\")"},
    {"UppercaseWordSigil", "~W(a#{b} c)a", "(list :\"a#{b}\" :c)"},
    {"CharlistSigil", "~c\"ab\"", "(sigil c \"ab\" \"\")"},
    {"Aliases", "[MyApp.TaskSupervisor, Task]", "(list MyApp.TaskSupervisor Task)"},
    {"CurrentModule", "__MODULE__", "__MODULE__"},
    {"Underscore", "{_, _ignored}", "(tuple _ _ignored)"},
};
INSTANTIATE_TEST_SUITE_P(scriptLiterals, ParserFixture, ::testing::ValuesIn(kLiterals),
                         fixture_name);

// ---- containers ----
const Fixture kContainers[] = {
    {"ListWithTail", "[h | t]", "(list h | t)"},
    {"ListWithSeveralAndTail", "[a, b | rest]", "(list a b | rest)"},
    {"KeywordList", "[a: 1, b: 2]", "(kw a: 1 b: 2)"},
    {"QuotedKeywordKey", "[\"a b\": 1]", "(kw \"a b\": 1)"},
    {"ListWithTrailingKeywords", "[1, a: 2]", "(list 1 (tuple :a 2))"},
    {"TrailingComma", "[1, 2,]", "(list 1 2)"},
    {"MultilineList", "[\n  1,\n  2\n]", "(list 1 2)"},
    {"Tuple", "{:ok, 1}", "(tuple :ok 1)"},
    {"EmptyTuple", "{}", "(tuple)"},
    {"TupleWithKeywords", "{Task.Supervisor, name: Sup}", "(tuple Task.Supervisor (kw name: Sup))"},
    {"Map", "%{\"a\" => 1, b: 2}", "(map (=> \"a\" 1) b: 2)"},
    {"EmptyMap", "%{}", "(map)"},
    {"MapUpdate", "%{m | k: 1, j: 2}", "(map-update m k: 1 j: 2)"},
    {"MapUpdateArrow", "%{m | \"k\" => 1}", "(map-update m (=> \"k\" 1))"},
    {"Struct", "%Task{ref: r}", "(struct Task (map ref: r))"},
    {"StructUpdate", "%Task{t | ref: r}", "(struct Task (map-update t ref: r))"},
    {"ModuleStruct", "%__MODULE__{}", "(struct __MODULE__ (map))"},
    {"NestedAliasStruct", "%MyApp.State{}", "(struct MyApp.State (map))"},
    {"StructNamePattern", "%name{}", "(struct name (map))"},
    {"Access", "a[:b][c]", "(access (access a :b) c)"},
    {"FieldAccess", "state.tasks[task.ref]", "(access (field state tasks) (field task ref))"},
};
INSTANTIATE_TEST_SUITE_P(scriptContainers, ParserFixture, ::testing::ValuesIn(kContainers),
                         fixture_name);

// ---- calls ----
const Fixture kCalls[] = {
    {"Local", "f(x)", "(call f x)"},
    {"Remote", "Mod.f(x)", "(call Mod.f x)"},
    {"Erlang", ":erlang.f(x)", "(call :erlang.f x)"},
    {"RemoteWithoutArgs", "Mod.f", "(call Mod.f)"},
    {"ModuleCall", "__MODULE__.f(1)", "(call __MODULE__.f 1)"},
    {"Anonymous", "f.(1, 2)", "(call. f 1 2)"},
    {"AnonymousNoArgs", "f.()", "(call. f)"},
    {"NoParens", "IO.puts \"x\"", "(call IO.puts \"x\")"},
    {"NoParensKeywords", "IO.inspect x, label: \"y\"", "(call IO.inspect x (kw label: \"y\"))"},
    {"NoParensOnlyKeywords", "Logger.configure level: :none",
     "(call Logger.configure (kw level: :none))"},
    {"NoParensNested", "f g a, b", "(call f (call g a b))"},
    {"NoParensLastArgIsCall", "f a, g b", "(call f a (call g b))"},
    {"NoParensInMatch", "x = f a, b", "(= x (call f a b))"},
    {"NoParensSpaceBracket", "foo [1]", "(call foo (list 1))"},
    {"NoParensUnaryMinus", "foo -1", "(call foo -1)"},
    {"BinaryMinusWithSpaces", "foo - 1", "(- foo 1)"},
    {"TrailingKeywords", "foo(a, b: 1)", "(call foo a (kw b: 1))"},
    {"OnlyKeywords", "foo(b: 1, c: 2)", "(call foo (kw b: 1 c: 2))"},
    {"MultilineArgs", "foo(\n  a,\n  b\n)", "(call foo a b)"},
    {"CallOnCallResult", "f(x).y", "(field (call f x) y)"},
    {"PipeIntoRemote", "x |> Enum.map(&(&1 * 2))", "(|> x (call Enum.map (& (* &1 2))))"},
    {"Attribute", "@attr", "@attr"},
    {"AttributeDefinition", "@timeout 5000", "(@timeout 5000)"},
    {"AttributeAccess", "@opts[:name]", "(access @opts :name)"},
    {"DoBlock", "foo do\n  1\nend", "(call foo (kw do: (block 1)))"},
    {"DoBlockWithArgs", "foo a, b do\n  1\nend", "(call foo a b (kw do: (block 1)))"},
    {"DoBlockAttachesToOutermost", "if Process.alive?(pid) do\n  1\nend",
     "(call if (call Process.alive? pid) (kw do: (block 1)))"},
    {"DoBlockAfterNoParensArgument", "if foo x do\n  1\nend",
     "(call if (call foo x) (kw do: (block 1)))"},
    {"DoBlockOnParensCall", "foo(a) do\n  1\nend", "(call foo a (kw do: (block 1)))"},
    {"DoBlockInMatch", "x = if a do\n  1\nelse\n  2\nend",
     "(= x (call if a (kw do: (block 1) else: (block 2))))"},
    {"EmptyDoBlock", "foo do\nend", "(call foo (kw do: (block)))"},
    {"DoKeyword", "if a, do: b, else: c", "(call if a (kw do: b else: c))"},
    {"Unless", "unless a, do: b", "(call unless a (kw do: b))"},
    {"AmbiguousMinusIsFlagged", "x -1", "(call x -1)"},
};
INSTANTIATE_TEST_SUITE_P(scriptCalls, ParserFixture, ::testing::ValuesIn(kCalls), fixture_name);

// ---- functions and control flow ----
const Fixture kFunctions[] = {
    {"Fn", "fn x -> x * 2 end", "(fn (-> (x) (block (* x 2))))"},
    {"FnNoArgs", "fn -> :ok end", "(fn (-> () (block :ok)))"},
    {"FnMultiClauseGuards", "fn\n  x, y when x > y -> x\n  x, _ -> x\nend",
     "(fn (-> (x y) (when (> x y)) (block x)) (-> (x _) (block x)))"},
    {"FnMultilineBody", "fn n ->\n  a = n\n  a + 1\nend", "(fn (-> (n) (block (= a n) (+ a 1))))"},
    {"CaptureFunction", "&f/1", "(&/ f 1)"},
    {"CaptureRemote", "&Mod.f/2", "(&/ Mod.f 2)"},
    {"CaptureQuestionMark", "&Process.alive?/1", "(&/ Process.alive? 1)"},
    {"CaptureExpression", "&(&1 * 2)", "(& (* &1 2))"},
    {"CaptureTuple", "&{&1, &2}", "(& (tuple &1 &2))"},
    {"CaptureIdentity", "& &1", "(& &1)"},
    {"CaptureCall", "&Process.alive?(&1.pid)", "(& (call Process.alive? (field &1 pid)))"},
    {"CaptureListCons", "&[x | &1]", "(& (list x | &1))"},
    {"Case", "case x do\n  {:ok, v} when v > 0 -> v\n  _ -> nil\nend",
     "(call case x (kw do: (clauses (-> ((tuple :ok v)) (when (> v 0)) (block v)) "
     "(-> (_) (block nil)))))"},
    {"Cond", "cond do\n  a -> 1\n  true -> 2\nend",
     "(call cond (kw do: (clauses (-> (a) (block 1)) (-> (true) (block 2)))))"},
    {"ReceiveAfter", "receive do\n  {:msg, m} -> m\nafter\n  1000 -> :timeout\nend",
     "(call receive (kw do: (clauses (-> ((tuple :msg m)) (block m))) after: (clauses (-> "
     "(1000) (block :timeout)))))"},
    {"ReceiveDoKeywordWithParenClauses", "receive do: ({:pid, p} -> p)",
     "(call receive (kw do: (clauses (-> ((tuple :pid p)) (block p)))))"},
    {"TryRescueCatchAfter",
     "try do\n  f()\nrescue\n  e in RuntimeError -> e\ncatch\n  :exit, r -> r\nafter\n  "
     "cleanup()\nend",
     "(call try (kw do: (block (call f)) rescue: (clauses (-> ((in e RuntimeError)) (block e))) "
     "catch: (clauses (-> (:exit r) (block r))) after: (block (call cleanup))))"},
    {"ForGeneratorsFiltersInto", "for x <- [1, 2], y <- 1..3, x > y, into: %{} do\n  {x, y}\nend",
     "(call for (<- x (list 1 2)) (<- y (.. 1 3)) (> x y) (kw into: (map)) (kw do: (block "
     "(tuple x y))))"},
    {"ForPatternGenerator", "for {n, pid} <- list, do: n",
     "(call for (<- (tuple n pid) list) (kw do: n))"},
    {"WithElse", "with {:ok, a} <- f(), b = g(a) do\n  a + b\nelse\n  {:error, e} -> e\nend",
     "(call with (<- (tuple :ok a) (call f)) (= b (call g a)) (kw do: (block (+ a b)) else: "
     "(clauses (-> ((tuple :error e)) (block e)))))"},
    {"Defmodule",
     "defmodule A.B do\n  use GenServer\n  @moduledoc false\n  def x, do: __MODULE__\n  defp "
     "y(a) when is_integer(a) do\n    a\n  end\nend",
     "(call defmodule A.B (kw do: (block (call use GenServer) (@moduledoc false) (call def x "
     "(kw do: __MODULE__)) (call defp (when (call y a) (call is_integer a)) (kw do: (block "
     "a))))))"},
    {"Defstruct", "defstruct [:a, b: 1]", "(call defstruct (list :a (tuple :b 1)))"},
    {"AliasImportRequire", "alias MyApp.Sup\nimport Enum, only: [map: 2]\nrequire Logger",
     "(call alias MyApp.Sup)\n(call import Enum (kw only: (kw map: 2)))\n(call require Logger)"},
    {"EnumEachWithFnClauses",
     "x\n|> Enum.each(fn\n  {:ok, _} -> :ok\n  {:exit, r} -> raise \"e: #{r}\"\nend)",
     "(|> x (call Enum.each (fn (-> ((tuple :ok _)) (block :ok)) (-> ((tuple :exit r)) (block "
     "(call raise (interp \"e: \" r)))))))"},
    {"MatchOnLeftOfPipeline",
     "{:ok, sup} =\n  Supervisor.start_link([\n    {MyTask, arg}\n  ], "
     "strategy: :one_for_one)",
     "(= (tuple :ok sup) (call Supervisor.start_link (list (tuple MyTask arg)) (kw strategy: "
     ":one_for_one)))"},
    {"CommentsAreIgnored", "# a comment\nx = 1 # trailing\n", "(= x 1)"},
    {"ParenthesizedBlock", "(a; b)", "(block a b)"},
};
INSTANTIATE_TEST_SUITE_P(scriptFunctions, ParserFixture, ::testing::ValuesIn(kFunctions),
                         fixture_name);

// ---- calls without parentheses as the only argument, operator names ----
const Fixture kNoParensArguments[] = {
    {"IfAsOnlyArgument", "IO.inspect(if false, do: :yes)",
     "(call IO.inspect (call if false (kw do: :yes)))"},
    {"ForAsOnlyArgument", "IO.inspect(for x <- 1..10, rem(x, 3) == 0, do: x)",
     "(call IO.inspect (call for (<- x (.. 1 10)) (== (call rem x 3) 0) (kw do: x)))"},
    {"WithAsOnlyArgument", "IO.inspect(with {:ok, a} <- {:ok, 1}, {:ok, b} <- {:ok, 2}, do: a + b)",
     "(call IO.inspect (call with (<- (tuple :ok a) (tuple :ok 1)) (<- (tuple :ok b) (tuple :ok "
     "2)) (kw do: (+ a b))))"},
    {"NestedNoParensAsOnlyArgument", "f(g a, b)", "(call f (call g a b))"},
    {"NoParensAsOnlyArgumentWithKeywords", "f(g a, b, c: 1)", "(call f (call g a b (kw c: 1)))"},
    {"NoParensAsOnlyArgumentOfAnonymousCall", "f.(g a, b)", "(call. f (call g a b))"},
    {"NoParensAsOnlyArgumentWithDoBlock", "f(if a do\n  1\nend)",
     "(call f (call if a (kw do: (block 1))))"},
    {"MatchWithNoParensAsOnlyArgument", "f(x = g a, b)", "(call f (= x (call g a b)))"},
    {"OrdinaryArgumentsStillWork", "f(a, b, g(c))", "(call f a b (call g c))"},
    // Elixir's kw_eol no_parens_expr: the value takes the rest, keywords included (elixir
    // 1.14: `if false, do: max 1, else: 7` is nil, the else belongs to max)
    {"KeywordValueTakesTheRestOfTheArguments", "if a, do: f x, else: y",
     "(call if a (kw do: (call f x (kw else: y))))"},
    {"KeywordValueCallWithSeveralArguments", "def f(x), do: max x, 3",
     "(call def (call f x) (kw do: (call max x 3)))"},
    {"OperatorCapture", "&+/2", "(&/ + 2)"},
    {"OperatorCaptures", "[&*/2, &<>/2, &-/1, &==/2, &!/1, &and/2, &in/2]",
     "(list (&/ * 2) (&/ <> 2) (&/ - 1) (&/ == 2) (&/ ! 1) (&/ and 2) (&/ in 2))"},
    {"RemoteOperatorCapture", "&Kernel.+/2", "(&/ Kernel.+ 2)"},
    {"ReduceWithOperatorCapture", "Enum.reduce(list, 0, &+/2)",
     "(call Enum.reduce list 0 (&/ + 2))"},
    {"RemoteOperatorCall", "Kernel.+(1, 2)", "(call Kernel.+ 1 2)"},
    {"PipeIntoRemoteOperator", "2 ** 10 |> Kernel.*(1)", "(|> (** 2 10) (call Kernel.* 1))"},
    {"RemoteWordOperatorCall", "Kernel.and(a, b)", "(call Kernel.and a b)"},
    {"RemoteCallNamedLikeKeyword", "x.end", "(field x end)"},
    {"PowerIsLeftAssociative", "2 ** 3 ** 2", "(** (** 2 3) 2)"},
    {"DivisionStillDivides", "a / b", "(/ a b)"},
    {"StepRangeStillParses", "1..10//2", "(..// 1 10 2)"},
    {"Spec", "@spec f(integer) :: integer", "(@spec (:: (call f integer) integer))"},
    {"TypeWithUnion", "@type t :: :a | :b | nil", "(@type (:: t (| :a (| :b nil))))"},
    {"CallbackWithWhenKeywords", "@callback cb(term) :: {:ok, s} when s: term",
     "(@callback (when (:: (call cb term) (tuple :ok s)) (kw s: term)))"},
    {"SpecWithRemoteTypes", "@spec f([String.t()], keyword) :: %{optional(atom) => pid}",
     "(@spec (:: (call f (list (call String.t)) keyword) (map (=> (call optional atom) pid))))"},
    {"AttributeWithKeywords", "@doc since: \"1.0\"", "(@doc (kw since: \"1.0\"))"},
    {"MultiAlias", "alias Foo.{Bar, Baz.Qux}", "(call alias (call Foo.{} Bar Baz.Qux))"},
    {"ModuleMultiAlias", "alias __MODULE__.{A}", "(call alias (call __MODULE__.{} A))"},
    {"InterpolatedAtom", ":\"a#{b}\"", "(call :erlang.binary_to_atom (interp \"a\" b) :utf8)"},
    {"TrailingKeywordCommaInCall", "f(a: 1,)", "(call f (kw a: 1))"},
    {"ListTailIsNotUnion", "[a, b | c]", "(list a b | c)"},
    {"UnionInListTail", "[a | b | c]", "(list a | (| b c))"},
    {"UnionInTuple", "{a | b}", "(tuple (| a b))"},
    {"MapUpdateIsNotUnion", "%{m | a: 1}", "(map-update m a: 1)"},
};
INSTANTIATE_TEST_SUITE_P(scriptNoParensArguments, ParserFixture,
                         ::testing::ValuesIn(kNoParensArguments), fixture_name);

// ---- clause heads in parentheses ----
const Fixture kParenthesizedHeads[] = {
    {"FnParensTwoArgs", "fn (a, b) -> a + b end", "(fn (-> (a b) (block (+ a b))))"},
    {"FnParensZeroArgs", "fn () -> :ok end", "(fn (-> () (block :ok)))"},
    {"FnParensOneArg", "fn (x) -> x end", "(fn (-> (x) (block x)))"},
    {"FnParensGuard", "fn (a, b) when a > b -> a\n  (_, b) -> b\nend",
     "(fn (-> (a b) (when (> a b)) (block a)) (-> (_ b) (block b)))"},
    {"FnParensPatterns", "fn ({:ok, v}, [h | _]) -> {v, h} end",
     "(fn (-> ((tuple :ok v) (list h | _)) (block (tuple v h))))"},
    {"ParenthesizedExpressionInBody", "fn x -> (x + 1) * 2 end",
     "(fn (-> (x) (block (* (+ x 1) 2))))"},
    {"ParenthesizedWhenStatement", "foo do\n  (x) when y\nend",
     "(call foo (kw do: (block (when x y))))"},
    {"CaseClauseInParens", "case x do\n  (1) -> :one\nend",
     "(call case x (kw do: (clauses (-> (1) (block :one)))))"},
};
INSTANTIATE_TEST_SUITE_P(scriptParenthesizedHeads, ParserFixture,
                         ::testing::ValuesIn(kParenthesizedHeads), fixture_name);

// ---- bitstrings ----
const Fixture kBitstrings[] = {
    // Literal bytes and strings fold to the binary they denote (a String node).
    {"LiteralBytesFoldToString", "<<1, 2, 3>>", "\"\\x01\\x02\\x03\""},
    {"EmptyFoldsToEmptyString", "<<>>", "\"\""},
    {"LiteralStringSegmentFolds", "<<\"abc\", 0>>", "\"abc\\x00\""},
    {"LiteralBytesWrapLikeElixir", "<<256, -1, 104>>",
     "\"\\x00\xFF"
     "h\""},
    {"NonLiteralStaysBitstring", "<<1, x>>", "(<<>> (:: 1 integer) (:: x integer))"},
    {"SizedLiteralStaysBitstring", "<<1::16>>", "(<<>> (:: 1 integer (size 16)))"},
    {"StringSegmentIsBinary", "<<x, \"abc\">>", "(<<>> (:: x integer) (:: \"abc\" binary))"},
    {"InterpolatedStringSegment", "<<\"a#{b}\">>", "(<<>> (:: (interp \"a\" b) binary))"},
    {"PrefixPattern", "<<\"pre\", rest::binary>> = s",
     "(= (<<>> (:: \"pre\" binary) (:: rest binary)) s)"},
    {"BinarySize", "<<head::binary-size(4), rest::bits>>",
     "(<<>> (:: head binary (size 4)) (:: rest bitstring))"},
    {"SizeFirst", "<<x::size(n)-binary>>", "(<<>> (:: x binary (size n)))"},
    {"IntegerShorthandSize", "<<x::16>>", "(<<>> (:: x integer (size 16)))"},
    {"SizeTimesUnit", "<<x::4*8>>", "(<<>> (:: x integer (size 4) (unit 8)))"},
    {"SignedLittle", "<<x::signed-little-integer-size(32)>>",
     "(<<>> (:: x integer (size 32) signed little))"},
    {"IntegerThenEndianness", "<<x::16-little>>", "(<<>> (:: x integer (size 16) little))"},
    {"Float", "<<f::float-32>>", "(<<>> (:: f float (size 32)))"},
    {"Utf8", "<<c::utf8, rest::binary>>", "(<<>> (:: c utf8) (:: rest binary))"},
    {"Unit", "<<x::size(2)-unit(16)>>", "(<<>> (:: x integer (size 2) (unit 16)))"},
    {"BytesAndBitsAliases", "<<a::bytes, b::bits>>", "(<<>> (:: a binary) (:: b bitstring))"},
    {"Native", "<<x::native-size(16)>>", "(<<>> (:: x integer (size 16) native))"},
    {"ExpressionValue", "<<byte_size(x)::32, x::binary>>",
     "(<<>> (:: (call byte_size x) integer (size 32)) (:: x binary))"},
    {"NestedBitstring", "<< <<x>>::bitstring, 2>>",
     "(<<>> (:: (<<>> (:: x integer)) bitstring) (:: 2 integer))"},
    {"MultilineAndTrailingComma", "<<\n  x,\n  2,\n>>", "(<<>> (:: x integer) (:: 2 integer))"},
    {"AsCallArgument", "IO.inspect(<<1, 2, 3>>)", "(call IO.inspect \"\\x01\\x02\\x03\")"},
    {"NoParensArgument", "IO.inspect <<x>>", "(call IO.inspect (<<>> (:: x integer)))"},
    {"Concat", "<<x>> <> \"a\"", "(<> (<<>> (:: x integer)) \"a\")"},
    {"PinnedValue", "<<^x, y>> = b", "(= (<<>> (:: ^x integer) (:: y integer)) b)"},
    {"SemicolonBeforeClosingParenOfBlock", "(a;)", "a"},
    {"BitstringGenerator", "for <<c <- \"abc\">>, do: c",
     "(call for (<<>> (<- (:: c integer) \"abc\")) (kw do: c))"},
    {"BitstringGeneratorSeveralSegments", "for <<r::8, g::8 <- pixels>>, do: {r, g}",
     "(call for (<<>> (:: r integer (size 8)) (<- (:: g integer (size 8)) pixels)) (kw do: "
     "(tuple r g)))"},
    {"BinaryPatternInListGenerator", "for <<a, b>> <- list, do: a",
     "(call for (<- (<<>> (:: a integer) (:: b integer)) list) (kw do: a))"},
    {"Underscore", "<<_::8, rest::binary>>", "(<<>> (:: _ integer (size 8)) (:: rest binary))"},
};
INSTANTIATE_TEST_SUITE_P(scriptBitstrings, ParserFixture, ::testing::ValuesIn(kBitstrings),
                         fixture_name);

// ---- Bitwise operators and integers of any size ----
const Fixture kBitwiseAndBigIntegers[] = {
    // Bitwise operators are calls of the functions of that name, as in Elixir's quoted form.
    {"BitAnd", "a &&& b", "(call &&& a b)"},
    {"BitOrBindsLooserThanBitAnd", "a ||| b &&& c", "(call ||| a (call &&& b c))"},
    {"ShiftsBindLooserThanPlus", "1 <<< 2 + 1", "(call <<< 1 (+ 2 1))"},
    {"ShiftBindsTighterThanComparison", "a >>> 1 == b", "(== (call >>> a 1) b)"},
    {"BitNotIsUnary", "~~~x", "(call ~~~ x)"},
    {"BitwiseRemoteCapture", "&Bitwise.&&&/2", "(&/ Bitwise.&&& 2)"},
    {"BigIntegerKeepsItsSpelling", "123456789012345678901234567890",
     "123456789012345678901234567890"},
    {"BigHexInteger", "0x1_0000_0000_0000_0000", "0x1_0000_0000_0000_0000"},
    {"NegatedBigInteger", "-18446744073709551616", "-18446744073709551616"},
    {"TwoToThe63IsBigUnlessNegated", "9223372036854775808", "9223372036854775808"},
    {"MinInt64StaysSmall", "-9223372036854775808", "-9223372036854775808"},
};
INSTANTIATE_TEST_SUITE_P(scriptBitwiseAndBigIntegers, ParserFixture,
                         ::testing::ValuesIn(kBitwiseAndBigIntegers), fixture_name);

TEST(scriptAst, BitSegmentFields) {
    SourceFiles files;
    const SourceFile& file = files.add("bits.exs", "<<x::signed-little-size(4)-unit(8), y>>");
    ParseResult result = parse(file);
    ASSERT_TRUE(result.ok());
    const Node* bits = result.ast->root()->child(0);
    ASSERT_EQ(bits->kind, NodeKind::Bitstring);
    ASSERT_EQ(bits->children.size(), 2u);
    const Node* first = bits->child(0);
    EXPECT_EQ(first->kind, NodeKind::BitSegment);
    EXPECT_EQ(first->bit_type, BitType::Integer);
    ASSERT_EQ(first->children.size(), 2u);
    EXPECT_EQ(first->child(1)->integer, 4);
    EXPECT_EQ(first->arity, 8u);
    EXPECT_EQ(first->modifiers, kBitSigned | kBitLittle);
    const Node* second = bits->child(1);
    EXPECT_EQ(second->children.size(), 1u);
    EXPECT_EQ(second->arity, 1u);
    EXPECT_EQ(second->modifiers, 0);
}

TEST(scriptAst, NodesCarryLocations) {
    SourceFiles files;
    const SourceFile& file = files.add("loc.exs", "x = 1\n  IO.puts(\"a\")\n");
    ParseResult result = parse(file);
    ASSERT_TRUE(result.ok());
    const Node* root = result.ast->root();
    ASSERT_EQ(root->children.size(), 2u);
    const Node* match = root->child(0);
    EXPECT_EQ(match->kind, NodeKind::BinaryOp);
    EXPECT_EQ(match->location.line, 1u);
    EXPECT_EQ(match->location.column, 3u);  // the operator
    EXPECT_EQ(match->child(0)->location.column, 1u);
    const Node* call = root->child(1);
    EXPECT_EQ(call->kind, NodeKind::RemoteCall);
    EXPECT_EQ(call->location.line, 2u);
    EXPECT_EQ(call->location.column, 6u);  // the function name
    EXPECT_EQ(call->child(0)->text, "Elixir.IO");
    EXPECT_EQ(call_arguments(*call).size(), 1u);
    EXPECT_TRUE(call->has(kParens));
}

TEST(scriptAst, StabClauseAccessors) {
    SourceFiles files;
    const SourceFile& file = files.add("fn.exs", "fn a, b when a > b -> a end");
    ParseResult result = parse(file);
    ASSERT_TRUE(result.ok());
    const Node* fn = result.ast->root()->child(0);
    ASSERT_EQ(fn->kind, NodeKind::Fn);
    const Node* clause = fn->child(0);
    EXPECT_EQ(clause_patterns(*clause).size(), 2u);
    ASSERT_NE(clause_guard(*clause), nullptr);
    EXPECT_EQ(clause_guard(*clause)->binary_op, BinaryOperator::Greater);
    EXPECT_EQ(clause_body(*clause)->kind, NodeKind::Block);
}

TEST(scriptAst, DoBlockAndAmbiguousFlags) {
    SourceFiles files;
    const SourceFile& file = files.add("f.exs", "if a do\n b\nend\nx -1");
    ParseResult result = parse(file);
    ASSERT_TRUE(result.ok());
    const Node* if_call = result.ast->root()->child(0);
    EXPECT_TRUE(if_call->children.back()->has(kDoBlock));
    EXPECT_TRUE(if_call->children.back()->has(kKeyword));
    EXPECT_TRUE(result.ast->root()->child(1)->has(kAmbiguousOperator));
}

// Parse time is measured in tasklens-bench (BM_ParseTenThousandLines), not asserted here.
TEST(scriptParser, TenThousandLineFileParsesCompletely) {
    std::string source;
    for (int i = 0; i < 1000; ++i) {
        source += "defmodule M" + std::to_string(i) + " do\n";
        source += "  def run(%{a: a} = state, [h | t]) when is_integer(h) do\n";
        source += "    x = Enum.map(t, &(&1 * 2)) |> Enum.sum()\n";
        source += "    IO.puts \"value #{inspect(x)} and #{a}\"\n";
        source += "    case state do\n      %{b: b} -> {:ok, b + x}\n      _ -> :error\n    end\n";
        source += "  end\nend\n";
    }
    SourceFiles files;
    const SourceFile& file = files.add("big.exs", source);
    ASSERT_GE(file.line_count(), 10000u);
    ParseResult result = parse(file);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result.ast->root()->children.size(), 1000u);
}

}  // namespace
}  // namespace tasklens::script
