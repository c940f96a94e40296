#pragma once
// Terms: the values scenarios and native processes compute with and send to each other.
//
// A Term is 16 bytes: a type tag and either an immediate (integer, float, atom, pid, reference)
// or a pointer to an immutable, reference-counted heap object (tuple, list cell, map, binary,
// fun). Terms are immutable, so a message is shared rather than copied; reference counts are
// not atomic because all terms of a runtime live on the engine thread (events carry text, not
// terms, across threads).
//
// Integers have any size, as on the BEAM: a value that fits in int64 is immediate
// (TermType::Integer); a larger one is a boxed GMP integer (TermType::BigInt, see integer.h).
// Results are always normalized, so equal integers have equal representations.
//
// Bitstrings: a binary (whole bytes) is TermType::Binary; a bitstring whose length is not a
// multiple of 8 is TermType::Bitstring, the same BinaryObject with `trailing_bits` set.
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/runtime/atom.h"
#include "engine/runtime/ids.h"

namespace tasklens {

/// Declared in Erlang's term order: number < atom < reference < fun < pid < tuple < map < [] <
/// list < bitstring (integers and floats compare by value; binaries and bitstrings compare
/// together, bit by bit).
enum class TermType : uint8_t {
    Integer,  ///< small integer, fits in int64
    Float,
    BigInt,  ///< boxed integer outside int64 (BigIntObject)
    Atom,
    Reference,
    Fun,
    Pid,
    Tuple,
    Map,
    Nil,
    List,
    Binary,     ///< a whole number of bytes
    Bitstring,  ///< bits that do not fill the last byte (BinaryObject::trailing_bits != 0)
};

class Term;
struct HeapObject;
struct TupleObject;
struct ConsObject;
struct MapObject;
struct BinaryObject;
struct BigIntObject;
struct FunObject;

class Term {
public:
    /// The atom `nil`.
    Term() noexcept : type_(TermType::Atom) { u_.atom = atom::nil.id; }
    Term(const Term& other) noexcept : type_(other.type_), u_(other.u_) { retain(); }
    Term(Term&& other) noexcept : type_(other.type_), u_(other.u_) { other.type_ = TermType::Nil; }
    Term& operator=(const Term& other) noexcept {
        if (this != &other) {
            other.retain();
            release();
            type_ = other.type_;
            u_ = other.u_;
        }
        return *this;
    }
    Term& operator=(Term&& other) noexcept {
        if (this != &other) {
            release();
            type_ = other.type_;
            u_ = other.u_;
            other.type_ = TermType::Nil;
        }
        return *this;
    }
    ~Term() { release(); }

    // --- construction --------------------------------------------------------------------
    static Term integer(int64_t v) noexcept { Term t(TermType::Integer); t.u_.integer = v; return t; }
    static Term floating(double v) noexcept { Term t(TermType::Float); t.u_.floating = v; return t; }
    static Term atom(Atom a) noexcept { Term t(TermType::Atom); t.u_.atom = a.id; return t; }
    static Term atom(std::string_view name) { return atom(Atom::intern(name)); }
    static Term boolean(bool b) noexcept { return atom(b ? atom::true_ : atom::false_); }
    static Term nil() noexcept { return Term(); }
    static Term pid(Pid p) noexcept { Term t(TermType::Pid); t.u_.pid = p.packed(); return t; }
    static Term reference(Ref r) noexcept { Term t(TermType::Reference); t.u_.ref = r.id; return t; }
    static Term empty_list() noexcept { return Term(TermType::Nil); }
    static Term cons(Term head, Term tail);
    static Term list(std::span<const Term> items, Term tail = empty_list());
    static Term list(std::initializer_list<Term> items) { return list(std::span(items.begin(), items.size())); }
    static Term tuple(std::span<const Term> items);
    static Term tuple(std::initializer_list<Term> items) { return tuple(std::span(items.begin(), items.size())); }
    static Term binary(std::string_view bytes);
    /// A bitstring of `bit_size` bits taken from the start of `bytes` (which holds
    /// ceil(bit_size / 8) bytes; unused low bits of the last byte are cleared). A whole number of
    /// bytes gives a Binary.
    static Term bitstring(std::string_view bytes, uint64_t bit_size);
    /// `length` bytes of binary `whole` from byte `offset` (the caller checks the bounds); long
    /// slices share the storage of `whole` instead of copying it.
    static Term sub_binary(const Term& whole, size_t offset, size_t length);
    /// A map from key/value pairs; a later duplicate key wins.
    static Term map(std::vector<std::pair<Term, Term>> entries);
    static Term empty_map();
    /// Adopts a heap object whose reference count the caller already holds.
    static Term adopt(HeapObject* object) noexcept;

