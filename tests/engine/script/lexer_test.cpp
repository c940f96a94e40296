// Lexer: token kinds, newline rules, literal values and errors.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/script/lexer.h"

namespace tasklens::script {
namespace {

struct Lexed {
    SourceFiles files;
    LexResult result;
};

std::vector<TokenKind> kinds(std::string_view text) {
    SourceFiles files;
    LexResult result = lex(files.add("t.exs", std::string(text)));
    EXPECT_FALSE(result.error.has_value()) << (result.error ? result.error->message : "");
    std::vector<TokenKind> out;
    for (const Token& token : result.tokens) out.push_back(token.kind);
    return out;
}

std::vector<Token> tokens(SourceFiles& files, std::string_view text) {
    LexResult result = lex(files.add("t.exs", std::string(text)));
    EXPECT_FALSE(result.error.has_value()) << (result.error ? result.error->message : "");
    return result.tokens;
}

using K = TokenKind;

TEST(scriptLexer, IdentifiersKeywordsAndAliases) {
    EXPECT_EQ(kinds("foo Foo foo? bar! do end fn __MODULE__ true"),
              (std::vector{K::Identifier, K::Alias, K::Identifier, K::Identifier, K::Do, K::End,
                           K::Fn, K::CurrentModule, K::True, K::Eol, K::EndOfFile}));
}

TEST(scriptLexer, KeywordKeysNeedASpace) {
    SourceFiles files;
    auto toks = tokens(files, "[do: 1, a: :b]");
    ASSERT_GE(toks.size(), 8u);
    EXPECT_EQ(toks[1].kind, K::KwIdentifier);
    EXPECT_EQ(toks[1].text, "do");
    EXPECT_EQ(toks[4].kind, K::KwIdentifier);
    EXPECT_EQ(toks[5].kind, K::Atom);
    EXPECT_EQ(toks[5].text, "b");
}

TEST(scriptLexer, NotInIsOneOperator) {
    EXPECT_EQ(kinds("a not in b"),
              (std::vector{K::Identifier, K::NotIn, K::Identifier, K::Eol, K::EndOfFile}));
    EXPECT_EQ(kinds("not inside"), (std::vector{K::Not, K::Identifier, K::Eol, K::EndOfFile}));
}

TEST(scriptLexer, OperatorsBeforeSlashOrAfterDotAreNames) {
    SourceFiles files;
    auto toks = tokens(files, "&+/2 &<>/2 &and/2 Kernel.*(1) x.end a / b 1..2//3");
    EXPECT_EQ(toks[1].kind, K::Identifier);
    EXPECT_EQ(toks[1].text, "+");
    EXPECT_EQ(toks[5].kind, K::Identifier);
    EXPECT_EQ(toks[5].text, "<>");
    EXPECT_EQ(toks[9].kind, K::Identifier);
    EXPECT_EQ(toks[9].text, "and");
    EXPECT_EQ(toks[14].kind, K::Identifier);  // Kernel . *
    EXPECT_EQ(toks[14].text, "*");
    EXPECT_EQ(toks[20].kind, K::Identifier);  // x . end
    EXPECT_EQ(toks[20].text, "end");
    EXPECT_EQ(toks[22].kind, K::Slash);  // a / b
    EXPECT_EQ(toks[25].kind, K::Range);  // ranges and steps are unaffected
    EXPECT_EQ(toks[27].kind, K::StepSlash);
}

TEST(scriptLexer, MergedSeparatorReportsTheSemicolon) {
    SourceFiles files;
    auto toks = tokens(files, "[1,\n ;2]");
    ASSERT_GE(toks.size(), 4u);
    EXPECT_EQ(toks[3].kind, K::Eol);
    EXPECT_EQ(toks[3].text, ";");
    EXPECT_EQ(toks[3].location.line, 2u);
    EXPECT_EQ(toks[3].location.column, 2u);
    // a ';' is not dropped before a closing bracket, unlike a newline
    EXPECT_EQ(kinds("[1;]"),
              (std::vector{K::LBracket, K::Integer, K::Eol, K::RBracket, K::Eol, K::EndOfFile}));
    EXPECT_EQ(kinds("[1\n]"),
              (std::vector{K::LBracket, K::Integer, K::RBracket, K::Eol, K::EndOfFile}));
}

TEST(scriptLexer, Numbers) {
    SourceFiles files;
    auto toks = tokens(files, "1_000 0xFF 0b11 0o7 1.5e3 1..2");
    EXPECT_EQ(toks[0].integer, 1000u);
    EXPECT_EQ(toks[1].integer, 255u);
    EXPECT_EQ(toks[2].integer, 3u);
    EXPECT_EQ(toks[3].integer, 7u);
    EXPECT_EQ(toks[4].kind, K::Float);
    EXPECT_DOUBLE_EQ(toks[4].number, 1500.0);
    EXPECT_EQ(toks[5].kind, K::Integer);
    EXPECT_EQ(toks[6].kind, K::Range);
    EXPECT_EQ(toks[7].kind, K::Integer);
}

TEST(scriptLexer, IntegerOverflowIsMarked) {
    SourceFiles files;
    auto toks = tokens(files, "99999999999999999999999");
    EXPECT_TRUE(toks[0].overflow);
}

TEST(scriptLexer, NewlinesSeparateExceptAfterOperatorsAndBeforePipes) {
    EXPECT_EQ(kinds("a\nb"),
              (std::vector{K::Identifier, K::Eol, K::Identifier, K::Eol, K::EndOfFile}));
    EXPECT_EQ(kinds("a +\nb"),
              (std::vector{K::Identifier, K::Plus, K::Identifier, K::Eol, K::EndOfFile}));
    EXPECT_EQ(kinds("a\n|> b"),
              (std::vector{K::Identifier, K::Pipe, K::Identifier, K::Eol, K::EndOfFile}));
    EXPECT_EQ(kinds("f(\na,\nb\n)"), (std::vector{K::Identifier, K::LParen, K::Identifier, K::Comma,
                                                  K::Identifier, K::RParen, K::Eol, K::EndOfFile}));
    EXPECT_EQ(kinds("a\n\n\n;b"),
              (std::vector{K::Identifier, K::Eol, K::Identifier, K::Eol, K::EndOfFile}));
}

TEST(scriptLexer, CommentsAndContinuation) {
    EXPECT_EQ(kinds("a # comment \"not a string\nb"),
              (std::vector{K::Identifier, K::Eol, K::Identifier, K::Eol, K::EndOfFile}));
    EXPECT_EQ(kinds("a \\\n b"), (std::vector{K::Identifier, K::Identifier, K::Eol, K::EndOfFile}));
}

TEST(scriptLexer, InterpolatedStringIsAFlatRun) {
    SourceFiles files;
    auto toks = tokens(files, "\"a#{b}c\"");
    ASSERT_EQ(toks.size(), 9u);
    EXPECT_EQ(toks[0].kind, K::StringStart);
    EXPECT_EQ(toks[0].match, 6u);
    EXPECT_EQ(toks[1].kind, K::StringFragment);
    EXPECT_EQ(toks[1].text, "a");
    EXPECT_EQ(toks[2].kind, K::InterpStart);
    EXPECT_EQ(toks[3].kind, K::Identifier);
    EXPECT_EQ(toks[4].kind, K::InterpEnd);
    EXPECT_EQ(toks[5].kind, K::StringFragment);
    EXPECT_EQ(toks[6].kind, K::StringEnd);
}

TEST(scriptLexer, QuotedKeywordKey) {
    SourceFiles files;
    auto toks = tokens(files, "[\"a b\": 1]");
    EXPECT_EQ(toks[1].kind, K::StringStart);
    EXPECT_TRUE(toks[1].kw_key);
}

TEST(scriptLexer, HeredocIndentComesFromTheClosingLine) {
    SourceFiles files;
    auto toks = tokens(files, "\"\"\"\n    a\n      b\n    \"\"\"");
    ASSERT_EQ(toks[2].kind, K::StringEnd);
    EXPECT_EQ(toks[2].heredoc_indent, 4u);
    std::string decoded;
    decode_fragment(toks[1].text, EscapeMode::Standard, 0, toks[2].heredoc_indent, true, decoded);
    EXPECT_EQ(decoded, "a\n  b\n");
}

TEST(scriptLexer, Sigils) {
    SourceFiles files;
    auto toks = tokens(files, "~r/a\\/b/iu ~w[x y]");
    EXPECT_EQ(toks[0].kind, K::StringStart);
    EXPECT_EQ(toks[0].sigil, 'r');
    EXPECT_EQ(toks[2].kind, K::StringEnd);
    EXPECT_EQ(toks[2].text, "iu");
    EXPECT_EQ(toks[3].sigil, 'w');
}

TEST(scriptLexer, CharLiteralsAndCaptureArguments) {
    SourceFiles files;
    auto toks = tokens(files, "?a ?\\n &1 &&");
    EXPECT_EQ(toks[0].integer, 97u);
    EXPECT_EQ(toks[1].integer, 10u);
    EXPECT_EQ(toks[2].kind, K::CaptureArg);
    EXPECT_EQ(toks[2].integer, 1u);
    EXPECT_EQ(toks[3].kind, K::AndAnd);
}

TEST(scriptLexer, LocationsAreOneBased) {
    SourceFiles files;
    auto toks = tokens(files, "a\n  bb = 1");
    EXPECT_EQ(toks[2].location.line, 2u);
    EXPECT_EQ(toks[2].location.column, 3u);
    EXPECT_EQ(toks[3].location.column, 6u);
}

TEST(scriptLexer, SpacingDecidesUnaryMinusArguments) {
    SourceFiles files;
    auto toks = tokens(files, "f -1 - 2");
    EXPECT_TRUE(toks[1].space_before);
    EXPECT_FALSE(toks[1].space_after);
    EXPECT_TRUE(toks[3].space_after);
}

struct LexErrorCase {
    const char* source;
    unsigned line;
    unsigned column;
    const char* message;
};

TEST(scriptLexer, Errors) {
    const LexErrorCase cases[] = {
        {"x = \"abc", 1, 5, "missing terminator: \""},
        {"x = 'abc", 1, 5, "missing terminator: '"},
        {"\"\"\"\nabc\n", 1, 1, "missing terminator: heredoc closing delimiter not found"},
        {"\"\"\" x\n\"\"\"", 1, 1,
         "heredoc allows only whitespace after the opening delimiter on its line"},
        {"a = $", 1, 5, "unexpected character '$'"},
        {"x = 1\n \x01", 2, 2, "unexpected control character 0x01"},
        {"caf\xC3\xA9 = 1", 1, 4,
         "unexpected non-ASCII character outside a string or comment (identifiers must be "
         "ASCII)"},
        {"0x", 1, 1, "invalid number: expected digits after the base prefix"},
        {"12abc", 1, 3, "invalid character in number literal"},
        {"\"#{a\"", 1, 5, "missing terminator: \""},
        {"\"#{", 1, 2, "missing terminator: } (for interpolation #{ )"},
        {"~x", 1, 1, "invalid sigil delimiter (expected one of / | \" ' ( [ { <)"},
    };
    for (const LexErrorCase& c : cases) {
        SourceFiles files;
        LexResult result = lex(files.add("e.exs", c.source));
        ASSERT_TRUE(result.error.has_value()) << c.source;
        EXPECT_EQ(result.error->message, c.message) << c.source;
        EXPECT_EQ(result.error->location.line, c.line) << c.source;
        EXPECT_EQ(result.error->location.column, c.column) << c.source;
    }
}

}  // namespace
}  // namespace tasklens::script
