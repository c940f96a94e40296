# A task that raises dies with Task.Supervised's and proc_lib's frames under its function's own:
# invoke_mfa/2, then reply/4 for tasks that reply to their owner, as on the BEAM.
Logger.configure(level: :none)

defmodule Work do
  def run(x), do: raise(ArgumentError, "bad #{x}")
  def throw_it(x) do
    receive do: (:go -> :ok)
    throw({:thrown, x})
  end
end

show = fn label, {exception, stack} ->
  IO.puts("#{label}: #{Exception.format_banner(:error, exception, stack)}")
  IO.write(Exception.format_stacktrace(stack))
end

Process.flag(:trap_exit, true)
{:ok, pid} = Task.start_link(Work, :run, [1])
receive do: ({:EXIT, ^pid, reason} -> show.("start_link", reason))

%Task{pid: pid, ref: ref} = Task.async(Work, :run, [2])
receive do: ({:DOWN, ^ref, :process, ^pid, reason} -> show.("async", reason))
receive do: ({:EXIT, ^pid, _} -> :ok)

{:ok, sup} = Task.Supervisor.start_link()
%Task{ref: ref} = Task.Supervisor.async_nolink(sup, fn -> Work.run(3) end)
receive do: ({:DOWN, ^ref, :process, _, reason} -> show.("async_nolink", reason))

{:ok, pid} = Task.Supervisor.start_child(sup, fn -> Work.throw_it(4) end)
ref = Process.monitor(pid)
send(pid, :go)
receive do
  {:DOWN, ^ref, :process, _, {{:nocatch, value}, stack}} ->
    IO.inspect(value, label: "start_child throw")
    IO.write(Exception.format_stacktrace(stack))

  {:DOWN, ^ref, :process, _, other} ->
    IO.inspect(other, label: "start_child other")
end
