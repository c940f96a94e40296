// Over 800 lines: Kernel.inspect as one document builder (Inspect.Algebra's layout), with the
// iterative planning/building passes that keep deep terms off the C++ stack; the per-type printers
// share that machinery, so they stay together.
#include "engine/runtime/inspect.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "engine/runtime/format_error.h"
#include "engine/runtime/fun_display.h"
#include "engine/runtime/integer.h"
#include "engine/runtime/runtime.h"

namespace tasklens {

// --- Calendar structs ------------------------------------------------------------------------
// Date, Time, NaiveDateTime and DateTime of the ISO calendar (prelude/calendar.exs) print as
// Elixir's String.Chars and Inspect implementations print them.

namespace {

enum class CalendarKind { Date, Time, NaiveDateTime, DateTime };

bool int_field(const Term& t, std::string_view name, int64_t& out) {
    const Term* f = t.map_find(Term::atom(name));
    if (!f || !f->is_integer()) return false;
    out = f->as_integer();
    return true;
}

void append_padded(std::string& out, int64_t n, int width) {
    if (n < 0) {
        out += '-';
        n = -n;
    }
    std::string digits = std::to_string(n);
    if (static_cast<int>(digits.size()) < width) out.append(width - digits.size(), '0');
    out += digits;
}

std::optional<std::string> date_text(const Term& t) {
    int64_t y, m, d;
    if (!int_field(t, "year", y) || !int_field(t, "month", m) || !int_field(t, "day", d))
        return std::nullopt;
    std::string out;
    append_padded(out, y, 4);
    out += '-';
    append_padded(out, m, 2);
    out += '-';
    append_padded(out, d, 2);
    return out;
}

std::optional<std::string> time_text(const Term& t) {
    int64_t h, mi, s;
    if (!int_field(t, "hour", h) || !int_field(t, "minute", mi) || !int_field(t, "second", s))
        return std::nullopt;
    const Term* us = t.map_find(Term::atom("microsecond"));
    if (!us || !us->is_tuple() || us->tuple_size() != 2 || !us->element(0).is_integer() ||
        !us->element(1).is_integer())
        return std::nullopt;
    std::string out;
    append_padded(out, h, 2);
    out += ':';
    append_padded(out, mi, 2);
    out += ':';
    append_padded(out, s, 2);
    int64_t precision = us->element(1).as_integer();
    if (precision > 0) {
        std::string frac;
        append_padded(frac, us->element(0).as_integer(), 6);
        out += '.';
        out += frac.substr(0, static_cast<size_t>(std::min<int64_t>(precision, 6)));
    }
    return out;
}

// "+01:00" for an offset in seconds
std::string offset_text(int64_t offset) {
    std::string out = offset < 0 ? "-" : "+";
    offset = offset < 0 ? -offset : offset;
    append_padded(out, offset / 3600, 2);
    out += ':';
    append_padded(out, (offset / 60) % 60, 2);
    return out;
}

// The String.Chars text of a calendar struct; `kind` tells which one it is.
std::optional<std::string> calendar_text(const Term& t, CalendarKind& kind) {
    const Term* s = t.map_find(Term::atom(atom::struct_));
    const Term* cal = t.map_find(Term::atom("calendar"));
    if (!s || !s->is_atom() || !cal || !cal->is_atom() ||
        cal->as_atom().name() != "Elixir.Calendar.ISO")
        return std::nullopt;
    std::string_view name = s->as_atom().name();
    if (name == "Elixir.Date") {
        kind = CalendarKind::Date;
        return date_text(t);
    }
    if (name == "Elixir.Time") {
        kind = CalendarKind::Time;
        return time_text(t);
    }
    bool naive = name == "Elixir.NaiveDateTime";
    if (!naive && name != "Elixir.DateTime") return std::nullopt;
    auto date = date_text(t);
    auto time = time_text(t);
    if (!date || !time) return std::nullopt;
    std::string out = *date + " " + *time;
    if (naive) {
        kind = CalendarKind::NaiveDateTime;
        return out;
    }
    kind = CalendarKind::DateTime;
    int64_t utc_offset, std_offset;
    const Term* zone = t.map_find(Term::atom("time_zone"));
    const Term* abbr = t.map_find(Term::atom("zone_abbr"));
    if (!int_field(t, "utc_offset", utc_offset) || !int_field(t, "std_offset", std_offset) ||
        !zone || !zone->is_binary() || !abbr || !abbr->is_binary())
        return std::nullopt;
    if (zone->binary_view() == "Etc/UTC" && utc_offset == 0 && std_offset == 0) return out + "Z";
    out += offset_text(utc_offset + std_offset);
    out += ' ';
    out += abbr->binary_view();
    out += ' ';
    out += zone->binary_view();
    return out;
}

// Inspect: ~D[...], ~T[...], ~N[...], ~U[...] (UTC) or #DateTime<...>
std::optional<std::string> calendar_inspect(const Term& t) {
    CalendarKind kind{};
    auto text = calendar_text(t, kind);
    if (!text) return std::nullopt;
    switch (kind) {
        case CalendarKind::Date:
            return "~D[" + *text + "]";
        case CalendarKind::Time:
            return "~T[" + *text + "]";
        case CalendarKind::NaiveDateTime:
            return "~N[" + *text + "]";
        case CalendarKind::DateTime:
            if (text->back() == 'Z') return "~U[" + *text + "]";
            return "#DateTime<" + *text + ">";
    }
    return std::nullopt;
}

}  // namespace

// --- struct registry -------------------------------------------------------------------------

namespace {

struct BuiltinStructs {
    StructRegistry registry;
    BuiltinStructs() {
        auto def = [&](std::string_view module, std::initializer_list<std::string_view> fields,
                       bool exception) {
            std::vector<Atom> atoms;
            for (auto f : fields) atoms.push_back(Atom::intern(f));
            registry.define(Atom::intern(std::string("Elixir.").append(module)), std::move(atoms),
                            exception);
        };
        // Field order is the definition order of Elixir 1.14's defstruct / defexception.
        def("Task", {"mfa", "owner", "pid", "ref"}, false);
        def("Range", {"first", "last", "step"}, false);
        def("MapSet", {"map", "version"}, false);
        def("Regex", {"re_pattern", "source", "opts", "re_version"}, false);
        def("Regex.CompileError", {"message"}, true);
        def("RuntimeError", {"message"}, true);
        def("ArgumentError", {"message"}, true);
        def("ArithmeticError", {"message"}, true);
        def("SystemLimitError", {"message"}, true);
        def("BadFunctionError", {"term"}, true);
        def("BadStructError", {"struct", "term"}, true);
        def("BadMapError", {"term"}, true);
        def("BadBooleanError", {"term", "operator"}, true);
        def("MatchError", {"term"}, true);
        def("CaseClauseError", {"term"}, true);
        def("WithClauseError", {"term"}, true);
        def("CondClauseError", {}, true);
        def("TryClauseError", {"term"}, true);
        def("BadArityError", {"function", "args"}, true);
        def("UndefinedFunctionError", {"module", "function", "arity", "reason", "message"}, true);
        def("FunctionClauseError", {"module", "function", "arity", "kind", "args", "clauses"},
            true);
        def("Protocol.UndefinedError", {"protocol", "value", "description"}, true);
        def("KeyError", {"key", "term", "message"}, true);
        def("ErlangError", {"original", "reason"}, true);
        def("Enum.OutOfBoundsError", {"message"}, true);
        def("Enum.EmptyError", {"message"}, true);
        def("UnicodeConversionError", {"encoded", "message"}, true);
        def("File.Error", {"reason", "path", "action"}, true);
    }
};

const StructRegistry& builtin_structs() {
    static const BuiltinStructs instance;
    return instance.registry;
}

thread_local const StructRegistry* thread_structs = nullptr;

}  // namespace

void StructRegistry::define(Atom module, std::vector<Atom> fields, bool exception) {
    std::unique_lock lock(mutex_);
    defs_[module.id] = StructDefinition{module, std::move(fields), exception};
}

void StructRegistry::set_optional(Atom module, std::vector<std::pair<Atom, Term>> optional) {
    std::unique_lock lock(mutex_);
    auto it = defs_.find(module.id);
    if (it != defs_.end()) it->second.optional = std::move(optional);
}

std::optional<StructDefinition> StructRegistry::find(Atom module) const {
    std::shared_lock lock(mutex_);
    auto it = defs_.find(module.id);
    if (it == defs_.end()) return std::nullopt;
    return it->second;
}

void set_thread_struct_registry(const StructRegistry* registry) noexcept {
    thread_structs = registry;
}
const StructRegistry* thread_struct_registry() noexcept {
    return thread_structs;
}

std::optional<StructDefinition> find_struct_definition(Atom module) {
    if (thread_structs) {
        if (auto def = thread_structs->find(module)) return def;
    }
    return builtin_structs().find(module);
}

namespace {

// --- the document algebra --------------------------------------------------------------------
//
// Inspect.Algebra's documents ("Strictly Pretty", Lindig 2000, with Elixir's flex breaks), kept in
// an arena and addressed by index. Only the node kinds that Inspect uses exist here.

using DocId = uint32_t;

struct DocNode {
    enum class Kind : uint8_t { Nil, Text, Cons, Nest, Break, Group } kind = Kind::Nil;
    bool flex = false;          // Break: flex break (re-evaluated on every occurrence)
    int32_t indent = 0;         // Nest
    DocId left = 0, right = 0;  // Cons: both; Nest/Group: left
    std::string text;           // Text, Break
    // Kept per node so that asking them is O(1) (a deep term would otherwise make them quadratic).
    bool simple = true;      // only text joined by concatenation (Inspect.Algebra's simple?/1)
    bool has_break = false;  // a break somewhere inside
};

constexpr int64_t kInfinity = std::numeric_limits<int64_t>::max() / 4;

class Docs {
  public:
    Docs() { nodes_.push_back(DocNode{}); }  // id 0 is the empty document

