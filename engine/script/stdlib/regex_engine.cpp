// The PCRE2 side of Regex: compiling with Elixir's options, the cache of compiled patterns, and
// matching as :re.run does (match limit, global matching). See regex_support.h.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <array>
#include <map>
#include <mutex>
#include <unordered_map>

#include "engine/script/stdlib/regex_support.h"
#include "engine/script/stdlib/regex_terms.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

// :re.run's limits are PCRE's defaults: 10M calls of the matcher, and as deep. PCRE2 keeps its
// backtracking frames on the heap, not the C++ stack, so a long subject cannot overflow the stack;
// the heap they may take is capped so that one hostile pattern cannot exhaust memory.
constexpr uint32_t kMatchLimit = 10'000'000;
constexpr uint32_t kDepthLimit = 10'000'000;
constexpr uint32_t kHeapLimitKiB = 512 * 1024;

// PCRE2's compile errors (code - PCRE2's base of 100) whose PCRE 8.44 counterpart, the one
// Erlang's :re reports, has other words. Errors not listed here read the same in both, or have
// no PCRE 8.44 counterpart (then PCRE2's text is given).
const std::map<int, std::string_view>& pcre1_texts() {
    static const std::map<int, std::string_view> texts{
        {7, "invalid escape sequence in character class"},
        {9, "nothing to repeat"},
        {13, "POSIX collating elements are not supported"},
        {14, "missing )"},
        {18, "missing ) after comment"},
        {19, "parentheses are too deeply nested"},
        {21, "failed to get memory"},
        {22, "unmatched parentheses"},
        {27, "conditional group contains more than two branches"},
        {33, "parentheses are too deeply nested (stack check)"},
        {34, "character value in \\x{} or \\o{} is too large"},
        {36, "\\C not allowed in lookbehind assertion"},
        {37, "PCRE does not support \\L, \\l, \\N{name}, \\U, or \\u"},
        {38, "number after (?C is > 255"},
        {39, "closing ) for (?C expected"},
        {42, "syntax error in subpattern name (missing terminator)"},
        {43, "two named subpatterns have the same name"},
        {44, "group name must start with a non-digit"},
        {47, "unknown property name after \\P or \\p"},
        {48, "subpattern name is too long (maximum 32 characters)"},
        {50, "invalid range in character class"},
        {54, "DEFINE group contains more than one branch"},
        {61, "number is too big"},
        {68, "\\c must be followed by an ASCII character"},
        {77, "character value in \\u.... sequence is too large"},
        {78, "digits missing in \\x{} or \\o{}"},
    };
    return texts;
}

std::string compile_error_text(int code) {
    // Negative codes are UTF-8 errors in the pattern: PCRE 8.44 has one message for them all.
    if (code < 0) return "invalid UTF-8 string";
    if (auto found = pcre1_texts().find(code - 100); found != pcre1_texts().end())
        return std::string(found->second);
    PCRE2_UCHAR buffer[256];
    int n = pcre2_get_error_message(code, buffer, sizeof buffer);
    return n < 0 ? "unknown error" : std::string(reinterpret_cast<const char*>(buffer), n);
}

struct Cache {
    std::mutex mutex;
    std::unordered_map<std::string, std::shared_ptr<CompiledRegex>> entries;
};
Cache& cache() {
    static Cache instance;
    return instance;
}

