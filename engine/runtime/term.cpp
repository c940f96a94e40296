#include "engine/runtime/term.h"

#include "engine/runtime/integer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <new>

namespace tasklens {
namespace {

void destroy(HeapObject* object) noexcept;

// Long lists are freed iteratively: a recursive free of a million-element list would overflow
// the C++ stack.
void destroy_cons_chain(ConsObject* cell) noexcept {
    while (cell) {
        ConsObject* next = nullptr;
        if (cell->tail.is_cons() && cell->tail.heap_object()->refcount == 1) {
            // We take over the tail's only reference: bump it so deleting `cell` leaves it alive,
            // then free it on the next turn of the loop instead of recursively.
            next = static_cast<ConsObject*>(cell->tail.heap_object());
            ++next->refcount;
        }
        delete cell;
        cell = next;
    }
}

void destroy(HeapObject* object) noexcept {
    switch (object->type) {
        case TermType::Tuple: {
            auto* tuple = static_cast<TupleObject*>(object);
            for (uint32_t i = 0; i < tuple->size; ++i) tuple->items()[i].~Term();
            tuple->~TupleObject();
            ::operator delete(static_cast<void*>(tuple));
            break;
        }
        case TermType::List: destroy_cons_chain(static_cast<ConsObject*>(object)); break;
        case TermType::Map: MapObject::destroy(static_cast<MapObject*>(object)); break;
        case TermType::Binary:
        case TermType::Bitstring:
            if (static_cast<BinaryObject*>(object)->is_slice)
                delete static_cast<SubBinaryObject*>(object);
            else
                delete static_cast<BinaryObject*>(object);
            break;
        case TermType::BigInt: delete static_cast<BigIntObject*>(object); break;
        case TermType::Fun: delete static_cast<FunObject*>(object); break;
        default: break;
    }
}

const Term& nil_term() {
    static const Term nil;
    return nil;
}

int sign(int64_t a, int64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

template <typename T>
int sign3(const T& a, const T& b) {
    return a < b ? -1 : (b < a ? 1 : 0);
}

// Rank for ordering across types: integers and floats share the "number" rank, binaries and
// bitstrings the "bitstring" rank.
int type_rank(TermType t) {
    if (t == TermType::Float || t == TermType::BigInt) return 0;
    if (t == TermType::Bitstring) return static_cast<int>(TermType::Binary);
    return static_cast<int>(t);
}

int compare_numbers(const Term& a, const Term& b, bool exact) {
    if (a.is_integer() && b.is_integer()) return sign(a.as_integer(), b.as_integer());
    if (a.is_float() && b.is_float()) return sign3(a.as_float(), b.as_float());
    if (a.is_integral() && b.is_integral()) return integer::compare(a, b);
    // mixed integer / float, compared exactly
    int c = a.is_integral() ? integer::compare_with_double(a, b.as_float())
                            : -integer::compare_with_double(b, a.as_float());
    if (c != 0 || !exact) return c;
    return a.is_integral() ? -1 : 1;
}

// Bitstrings compare bit by bit; a proper prefix sorts first.
int compare_bitstrings(const Term& a, const Term& b) {
    std::string_view x = a.binary_view(), y = b.binary_view();
    uint64_t xbits = a.bit_size(), ybits = b.bit_size();
    uint64_t common = std::min(xbits, ybits);
    size_t whole = static_cast<size_t>(common / 8);
    if (int c = x.substr(0, whole).compare(y.substr(0, whole)); c != 0) return c < 0 ? -1 : 1;
    if (unsigned rest = static_cast<unsigned>(common % 8); rest != 0) {
        unsigned mask = (0xFFu << (8 - rest)) & 0xFFu;
        unsigned p = static_cast<unsigned char>(x[whole]) & mask;
        unsigned q = static_cast<unsigned char>(y[whole]) & mask;
        if (p != q) return p < q ? -1 : 1;
    }
    return sign3(xbits, ybits);
}

int compare_impl(const Term& a, const Term& b, bool exact) noexcept;

int compare_lists(const Term& a, const Term& b, bool exact) noexcept {
    const Term* x = &a;
    const Term* y = &b;
    while (x->is_cons() && y->is_cons()) {
        if (int c = compare_impl(x->head(), y->head(), exact); c != 0) return c;
        x = &x->tail();
        y = &y->tail();
    }
    return compare_impl(*x, *y, exact);
}

int compare_impl(const Term& a, const Term& b, bool exact) noexcept {
    int ra = type_rank(a.type()), rb = type_rank(b.type());
    if (ra != rb) return ra < rb ? -1 : 1;
    switch (a.type()) {
        case TermType::Integer:
        case TermType::Float:
        case TermType::BigInt: return compare_numbers(a, b, exact);
        case TermType::Atom: {
            if (a.as_atom() == b.as_atom()) return 0;
            return sign3(a.as_atom().name(), b.as_atom().name());
        }
        case TermType::Reference: return sign3(a.as_reference().id, b.as_reference().id);
        case TermType::Pid: {
            Pid p = a.as_pid(), q = b.as_pid();
            // Erlang orders local pids by serial, then node.
            if (p.serial != q.serial) return p.serial < q.serial ? -1 : 1;
            return sign3(p.node, q.node);
        }
        case TermType::Fun: {
            const auto& f = a.fun();
            const auto& g = b.fun();
            if (&f == &g) return 0;
            if (f.kind == FunObject::Kind::External && g.kind == FunObject::Kind::External) {
                if (int c = sign3(f.module.name(), g.module.name()); c) return c;
                if (int c = sign3(f.name.name(), g.name.name()); c) return c;
                return sign3(f.arity, g.arity);
            }
            if (int c = sign3(f.unique, g.unique); c) return c;
            if (f.env.size() != g.env.size()) return f.env.size() < g.env.size() ? -1 : 1;
            for (size_t i = 0; i < f.env.size(); ++i)
                if (int c = compare_impl(f.env[i], g.env[i], exact); c) return c;
            return 0;
        }
        case TermType::Tuple: {
            size_t n = a.tuple_size(), m = b.tuple_size();
            if (n != m) return n < m ? -1 : 1;
            for (size_t i = 0; i < n; ++i)
                if (int c = compare_impl(a.element(i), b.element(i), exact); c) return c;
            return 0;
        }
        case TermType::Map: {
            // Size, then keys in term order, then values in key order, whatever the layout.
            if (a.map_size() != b.map_size()) return a.map_size() < b.map_size() ? -1 : 1;
            if (&a.map_object() == &b.map_object()) return 0;
            auto x = map_entries_in_key_order(a.map_object());
            auto y = map_entries_in_key_order(b.map_object());
            for (size_t i = 0; i < x.size(); ++i)
                if (int c = compare_impl(x[i]->first, y[i]->first, true); c) return c;
            for (size_t i = 0; i < x.size(); ++i)
                if (int c = compare_impl(x[i]->second, y[i]->second, exact); c) return c;
            return 0;
        }
        case TermType::Nil: return 0;
        case TermType::List: return compare_lists(a, b, exact);
        case TermType::Binary:
        case TermType::Bitstring: {
            if (a.is_binary() && b.is_binary()) {
                int c = a.binary_view().compare(b.binary_view());
                return c < 0 ? -1 : (c > 0 ? 1 : 0);
            }
            return compare_bitstrings(a, b);
        }
    }
    return 0;
}

size_t mix(size_t h, size_t v) { return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)); }

}  // namespace

