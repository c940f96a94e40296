// ElixirHighlighter: the line scanner table-tested on sample lines, and the highlighter's formats
// in a document (multi-line state, rehighlighting after an edit, light and dark colours).
#include "ui/elixir_highlighter.h"

#include <gtest/gtest.h>
#include <QAbstractTextDocumentLayout>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>
#include <utility>
#include <vector>

namespace tasklens::ui {
namespace {

using T = ElixirToken;
using Piece = std::pair<QString, ElixirToken>;

const char* tokenName(ElixirToken token) {
    static const char* names[] = {"Keyword",       "Atom",      "Module", "String",
                                  "Interpolation", "Charlist",  "Sigil",  "Comment",
                                  "Number",        "Attribute", "Capture"};
    return names[static_cast<int>(token)];
}

std::string describe(const std::vector<Piece>& pieces) {
    std::string out;
    for (const auto& [text, token] : pieces)
        out += "[" + text.toStdString() + "|" + tokenName(token) + "] ";
    return out;
}

/// The spans of a scanned line as (text, token), in order.
std::vector<Piece> pieces(const QString& line, const ElixirLineResult& result) {
    std::vector<Piece> out;
    for (const ElixirSpan& span : result.spans)
        out.emplace_back(line.mid(span.start, span.length), span.token);
    return out;
}

struct LineCase {
    QString line;
    std::vector<Piece> expected;
};

TEST(ElixirHighlighter, ScansSampleLines) {
    const LineCase cases[] = {
        {"defmodule Demo.Fetcher do",
         {{"defmodule", T::Keyword},
          {"Demo", T::Module},
          {"Fetcher", T::Module},
          {"do", T::Keyword}}},
        {"  @timeout 5_000", {{"@timeout", T::Attribute}, {"5_000", T::Number}}},
        {"case Task.yield(task, 400) || Task.shutdown(task) do",
         {{"case", T::Keyword},
          {"Task", T::Module},
          {"400", T::Number},
          {"Task", T::Module},
          {"do", T::Keyword}}},
        {"IO.puts(\"poll #{round}: not yet\")",
         {{"IO", T::Module},
          {"\"poll ", T::String},
          {"#{", T::Interpolation},
          {"}", T::Interpolation},
          {": not yet\"", T::String}}},
        {"\"#{a} and #{\"nested\"}\"",
         {{"\"", T::String},
          {"#{", T::Interpolation},
          {"}", T::Interpolation},
          {" and ", T::String},
          {"#{", T::Interpolation},
          {"\"nested\"", T::String},
          {"}", T::Interpolation},
          {"\"", T::String}}},
        {"\"say \\\"hi\\\" # not a comment\"", {{"\"say \\\"hi\\\" # not a comment\"", T::String}}},
        {"x = 'abc' ++ ~c(def)", {{"'abc'", T::Charlist}, {"~c(def)", T::Sigil}}},
        {"Regex.match?(~r/a+b/i, \"aab\") # match",
         {{"Regex", T::Module},
          {"~r/a+b/i", T::Sigil},
          {"\"aab\"", T::String},
          {"# match", T::Comment}}},
        {"~w(a #{b} c)a",
         {{"~w(a ", T::Sigil},
          {"#{", T::Interpolation},
          {"}", T::Interpolation},
          {" c)a", T::Sigil}}},
        {"~S(#{x})", {{"~S(#{x})", T::Sigil}}},
        {"[do: :ok, else: nil]",
         {{"do:", T::Atom}, {":ok", T::Atom}, {"else:", T::Atom}, {"nil", T::Keyword}}},
        {"Enum.map(list, &(&1 * 2))",
         {{"Enum", T::Module}, {"&", T::Capture}, {"&1", T::Capture}, {"2", T::Number}}},
        {"&Task.await/1", {{"&", T::Capture}, {"Task", T::Module}, {"1", T::Number}}},
        {"a && b", {}},
        {"x = 0x1F + 1.5e-3 + ?a", {{"0x1F", T::Number}, {"1.5e-3", T::Number}, {"?a", T::Number}}},
        {"Process.get(:\"$callers\")", {{"Process", T::Module}, {":\"$callers\"", T::Atom}}},
        {"@spec f(integer) :: :ok | {:error, term}",
         {{"@spec", T::Attribute}, {":ok", T::Atom}, {":error", T::Atom}}},
        {"fn x when is_atom(x) -> x end",
         {{"fn", T::Keyword}, {"when", T::Keyword}, {"end", T::Keyword}}},
        {"x.end", {}},
        {"valid? = true", {{"true", T::Keyword}}},
        {"receive do: ({:msg, m} -> m), after: 1_000",
         {{"receive", T::Keyword},
          {"do:", T::Atom},
          {":msg", T::Atom},
          {"after:", T::Atom},
          {"1_000", T::Number}}},
        {"{:+, :|>, :valid?}", {{":+", T::Atom}, {":|>", T::Atom}, {":valid?", T::Atom}}},
        {"__MODULE__.start_link()", {{"__MODULE__", T::Keyword}}},
        {"# the whole line", {{"# the whole line", T::Comment}}},
    };
    for (const auto& c : cases) {
        const ElixirLineResult result = scanElixirLine(c.line, 0);
        EXPECT_EQ(describe(pieces(c.line, result)), describe(c.expected)) << c.line.toStdString();
        EXPECT_EQ(result.end_state, 0) << c.line.toStdString();
    }
}

struct MultiLineCase {
    std::vector<QString> lines;
    std::vector<std::vector<Piece>> expected;  // per line
};

TEST(ElixirHighlighter, CarriesStateAcrossLines) {
    const MultiLineCase cases[] = {
        {{"@moduledoc \"\"\"", "Docs #{x} here", "  \"\"\"", "def f, do: 1"},
         {{{"@moduledoc", T::Attribute}, {"\"\"\"", T::String}},
          {{"Docs ", T::String},
           {"#{", T::Interpolation},
           {"}", T::Interpolation},
           {" here", T::String}},
          {{"  \"\"\"", T::String}},
          {{"def", T::Keyword}, {"do:", T::Atom}, {"1", T::Number}}}},
        {{"x = \"one", "two\" <> :b"},
         {{{"\"one", T::String}}, {{"two\"", T::String}, {":b", T::Atom}}}},
        {{"'''", "  chars", "'''"},
         {{{"'''", T::Charlist}}, {{"  chars", T::Charlist}}, {{"'''", T::Charlist}}}},
        {{"~w(a", "b)a :ok"}, {{{"~w(a", T::Sigil}}, {{"b)a", T::Sigil}, {":ok", T::Atom}}}},
        {{"~S\"\"\"", "raw #{x}", "\"\"\"s end"},
         {{{"~S\"\"\"", T::Sigil}},
          {{"raw #{x}", T::Sigil}},
          {{"\"\"\"s", T::Sigil}, {"end", T::Keyword}}}},
    };
    for (const auto& c : cases) {
        int state = -1;  // QSyntaxHighlighter's "no previous block"
        for (size_t i = 0; i < c.lines.size(); ++i) {
            const ElixirLineResult result = scanElixirLine(c.lines[i], state);
            EXPECT_EQ(describe(pieces(c.lines[i], result)), describe(c.expected[i]))
                << "line " << i << ": " << c.lines[i].toStdString();
            state = result.end_state;
        }
        EXPECT_EQ(state, 0) << c.lines.front().toStdString();
    }
}

/// The token of the highlighter's format at `column` of `line` in `document`, or -1.
int tokenAt(const QTextDocument& document, int line, int column) {
    const QTextBlock block = document.findBlockByNumber(line);
    for (const QTextLayout::FormatRange& range : block.layout()->formats())
        if (column >= range.start && column < range.start + range.length)
            return ElixirHighlighter::tokenOf(range.format);
    return -1;
}

TEST(ElixirHighlighter, FormatsADocumentAndFollowsEdits) {
    QTextDocument document;
    // As in an editor: QTextDocument reports edits (contentsChange, which the highlighter
    // follows) only once it has a layout.
    document.documentLayout();
    ElixirHighlighter highlighter(&document);
    document.setPlainText("@doc \"\"\"\nend here is text\n\"\"\"\nend");
    EXPECT_EQ(tokenAt(document, 0, 0), static_cast<int>(T::Attribute));
    EXPECT_EQ(tokenAt(document, 1, 0), static_cast<int>(T::String));  // "end" inside the heredoc
    EXPECT_EQ(tokenAt(document, 3, 0), static_cast<int>(T::Keyword));

    // Removing the heredoc's opening quotes turns the next line back into code.
    QTextCursor cursor(document.findBlockByNumber(0));
    cursor.movePosition(QTextCursor::EndOfBlock);
    cursor.movePosition(QTextCursor::Left, QTextCursor::KeepAnchor, 3);
    cursor.removeSelectedText();
    EXPECT_EQ(tokenAt(document, 1, 0), static_cast<int>(T::Keyword));
    EXPECT_EQ(tokenAt(document, 1, 4), -1);  // "here": a plain identifier
}

TEST(ElixirHighlighter, UsesThePaletteColoursOfTheScheme) {
    QTextDocument document;
    ElixirHighlighter highlighter(&document);
    document.documentLayout();
    document.setPlainText(":ok");
    ASSERT_FALSE(document.firstBlock().layout()->formats().isEmpty());
    const auto colorAt = [&] {
        return document.firstBlock().layout()->formats().front().format.foreground().color();
    };
    EXPECT_EQ(colorAt(), syntaxColors(CanvasScheme::Light).atom);
    highlighter.setScheme(CanvasScheme::Dark);
    EXPECT_EQ(colorAt(), syntaxColors(CanvasScheme::Dark).atom);
    for (int i = 0; i < kElixirTokenCount; ++i)
        EXPECT_EQ(ElixirHighlighter::tokenOf(highlighter.formatFor(static_cast<T>(i))), i);
}

}  // namespace
}  // namespace tasklens::ui
