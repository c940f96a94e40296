#pragma once
// GenServer internals shared with Agent, Supervisor and the natives.
#include "engine/otp/common.h"

namespace tasklens::otp::detail {

/// A callback's outcome: its value (a thrown value counts as the value, as in gen_server), the
/// exception it raised, or `undefined` when the module does not define the callback.
struct CallbackResult {
    Term value;
    Caught error;
    bool undefined = false;
};
Co<CallbackResult> run_callback(ProcessContext& ctx, Atom module, Atom function,
                                std::vector<Term> args);
/// Appends the frames of gen_server.erl and proc_lib.erl under a raising callback (init,
/// handle_call/cast/info/continue), as the BEAM's stacktrace has them, keeping 8 frames at most.
void add_gen_server_frames(Caught& error, Atom callback);
/// Is the exception an UndefinedFunctionError for module.function itself?
bool is_undef_of(const Caught& c, Atom module, Atom function);

/// gen:start — spawns the server, registers `name` inside it, runs init/1, returns the ack'ed
/// {:ok, pid} | :ignore | {:error, reason}.
Co<Term> start_gen_server(ProcessContext& ctx, Atom module, Term init_arg, Term name,
                          Timeout timeout, bool link);
/// A {:system, from, request} call (:sys.get_state and friends).
Co<Term> sys_call(ProcessContext& ctx, Term server, Term request, Timeout timeout);

}  // namespace tasklens::otp::detail
