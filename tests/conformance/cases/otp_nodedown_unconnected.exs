# A call to {name, node} for a node that is not connected exits with {:nodedown, node}
# Task.Supervisor.async/3 takes {name, node} to run the task under a supervisor on another node.
# The "remote" Remote.TaskSupervisor here runs on this node (node/0), as in the Task docs' example,
# so the script runs without a cluster. Asking a node that is not connected (worker@far_away)
# exits the caller with {:nodedown, node}; the caller catches it and carries on.
defmodule Checksum do
  def compute(data) do
    Process.sleep(600)
    {:checksum, Enum.sum(data)}
  end
end

{:ok, _} = Task.Supervisor.start_link(name: Remote.TaskSupervisor)

here = {Remote.TaskSupervisor, node()}
IO.puts("asking the supervisor on this node")
task = Task.Supervisor.async(here, Checksum, :compute, [[3, 1, 4, 1, 5]])
IO.inspect(task.mfa, label: "task runs")
IO.inspect(Task.await(task), label: "result")

far = {Remote.TaskSupervisor, :worker@far_away}
IO.puts("asking the supervisor on worker@far_away")

try do
  Task.Supervisor.async(far, Checksum, :compute, [[2, 7, 1, 8]])
catch
  :exit, {reason, {GenServer, :call, _}} -> IO.inspect(reason, label: "the call exited")
end

IO.puts("still running after the failed call")
