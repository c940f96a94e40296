#pragma once
// The scenario standard library's C++ functions, looked up by the VM by module/function/arity.
//
// Pure functions (String, Map, Keyword, List, Integer, Float, Tuple, Atom, Regex, MapSet, ...)
// are SyncBuiltins: Terms in, a Term out, errors raised as ErlangException (e.g. an
// ArgumentError struct via format_error.h's helpers). They never block and never call back into
// scenario code. Anything that blocks or calls a scenario fun is an AsyncBuiltin (a coroutine) or
// is written in the scenario language itself (the prelude).
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/runtime/runtime.h"

namespace tasklens::script {

using SyncBuiltin = Term (*)(ProcessContext& ctx, std::span<const Term> args);
using AsyncBuiltin = CodeRegistry::NativeFunction;

class BuiltinTable {
  public:
    struct Entry {
        SyncBuiltin sync = nullptr;
        AsyncBuiltin async = nullptr;
    };

    /// `module` is the full atom text: "Elixir.String", "erlang", "timer". Registering a
    /// function twice throws std::logic_error: each function has exactly one implementation.
    void add(std::string_view module, std::string_view function, int arity, SyncBuiltin fn);
    void add_async(std::string_view module, std::string_view function, int arity, AsyncBuiltin fn);
    const Entry* find(Atom module, Atom function, int arity) const noexcept;
    /// Whether any function of the module exists (for "module is not available" errors).
    bool has_module(Atom module) const noexcept;

    struct Name {
        Atom module, function;
        int arity;
    };
    /// Every registered function (for the checks that no function is defined twice).
    std::vector<Name> names() const;

  private:
    struct Key {
        uint32_t module, function;
        int arity;
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        size_t operator()(const Key& k) const noexcept {
            return (size_t{k.module} * 0x9e3779b97f4a7c15ULL) ^ (size_t{k.function} << 16) ^
                   size_t(k.arity);
        }
    };
    Entry& new_entry(std::string_view module, std::string_view function, int arity);

    std::unordered_map<Key, Entry, KeyHash> entries_;
    std::unordered_map<uint32_t, int> modules_;
};

/// The virtual system time in microseconds since the Unix epoch (System.system_time/1,
/// :os.system_time, the calendar functions): the virtual clock counted from
/// 2024-01-01T00:00:00Z, so that runs are deterministic (kernel.cpp).
int64_t virtual_system_time_us(const ProcessContext& context);

/// The process-wide table with every builtin registered (built once, then read-only).
const BuiltinTable& builtins();

// Each area registers its functions; builtins() calls them all once.
void register_pure_stdlib(BuiltinTable& table);  // engine/script/stdlib/*.cpp (String, Map, ...)
void register_vm_builtins(BuiltinTable& table);  // the VM's own: Kernel, IO, Process, Enum glue...

}  // namespace tasklens::script
