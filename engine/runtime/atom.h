#pragma once
// Atoms: interned names. The common ones have fixed ids known at compile time.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tasklens {

struct Atom {
    uint32_t id = 0;
    friend constexpr auto operator<=>(const Atom&, const Atom&) = default;

    /// Interns `name` (thread-safe). Elixir aliases are atoms too: "Elixir.MyApp.Worker".
    static Atom intern(std::string_view name);
    /// The atom named `name` if it was ever interned (binary_to_existing_atom), without adding it.
    static std::optional<Atom> find(std::string_view name);
    /// The atom's text. The view stays valid for the life of the program.
    std::string_view name() const;
};

// X(identifier, "text"): the atoms the engine itself needs. Order fixes their ids.
#define TASKLENS_BUILTIN_ATOMS(X)                                                                  \
    X(nil, "nil")                                                                                  \
    X(true_, "true")                                                                               \
    X(false_, "false")                                                                             \
    X(ok, "ok")                                                                                    \
    X(error, "error")                                                                              \
    X(exit, "exit")                                                                                \
    X(throw_, "throw")                                                                             \
    X(normal, "normal")                                                                            \
    X(kill, "kill")                                                                                \
    X(killed, "killed")                                                                            \
    X(noproc, "noproc")                                                                            \
    X(noconnection, "noconnection")                                                                \
    X(shutdown, "shutdown")                                                                        \
    X(timeout, "timeout")                                                                          \
    X(infinity, "infinity")                                                                        \
    X(undefined, "undefined")                                                                      \
    X(EXIT, "EXIT")                                                                                \
    X(DOWN, "DOWN")                                                                                \
    X(process, "process")                                                                          \
    X(trap_exit, "trap_exit")                                                                      \
    X(flush, "flush")                                                                              \
    X(info, "info")                                                                                \
    X(badarg, "badarg")                                                                            \
    X(badarith, "badarith")                                                                        \
    X(badmatch, "badmatch")                                                                        \
    X(badfun, "badfun")                                                                            \
    X(badarity, "badarity")                                                                        \
    X(badkey, "badkey")                                                                            \
    X(badmap, "badmap")                                                                            \
    X(case_clause, "case_clause")                                                                  \
    X(function_clause, "function_clause")                                                          \
    X(undef, "undef")                                                                              \
    X(system_limit, "system_limit")                                                                \
    X(struct_, "__struct__")                                                                       \
    X(exception_, "__exception__")                                                                 \
    X(message, "message")                                                                          \
    X(status, "status")                                                                            \
    X(running, "running")                                                                          \
    X(runnable, "runnable")                                                                        \
    X(waiting, "waiting")                                                                          \
    X(exiting, "exiting")                                                                          \
    X(links, "links")                                                                              \
    X(monitors, "monitors")                                                                        \
    X(monitored_by, "monitored_by")                                                                \
    X(message_queue_len, "message_queue_len")                                                      \
    X(messages, "messages")                                                                        \
    X(reductions, "reductions")                                                                    \
    X(current_function, "current_function")                                                        \
    X(dictionary, "dictionary")                                                                    \
    X(registered_name, "registered_name")                                                          \
    X(initial_call, "initial_call")                                                                \
    X(dollar_ancestors, "$ancestors")                                                              \
    X(dollar_callers, "$callers")                                                                  \
    X(dollar_initial_call, "$initial_call")                                                        \
    X(erlang, "erlang")                                                                            \
    X(apply, "apply")                                                                              \
    X(nonode_nohost, "nonode@nohost")

namespace atom {
enum : uint32_t {
#define TASKLENS_ATOM_ENUM(ident, text) ident##_id,
    TASKLENS_BUILTIN_ATOMS(TASKLENS_ATOM_ENUM)
#undef TASKLENS_ATOM_ENUM
        builtin_count
};
#define TASKLENS_ATOM_CONST(ident, text) inline constexpr Atom ident{ident##_id};
TASKLENS_BUILTIN_ATOMS(TASKLENS_ATOM_CONST)
#undef TASKLENS_ATOM_CONST
}  // namespace atom

}  // namespace tasklens