    // --- inspection ----------------------------------------------------------------------
    TermType type() const noexcept { return type_; }
    /// A small integer (int64). Use is_integral() for "any integer" (Elixir's is_integer).
    bool is_integer() const noexcept { return type_ == TermType::Integer; }
    bool is_bignum() const noexcept { return type_ == TermType::BigInt; }
    bool is_integral() const noexcept { return type_ == TermType::Integer || type_ == TermType::BigInt; }
    bool is_float() const noexcept { return type_ == TermType::Float; }
    bool is_number() const noexcept { return type_ <= TermType::BigInt; }
    bool is_atom() const noexcept { return type_ == TermType::Atom; }
    bool is_atom(Atom a) const noexcept { return type_ == TermType::Atom && u_.atom == a.id; }
    bool is_boolean() const noexcept { return is_atom(atom::true_) || is_atom(atom::false_); }
    bool is_nil() const noexcept { return is_atom(atom::nil); }
    /// Elixir truthiness: everything but nil and false.
    bool truthy() const noexcept { return !(is_atom(atom::nil) || is_atom(atom::false_)); }
    bool is_pid() const noexcept { return type_ == TermType::Pid; }
    bool is_reference() const noexcept { return type_ == TermType::Reference; }
    bool is_tuple() const noexcept { return type_ == TermType::Tuple; }
    bool is_tuple(size_t arity) const noexcept;
    bool is_map() const noexcept { return type_ == TermType::Map; }
    bool is_empty_list() const noexcept { return type_ == TermType::Nil; }
    bool is_cons() const noexcept { return type_ == TermType::List; }
    bool is_list() const noexcept { return type_ == TermType::Nil || type_ == TermType::List; }
    bool is_binary() const noexcept { return type_ == TermType::Binary; }
    /// A binary or a bitstring of any bit length (Elixir's is_bitstring).
    bool is_bitstring() const noexcept { return type_ == TermType::Binary || type_ == TermType::Bitstring; }
    bool is_fun() const noexcept { return type_ == TermType::Fun; }
    bool is_boxed() const noexcept { return (kBoxedTypes >> static_cast<unsigned>(type_)) & 1u; }

    int64_t as_integer() const noexcept { return u_.integer; }
    double as_float() const noexcept { return u_.floating; }
    /// Integer or float as a double (a big integer beyond the double range gives +-inf).
    double as_number() const noexcept {
        return is_integer() ? static_cast<double>(u_.integer) : is_float() ? u_.floating : bignum_as_double();
    }
    Atom as_atom() const noexcept { return Atom{u_.atom}; }
    Pid as_pid() const noexcept { return Pid::from_packed(u_.pid); }
    Ref as_reference() const noexcept { return Ref{u_.ref}; }

    // tuples
    size_t tuple_size() const noexcept;
    const Term& element(size_t index) const noexcept;  ///< 0-based; caller checks the size
    std::span<const Term> tuple_items() const noexcept;
    // list cells
    const Term& head() const noexcept;
    const Term& tail() const noexcept;
    // binaries and bitstrings: the bytes (for a Bitstring, the last one partly used)
    std::string_view binary_view() const noexcept;
    /// Length in bits of a binary or bitstring.
    uint64_t bit_size() const noexcept;
    // maps
    const MapObject& map_object() const noexcept;
    size_t map_size() const noexcept;
    /// nullptr when absent.
    const Term* map_find(const Term& key) const noexcept;
    Term map_put(Term key, Term value) const;
    Term map_remove(const Term& key) const;
    // funs
    const FunObject& fun() const noexcept;

    HeapObject* heap_object() const noexcept { return is_boxed() ? u_.object : nullptr; }

private:
    static constexpr unsigned kBoxedTypes =
        (1u << static_cast<unsigned>(TermType::BigInt)) | (1u << static_cast<unsigned>(TermType::Fun)) |
        (1u << static_cast<unsigned>(TermType::Tuple)) | (1u << static_cast<unsigned>(TermType::Map)) |
        (1u << static_cast<unsigned>(TermType::List)) | (1u << static_cast<unsigned>(TermType::Binary)) |
        (1u << static_cast<unsigned>(TermType::Bitstring));
    explicit Term(TermType type) noexcept : type_(type) { u_.integer = 0; }
    double bignum_as_double() const noexcept;
    // inline (below HeapObject): every register move and copy of a term goes through these
    void retain() const noexcept;
    void release() noexcept;
    static void destroy_object(HeapObject* object) noexcept;

