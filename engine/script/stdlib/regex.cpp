// Regex: ~r sigils and the Regex module on std::regex (see regex_support.h for the PCRE subset).
#include <pthread.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <variant>

#include "engine/script/stdlib/regex_support.h"
#include "engine/script/stdlib/support.h"

namespace tasklens::script::stdlib {
namespace {

/// Deepest nesting of groups a pattern may have (std::regex compiles and matches groups
/// recursively); PCRE has such a limit too, with this error text.
constexpr int kMaxGroupNesting = 1000;

constexpr std::string_view kRegex = "Elixir.Regex";

struct CompileFailure {
    std::string message;
    size_t position;
    /// PCRE accepts the pattern but this engine cannot run it: refused as Tasklens's limit
    /// (Tasklens.UnsupportedError), never reported as an error in the pattern.
    bool unsupported = false;
};

struct Options {
    bool caseless = false, multiline = false, dotall = false, extended = false, ungreedy = false,
         unicode = false;
};

/// Parses the option letters of ~r/.../opts; returns the invalid rest on failure.
std::optional<std::string> parse_options(std::string_view letters, Options& o) {
    for (size_t i = 0; i < letters.size(); ++i) {
        switch (letters[i]) {
            case 'i':
                o.caseless = true;
                break;
            case 'm':
                o.multiline = true;
                break;
            case 's':
                o.dotall = true;
                break;
            case 'x':
                o.extended = true;
                break;
            case 'U':
                o.ungreedy = true;
                break;
            case 'u':
                o.unicode = true;
                break;
            case 'f':
                break;
            default:
                return std::string(letters.substr(i));
        }
    }
    return std::nullopt;
}

/// PCRE source -> ECMAScript source, counting groups and recording names.
std::variant<std::string, CompileFailure> translate(
    std::string_view src, Options& o, size_t& groups,
    std::vector<std::pair<std::string, size_t>>& names) {
    std::string out;
    bool in_class = false;
    size_t i = 0;
    // Leading inline flags: (?i) (?s) (?m) (?x) and combinations.
    while (src.substr(i, 2) == "(?") {
        size_t close = src.find(')', i);
        if (close == std::string_view::npos) break;
        std::string_view letters = src.substr(i + 2, close - i - 2);
        if (letters.empty() || letters.find_first_not_of("imsxU") != std::string_view::npos) break;
        parse_options(letters, o);
        i = close + 1;
    }
    int depth = 0;
    for (; i < src.size(); ++i) {
        char c = src[i];
        if (c == '\\' && i + 1 < src.size()) {
            char n = src[++i];
            switch (n) {
                case 'A':
                    out += in_class ? "A" : "^";
                    break;
                case 'z':
                case 'Z':
                    out += in_class ? "z" : "$";
                    break;
                case 'h':
                    out += in_class ? " \\t" : "[ \\t]";
                    break;
                case 'K':
                case 'G':
                case 'R':
                case 'X':
                case 'p':
                case 'P':
                case 'Q':
                    return CompileFailure{std::string("the escape \\") + n, i + 1, true};
                default:
                    out += '\\';
                    out += n;
            }
            continue;
        }
        if (in_class) {
            if (c == '[' && src.substr(i, 2) == "[:") {
                size_t end = src.find(":]", i);
                if (end != std::string_view::npos) {
                    out.append(src.substr(i, end + 2 - i));
                    i = end + 1;
                    continue;
                }
            }
            if (c == ']') in_class = false;
            out += c;
            continue;
        }
        if (o.extended) {
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') continue;
            if (c == '#') {
                while (i < src.size() && src[i] != '\n') ++i;
                continue;
            }
        }
        switch (c) {
            case '[':
                in_class = true;
                out += c;
                if (i + 1 < src.size() && src[i + 1] == '^') out += src[++i];
                if (i + 1 < src.size() && src[i + 1] == ']') {
                    out += "\\]";
                    ++i;
                }
                break;
            case '.':
                out += o.dotall ? "[\\s\\S]" : ".";
                break;
            case '(': {
                // std::regex compiles nested groups recursively: bound the depth as PCRE does.
                if (++depth > kMaxGroupNesting)
                    return CompileFailure{"parentheses are too deeply nested", i};
                if (src.substr(i, 2) != "(?") {
                    ++groups;
                    out += '(';
                    break;
                }
                std::string_view rest = src.substr(i);
                if (rest.substr(0, 3) == "(?:" || rest.substr(0, 3) == "(?=" ||
                    rest.substr(0, 3) == "(?!") {
                    out.append(rest.substr(0, 3));
                    i += 2;
                    break;
                }
                size_t name_start = 0;
                if (rest.substr(0, 3) == "(?<" && rest.size() > 3 && rest[3] != '=' &&
                    rest[3] != '!')
                    name_start = 3;
                if (rest.substr(0, 4) == "(?P<") name_start = 4;
                if (rest.substr(0, 3) == "(?'") name_start = 3;
                if (name_start) {
                    size_t end = rest.find_first_of(">'", name_start);
                    if (end == std::string_view::npos)
                        return CompileFailure{
                            "syntax error in subpattern name (missing terminator?)",
                            i + name_start};
                    ++groups;
                    names.emplace_back(std::string(rest.substr(name_start, end - name_start)),
                                       groups);
                    out += '(';
                    i += end;
                    break;
                }
                return CompileFailure{"the group syntax " + std::string(src.substr(i, 3)), i + 2,
                                      true};
            }
            case ')':
                if (depth == 0) return CompileFailure{"unmatched closing parenthesis", i};
                --depth;
                out += c;
                break;
            case '*':
            case '+':
            case '?':
            case '}':
                out += c;
                if (i + 1 < src.size() && src[i + 1] == '+')
                    return CompileFailure{"possessive quantifiers", i + 1, true};
                break;
            default:
                out += c;
        }
    }
    if (in_class) return CompileFailure{"missing terminating ] for character class", src.size()};
    if (depth > 0) return CompileFailure{"missing )", src.size()};
    std::sort(names.begin(), names.end());
    return out;
}

std::variant<std::shared_ptr<CompiledRegex>, CompileFailure> compile(std::string_view source,
                                                                     const Options& given) {
    Options o = given;
    auto compiled = std::make_shared<CompiledRegex>();
    auto translated = translate(source, o, compiled->groups, compiled->names);
    if (auto* failure = std::get_if<CompileFailure>(&translated)) return *failure;
    auto flags = std::regex::ECMAScript;
    if (o.caseless) flags |= std::regex::icase;
    if (o.multiline) flags |= std::regex::multiline;
    compiled->ungreedy = o.ungreedy;
    try {
        compiled->re = std::regex(std::get<std::string>(translated), flags);
    } catch (const std::regex_error& e) {
        return CompileFailure{e.what(), source.size()};
    }
    return compiled;
}

struct Cache {
    std::mutex mutex;
    std::unordered_map<std::string, std::shared_ptr<CompiledRegex>> entries;
};
Cache& cache() {
    static Cache instance;
    return instance;
}

std::string opts_text(const Term& opts) {
    if (opts.is_binary()) return std::string(opts.binary_view());
    std::string letters;
    static const std::map<std::string_view, char> by_name{
        {"caseless", 'i'}, {"multiline", 'm'}, {"dotall", 's'},   {"extended", 'x'},
        {"ungreedy", 'U'}, {"unicode", 'u'},   {"firstline", 'f'}};
    for (ListIterator it(opts); !it.done(); ++it)
        if ((*it).is_atom())
            if (auto found = by_name.find((*it).as_atom().name()); found != by_name.end())
                letters += found->second;
    return letters;
}

/// {:ok, regex} or {:error, reason} like Regex.compile/2.
Term compile_term(const Term& source, const Term& opts_term, const Clause& clause) {
    std::string_view src = need_binary(source, clause);
    if (!opts_term.is_binary() && !opts_term.is_list()) clause.fail();
    std::string letters = opts_text(opts_term);
    Options o;
    if (auto invalid = parse_options(letters, o))
        return error_tuple(Term::tuple({Term::atom("invalid_option"), Term::binary(*invalid)}));
    std::string key = letters + '\0' + std::string(src);
    std::shared_ptr<CompiledRegex> compiled;
    {
        std::lock_guard lock(cache().mutex);
        if (auto it = cache().entries.find(key); it != cache().entries.end()) compiled = it->second;
    }
    if (!compiled) {
        auto result = compile(src, o);
        if (auto* failure = std::get_if<CompileFailure>(&result)) {
            if (failure->unsupported) {
                raise_term(make_exception(
                    "Tasklens.UnsupportedError",
                    {{"message", Term::binary("Tasklens does not support " + failure->message +
                                              " in regular expressions yet (see "
                                              "docs/scenario-language.md)")}}));
            }
            std::vector<Term> chars;
            for (unsigned char ch : failure->message) chars.push_back(Term::integer(ch));
            return error_tuple(Term::tuple(
                {make_list(chars), Term::integer(static_cast<int64_t>(failure->position))}));
        }
        compiled = std::get<std::shared_ptr<CompiledRegex>>(result);
        std::lock_guard lock(cache().mutex);
        cache().entries.emplace(key, compiled);
    }
    Term re_pattern = Term::tuple(
        {Term::atom("re_pattern"), Term::integer(static_cast<int64_t>(compiled->groups)),
         Term::integer(o.unicode ? 1 : 0), Term::integer(0), Term::binary("")});
    return ok_tuple(
        Term::map({{Term::atom(atom::struct_), alias_term("Regex")},
                   {Term::atom("opts"), opts_term},
                   {Term::atom("re_pattern"), re_pattern},
                   {Term::atom("re_version"),
                    Term::tuple({Term::binary("8.44 2020-02-12"), Term::atom("little")})},
                   {Term::atom("source"), source}}));
}

Term compile_bang(const Term& source, const Term& opts, const Clause& clause) {
    Term result = compile_term(source, opts, clause);
    if (result.element(0).is_atom(atom::ok)) return result.element(1);
    const Term& reason = result.element(1);
    if (reason.element(0).is_atom()) raise_argument_error("invalid option");
    std::string message;
    for (ListIterator it(reason.element(0)); !it.done(); ++it)
        message += static_cast<char>((*it).as_integer());
    raise_regex_compile_error(message + " at position " +
                              std::to_string(reason.element(1).as_integer()));
}

const CompiledRegex& need_regex(const Term& t, const Clause& clause) {
    const CompiledRegex* regex = regex_of(t);
    if (!regex) clause.fail();
    return *regex;
}

enum class Capture { All, First, AllButFirst, None, AllNames, List };

struct CaptureSpec {
    Capture kind = Capture::All;
    std::vector<Term> list;  ///< Capture::List: indices or names
    bool index = false;      ///< return: :index
};

CaptureSpec capture_spec(const Term& opts, const Clause& clause) {
    CaptureSpec spec;
    if (!opts.is_list()) clause.fail();
    if (auto capture = keyword_option(opts, "capture")) {
        if (capture->is_atom(Atom::intern("all")))
            spec.kind = Capture::All;
        else if (capture->is_atom(Atom::intern("first")))
            spec.kind = Capture::First;
        else if (capture->is_atom(Atom::intern("all_but_first")))
            spec.kind = Capture::AllButFirst;
        else if (capture->is_atom(Atom::intern("none")))
            spec.kind = Capture::None;
        else if (capture->is_atom(Atom::intern("all_names")))
            spec.kind = Capture::AllNames;
        else if (capture->is_list())
            spec.kind = Capture::List, spec.list = need_list(*capture, clause);
        else
            clause.fail();
    }
    if (auto ret = keyword_option(opts, "return")) spec.index = ret->is_atom(Atom::intern("index"));
    return spec;
}

/// The captures of one match as Regex.run returns them.
Term captures(const CompiledRegex& regex, const RegexMatch& m, std::string_view subject,
              const CaptureSpec& spec) {
    auto value = [&](size_t group) -> Term {
        const auto& g = group < m.groups.size() ? m.groups[group] : std::nullopt;
        if (spec.index) {
            if (!g) return Term::tuple({Term::integer(-1), Term::integer(0)});
            return Term::tuple({Term::integer(static_cast<int64_t>(g->first)),
                                Term::integer(static_cast<int64_t>(g->second))});
        }
        return Term::binary(g ? subject.substr(g->first, g->second) : std::string_view{});
    };
    std::vector<size_t> wanted;
    switch (spec.kind) {
        case Capture::All:
        case Capture::AllButFirst: {
            // Like :re, trailing groups that did not participate are left out.
            size_t last = m.groups.size();
            while (last > 1 && !m.groups[last - 1]) --last;
            for (size_t g = spec.kind == Capture::All ? 0 : 1; g < last; ++g) wanted.push_back(g);
            break;
        }
        case Capture::First:
            wanted.push_back(0);
            break;
        case Capture::None:
            break;
        case Capture::AllNames:
            for (const auto& [name, group] : regex.names) wanted.push_back(group);
            break;
        case Capture::List:
            for (const Term& item : spec.list) {
                if (item.is_integer()) {
                    wanted.push_back(static_cast<size_t>(item.as_integer()));
                } else {
                    std::string name(item.is_binary() ? item.binary_view()
                                     : item.is_atom() ? item.as_atom().name()
                                                      : "");
                    for (const auto& [n, group] : regex.names)
                        if (n == name) wanted.push_back(group);
                }
            }
            break;
    }
    std::vector<Term> out;
    for (size_t g : wanted) out.push_back(value(g));
    return make_list(out);
}

Term run(Args a, const Clause& clause) {
    const CompiledRegex& regex = need_regex(a[0], clause);
    std::string_view s = need_binary(a[1], clause);
    CaptureSpec spec = capture_spec(a.size() > 2 ? a[2] : Term::empty_list(), clause);
    auto m = regex_find(regex, s, 0);
    if (!m) return Term::nil();
    if (spec.kind == Capture::None) return Term::empty_list();
    return captures(regex, *m, s, spec);
}

Term named_captures(Args a) {
    static constexpr Clause clause{"Regex", "named_captures", 3};
    const CompiledRegex& regex = need_regex(a[0], clause);
    std::string_view s = need_binary(a[1], clause);
    auto m = regex_find(regex, s, 0);
    if (!m) return Term::nil();
    std::vector<std::pair<Term, Term>> entries;
    for (const auto& [name, group] : regex.names) {
        const auto& g = m->groups[group];
        entries.emplace_back(Term::binary(name),
                             Term::binary(g ? s.substr(g->first, g->second) : std::string_view{}));
    }
    return Term::map(std::move(entries));
}

void def(BuiltinTable& table, std::string_view name, int arity, SyncBuiltin fn) {
    table.add(kRegex, name, arity, fn);
}

}  // namespace

const CompiledRegex* regex_of(const Term& t) {
    if (!is_struct(t, "Regex")) return nullptr;
    const Term* source = struct_field(t, "source");
    const Term* opts = struct_field(t, "opts");
    if (!source || !source->is_binary() || !opts) return nullptr;
    std::string key = opts_text(*opts) + '\0' + std::string(source->binary_view());
    {
        std::lock_guard lock(cache().mutex);
        if (auto it = cache().entries.find(key); it != cache().entries.end())
            return it->second.get();
    }
    Term compiled = compile_term(*source, *opts, {"Regex", "compile", 2});
    if (!compiled.element(0).is_atom(atom::ok)) return nullptr;
    std::lock_guard lock(cache().mutex);
    return cache().entries.at(key).get();
}

std::optional<RegexMatch> regex_find(const CompiledRegex& regex, std::string_view subject,
                                     size_t from) {
    return regex_find_flags(regex, subject, from, std::regex_constants::match_default);
}

namespace {

// std::regex's matcher backtracks without a step limit and recurses once per character it
// consumes, so a pathological pattern ("^(a+)+$" on "aaa...b") runs for ever and a long subject
// ("^(a|b)*$" on 400 KB) overflows the C++ stack. The search runs on subject iterators that count
// the characters the matcher reads and watch the stack: past PCRE's default match limit of 10M
// steps, or when the stack is nearly used up, the search is abandoned and reported as no match,
// which is what :re.run (and so Regex) answers when PCRE hits its match limit.
constexpr uint64_t kMatchLimit = 10'000'000;
constexpr size_t kStackReserve = size_t{2} << 20;  ///< left free for the ε-steps between reads

struct MatchLimitReached {};

struct MatchBudget {
    uint64_t steps_left = kMatchLimit;
    uintptr_t stack_floor = 0;  ///< the matcher stops before the stack pointer goes below this
};

// The lowest address of this thread's stack (glibc reads /proc/self/maps for the main thread,
// so it is asked once per thread).
uintptr_t stack_low_end() {
    static thread_local uintptr_t low = [] {
        pthread_attr_t attr;
        void* address = nullptr;
        size_t size = 0;
        if (pthread_getattr_np(pthread_self(), &attr) != 0) return uintptr_t{0};
        pthread_attr_getstack(&attr, &address, &size);
        pthread_attr_destroy(&attr);
        return reinterpret_cast<uintptr_t>(address);
    }();
    return low;
}

class BudgetedIterator {
  public:
    using iterator_category = std::bidirectional_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    BudgetedIterator() = default;
    BudgetedIterator(const char* at, MatchBudget* budget) : at_(at), budget_(budget) {}