// --- Term ------------------------------------------------------------------------------------

void Term::retain() const noexcept {
    if (is_boxed()) ++u_.object->refcount;
}

void Term::release() noexcept {
    if (is_boxed() && --u_.object->refcount == 0) destroy(u_.object);
}

Term Term::adopt(HeapObject* object) noexcept {
    Term t(object->type);
    t.u_.object = object;
    return t;
}

Term Term::cons(Term head, Term tail) { return adopt(new ConsObject(std::move(head), std::move(tail))); }

Term Term::list(std::span<const Term> items, Term tail) {
    Term result = std::move(tail);
    for (size_t i = items.size(); i-- > 0;) result = cons(items[i], std::move(result));
    return result;
}

TupleObject* TupleObject::allocate(size_t n) {
    void* memory = ::operator new(sizeof(TupleObject) + n * sizeof(Term));
    auto* tuple = new (memory) TupleObject(static_cast<uint32_t>(n));
    for (size_t i = 0; i < n; ++i) new (tuple->items() + i) Term();
    return tuple;
}

Term Term::tuple(std::span<const Term> items) {
    TupleObject* tuple = TupleObject::allocate(items.size());
    for (size_t i = 0; i < items.size(); ++i) tuple->items()[i] = items[i];
    return adopt(tuple);
}

Term Term::binary(std::string_view bytes) { return adopt(new BinaryObject(std::string(bytes))); }

Term Term::bitstring(std::string_view bytes, uint64_t bit_size) {
    size_t byte_count = static_cast<size_t>((bit_size + 7) / 8);
    auto* object = new BinaryObject(std::string(bytes.substr(0, byte_count)));
    object->bytes.resize(byte_count, '\0');
    if (unsigned used = static_cast<unsigned>(bit_size % 8); used != 0) {
        object->trailing_bits = static_cast<uint8_t>(used);
        object->type = TermType::Bitstring;
        object->bytes.back() = static_cast<char>(static_cast<unsigned char>(object->bytes.back()) &
                                                 ((0xFFu << (8 - used)) & 0xFFu));
    }
    return adopt(object);
}

