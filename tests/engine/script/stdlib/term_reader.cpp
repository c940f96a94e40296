#include "term_reader.h"

#include <cctype>
#include <stdexcept>
#include <vector>

#include "engine/script/stdlib/support.h"

namespace tasklens::script::testing {

ProcessContext& no_context() {
    // Pure builtins take a ProcessContext& but never use it; tests have no process to give.
    alignas(64) static unsigned char storage[256] = {};
    return *reinterpret_cast<ProcessContext*>(storage);
}

void TermReader::skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
}

bool TermReader::peek(std::string_view s) {
    skip_space();
    return text_.substr(pos_, s.size()) == s;
}

bool TermReader::accept(std::string_view s) {
    if (!peek(s)) return false;
    pos_ += s.size();
    return true;
}

void TermReader::expect(std::string_view s) {
    if (!accept(s)) fail("expected '" + std::string(s) + "'");
}

void TermReader::fail(std::string_view what) {
    throw std::runtime_error(std::string(what) + " at " + std::to_string(pos_) +
                             " in: " + std::string(text_));
}

Term TermReader::read_all() {
    Term t = read();
    skip_space();
    if (pos_ != text_.size()) fail("trailing text");
    return t;
}

std::string TermReader::read_identifier() {
    size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
        ++pos_;
    if (pos_ < text_.size() && (text_[pos_] == '?' || text_[pos_] == '!')) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
}

Term TermReader::read_number() {
    size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    bool is_float = false;
    while (pos_ < text_.size() &&
           (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
        ++pos_;
    if (pos_ + 1 < text_.size() && text_[pos_] == '.' &&
        std::isdigit(static_cast<unsigned char>(text_[pos_ + 1]))) {
        is_float = true;
        ++pos_;
        while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
        if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            ++pos_;
            if (text_[pos_] == '-' || text_[pos_] == '+') ++pos_;
            while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])))
                ++pos_;
        }
    }
    std::string digits;
    for (char c : text_.substr(start, pos_ - start))
        if (c != '_') digits += c;
    if (is_float) return Term::floating(std::stod(digits));
    return Term::integer(std::stoll(digits));
}

std::string TermReader::read_string_body(char quote) {
    std::string out;
    while (pos_ < text_.size() && text_[pos_] != quote) {
        char c = text_[pos_++];
        if (c != '\\') {
            out += c;
            continue;
        }
        char e = text_[pos_++];
        switch (e) {
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case 'r':
                out += '\r';
                break;
            case 'e':
                out += '\x1b';
                break;
            case '0':
                out += '\0';
                break;
            case 'f':
                out += '\f';
                break;
            case 'v':
                out += '\v';
                break;
            case 'a':
                out += '\a';
                break;
            case 'b':
                out += '\b';
                break;
            case 'd':
                out += '\x7f';
                break;
            case 'u': {
                if (text_[pos_] == '{') {
                    size_t close = text_.find('}', pos_);
                    stdlib::utf8_append(
                        out,
                        static_cast<char32_t>(std::stoul(
                            std::string(text_.substr(pos_ + 1, close - pos_ - 1)), nullptr, 16)));
                    pos_ = close + 1;
                } else {
                    stdlib::utf8_append(out, static_cast<char32_t>(std::stoul(
                                                 std::string(text_.substr(pos_, 4)), nullptr, 16)));
                    pos_ += 4;
                }
                break;
            }
            default:
                out += e;
        }
    }
    if (pos_ >= text_.size()) fail("unterminated string");
    ++pos_;
    return out;
}

Term TermReader::call(std::string_view module, std::string_view function) {
    std::vector<Term> args;
    expect("(");
    Term list = read_sequence(')', true);
    list_to_vector(list, args);
    Atom m = Atom::intern(module), f = Atom::intern(function);
    const BuiltinTable::Entry* entry = table_.find(m, f, static_cast<int>(args.size()));
    if (!entry && function == "replace" &&
        (module == "Elixir.String" || module == "Elixir.Regex")) {
        // String.replace/3,4 and Regex.replace/3,4 are prelude functions that hand a binary
        // replacement to the native __replace__/4 (options default to []), as this does.
        if (args.size() == 3) args.push_back(Term::empty_list());
        entry = table_.find(m, Atom::intern("__replace__"), 4);
    }
    if (!entry || !entry->sync)
        throw std::runtime_error("no builtin " + std::string(module) + "." + std::string(function) +
                                 "/" + std::to_string(args.size()));
    return entry->sync(no_context(), std::span<const Term>(args));
}

