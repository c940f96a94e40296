#include "engine/runtime/term.h"

#include "engine/runtime/integer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <mutex>
#include <new>

namespace tasklens {
namespace {

// Freeing never recurses on the C++ stack, however deep the term: an object whose count drops to
// zero while another is being freed is queued here and freed by the outermost destroy() call, so
// a 10M-deep tuple costs one queue slot, not 10M stack frames.
struct FreeQueue {
    std::vector<HeapObject*> pending;
    bool draining = false;
    bool alive = true;
    ~FreeQueue() { alive = false; }
};
thread_local FreeQueue free_queue;

// List cells are the most allocated objects (a 1M-element Enum.map makes 2M and frees 1M), and
// glibc's malloc spent ~170 instructions on each new one and as many on each free (consolidating
// its fast bins). Cells come instead from 64 KB blocks, carved by bumping a pointer, and a freed
// cell goes on its thread's free list for the next cons to reuse: a push and a pop, and 40 bytes
// a cell instead of malloc's 48. Blocks are never given back (the peak number of cells a process
// ever held stays reserved for cells; a registry keeps them reachable), so a cell can be freed on
// any thread: it joins that thread's list. A thread that ends hands its list to a shared one,
// which threads draw from before carving a new block. Sanitizer builds use plain new and delete
// so ASan and TSan still see every cell.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)  // GCC
#define TL_CONS_POOL 0
#elif defined(__has_feature)  // Clang
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define TL_CONS_POOL 0
#else
#define TL_CONS_POOL 1
#endif
#else
#define TL_CONS_POOL 1
#endif

#if TL_CONS_POOL
struct FreeCell {
    FreeCell* next;
};
static_assert(sizeof(ConsObject) >= sizeof(FreeCell));
constexpr size_t kConsBlockBytes = 64 * 1024;

// The blocks of every thread and the cells of threads that ended.
struct ConsShared {
    std::mutex mutex;
    std::vector<void*> blocks;  // never freed: cells in them may still be live anywhere
    FreeCell* orphans = nullptr;
};
ConsShared& cons_shared() {
    static auto* shared = new ConsShared;  // outlives every thread's cells
    return *shared;
}

struct ConsPool {
    FreeCell* free = nullptr;
    char* bump = nullptr;
    char* bump_end = nullptr;
    bool alive = true;
    ~ConsPool() {
        alive = false;
        // the rest of the current block joins the free list, which the other threads inherit
        while (bump && bump + sizeof(ConsObject) <= bump_end) {
            free = ::new (static_cast<void*>(bump)) FreeCell{free};
            bump += sizeof(ConsObject);
        }
        if (!free) return;
        ConsShared& shared = cons_shared();
        std::lock_guard lock(shared.mutex);
        FreeCell* last = free;
        while (last->next) last = last->next;
        last->next = shared.orphans;
        shared.orphans = free;
        free = nullptr;
    }
    [[gnu::noinline]] void* refill() {
        ConsShared& shared = cons_shared();
        std::lock_guard lock(shared.mutex);
        if (shared.orphans) {
            FreeCell* cell = shared.orphans;
            shared.orphans = nullptr;
            free = cell->next;
            return cell;
        }
        bump = static_cast<char*>(::operator new(kConsBlockBytes));
        bump_end = bump + kConsBlockBytes;
        shared.blocks.push_back(bump);
        void* cell = bump;
        bump += sizeof(ConsObject);
        return cell;
    }
};
thread_local ConsPool cons_pool;
#endif

void* allocate_cons() {
#if TL_CONS_POOL
    ConsPool& pool = cons_pool;
    if (FreeCell* cell = pool.free) {
        pool.free = cell->next;
        return cell;
    }
    if (pool.bump + sizeof(ConsObject) <= pool.bump_end) {
        void* cell = pool.bump;
        pool.bump += sizeof(ConsObject);
        return cell;
    }
    return pool.refill();
#else
    return ::operator new(sizeof(ConsObject));
#endif
}

void free_cons(ConsObject* cell) noexcept {
    cell->~ConsObject();
#if TL_CONS_POOL
    ConsPool& pool = cons_pool;
    if (pool.alive) {
        pool.free = ::new (static_cast<void*>(cell)) FreeCell{pool.free};
        return;
    }
    // freed during thread exit, after the pool: straight to the shared list
    ConsShared& shared = cons_shared();
    std::lock_guard lock(shared.mutex);
    shared.orphans = ::new (static_cast<void*>(cell)) FreeCell{shared.orphans};
#else
    // Unsized: clang 14 (the fuzz preset) does not declare the sized form by default.
    ::operator delete(static_cast<void*>(cell));
#endif
}

// Deletes one object. Its child terms release their references as it goes; any child that dies
// with it lands in free_queue.
void free_one(HeapObject* object) noexcept {
    switch (object->type) {
        case TermType::Tuple: {
            auto* tuple = static_cast<TupleObject*>(object);
            for (uint32_t i = 0; i < tuple->size; ++i) tuple->items()[i].~Term();
            tuple->~TupleObject();
            ::operator delete(static_cast<void*>(tuple));
            break;
        }
        case TermType::List: free_cons(static_cast<ConsObject*>(object)); break;
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

void destroy(HeapObject* object) noexcept {
    FreeQueue& queue = free_queue;
    if (!queue.alive) {  // thread shutdown, after the queue itself: terms left then are small
        free_one(object);
        return;
    }
    queue.pending.push_back(object);
    if (queue.draining) return;
    queue.draining = true;
    while (!queue.pending.empty()) {
        HeapObject* next = queue.pending.back();
        queue.pending.pop_back();
        free_one(next);
    }
    queue.draining = false;
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

// One pending comparison of the iterative walk.
struct ComparePair {
    const Term* a;
    const Term* b;
    bool exact;
};

bool is_container(const Term& t) noexcept {
    switch (t.type()) {
        case TermType::Tuple:
        case TermType::Map:
        case TermType::List:
        case TermType::Fun:
            return true;
        default:
            return false;
    }
}

// Compares a and b as far as their own node goes (type, size, leaf value). For containers of the
// same shape it returns 0 and pushes their children on `pending`, last first, so that popping
// visits them in the order a recursive comparison would.
int compare_node(const Term& a, const Term& b, bool exact,
                 std::vector<ComparePair>& pending) noexcept {
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
            for (size_t i = f.env.size(); i-- > 0;)
                pending.push_back({&f.env[i], &g.env[i], exact});
            return 0;
        }
        case TermType::Tuple: {
            if (a.heap_object() == b.heap_object()) return 0;
            size_t n = a.tuple_size(), m = b.tuple_size();
            if (n != m) return n < m ? -1 : 1;
            for (size_t i = n; i-- > 0;) pending.push_back({&a.element(i), &b.element(i), exact});
            return 0;
        }
        case TermType::Map: {
            // Size, then keys in term order, then values in key order, whatever the layout.
            if (a.map_size() != b.map_size()) return a.map_size() < b.map_size() ? -1 : 1;
            if (a.heap_object() == b.heap_object()) return 0;
            const auto x = map_entries_in_key_order(a.map_object());
            const auto y = map_entries_in_key_order(b.map_object());
            // All keys (exactly) first, then the values; pushed last first.
            for (size_t i = x.size(); i-- > 0;) pending.push_back({&x[i]->second, &y[i]->second, exact});
            for (size_t i = x.size(); i-- > 0;) pending.push_back({&x[i]->first, &y[i]->first, true});
            return 0;
        }
        case TermType::Nil: return 0;
        case TermType::List: {
            if (a.heap_object() == b.heap_object()) return 0;
            pending.push_back({&a.tail(), &b.tail(), exact});
            pending.push_back({&a.head(), &b.head(), exact});
            return 0;
        }
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

// Pending comparisons live on a per-thread heap stack (reused, so a steady state allocates
// nothing); the C++ stack stays flat however deep the terms are.
thread_local std::vector<ComparePair> compare_stack;

int compare_impl(const Term& a, const Term& b, bool exact) noexcept {
    if (!is_container(a) || !is_container(b)) {
        std::vector<ComparePair> unused;
        return compare_node(a, b, exact, unused);
    }
    std::vector<ComparePair>& pending = compare_stack;
    const size_t base = pending.size();  // compare is not reentrant, but stay correct if it were
    pending.push_back({&a, &b, exact});
    int result = 0;
    while (pending.size() > base) {
        ComparePair pair = pending.back();
        pending.pop_back();
        if ((result = compare_node(*pair.a, *pair.b, pair.exact, pending)) != 0) break;
    }
    pending.resize(base);
    return result;
}

size_t mix(size_t h, size_t v) { return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)); }

}  // namespace

// --- Term ------------------------------------------------------------------------------------

void Term::destroy_object(HeapObject* object) noexcept { destroy(object); }

Term Term::adopt(HeapObject* object) noexcept {
    Term t(object->type);
    t.u_.object = object;
    return t;
}

Term Term::cons(Term head, Term tail) {
    return adopt(::new (allocate_cons()) ConsObject(std::move(head), std::move(tail)));
}

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

namespace {

size_t leaf_hash(const Term& t) noexcept {
    switch (t.type()) {
        case TermType::Integer: return std::hash<int64_t>{}(t.as_integer());
        case TermType::BigInt: return integer::hash(t);
        case TermType::Float: return std::hash<double>{}(t.as_float());
        case TermType::Atom: return mix(1, t.as_atom().id);
        case TermType::Reference: return mix(2, t.as_reference().id);
        case TermType::Pid: return mix(3, t.as_pid().packed());
        case TermType::Fun: return mix(4, t.fun().unique);
        case TermType::Nil:
            return 7;
        case TermType::Binary:
            return mix(9, std::hash<std::string_view>{}(t.binary_view()));
        case TermType::Bitstring:
            return mix(mix(10, t.bit_size()), std::hash<std::string_view>{}(t.binary_view()));
        default:
            return 0;
    }
}

// A container being hashed: h folds in each child's hash in order. Lists walk their cells with
// `cursor` (heads, then the final tail), so a long list is one frame.
struct HashFrame {
    const Term* term;
    size_t h;
    size_t index = 0;
    const Term* cursor = nullptr;
    bool tail_done = false;
    std::vector<const MapEntry*> entries;  ///< a map's, in key order (canonical for equal maps)
};

HashFrame hash_frame(const Term& t) noexcept {
    switch (t.type()) {
        case TermType::Tuple:
            return {&t, mix(5, t.tuple_size())};
        case TermType::Map:
            return {&t, mix(6, t.map_size()), 0, nullptr, false, map_entries_in_key_order(t.map_object())};
        default:
            return {&t, 8, 0, &t};
    }
}

// The next child to fold into the frame's hash, or nullptr when all are in.
const Term* next_hash_child(HashFrame& f) noexcept {
    switch (f.term->type()) {
        case TermType::Tuple:
            return f.index < f.term->tuple_size() ? &f.term->element(f.index++) : nullptr;
        case TermType::Map: {
            if (f.index >= 2 * f.entries.size()) return nullptr;
            const MapEntry& entry = *f.entries[f.index / 2];
            return (f.index++ % 2 == 0) ? &entry.first : &entry.second;
        }
        default:
            if (f.cursor->is_cons()) {
                const Term* head = &f.cursor->head();
                f.cursor = &f.cursor->tail();
                return head;
            }
            if (f.tail_done) return nullptr;
            f.tail_done = true;
            return f.cursor;
    }
}

bool hash_is_container(const Term& t) noexcept {
    return t.is_tuple() || t.is_map() || t.is_cons();
}

}  // namespace

// Same values as the natural recursive definition (a tuple folds its children's hashes into
// mix(5, size), and so on), computed with a heap stack of frames.
size_t hash(const Term& t) noexcept {
    if (!hash_is_container(t)) return leaf_hash(t);
    std::vector<HashFrame> stack;
    stack.push_back(hash_frame(t));
    for (;;) {
        const Term* child = next_hash_child(stack.back());
        if (child) {
            if (hash_is_container(*child))
                stack.push_back(hash_frame(*child));
            else
                stack.back().h = mix(stack.back().h, leaf_hash(*child));
            continue;
        }
        size_t done = stack.back().h;
        stack.pop_back();
        if (stack.empty()) return done;
        stack.back().h = mix(stack.back().h, done);
    }
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