// The character tables PCRE consults for bytes (non-UTF patterns) and for codepoints below 256
// without UCP: \w, \d, \s, [[:alpha:]] and friends, and caseless matching. Erlang's PCRE was built
// with ISO-8859-1 tables, so Elixir's ~r/\w/ takes the byte 0xC3 for a letter; PCRE2's built-in
// tables are ASCII-only. These are the ISO-8859-1 tables in PCRE2's layout (pcre2_maketables'
// output under that locale; checked against the tables in OTP 25's beam.smp).
const uint8_t* latin1_tables() {
    static const std::array<uint8_t, 1088> tables = [] {
        auto in = [](int c, int lo, int hi) { return c >= lo && c <= hi; };
        auto is_upper = [&](int c) { return in(c, 'A', 'Z') || (in(c, 0xC0, 0xDE) && c != 0xD7); };
        auto is_lower = [&](int c) {
            return in(c, 'a', 'z') || c == 0xAA || c == 0xB5 || c == 0xBA ||
                   (in(c, 0xDF, 0xFF) && c != 0xF7);
        };
        auto is_digit = [&](int c) { return in(c, '0', '9'); };
        auto is_xdigit = [&](int c) { return is_digit(c) || in(c, 'A', 'F') || in(c, 'a', 'f'); };
        auto is_space = [&](int c) { return in(c, 9, 13) || c == ' '; };
        auto is_alnum = [&](int c) { return is_upper(c) || is_lower(c) || is_digit(c); };
        auto is_print = [&](int c) { return in(c, 0x20, 0x7E) || in(c, 0xA0, 0xFF); };
        auto is_graph = [&](int c) { return is_print(c) && c != ' '; };
        auto is_punct = [&](int c) { return is_graph(c) && !is_alnum(c); };
        auto is_cntrl = [&](int c) { return c < 0x20 || c == 0x7F || in(c, 0x80, 0x9F); };
        // Upper and lower case pair up 0x20 apart; 0xAA 0xB5 0xBA 0xDF 0xFF have no upper case.
        auto to_lower = [&](int c) { return is_upper(c) ? c + 0x20 : c; };
        auto to_upper = [&](int c) { return is_lower(c) && is_upper(c - 0x20) ? c - 0x20 : c; };
        std::array<uint8_t, 1088> t{};
        constexpr size_t fcc = 256, cbits = 512, ctypes = 832;
        // Offsets of the class bitmaps in cbits (pcre2_internal.h's cbit_space ... cbit_cntrl).
        enum {
            space = 0,
            xdigit = 32,
            digit = 64,
            upper = 96,
            lower = 128,
            word = 160,
            graph = 192,
            print = 224,
            punct = 256,
            cntrl = 288
        };
        for (int c = 0; c < 256; ++c) {
            t[c] = static_cast<uint8_t>(to_lower(c));
            t[fcc + c] = static_cast<uint8_t>(is_lower(c) ? to_upper(c) : to_lower(c));
            auto set = [&](int table, bool on) {
                if (on) t[cbits + table + c / 8] |= static_cast<uint8_t>(1u << (c & 7));
            };
            set(digit, is_digit(c));
            set(upper, is_upper(c));
            set(lower, is_lower(c));
            set(word, is_alnum(c) || c == '_');
            set(space, is_space(c));
            set(xdigit, is_xdigit(c));
            set(graph, is_graph(c));
            set(print, is_print(c));
            set(punct, is_punct(c));
            set(cntrl, is_cntrl(c));
            // ctypes bits: space 0x01, letter 0x02, lower-case letter 0x04, digit 0x08, word 0x10.
            t[ctypes + c] = static_cast<uint8_t>(
                (is_space(c) ? 0x01 : 0) | (is_upper(c) || is_lower(c) ? 0x02 : 0) |
                (is_lower(c) ? 0x04 : 0) | (is_digit(c) ? 0x08 : 0) |
                (is_alnum(c) || c == '_' ? 0x10 : 0));
        }
        return t;
    }();
    return tables.data();
}

std::string cache_key(const RegexOptions& o, std::string_view source) {
    return std::to_string(o.flags) + ',' + std::to_string(o.newline) + ',' + std::to_string(o.bsr) +
           '\0' + std::string(source);
}

CompileResult compile(std::string_view source, const RegexOptions& o) {
    pcre2_compile_context* context = pcre2_compile_context_create(nullptr);
    pcre2_set_character_tables(context, latin1_tables());
    pcre2_set_newline(context, o.newline);
    if (o.bsr) pcre2_set_bsr(context, o.bsr);
    int error = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(source.data()), source.size(),
                                     o.flags, &error, &offset, context);
    pcre2_compile_context_free(context);
    if (!code) return CompileFailure{compile_error_text(error), static_cast<size_t>(offset)};
    auto compiled = std::make_shared<CompiledRegex>();
    compiled->code = std::shared_ptr<pcre2_code>(code, pcre2_code_free);
    uint32_t count = 0, name_count = 0, entry_size = 0;
    PCRE2_SPTR table = nullptr;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &count);
    pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &name_count);
    pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &entry_size);
    pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
    compiled->groups = count;
    // The name table is sorted by name; each entry is a 2-byte group number, then the name.
    for (uint32_t i = 0; i < name_count; ++i) {
        PCRE2_SPTR entry = table + static_cast<size_t>(i) * entry_size;
        size_t group = (static_cast<size_t>(entry[0]) << 8) | entry[1];
        compiled->names.emplace_back(reinterpret_cast<const char*>(entry + 2), group);
    }
    compiled->utf = (o.flags & PCRE2_UTF) != 0;
    compiled->crlf = o.newline == PCRE2_NEWLINE_CRLF || o.newline == PCRE2_NEWLINE_ANYCRLF ||
                     o.newline == PCRE2_NEWLINE_ANY;
    return compiled;
}

