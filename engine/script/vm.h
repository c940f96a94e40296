#pragma once
// The scenario VM: runs compiled scenario code (bytecode.h) inside runtime processes.
//
// Each execution is one C++20 coroutine running a dispatch loop over a heap stack of frames
// and registers; script calls never recurse on the C++ stack. Blocking operations (receive,
// sleep, Task.await through the code registry, an async builtin) are awaited by that coroutine.
// Native code (OTP behaviours) calls scenario funs through CodeRegistry::call_fun/apply; the VM
// installs itself as their closure runner and module resolver, and each such call runs as a
// nested execution (a new coroutine with its own heap stack).
#include <memory>
#include <vector>

#include "engine/runtime/runtime.h"
#include "engine/script/bytecode.h"

namespace tasklens::script {

/// The VM's per-runtime state (a Runtime extension).
struct VmState {
    std::shared_ptr<Program> program;
    uint64_t next_fun_id = 1;
};

/// Loads `program` into the runtime: installs the closure runner and the module resolver.
void install_program(Runtime& runtime, std::shared_ptr<Program> program);

/// Runs a script function (module function or the scenario's main code) to completion.
Co<Term> run_function(ProcessContext& ctx, const FunctionCode* fn, std::vector<Term> args);
/// fun.(args...) for any kind of fun (closure, &Mod.f/n, native).
Co<Term> call_fun(ProcessContext& ctx, Term fun, std::vector<Term> args);
/// apply(module, function, args): script modules, builtins, then the code registry.
Co<Term> apply_mfa(ProcessContext& ctx, Atom module, Atom function, std::vector<Term> args);
/// A process body that calls fun.() (spawn/1).
ProcessBody fun_body(Term fun);
/// A process body that calls apply(m, f, args) (spawn/3).
ProcessBody mfa_body(Atom module, Atom function, std::vector<Term> args);

/// The script frames of a process waiting in a call (innermost first), as its stacktrace
/// would show them; empty when it runs no script code.
/// `under_script_main`: whether the process is the script's own, running its top-level code.
Term waiting_script_frames(Runtime& runtime, Pid pid, bool* under_script_main = nullptr);

/// Does the loaded program (or the builtin table) define module.function/arity?
bool vm_defines(Runtime& runtime, Atom module, Atom function, uint32_t arity);

/// Maximum depth of script frames of one execution (a clear error rather than exhausting memory).
inline constexpr size_t kMaxFrames = 10'000'000;

}  // namespace tasklens::script
