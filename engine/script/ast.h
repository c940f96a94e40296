// The abstract syntax tree of scenario scripts (a documented subset of Elixir).
//
// Shape: every node is a `Node` allocated in an `Ast` arena. A node has a kind, a location,
// a few scalar fields whose meaning depends on the kind, and a span of children. All the
// structure lives in `children`, so a walker that only recurses into `children` sees every
// sub-expression. The table below (and the comment of each NodeKind) is the contract with
// the compiler.
//
// The tree follows the semantics of Elixir's own quoted form, with typed nodes:
//  * `if/unless/case/cond/with/receive/try/for/def/defp/defmodule/...` are ordinary calls
//    (`LocalCall`), exactly as in Elixir. Their `do ... end` block becomes a keyword list as
//    the LAST argument: `[do: ..., else: ..., after: ..., rescue: ..., catch: ...]` (a `List`
//    flagged `kKeyword | kDoBlock` of 2-element `Tuple`s flagged `kKeyword`). `if c, do: x`
//    and `if c do x end` give the same tree apart from the kDoBlock flag.
//    As in Elixir, `for x <- xs, into: %{} do ... end` has TWO keyword arguments:
//    `[into: ...]` then `[do: ...]`.
//  * A block value is a `Block` (a sequence of expressions) or, when it consists of stab
//    clauses (`pattern -> body`), a `Clauses` node whose children are `StabClause`s.
//  * Keyword lists are lists of 2-tuples `{atom, value}` (Elixir semantics); the tuple and
//    the list carry `kKeyword` only so that printers can show the sugar.
//  * Aliases are atoms: `MyApp.Sup` is an `Alias` whose `text` is "Elixir.MyApp.Sup".
#pragma once

#include <cstdint>
#include <memory_resource>
#include <span>
#include <string>
#include <string_view>

#include "engine/script/source.h"

