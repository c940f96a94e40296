#include "engine/script/scenario_runner.h"

#include <fmt/format.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <new>
#include <optional>
#include <set>
#include <sstream>

#include "engine/otp/otp.h"
#include "engine/runtime/format_error.h"
#include "engine/runtime/inspect.h"
#include "engine/script/builtins.h"
#include "engine/script/compiler.h"
#include "engine/script/logger.h"
#include "engine/script/otp_exports.h"
#include "engine/script/stdlib/rand.h"
#include "engine/script/vm.h"

namespace tasklens::script {
namespace {
/// The script process of `elixir x.exs` on Elixir 1.14 / OTP 25 is #PID<0.96.0>.
constexpr uint32_t kElixirScriptPidSerial = 96;
/// Frames Process.info(pid, :current_stacktrace) gives (the BEAM's backtrace_depth).
constexpr size_t kCurrentStacktraceDepth = 8;

/// How the script's own process ended, recorded before the exception leaves its body.
struct MainOutcome {
    bool finished = false;  ///< the script ran to its end
    bool raised = false;    ///< it raised, threw or called exit/1 (not killed by a signal)
    Atom kind;
    Term reason;
    Term stacktrace;
};

/// A defexception with its own message/1: reports and banners show what that function
/// returns, which only the scenario's code can compute (the formatters read the :message
/// field). Returns `reason` with the computed message put in each such exception, where an
/// exception sits in a reason: `e`, `{e, stacktrace}`, `{{e, stacktrace}, {GenServer, :call,
/// args}}`.
Co<Term> with_exception_messages(ProcessContext& ctx, Term reason) {
    if (reason.is_tuple(2)) {
        Term first = co_await with_exception_messages(ctx, reason.element(0));
        co_return Term::tuple({std::move(first), reason.element(1)});
    }
    if (!reason.is_map() || !reason.map_find(Term::atom(atom::struct_)) ||
        !reason.map_find(Term::atom("__exception__")))
        co_return reason;
    Term message;
    try {
        std::vector<Term> args;
        args.push_back(reason);
        message = co_await ctx.runtime().code().apply(ctx, Atom::intern("Elixir.Exception"),
                                                      Atom::intern("message"), std::move(args));
    } catch (const ErlangException&) {
    }
    if (message.is_binary()) co_return reason.map_put(Term::atom("message"), std::move(message));
    co_return reason;
}

Co<void> main_body(ProcessContext& ctx, const FunctionCode* main,
                   std::shared_ptr<MainOutcome> outcome) {
    try {
        (void)co_await run_function(ctx, main, {});
        outcome->finished = true;
        co_return;
    } catch (ErlangException& e) {
        // Killed by an exit signal while running (exit(self(), :kill), a linked peer's exit/2):
        // the process is already dead and this only unwinds it; that is a signal death.
        if (!ctx.alive(ctx.self())) throw;
        outcome->raised = true;
        outcome->kind = e.kind();
        outcome->reason = e.reason();
        outcome->stacktrace = e.stacktrace();
    }
    const Term original = outcome->reason;
    outcome->reason = co_await with_exception_messages(ctx, original);
    throw ErlangException(outcome->kind, original, outcome->stacktrace);
}

std::vector<Term> charlist(std::string_view s);

Co<void> report_crash(ProcessContext& ctx, otp::CrashReport report) {
    std::string text;
    // Supervisor reports are SASL reports: the primary filters see them, Elixir's console
    // handler does not print them (handle_sasl_reports: false).
    bool sasl = report.sasl;
    report.reason = co_await with_exception_messages(ctx, std::move(report.reason));
    switch (report.kind) {
        case otp::CrashReport::Kind::Task:
            text = task_crash_report(report.pid, report.starter, report.function, report.args,
                                     report.reason);
            break;
        case otp::CrashReport::Kind::GenServer: {
            GenServerCrash crash;
            // As gen_server's error_info: the registered name if any, the request of a call
            // (not its {:"$gen_call", from, request} envelope) and the caller's pid.
            crash.name = Term::pid(report.pid);
            if (const Term* inner =
                    report.report.is_map() ? report.report.map_find(Term::atom("report")) : nullptr;
                inner && inner->is_map())
                if (const Term* name = inner->map_find(Term::atom("name"))) crash.name = *name;
            crash.reason = report.reason;
            crash.last_message = report.function;
            if (crash.last_message.is_tuple(3) &&
                crash.last_message.element(0).is_atom(Atom::intern("$gen_call")))
                crash.last_message = crash.last_message.element(2);
            crash.state = report.args;
            crash.client = report.starter;
            if (crash.client.is_tuple(2) && crash.client.element(0).is_pid())
                crash.client = crash.client.element(0);
            if (crash.client.is_pid()) {
                crash.client_alive = ctx.alive(crash.client.as_pid());
                // Where an alive caller waits (Process.info(client, :current_stacktrace), 8
                // frames): gen:do_call under GenServer.call, the caller's script frames, and
                // under the script's own code the Elixir compiler that runs it.
                auto frame = [](const char* m, const char* f, int64_t arity, const char* file,
                                int64_t line) {
                    return Term::tuple(
                        {Term::atom(m), Term::atom(f), Term::integer(arity),
                         Term::list({Term::tuple({Term::atom("file"), Term::list(charlist(file))}),
                                     Term::tuple({Term::atom("line"), Term::integer(line)})})});
                };
                std::vector<Term> frames{
                    frame("gen", "do_call", 4, "gen.erl", 256),
                    frame("Elixir.GenServer", "call", 3, "lib/gen_server.ex", 1035)};
                bool under_script_main = false;
                list_to_vector(
                    waiting_script_frames(ctx.runtime(), crash.client.as_pid(), &under_script_main),
                    frames);
                if (under_script_main) {
                    frames.push_back(
                        frame("elixir_compiler", "dispatch", 4, "src/elixir_compiler.erl", 65));
                    frames.push_back(
                        frame("elixir_compiler", "compile", 3, "src/elixir_compiler.erl", 50));
                    frames.push_back(
                        frame("elixir_lexical", "run", 3, "src/elixir_lexical.erl", 15));
                    frames.push_back(
                        frame("elixir_compiler", "quoted", 3, "src/elixir_compiler.erl", 17));
                    frames.push_back(frame("Elixir.Module.ParallelChecker", "verify", 1,
                                           "lib/module/parallel_checker.ex", 100));
                    frames.push_back(frame("Elixir.Code", "require_file", 2, "lib/code.ex", 1245));
                }
                if (frames.size() > kCurrentStacktraceDepth) frames.resize(kCurrentStacktraceDepth);
                crash.client_stacktrace = Term::list(frames);
            }
            text = genserver_crash_report(crash);
        } break;
        default:
            text = fmt::format("Child of Supervisor {} terminated\n** (exit) {}",
                               inspect(Term::pid(report.pid)), inspect(report.reason));
            break;
    }
    Term msg = Term::tuple({Term::atom("report"), report.report});
    co_await log_event(ctx, "error", std::move(msg), report.metadata, std::move(text), !sasl);
}

std::vector<Term> charlist(std::string_view s) {
    std::vector<Term> out;
    for (unsigned char c : s) out.push_back(Term::integer(c));
    return out;
}

/// The message of a Tasklens.UnsupportedError (a call Tasklens cannot run yet), or nullptr.
const Term* unsupported_error_message(const Term& reason) {
    if (!reason.is_map()) return nullptr;
    const Term* module = reason.map_find(Term::atom(atom::struct_));
    if (!module || !module->is_atom(Atom::intern(kUnsupportedErrorModule))) return nullptr;
    const Term* message = reason.map_find(Term::atom("message"));
    return message && message->is_binary() ? message : nullptr;
}

/// "file:line: " of the innermost stack frame that has a location (the scenario's own code), so
/// a refusal found at run time points at its line as the compiler's refusals do; "" if none.
std::string stack_location(const Term& stacktrace) {
    if (!stacktrace.is_list()) return "";
    const Atom file_key = Atom::intern("file"), line_key = Atom::intern("line");
    for (ListIterator it(stacktrace); !it.done(); ++it) {
        const Term& frame = *it;
        if (!frame.is_tuple() || frame.tuple_size() != 4 || !frame.element(3).is_list()) continue;
        std::optional<std::string> file;
        int64_t line = 0;
        for (ListIterator kv(frame.element(3)); !kv.done(); ++kv) {
            const Term& pair = *kv;
            if (!pair.is_tuple() || pair.tuple_size() != 2) continue;
            if (pair.element(0).is_atom(file_key)) file = try_to_string(pair.element(1));
            if (pair.element(0).is_atom(line_key) && pair.element(1).is_integer())
                line = pair.element(1).as_integer();
        }
        if (file && !file->empty() && line > 0) return fmt::format("{}:{}: ", *file, line);
    }
    return "";
}

/// An uncaught :undef (reached through apply/3, a captured fun, an MFA) of a function that
/// Elixir/OTP has: Tasklens's own limit, worded as such.
std::optional<std::string> unsupported_undef(Atom kind, const Term& reason,
                                             const Term& stacktrace) {
    if (kind != atom::error || !reason.is_atom(atom::undef) || !stacktrace.is_cons())
        return std::nullopt;
    const Term& top = stacktrace.head();
    if (!top.is_tuple() || top.tuple_size() < 3 || !top.element(0).is_atom() ||
        !top.element(1).is_atom())
        return std::nullopt;
    const Term& args = top.element(2);
    int64_t arity = args.is_integer() ? args.as_integer() : list_length(args);
    if (arity < 0 || !otp_function_exists(top.element(0).as_atom(), top.element(1).as_atom(),
                                          static_cast<int>(arity)))
        return std::nullopt;
    return unsupported_message(top.element(0).as_atom(), top.element(1).as_atom(),
                               static_cast<int>(arity));
}

/// Whether the OTP natives (Task, GenServer, ...) define module.function/arity.
bool otp_native_defined(Atom module, Atom function, int arity) {
    static const CodeRegistry registry = [] {
        CodeRegistry code;
        otp::register_otp(code);
        return code;
    }();
    return registry.is_defined(module, function, arity);
}

/// exit/1 in the script with one of these ends `elixir` quietly (Kernel.CLI's exec_fun);
/// {:shutdown, n} with an integer n sets the exit status to n.
bool clean_exit(const Term& reason) {
    if (reason.is_atom(atom::normal) || reason.is_atom(atom::shutdown)) return true;
    return reason.is_tuple(2) && reason.element(0).is_atom(atom::shutdown);
}

int clean_exit_status(const Term& reason) {
    if (reason.is_tuple(2) && reason.element(1).is_integer()) {
        int64_t n = reason.element(1).as_integer();
        // an OS exit status is one byte, as erlang:halt/1 truncates it
        return static_cast<int>(n & 0xff);
    }
    return 0;
}

// "1 h", "90 s", "250 ms": a limit as the options spell it.
std::string format_duration_ms(int64_t ms) {
    if (ms % 3'600'000 == 0) return fmt::format("{} h", ms / 3'600'000);
    if (ms % 60'000 == 0) return fmt::format("{} min", ms / 60'000);
    if (ms % 1000 == 0) return fmt::format("{} s", ms / 1000);
    return fmt::format("{} ms", ms);
}

}  // namespace

RunLimits default_run_limits() {
    RunLimits limits;
    limits.max_virtual_us = int64_t{3600} * 1'000'000;
    limits.max_wall_ms = 0;
    limits.max_reductions = 0;
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page_size = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page_size > 0)
        limits.max_memory_bytes =
            static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size) / 2;
    return limits;
}