pcre2_match_context* match_context() {
    static thread_local std::unique_ptr<pcre2_match_context, void (*)(pcre2_match_context*)>
        context = [] {
            pcre2_match_context* c = pcre2_match_context_create(nullptr);
            pcre2_set_match_limit(c, kMatchLimit);
            pcre2_set_depth_limit(c, kDepthLimit);
            pcre2_set_heap_limit(c, kHeapLimitKiB);
            return std::unique_ptr<pcre2_match_context, void (*)(pcre2_match_context*)>(
                c, pcre2_match_context_free);
        }();
    return context.get();
}

using MatchData = std::unique_ptr<pcre2_match_data, void (*)(pcre2_match_data*)>;

MatchData match_data(const CompiledRegex& regex) {
    return MatchData(pcre2_match_data_create_from_pattern(regex.code.get(), nullptr),
                     pcre2_match_data_free);
}

/// One pcre2_match at `from` with `options`; the subject is already known to be valid.
std::optional<RegexMatch> match_at(const CompiledRegex& regex, pcre2_match_data* data,
                                   std::string_view subject, size_t from, uint32_t options) {
    int rc = pcre2_match(regex.code.get(), reinterpret_cast<PCRE2_SPTR>(subject.data()),
                         subject.size(), from, options | PCRE2_NO_UTF_CHECK, data, match_context());
    // No match, and also the match, depth or heap limit: :re.run answers nomatch for those.
    if (rc <= 0) return std::nullopt;
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data);
    RegexMatch m;
    m.groups.reserve(static_cast<size_t>(rc));
    for (int g = 0; g < rc; ++g) {
        PCRE2_SIZE start = ovector[2 * g], end = ovector[2 * g + 1];
        if (start == PCRE2_UNSET)
            m.groups.emplace_back(std::nullopt);
        else
            m.groups.emplace_back(std::pair{static_cast<size_t>(start),
                                            static_cast<size_t>(end >= start ? end - start : 0)});
    }
    return m;
}

void check_subject(const CompiledRegex& regex, std::string_view subject) {
    if (regex.utf && !utf8_valid(subject)) raise_argument_error("argument error");
}

}  // namespace

