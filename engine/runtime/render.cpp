// Short renderings of terms for event texts: Kernel.inspect/1's output (inspect.h) with 16 items
// per container, cut at a limit, so that a huge message costs the engine a few dozen characters.
// Every message of a recorded run gets one, so the shapes messages have are printed here
// directly, byte for byte as inspect prints them, and the printing stops once the cut is reached.
#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "engine/runtime/inspect.h"
#include "engine/runtime/runtime_impl.h"

namespace tasklens {
namespace {

// inspect_atom() is pure per atom and event texts name the same atoms constantly: each thread
// remembers the renderings it has made.
// Whether an atom is an alias (`Elixir.` prefix) is remembered alongside, since reading an atom's
// name takes the atom table's lock.
struct AtomText {
    std::string text;
    bool alias = false;
};
const AtomText& atom_text(Atom a) {
    static thread_local std::vector<std::optional<AtomText>> cache;
    if (a.id >= cache.size()) cache.resize(a.id + 64);
    auto& slot = cache[a.id];
    if (!slot) slot = AtomText{inspect_atom(a), a.name().starts_with("Elixir.")};
    return *slot;
}
const std::string& inspected_atom(Atom a) {
    return atom_text(a).text;
}

// A fun's text depends only on its kind, module, name, arity and unique number (inspect.cpp's
// fun_doc), and a recorded run sends the same few funs over and over (task bodies, stream
// callbacks): each thread remembers the texts it has made, keyed by those fields.
const std::string& inspected_fun(const Term& fun) {
    const FunObject& f = fun.fun();
    struct Key {
        uint64_t unique;
        uint32_t module, name, arity;
        FunObject::Kind kind;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        size_t operator()(const Key& k) const noexcept {
            uint64_t h = k.unique * 0x9E3779B97F4A7C15ull;
            h ^= (uint64_t{k.module} << 32 | k.name) + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
            h ^= (uint64_t{k.arity} << 8 | static_cast<uint8_t>(k.kind)) + (h << 6) + (h >> 2);
            return static_cast<size_t>(h);
        }
    };
    static thread_local std::unordered_map<Key, std::string, KeyHash> cache;
    const Key key{f.unique, f.module.id, f.name.id, f.arity, f.kind};
    if (const auto found = cache.find(key); found != cache.end()) return found->second;
    if (cache.size() >= 4096) cache.clear();  // a bound for runs that make funs without end
    return cache.emplace(key, inspect(fun)).first->second;
}

/// Items shown per container, as Inspect.Opts' `limit`.
constexpr int64_t kItemLimit = 16;

/// Kernel.inspect(term, limit: 16, printable_limit: cut) printed flat, as Inspect.Algebra's
/// container_doc/6 lays it out on one line: atoms, integers, floats, pids, references, funs,
/// tuples, plain and keyword lists (improper ones too) and short ASCII strings are printed here;
/// any other term (charlists, maps and structs, other binaries, big integers) is printed by
/// inspect() with the item limit it would have there, which gives the same bytes since a flat
/// document is the concatenation of its parts.
///
/// The text goes into a fixed window of cut + 1 bytes: every write is clipped to the room left,
/// and printing stops once the window is full, which is exactly when the text is longer than the
/// cut (the caller then keeps `cut` bytes and appends "..."). The window's bytes are the first
/// cut + 1 bytes of the whole text, since clipping only drops what comes after them.
class BoundedRenderer {
  public:
    BoundedRenderer(char* window, size_t cut) : at_(window), end_(window + cut + 1), cut_(cut) {}

    /// One past the last byte written.
    char* end_written() const noexcept { return at_; }

