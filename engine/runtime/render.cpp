// Short renderings of terms for event texts: Kernel.inspect/1's output (inspect.h), cut at a
// limit so that a huge message costs the engine a few dozen characters. The common small shapes
// take a fast path that prints exactly what inspect would.
#include <charconv>
#include <optional>
#include <vector>

#include "engine/runtime/inspect.h"
#include "engine/runtime/runtime_impl.h"

namespace tasklens {
namespace {

// inspect_atom() is pure per atom and event texts name the same atoms constantly: each thread
// remembers the renderings it has made.
const std::string& inspected_atom(Atom a) {
    static thread_local std::vector<std::optional<std::string>> cache;
    if (a.id >= cache.size()) cache.resize(a.id + 64);
    auto& slot = cache[a.id];
    if (!slot) slot = inspect_atom(a);
    return *slot;
}

// The shapes most messages and reasons have — atoms, integers, pids, references and small tuples
// of them — rendered directly, byte for byte as Kernel.inspect/1 prints them. Anything else
// (lists, which may be charlists; maps and structs; binaries; floats; funs) goes to inspect().
class FastRenderer {
  public:
    bool render(const Term& t, int depth = 0) {
        switch (t.type()) {
            case TermType::Integer:
                number(t.as_integer());
                return true;
            case TermType::Atom:
                out_ += inspected_atom(t.as_atom());
                return true;
            case TermType::Pid:
                out_ += "#PID<";
                number(t.as_pid().node);
                out_ += '.';
                number(t.as_pid().serial);
                out_ += ".0>";
                return true;
            case TermType::Reference:
                out_ += "#Reference<0.0.0.";
                number(t.as_reference().id);
                out_ += '>';
                return true;
            case TermType::Tuple: {
                if (depth > 3 || t.tuple_size() > 8) return false;
                out_ += '{';
                bool first = true;
                for (const Term& item : t.tuple_items()) {
                    if (!first) out_ += ", ";
                    first = false;
                    if (!render(item, depth + 1)) return false;
                }
                out_ += '}';
                return true;
            }
            default:
                return false;
        }
    }
    std::string take() { return std::move(out_); }

  private:
    template <typename Integer>
    void number(Integer v) {
        char buffer[24];
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
        out_.append(buffer, end);
    }
    std::string out_;  // short texts stay in the SSO buffer
};

}  // namespace

std::string render_term(const Term& term, size_t limit) {
    FastRenderer fast;
    std::string text;
    if (fast.render(term)) {
        text = fast.take();
    } else {
        InspectOptions options;
        options.limit = 16;  // items per container: the text is cut at `limit` anyway
        options.printable_limit = static_cast<int64_t>(limit);
        text = inspect(term, options);
    }
    if (text.size() > limit) {
        text.resize(limit);
        text += "...";
    }
    return text;
}

std::string render_mfa(const Term& mfa) {
    if (mfa.is_tuple(3) && mfa.element(0).is_atom() && mfa.element(1).is_atom() &&
        mfa.element(2).is_integer()) {
        std::string text = inspect_module(mfa.element(0).as_atom());
        text += '.';
        text += inspect_atom_remote(mfa.element(1).as_atom());
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