/// Elements up to `close`; a trailing `key: value, ...` run becomes one keyword list element when
/// `allow_keyword_tail` (call arguments), or the elements themselves (list literals).
Term TermReader::read_sequence(char close, bool allow_keyword_tail) {
    std::vector<Term> items;
    std::vector<Term> keywords;
    std::string closer(1, close);
    while (!accept(closer)) {
        if (!items.empty() || !keywords.empty()) expect(",");
        skip_space();
        // keyword key: identifier or "quoted" followed by ':' and a space
        size_t save = pos_;
        std::string key;
        bool is_key = false;
        if (pos_ < text_.size() &&
            (std::islower(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
            key = read_identifier();
            is_key = pos_ + 1 < text_.size() && text_[pos_] == ':' && text_[pos_ + 1] == ' ';
        } else if (pos_ < text_.size() && text_[pos_] == '"') {
            ++pos_;
            key = read_string_body('"');
            is_key = pos_ < text_.size() && text_[pos_] == ':';
        }
        if (is_key) {
            ++pos_;
            keywords.push_back(Term::tuple({Term::atom(key), read()}));
            continue;
        }
        pos_ = save;
        items.push_back(read());
    }
    if (!keywords.empty()) {
        if (allow_keyword_tail)
            items.push_back(Term::list(keywords));
        else
            items.insert(items.end(), keywords.begin(), keywords.end());
    }
    return Term::list(items);
}

Term TermReader::read_map_body() {
    std::vector<std::pair<Term, Term>> entries;
    while (!accept("}")) {
        if (!entries.empty()) expect(",");
        skip_space();
        size_t save = pos_;
        if (std::islower(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_') {
            std::string key = read_identifier();
            if (text_[pos_] == ':' && text_[pos_ + 1] == ' ') {
                ++pos_;
                entries.emplace_back(Term::atom(key), read());
                continue;
            }
            pos_ = save;
        }
        Term key = read();
        expect("=>");
        entries.emplace_back(key, read());
    }
    return Term::map(std::move(entries));
}

Term TermReader::read_primary() {
    skip_space();
    if (pos_ >= text_.size()) fail("unexpected end");
    char c = text_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c)) ||
        (c == '-' && pos_ + 1 < text_.size() &&
         std::isdigit(static_cast<unsigned char>(text_[pos_ + 1]))))
        return read_number();
    if (c == '"') {
        ++pos_;
        return Term::binary(read_string_body('"'));
    }
    if (c == '?') {
        char32_t cp;
        bool valid;
        pos_ += 1 + stdlib::utf8_decode(text_, pos_ + 1, cp, valid);
        return Term::integer(cp);
    }
    if (c == '\'') {
        ++pos_;
        std::string s = read_string_body('\'');
        std::vector<Term> chars;
        for (size_t i = 0; i < s.size();) {
            char32_t cp;
            bool valid;
            i += stdlib::utf8_decode(s, i, cp, valid);
            chars.push_back(Term::integer(cp));
        }
        return Term::list(chars);
    }
    if (accept("[")) return read_sequence(']', false);
    if (accept("{")) {
        std::vector<Term> items;
        list_to_vector(read_sequence('}', true), items);
        return Term::tuple(items);
    }
    if (accept("<<")) {
        std::string bytes;
        while (!accept(">>")) {
            if (!bytes.empty()) expect(",");
            skip_space();
            if (text_[pos_] == '"') {
                ++pos_;
                bytes += read_string_body('"');
            } else {
                bytes += static_cast<char>(read_number().as_integer());
            }
        }
        return Term::binary(bytes);
    }
    if (accept("%{")) return read_map_body();
    if (accept("%")) {
        std::string name;
        while (pos_ < text_.size() && text_[pos_] != '{') name += text_[pos_++];
        expect("{");
        Term map = read_map_body();
        return map.map_put(Term::atom(atom::struct_), Term::atom("Elixir." + name));
    }
    if (accept("~r/")) {
        std::string source;
        while (text_[pos_] != '/') {
            if (text_[pos_] == '\\' && text_[pos_ + 1] == '/') ++pos_;
            source += text_[pos_++];
        }
        ++pos_;
        std::string flags = read_identifier();
        const auto* entry = table_.find(Atom::intern("Elixir.Regex"), Atom::intern("compile!"), 2);
        Term args[] = {Term::binary(source), Term::binary(flags)};
        return entry->sync(no_context(), std::span<const Term>(args, 2));
    }
    if (c == ':') {
        ++pos_;
        std::string name;
        if (text_[pos_] == '"') {
            ++pos_;
            name = read_string_body('"');
        } else {
            name = read_identifier();
            while (pos_ < text_.size() && text_[pos_] == '@') {
                ++pos_;
                name += "@" + read_identifier();
            }
        }
        if (accept(".")) {
            std::string function = read_identifier();
            return call(name, function);
        }
        return Term::atom(name);
    }
    if (std::isupper(static_cast<unsigned char>(c))) {
        std::string alias = read_identifier();
        while (pos_ + 1 < text_.size() && text_[pos_] == '.' &&
               std::isupper(static_cast<unsigned char>(text_[pos_ + 1]))) {
            ++pos_;
            alias += "." + read_identifier();
        }
        if (pos_ + 1 < text_.size() && text_[pos_] == '.' &&
            (std::islower(static_cast<unsigned char>(text_[pos_ + 1])) || text_[pos_ + 1] == '_')) {
            ++pos_;
            std::string function = read_identifier();
            return call("Elixir." + alias, function);
        }
        return Term::atom("Elixir." + alias);
    }
    if (std::islower(static_cast<unsigned char>(c))) {
        std::string word = read_identifier();
        if (word == "true") return Term::boolean(true);
        if (word == "false") return Term::boolean(false);
        if (word == "nil") return Term::nil();
        fail("unknown word " + word);
    }
    fail("unexpected character");
}

Term TermReader::read() {
    Term t = read_primary();
    if (t.is_integer() && accept("..")) {
        Term last = read_primary();
        int64_t step = t.as_integer() <= last.as_integer() ? 1 : -1;
        if (accept("//")) step = read_primary().as_integer();
        return stdlib::make_range(t.as_integer(), last.as_integer(), step);
    }
    return t;
}

}  // namespace tasklens::script::testing