    void render(const Term& t, int64_t limit, int depth = 0) {
        if (full()) return;
        switch (t.type()) {
            case TermType::Integer:
                number(t.as_integer());
                return;
            case TermType::Float:
                put_float(t.as_float());
                return;
            case TermType::Atom:
                put(inspected_atom(t.as_atom()));
                return;
            case TermType::Pid:
                put("#PID<");
                number(t.as_pid().node);
                put('.');
                number(t.as_pid().serial);
                put(".0>");
                return;
            case TermType::Reference:
                put("#Reference<0.0.0.");
                number(t.as_reference().id);
                put('>');
                return;
            case TermType::Fun:
                put_fun(t);
                return;
            case TermType::Tuple:
                if (depth < kMaxDepth) {
                    const std::span<const Term> items = t.tuple_items();
                    if (!is_prerendered_struct(items)) {
                        tuple(items, limit, depth);
                        return;
                    }
                }
                break;
            case TermType::Nil:
                put("[]");
                return;
            case TermType::List:
                // A list starting with an integer may be a charlist: inspect decides.
                if (depth < kMaxDepth && !t.head().is_integer()) {
                    list(t, limit, depth);
                    return;
                }
                break;
            case TermType::Binary:
                if (plain_string(t.binary_view())) {
                    put('"');
                    put(t.binary_view());
                    put('"');
                    return;
                }
                break;
            default:
                break;
        }
        put_inspected(t, limit);
    }

  private:
    // Deeper terms go to inspect(), which does not recurse on the C++ stack.
    static constexpr int kMaxDepth = 48;

    bool full() const noexcept { return at_ == end_; }

    // The rare cases, out of line so that render()'s frame stays small: it runs once per term.
    [[gnu::noinline]] void put_inspected(const Term& t, int64_t limit) {
        InspectOptions options;
        options.limit = limit;
        options.printable_limit = static_cast<int64_t>(cut_);
        put(inspect(t, options));
    }
    [[gnu::noinline]] void put_float(double v) { put(format_float(v)); }
    [[gnu::noinline]] void put_fun(const Term& f) { put(inspected_fun(f)); }

    void put(std::string_view s) noexcept {
        const size_t n = std::min(s.size(), static_cast<size_t>(end_ - at_));
        std::memcpy(at_, s.data(), n);
        at_ += n;
    }
    template <size_t N>
    void put(const char (&literal)[N]) noexcept {
        put(std::string_view(literal, N - 1));
    }
    void put(char c) noexcept {
        if (at_ != end_) *at_++ = c;
    }

    template <typename Integer>
    void number(Integer v) noexcept {
        if (end_ - at_ >= 24) {
            at_ = std::to_chars(at_, at_ + 24, v).ptr;
            return;
        }
        char buffer[24];
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
        put(std::string_view(buffer, static_cast<size_t>(end - buffer)));
    }

    static int64_t decrement(int64_t limit) noexcept { return limit < 0 ? limit : limit - 1; }

    /// The tuple the scenario prelude makes of a struct with its own Inspect implementation.
    static bool is_prerendered_struct(std::span<const Term> items) {
        if (items.size() != 3 || !items[0].is_atom()) return false;
        static const Atom rendered = Atom::intern("$tasklens_inspected");
        return items[0].is_atom(rendered);
    }

    /// Printable ASCII that inspect writes unescaped between quotes, within the printable limit.
    bool plain_string(std::string_view bytes) const noexcept {
        if (bytes.size() > cut_) return false;
        for (size_t i = 0; i < bytes.size(); ++i) {
            const char c = bytes[i];
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') return false;
            if (c == '#' && i + 1 < bytes.size() && bytes[i + 1] == '{') return false;
        }
        return true;
    }

    /// Inspect.List.keyword?/1 for one item: {atom, _} with an atom that is not an alias.
    static bool is_keyword_pair(const Term& t) {
        return t.is_tuple(2) && t.element(0).is_atom() && !atom_text(t.element(0).as_atom()).alias;
    }

    void tuple(std::span<const Term> items, int64_t limit, int depth) {
        put('{');
        bool first = true;
        for (const Term& item : items) {
            if (!first) put(", ");
            first = false;
            if (limit == 0) {
                put("...");
                break;
            }
            limit = decrement(limit);
            render(item, limit, depth + 1);
            if (full()) return;
        }
        put('}');
    }

