// :counters, :atomics and :persistent_term: the BEAM's mutable storage shared between processes.
// A counters or atomics array lives as long as the run (the BEAM frees it when no process holds
// its reference any more; a scenario cannot observe the difference). Arrays are std::atomic, so
// processes on several schedulers update them without locks; the registries are locked.
//
// References print as on the BEAM: `{:atomics, #Reference<...>}` for `:counters.new(n, [])`,
// `{:write_concurrency, #Reference<...>}` for `[:write_concurrency]`, a bare reference for
// `:atomics.new/2`. The `memory` that `info/1` reports follows erts' layout (OTP 25, 64-bit).
#include <atomic>
#include <limits>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "engine/runtime/integer.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

struct AtomicArray {
    explicit AtomicArray(size_t n, bool is_signed)
        : size(n), signed_values(is_signed), cells(new std::atomic<uint64_t>[n]) {
        for (size_t i = 0; i < n; ++i) cells[i].store(0, std::memory_order_relaxed);
    }
    size_t size;
    bool signed_values;
    std::unique_ptr<std::atomic<uint64_t>[]> cells;
};

struct SharedStorage {
    std::mutex mutex;
    std::unordered_map<uint64_t, std::shared_ptr<AtomicArray>> arrays;  // by reference id
    /// :persistent_term, in insertion order (the BEAM lists them in its hash order).
    std::vector<std::pair<Term, Term>> persistent;
};

SharedStorage& storage(ProcessContext& c) {
    return c.runtime().extension<SharedStorage>();
}

constexpr uint64_t kHighBit = uint64_t{1} << 63;

/// An unsigned 64-bit cell value as the term the BEAM shows for it.
Term cell_term(uint64_t bits, bool is_signed) {
    if (is_signed || bits < kHighBit) return Term::integer(static_cast<int64_t>(bits));
    // 2^63 + (bits - 2^63), where 2^63 itself is INT64_MAX + 1
    Term high = integer::add(Term::integer(std::numeric_limits<int64_t>::max()), Term::integer(1));
    return integer::add(high, Term::integer(static_cast<int64_t>(bits - kHighBit)));
}

/// An integer argument as the 64 bits a cell stores (two's complement); the BEAM accepts any
/// integer that fits 64 bits signed or unsigned.
uint64_t cell_bits(const Term& v, int position) {
    if (v.is_integer()) return static_cast<uint64_t>(v.as_integer());
    if (v.type() != TermType::BigInt) raise_bif_argument_error(position, "not an integer");
    if (integer::sign(v) > 0 && integer::bit_length(v) <= 64) {
        // v - 2^63 fits int64
        Term low = integer::sub(integer::sub(v, Term::integer(std::numeric_limits<int64_t>::max())),
                                Term::integer(1));
        return kHighBit + static_cast<uint64_t>(low.as_integer());
    }
    raise_bif_argument_error(position, "out of range");
}

/// An increment or decrement: any 64-bit signed integer (erts refuses bignums here with a bare
/// badarg, even for unsigned arrays).
uint64_t increment_bits(const Term& v, int position) {
    if (v.is_integer()) return static_cast<uint64_t>(v.as_integer());
    if (v.type() == TermType::BigInt) raise_argument_error("argument error");
    raise_bif_argument_error(position, "not an integer");
}

/// The array behind an :atomics reference.
AtomicArray& atomics_of(ProcessContext& c, const Term& ref, int position = 1) {
    if (ref.type() == TermType::Reference) {
        SharedStorage& s = storage(c);
        std::lock_guard lock(s.mutex);
        auto it = s.arrays.find(ref.as_reference().id);
        if (it != s.arrays.end()) return *it->second;
    }
    raise_bif_argument_error(position, "invalid atomics reference");
}

/// The array behind a counters reference `{:atomics | :write_concurrency, ref}`.
AtomicArray& counters_of(ProcessContext& c, const Term& ref) {
    if (ref.is_tuple() && ref.tuple_size() == 2 && ref.element(0).is_atom()) {
        std::string_view kind = ref.element(0).as_atom().name();
        if (kind == "atomics" || kind == "write_concurrency") {
            SharedStorage& s = storage(c);
            std::lock_guard lock(s.mutex);
            if (ref.element(1).type() == TermType::Reference) {
                auto it = s.arrays.find(ref.element(1).as_reference().id);
                if (it != s.arrays.end()) return *it->second;
            }
        }
    }
    raise_bif_argument_error(1, "invalid atomics reference");
}