Term Term::sub_binary(const Term& whole, size_t offset, size_t length) {
    // Short slices are copied: they would keep a large binary alive for a few bytes.
    constexpr size_t kShareFrom = 64;
    std::string_view part = whole.binary_view().substr(offset, length);
    if (length < kShareFrom || !whole.is_binary()) return binary(part);
    const auto* object = static_cast<const BinaryObject*>(whole.u_.object);
    Term owner = object->is_slice ? static_cast<const SubBinaryObject*>(object)->owner : whole;
    return adopt(new SubBinaryObject(std::move(owner), part));
}

uint64_t Term::bit_size() const noexcept {
    const auto* object = static_cast<const BinaryObject*>(u_.object);
    uint64_t bits = uint64_t{binary_view().size()} * 8;
    return object->trailing_bits ? bits - 8 + object->trailing_bits : bits;
}

double Term::bignum_as_double() const noexcept {
    auto d = integer::to_double(*this);
    if (d) return *d;
    return integer::sign(*this) < 0 ? -HUGE_VAL : HUGE_VAL;
}

bool Term::is_tuple(size_t arity) const noexcept { return is_tuple() && tuple_size() == arity; }

size_t Term::tuple_size() const noexcept { return static_cast<const TupleObject*>(u_.object)->size; }

const Term& Term::element(size_t index) const noexcept {
    return static_cast<const TupleObject*>(u_.object)->items()[index];
}

std::span<const Term> Term::tuple_items() const noexcept {
    auto* t = static_cast<const TupleObject*>(u_.object);
    return {t->items(), t->size};
}

const Term& Term::head() const noexcept { return static_cast<const ConsObject*>(u_.object)->head; }
const Term& Term::tail() const noexcept { return static_cast<const ConsObject*>(u_.object)->tail; }

std::string_view Term::binary_view() const noexcept {
    const auto* object = static_cast<const BinaryObject*>(u_.object);
    if (object->is_slice) return static_cast<const SubBinaryObject*>(object)->view;
    return object->bytes;
}

const FunObject& Term::fun() const noexcept { return *static_cast<const FunObject*>(u_.object); }

// --- comparison ------------------------------------------------------------------------------

int compare(const Term& a, const Term& b) noexcept { return compare_impl(a, b, false); }
int compare_exact(const Term& a, const Term& b) noexcept { return compare_impl(a, b, true); }

size_t hash(const Term& t) noexcept {
    switch (t.type()) {
        case TermType::Integer: return std::hash<int64_t>{}(t.as_integer());
        case TermType::BigInt: return integer::hash(t);
        case TermType::Float: return std::hash<double>{}(t.as_float());
        case TermType::Atom: return mix(1, t.as_atom().id);
        case TermType::Reference: return mix(2, t.as_reference().id);
        case TermType::Pid: return mix(3, t.as_pid().packed());
        case TermType::Fun: return mix(4, t.fun().unique);
        case TermType::Tuple: {
            size_t h = mix(5, t.tuple_size());
            for (const Term& e : t.tuple_items()) h = mix(h, hash(e));
            return h;
        }
        case TermType::Map: {
            size_t h = mix(6, t.map_size());
            // Equal maps have the same layout, so iteration order is canonical.
            for (const auto& [k, v] : t.map_object()) h = mix(mix(h, hash(k)), hash(v));
            return h;
        }
        case TermType::Nil: return 7;
        case TermType::List: {
            size_t h = 8;
            const Term* cur = &t;
            while (cur->is_cons()) {
                h = mix(h, hash(cur->head()));
                cur = &cur->tail();
            }
            return mix(h, hash(*cur));
        }
        case TermType::Binary: return mix(9, std::hash<std::string_view>{}(t.binary_view()));
        case TermType::Bitstring: return mix(mix(10, t.bit_size()), std::hash<std::string_view>{}(t.binary_view()));
    }
    return 0;
}

bool list_to_vector(const Term& list, std::vector<Term>& out) {
    const Term* cur = &list;
    while (cur->is_cons()) {
        out.push_back(cur->head());
        cur = &cur->tail();
    }
    return cur->is_empty_list();
}

int64_t list_length(const Term& list) noexcept {
    int64_t n = 0;
    const Term* cur = &list;
    while (cur->is_cons()) {
        ++n;
        cur = &cur->tail();
    }
    return cur->is_empty_list() ? n : -1;
}

}  // namespace tasklens
