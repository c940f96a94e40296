#pragma once
// Elixir's error texts: Exception.message/1, Exception.normalize/3, Exception.format_exit/1,
// Exception.format_banner/3, stacktrace lines, and the Logger reports printed when a Task,
// GenServer or plain process crashes — as Elixir 1.14 on OTP 25 prints them.
//
// Exceptions are Elixir exception structs: maps with `__struct__: Elixir.RuntimeError`,
// `__exception__: true` and the module's fields.
#include <functional>
#include <optional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "engine/runtime/term.h"

namespace tasklens {

// --- exception structs ----------------------------------------------------------------------

/// An exception struct: `module` is the Elixir name without the prefix ("RuntimeError",
/// "KeyError"); `fields` are the struct's fields (the caller gives all of them).
Term make_exception(std::string_view module,
                    std::initializer_list<std::pair<std::string_view, Term>> fields);
/// %RuntimeError{message: message}, and likewise for ArgumentError.
Term runtime_error(std::string_view message);
Term argument_error(std::string_view message);
/// The ArgumentError an Erlang BIF raises with error info, e.g. argument_error_at({{1, "invalid
/// destination"}}) for send/2 to an unregistered name:
///   errors were found at the given arguments:\n\n  * 1st argument: invalid destination\n
Term argument_error_at(std::initializer_list<std::pair<int, std::string_view>> argument_errors);
/// %UndefinedFunctionError{} for module.function/arity; `module_loaded` picks "is undefined or
/// private" over "is undefined (module X is not available)".
Term undefined_function_error(Atom module, Atom function, int64_t arity, bool module_loaded);
/// Is `term` an exception struct (a map with `__exception__: true`)?
bool is_exception(const Term& term);
/// The struct's module name without the `Elixir.` prefix ("RuntimeError"); empty if not a struct.
std::string struct_name(const Term& term);

/// Exception.message/1 for Elixir's standard exceptions, and `message` for any other exception
/// struct that has one (defexception with a message field).
std::string exception_message(const Term& exception);

/// How exception_message decides, for an %UndefinedFunctionError{reason: nil}, whether the module
/// exists ("is undefined or private") or not ("module X is not available"), on this thread. The
/// scenario VM installs a check of its loaded modules; unset = no module is loaded.
void set_thread_module_loaded(std::function<bool(Atom module)> loaded);
/// Whether `module` exists for this thread's program (true when no check is installed).
bool thread_module_is_loaded(Atom module);

/// Tasklens's own wording for an :undef of a function that Elixir/OTP has but a scenario cannot
/// call (sandboxed, or not supported yet), on this thread; the scenario VM installs it. When it
/// answers, Exception.normalize gives %UndefinedFunctionError{} that text as its message, so a
/// crash report never says such a function does not exist.
using UnsupportedCallWording =
    std::function<std::optional<std::string>(Atom module, Atom function, int64_t arity)>;
void set_thread_unsupported_call(UnsupportedCallWording wording);

/// Exception.normalize(:error, reason, stacktrace): Erlang error reasons (badarg,
/// {:badmatch, v}, badarith, undef, function_clause, {:badkey, k, map}, ...) become Elixir
/// exception structs; an exception struct is returned unchanged; anything else becomes
/// %ErlangError{original: reason}. `undef` and `function_clause` read module/function/arity from
/// the stacktrace's first frame, as Elixir does.
Term normalize_error(const Term& reason, const Term& stacktrace = Term::empty_list());
/// Exception.normalize(kind, reason, stacktrace): only :error reasons are normalized.
Term normalize(Atom kind, const Term& reason, const Term& stacktrace = Term::empty_list());

/// Exception.format_exit/1: "time out", "an exception was raised:\n    ** (RuntimeError) ...",
/// "exited in: Task.await(%Task{...}, 5000)\n    ** (EXIT) time out", ...
std::string format_exit(const Term& reason);

/// Exception.format_banner(kind, reason, stacktrace), kind being :error, :exit, :throw or
/// {:EXIT, pid}: "** (RuntimeError) boom", "** (exit) normal", "** (throw) 1",
/// "** (EXIT from #PID<0.94.0>) ...".
std::string format_banner(const Term& kind, const Term& reason,
                          const Term& stacktrace = Term::empty_list());

/// One stacktrace entry {module, function, arity_or_args, location} as Exception prints it,
/// without indentation: "(elixir 1.14.0) lib/task.ex:830: Task.await/2",
/// "scenario.exs:3: (file)", "scenario.exs:5: anonymous fn/0 in :elixir_compiler_0.__FILE__/1".
std::string format_stacktrace_entry(const Term& entry);
/// Exception.format_stacktrace/1: every entry on its own line indented by 4 spaces, each line
/// ending in "\n". Empty stacktrace: "".
std::string format_stacktrace(const Term& stacktrace);

/// Exception.format(kind, reason, stacktrace): the banner, then (unless kind is {:EXIT, pid} or
/// the stacktrace is empty) a newline and the stacktrace.
std::string format_exception(const Term& kind, const Term& reason, const Term& stacktrace);

/// Exception.blame/2 for the exceptions whose blame needs no source code: ArithmeticError gets
/// the failing operation from an {:erlang, op, args, _} first frame (": 1 / 0"), KeyError its
/// "Did you mean:" hint, UndefinedFunctionError its message filled in.
Term blame_exception(const Term& exception, const Term& stacktrace);

/// Exactly what `elixir scenario.exs` writes to stderr when the script's own process dies of an
/// uncaught raise/throw/exit or of a linked process's exit signal (Kernel.CLI.format_error/3):
/// the blamed banner, "\n", then the stacktrace lines ("\n" alone when there is none, hence the
/// blank line after "** (EXIT from #PID<0.96.0>) ..."). kind: :error, :exit, :throw or {:EXIT,
/// pid}.
std::string format_uncaught(const Term& kind, const Term& reason, const Term& stacktrace);

// --- Logger crash reports -------------------------------------------------------------------

/// The message Logger prints when a Task dies (without the "HH:MM:SS.mmm [error] " prefix):
///   Task #PID<0.99.0> started from #PID<0.96.0> terminating
///   ** (RuntimeError) boom
///       scenario.exs:3: anonymous fn/0 in :elixir_compiler_0.__FILE__/1
///   Function: #Function<...>
///       Args: []
/// `starter` is the caller (or the registered name as an atom); `function` is the fun or an
/// {m, f, a} tuple; `args` the argument list; `reason` the exit reason ({exception, stacktrace}
/// for a raise, anything else for an exit).
std::string task_crash_report(Pid task, const Term& starter, const Term& function, const Term& args,
                              const Term& reason);

/// The message Logger prints for a plain (spawned) process that dies of an error or an uncaught
/// throw (reason {:nocatch, value}); exits are not logged:
///   Process #PID<0.99.0> raised an exception
///   ** (ArgumentError) bad
///       scenario.exs:1: anonymous fn/0 in :elixir_compiler_0.__FILE__/1
std::string process_crash_report(Pid pid, const Term& reason, const Term& stacktrace);

/// What a GenServer (or Agent) had in hand when it terminated abnormally.
struct GenServerCrash {
    Term name;          ///< the server's registered name (atom) or its pid
    Term reason;        ///< exit reason: {exception, stacktrace} for a raise, anything for a stop
    Term last_message;  ///< as received: a call's request, {:"$gen_cast", msg}, or the info message
    Term state;
    Term client = Term::nil();       ///< the caller's pid for a call; nil for casts and infos
    Term client_name = Term::nil();  ///< the caller's registered name, if any
    bool client_alive = true;
    Term client_stacktrace = Term::empty_list();  ///< where the alive caller waits
};

/// The message Logger prints when a GenServer terminates abnormally (Logger at :debug level,
/// Elixir's default, so State and Client are included):
///   GenServer #PID<0.103.0> terminating
///   ** (ArithmeticError) bad argument in arithmetic expression
///       scenario.exs:4: Srv.handle_call/3
///   Last message (from #PID<0.96.0>): :crash
///   State: 0
///   Client #PID<0.96.0> is alive
///   <blank line>
///       (stdlib 4.2) gen.erl:256: :gen.do_call/4
std::string genserver_crash_report(const GenServerCrash& crash);

/// Logger's line prefix for a message logged at virtual time `now_us` (from midnight):
/// "HH:MM:SS.mmm [error] ".
std::string logger_prefix(int64_t now_us, std::string_view level = "error");
/// A whole console log entry as Logger's default format writes it (to stdout):
/// "\nHH:MM:SS.mmm [error] message\n".
std::string logger_entry(int64_t now_us, std::string_view level, std::string_view message);

}  // namespace tasklens