std::atomic<uint64_t>& cell(AtomicArray& array, const Term& index) {
    if (!index.is_integer() && index.type() != TermType::BigInt)
        raise_bif_argument_error(2, "not an integer");
    if (!index.is_integer() || index.as_integer() < 1 ||
        static_cast<uint64_t>(index.as_integer()) > array.size)
        raise_bif_argument_error(2, "out of range");
    return array.cells[static_cast<size_t>(index.as_integer() - 1)];
}

Term new_array(ProcessContext& c, const Term& size, bool is_signed) {
    if (!size.is_integer() && size.type() != TermType::BigInt)
        raise_bif_argument_error(1, "not an integer");
    // erts allocates the array at once: refuse sizes no run could hold.
    if (!size.is_integer() || size.as_integer() < 1 || size.as_integer() > (int64_t{1} << 32))
        raise_bif_argument_error(1, "out of range");
    Ref ref = c.make_ref();
    SharedStorage& s = storage(c);
    std::lock_guard lock(s.mutex);
    s.arrays.emplace(
        ref.id, std::make_shared<AtomicArray>(static_cast<size_t>(size.as_integer()), is_signed));
    return Term::reference(ref);
}

Term info(const AtomicArray& a, size_t memory) {
    Term max = a.signed_values ? Term::integer(std::numeric_limits<int64_t>::max())
                               : cell_term(std::numeric_limits<uint64_t>::max(), false);
    Term min =
        a.signed_values ? Term::integer(std::numeric_limits<int64_t>::min()) : Term::integer(0);
    return Term::map({{atom_term("max"), max},
                      {atom_term("memory"), Term::integer(static_cast<int64_t>(memory))},
                      {atom_term("min"), min},
                      {atom_term("size"), Term::integer(static_cast<int64_t>(a.size))}});
}

// erts: a magic binary header of 40 bytes plus 8 bytes a cell, rounded up to whole words
// (`:atomics.info` of 2 cells is 56); write_concurrency counters keep a cache line per
// scheduler and cell.
size_t atomics_memory(size_t n) {
    return 40 + 8 * n;
}

Term counters_new(ProcessContext& c, Args a) {
    bool write_concurrency = false;
    if (!a[1].is_list() && !a[1].is_empty_list()) raise_bif_argument_error(2, "invalid option in list");
    for (Term rest = a[1]; !rest.is_empty_list(); rest = rest.tail()) {
        if (!rest.is_list()) raise_bif_argument_error(2, "invalid option in list");
        std::string_view opt = rest.head().is_atom() ? rest.head().as_atom().name() : "";
        if (opt == "write_concurrency")
            write_concurrency = true;
        else if (opt != "atomics")
            raise_bif_argument_error(2, "invalid option in list");
    }
    Term ref = new_array(c, a[0], true);
    return Term::tuple({atom_term(write_concurrency ? "write_concurrency" : "atomics"), ref});
}

Term atomics_new(ProcessContext& c, Args a) {
    bool is_signed = true;
    for (Term rest = a[1]; !rest.is_empty_list(); rest = rest.tail()) {
        if (!rest.is_list()) raise_bif_argument_error(2, "invalid option in list");
        const Term& opt = rest.head();
        if (opt.is_tuple() && opt.tuple_size() == 2 && opt.element(0).is_atom() &&
            opt.element(0).as_atom().name() == "signed" && opt.element(1).is_boolean()) {
            is_signed = opt.element(1).as_atom() == atom::true_;
        } else {
            raise_bif_argument_error(2, "invalid option in list");
        }
    }
    return new_array(c, a[0], is_signed);
}

void def(BuiltinTable& t, std::string_view module, std::string_view name, int arity,
         SyncBuiltin fn) {
    t.add(module, name, arity, fn);
}

