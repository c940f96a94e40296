#pragma once
// Elixir's error texts: Exception.message/1, Exception.normalize/3, Exception.format_exit/1,
// Exception.format_banner/3, stacktrace lines, and the Logger reports printed when a Task,
// GenServer or plain process crashes — as Elixir 1.14 on OTP 25 prints them.
//
// Exceptions are Elixir exception structs: maps with `__struct__: Elixir.RuntimeError`,
// `__exception__: true` and the module's fields.
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "engine/runtime/term.h"

namespace tasklens {

// --- exception structs ----------------------------------------------------------------------

/// An exception struct: `module` is the Elixir name without the prefix ("RuntimeError",
/// "KeyError"); `fields` are the struct's fields (the caller gives all of them).
Term make_exception(std::string_view module, std::initializer_list<std::pair<std::string_view, Term>> fields);
/// %RuntimeError{message: message}, and likewise for ArgumentError.
Term runtime_error(std::string_view message);
Term argument_error(std::string_view message);
/// Is `term` an exception struct (a map with `__exception__: true`)?
bool is_exception(const Term& term);
/// The struct's module name without the `Elixir.` prefix ("RuntimeError"); empty if not a struct.
std::string struct_name(const Term& term);

/// Exception.message/1 for the exceptions the engine raises or normalizes.
std::string exception_message(const Term& exception);

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
std::string format_banner(const Term& kind, const Term& reason, const Term& stacktrace = Term::empty_list());

/// One stacktrace entry {module, function, arity_or_args, location} as Exception prints it,
/// without indentation: "(elixir 1.14.0) lib/task.ex:830: Task.await/2",
/// "scenario.exs:3: (file)", "scenario.exs:5: anonymous fn/0 in :elixir_compiler_0.__FILE__/1".
std::string format_stacktrace_entry(const Term& entry);
/// Exception.format_stacktrace/1: every entry on its own line indented by 4 spaces, each line
/// ending in "\n". Empty stacktrace: "".
std::string format_stacktrace(const Term& stacktrace);

/// Exception.format(kind, reason, stacktrace): the banner, a newline, then the stacktrace.
/// This is what `elixir scenario.exs` prints on stderr when the script's process dies
/// (kind :error with an Erlang reason is normalized first).
std::string format_exception(const Term& kind, const Term& reason, const Term& stacktrace);

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

/// The message Logger prints for a plain (spawned) process that dies of an error:
///   Error in process #PID<0.94.0> with exit value:
///   {%RuntimeError{message: "boom"}, [...]}
std::string process_crash_report(Pid pid, const Term& reason);

/// The message Logger prints when a GenServer terminates abnormally:
///   GenServer #PID<0.95.0> terminating
///   ** (RuntimeError) boom
///       ...
///   Last message (from #PID<0.94.0>): :crash
///   State: 0
///   Client #PID<0.94.0> is alive
///       ...
/// `name` is the pid (as a term) or registered name; `last_message` the message being handled;
/// `from` the caller of a call (nil for a cast/info).
std::string genserver_crash_report(const Term& name, const Term& reason, const Term& last_message,
                                   const Term& state, const Term& from);

/// Logger's line prefix for a message logged at virtual time `now_us` (from midnight):
/// "HH:MM:SS.mmm [error] ".
std::string logger_prefix(int64_t now_us, std::string_view level = "error");

}  // namespace tasklens
