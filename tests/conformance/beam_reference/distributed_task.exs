# Distributed tasks: run a task on another node's supervisor, then watch that node go down
# :peer starts the node worker@localhost, Task.Supervisor.async_nolink/3 runs tasks under
# Remote.TaskSupervisor there ({name, node}), and :peer.stop/1 takes the node down while one task
# still runs: Task.yield exits with {:nodedown, node}, monitor_nodes delivers the
# {:nodedown, node} event, and a call to the gone node exits with {:nodedown, node}. Real Elixir
# needs a distributed node for :peer: `elixir --sname main@localhost distributed_task.exs`
# (Tasklens runs every scenario as if it were one; see docs/scenario-language.md, Nodes).
:net_kernel.monitor_nodes(true)
code_path = Enum.flat_map(:code.get_path(), &[~c"-pa", &1])
{:ok, peer, node} = :peer.start_link(%{name: :worker, host: ~c"localhost", args: code_path})
receive do
  {:nodeup, ^node} -> IO.puts("node up: #{node}")
end

{:ok, _} = :erpc.call(node, GenServer, :start, [DynamicSupervisor, {Task.Supervisor, {{:temporary, 5000}, []}, Remote.TaskSupervisor}, [name: Remote.TaskSupervisor]])
IO.puts("Remote.TaskSupervisor runs on #{node}")

remote = {Remote.TaskSupervisor, node}
task = Task.Supervisor.async_nolink(remote, Enum, :sum, [[3, 1, 4, 1, 5]])
IO.puts("task runs on #{node(task.pid)}")
IO.inspect(Task.await(task), label: "result")

slow = Task.Supervisor.async_nolink(remote, Process, :sleep, [5_000])
spawn(fn ->
  Process.sleep(200)
  IO.puts("stopping #{node}")
  :peer.stop(peer)
end)
try do
  Task.yield(slow, 2_000)
catch
  :exit, {reason, {Task, :yield, _}} -> IO.inspect(reason, label: "Task.yield exited")
end

receive do
  {:nodedown, ^node} -> IO.puts("node down: #{node}")
end

try do
  Task.Supervisor.async_nolink(remote, Enum, :sum, [[]])
catch
  :exit, {reason, {GenServer, :call, _}} -> IO.inspect(reason, label: "asking the gone node exited")
end

IO.puts("still running after the node went down")
