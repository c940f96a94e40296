#pragma once
// Task internals shared by Task, Task.Supervisor and async_stream.
#include <optional>

#include "engine/otp/common.h"

namespace tasklens::otp::detail {

struct TaskFields {
    Ref ref;
    Pid owner;
    std::optional<Pid> pid;  ///< nil for Task.completed/1
};
/// Reads a %Task{}; raises FunctionClauseError-like {:function_clause, task} for anything else.
TaskFields task_fields(const Term& task);
void check_owner(ProcessContext& ctx, const Term& task, const TaskFields& f);
Term make_task(Term mfa_arity_term, Pid owner, Term pid, Ref ref);
/// Demonitors with :flush and deactivates the task's alias (late replies are dropped).
void task_demonitor(ProcessContext& ctx, Ref ref);

/// {node, self, self}: Task.Supervised's owner triple (the name is resolved when a report is made).
Term owner_tuple(ProcessContext& ctx);
/// [self | $callers] or [self].
Term get_callers(ProcessContext& ctx);
/// :noconnection becomes {:nodedown, node} as Task does.
Term down_reason(ProcessContext& ctx, const Term& reason, const Term& proc);

/// Runs the task's MFA; on a crash hands a {Task.Supervisor, :terminating} report to the crash
/// hook and exits with the task's exit reason (normal/shutdown exits pass through silently).
/// `replies`: the task sends its result to its owner (Task.async and friends), which puts
/// Task.Supervised.reply/4 in the crash's stacktrace.
Co<Term> run_task_mfa(ProcessContext& ctx, Term owner, Term mfa, bool replies);
void put_task_dictionary(ProcessContext& ctx, const Term& ancestors, const Term& callers,
                         const Term& mfa);
/// Sends {ref, result}: to reply_to if it is a pid, to the owner if reply_to is a live alias.
void send_task_reply(ProcessContext& ctx, Pid owner, const Term& reply_to, const Term& ref,
                     Term result);

/// Task.Supervised.start_link(owner, :monitor | :nomonitor): a task waiting for its MFA message.
Pid spawn_reply_task(ProcessContext& ctx, Term owner, bool monitor_owner, bool link);
/// Task.Supervised.start(_link)(owner, callers, mfa): a fire-and-forget task.
Pid spawn_noreply_task(ProcessContext& ctx, Term owner, Term callers, Term mfa, bool link);
/// Task.async/3 for a full {m, f, args}.
Term task_async_mfa(ProcessContext& ctx, Term mfa);

/// The stream of Task.async_stream / Task.Supervisor.async_stream(_nolink).
/// supervisor: nil for Task.async_stream; link: whether tasks are linked to the caller.
Term build_stream(ProcessContext& ctx, Term supervisor, bool link, Term enumerable, Term fun_or_mfa,
                  Term options);

}  // namespace tasklens::otp::detail
