// Over 800 lines: one table-like file of Elixir's exception and exit formatting
// (Exception.format_exit, banners, stacktrace lines); each function is short and mirrors one clause
// of exception.ex.
#include "engine/runtime/format_error.h"

#include <cstdio>
#include <functional>

#include "engine/runtime/inspect.h"

namespace tasklens {
namespace {

Term atom_term(std::string_view name) {
    return Term::atom(name);
}

Term elixir_module(std::string_view name) {
    return Term::atom(std::string("Elixir.").append(name));
}

const Term* field(const Term& map, std::string_view name) {
    if (!map.is_map()) return nullptr;
    return map.map_find(Term::atom(name));
}

Term field_or_nil(const Term& map, std::string_view name) {
    const Term* v = field(map, name);
    return v ? *v : Term::nil();
}

std::string insp(const Term& t) {
    return inspect(t);
}

bool in_list_sv(std::string_view s, std::initializer_list<std::string_view> list) {
    for (auto x : list)
        if (x == s) return true;
    return false;
}

bool is_module(const Term& t, std::string_view name) {
    return t.is_atom() && t.as_atom().name() == name;
}

thread_local std::function<bool(Atom)> thread_module_loaded;
thread_local UnsupportedCallWording thread_unsupported_call;

// --- stacktrace entries --------------------------------------------------------------------

/// Exception.format_arity/1: "/2" or "(1, \"a\")". nullopt when neither a list nor an integer.
std::optional<std::string> format_arity(const Term& arity) {
    if (arity.is_integer()) return "/" + std::to_string(arity.as_integer());
    if (arity.is_list()) {
        std::string out = "(";
        bool first = true;
        ListIterator it(arity);
        for (; !it.done(); ++it) {
            if (!first) out += ", ";
            first = false;
            out += insp(*it);
        }
        if (!it.rest().is_empty_list()) return std::nullopt;
        return out + ")";
    }
    return std::nullopt;
}

/// Code.Identifier.extract_anonymous_fun_parent/1: "-run/0-fun-0-" → {"run", "0"}.
std::optional<std::pair<std::string, std::string>> anonymous_fun_parent(std::string_view name) {
    if (name.empty() || name[0] != '-') return std::nullopt;
    std::string_view rest = name.substr(1);
    size_t slash = rest.rfind('/');
    if (slash == std::string_view::npos) return std::nullopt;
    std::string_view trailing = rest.substr(slash + 1);  // "0-fun-0-"
    // Split the trailing part by '-': [arity, inner, count, ""].
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (size_t i = 0; i <= trailing.size(); ++i) {
        if (i == trailing.size() || trailing[i] == '-') {
            parts.push_back(trailing.substr(start, i - start));
            start = i + 1;
        }
    }
    if (parts.size() != 4 || !parts[3].empty()) return std::nullopt;
    return std::make_pair(std::string(rest.substr(0, slash)), std::string(parts[0]));
}

std::optional<std::string> format_mfa_term(const Term& module, const Term& fun, const Term& arity) {
    if (!module.is_atom() || !fun.is_atom()) return std::nullopt;
    auto arity_text = format_arity(arity);
    if (!arity_text) return std::nullopt;
    if (auto parent = anonymous_fun_parent(fun.as_atom().name())) {
        return "anonymous fn" + *arity_text + " in " + inspect_atom(module.as_atom()) + "." +
               inspect_atom_remote(Atom::intern(parent->first)) + "/" + parent->second;
    }
    return inspect_atom(module.as_atom()) + "." + inspect_atom_remote(fun.as_atom()) + *arity_text;
}

/// Chardata (a charlist or a binary) as a string; file names in stacktraces are charlists.
std::string chardata_text(const Term& t) {
    if (auto s = try_to_string(t)) return *s;
    return insp(t);
}

/// Keyword.get(location, key); location must be a list.
Term keyword_get(const Term& list, std::string_view key) {
    Atom k = Atom::intern(key);
    for (ListIterator it(list); !it.done(); ++it) {
        const Term& e = *it;
        if (e.is_tuple() && e.tuple_size() >= 1 && e.element(0).is_atom(k) && e.tuple_size() == 2)
            return e.element(1);
    }
    return Term::nil();
}

std::optional<std::string> format_location(const Term& location) {
    if (!location.is_list()) return std::nullopt;
    Term file = keyword_get(location, "file");
    Term line = keyword_get(location, "line");
    if (file.is_nil()) return std::string();
    if (line.is_nil() || (line.is_integer() && line.as_integer() == 0))
        return chardata_text(file) + ": ";
    return chardata_text(file) + ":" + chardata_text(line) + ": ";
}

/// format_application/1: which OTP application a module belongs to, as Elixir 1.14 on OTP 25
/// prints it. Scenario modules belong to none.
std::string format_application(const Term& module) {
    if (!module.is_atom()) return "";
    std::string_view name = module.as_atom().name();
    static const std::initializer_list<std::string_view> elixir_modules = {"Task",
                                                                           "Task.Supervised",
                                                                           "Task.Supervisor",
                                                                           "GenServer",
                                                                           "Supervisor",
                                                                           "DynamicSupervisor",
                                                                           "PartitionSupervisor",
                                                                           "Agent",
                                                                           "Agent.Server",
                                                                           "Registry",
                                                                           "Enum",
                                                                           "Stream",
                                                                           "Kernel",
                                                                           "Code",
                                                                           "Process",
                                                                           "Map",
                                                                           "List",
                                                                           "Keyword",
                                                                           "String",
                                                                           "Integer",
                                                                           "Float",
                                                                           "IO",
                                                                           "Access",
                                                                           "Range",
                                                                           "MapSet",
                                                                           "Exception",
                                                                           "Module",
                                                                           "Node",
                                                                           "System",
                                                                           "Tuple",
                                                                           "Function",
                                                                           "Atom",
                                                                           "Base",
                                                                           "Regex"};
    if (name.substr(0, 7) == "Elixir.") {
        std::string_view rest = name.substr(7);
        for (auto m : elixir_modules)
            if (rest == m ||
                (rest.size() > m.size() && rest.substr(0, m.size()) == m && rest[m.size()] == '.' &&
                 (m == "Task" || m == "Enum" || m == "Agent" || m == "Kernel" || m == "String" ||
                  m == "Module")))
                return "(elixir 1.14.0) ";
        if (rest == "Logger" || rest.substr(0, 7) == "Logger.") return "(logger 1.14.0) ";
        return "";
    }
    static const std::initializer_list<std::string_view> stdlib_modules = {
        "gen_server", "gen",  "proc_lib", "supervisor", "gen_statem", "gen_event",
        "lists",      "maps", "timer",    "io_lib",     "string",     "sets",
        "ordsets",    "dict", "queue",    "ets",        "erl_eval",   "supervisor_bridge"};
    for (auto m : stdlib_modules)
        if (name == m) return "(stdlib 4.2) ";
    // :elixir_compiler_0 and friends are the modules a script's top level compiles into: no app.
    if (name.substr(0, 16) == "elixir_compiler_") return "";
    if (name.substr(0, 7) == "elixir_" || name == "elixir") return "(elixir 1.14.0) ";
    return "";
}

std::optional<std::string> try_format_stacktrace_entry(const Term& entry) {
    if (entry.is_tuple(4)) {
        const Term& module = entry.element(0);
        const Term& fun = entry.element(1);
        const Term& arity = entry.element(2);
        auto location = format_location(entry.element(3));
        if (is_module(fun, "__MODULE__") && arity.is_integer() && arity.as_integer() == 0) {
            if (!location) return std::nullopt;
            return *location + insp(module) + " (module)";
        }
        if (is_module(fun, "__MODULE__") && arity.is_integer() && arity.as_integer() == 1) {
            if (!location) return std::nullopt;
            return *location + "(module)";
        }
        if (is_module(fun, "__FILE__") && arity.is_integer() && arity.as_integer() == 1) {
            if (!location) return std::nullopt;
            return *location + "(file)";
        }
        std::string app = format_application(module);
        if (!location) return std::nullopt;
        auto mfa = format_mfa_term(module, fun, arity);
        if (!mfa) return std::nullopt;
        return app + *location + *mfa;
    }
    if (entry.is_tuple(3)) {
        auto location = format_location(entry.element(2));
        if (!location || !entry.element(0).is_fun()) return std::nullopt;
        auto arity = format_arity(entry.element(1));
        if (!arity) return std::nullopt;
        return *location + insp(entry.element(0)) + *arity;
    }
    return std::nullopt;
}

/// Formats every entry, or nullopt if `stacktrace` is not a proper list of stacktrace entries.
std::optional<std::vector<std::string>> try_format_stacktrace(const Term& stacktrace) {
    std::vector<std::string> lines;
    ListIterator it(stacktrace);
    for (; !it.done(); ++it) {
        auto line = try_format_stacktrace_entry(*it);
        if (!line) return std::nullopt;
        lines.push_back(std::move(*line));
    }
    if (!it.rest().is_empty_list()) return std::nullopt;
    return lines;
}

// --- exits -----------------------------------------------------------------------------------

std::string format_exit_with(const Term& reason, const std::string& joiner);

std::string format_exit_reason(const Term& reason) {
    if (reason.is_atom()) {
        std::string_view name = reason.as_atom().name();
        if (name == "normal") return "normal";
        if (name == "shutdown") return "shutdown";
        if (name == "calling_self") return "process attempted to call itself";
        if (name == "timeout") return "time out";
        if (name == "killed") return "killed";
        if (name == "noconnection") return "no connection";
        if (name == "noproc")
            return "no process: the process is not alive or there's no process currently "
                   "associated with the "
                   "given name, possibly because its application isn't started";
    }
    if (reason.is_tuple(2) && reason.element(0).is_atom()) {
        std::string_view tag = reason.element(0).as_atom().name();
        const Term& v = reason.element(1);
        if (tag == "shutdown") return "shutdown: " + insp(v);
        if (tag == "nodedown" && v.is_atom())
            return "no connection to " + std::string(v.as_atom().name());
        if (tag == "already_started") return "already started: " + insp(v);
        if (tag == "bad_return_value") return "bad return value: " + insp(v);
        if (tag == "bad_call") return "bad call: " + insp(v);
        if (tag == "bad_cast") return "bad cast: " + insp(v);
        if (tag == "bad_return" && v.is_tuple(3) && v.element(0).is_atom() &&
            is_module(v.element(1), "init"))
            return *format_mfa_term(v.element(0), v.element(1), Term::integer(1)) +
                   " returned a bad value: " + insp(v.element(2));
        if (tag == "bad_start_spec") return "bad child specification, invalid children: " + insp(v);
        if (tag == "start_spec") return "bad child specification, got: " + insp(v);
        if (tag == "supervisor_data") return "bad supervisor configuration, got: " + insp(v);
    }
    return insp(reason);
}

std::string format_start_child(const Term& child, const Term& reason, const std::string& joiner) {
    return "shutdown: failed to start child: " + insp(child) + joiner + "** (EXIT) " +
           format_exit_with(reason, joiner + "    ");
}

std::string format_exit_with(const Term& reason, const std::string& joiner) {
    if (reason.is_tuple(2)) {
        const Term& first = reason.element(0);
        const Term& second = reason.element(1);
        // {exception, stacktrace}: an error inside an exit.
        if (second.is_cons()) {
            if (auto lines = try_format_stacktrace(second)) {
                std::string out = "an exception was raised:" + joiner +
                                  format_banner(Term::atom(atom::error), first, second);
                for (const auto& line : *lines) out += joiner + "    " + line;
                return out;
            }
            return format_exit_reason(reason);
        }
        // Supervisor start failures.
        if (is_module(first, "shutdown") && second.is_tuple(3) &&
            is_module(second.element(0), "failed_to_start_child")) {
            const Term& failure = second.element(2);
            if (failure.is_tuple(2) && failure.element(0).is_atom(atom::EXIT))
                return format_start_child(second.element(1), failure.element(1), joiner);
            return format_start_child(second.element(1), failure, joiner);
        }
        // {reason, {mod, fun, args}}: an exit from a call.
        if (second.is_tuple(3) && list_length(second.element(2)) >= 0 &&
            list_length(second.element(2)) < 256) {
            if (auto mfa =
                    format_mfa_term(second.element(0), second.element(1), second.element(2))) {
                return "exited in: " + *mfa + joiner + "** (EXIT) " +
                       format_exit_with(first, joiner + "    ");
            }
            return format_exit_reason(reason);
        }
    }
    return format_exit_reason(reason);
}

std::string ordinal(int64_t n) {
    switch (n) {
        case 1:
            return "1st";
        case 2:
            return "2nd";
        case 3:
            return "3rd";
        default:
            return std::to_string(n) + "th";
    }
}

// String.jaro_distance/2 for "did you mean" hints (ASCII-exact; graphemes are code points here).
double jaro_distance(std::string_view a, std::string_view b) {
    if (a == b) return 1.0;
    if (a.empty() || b.empty()) return 0.0;
    std::string_view s1 = a, s2 = b;
    if (s1.size() > s2.size()) std::swap(s1, s2);  // s1 shorter
    const int64_t len1 = static_cast<int64_t>(s1.size()), len2 = static_cast<int64_t>(s2.size());
    const int64_t window = std::max<int64_t>(len2 / 2 - 1, 0);
    std::vector<bool> used(s2.size(), false);
    std::vector<int64_t> matched_positions;
    int64_t common = 0;
    for (int64_t i = 0; i < len1; ++i) {
        int64_t lo = std::max<int64_t>(0, i - window), hi = std::min<int64_t>(len2 - 1, i + window);
        for (int64_t j = lo; j <= hi; ++j) {
            if (!used[static_cast<size_t>(j)] &&
                s2[static_cast<size_t>(j)] == s1[static_cast<size_t>(i)]) {
                used[static_cast<size_t>(j)] = true;
                matched_positions.push_back(j);
                ++common;
                break;
            }
        }
    }
    if (common == 0) return 0.0;
    int64_t transpositions = 0;
    int64_t former = -1;
    for (int64_t p : matched_positions) {
        if (p < former) ++transpositions;
        former = p;
    }
    double c = static_cast<double>(common);
    return (c / static_cast<double>(len1) + c / static_cast<double>(len2) +
            (c - static_cast<double>(transpositions)) / c) /
           3.0;
}

std::string key_error_message(const Term& key, const Term& term) {
    std::string message = "key " + insp(key) + " not found";
    if (!term.is_nil()) message += " in: " + insp(term);
    return message;
}

}  // namespace

// --- exception structs ---------------------------------------------------------------------

Term make_exception(std::string_view module,
                    std::initializer_list<std::pair<std::string_view, Term>> fields) {
    std::vector<std::pair<Term, Term>> entries;
    entries.emplace_back(Term::atom(atom::struct_), elixir_module(module));
    entries.emplace_back(Term::atom(atom::exception_), Term::boolean(true));
    for (const auto& [name, value] : fields) entries.emplace_back(Term::atom(name), value);
    return Term::map(std::move(entries));
}

Term runtime_error(std::string_view message) {
    return make_exception("RuntimeError", {{"message", Term::binary(message)}});
}
Term argument_error(std::string_view message) {
    return make_exception("ArgumentError", {{"message", Term::binary(message)}});
}

Term argument_error_at(std::initializer_list<std::pair<int, std::string_view>> argument_errors) {
    std::string message = "errors were found at the given arguments:\n\n";
    for (const auto& [n, text] : argument_errors)
        message += "  * " + ordinal(n) + " argument: " + std::string(text) + "\n";
    return argument_error(message);
}

Term undefined_function_error(Atom module, Atom function, int64_t arity, bool module_loaded) {
    return make_exception(
        "UndefinedFunctionError",
        {{"module", Term::atom(module)},
         {"function", Term::atom(function)},
         {"arity", Term::integer(arity)},
         {"reason", module_loaded ? atom_term("function not exported") : Term::nil()},
         {"message", Term::nil()}});
}

bool is_exception(const Term& term) {
    const Term* e = field(term, "__exception__");
    return e && e->is_atom(atom::true_) && field(term, "__struct__");
}

std::string struct_name(const Term& term) {
    const Term* s = field(term, "__struct__");
    if (!s || !s->is_atom()) return "";
    return inspect_atom(s->as_atom());
}

bool thread_module_is_loaded(Atom module) {
    return !thread_module_loaded || thread_module_loaded(module);
}

void set_thread_unsupported_call(UnsupportedCallWording wording) {
    thread_unsupported_call = std::move(wording);
}

void set_thread_module_loaded(std::function<bool(Atom module)> loaded) {
    thread_module_loaded = std::move(loaded);
}

std::string exception_message(const Term& exception) {
    std::string name = struct_name(exception);
    auto get = [&](std::string_view f) { return field_or_nil(exception, f); };

    if (name == "BadFunctionError") {
        Term term = get("term");
        if (term.is_fun())
            return "function " + insp(term) +
                   " is invalid, likely because it points to an old version of the code";
        return "expected a function, got: " + insp(term);
    }
    if (name == "BadStructError")
        return "expected a struct named " + insp(get("struct")) + ", got: " + insp(get("term"));
    if (name == "BadMapError") return "expected a map, got: " + insp(get("term"));
    if (name == "BadBooleanError")
        return "expected a boolean on left-side of \"" + to_string(get("operator")) +
               "\", got: " + insp(get("term"));
    if (name == "MatchError") return "no match of right hand side value: " + insp(get("term"));
    if (name == "CaseClauseError") return "no case clause matching: " + insp(get("term"));
    if (name == "WithClauseError") return "no with clause matching: " + insp(get("term"));
    if (name == "CondClauseError") return "no cond clause evaluated to a truthy value";
    if (name == "TryClauseError") return "no try clause matching: " + insp(get("term"));
    if (name == "BadArityError") {
        Term fun = get("function");
        Term args = get("args");
        std::vector<Term> list;
        list_to_vector(args, list);
        std::string joined;
        for (size_t i = 0; i < list.size(); ++i) joined += (i ? ", " : "") + insp(list[i]);
        int64_t arity = fun.is_fun() ? fun.fun().arity : 0;
        std::string count = list.empty() ? "no arguments"
                            : list.size() == 1
                                ? "1 argument (" + joined + ")"
                                : std::to_string(list.size()) + " arguments (" + joined + ")";
        return insp(fun) + " with arity " + std::to_string(arity) + " called with " + count;
    }
    if (name == "UndefinedFunctionError") {
        Term message = get("message");
        if (message.is_binary()) return std::string(message.binary_view());
        Term module = get("module"), function = get("function"), arity = get("arity"),
             reason = get("reason");
        if (function.is_nil() || arity.is_nil()) return "undefined function";
        std::string formatted = format_mfa_term(module, function, arity).value_or("?");
        if (reason.is_nil()) {
            if (module.is_nil()) return "function " + formatted + " is undefined";
            bool loaded =
                module.is_atom() && thread_module_loaded && thread_module_loaded(module.as_atom());
            reason = loaded ? atom_term("function not exported")
                            : atom_term("module could not be loaded");
        }
        std::string_view why = reason.is_atom() ? reason.as_atom().name() : std::string_view{};
        if (why == "module could not be loaded")
            return "function " + formatted + " is undefined (module " + insp(module) +
                   " is not available)";
        if (why == "function not exported")
            return "function " + formatted + " is undefined or private";
        return "function " + formatted + " is undefined (" + to_string(reason) + ")";
    }
    if (name == "FunctionClauseError") {
        if (get("function").is_nil()) return "no function clause matches";
        return "no function clause matching in " +
               format_mfa_term(get("module"), get("function"), get("arity")).value_or("?");
    }
    if (name == "Protocol.UndefinedError") {
        Term value = get("value");
        std::string type;
        if (const Term* s = field(value, "__struct__")) {
            type = insp(*s) + " (a struct)";
        } else {
            switch (value.type()) {
                case TermType::Atom:
                    type = "Atom";
                    break;
                case TermType::Binary:
                case TermType::Bitstring:
                    type = "BitString";
                    break;
                case TermType::Float:
                    type = "Float";
                    break;
                case TermType::Fun:
                    type = "Function";
                    break;
                case TermType::Integer:
                case TermType::BigInt:
                    type = "Integer";
                    break;
                case TermType::Nil:
                case TermType::List:
                    type = "List";
                    break;
                case TermType::Map:
                    type = "Map";
                    break;
                case TermType::Pid:
                    type = "PID";
                    break;
                case TermType::Reference:
                    type = "Reference";
                    break;
                case TermType::Tuple:
                    type = "Tuple";
                    break;
            }
        }
        Term description = get("description");
        std::string suffix = description.is_binary() && !description.binary_view().empty()
                                 ? ", " + std::string(description.binary_view())
                                 : "";
        // Scripts run with protocols unconsolidated, so no list of implementations follows.
        return "protocol " + insp(get("protocol")) + " not implemented for " + insp(value) +
               " of type " + type + suffix;
    }
    if (name == "KeyError") {
        Term message = get("message");
        if (message.is_binary()) return std::string(message.binary_view());
        return key_error_message(get("key"), get("term"));
    }
    if (name == "ErlangError") {
        Term reason = get("reason");
        std::string out = "Erlang error: " + insp(get("original"));
        if (!reason.is_nil()) out += to_string(reason);
        return out;
    }
    Term message = get("message");
    if (message.is_binary()) return std::string(message.binary_view());
    if (!is_exception(exception)) return insp(exception);
    return "got " + insp(message) + " while retrieving Exception.message/1 for " + insp(exception) +
           " (expected a string)";
}

Term normalize_error(const Term& reason, const Term& stacktrace) {
    if (is_exception(reason)) return reason;
    auto first_frame_mfa = [&](Term& module, Term& function, Term& arity) {
        module = function = arity = Term::nil();
        if (!stacktrace.is_cons()) return;
        const Term& frame = stacktrace.head();
        if (!frame.is_tuple(4)) return;
        module = frame.element(0);
        function = frame.element(1);
        const Term& a = frame.element(2);
        arity = a.is_list() ? Term::integer(list_length(a)) : a;
    };
    if (reason.is_atom()) {
        std::string_view name = reason.as_atom().name();
        if (name == "badarg")
            return make_exception("ArgumentError", {{"message", Term::binary("argument error")}});
        if (name == "badarith")
            return make_exception(
                "ArithmeticError",
                {{"message", Term::binary("bad argument in arithmetic expression")}});
        if (name == "system_limit")
            return make_exception("SystemLimitError",
                                  {{"message", Term::binary("a system limit has been reached")}});
        if (name == "cond_clause") return make_exception("CondClauseError", {});
        if (name == "undef" || name == "function_clause") {
            Term module, function, arity;
            first_frame_mfa(module, function, arity);
            if (name == "undef") {
                Term message = Term::nil();
                if (thread_unsupported_call && module.is_atom() && function.is_atom() &&
                    arity.is_integer()) {
                    if (auto text = thread_unsupported_call(module.as_atom(), function.as_atom(),
                                                            arity.as_integer()))
                        message = Term::binary(*text);
                }
                return make_exception("UndefinedFunctionError", {{"module", module},
                                                                 {"function", function},
                                                                 {"arity", arity},
                                                                 {"reason", Term::nil()},
                                                                 {"message", message}});
            }
            return make_exception("FunctionClauseError", {{"module", module},
                                                          {"function", function},
                                                          {"arity", arity},
                                                          {"kind", Term::nil()},
                                                          {"args", Term::nil()},
                                                          {"clauses", Term::nil()}});
        }
    }
    if (reason.is_tuple() && reason.tuple_size() >= 2 && reason.element(0).is_atom()) {
        std::string_view tag = reason.element(0).as_atom().name();
        const Term& v = reason.element(1);
        if (reason.tuple_size() == 2) {
            if (tag == "badarity" && v.is_tuple(2))
                return make_exception("BadArityError",
                                      {{"function", v.element(0)}, {"args", v.element(1)}});
            if (tag == "badfun") return make_exception("BadFunctionError", {{"term", v}});
            if (tag == "badmatch") return make_exception("MatchError", {{"term", v}});
            if (tag == "badmap") return make_exception("BadMapError", {{"term", v}});
            if (tag == "badkey") {
                // The map comes from the failing call in the stacktrace when Erlang left it out.
                Term term = Term::nil();
                if (stacktrace.is_cons() && stacktrace.head().is_tuple(4)) {
                    const Term& frame = stacktrace.head();
                    std::vector<Term> args;
                    if (frame.element(2).is_list() && list_to_vector(frame.element(2), args)) {
                        std::string_view m =
                            frame.element(0).is_atom() ? frame.element(0).as_atom().name() : "";
                        std::string_view f =
                            frame.element(1).is_atom() ? frame.element(1).as_atom().name() : "";
                        if ((m == "Elixir.Map" && (f == "get_and_update!" || f == "update!") &&
                             args.size() == 3))
                            term = args[0];
                        else if (m == "maps" && f == "update" && args.size() == 3)
                            term = args[2];
                        else if ((m == "maps" && f == "get" && args.size() == 2) ||
                                 (m == "erlang" && f == "map_get" && args.size() == 2))
                            term = args[1];
                    }
                }
                return make_exception("KeyError",
                                      {{"key", v}, {"term", term}, {"message", Term::nil()}});
            }
            if (tag == "case_clause") return make_exception("CaseClauseError", {{"term", v}});
            if (tag == "with_clause") return make_exception("WithClauseError", {{"term", v}});
            if (tag == "try_clause") return make_exception("TryClauseError", {{"term", v}});
            if (tag == "badarg") return argument_error("argument error: " + insp(v));
        } else if (reason.tuple_size() == 3) {
            const Term& w = reason.element(2);
            if (tag == "badstruct")
                return make_exception("BadStructError", {{"struct", v}, {"term", w}});
            if (tag == "badbool")
                return make_exception("BadBooleanError", {{"term", w}, {"operator", v}});
            if (tag == "badkey") {
                if (w.is_map())
                    return make_exception("KeyError",
                                          {{"key", v}, {"term", w}, {"message", Term::nil()}});
                std::string message = "key " + insp(v) + " not found in: " + insp(w) +
                                      ". If you are using the dot syntax, such as map.field, "
                                      "make sure the left-hand side of the dot is a map";
                return make_exception(
                    "KeyError", {{"key", v}, {"term", w}, {"message", Term::binary(message)}});
            }
        }
    }
    return make_exception("ErlangError", {{"original", reason}, {"reason", Term::nil()}});
}

Term normalize(Atom kind, const Term& reason, const Term& stacktrace) {
    if (kind == atom::error) return normalize_error(reason, stacktrace);
    return reason;
}

std::string format_exit(const Term& reason) {
    return format_exit_with(reason, "\n    ");
}

std::string format_banner(const Term& kind, const Term& reason, const Term& stacktrace) {
    if (kind.is_atom(atom::error)) {
        Term exception = normalize_error(reason, stacktrace);
        return "** (" + struct_name(exception) + ") " + exception_message(exception);
    }
    if (kind.is_atom(atom::throw_)) return "** (throw) " + insp(reason);
    if (kind.is_atom(atom::exit)) return "** (exit) " + format_exit_with(reason, "\n    ");
    if (kind.is_tuple(2) && kind.element(0).is_atom(atom::EXIT))
        return "** (EXIT from " + insp(kind.element(1)) + ") " + format_exit_with(reason, "\n    ");
    return "** (" + insp(kind) + ") " + insp(reason);
}

std::string format_stacktrace_entry(const Term& entry) {
    if (auto s = try_format_stacktrace_entry(entry)) return *s;
    return insp(entry);
}

std::string format_stacktrace(const Term& stacktrace) {
    std::string out;
    for (ListIterator it(stacktrace); !it.done(); ++it)
        out += "    " + format_stacktrace_entry(*it) + "\n";
    return out;
}

std::string format_exception(const Term& kind, const Term& reason, const Term& stacktrace) {
    std::string banner = format_banner(kind, reason, stacktrace);
    if (kind.is_tuple(2) || !stacktrace.is_cons()) return banner;
    return banner + "\n" + format_stacktrace(stacktrace);
}

Term blame_exception(const Term& exception, const Term& stacktrace) {
    std::string name = struct_name(exception);
    const Term* frame =
        stacktrace.is_cons() && stacktrace.head().is_tuple(4) ? &stacktrace.head() : nullptr;
    if (name == "ArithmeticError" && frame && is_module(frame->element(0), "erlang")) {
        std::vector<Term> args;
        if (!frame->element(2).is_list() || !list_to_vector(frame->element(2), args))
            return exception;
        std::string_view op = frame->element(1).is_atom() ? frame->element(1).as_atom().name() : "";
        std::string suffix;
        auto one_of = [&](std::initializer_list<std::string_view> ops) {
            return in_list_sv(op, ops);
        };
        if (args.size() == 1 && one_of({"+", "-"})) {
            suffix = ": " + std::string(op) + "(" + insp(args[0]) + ")";
        } else if (args.size() == 2 && one_of({"+", "-", "*", "/"})) {
            suffix = ": " + insp(args[0]) + " " + std::string(op) + " " + insp(args[1]);
        } else if (args.size() == 2 && one_of({"div", "rem"})) {
            suffix = ": " + std::string(op) + "(" + insp(args[0]) + ", " + insp(args[1]) + ")";
        } else if (args.size() == 2 && one_of({"band", "bor", "bxor", "bsl", "bsr"})) {
            suffix =
                ": Bitwise." + std::string(op) + "(" + insp(args[0]) + ", " + insp(args[1]) + ")";
        } else if (args.size() == 1 && op == "bnot") {
            suffix = ": Bitwise.bnot(" + insp(args[0]) + ")";
        }
        Term message = field_or_nil(exception, "message");
        std::string text = message.is_binary() ? std::string(message.binary_view()) : "";
        return exception.map_put(Term::atom(atom::message), Term::binary(text + suffix));
    }
    if (name == "KeyError") {
        Term message = field_or_nil(exception, "message");
        if (message.is_binary()) return exception;
        Term key = field_or_nil(exception, "key"), term = field_or_nil(exception, "term");
        std::string text = key_error_message(key, term);
        if (!term.is_nil() && key.is_atom()) {
            // Did you mean: atom keys of a map (all keys atoms) or a keyword list.
            std::vector<Atom> keys;
            bool eligible = true;
            if (term.is_map()) {
                for (const auto& [k, v] : term.map_object()) {
                    if (!k.is_atom())
                        eligible = false;
                    else
                        keys.push_back(k.as_atom());
                }
            } else if (term.is_list()) {
                for (ListIterator it(term); !it.done(); ++it) {
                    if (!(*it).is_tuple(2) || !(*it).element(0).is_atom())
                        eligible = false;
                    else
                        keys.push_back((*it).element(0).as_atom());
                }
            } else {
                eligible = false;
            }
            if (eligible) {
                std::vector<std::pair<double, Atom>> suggestions;
                for (Atom k : keys) {
                    double d = jaro_distance(key.as_atom().name(), k.name());
                    if (d >= 0.77) suggestions.emplace_back(d, k);
                }
                if (!suggestions.empty()) {
                    std::stable_sort(
                        suggestions.begin(), suggestions.end(),
                        [](const auto& a, const auto& b) { return a.first > b.first; });
                    if (suggestions.size() > 5) suggestions.resize(5);
                    std::stable_sort(suggestions.begin(), suggestions.end(),
                                     [](const auto& a, const auto& b) {
                                         return a.second.name() < b.second.name();
                                     });
                    text += ". Did you mean:\n\n";
                    for (const auto& s : suggestions)
                        text += "      * " + inspect_atom(s.second) + "\n";
                }
            }
        }
        return exception.map_put(Term::atom(atom::message), Term::binary(text));
    }
    if (name == "UndefinedFunctionError") {
        Term message = field_or_nil(exception, "message");
        if (message.is_binary()) return exception;
        std::string text = exception_message(exception);
        Term arity = field_or_nil(exception, "arity");
        if (field_or_nil(exception, "module").is_nil() && arity.is_integer() &&
            arity.as_integer() == 0)
            text +=
                ". If you are using the dot syntax, such as module.function(), make sure the "
                "left-hand side of "
                "the dot is a module atom";
        return exception.map_put(Term::atom(atom::message), Term::binary(text));
    }
    return exception;
}

namespace {

/// Kernel.CLI's pad/1: "    " before the text and after every newline.
std::string cli_pad(const std::string& text) {
    std::string out = "    ";
    for (char ch : text) {
        out += ch;
        if (ch == '\n') out += "    ";
    }
    return out;
}

/// FunctionClauseError.blame/3 without clauses (a script's modules keep no debug info, so Elixir
/// lists no "Attempted function clauses" for them): the arguments given, one "# N" block each.
std::string function_clause_blame(const Term& exception, const std::vector<Term>& args) {
    std::string out =
        "\n\nThe following arguments were given to " +
        format_mfa_term(field_or_nil(exception, "module"), field_or_nil(exception, "function"),
                        Term::integer(static_cast<int64_t>(args.size())))
            .value_or("?") +
        ":\n";
    for (size_t i = 0; i < args.size(); ++i) {
        std::string shown;
        for (char ch : insp(args[i])) {
            shown += ch;
            if (ch == '\n') shown += "    ";
        }
        out += "\n    # " + std::to_string(i + 1) + "\n    " + shown + "\n";
    }
    return out;
}

}  // namespace

std::string format_uncaught(const Term& kind, const Term& reason, const Term& stacktrace) {
    std::string banner;
    Term stack = stacktrace;
    if (kind.is_atom(atom::error)) {
        Term exception = normalize_error(reason, stacktrace);
        const Term* top = stack.is_cons() && stack.head().is_tuple(4) ? &stack.head() : nullptr;
        std::vector<Term> args;
        if (struct_name(exception) == "FunctionClauseError" && top &&
            exact_equal(top->element(0), field_or_nil(exception, "module")) &&
            exact_equal(top->element(1), field_or_nil(exception, "function")) &&
            top->element(2).is_list() && list_to_vector(top->element(2), args)) {
            // Kernel.CLI.format_error/3: the plain banner, then the padded blame; the top frame
            // shows the arity instead of the arguments.
            banner = "** (FunctionClauseError) " + exception_message(exception) +
                     cli_pad(function_clause_blame(exception, args));
            stack = Term::cons(
                Term::tuple({top->element(0), top->element(1),
                             Term::integer(static_cast<int64_t>(args.size())), top->element(3)}),
                stack.tail());
        } else {
            exception = blame_exception(exception, stacktrace);
            banner = "** (" + struct_name(exception) + ") " + exception_message(exception);
        }
    } else {
        banner = format_banner(kind, reason, stacktrace);
    }
    std::string trace = stack.is_cons() ? format_stacktrace(stack) : "\n";
    return banner + "\n" + trace;
}

// --- Logger reports ----------------------------------------------------------------------------

namespace {

/// Logger.Translator's format_stacktrace/1: "\n    entry" per entry; nullopt if not a stacktrace.
std::optional<std::string> translator_stacktrace(const Term& stacktrace) {
    auto lines = try_format_stacktrace(stacktrace);
    if (!lines) return std::nullopt;
    std::string out;
    for (const auto& l : *lines) out += "\n    " + l;
    return out;
}

std::string format_stop(const Term& reason) {
    return "\n** (stop) " + format_exit(reason);
}

/// Logger.Translator's format_reason/1.
std::string translator_reason(const Term& reason) {
    if (reason.is_tuple(2) && reason.element(1).is_cons()) {
        const Term& maybe_exception = reason.element(0);
        const Term& maybe_stacktrace = reason.element(1);
        auto stack = translator_stacktrace(maybe_stacktrace);
        if (!stack) return format_stop(reason);
        std::string formatted;
        const Term& frame = maybe_stacktrace.head();
        bool gen_undef = maybe_exception.is_atom() &&
                         (maybe_exception.as_atom().name() == "module could not be loaded" ||
                          maybe_exception.as_atom().name() == "function not exported");
        if (gen_undef && frame.is_tuple(4) && frame.element(0).is_atom() &&
            frame.element(1).is_atom() &&
            (frame.element(2).is_list() || frame.element(2).is_integer())) {
            Term arity = frame.element(2).is_list() ? Term::integer(list_length(frame.element(2)))
                                                    : frame.element(2);
            Term exception =
                make_exception("UndefinedFunctionError", {{"module", frame.element(0)},
                                                          {"function", frame.element(1)},
                                                          {"arity", arity},
                                                          {"reason", maybe_exception},
                                                          {"message", Term::nil()}});
            formatted = "\n" + format_banner(Term::atom(atom::error), exception, maybe_stacktrace);
        } else if (is_exception(maybe_exception)) {
            formatted =
                "\n" + format_banner(Term::atom(atom::error), maybe_exception, maybe_stacktrace);
        } else {
            Term exception = normalize_error(maybe_exception, maybe_stacktrace);
            if (struct_name(exception) == "ErlangError")
                formatted = format_stop(maybe_exception);
            else
                formatted =
                    "\n" + format_banner(Term::atom(atom::error), exception, maybe_stacktrace);
        }
        return formatted + *stack;
    }
    return format_stop(reason);
}

}  // namespace

std::string task_crash_report(Pid task, const Term& starter, const Term& function, const Term& args,
                              const Term& reason) {
    return "Task " + insp(Term::pid(task)) + " started from " + insp(starter) + " terminating" +
           translator_reason(reason) + "\nFunction: " + insp(function) +
           "\n    Args: " + insp(args);
}

std::string process_crash_report(Pid pid, const Term& reason, const Term& stacktrace) {
    Term exception = normalize_error(reason, stacktrace);
    std::string out = "Process " + insp(Term::pid(pid)) + " raised an exception\n" +
                      format_banner(Term::atom(atom::error), exception, stacktrace);
    for (ListIterator it(stacktrace); !it.done(); ++it)
        out += "\n    " + format_stacktrace_entry(*it);
    return out;
}

std::string genserver_crash_report(const GenServerCrash& crash) {
    std::string out =
        "GenServer " + insp(crash.name) + " terminating" + translator_reason(crash.reason);
    out += "\nLast message";
    if (!crash.client.is_nil())
        out +=
            " (from " + insp(crash.client_name.is_nil() ? crash.client : crash.client_name) + ")";
    out += ": " + insp(crash.last_message);
    out += "\nState: " + insp(crash.state);
    if (!crash.client.is_nil()) {
        if (crash.client_alive) {
            out += "\nClient " +
                   insp(crash.client_name.is_nil() ? crash.client : crash.client_name) +
                   " is alive\n";
            for (ListIterator it(crash.client_stacktrace); !it.done(); ++it)
                out += "\n    " + format_stacktrace_entry(*it);
        } else {
            out += "\nClient " + insp(crash.client) + " is dead";
        }
    }
    return out;
}

std::string logger_prefix(int64_t now_us, std::string_view level) {
    int64_t ms_total = (now_us / 1000) % (24 * 3600 * 1000);
    if (ms_total < 0) ms_total += 24 * 3600 * 1000;
    int64_t ms = ms_total % 1000, s = (ms_total / 1000) % 60, m = (ms_total / 60000) % 60,
            h = ms_total / 3600000;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%03lld ", static_cast<long long>(h),
                  static_cast<long long>(m), static_cast<long long>(s), static_cast<long long>(ms));
    return std::string(buf) + "[" + std::string(level) + "] ";
}

std::string logger_entry(int64_t now_us, std::string_view level, std::string_view message) {
    return "\n" + logger_prefix(now_us, level) + std::string(message) + "\n";
}

}  // namespace tasklens