namespace tasklens::script {

enum class NodeKind : std::uint8_t {
    // ---- literals ----
    Integer,               // `integer`
    Float,                 // `number`
    Atom,                  // `text` = name without colon (`:ok` -> "ok", `true`/`false`/`nil` too)
    String,                // `text` = decoded bytes (escapes resolved); no interpolation
    InterpolatedString,    // children = parts: `String` (literal chunk) or any expression (`#{}`)
    Charlist,              // 'abc': `text` = decoded bytes; no interpolation
    InterpolatedCharlist,  // like InterpolatedString, for 'a#{b}'
    Sigil,                 // `sigil` = letter ('r','s','w','c'); `text` = modifiers (e.g. "i");
    // children[0] = String or InterpolatedString (content). Uppercase sigils (~S ~C ~W ~R)
    // arrive as their lowercase letter with a String content read raw (no escapes, no #{}).
    // ---- names ----
    Variable,       // `text` = name (may start with '_'); flag kPinned for `^x`
    Underscore,     // `_`
    Alias,          // `text` = "Elixir.A.B" for `A.B`; the first segment may be subject to
                    // `alias` expansion by the compiler
    CurrentModule,  // `__MODULE__`
    Attribute,      // `@name` (read: no children) or `@name value` (define: children[0])
    // ---- containers ----
    List,       // children = elements; with kHasTail the LAST child is the tail of `[a, b | t]`
    Tuple,      // children = elements
    Map,        // children = `Pair`s;  `%{k => v, k: v}`
    MapUpdate,  // children[0] = the map updated, children[1..] = `Pair`s; `%{m | k: v}`
    Pair,       // children[0] = key, children[1] = value (only inside Map/MapUpdate);
                // kKeyword when written `k: v` (the key is then an Atom)
    Struct,     // children[0] = name (Alias, CurrentModule, Variable/Underscore in patterns),
                // children[1] = Map or MapUpdate
    // ---- operators ----
    BinaryOp,  // `op`; children[0] = left, children[1] = right
               // (BinaryOperator::RangeStep has 3 children: first, last, step)
    UnaryOp,   // `op`; children[0] = operand
    // ---- calls ----
    LocalCall,      // `text` = function name; children = arguments. kParens if written f(...)
    RemoteCall,     // `text` = function name; children[0] = target (Alias, Atom such as
                    // `:erlang`, CurrentModule, or any expression), children[1..] = arguments
    AnonymousCall,  // `f.(args)`: children[0] = function, children[1..] = arguments
    FieldAccess,    // `expr.name` without parentheses on a non-alias: `text` = field name,
                    // children[0] = expr (a map/struct field read; Elixir decides at runtime)
    Access,         // `a[b]`: children[0] = a, children[1] = b
    // ---- functions ----
    Fn,               // children = `StabClause`s (at least one)
    StabClause,       // `p1, p2 when guard -> body`: children = patterns..., [guard], body.
                      // `arity` = number of patterns; kHasGuard when a guard is present.
                      // Use clause_patterns()/clause_guard()/clause_body().
    Clauses,          // children = `StabClause`s: value of do/else/after/rescue/catch in
                      // case/cond/receive/with/try
    Block,            // children = expressions evaluated in sequence (empty = nil)
    Capture,          // `&expr`: children[0] = the body that uses CaptureArg (`&(&1 * 2)`)
    CaptureFunction,  // `&f/1` / `&Mod.f/2`: `text` = name, `arity`; children[0] = target
                      // for the remote form, no children for the local form
    CaptureArg,       // `&1`: `integer` = index (1-based)
    // ---- bitstrings ----
    Bitstring,   // `<<seg, seg>>`: children = `BitSegment`s (none for `<<>>`). In the
                 // bitstring generator of `for <<c <- s>>`, the last child is instead a
                 // BinaryOp LeftArrow (children: that BitSegment, the source expression).
                 // `<<1, "a">>` (only literal bytes and strings) arrives folded to a String.
    BitSegment,  // one `value::modifiers` segment, normalized by the parser:
                 // children[0] = value; children[1] = size expression when a size was given
                 // (`::8`, `::size(n)`, `::4*8`; absent = the type's default).
                 // `bit_type` = the type (default Integer, Binary for a string literal value),
                 // `arity` = the unit in bits (explicit `unit(n)`, else 1, or 8 for Binary;
                 // 0 for Utf8/16/32, which take no size), `modifiers` = BitModifiers.
                 // Segment length in bits = size * unit.
};

// Type of a BitSegment (`::integer`, `::binary`/`::bytes`, `::bitstring`/`::bits`, ...).
enum class BitType : std::uint8_t {
    Integer,
    Float,
    Binary,
    Bitstring,
    Utf8,
    Utf16,
    Utf32,
};

// BitSegment modifiers (bitwise-or in Node::modifiers). Default: unsigned, big endian.
enum BitModifiers : std::uint8_t {
    kBitSigned = 1 << 0,  // ::signed
    kBitLittle = 1 << 1,  // ::little
    kBitNative = 1 << 2,  // ::native (the machine's endianness)
};

enum class BinaryOperator : std::uint8_t {
    // arithmetic
    Add,
    Subtract,
    Multiply,
    Divide,
    Power,  // + - * / **
    // list and string
    ListConcat,
    ListSubtract,
    StringConcat,  // ++ -- <>
    Range,
    RangeStep,  // .. ..// (RangeStep has three children)
    In,
    NotIn,  // in, not in
    Pipe,   // |>
    // comparison
    Less,
    Greater,
    LessEqual,
    GreaterEqual,  // < > <= >=
    Equal,
    NotEqual,
    StrictEqual,
    StrictNotEqual,
    RegexMatch,  // == != === !== =~
    // boolean
    And,
    Or,  // and or (strict booleans)
    RelaxedAnd,
    RelaxedOr,  // && ||
    // binding and clause syntax
    Match,      // =
    When,       // when (outside stab clauses, e.g. `def f(x) when x > 0`)
    LeftArrow,  // <- (for generators, with clauses)
    Default,    // \\ (default arguments)
    // typespecs (`@spec f(t) :: t`, `@type t :: :a | :b`); the compiler may refuse them
    // outside the attributes it ignores
    Type,   // ::
    Union,  // |  (outside [h | t] and %{m | k: v})
};

enum class UnaryOperator : std::uint8_t {
    Negate,  // -
    Plus,    // +
    Not,     // not
    Bang,    // !
};

// Flags on a node (bitwise-or of these).
enum NodeFlags : std::uint8_t {
    kNoFlags = 0,
    kPinned = 1 << 0,    // Variable written `^x`
    kHasTail = 1 << 1,   // List whose last child is a `| tail`
    kKeyword = 1 << 2,   // keyword sugar: `[a: 1]` lists, their tuples, `k: v` pairs
    kDoBlock = 1 << 3,   // keyword list built from a `do ... end` block
    kParens = 1 << 4,    // call written f(...); also an operator or number written in (...)
    kHasGuard = 1 << 5,  // StabClause with a `when` guard
    // LocalCall/RemoteCall written `x -1` (space before, none after the sign). Elixir's
    // grammar reads it as the call x(-1); when `x` is a variable the compiler must read it as
    // the subtraction `x - 1` instead, as Elixir does.
    kAmbiguousOperator = 1 << 6,
    // Integer literal outside int64: `text` holds its source spelling (`0x1_0000_0000_0000_0000`,
    // with a leading `-` when negated) and `integer` is meaningless; the compiler makes a bignum.
    kBigInteger = 1 << 7,
};

struct Node {
    NodeKind kind;
    std::uint8_t flags = kNoFlags;
    // Height of the subtree (a leaf is 1). The parser refuses trees higher than
    // ParseOptions::max_depth, so recursive walkers have a known stack bound.
    std::uint16_t height = 1;
    union {
        BinaryOperator binary_op;
        UnaryOperator unary_op;
        char sigil;        // Sigil: the letter
        BitType bit_type;  // BitSegment
    };
    std::uint8_t modifiers = 0;  // BitSegment: BitModifiers
    SourceLocation location;
    std::string_view text;  // names, atoms, string contents; stored in the Ast arena
    union {
        std::int64_t integer;  // Integer, CaptureArg
        double number;         // Float
        std::uint32_t arity;   // StabClause, CaptureFunction; BitSegment: the unit
    };
    std::span<Node* const> children;

