#include "engine/script/otp_exports.h"

#include <set>
#include <unordered_map>

#include "engine/runtime/inspect.h"

namespace tasklens::script {

// Generated from data/otp_exports.txt (see engine/script/CMakeLists.txt).
extern const char* const kOtpExportsText;

namespace {

/// Module name -> its line of " fun/arity" entries (views into kOtpExportsText).
const std::unordered_map<std::string_view, std::string_view>& exports_by_module() {
    static const auto table = [] {
        std::unordered_map<std::string_view, std::string_view> by_module;
        std::string_view text(kOtpExportsText);
        while (!text.empty()) {
            size_t end = text.find('\n');
            std::string_view line = text.substr(0, end);
            text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
            if (line.empty() || line[0] == '#') continue;
            size_t space = line.find(' ');
            std::string_view module = line.substr(0, space);
            by_module[module] =
                space == std::string_view::npos ? std::string_view{} : line.substr(space);
        }
        return by_module;
    }();
    return table;
}

}  // namespace

bool otp_module_exists(Atom module) {
    return exports_by_module().count(module.name()) > 0;
}

bool otp_function_exists(Atom module, Atom function, int arity) {
    auto it = exports_by_module().find(module.name());
    if (it == exports_by_module().end()) return false;
    std::string entry = " " + std::string(function.name()) + "/" + std::to_string(arity);
    std::string_view functions = it->second;
    for (size_t at = functions.find(entry); at != std::string_view::npos;
         at = functions.find(entry, at + 1)) {
        size_t after = at + entry.size();
        if (after == functions.size() || functions[after] == ' ') return true;
    }
    return false;
}

bool is_sandboxed(Atom module, std::string_view fun) {
    const std::string_view m = module.name();
    static const std::set<std::string_view> refused_modules = {
        "Elixir.File",  "Elixir.Code", "Elixir.Port",       "Elixir.Path", "Elixir.IEx",
        "os",           "file",        "Elixir.Mix",        "gen_tcp",     "gen_udp",
        "inet",         "httpc",       "Elixir.Module",     "code",        "erl_eval",
        "Elixir.Macro", "Elixir.EEx",  "Elixir.Application"};
    // pure functions of sandboxed modules: module names as data, whether a module exists
    // the system clock is the virtual one, as System.system_time/0,1 (no OS access)
    if (m == "os" && (fun == "system_time" || fun == "timestamp")) return false;
    // the application environment lives in the run (stdlib/application.cpp)
    if (m == "Elixir.Application" &&
        (fun == "get_env" || fun == "fetch_env" || fun == "fetch_env!" || fun == "put_env" ||
         fun == "delete_env" || fun == "get_all_env"))
        return false;
    if ((m == "Elixir.Module" && (fun == "split" || fun == "concat")) ||
        (m == "Elixir.Code" && fun == "ensure_loaded?"))
        return false;
    if (refused_modules.count(m) > 0) return true;
    if (m == "Elixir.System")
        return fun == "cmd" || fun == "shell" || fun == "get_env" || fun == "put_env" ||
               fun == "stop" || fun == "argv" || fun == "cwd" || fun == "tmp_dir";
    if (m == "erlang")
        return fun == "open_port" || fun == "load_module" || fun == "purge_module";
    if (m == "Elixir.IO")
        return fun == "gets" || fun == "read" || fun == "getn" || fun == "binread";
    return false;
}

std::string unsupported_message(Atom module, Atom function, int arity) {
    const std::string name =
        inspect_module(module) + "." + inspect_atom_remote(function) + "/" + std::to_string(arity);
    // Never to come: the sandbox, not a gap. Reached by apply/3 with a computed module or name.
    if (is_sandboxed(module, function.name()))
        return name + " is not available: scenarios are sandboxed (no file, network or OS access)";
    return "Tasklens does not support " + name + " yet (see docs/scenario-language.md)";
}

}  // namespace tasklens::script