    static constexpr DocId nil = 0;

    DocId text(std::string s) {
        DocNode n;
        n.kind = DocNode::Kind::Text;
        n.text = std::move(s);
        return add(std::move(n));
    }
    DocId cons(DocId a, DocId b) {
        DocNode n;
        n.kind = DocNode::Kind::Cons;
        n.left = a;
        n.right = b;
        return add(std::move(n));
    }
    DocId concat(std::initializer_list<DocId> docs) {
        // fold_doc from the right, as Inspect.Algebra.concat/1 does.
        std::vector<DocId> v(docs);
        if (v.empty()) return nil;
        DocId acc = v.back();
        for (size_t i = v.size() - 1; i-- > 0;) acc = cons(v[i], acc);
        return acc;
    }
    DocId nest(DocId d, int32_t indent) {
        if (indent == 0) return d;
        DocNode n;
        n.kind = DocNode::Kind::Nest;
        n.left = d;
        n.indent = indent;
        return add(std::move(n));
    }
    DocId brk(std::string s, bool flex) {
        DocNode n;
        n.kind = DocNode::Kind::Break;
        n.text = std::move(s);
        n.flex = flex;
        return add(std::move(n));
    }
    DocId group(DocId d) {
        DocNode n;
        n.kind = DocNode::Kind::Group;
        n.left = d;
        return add(std::move(n));
    }
    DocId glue(DocId a, std::string s, DocId b) {
        return cons(a, cons(brk(std::move(s), false), b));
    }
    DocId flex_glue(DocId a, std::string s, DocId b) {
        return cons(a, cons(brk(std::move(s), true), b));
    }

    /// Inspect.Algebra's simple?/1: only text (and the empty doc) joined by concatenation.
    bool simple(DocId d) const { return nodes_[d].simple; }

    size_t size() const { return nodes_.size(); }
    /// Drops the nodes made since size() was `mark` (the inspector's planning pass).
    void truncate(size_t mark) { nodes_.resize(mark); }

    const DocNode& operator[](DocId id) const { return nodes_[id]; }

    /// Inspect.Algebra.format/2, rendered to a string. width < 0 means :infinity.
    std::string format(DocId doc, int64_t width) const;

  private:
    DocId add(DocNode n) {
        switch (n.kind) {
            case DocNode::Kind::Nil:
            case DocNode::Kind::Text:
                break;
            case DocNode::Kind::Cons:
                n.simple = nodes_[n.left].simple && nodes_[n.right].simple;
                n.has_break = nodes_[n.left].has_break || nodes_[n.right].has_break;
                break;
            case DocNode::Kind::Break:
                n.simple = false;
                n.has_break = true;
                break;
            case DocNode::Kind::Nest:
            case DocNode::Kind::Group:
                n.simple = false;
                n.has_break = nodes_[n.left].has_break;
                break;
        }
        nodes_.push_back(std::move(n));
        return static_cast<DocId>(nodes_.size() - 1);
    }

    enum class Mode : uint8_t { Flat, Break };
    struct Entry {
        int64_t indent;
        Mode mode;
        DocId doc;
    };
    bool fits(int64_t width, int64_t column, bool seen_break, Entry first,
              const std::vector<Entry>* rest) const;