std::pair<std::string, int> limit_message(const RunLimitState& state, int64_t now_us) {
    const RunLimits& limits = state.limits;
    const double seconds = static_cast<double>(now_us) / 1e6;
    switch (state.exceeded) {
        case LimitKind::VirtualTime:
            return {fmt::format("tasklens: run stopped: it reached its virtual time limit of {} "
                                "(--max-time) at {:.3f} s of virtual time\n",
                                format_duration_ms(limits.max_virtual_us / 1000), seconds),
                    kExitRunLimit};
        case LimitKind::WallTime:
            return {fmt::format("tasklens: run stopped: it reached its wall-clock time limit of {} "
                                "(--max-wall) at {:.3f} s of virtual time\n",
                                format_duration_ms(limits.max_wall_ms), seconds),
                    kExitRunLimit};
        case LimitKind::Reductions:
            return {fmt::format("tasklens: run stopped: it reached its limit of {} reductions "
                                "(--max-reductions) at {:.3f} s of virtual time\n",
                                limits.max_reductions, seconds),
                    kExitRunLimit};
        case LimitKind::Memory:
            // The BEAM's words when its heap allocator fails; the status is the BEAM's too.
            if (state.exceeded_memory > 0)
                return {fmt::format("eheap_alloc: Cannot allocate memory: the run uses {} bytes, "
                                    "over its memory limit of {} bytes (--max-memory)\n",
                                    state.exceeded_memory, limits.max_memory_bytes),
                        1};
            return {fmt::format("eheap_alloc: Cannot allocate memory: an allocation failed "
                                "(memory limit {} bytes, --max-memory)\n",
                                limits.max_memory_bytes),
                    1};
        case LimitKind::None:
            break;
    }
    return {"tasklens: run stopped\n", kExitRunLimit};
}