    bool has(NodeFlags flag) const { return (flags & flag) != 0; }
    Node* child(std::size_t index) const { return children[index]; }
};

// Accessors for StabClause nodes.
inline std::span<Node* const> clause_patterns(const Node& clause) {
    return clause.children.first(clause.arity);
}
inline const Node* clause_guard(const Node& clause) {
    return clause.has(kHasGuard) ? clause.children[clause.arity] : nullptr;
}
inline const Node* clause_body(const Node& clause) {
    return clause.children.back();
}

// Accessors for calls: the arguments without the RemoteCall/AnonymousCall target.
std::span<Node* const> call_arguments(const Node& call);

// Owns every node and string of one parsed file. Nodes never move; pointers stay valid for
// the lifetime of the Ast. Not copyable (the arena is not), movable via unique_ptr.
class Ast {
  public:
    Ast() = default;
    Ast(const Ast&) = delete;
    Ast& operator=(const Ast&) = delete;

    // The whole file: a Block of top-level expressions.
    const Node* root() const { return root_; }
    void set_root(Node* root) { root_ = root; }

    Node* make(NodeKind kind, SourceLocation location);
    std::string_view intern(std::string_view text);
    std::span<Node* const> copy_children(std::span<Node* const> children);

  private:
    std::pmr::monotonic_buffer_resource arena_{64 * 1024};
    Node* root_ = nullptr;
};

std::string_view to_string(NodeKind kind);
std::string_view to_string(BinaryOperator op);  // the Elixir spelling, e.g. "|>", "not in"
std::string_view to_string(UnaryOperator op);
std::string_view to_string(BitType type);  // the Elixir spelling, e.g. "binary"

// A readable S-expression of a subtree, used by tests and `tasklens parse --ast`, e.g.
// `(call IO.puts (string "x"))`. The format is documented in ast.cpp.
std::string to_sexpr(const Node& node);

}  // namespace tasklens::script
