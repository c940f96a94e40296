// Short renderings of terms for event texts. Events are read by people in the event log and the
// timeline tooltips, so the text follows Elixir's syntax; it is cut at a limit so that a huge
// message costs the engine nothing more than a few dozen characters.
#include <charconv>
#include <cstdio>

#include "engine/runtime/runtime_impl.h"

namespace tasklens {
namespace {

// Atom::name() takes the atom table's lock; event texts name atoms constantly, and an atom's
// text never changes, so each thread remembers the ones it has seen.
std::string_view atom_text(Atom a) {
    static thread_local std::vector<std::string_view> cache;
    if (a.id < cache.size() && !cache[a.id].empty()) return cache[a.id];
    std::string_view name = a.name();
    if (a.id >= cache.size()) cache.resize(a.id + 64);
    cache[a.id] = name;
    return name;
}

bool is_identifier_atom(std::string_view name) {
    if (name.empty()) return false;
    auto lower_or_underscore = [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; };
    auto word = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '@';
    };
    if (!lower_or_underscore(name[0])) return false;
    for (size_t i = 1; i < name.size(); ++i) {
        char c = name[i];
        bool last = i + 1 == name.size();
        if (!word(c) && !(last && (c == '?' || c == '!'))) return false;
    }
    return true;
}

class Renderer {
  public:
    explicit Renderer(size_t limit) : limit_(limit) {}  // short texts stay in the SSO buffer

    void term(const Term& t) {
        if (full()) return;
        switch (t.type()) {
            case TermType::Integer:
                out_ += std::to_string(t.as_integer());
                break;
            case TermType::Float:
                floating(t.as_float());
                break;
            case TermType::Atom:
                atom(t.as_atom());
                break;
            case TermType::Reference:
                out_ += "#Reference<0.0.0.";
                number(t.as_reference().id);
                out_ += '>';
                break;
            case TermType::Pid:
                pid(t.as_pid());
                break;
            case TermType::Fun:
                fun(t.fun());
                break;
            case TermType::Tuple: {
                out_ += '{';
                bool first = true;
                for (const Term& item : t.tuple_items()) {
                    if (!first) out_ += ", ";
                    first = false;
                    term(item);
                    if (full()) return;
                }
                out_ += '}';
                break;
            }
            case TermType::Map:
                map(t);
                break;
            case TermType::Nil:
                out_ += "[]";
                break;
            case TermType::List:
                list(t);
                break;
            case TermType::Binary:
                binary(t.binary_view());
                break;
        }
    }

    std::string finish() {
        if (out_.size() > limit_) {
            out_.resize(limit_);
            out_ += "...";
        }
        return std::move(out_);
    }

  private:
    bool full() const noexcept { return out_.size() > limit_; }

    template <typename Integer>
    void number(Integer v) {
        char buffer[24];
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
        out_.append(buffer, end);
    }

    void floating(double v) {
        char buffer[64];
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
        std::string_view text(buffer, static_cast<size_t>(end - buffer));
        out_ += text;
        if (ec == std::errc() && text.find_first_of(".eni") == std::string_view::npos) out_ += ".0";
    }

    void atom(Atom a) {
        std::string_view name = atom_text(a);
        if (a == atom::nil || a == atom::true_ || a == atom::false_) {
            out_ += name;
        } else if (name.starts_with("Elixir.")) {
            out_ += name.substr(7);
        } else if (is_identifier_atom(name)) {
            out_ += ':';
            out_ += name;
        } else {
            out_ += ":\"";
            out_ += name;
            out_ += '"';
        }
    }

    void pid(Pid p) {
        out_ += "#PID<";
        number(p.node);
        out_ += '.';
        number(p.serial);
        out_ += ".0>";
    }

    void fun(const FunObject& f) {
        if (f.kind == FunObject::Kind::External) {
            out_ += '&';
            atom(f.module);
            out_ += '.';
            out_ += atom_text(f.name);
            out_ += '/';
            number(f.arity);
        } else {
            out_ += "#Function<";
            number(f.unique);
            out_ += '/';
            number(f.arity);
            out_ += '>';
        }
    }

    void list(const Term& t) {
        out_ += '[';
        const Term* cur = &t;
        bool first = true;
        while (cur->is_cons()) {
            if (!first) out_ += ", ";
            first = false;
            term(cur->head());
            if (full()) return;
            cur = &cur->tail();
        }
        if (!cur->is_empty_list()) {
            out_ += " | ";
            term(*cur);
        }
        out_ += ']';
    }

    void map(const Term& t) {
        const auto& entries = t.map_object().entries;
        const Term* struct_name = t.map_find(Term::atom(atom::struct_));
        bool is_struct = struct_name && struct_name->is_atom();
        out_ += '%';
        if (is_struct) atom(struct_name->as_atom());
        out_ += '{';
        bool first = true;
        for (const auto& [key, value] : entries) {
            if (is_struct && key.is_atom(atom::struct_)) continue;
            if (!first) out_ += ", ";
            first = false;
            if (key.is_atom() && is_identifier_atom(atom_text(key.as_atom()))) {
                out_ += atom_text(key.as_atom());
                out_ += ": ";
            } else {
                term(key);
                out_ += " => ";
            }
            term(value);
            if (full()) return;
        }
        out_ += '}';
    }

    void binary(std::string_view bytes) {
        bool printable = true;
        for (unsigned char c : bytes)
            if (c < 0x20 && c != '\n' && c != '\t') printable = false;
        if (!printable) {
            out_ += "<<";
            for (size_t i = 0; i < bytes.size() && !full(); ++i) {
                if (i) out_ += ", ";
                number(static_cast<unsigned>(static_cast<unsigned char>(bytes[i])));
            }
            out_ += ">>";
            return;
        }
        out_ += '"';
        for (char c : bytes) {
            if (full()) return;
            switch (c) {
                case '"':
                    out_ += "\\\"";
                    break;
                case '\\':
                    out_ += "\\\\";
                    break;
                case '\n':
                    out_ += "\\n";
                    break;
                case '\t':
                    out_ += "\\t";
                    break;
                default:
                    out_ += c;
            }
        }
        out_ += '"';
    }

    size_t limit_;
    std::string out_;
};

}  // namespace

std::string render_term(const Term& term, size_t limit) {
    Renderer renderer(limit);
    renderer.term(term);
    return renderer.finish();
}

std::string render_mfa(const Term& mfa) {
    if (mfa.is_tuple(3) && mfa.element(0).is_atom() && mfa.element(1).is_atom() &&
        mfa.element(2).is_integer()) {
        std::string text = render_term(mfa.element(0));
        text += '.';
        text += atom_text(mfa.element(1).as_atom());
        text += '/';
        text += std::to_string(mfa.element(2).as_integer());
        return text;
    }
    return render_term(mfa);
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