    void list(const Term& t, int64_t limit, int depth) {
        ListIterator it(t);
        for (; !it.done() && is_keyword_pair(*it); ++it) {
        }
        const bool keyword = it.done() && it.rest().is_empty_list();
        put('[');
        bool first = true;
        for (const Term* cell = &t; cell->is_cons(); cell = &cell->tail()) {
            if (!first) put(", ");
            first = false;
            if (limit == 0) {
                put("...");
                break;
            }
            limit = decrement(limit);
            const Term& item = cell->head();
            if (keyword) {
                put(inspect_atom_key(item.element(0).as_atom()));
                put(": ");
                render(item.element(1), limit, depth + 1);
            } else {
                render(item, limit, depth + 1);
                if (const Term& tail = cell->tail(); !tail.is_cons() && !tail.is_empty_list()) {
                    put(" | ");
                    render(tail, limit, depth + 1);
                }
            }
            if (full()) return;
        }
        put(']');
    }

    char* at_;
    char* const end_;
    size_t cut_;
};

}  // namespace

void render_term_to(std::string& out, const Term& term, size_t limit) {
    // The window: cut + 1 bytes at the end of `out`, whose capacity lives on from event to event.
    // (Rendering into a stack buffer and appending it costs more: the copy's wide loads wait for
    // the renderer's byte stores to reach memory.)
    const size_t start = out.size();
    out.resize(start + limit + 1);
    BoundedRenderer renderer(out.data() + start, limit);
    renderer.render(term, kItemLimit);
    const auto written = static_cast<size_t>(renderer.end_written() - (out.data() + start));
    if (written > limit) {
        out.resize(start + limit);
        out += "...";
    } else {
        out.resize(start + written);
    }
}

std::string render_term(const Term& term, size_t limit) {
    std::string text;
    render_term_to(text, term, limit);
    return text;
}

void render_mfa_to(std::string& out, const Term& mfa) {
    if (mfa.is_tuple(3) && mfa.element(0).is_atom() && mfa.element(1).is_atom() &&
        mfa.element(2).is_integer()) {
        // Every spawn's event names its initial call, and a run spawns from a handful of them:
        // each thread remembers the texts it has made (module, function, arity).
        struct Key {
            uint32_t module, function;
            int64_t arity;
            bool operator==(const Key&) const = default;
        };
        struct KeyHash {
            size_t operator()(const Key& k) const noexcept {
                uint64_t h = (uint64_t{k.module} << 32 | k.function) * 0x9E3779B97F4A7C15ull;
                return static_cast<size_t>(h ^ (static_cast<uint64_t>(k.arity) + (h >> 29)));
            }
        };
        static thread_local std::unordered_map<Key, std::string, KeyHash> cache;
        const Key key{mfa.element(0).as_atom().id, mfa.element(1).as_atom().id,
                      mfa.element(2).as_integer()};
        auto found = cache.find(key);
        if (found == cache.end()) {
            if (cache.size() >= 4096) cache.clear();  // a bound for runs that make modules
            std::string text = inspect_module(mfa.element(0).as_atom());
            text += '.';
            text += inspect_atom_remote(mfa.element(1).as_atom());
            text += '/';
            text += std::to_string(mfa.element(2).as_integer());
            found = cache.emplace(key, std::move(text)).first;
        }
        out += found->second;
        return;
    }
    render_term_to(out, mfa);
}

std::string render_mfa(const Term& mfa) {
    std::string text;
    render_mfa_to(text, mfa);
    return text;
}

trace::ExitReasonClass classify_reason(const Term& reason) noexcept {
    using trace::ExitReasonClass;
    if (reason.is_atom(atom::normal)) return ExitReasonClass::Normal;
    if (reason.is_atom(atom::shutdown)) return ExitReasonClass::Shutdown;
    if (reason.is_tuple(2) && reason.element(0).is_atom(atom::shutdown))
        return ExitReasonClass::Shutdown;
    if (reason.is_atom(atom::killed) || reason.is_atom(atom::kill)) return ExitReasonClass::Killed;
    return ExitReasonClass::Crash;
}

}  // namespace tasklens
