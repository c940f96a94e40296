// Syntax errors and refused constructs: exact position, message and rendering.
#include <gtest/gtest.h>

#include <string>

#include "engine/script/parser.h"

namespace tasklens::script {
namespace {

struct ErrorCase {
    const char* name;
    const char* source;
    unsigned line;
    unsigned column;
    const char* message;
    const char* construct;  // "" for plain syntax errors
};

void PrintTo(const ErrorCase& c, std::ostream* out) {
    *out << c.name;
}

class ParserErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ParserErrors, ReportsExactPosition) {
    const ErrorCase& c = GetParam();
    SourceFiles files;
    const SourceFile& file = files.add("e.exs", c.source);
    ParseResult result = parse(file);
    ASSERT_FALSE(result.ok()) << c.source;
    ASSERT_EQ(result.diagnostics.size(), 1u);
    const Diagnostic& d = result.diagnostics.front();
    EXPECT_EQ(d.message, c.message);
    EXPECT_EQ(d.location.line, c.line);
    EXPECT_EQ(d.location.column, c.column);
    EXPECT_EQ(d.construct, c.construct);
}

const ErrorCase kErrors[] = {
    {"Defmacro", "defmodule M do\n  defmacro foo, do: 1\nend", 2, 3,
     "Tasklens does not support defmacro yet (see docs/scenario-language.md)", "defmacro"},
    {"Quote", "x = quote do: 1", 1, 5,
     "Tasklens does not support quote yet (see docs/scenario-language.md)", "quote"},
    {"Unquote", "unquote(x)", 1, 1,
     "Tasklens does not support unquote yet (see docs/scenario-language.md)", "unquote"},
    {"UnknownBitstringSpecifier", "<<x::foo>>", 1, 6, "unknown bitstring specifier: foo", ""},
    {"ConflictingBitstringTypes", "<<x::binary-integer>>", 1, 13,
     "conflicting type specification in bitstring", ""},
    {"SizeOnUtf8", "<<x::utf8-size(8)>>", 1, 4, "size and unit are not supported on utf8 types",
     ""},
    {"BitstringSizeTimesUnitNeedsLiterals", "<<x::n*8>>", 1, 7,
     "size and unit in value::size*unit must be integer literals", ""},
    {"BadBitstringUnit", "<<x::size(2)-unit(0)>>", 1, 19,
     "unit in bitstring must be an integer literal from 1 to 256", ""},
    {"GeneratorNotLastInBitstring", "for <<a <- s, b>>, do: a", 1, 13, "syntax error before: ','",
     ""},
    {"UnclosedBitstring", "<<1, 2", 1, 7, "missing terminator: >> (for '<<' starting at line 1)",
     ""},
    {"UnsupportedArrowOperator", "a ~> 2", 1, 3,
     "Tasklens does not support operator ~> yet (see docs/scenario-language.md)", "operator ~>"},
    {"UnknownSigil", "~x(a)", 1, 1,
     "Tasklens does not support sigil ~x yet (supported: ~r ~s ~w ~c ~D ~T ~N ~U; see "
     "docs/scenario-language.md)",
     "sigil ~x"},
    {"InvalidDateSigil", "x = ~D[2023-02-29]", 1, 5,
     "cannot parse \"2023-02-29\" as Date for Calendar.ISO, reason: :invalid_date", ""},
    {"ReceiveInGuard", "case x do\n  y when (receive do\n _ -> 1\n end) -> y\nend", 2, 11,
     "Tasklens does not support receive in guard yet (see docs/scenario-language.md)",
     "receive in guard"},
    {"PinOnExpression", "^f(x) = 1", 1, 1,
     "Tasklens does not support pin ^ on a non-variable yet (only ^name is supported; see "
     "docs/scenario-language.md)",
     "pin ^ on a non-variable"},
    {"Ellipsis", "...", 1, 1, "Tasklens does not support ... yet (see docs/scenario-language.md)",
     "..."},
    {"MissingEnd", "if x do\n  1\n", 3, 1,
     "missing terminator: end (for \"do\" starting at line 1)", ""},
    {"MissingParen", "foo(1,\n  2", 2, 4, "missing terminator: ) (for '(' starting at line 1)", ""},
    {"MissingBracket", "[1, 2", 1, 6, "missing terminator: ] (for '[' starting at line 1)", ""},
    {"UnexpectedEnd", "x = 1\nend", 2, 1, "syntax error before: 'end'", ""},
    {"IncompleteExpression", "x = 1 +", 1, 8, "unexpected end of file", ""},
    {"SemicolonAfterOperator", "x = ;", 1, 5, "syntax error before: ';'", ""},
    {"AmbiguousComma", "[foo a, b]", 1, 7,
     "unexpected comma. Parentheses are required to solve ambiguity inside containers", ""},
    {"AmbiguousCommaKeywordInList", "[if a, do: b]", 1, 6,
     "unexpected comma. Parentheses are required to solve ambiguity inside containers", ""},
    {"AmbiguousCommaInLaterArgument", "f(x, g a, b)", 1, 9,
     "unexpected comma. Parentheses are required to solve ambiguity in nested calls", ""},
    {"AmbiguousCommaKeywordInLaterArgument", "f(x, if a, do: b)", 1, 10,
     "unexpected comma. Parentheses are required to solve ambiguity in nested calls", ""},
    {"AmbiguousCommaInKeywordValueInParens", "f(a: g b, c: 1)", 1, 9,
     "unexpected comma. Parentheses are required to solve ambiguity inside containers", ""},
    {"TrailingCommaInCall", "f(1, 2,)", 1, 8, "syntax error before: ')'", ""},
    {"SemicolonInList", "[1;2]", 1, 3, "syntax error before: ';'", ""},
    {"SemicolonAfterComma", "foo(1,;2)", 1, 7, "syntax error before: ';'", ""},
    {"SemicolonAfterNewlineInBrackets", "[1,\n ;2]", 2, 2, "syntax error before: ';'", ""},
    {"SemicolonInMap", "%{a: 1;}", 1, 7, "syntax error before: ';'", ""},
    {"SemicolonInCallArgs", "foo(1;2)", 1, 6, "syntax error before: ';'", ""},
    {"SemicolonBeforeClosingBracket", "[1;]", 1, 3, "syntax error before: ';'", ""},
    {"SemicolonThenPipe", "x;\n|> f()", 2, 1, "syntax error before: '|>'", ""},
    {"ParensClauseHeadWithoutArrow", "fn (a, b) when a end", 1, 18, "syntax error before: 'end'",
     ""},
    {"CaptureArgOutsideCapture", "x = &1 + 1", 1, 5,
     "capture argument &1 must be used within the capture operator &", ""},
    {"NestedCapture", "&(&(&1))", 1, 3, "nested captures are not allowed (use fn ... end inside &)",
     ""},
    {"MixedClauseArity", "fn x -> 1; x, y -> 2 end", 1, 12,
     "cannot mix clauses with different arities in fn", ""},
    {"MixedBlockAndClauses", "case x do\n  foo()\n  1 -> 2\nend", 3, 5,
     "unexpected ->: a block cannot mix expressions and clauses (pattern -> body)", ""},
    {"StabOutsideBlock", "x -> 1", 1, 3, "syntax error before: '->'", ""},
    {"KeywordsMustComeLast", "[a: 1, 2]", 1, 8,
     "syntax error: keyword pairs must come last (write [a, b, k: v])", ""},
    {"MapWithoutArrow", "%{1 2}", 1, 5, "syntax error: expected => or key: value in map", ""},
    {"LeadingBar", "x = | b", 1, 5,
     "unexpected '|' (valid only in [head | tail] and %{map | key: value})", ""},
    {"LeadingDoubleColon", ":: b", 1, 1, "syntax error before: '::'", ""},
    {"StepWithoutRange", "a // b", 1, 3,
     "Tasklens does not support operator // yet (only valid as first..last//step; see "
     "docs/scenario-language.md)",
     "operator //"},
    {"ErrorInsideInterpolation", "x = \"a #{1 +}\"", 1, 13, "syntax error before: '}'", ""},
    {"FnWithoutClauses", "fn end", 1, 1, "expected clauses (args -> body) in fn ... end", ""},
};
INSTANTIATE_TEST_SUITE_P(scriptErrors, ParserErrors, ::testing::ValuesIn(kErrors),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(scriptDiagnostics, FormatWithSourceLineAndCaret) {
    SourceFiles files;
    const SourceFile& file =
        files.add("path/to/file.exs", "x = 1\ndefmodule M do\n  defmacro m, do: 1\nend\n");
    ParseResult result = parse(file);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(format_diagnostic(result.diagnostics.front(), file),
              "path/to/file.exs:3:3: error: Tasklens does not support defmacro yet (see "
              "docs/scenario-language.md)\n"
              "      defmacro m, do: 1\n"
              "      ^\n");
}

TEST(scriptDiagnostics, CaretKeepsTabs) {
    SourceFiles files;
    const SourceFile& file = files.add("t.exs", "\tx = $\n");
    ParseResult result = parse(file);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(format_diagnostic(result.diagnostics.front(), file),
              "t.exs:1:6: error: unexpected character '$'\n"
              "    \tx = $\n"
              "    \t    ^\n");
}

TEST(scriptRobustness, DeepNestingIsRefusedNotCrashing) {
    struct Nesting {
        const char* open;
        const char* close;
    };
    const Nesting nestings[] = {{"[", "]"},      {"(", ")"},           {"{", "}"},
                                {"%{a: ", "}"},  {"fn -> ", " end"},   {"- ", ""},
                                {"\"#{", "}\""}, {"if x do ", " end"}, {"f(", ")"}};
    for (const Nesting& nesting : nestings) {
        std::string source;
        for (int i = 0; i < 100000; ++i) source += nesting.open;
        source += "1";
        for (int i = 0; i < 100000; ++i) source += nesting.close;
        SourceFiles files;
        ParseResult result = parse(files.add("deep.exs", source));
        ASSERT_FALSE(result.ok()) << nesting.open;
        EXPECT_NE(result.diagnostics.front().message.find("nested too deeply"), std::string::npos)
            << nesting.open << ": " << result.diagnostics.front().message;
    }
}

TEST(scriptRobustness, LongOperatorChainsAreRefusedNotCrashing) {
    std::string source = "x = 1";
    for (int i = 0; i < 50000; ++i) source += " + 1";
    SourceFiles files;
    ParseResult result = parse(files.add("long.exs", source));
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.diagnostics.front().message.find("nested too deeply"), std::string::npos);
}

TEST(scriptRobustness, DepthLimitIsConfigurable) {
    SourceFiles files;
    const SourceFile& file = files.add("d.exs", "[[[[[[[[[[1]]]]]]]]]]");
    EXPECT_TRUE(parse(file).ok());
    EXPECT_FALSE(parse(file, ParseOptions{.max_depth = 10}).ok());
}

TEST(scriptRobustness, ArbitraryBytesNeverCrash) {
    // A deterministic sweep over short byte strings made of syntax-relevant characters.
    const std::string alphabet = "a(){}[]\"'#:;,.|&%@^~-+*/\\=<>!?\n do end fn -> 1";
    std::uint32_t state = 12345;
    for (int round = 0; round < 20000; ++round) {
        std::string source;
        int length = static_cast<int>(state % 24);
        for (int i = 0; i < length; ++i) {
            state = state * 1103515245u + 12345u;
            source += alphabet[(state >> 16) % alphabet.size()];
        }
        state = state * 1103515245u + 12345u;
        SourceFiles files;
        ParseResult result = parse(files.add("r.exs", source));
        if (!result.ok()) {
            ASSERT_FALSE(result.diagnostics.empty());
            (void)format_diagnostic(result.diagnostics.front(), files.get(0));
        }
    }
}

}  // namespace
}  // namespace tasklens::script