    std::vector<DocNode> nodes_;
};

// fits?/4 of Inspect.Algebra. A document only fails to fit once it overflows after a break
// (without a break there is no better layout). Nested groups restore the "seen a break" flag when
// they end, which the {:tail, b?, t} entries do in Elixir; here a marker entry does.
bool Docs::fits(int64_t width, int64_t column, bool seen_break, Entry first,
                const std::vector<Entry>* rest) const {
    struct Item {
        Entry entry;
        bool is_tail;  // restores seen_break to `tail_value`
        bool tail_value;
    };
    // Without a break inside (and nothing after it) a document always fits: skip the walk, which
    // for deeply nested text would make formatting quadratic.
    if (!rest && !seen_break && !nodes_[first.doc].has_break) return true;
    std::vector<Item> stack;
    stack.push_back({first, false, false});
    size_t rest_index = rest ? rest->size() : 0;  // next entry of `rest` to read is rest_index - 1
    while (true) {
        if (column > width && seen_break) return false;
        if (stack.empty()) {
            if (rest_index == 0) return true;
            stack.push_back({(*rest)[--rest_index], false, false});
            continue;
        }
        Item item = stack.back();
        stack.pop_back();
        if (item.is_tail) {
            seen_break = item.tail_value;
            continue;
        }
        const Entry& e = item.entry;
        const DocNode& n = nodes_[e.doc];
        switch (n.kind) {
            case DocNode::Kind::Nil:
                break;
            case DocNode::Kind::Text:
                column += static_cast<int64_t>(n.text.size());
                break;
            case DocNode::Kind::Break:
                if (e.mode == Mode::Break) return true;
                column += static_cast<int64_t>(n.text.size());
                seen_break = true;
                break;
            case DocNode::Kind::Nest:
                stack.push_back({{e.indent + n.indent, e.mode, n.left}, false, false});
                break;
            case DocNode::Kind::Cons:
                stack.push_back({{e.indent, e.mode, n.right}, false, false});
                stack.push_back({{e.indent, e.mode, n.left}, false, false});
                break;
            case DocNode::Kind::Group:
                stack.push_back({{}, true, seen_break});
                stack.push_back({{e.indent, Mode::Flat, n.left}, false, false});
                break;
        }
    }
}

std::string Docs::format(DocId doc, int64_t width) const {
    const bool infinite = width < 0;
    if (infinite) width = kInfinity;
    std::string out;
    int64_t column = 0;
    std::vector<Entry> stack;
    stack.push_back({0, Mode::Flat, doc});
    auto newline = [&](int64_t indent) {
        out.push_back('\n');
        out.append(static_cast<size_t>(indent), ' ');
        column = indent;
    };
    while (!stack.empty()) {
        Entry e = stack.back();
        stack.pop_back();
        const DocNode& n = nodes_[e.doc];
        switch (n.kind) {
            case DocNode::Kind::Nil:
                break;
            case DocNode::Kind::Text:
                out += n.text;
                column += static_cast<int64_t>(n.text.size());
                break;
            case DocNode::Kind::Cons:
                stack.push_back({e.indent, e.mode, n.right});
                stack.push_back({e.indent, e.mode, n.left});
                break;
            case DocNode::Kind::Nest:
                stack.push_back({e.indent + n.indent, e.mode, n.left});
                break;
            case DocNode::Kind::Break:
                if (n.flex) {
                    int64_t after = column + static_cast<int64_t>(n.text.size());
                    if (infinite || e.mode == Mode::Flat ||
                        fits(width, after, true, {0, Mode::Flat, Docs::nil}, &stack)) {
                        out += n.text;
                        column = after;
                    } else {
                        newline(e.indent);
                    }
                } else if (e.mode == Mode::Break) {
                    newline(e.indent);
                } else {
                    out += n.text;
                    column += static_cast<int64_t>(n.text.size());
                }
                break;
            case DocNode::Kind::Group:
                if (infinite || fits(width, column, false, {e.indent, Mode::Flat, n.left}, nullptr))
                    stack.push_back({e.indent, Mode::Flat, n.left});
                else
                    stack.push_back({e.indent, Mode::Break, n.left});
                break;
        }
    }
    return out;
}

// --- atoms -----------------------------------------------------------------------------------

bool is_lower_start(unsigned char c) {
    return (c >= 'a' && c <= 'z') || c == '_';
}
bool is_upper(unsigned char c) {
    return c >= 'A' && c <= 'Z';
}
bool is_ident_continue(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool in_list(std::string_view s, std::initializer_list<std::string_view> list) {
    return std::find(list.begin(), list.end(), s) != list.end();
}

bool is_operator(std::string_view s) {
    // Code.Identifier.unary_op/1 and binary_op/1 of Elixir 1.14 (`//` is not a callable operator).
    return in_list(s, {"&",    "!",   "^",  "not", "+",   "-",   "~~~", "@",   "<-",  "\\\\",
                       "when", "::",  "|",  "=",   "||",  "|||", "or",  "&&",  "&&&", "and",
                       "==",   "!=",  "=~", "===", "!==", "<",   "<=",  ">=",  ">",   "|>",
                       "<<<",  ">>>", "<~", "~>",  "<<~", "~>>", "<~>", "<|>", "in",  "^^^",
                       "++",   "--",  "..", "<>",  "+++", "---", "*",   "/",   "**",  "."});
}

bool valid_alias(std::string_view s) {
    if (s.substr(0, 6) != "Elixir") return false;
    size_t i = 6;
    while (i < s.size()) {
        if (s[i] != '.' || i + 1 >= s.size() || !is_upper(static_cast<unsigned char>(s[i + 1])))
            return false;
        i += 2;
        while (i < s.size() && is_ident_continue(static_cast<unsigned char>(s[i]))) ++i;
    }
    return true;
}

enum class AtomClass { NotCallable, QuotedOperator, UnquotedOperator, Alias, Identifier, Other };

// Elixir's identifier tokenizer, ASCII rules plus non-ASCII letters accepted as identifier
// characters. Returns {tokenized whole string, kind is identifier (not alias), contains '@'}.
struct Tokenized {
    bool complete = false;
    bool identifier = false;
    bool has_at = false;
};

Tokenized tokenize_identifier(std::string_view s) {
    Tokenized t;
    if (s.empty()) return t;
    auto c0 = static_cast<unsigned char>(s[0]);
    bool upper = is_upper(c0);
    if (!(is_lower_start(c0) || upper || c0 >= 0x80)) return t;
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        if (is_ident_continue(c) || c >= 0x80) {
            ++i;
        } else if (c == '@') {
            t.has_at = true;
            ++i;
        } else {
            break;
        }
    }
    if (i < s.size() && (s[i] == '?' || s[i] == '!')) ++i;
    t.complete = i == s.size();
    t.identifier = !upper;
    return t;
}

AtomClass classify(std::string_view s) {
    if (in_list(s, {"%", "%{}", "{}", "<<>>", "...", "..", ".", "..//", "->"}))
        return AtomClass::NotCallable;
    if (in_list(s, {"::", "^^^", "~~~", "<|>"})) return AtomClass::QuotedOperator;
    if (is_operator(s)) return AtomClass::UnquotedOperator;
    if (valid_alias(s)) return AtomClass::Alias;
    Tokenized t = tokenize_identifier(s);
    if (!t.complete) return AtomClass::Other;
    if (!t.identifier || t.has_at) return AtomClass::NotCallable;
    return AtomClass::Identifier;
}

// --- strings ---------------------------------------------------------------------------------

/// Decodes one UTF-8 code point at s[i]; returns its length or 0 if invalid.
size_t decode_utf8(std::string_view s, size_t i, uint32_t& cp) {
    auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    size_t len;
    uint32_t min;
    if ((b0 & 0xE0) == 0xC0) {
        len = 2, cp = b0 & 0x1F, min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3, cp = b0 & 0x0F, min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4, cp = b0 & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (i + len > s.size()) return 0;
    for (size_t k = 1; k < len; ++k) {
        auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

bool printable_codepoint(uint32_t cp) {
    return (cp >= 0x20 && cp <= 0x7E) || (cp >= 0xA0 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

bool printable_control(uint32_t cp) {
    // \n \r \t \v \b \f \e \d \a
    return cp == '\n' || cp == '\r' || cp == '\t' || cp == '\v' || cp == '\b' || cp == '\f' ||
           cp == 27 || cp == 127 || cp == 7;
}

/// String.printable?(bytes, limit): only the first `limit` characters are checked.
bool string_printable(std::string_view s, int64_t limit) {
    size_t i = 0;
    int64_t counter = limit;
    while (true) {
        if (counter == 0) return true;
        if (i >= s.size()) return true;
        uint32_t cp;
        size_t len = decode_utf8(s, i, cp);
        if (len == 0) return false;
        if (!(printable_codepoint(cp) || printable_control(cp))) return false;
        i += len;
        if (counter > 0) --counter;
    }
}

const char kHex[] = "0123456789ABCDEF";

void append_hex(std::string& out, uint32_t v, int digits) {
    for (int k = digits - 1; k >= 0; --k) out.push_back(kHex[(v >> (4 * k)) & 0xF]);
}

/// Code.Identifier.escape/3 with the default escape map: escapes `quote`, `#{`, control
/// characters and non-printables; stops after `limit` characters (negative = no limit).
/// Returns whether everything was consumed.
bool escape_into(std::string& out, std::string_view s, char quote, int64_t limit) {
    size_t i = 0;
    int64_t counter = limit;
    while (i < s.size()) {
        if (counter == 0) return false;
        if (counter > 0) --counter;
        auto c = static_cast<unsigned char>(s[i]);
        if (c == static_cast<unsigned char>(quote)) {
            out.push_back('\\');
            out.push_back(quote);
            ++i;
            continue;
        }
        if (c == '#' && i + 1 < s.size() && s[i + 1] == '{') {
            out += "\\#{";
            i += 2;
            continue;
        }
        uint32_t cp;
        size_t len = decode_utf8(s, i, cp);
        if (len == 0) {
            out += "\\x";
            append_hex(out, c, 2);
            ++i;
            continue;
        }
        i += len;
        switch (cp) {
            case 7:
                out += "\\a";
                continue;
            case '\b':
                out += "\\b";
                continue;
            case 127:
                out += "\\d";
                continue;
            case 27:
                out += "\\e";
                continue;
            case '\f':
                out += "\\f";
                continue;
            case '\n':
                out += "\\n";
                continue;
            case '\r':
                out += "\\r";
                continue;
            case '\t':
                out += "\\t";
                continue;
            case '\v':
                out += "\\v";
                continue;
            case '\\':
                out += "\\\\";
                continue;
            default:
                break;
        }
        if (cp == 0) {
            out += "\\0";
        } else if (cp == 0xFEFF) {
            out += "\\uFEFF";
        } else if (printable_codepoint(cp)) {
            append_utf8(out, cp);
        } else if (cp < 0x100) {
            out += "\\x";
            append_hex(out, cp, 2);
        } else if (cp < 0x10000) {
            out += "\\x{";
            append_hex(out, cp, 4);
            out += "}";
        } else {
            out += "\\x{";
            append_hex(out, cp, 6);
            out += "}";
        }
    }
    return true;
}

std::string quote_string(std::string_view s, char quote) {
    std::string out;
    escape_into(out, s, quote, -1);
    return out;
}

// --- integers ----------------------------------------------------------------------------------

std::string integer_text(int64_t v, InspectOptions::Base base) {
    if (base == InspectOptions::Base::Decimal) return std::to_string(v);
    int radix = base == InspectOptions::Base::Binary  ? 2
                : base == InspectOptions::Base::Octal ? 8
                                                      : 16;
    const char* prefix = base == InspectOptions::Base::Binary  ? "0b"
                         : base == InspectOptions::Base::Octal ? "0o"
                                                               : "0x";
    uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
    std::string digits;
    do {
        digits.push_back(kHex[magnitude % static_cast<uint64_t>(radix)]);
        magnitude /= static_cast<uint64_t>(radix);
    } while (magnitude);
    std::reverse(digits.begin(), digits.end());
    return (v < 0 ? "-" : "") + std::string(prefix) + digits;
}

std::string big_integer_text(const Term& v, InspectOptions::Base base) {
    if (base == InspectOptions::Base::Decimal) return integer::to_string(v, 10);
    int radix = base == InspectOptions::Base::Binary  ? 2
                : base == InspectOptions::Base::Octal ? 8
                                                      : 16;
    const char* prefix = radix == 2 ? "0b" : radix == 8 ? "0o" : "0x";
    std::string digits = integer::to_string(integer::abs(v), radix);
    return (integer::sign(v) < 0 ? "-" : "") + std::string(prefix) + digits;
}

// --- the Inspect protocol ----------------------------------------------------------------------

int64_t decrement(int64_t limit) {
    return limit < 0 ? limit : limit - 1;
}

bool is_keyword_pair(const Term& t) {
    if (!t.is_tuple(2) || !t.element(0).is_atom()) return false;
    return t.element(0).as_atom().name().substr(0, 7) != "Elixir.";
}

/// Inspect.List.keyword?/1.
bool is_keyword_list(const Term& list) {
    ListIterator it(list);
    for (; !it.done(); ++it)
        if (!is_keyword_pair(*it)) return false;
    return it.rest().is_empty_list();
}

/// List.ascii_printable?(list, limit).
bool ascii_printable_list(const Term& list, int64_t limit) {
    ListIterator it(list);
    int64_t counter = limit;
    for (; !it.done(); ++it) {
        if (counter == 0) return true;
        const Term& c = *it;
        if (!c.is_integer()) return false;
        int64_t v = c.as_integer();
        if (!((v >= 7 && v <= 13) || v == 27 || (v >= 32 && v <= 126))) return false;
        if (counter > 0) --counter;
    }
    return counter == 0 || it.rest().is_empty_list();
}

std::mutex script_path_mutex;
std::string script_path;  // guarded by script_path_mutex

std::string script_display_path() {
    std::lock_guard lock(script_path_mutex);
    return script_path;
}

uint32_t module_hash(std::string_view name) {
    // A stable stand-in for the BEAM's per-module `uniq` shown in #Function<...>.
    uint32_t h = 2166136261u;
    for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    return h % 134217728u;
}

// Builds the document of a term without recursing on the C++ stack: to_doc() walks the term with
// a heap stack of frames. Each container is visited twice by the same builder code: a planning
// pass whose child() calls only record which children (and with which limit) the builder wants,
// then, once those children's documents exist, a building pass whose child() calls hand them out
// in the same order. The planning pass's scratch documents are dropped.
class Inspector {
  public:
    explicit Inspector(const InspectOptions& options)
        : opts_(options), placeholder_(docs_.text("_")) {}

    DocId to_doc(const Term& t, int64_t limit);
    Docs& docs() { return docs_; }

  private:
    struct ChildRequest {
        Term term;
        int64_t limit;
        InspectOptions::Charlists charlists;
    };
    /// The document of one node; its children come from child().
    DocId node_doc(const Term& t, int64_t limit);
    DocId child(const Term& t, int64_t limit) {
        if (planning_) {
            requests_->push_back({t, limit, opts_.charlists});
            return placeholder_;
        }
        return (*child_docs_)[next_child_++];
    }

    struct ContainerItem {
        const Term* term;
        const Term* value = nullptr;  // struct fields: the value; `term` is then the field atom
    };
    enum class Break { Strict, Flex, Maybe };
    enum class ItemKind { Plain, Keyword, Assoc };

    DocId container(std::string left, const std::vector<const Term*>& items,
                    const Term* improper_tail, std::string right, int64_t limit, Break brk,
                    ItemKind kind);
    DocId item_doc(const Term& item, int64_t limit, ItemKind kind);
    DocId keyword_doc(std::string_view key_text, const Term& value, int64_t limit);
    DocId list_doc(const Term& t, int64_t limit, InspectOptions::Charlists charlists);
    DocId map_doc(const Term& t, int64_t limit, std::string_view name);
    DocId struct_doc(const Term& t, int64_t limit);
    DocId binary_doc(std::string_view bytes, int64_t limit, unsigned trailing_bits = 0);
    DocId fun_doc(const FunObject& f);

    InspectOptions opts_;
    Docs docs_;
    DocId placeholder_;  // what child() returns while planning: a non-empty text, like any doc
    bool planning_ = false;
    std::vector<ChildRequest>* requests_ = nullptr;
    const std::vector<DocId>* child_docs_ = nullptr;
    size_t next_child_ = 0;
};

DocId Inspector::to_doc(const Term& root, int64_t limit) {
    auto is_leaf = [](const Term& t) { return !(t.is_tuple() || t.is_map() || t.is_cons()); };
    if (is_leaf(root)) return node_doc(root, limit);
    struct Frame {
        Term term;
        int64_t limit;
        InspectOptions::Charlists charlists;
        std::vector<ChildRequest> requests;
        std::vector<DocId> docs;
    };
    const InspectOptions::Charlists saved = opts_.charlists;
    auto plan = [&](Frame& f) {
        opts_.charlists = f.charlists;
        planning_ = true;
        requests_ = &f.requests;
        const size_t mark = docs_.size();
        (void)node_doc(f.term, f.limit);
        docs_.truncate(mark);
        planning_ = false;
        requests_ = nullptr;
    };
    auto build = [&](const Term& t, int64_t l, InspectOptions::Charlists charlists,
                     const std::vector<DocId>* docs) {
        opts_.charlists = charlists;
        child_docs_ = docs;
        next_child_ = 0;
        return node_doc(t, l);
    };
    std::vector<Frame> stack;
    stack.push_back({root, limit, saved, {}, {}});
    plan(stack.back());
    DocId result = Docs::nil;
    for (;;) {
        Frame& top = stack.back();
        if (top.docs.size() < top.requests.size()) {
            ChildRequest next = top.requests[top.docs.size()];
            if (is_leaf(next.term)) {
                top.docs.push_back(build(next.term, next.limit, next.charlists, nullptr));
                continue;
            }
            stack.push_back({std::move(next.term), next.limit, next.charlists, {}, {}});
            plan(stack.back());
            continue;
        }
        const DocId done = build(top.term, top.limit, top.charlists, &top.docs);
        stack.pop_back();
        if (stack.empty()) {
            result = done;
            break;
        }
        stack.back().docs.push_back(done);
    }
    opts_.charlists = saved;
    return result;
}

DocId Inspector::keyword_doc(std::string_view key_text, const Term& value, int64_t limit) {
    const DocId value_doc = child(value, limit);
    return docs_.cons(docs_.text(std::string(key_text)), docs_.cons(docs_.text(" "), value_doc));
}

DocId Inspector::item_doc(const Term& item, int64_t limit, ItemKind kind) {
    switch (kind) {
        case ItemKind::Plain:
            return child(item, limit);
        case ItemKind::Keyword:
            return keyword_doc(inspect_atom_key(item.element(0).as_atom()) + ":", item.element(1),
                               limit);
        case ItemKind::Assoc: {
            const DocId key = child(item.element(0), limit);
            const DocId value = child(item.element(1), limit);
            return docs_.cons(docs_.cons(key, docs_.text(" => ")), value);
        }
    }
    return Docs::nil;
}

// Inspect.Algebra.container_doc/6.
DocId Inspector::container(std::string left, const std::vector<const Term*>& items,
                           const Term* improper_tail, std::string right, int64_t limit, Break brk,
                           ItemKind kind) {
    if (items.empty()) return docs_.text(left + right);
    std::vector<DocId> parts;
    bool simple = brk == Break::Maybe;
    size_t i = 0;
    for (; i < items.size(); ++i) {
        if (limit == 0) {
            parts.push_back(docs_.text("..."));
            break;
        }
        bool last_before_tail = improper_tail && i + 1 == items.size();
        if (last_before_tail) {
            limit = decrement(limit);
            DocId l = item_doc(*items[i], limit, kind);
            DocId r = child(*improper_tail, limit);
            simple = simple && docs_.simple(l) && docs_.simple(r);
            DocId joined = simple ? docs_.flex_glue(docs_.cons(l, docs_.text(" |")), " ", r)
                                  : docs_.glue(docs_.cons(l, docs_.text(" |")), " ", r);
            parts.push_back(joined);
            break;
        }
        int64_t new_limit = decrement(limit);
        DocId d = item_doc(*items[i], new_limit, kind);
        if (d != Docs::nil) limit = new_limit;
        simple = simple && docs_.simple(d);
        parts.push_back(d);
    }
    bool flex = simple || brk == Break::Flex;
    // fold_doc(docs, &join(&1, &2, flex?, separator)), from the right.
    DocId acc = parts.back();
    for (size_t k = parts.size() - 1; k-- > 0;) {
        DocId l = parts[k];
        if (l == Docs::nil) continue;
        if (acc == Docs::nil) {
            acc = l;
            continue;
        }
        DocId with_sep = docs_.cons(l, docs_.text(","));
        acc = flex ? docs_.flex_glue(with_sep, " ", acc) : docs_.glue(with_sep, " ", acc);
    }
    DocId open = docs_.text(std::move(left));
    DocId close = docs_.text(std::move(right));
    if (flex) return docs_.group(docs_.cons(docs_.cons(open, docs_.nest(acc, 1)), close));
    return docs_.group(docs_.glue(docs_.nest(docs_.glue(open, "", acc), 2), "", close));
}

DocId Inspector::binary_doc(std::string_view bytes, int64_t limit, unsigned trailing_bits) {
    bool as_string = trailing_bits == 0 && opts_.base == InspectOptions::Base::Decimal &&
                     (opts_.binaries == InspectOptions::Binaries::AsStrings ||
                      (opts_.binaries == InspectOptions::Binaries::Infer &&
                       string_printable(bytes, opts_.printable_limit)));
    if (as_string) {
        std::string out = "\"";
        bool complete = escape_into(out, bytes, '"', opts_.printable_limit);
        out += complete ? "\"" : "\" <> ...";
        return docs_.text(std::move(out));
    }
    if (bytes.empty()) return docs_.text("<<>>");
    // each_bit/3: flex-glued "n," items, "..." once the limit is spent.
    std::vector<DocId> items;
    int64_t counter = limit;
    size_t i = 0;
    for (; i < bytes.size(); ++i) {
        if (counter == 0) {
            items.push_back(docs_.text("..."));
            break;
        }
        unsigned byte = static_cast<unsigned char>(bytes[i]);
        std::string n;
        if (trailing_bits != 0 && i + 1 == bytes.size()) {
            // Elixir prints the last, partial byte as value::size(bits)
            n = integer_text(byte >> (8 - trailing_bits), opts_.base) + "::size(" +
                std::to_string(trailing_bits) + ")";
        } else {
            n = integer_text(byte, opts_.base);
        }
        if (i + 1 == bytes.size()) {
            items.push_back(docs_.text(std::move(n)));
        } else {
            items.push_back(docs_.text(n + ","));
        }
        counter = decrement(counter);
    }
    DocId inner = items.back();
    for (size_t k = items.size() - 1; k-- > 0;) inner = docs_.flex_glue(items[k], " ", inner);
    return docs_.group(
        docs_.cons(docs_.cons(docs_.text("<<"), docs_.nest(inner, 2)), docs_.text(">>")));
}

DocId Inspector::list_doc(const Term& t, int64_t limit, InspectOptions::Charlists charlists) {
    if (t.is_empty_list()) return docs_.text("[]");
    if (charlists == InspectOptions::Charlists::AsCharlists ||
        (charlists == InspectOptions::Charlists::Infer &&
         ascii_printable_list(t, opts_.printable_limit))) {
        std::string chars;
        for (ListIterator it(t); !it.done(); ++it)
            if ((*it).is_integer()) append_utf8(chars, static_cast<uint32_t>((*it).as_integer()));
        std::string out = "'";
        bool complete = escape_into(out, chars, '\'', opts_.printable_limit);
        out += complete ? "'" : "' ++ ...";
        return docs_.text(std::move(out));
    }
    std::vector<const Term*> items;
    ListIterator it(t);
    for (; !it.done(); ++it) items.push_back(&*it);
    const Term* tail = it.rest().is_empty_list() ? nullptr : &it.rest();
    if (!tail && is_keyword_list(t))
        return container("[", items, nullptr, "]", limit, Break::Strict, ItemKind::Keyword);
    return container("[", items, tail, "]", limit, Break::Maybe, ItemKind::Plain);
}

DocId Inspector::map_doc(const Term& t, int64_t limit, std::string_view name) {
    std::vector<Term> pairs;
    pairs.reserve(t.map_size());
    bool keyword = true;
    for (const auto& [k, v] : t.map_object()) {
        pairs.push_back(Term::tuple({k, v}));
        if (!is_keyword_pair(pairs.back())) keyword = false;
    }
    std::vector<const Term*> items;
    for (const auto& p : pairs) items.push_back(&p);
    return container("%" + std::string(name) + "{", items, nullptr, "}", limit, Break::Strict,
                     keyword ? ItemKind::Keyword : ItemKind::Assoc);
}

DocId Inspector::struct_doc(const Term& t, int64_t limit) {
    const Term* module_term = t.map_find(Term::atom(atom::struct_));
    Atom module = module_term->as_atom();
    std::string_view name = module.name();
    auto field = [&](std::string_view f) -> const Term* { return t.map_find(Term::atom(f)); };

    if (auto text = calendar_inspect(t)) return docs_.text(std::move(*text));
    if (name == "Elixir.Date.Range") {
        const Term *first = field("first"), *last = field("last"), *step = field("step");
        if (first && last && step && step->is_integer()) {
            auto a = calendar_inspect(*first);
            auto b = calendar_inspect(*last);
            if (a && b) {
                std::string out = "Date.range(" + *a + ", " + *b;
                if (step->as_integer() != 1) out += ", " + std::to_string(step->as_integer());
                return docs_.text(out + ")");
            }
        }
    }
    if (name == "Elixir.Range") {
        const Term *first = field("first"), *last = field("last"), *step = field("step");
        if (first && last && step && t.map_size() == 4) {
            const DocId first_doc = child(*first, limit);
            const DocId last_doc = child(*last, limit);
            if (step->is_integer() && step->as_integer() == 1 && compare(*last, *first) >= 0)
                return docs_.concat({first_doc, docs_.text(".."), last_doc});
            const DocId step_doc = child(*step, limit);
            return docs_.concat(
                {first_doc, docs_.text(".."), last_doc, docs_.text("//"), step_doc});
        }
    } else if (name == "Elixir.MapSet") {
        const Term* set = field("map");
        if (set && set->is_map()) {
            std::vector<Term> keys;
            keys.reserve(set->map_size());
            for (const auto& entry : set->map_object()) keys.push_back(entry.first);
            Term elements = Term::list(keys);
            // MapSet's Inspect implementation forces charlists: :as_lists for its elements.
            auto saved = opts_.charlists;
            opts_.charlists = InspectOptions::Charlists::AsLists;
            DocId list = list_doc(elements, limit, opts_.charlists);
            opts_.charlists = saved;
            return docs_.concat({docs_.text("MapSet.new("), list, docs_.text(")")});
        }
    } else if (name == "Elixir.Regex") {
        const Term *source = field("source"), *ropts = field("opts");
        if (source && source->is_binary() && ropts && ropts->is_binary()) {
            // normalize/2 drops the backslash of `\/`, then escape/4 escapes `/` and control chars.
            std::string normalized;
            std::string_view src = source->binary_view();
            for (size_t k = 0; k < src.size(); ++k) {
                if (src[k] == '\\' && k + 1 < src.size() && src[k + 1] == '\\') {
                    normalized += "\\\\";
                    ++k;
                } else if (src[k] == '\\' && k + 1 < src.size() && src[k + 1] == '/') {
                    normalized += '/';
                    ++k;
                } else {
                    normalized += src[k];
                }
            }
            std::string out = "~r/";
            for (size_t k = 0; k < normalized.size(); ++k) {
                char c = normalized[k];
                switch (c) {
                    case '/':
                        out += "\\/";
                        break;
                    case '\a':
                        out += "\\a";
                        break;
                    case '\f':
                        out += "\\f";
                        break;
                    case '\n':
                        out += "\\n";
                        break;
                    case '\r':
                        out += "\\r";
                        break;
                    case '\t':
                        out += "\\t";
                        break;
                    case '\v':
                        out += "\\v";
                        break;
                    case '#':
                        if (k + 1 < normalized.size() && normalized[k + 1] == '{') {
                            out += "\\#{";
                            ++k;
                        } else {
                            out += '#';
                        }
                        break;
                    default:
                        if (static_cast<unsigned char>(c) < 0x80) {
                            out += c;
                        } else if (uint32_t cp = 0; size_t n = decode_utf8(normalized, k, cp)) {
                            out.append(normalized, k, n);
                            k += n - 1;
                        } else {
                            // A byte that is not UTF-8 is escaped as \xHH.
                            constexpr char hex[] = "0123456789ABCDEF";
                            out += "\\x";
                            out += hex[static_cast<unsigned char>(c) >> 4];
                            out += hex[static_cast<unsigned char>(c) & 0xF];
                        }
                }
            }
            out += "/";
            out += ropts->binary_view();
            return docs_.text(std::move(out));
        }
        // Compiled from a list of :re options: Inspect.Regex shows the call that builds it.
        if (source && source->is_binary() && ropts && ropts->is_list())
            return docs_.concat({docs_.text("Regex.compile!("), to_doc(*source, limit),
                                 docs_.text(", "), to_doc(*ropts, limit), docs_.text(")")});
    }

    auto def = find_struct_definition(module);
    if (!def) return map_doc(t, limit, "");
    // Map.keys(dunder) == Map.keys(struct): the struct must have exactly the defined fields.
    size_t expected = def->fields.size() + 1 + (def->exception ? 1 : 0);
    bool same_keys = t.map_size() == expected;
    if (same_keys && def->exception) {
        const Term* e = t.map_find(Term::atom(atom::exception_));
        same_keys = e != nullptr;
    }
    std::vector<Term> pairs;
    for (Atom f : def->fields) {
        const Term* v = t.map_find(Term::atom(f));
        if (!v) {
            same_keys = false;
            break;
        }
        bool at_default = false;
        for (const auto& [opt_field, opt_default] : def->optional)
            if (opt_field == f && exact_equal(*v, opt_default)) at_default = true;
        if (at_default) continue;
        pairs.push_back(Term::tuple({Term::atom(f), *v}));
    }
    if (!same_keys) return map_doc(t, limit, "");
    std::vector<const Term*> items;
    for (const auto& p : pairs) items.push_back(&p);
    return container("%" + inspect_atom(module) + "{", items, nullptr, "}", limit, Break::Strict,
                     ItemKind::Keyword);
}

DocId Inspector::fun_doc(const FunObject& f) {
    std::string module = inspect_atom(f.module);
    if (f.kind == FunObject::Kind::External) {
        return docs_.text("&" + module + "." + inspect_atom_remote(f.name) + "/" +
                          std::to_string(f.arity));
    }
    std::string uniq =
        std::to_string(f.unique) + "." + std::to_string(module_hash(f.module.name()));
    // Inspect.Function: a fun of the script's own top-level code names the file, not the module.
    if (f.module.name().starts_with("elixir_compiler_")) {
        std::string path = script_display_path();
        if (!path.empty()) return docs_.text("#Function<" + uniq + " in file:" + path + ">");
    }
    std::string text = "#Function<" + uniq + "/" + std::to_string(f.arity) + " in " + module;
    // The enclosing function: Elixir shows "Mod.run/0" for a fun named "-run/0-fun-0-". We accept
    // the BEAM name, "run/0", or a bare "run".
    std::string_view name = f.name.name();
    if (!name.empty() && name != "nil") {
        if (name[0] == '-' && name.find("-fun-") != std::string_view::npos) {
            std::string_view inner = name.substr(1, name.find("-fun-") - 1);
            size_t slash = inner.rfind('/');
            if (slash != std::string_view::npos)
                text += "." + inspect_atom_remote(Atom::intern(inner.substr(0, slash))) +
                        std::string(inner.substr(slash));
            else
                text += "." + std::string(inner);
        } else if (size_t slash = name.rfind('/'); slash != std::string_view::npos && slash > 0) {
            text += "." + inspect_atom_remote(Atom::intern(name.substr(0, slash))) +
                    std::string(name.substr(slash));
        } else {
            text += "." + inspect_atom_remote(f.name);
        }
    }
    text += ">";
    return docs_.text(std::move(text));
}

DocId Inspector::node_doc(const Term& t, int64_t limit) {
    switch (t.type()) {
        case TermType::Integer:
            return docs_.text(integer_text(t.as_integer(), opts_.base));
        case TermType::BigInt:
            return docs_.text(big_integer_text(t, opts_.base));
        case TermType::Float:
            return docs_.text(format_float(t.as_float()));
        case TermType::Atom:
            return docs_.text(inspect_atom(t.as_atom()));
        case TermType::Reference:
            return docs_.text("#Reference<0.0.0." + std::to_string(t.as_reference().id) + ">");
        case TermType::Pid: {
            Pid p = t.as_pid();
            return docs_.text("#PID<" + std::to_string(p.node) + "." + std::to_string(p.serial) +
                              ".0>");
        }
        case TermType::Fun:
            return fun_doc(t.fun());
        case TermType::Tuple: {
            // A struct's custom Inspect implementation, already rendered by the scenario
            // prelude (Inspect.Tasklens.prepare/2), is printed as it is. Three elements, so that
            // a list of them is never taken for a keyword list.
            static const Atom rendered = Atom::intern("$tasklens_inspected");
            if (t.is_tuple(3) && t.element(0).is_atom(rendered) && t.element(1).is_binary() &&
                t.element(2).is_atom(rendered))
                return docs_.text(std::string(t.element(1).binary_view()));
            std::vector<const Term*> items;
            for (const Term& e : t.tuple_items()) items.push_back(&e);
            return container("{", items, nullptr, "}", limit, Break::Flex, ItemKind::Plain);
        }
        case TermType::Map: {
            const Term* s = t.map_find(Term::atom(atom::struct_));
            if (opts_.structs && s && s->is_atom()) return struct_doc(t, limit);
            return map_doc(t, limit, "");
        }
        case TermType::Nil:
        case TermType::List:
            return list_doc(t, limit, opts_.charlists);
        case TermType::Binary:
            return binary_doc(t.binary_view(), limit);
        case TermType::Bitstring:
            return binary_doc(t.binary_view(), limit, static_cast<unsigned>(t.bit_size() % 8));
    }
    return Docs::nil;
}

}  // namespace

// --- public API ----------------------------------------------------------------------------------

std::string inspect_atom(Atom a) {
    std::string_view s = a.name();
    if (s == "nil" || s == "true" || s == "false") return std::string(s);
    switch (classify(s)) {
        case AtomClass::Alias:
            if (s == "Elixir" || s == "Elixir.Elixir" || s.substr(0, 14) == "Elixir.Elixir.")
                return std::string(s);
            return std::string(s.substr(7));
        case AtomClass::QuotedOperator:
        case AtomClass::Other:
            return ":\"" + quote_string(s, '"') + "\"";
        default:
            return ":" + std::string(s);
    }
}

std::string inspect_atom_key(Atom a) {
    std::string_view s = a.name();
    switch (classify(s)) {
        case AtomClass::Alias:
            return "\"" + std::string(s) + "\"";
        case AtomClass::QuotedOperator:
        case AtomClass::Other:
            return "\"" + quote_string(s, '"') + "\"";
        default:
            return std::string(s);
    }
}

std::string inspect_atom_remote(Atom a) {
    std::string_view s = a.name();
    switch (classify(s)) {
        case AtomClass::Identifier:
        case AtomClass::UnquotedOperator:
        case AtomClass::QuotedOperator:
            return std::string(s);
        case AtomClass::NotCallable:
        case AtomClass::Alias:
            return "\"" + std::string(s) + "\"";
        case AtomClass::Other:
            return "\"" + quote_string(s, '"') + "\"";
    }
    return std::string(s);
}

std::string inspect_module(Atom module) {
    return inspect_atom(module);
}

void set_script_display_path(std::string path) {
    std::lock_guard lock(script_path_mutex);
    script_path = std::move(path);
}

std::string format_float(double value) {
    double magnitude = std::fabs(value);
    if (magnitude >= 1.0 && magnitude < 1.0e16 && std::trunc(value) == value) {
        // Elixir prints integral floats below 1.0e16 through Integer.to_string: 10000000000.0
        return std::to_string(static_cast<int64_t>(value)) + ".0";
    }
    return format_float_short(value);
}

std::string format_float_short(double value) {
    if (value == 0.0) return std::signbit(value) ? "-0.0" : "0.0";
    // The BEAM has no infinities or NaN (arithmetic raises first); never abort on one anyway.
    if (!std::isfinite(value)) return std::isnan(value) ? "nan" : (value < 0 ? "-inf" : "inf");
    // The shortest round-trip digits: value = digits × 10^exponent (what ryu calls the output
    // and its exponent).
    char buf[64];
    auto res =
        std::to_chars(buf, buf + sizeof buf, std::fabs(value), std::chars_format::scientific);
    std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));  // "1.2345e+17", "5e-324"
    size_t e_pos = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, e_pos))
        if (c != '.') digits.push_back(c);
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    const int length = static_cast<int>(digits.size());
    const int scientific_exponent = std::stoi(std::string(sci.substr(e_pos + 1)));
    const int exponent = scientific_exponent - (length - 1);
    const uint64_t output = std::stoull(digits);

    // erts' choice: fixed notation for exponents in [lower, upper] (where it is not longer),
    // except integral values of 2^53 and more, which go scientific.
    int lower = -(length + 2), upper = 1;
    if (length == 1) {
        lower = -4;
        upper = 2;
    } else if (scientific_exponent >= 10) {
        upper = 2;
    }
    bool fixed = lower <= exponent && exponent <= upper;
    if (fixed && ((output >= (1ull << 53) && exponent == 0) ||
                  (output > (1ull << 52) / 5 && exponent == 1) ||
                  (output > (1ull << 51) / 25 && exponent == 2)))
        fixed = false;

    std::string out = value < 0 ? "-" : "";
    if (!fixed) {
        out += digits.substr(0, 1) + "." + (length > 1 ? digits.substr(1) : "0") + "e" +
               std::to_string(scientific_exponent);
    } else if (exponent >= 0) {
        out += digits + std::string(static_cast<size_t>(exponent), '0') + ".0";
    } else if (int whole = length + exponent; whole > 0) {
        out += digits.substr(0, static_cast<size_t>(whole)) + "." +
               digits.substr(static_cast<size_t>(whole));
    } else {
        out += "0." + std::string(static_cast<size_t>(-whole), '0') + digits;
    }
    return out;
}

bool is_printable_string(std::string_view bytes) {
    return string_printable(bytes, -1);
}

std::string inspect(const Term& term, const InspectOptions& options) {
    Inspector inspector(options);
    DocId doc = inspector.docs().group(inspector.to_doc(term, options.limit));
    return inspector.docs().format(doc, options.pretty ? options.width : -1);
}

std::string io_inspect_text(const Term& term, std::string_view label,
                            const InspectOptions& options) {
    Inspector inspector(options);
    DocId doc = inspector.docs().group(inspector.to_doc(term, options.limit));
    std::string body = inspector.docs().format(doc, options.width);
    if (label.empty()) return body;
    return std::string(label) + ": " + body;
}

InspectOptions inspect_options_from_keywords(const Term& keywords, InspectOptions base) {
    auto limit_value = [](const Term& v, int64_t fallback) {
        if (v.is_integer()) return v.as_integer();
        if (v.is_atom(atom::infinity)) return int64_t{-1};
        return fallback;
    };
    for (ListIterator it(keywords); !it.done(); ++it) {
        const Term& pair = *it;
        if (!pair.is_tuple(2) || !pair.element(0).is_atom()) continue;
        std::string_view key = pair.element(0).as_atom().name();
        const Term& v = pair.element(1);
        std::string_view vname = v.is_atom() ? v.as_atom().name() : std::string_view{};
        if (key == "limit") {
            base.limit = limit_value(v, base.limit);
        } else if (key == "printable_limit") {
            base.printable_limit = limit_value(v, base.printable_limit);
        } else if (key == "width") {
            if (v.is_integer()) base.width = static_cast<int>(v.as_integer());
            if (v.is_atom(atom::infinity)) base.width = std::numeric_limits<int>::max() / 4;
        } else if (key == "pretty") {
            base.pretty = v.truthy();
        } else if (key == "structs") {
            base.structs = v.truthy();
        } else if (key == "charlists" || key == "char_lists") {
            if (vname == "as_lists") base.charlists = InspectOptions::Charlists::AsLists;
            if (vname == "as_charlists" || vname == "as_char_lists")
                base.charlists = InspectOptions::Charlists::AsCharlists;
            if (vname == "infer") base.charlists = InspectOptions::Charlists::Infer;
        } else if (key == "binaries") {
            if (vname == "as_binaries") base.binaries = InspectOptions::Binaries::AsBinaries;
            if (vname == "as_strings") base.binaries = InspectOptions::Binaries::AsStrings;
            if (vname == "infer") base.binaries = InspectOptions::Binaries::Infer;
        } else if (key == "base") {
            if (vname == "binary") base.base = InspectOptions::Base::Binary;
            if (vname == "octal") base.base = InspectOptions::Base::Octal;
            if (vname == "hex") base.base = InspectOptions::Base::Hex;
            if (vname == "decimal") base.base = InspectOptions::Base::Decimal;
        }
    }
    return base;
}

// --- String.Chars ----------------------------------------------------------------------------

namespace {

// Flattens chardata (binaries, code points, nested lists); false if something else is inside.
// `invalid_code_point`, when given, gets the first integer that is not a Unicode scalar value
// (above 0x10FFFF or a surrogate): :unicode.characters_to_binary's {:error, ...} case, which
// List.to_string/1 raises as UnicodeConversionError rather than ArgumentError.
bool append_chardata(std::string& out, const Term& data,
                     std::optional<int64_t>* invalid_code_point = nullptr) {
    std::vector<const Term*> stack{&data};
    while (!stack.empty()) {
        const Term* t = stack.back();
        stack.pop_back();
        if (t->is_binary()) {
            out += t->binary_view();
        } else if (t->is_integer()) {
            int64_t cp = t->as_integer();
            if (cp < 0) return false;
            if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                if (invalid_code_point) *invalid_code_point = cp;
                return false;
            }
            append_utf8(out, static_cast<uint32_t>(cp));
        } else if (t->is_cons()) {
            // Push tail first so the head is handled first.
            if (!t->tail().is_empty_list()) {
                if (!t->tail().is_list() && !t->tail().is_binary()) return false;
                stack.push_back(&t->tail());
            }
            stack.push_back(&t->head());
        } else if (!t->is_empty_list()) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::optional<std::string> try_to_string(const Term& term) {
    switch (term.type()) {
        case TermType::Integer:
            return std::to_string(term.as_integer());
        case TermType::BigInt:
            return integer::to_string(term, 10);
        case TermType::Float:
            return format_float_short(term.as_float());
        case TermType::Atom:
            if (term.is_nil()) return std::string();
            return std::string(term.as_atom().name());
        case TermType::Binary:
            return std::string(term.binary_view());
        case TermType::Nil:
        case TermType::List: {
            std::string out;
            if (append_chardata(out, term)) return out;
            return std::nullopt;
        }
        case TermType::Map: {
            // Structs with a String.Chars implementation in Elixir's standard library.
            const Term* s = term.map_find(Term::atom(atom::struct_));
            if (s && s->is_atom()) {
                std::string_view name = s->as_atom().name();
                if (name == "Elixir.Range" || name == "Elixir.Regex") return std::nullopt;
                CalendarKind kind{};
                if (auto text = calendar_text(term, kind)) return text;
            }
            return std::nullopt;
        }
        default:
            return std::nullopt;
    }
}

std::string to_string(const Term& term) {
    if (auto s = try_to_string(term)) return *std::move(s);
    if (term.is_list()) {
        std::string encoded;
        std::optional<int64_t> invalid;
        if (!append_chardata(encoded, term, &invalid) && invalid)
            throw ErlangException(
                atom::error,
                make_exception(
                    "UnicodeConversionError",
                    {{"encoded", Term::binary(encoded)},
                     {"rest", Term::integer(*invalid)},
                     {"kind", Term::atom("invalid")},
                     {"message", Term::binary("invalid code point " + std::to_string(*invalid))}}));
        // List.to_string/1 (via String.Chars.List) rejects anything that is not chardata.
        throw ErlangException(
            atom::error,
            argument_error("cannot convert the given list to a string.\n\n"
                           "To be converted to a string, a list must either be empty or only\n"
                           "contain the following elements:\n\n"
                           "  * strings\n"
                           "  * integers representing Unicode code points\n"
                           "  * a list containing one of these three elements\n\n"
                           "Please check the given list or call inspect/1 to get the list "
                           "representation, got:\n\n" +
                           inspect(term, pretty_options()) + "\n"));
    }
    Term error =
        make_exception("Protocol.UndefinedError", {{"protocol", Term::atom("Elixir.String.Chars")},
                                                   {"value", term},
                                                   {"description", Term::binary("")}});
    throw ErlangException(atom::error, std::move(error));
}

}  // namespace tasklens