void register_counters_functions(BuiltinTable& t) {
    def(t, "counters", "new", 2, counters_new);
    def(
        t, "counters", "get", 2, +[](ProcessContext& c, Args a) -> Term {
            AtomicArray& array = counters_of(c, a[0]);
            return cell_term(cell(array, a[1]).load(), true);
        });
    def(
        t, "counters", "add", 3, +[](ProcessContext& c, Args a) -> Term {
            AtomicArray& array = counters_of(c, a[0]);
            auto& slot = cell(array, a[1]);
            slot.fetch_add(increment_bits(a[2], 3));
            return atom_term("ok");
        });
    def(
        t, "counters", "sub", 3, +[](ProcessContext& c, Args a) -> Term {
            AtomicArray& array = counters_of(c, a[0]);
            auto& slot = cell(array, a[1]);
            slot.fetch_sub(increment_bits(a[2], 3));
            return atom_term("ok");
        });
    def(
        t, "counters", "put", 3, +[](ProcessContext& c, Args a) -> Term {
            AtomicArray& array = counters_of(c, a[0]);
            auto& slot = cell(array, a[1]);
            slot.store(cell_bits(a[2], 3));
            return atom_term("ok");
        });
    def(
        t, "counters", "info", 1, +[](ProcessContext& c, Args a) -> Term {
            AtomicArray& array = counters_of(c, a[0]);
            bool write_concurrency = a[0].element(0).as_atom().name() == "write_concurrency";
            if (!write_concurrency) return info(array, atomics_memory(array.size));
            // erts: a 64-byte cache line per cell and scheduler, plus the header; this run has
            // the schedulers the BEAM would start on this machine (reported as erts does for 2).
            size_t memory = 96 + 64 * 2 * array.size;
            return Term::map(
                {{atom_term("memory"), Term::integer(static_cast<int64_t>(memory))},
                 {atom_term("size"), Term::integer(static_cast<int64_t>(array.size))}});
        });
}

void register_atomics_functions(BuiltinTable& t) {
    def(t, "atomics", "new", 2, atomics_new);
    def(
        t, "atomics", "get", 2, +[](ProcessContext& c, Args a) -> Term {
            AtomicArray& array = atomics_of(c, a[0]);
            return cell_term(cell(array, a[1]).load(), array.signed_values);
        });
    def(
        t, "atomics", "put", 3, +[](ProcessContext& c, Args a) -> Term {
            AtomicArray& array = atomics_of(c, a[0]);
            cell(array, a[1]).store(cell_bits(a[2], 3));
            return atom_term("ok");
        });
    def(
        t, "atomics", "add", 3, +[](ProcessContext& c, Args a) -> Term {
            AtomicArray& array = atomics_of(c, a[0]);
            cell(array, a[1]).fetch_add(increment_bits(a[2], 3));
            return atom_term("ok");
        });
    def(
        t, "atomics", "add_get", 3, +[](ProcessContext& c, Args a) -> Term {
            AtomicArray& array = atomics_of(c, a[0]);
            uint64_t incr = increment_bits(a[2], 3);
            return cell_term(cell(array, a[1]).fetch_add(incr) + incr, array.signed_values);
        });
    def(
        t, "atomics", "sub", 3, +[](ProcessContext& c, Args a) -> Term {
            AtomicArray& array = atomics_of(c, a[0]);
            cell(array, a[1]).fetch_sub(increment_bits(a[2], 3));
            return atom_term("ok");
        });
    def(
        t, "atomics", "sub_get", 3, +[](ProcessContext& c, Args a) -> Term {
            AtomicArray& array = atomics_of(c, a[0]);
            uint64_t decr = increment_bits(a[2], 3);
            return cell_term(cell(array, a[1]).fetch_sub(decr) - decr, array.signed_values);
        });
    def(
        t, "atomics", "exchange", 3, +[](ProcessContext& c, Args a) -> Term {
            AtomicArray& array = atomics_of(c, a[0]);
            return cell_term(cell(array, a[1]).exchange(cell_bits(a[2], 3)), array.signed_values);
        });
    def(
        t, "atomics", "compare_exchange", 4, +[](ProcessContext& c, Args a) -> Term {
            AtomicArray& array = atomics_of(c, a[0]);
            auto& slot = cell(array, a[1]);
            uint64_t expected = cell_bits(a[2], 3);
            uint64_t desired = cell_bits(a[3], 4);
            if (slot.compare_exchange_strong(expected, desired)) return atom_term("ok");
            return cell_term(expected, array.signed_values);  // the value found instead
        });
    def(
        t, "atomics", "info", 1, +[](ProcessContext& c, Args a) -> Term {
            AtomicArray& array = atomics_of(c, a[0]);
            return info(array, atomics_memory(array.size));
        });
}