    TermType type_;
    union Payload {
        int64_t integer;
        double floating;
        uint32_t atom;
        uint64_t pid;
        uint64_t ref;
        HeapObject* object;
    } u_;
};

static_assert(sizeof(Term) == 16);

// --- heap objects --------------------------------------------------------------------------

struct HeapObject {
    uint32_t refcount = 1;
    TermType type;
    explicit HeapObject(TermType t) : type(t) {}
};

inline void Term::retain() const noexcept {
    if (is_boxed()) ++u_.object->refcount;
}

inline void Term::release() noexcept {
    if (is_boxed() && --u_.object->refcount == 0) destroy_object(u_.object);
}

struct alignas(alignof(Term)) TupleObject : HeapObject {
    uint32_t size;
    Term* items() noexcept { return reinterpret_cast<Term*>(this + 1); }
    const Term* items() const noexcept { return reinterpret_cast<const Term*>(this + 1); }
    /// Allocates a tuple of `n` nil elements for the caller to fill in.
    static TupleObject* allocate(size_t n);

private:
    explicit TupleObject(uint32_t n) : HeapObject(TermType::Tuple), size(n) {}
};
static_assert(sizeof(TupleObject) % alignof(Term) == 0);

struct ConsObject : HeapObject {
    Term head;
    Term tail;
    ConsObject(Term h, Term t) : HeapObject(TermType::List), head(std::move(h)), tail(std::move(t)) {}
};

struct BinaryObject : HeapObject {
    std::string bytes;  ///< the contents (empty for a slice: see SubBinaryObject)
    /// Bits used in the last byte of a Bitstring (1..7, in its high bits); 0 for a Binary.
    uint8_t trailing_bits = 0;
    bool is_slice = false;  ///< this is a SubBinaryObject
    explicit BinaryObject(std::string b) : HeapObject(TermType::Binary), bytes(std::move(b)) {}
};

/// A binary that views part of a larger one (Term::sub_binary), as the BEAM's sub-binaries: the
/// tail of `<<c, rest::binary>>` costs no copy, so a parser that recurses on the rest stays
/// linear. It keeps the whole binary alive.
struct SubBinaryObject : BinaryObject {
    Term owner;             ///< the binary whose storage `view` points into (never a slice)
    std::string_view view;  ///< the bytes of this binary
    SubBinaryObject(Term o, std::string_view v) : BinaryObject(std::string()), owner(std::move(o)), view(v) {
        is_slice = true;
    }
};

// MapObject (flat maps and the BEAM's hash trie) is defined in map.h, included at the end.

class ProcessContext;
template <typename T>
class Co;

/// A function value. The runtime knows three kinds; the scenario VM keeps its own data behind
/// `code` and `env`.
struct FunObject : HeapObject {
    enum class Kind : uint8_t {
        External,  ///< &Mod.fun/arity: calls module:name/arity through the code registry
        Closure,   ///< a scenario `fn`: code is the VM's function, env its captured values
        Native,    ///< a C++ function: native(ctx, args)
    };
    using NativeFn = Co<Term> (*)(ProcessContext& ctx, std::span<const Term> args, const FunObject& self);

    Kind kind;
    uint32_t arity = 0;
    Atom module;        ///< defining module (External: the target module)
    Atom name;          ///< function name (External: the target function; Closure: the enclosing def)
    uint64_t unique = 0;///< identity for equality and printing
    const void* code = nullptr;  ///< Closure: owned by the VM's loaded code, lives as long as the runtime
    NativeFn native = nullptr;
    std::vector<Term> env;       ///< Closure: captured values; Native: bound data

    explicit FunObject(Kind k) : HeapObject(TermType::Fun), kind(k) {}
};

// --- comparison ------------------------------------------------------------------------------

/// Erlang/Elixir `==` order: -1, 0, 1. 1 == 1.0.
int compare(const Term& a, const Term& b) noexcept;
/// `===` order: like compare, but an integer sorts before an equal float (1 < 1.0).
int compare_exact(const Term& a, const Term& b) noexcept;
inline bool equal(const Term& a, const Term& b) noexcept { return compare(a, b) == 0; }
inline bool exact_equal(const Term& a, const Term& b) noexcept { return compare_exact(a, b) == 0; }
size_t hash(const Term& t) noexcept;

// --- list helpers ----------------------------------------------------------------------------

/// Elements of a proper list; returns false (and leaves `out` partial) for an improper list.
bool list_to_vector(const Term& list, std::vector<Term>& out);
/// Length of a proper list, or -1 if improper.
int64_t list_length(const Term& list) noexcept;

/// Reads a proper list term by term without recursion.
class ListIterator {
public:
    explicit ListIterator(const Term& list) noexcept : cur_(&list) {}
    bool done() const noexcept { return !cur_->is_cons(); }
    const Term& operator*() const noexcept { return cur_->head(); }
    ListIterator& operator++() noexcept { cur_ = &cur_->tail(); return *this; }
    /// What is left: [] for a proper list once done().
    const Term& rest() const noexcept { return *cur_; }

private:
    const Term* cur_;
};

// --- convenience -----------------------------------------------------------------------------
inline Term ok_tuple(Term v) { return Term::tuple({Term::atom(atom::ok), std::move(v)}); }
inline Term error_tuple(Term v) { return Term::tuple({Term::atom(atom::error), std::move(v)}); }

}  // namespace tasklens

// Maps need Term complete; every user of term.h sees them.
#include "engine/runtime/map.h"  // IWYU pragma: export
