// Tokens of the scenario language.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/script/source.h"

namespace tasklens::script {

enum class TokenKind : std::uint8_t {
    EndOfFile,
    Eol,  // newline or ';' (consecutive separators are merged)

    // names and literals
    Identifier,    // foo, foo?, foo!  (keywords below have their own kinds)
    Alias,         // Foo (one segment; the parser joins `Foo.Bar`)
    KwIdentifier,  // `foo:` followed by a space: a keyword key; text = "foo"
    Atom,          // :foo, :Foo, :+ ; text = name
    Integer,       // text = digits as written; `integer` = value (saturated, see `overflow`)
    Float,         // text as written; `number` = value
    Char,          // ?a ; `integer` = code point
    CaptureArg,    // &1 ; `integer` = index
    Ellipsis,      // ...

    // strings: StringStart (Fragment | InterpStart <tokens> InterpEnd)* StringEnd
    StringStart,     // `string_kind` says which literal; `match` = index of its StringEnd
    StringFragment,  // raw source text of a literal chunk (escapes still to be decoded)
    InterpStart,     // #{
    InterpEnd,       // } closing an interpolation
    StringEnd,       // text = sigil modifiers; `heredoc_indent`; flag kw_key for "key": 1

    // keywords
    True,
    False,
    Nil,
    Fn,
    Do,
    End,
    Else,
    After,
    Rescue,
    Catch,
    When,
    And,
    Or,
    Not,
    In,
    NotIn,
    CurrentModule,  // __MODULE__

    // punctuation
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    BitOpen,
    BitClose,  // << >>
    Comma,
    Dot,
    Percent,
    At,
    Ampersand,
    Arrow,
    LeftArrow,
    FatArrow,
    Bar,
    Backslashes,
    DoubleColon,

    // operators
    Plus,
    Minus,
    Star,
    Slash,
    Power,
    PlusPlus,
    MinusMinus,
    Concat,  // + - * / ** ++ -- <>
    Range,
    StepSlash,  // .. //
    Pipe,       // |>
    Less,
    Greater,
    LessEqual,
    GreaterEqual,
    EqualEqual,
    NotEqual,
    StrictEqual,
    StrictNotEqual,
    RegexMatch,
    AndAnd,
    OrOr,
    Bang,
    Caret,
    Match,                // && || ! ^ =
    UnsupportedOperator,  // <<< >>> ||| &&& ^^^ ~>> <<~ ~> <~ <~> <|> +++ --- ~~~
};

enum class StringKind : std::uint8_t {
    String,           // "..."
    Charlist,         // '...'
    StringHeredoc,    // """..."""
    CharlistHeredoc,  // '''...'''
    Sigil,            // ~x...; `sigil` = letter
    QuotedAtom,       // :"..."
};

struct Token {
    TokenKind kind = TokenKind::EndOfFile;
    StringKind string_kind = StringKind::String;
    char sigil = 0;
    bool space_before = false;  // horizontal whitespace right before the token
    bool space_after = false;   // whitespace (or end of line) right after the token
    bool kw_key = false;        // StringEnd of a quoted keyword key ("a b": 1)
    bool overflow = false;      // Integer literal larger than 2^64-1
    bool from_newline = false;  // Eol made of at least one newline (not only ';')
    SourceLocation location;
    std::string_view text;
    std::uint64_t integer = 0;
    double number = 0;
    std::uint32_t match = 0;           // StringStart: index of the StringEnd token
    std::uint32_t heredoc_indent = 0;  // StringEnd of a heredoc: indentation to strip
};

std::string_view to_string(TokenKind kind);

}  // namespace tasklens::script