/// Roughly erts' flat size of a term in words (what a persistent term's copy takes): list cells
/// 2, tuples 1 + n, floats 2, binaries 2 + bytes/8 (heap) or 6 (refc, > 64 bytes), maps 3 + 2n
/// plus a key tuple; immediates nothing. Maps' entries are not descended into.
size_t approximate_words(const Term& root) {
    size_t words = 0;
    std::vector<const Term*> pending{&root};
    while (!pending.empty()) {
        const Term* t = pending.back();
        pending.pop_back();
        switch (t->type()) {
            case TermType::List:
                for (const Term* cur = t; cur->type() == TermType::List; cur = &cur->tail()) {
                    words += 2;
                    pending.push_back(&cur->head());
                    if (cur->tail().type() != TermType::List && !cur->tail().is_empty_list())
                        pending.push_back(&cur->tail());
                }
                break;
            case TermType::Tuple:
                words += 1 + t->tuple_size();
                for (size_t i = 0; i < t->tuple_size(); ++i) pending.push_back(&t->element(i));
                break;
            case TermType::Float:
                words += 2;
                break;
            case TermType::Binary: {
                size_t bytes = t->binary_view().size();
                words += bytes > 64 ? 6 : 2 + (bytes + 7) / 8;
                break;
            }
            case TermType::Map:
                words += 4 + 3 * t->map_size();
                break;
            default:
                break;
        }
    }
    return words;
}

const Term* persistent_find(SharedStorage& s, const Term& key) {
    for (const auto& [k, v] : s.persistent)
        if (exact_equal(k, key)) return &v;
    return nullptr;
}

void register_persistent_term_functions(BuiltinTable& t) {
    def(
        t, "persistent_term", "put", 2, +[](ProcessContext& c, Args a) -> Term {
            SharedStorage& s = storage(c);
            std::lock_guard lock(s.mutex);
            for (auto& [k, v] : s.persistent) {
                if (exact_equal(k, a[0])) {
                    v = a[1];
                    return atom_term("ok");
                }
            }
            s.persistent.emplace_back(a[0], a[1]);
            return atom_term("ok");
        });
    def(
        t, "persistent_term", "get", 1, +[](ProcessContext& c, Args a) -> Term {
            SharedStorage& s = storage(c);
            std::lock_guard lock(s.mutex);
            if (const Term* v = persistent_find(s, a[0])) return *v;
            raise_bif_argument_error(1, "no persistent term stored with this key");
        });
    def(
        t, "persistent_term", "get", 2, +[](ProcessContext& c, Args a) -> Term {
            SharedStorage& s = storage(c);
            std::lock_guard lock(s.mutex);
            const Term* v = persistent_find(s, a[0]);
            return v ? *v : a[1];
        });
    def(
        t, "persistent_term", "get", 0, +[](ProcessContext& c, Args) -> Term {
            SharedStorage& s = storage(c);
            std::lock_guard lock(s.mutex);
            std::vector<Term> pairs;
            for (const auto& [k, v] : s.persistent) pairs.push_back(Term::tuple({k, v}));
            return make_list(pairs);
        });
    def(
        t, "persistent_term", "erase", 1, +[](ProcessContext& c, Args a) -> Term {
            SharedStorage& s = storage(c);
            std::lock_guard lock(s.mutex);
            auto before = s.persistent.size();
            std::erase_if(s.persistent,
                          [&](const auto& kv) { return exact_equal(kv.first, a[0]); });
            return Term::boolean(s.persistent.size() != before);
        });
    def(
        t, "persistent_term", "info", 0, +[](ProcessContext& c, Args) -> Term {
            SharedStorage& s = storage(c);
            std::lock_guard lock(s.mutex);
            // memory: the copies' approximate size (approximate_words) plus a 3-word entry each.
            size_t words = 0;
            for (const auto& [k, v] : s.persistent)
                words += 3 + approximate_words(k) + approximate_words(v);
            return Term::map(
                {{atom_term("count"), Term::integer(static_cast<int64_t>(s.persistent.size()))},
                 {atom_term("memory"), Term::integer(static_cast<int64_t>(8 * words))}});
        });
}

}  // namespace

void register_counters(BuiltinTable& table) {
    register_counters_functions(table);
    register_atomics_functions(table);
    register_persistent_term_functions(table);
}

}  // namespace tasklens::script::stdlib