int run_scenario_source(const std::string& path, const std::string& text,
                        const ScenarioOptions& options) {
    std::ostream& out = options.out ? *options.out : std::cout;
    std::ostream& err = options.err ? *options.err : std::cerr;
    SourceFiles files;
    const SourceFile& file = files.add(path, text);
    std::vector<Diagnostic> diagnostics;
    std::shared_ptr<Program> program;
    std::vector<std::string> warnings;
    try {
        program = compile_scenario(files, file, diagnostics, otp_native_defined,
                                   options.compile_warnings ? &warnings : nullptr);
    } catch (std::exception& e) {
        err << "tasklens: internal error: " << e.what() << "\n";
        return 1;
    }
    if (!program) {
        for (const auto& d : diagnostics) err << format_diagnostic(d, files.get(d.location.file));
        return 1;
    }
    for (const std::string& w : warnings) err << w;
    err.flush();

    RuntimeOptions ro;
    ro.schedulers = options.schedulers;
    ro.events = options.events;
    ro.process_limit = options.max_processes;
    if (options.elixir_pids) {
        ro.first_pid_serial = kElixirScriptPidSerial;
        ro.reserve_pids = true;
    }
    // Flushed at every write, as the BEAM's group leader writes: a pipe has seen each line
    // before anything later can crash or kill us.
    ro.console = [&out, &err](std::string_view s, bool to_stderr) {
        std::ostream& stream = to_stderr ? err : out;
        stream << s;
        stream.flush();
    };
    Runtime runtime(ro);
    set_run_limits(runtime, options.limits, options.stop_flag);
    stdlib::set_run_seed(runtime, options.seed);
    install_program(runtime, program);
    otp::register_otp(runtime.code());
    otp::set_crash_report_handler(runtime, report_crash);
    if (options.setup) options.setup(runtime);

    auto outcome = std::make_shared<MainOutcome>();
    const FunctionCode* main = program->main;
    SpawnOptions so;
    so.initial_call =
        Term::tuple({Term::atom("elixir_compiler_0"), Term::atom("__FILE__"), Term::integer(1)});
    so.label = path;
    SpawnResult spawned = runtime.spawn(
        [main, outcome](ProcessContext& ctx) { return main_body(ctx, main, outcome); }, so);
    // Before the script's first line runs, Elixir has started two more processes (the
    // compiler's checker and lexical tracker for the file): the script's first spawn is 0.99.
    runtime.reserve_pids(2);
    set_thread_struct_registry(&program->structs);
    set_thread_unsupported_call(
        [](Atom module, Atom function, int64_t arity) -> std::optional<std::string> {
            if (arity < 0 || arity > 255 ||
                !otp_function_exists(module, function, static_cast<int>(arity)))
                return std::nullopt;
            return unsupported_message(module, function, static_cast<int>(arity));
        });
    set_thread_module_loaded([program](Atom module) {
        static const std::set<std::string_view> native_modules = {"Elixir.Task",
                                                                  "Elixir.Task.Supervisor",
                                                                  "Elixir.Supervisor",
                                                                  "Elixir.DynamicSupervisor",
                                                                  "Elixir.PartitionSupervisor",
                                                                  "Elixir.GenServer",
                                                                  "Elixir.Agent",
                                                                  "Elixir.Registry",
                                                                  "Elixir.Node",
                                                                  "global",
                                                                  "sys"};
        return program->modules.count(module.id) > 0 || builtins().has_module(module) ||
               native_modules.count(module.name()) > 0 || otp_module_exists(module);
    });
    RunResult result;
    bool out_of_memory = false;
    try {
        result = options.drive ? options.drive(runtime, spawned.pid)
                               : runtime.run_until_exit(spawned.pid);
    } catch (const std::bad_alloc&) {  // outside any process (e.g. delivering a message)
        out_of_memory = true;
    }
    // Kept until the final error is formatted: "undefined or private" needs to know the module.
    struct ResetFormatting {
        ~ResetFormatting() {
            set_thread_struct_registry(nullptr);
            set_thread_module_loaded(nullptr);
            set_thread_unsupported_call(nullptr);
        }
    } reset_formatting;
    out.flush();
    RunLimitState state = run_limit_state(runtime);
    if (state.halt_status >= 0) return state.halt_status;  // System.halt: nothing more to say
    if (out_of_memory) {
        state.exceeded = LimitKind::Memory;
        state.exceeded_memory = 0;
    }
    // Out of memory ends the run even when the process it hit was the script's own (which then
    // "exits" killed): the BEAM's node dies with eheap_alloc, so does the run.
    if (out_of_memory || state.exceeded == LimitKind::Memory ||
        (result.reason == RunResult::Reason::Stopped && state.exceeded != LimitKind::None)) {
        auto [message, status] = limit_message(state, runtime.now_us());
        err << message;
        err.flush();
        return status;
    }
    if (result.reason == RunResult::Reason::Stopped && options.stop_flag &&
        options.stop_flag->load() != 0)
        return kExitSignalBase + options.stop_flag->load();
    if (result.reason == RunResult::Reason::Stopped) return 1;
    if (result.reason != RunResult::Reason::TargetExited) {
        // Nothing can run any more but the script waits (a receive without after): elixir would
        // hang; we report it instead of hanging.
        err << "tasklens: the script is blocked forever (no process can run and no timer is "
               "pending)\n";
        return 1;
    }
    if (outcome->finished) return 0;
    if (outcome->raised) {
        if (outcome->kind == atom::exit && clean_exit(outcome->reason))
            return clean_exit_status(outcome->reason);
        if (const Term* message = unsupported_error_message(outcome->reason)) {
            // Tasklens's own limit, not an Elixir error: one line, no Elixir banner or stack
            // The VM's own refusals carry their location already; a builtin's does not.
            std::string where = stack_location(outcome->stacktrace);
            if (message->binary_view().starts_with(where)) where.clear();
            err << where << message->binary_view() << "\n";
            return 1;
        }
        if (auto message = unsupported_undef(outcome->kind, outcome->reason, outcome->stacktrace)) {
            err << stack_location(outcome->stacktrace) << *message << "\n";
            return 1;
        }
        // elixir runs the script from Code.require_file/2: its frame ends every stacktrace
        std::vector<Term> stack;
        list_to_vector(outcome->stacktrace, stack);
        stack.push_back(Term::tuple(
            {Term::atom("Elixir.Code"), Term::atom("require_file"), Term::integer(2),
             Term::list({Term::tuple({Term::atom("file"), Term::list(charlist("lib/code.ex"))}),
                         Term::tuple({Term::atom("line"), Term::integer(1245)})})}));
        err << format_uncaught(Term::atom(outcome->kind), outcome->reason, Term::list(stack));
        return 1;
    }
    // Killed by an exit signal (a linked process died, exit/2): Kernel.CLI sees the script's
    // process go DOWN with that reason and prints it as an EXIT from the script's own pid, with
    // an empty stacktrace, whatever the reason ({:shutdown, _} and :normal included).
    Term reason = result.exit_reason ? *result.exit_reason : Term::atom(atom::normal);
    err << format_banner(Term::tuple({Term::atom(atom::EXIT), Term::pid(spawned.pid)}), reason)
        << "\n\n";
    return 1;
}

int run_scenario(const std::string& path, const ScenarioOptions& options) {
    std::ostream& err = options.err ? *options.err : std::cerr;
    // elixir's words (Code.require_file -> File.read!): "no such file or directory", "is a
    // directory", "permission denied", ...
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        err << "** (File.Error) could not read file \"" << path
            << "\": illegal operation on a directory\n";
        return 1;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const char* reason = errno == EACCES ? "permission denied" : "no such file or directory";
        err << "** (File.Error) could not read file \"" << path << "\": " << reason << "\n";
        return 1;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    return run_scenario_source(path, buffer.str(), options);
}

}  // namespace tasklens::script