    reference operator*() const {
        if (budget_) {
            if (budget_->steps_left-- == 0) throw MatchLimitReached{};
            const auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
            if (here < budget_->stack_floor) throw MatchLimitReached{};
        }
        return *at_;
    }
    BudgetedIterator& operator++() {
        ++at_;
        return *this;
    }
    BudgetedIterator operator++(int) {
        BudgetedIterator old = *this;
        ++at_;
        return old;
    }
    BudgetedIterator& operator--() {
        --at_;
        return *this;
    }
    BudgetedIterator operator--(int) {
        BudgetedIterator old = *this;
        --at_;
        return old;
    }
    bool operator==(const BudgetedIterator& other) const { return at_ == other.at_; }
    const char* base() const { return at_; }

  private:
    const char* at_ = nullptr;
    MatchBudget* budget_ = nullptr;
};

}  // namespace

std::optional<RegexMatch> regex_find_flags(const CompiledRegex& regex, std::string_view subject,
                                           size_t from,
                                           std::regex_constants::match_flag_type flags) {
    if (from > subject.size()) return std::nullopt;
    if (from > 0) flags |= std::regex_constants::match_prev_avail;
    const char* begin = subject.data();
    MatchBudget budget;
    if (const uintptr_t low = stack_low_end(); low != 0) budget.stack_floor = low + kStackReserve;
    std::match_results<BudgetedIterator> m;
    try {
        if (!std::regex_search(BudgetedIterator(begin + from, &budget),
                               BudgetedIterator(begin + subject.size(), &budget), m, regex.re,
                               flags))
            return std::nullopt;
    } catch (const MatchLimitReached&) {
        return std::nullopt;
    }
    RegexMatch result;
    for (size_t g = 0; g < m.size(); ++g) {
        if (m[g].matched)
            result.groups.emplace_back(
                std::pair{static_cast<size_t>(m[g].first.base() - begin),
                          static_cast<size_t>(m[g].second.base() - m[g].first.base())});
        else
            result.groups.emplace_back(std::nullopt);
    }
    return result;
}

std::vector<RegexMatch> regex_find_all(const CompiledRegex& regex, std::string_view subject) {
    std::vector<RegexMatch> out;
    size_t from = 0;
    bool after_empty = false;
    while (from <= subject.size()) {
        std::optional<RegexMatch> m;
        if (after_empty) {
            // As PCRE's global matching: retry at the same spot for a non-empty match, else move on
            // by one codepoint.
            m = regex_find_flags(
                regex, subject, from,
                std::regex_constants::match_not_null | std::regex_constants::match_continuous);
            if (!m) {
                if (from >= subject.size()) break;
                char32_t cp;
                bool valid;
                from += utf8_decode(subject, from, cp, valid);
                after_empty = false;
                continue;
            }
        } else {
            m = regex_find(regex, subject, from);
        }
        if (!m) break;
        auto [pos, len] = *m->groups[0];
        out.push_back(*m);
        from = pos + len;
        after_empty = len == 0;
    }
    return out;
}

std::vector<std::string_view> regex_split(const CompiledRegex& regex, std::string_view s,
                                          int64_t parts, bool trim) {
    if (s.empty()) return trim ? std::vector<std::string_view>{} : std::vector<std::string_view>{s};
    std::vector<std::string_view> out;
    size_t offset = 0;
    int64_t counter = parts;
    for (const RegexMatch& m : regex_find_all(regex, s)) {
        if (trim && s.size() <= offset) return out;
        if (counter == 1) break;
        auto [pos, len] = *m.groups[0];
        if (pos < offset) continue;
        size_t keep = pos - offset;
        if (!(keep == 0 && trim)) {
            out.push_back(s.substr(offset, keep));
            --counter;
        }
        offset = pos + len;
    }
    if (trim && s.size() <= offset) return out;
    out.push_back(s.substr(offset));
    return out;
}

std::string regex_expand(std::string_view replacement, const RegexMatch& match,
                         std::string_view subject) {
    std::string out;
    auto group_text = [&](size_t g) {
        if (g < match.groups.size() && match.groups[g])
            out.append(subject.substr(match.groups[g]->first, match.groups[g]->second));
    };
    for (size_t i = 0; i < replacement.size(); ++i) {
        char c = replacement[i];
        if (c != '\\' || i + 1 == replacement.size()) {
            out += c;
            continue;
        }
        char n = replacement[i + 1];
        if (n >= '0' && n <= '9') {
            size_t g = 0;
            ++i;
            while (i < replacement.size() && replacement[i] >= '0' && replacement[i] <= '9')
                g = g * 10 + static_cast<size_t>(replacement[i++] - '0');
            --i;
            group_text(g);
        } else if (n == 'g' && i + 2 < replacement.size() && replacement[i + 2] == '{') {
            size_t close = replacement.find('}', i + 3);
            if (close == std::string_view::npos) {
                out += c;
                continue;
            }
            group_text(static_cast<size_t>(
                std::stoul(std::string(replacement.substr(i + 3, close - i - 3)))));
            i = close;
        } else {
            out += n;
            ++i;
        }
    }
    return out;
}

void register_regex(BuiltinTable& t) {
    def(
        t, "compile", 1, +[](ProcessContext&, Args a) {
            return compile_term(a[0], Term::binary(""), {"Regex", "compile", 2});
        });
    def(
        t, "compile", 2, +[](ProcessContext&, Args a) {
            return compile_term(a[0], a[1], {"Regex", "compile", 2});
        });
    def(
        t, "compile!", 1, +[](ProcessContext&, Args a) {
            return compile_bang(a[0], Term::binary(""), {"Regex", "compile!", 2});
        });
    def(
        t, "compile!", 2, +[](ProcessContext&, Args a) {
            return compile_bang(a[0], a[1], {"Regex", "compile!", 2});
        });
    auto run_fn = +[](ProcessContext&, Args a) { return run(a, {"Regex", "run", 3}); };
    def(t, "run", 2, run_fn);
    def(t, "run", 3, run_fn);
    def(
        t, "match?", 2, +[](ProcessContext&, Args a) -> Term {
            static constexpr Clause c{"Regex", "match?", 2};
            const CompiledRegex& regex = need_regex(a[0], c);
            return Term::boolean(regex_find(regex, need_binary(a[1], c), 0).has_value());
        });
    auto scan = +[](ProcessContext&, Args a) -> Term {
        static constexpr Clause c{"Regex", "scan", 3};
        const CompiledRegex& regex = need_regex(a[0], c);
        std::string_view s = need_binary(a[1], c);
        CaptureSpec spec = capture_spec(a.size() > 2 ? a[2] : Term::empty_list(), c);
        std::vector<Term> out;
        for (const auto& m : regex_find_all(regex, s)) out.push_back(captures(regex, m, s, spec));
        return make_list(out);
    };
    def(t, "scan", 2, scan);
    def(t, "scan", 3, scan);
    auto replace = +[](ProcessContext&, Args a) -> Term {
        static constexpr Clause c{"Regex", "replace", 4};
        const CompiledRegex& regex = need_regex(a[0], c);
        std::string_view s = need_binary(a[1], c);
        std::string_view replacement = need_binary(a[2], c);
        auto global_opt = keyword_option(a.size() > 3 ? a[3] : Term::empty_list(), "global");
        bool global = !global_opt || global_opt->truthy();
        std::vector<RegexMatch> matches;
        if (global)
            matches = regex_find_all(regex, s);
        else if (auto m = regex_find(regex, s, 0))
            matches.push_back(*m);
        std::string out;
        size_t last = 0;
        for (const auto& m : matches) {
            out.append(s.substr(last, m.groups[0]->first - last));
            out += regex_expand(replacement, m, s);
            last = m.groups[0]->first + m.groups[0]->second;
        }
        out.append(s.substr(last));
        return Term::binary(out);
    };
    // Regex.replace/3,4 (prelude/kernel.exs) calls this for a binary replacement; a function
    // replacement is applied in the prelude.
    def(t, "__replace__", 4, replace);
    auto split = +[](ProcessContext&, Args a) -> Term {
        static constexpr Clause c{"Regex", "split", 3};
        const CompiledRegex& regex = need_regex(a[0], c);
        std::string_view s = need_binary(a[1], c);
        Term opts = a.size() > 2 ? a[2] : Term::empty_list();
        if (!opts.is_list()) c.fail();
        auto parts = keyword_option(opts, "parts");
        int64_t n = parts && parts->is_integer() ? parts->as_integer() : 0;
        auto trim = keyword_option(opts, "trim");
        std::vector<Term> out;
        for (auto part : regex_split(regex, s, n, trim && trim->truthy()))
            out.push_back(Term::binary(part));
        return make_list(out);
    };
    def(t, "split", 2, split);
    def(t, "split", 3, split);
    def(
        t, "source", 1, +[](ProcessContext&, Args a) -> Term {
            if (!is_struct(a[0], "Regex")) raise_function_clause("Regex", "source", 1);
            return *struct_field(a[0], "source");
        });
    def(
        t, "opts", 1, +[](ProcessContext&, Args a) -> Term {
            if (!is_struct(a[0], "Regex")) raise_function_clause("Regex", "opts", 1);
            return *struct_field(a[0], "opts");
        });
    def(
        t, "names", 1, +[](ProcessContext&, Args a) -> Term {
            const CompiledRegex& regex = need_regex(a[0], {"Regex", "names", 1});
            std::vector<Term> out;
            for (const auto& [name, group] : regex.names) out.push_back(Term::binary(name));
            return make_list(out);
        });
    auto named = +[](ProcessContext&, Args a) { return named_captures(a); };
    def(t, "named_captures", 2, named);
    def(t, "named_captures", 3, named);
    def(
        t, "escape", 1, +[](ProcessContext&, Args a) -> Term {
            std::string_view s = need_binary(a[0], {"Regex", "escape", 1});
            std::string out;
            for (char c : s) {
                if (std::string_view(".^$*+?()[]{}|#-\\").find(c) != std::string_view::npos)
                    out += '\\';
                if (c == ' ') out += '\\';
                if (c == '\t') {
                    out += "\\t";
                    continue;
                }
                if (c == '\n') {
                    out += "\\n";
                    continue;
                }
                if (c == '\r') {
                    out += "\\r";
                    continue;
                }
                if (c == '\f') {
                    out += "\\f";
                    continue;
                }
                if (c == '\v') {
                    out += "\\v";
                    continue;
                }
                out += c;
            }
            return Term::binary(out);
        });
}

}  // namespace tasklens::script::stdlib
