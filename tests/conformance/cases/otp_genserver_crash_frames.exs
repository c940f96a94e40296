# A raising GenServer callback dies with gen_server.erl's and proc_lib.erl's frames under the
# callback's own, as on the BEAM (they show in exit reasons and in Logger's crash reports).
Logger.configure(level: :none)

defmodule Crashy do
  use GenServer
  def init(:crash), do: raise("init boom")
  def init(x), do: {:ok, x}
  def handle_call(:boom, _from, s), do: {:reply, raise(KeyError, key: s, term: %{}), s}
  def handle_call(:continue, _from, s), do: {:reply, :ok, s, {:continue, :go}}
  def handle_cast(:boom, s), do: {:noreply, raise(ArithmeticError, "cast #{s}")}
  def handle_info(:boom, _s), do: raise(ArgumentError, "info boom")
  def handle_continue(:go, _s), do: raise("continue boom")
end

Process.flag(:trap_exit, true)

show = fn label, {exception, stack} ->
  IO.puts("#{label}: #{Exception.format_banner(:error, exception, stack)}")
  IO.write(Exception.format_stacktrace(stack))
end

{:ok, a} = GenServer.start_link(Crashy, :key)
try do
  GenServer.call(a, :boom)
catch
  :exit, {reason, {GenServer, :call, _}} -> show.("call", reason)
end
receive do: ({:EXIT, ^a, _} -> :ok)

for msg <- [:cast, :info, :continue] do
  {:ok, pid} = GenServer.start_link(Crashy, 1)
  case msg do
    :cast -> GenServer.cast(pid, :boom)
    :info -> send(pid, :boom)
    :continue -> GenServer.call(pid, :continue)
  end
  receive do
    {:EXIT, ^pid, reason} -> show.(msg, reason)
  end
end

{:error, reason} = GenServer.start_link(Crashy, :crash)
show.("init", reason)
receive do: ({:EXIT, _, _} -> :ok)