std::optional<RegexOptions> regex_options(const Term& opts, std::string* invalid) {
    RegexOptions o;
    o.newline = PCRE2_NEWLINE_LF;  // Erlang's PCRE is built with LF
    if (opts.is_binary()) {
        // Regex.compile/2's translate_options: the letters and the :re options they stand for.
        std::string_view letters = opts.binary_view();
        for (size_t i = 0; i < letters.size(); ++i) {
            switch (letters[i]) {
                case 'u':
                    o.flags |= PCRE2_UTF | PCRE2_UCP;
                    break;
                case 'i':
                    o.flags |= PCRE2_CASELESS;
                    break;
                case 'x':
                    o.flags |= PCRE2_EXTENDED;
                    break;
                case 'f':
                    o.flags |= PCRE2_FIRSTLINE;
                    break;
                case 'U':
                case 'r':  // deprecated spelling of U (Elixir also prints a warning)
                    o.flags |= PCRE2_UNGREEDY;
                    break;
                case 's':
                    o.flags |= PCRE2_DOTALL;
                    o.newline = PCRE2_NEWLINE_ANYCRLF;
                    break;
                case 'm':
                    o.flags |= PCRE2_MULTILINE;
                    break;
                default:
                    if (invalid) *invalid = std::string(letters.substr(i));
                    return std::nullopt;
            }
        }
        return o;
    }
    if (!opts.is_list()) return std::nullopt;
    static const std::map<std::string_view, uint32_t> flags{
        {"unicode", PCRE2_UTF},
        {"ucp", PCRE2_UCP},
        {"caseless", PCRE2_CASELESS},
        {"dotall", PCRE2_DOTALL},
        {"extended", PCRE2_EXTENDED},
        {"multiline", PCRE2_MULTILINE},
        {"ungreedy", PCRE2_UNGREEDY},
        {"firstline", PCRE2_FIRSTLINE},
        {"anchored", PCRE2_ANCHORED},
        {"dollar_endonly", PCRE2_DOLLAR_ENDONLY},
        {"no_auto_capture", PCRE2_NO_AUTO_CAPTURE},
        {"dupnames", PCRE2_DUPNAMES},
        {"never_utf", PCRE2_NEVER_UTF},
        {"no_start_optimize", PCRE2_NO_START_OPTIMIZE},
    };
    static const std::map<std::string_view, uint32_t> newlines{{"cr", PCRE2_NEWLINE_CR},
                                                               {"lf", PCRE2_NEWLINE_LF},
                                                               {"crlf", PCRE2_NEWLINE_CRLF},
                                                               {"anycrlf", PCRE2_NEWLINE_ANYCRLF},
                                                               {"any", PCRE2_NEWLINE_ANY}};
    ListIterator it(opts);
    for (; !it.done(); ++it) {
        const Term& item = *it;
        if (item.is_atom()) {
            std::string_view name = item.as_atom().name();
            if (auto f = flags.find(name); f != flags.end())
                o.flags |= f->second;
            else if (name == "bsr_anycrlf")
                o.bsr = PCRE2_BSR_ANYCRLF;
            else if (name == "bsr_unicode")
                o.bsr = PCRE2_BSR_UNICODE;
            else
                return std::nullopt;
        } else if (item.is_tuple(2) && item.element(0).is_atom(Atom::intern("newline")) &&
                   item.element(1).is_atom()) {
            auto n = newlines.find(item.element(1).as_atom().name());
            if (n == newlines.end()) return std::nullopt;
            o.newline = n->second;
        } else {
            return std::nullopt;
        }
    }
    if (!it.rest().is_empty_list()) return std::nullopt;
    return o;
}

CompileResult regex_compile(std::string_view source, const RegexOptions& options) {
    std::string key = cache_key(options, source);
    {
        std::lock_guard lock(cache().mutex);
        if (auto it = cache().entries.find(key); it != cache().entries.end()) return it->second;
    }
    CompileResult result = compile(source, options);
    if (auto* compiled = std::get_if<std::shared_ptr<CompiledRegex>>(&result)) {
        std::lock_guard lock(cache().mutex);
        cache().entries.emplace(key, *compiled);
    }
    return result;
}

const CompiledRegex* regex_of(const Term& t) {
    if (!is_struct(t, "Regex")) return nullptr;
    const Term* source = struct_field(t, "source");
    const Term* opts = struct_field(t, "opts");
    if (!source || !source->is_binary() || !opts) return nullptr;
    auto options = regex_options(*opts);
    if (!options) return nullptr;
    auto result = regex_compile(source->binary_view(), *options);
    auto* compiled = std::get_if<std::shared_ptr<CompiledRegex>>(&result);
    return compiled ? compiled->get() : nullptr;  // the cache keeps it alive
}

std::optional<RegexMatch> regex_find(const CompiledRegex& regex, std::string_view subject,
                                     size_t from) {
    check_subject(regex, subject);
    if (from > subject.size()) return std::nullopt;
    return match_at(regex, match_data(regex).get(), subject, from, 0);
}

std::vector<RegexMatch> regex_find_all(const CompiledRegex& regex, std::string_view subject,
                                       size_t from) {
    check_subject(regex, subject);
    std::vector<RegexMatch> out;
    MatchData data = match_data(regex);
    bool after_empty = false;
    while (from <= subject.size()) {
        // As :re.run's :global: after an empty match, look for a non-empty one at the same spot;
        // failing that, move on by one character (a codepoint in UTF mode, CRLF as one).
        auto m = match_at(regex, data.get(), subject, from,
                          after_empty ? PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED : 0);
        if (!m) {
            if (!after_empty || from >= subject.size()) break;
            if (regex.crlf && subject.substr(from, 2) == "\r\n") {
                from += 2;
            } else if (regex.utf) {
                char32_t cp;
                bool valid;
                from += utf8_decode(subject, from, cp, valid);
            } else {
                ++from;
            }
            after_empty = false;
            continue;
        }
        auto [pos, len] = *m->groups[0];
        out.push_back(std::move(*m));
        from = pos + len;
        after_empty = len == 0;
    }
    return out;
}

}  // namespace tasklens::script::stdlib
