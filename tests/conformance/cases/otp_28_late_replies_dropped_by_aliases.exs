defmodule Slow do
  use GenServer
  def start_link(_), do: GenServer.start_link(__MODULE__, :ok, name: __MODULE__)
  def init(:ok), do: {:ok, 0}
  def handle_call({:sleep, ms}, _from, n) do
    Process.sleep(ms)
    {:reply, {:slept, ms}, n + 1}
  end
  def handle_call(:from, from, n) do
    {tag_pid, tag} = from
    {:reply, {tag_pid == self(), is_list(tag) and hd(tag) == :alias}, n}
  end
end

{:ok, _} = Slow.start_link([])
result =
  try do
    GenServer.call(Slow, {:sleep, 200}, 50)
  catch
    :exit, reason -> {:caught, reason}
  end
IO.inspect(result)
Process.sleep(300)
IO.inspect(Process.info(self(), :message_queue_len))
receive do
  m -> IO.inspect(m, label: "late message")
after 0 -> IO.puts("no late reply")
end
IO.inspect GenServer.call(Slow, :from)

t = Task.async(fn -> Process.sleep(200); :done end)
r = try do
  Task.await(t, 50)
catch :exit, reason -> {:caught, elem(reason, 0)}
end
IO.inspect r
Process.sleep(300)
IO.inspect(Process.info(self(), :message_queue_len))

a = :erlang.alias()
send(a, :hello)
receive do m -> IO.inspect m end
IO.inspect :erlang.unalias(a)
IO.inspect :erlang.unalias(a)
send(a, :dropped)
receive do m -> IO.inspect m after 10 -> IO.puts "nothing" end
b = :erlang.alias([:reply])
send(b, 1); send(b, 2)
IO.inspect :erlang.process_info(self(), :messages)
pid = spawn(fn -> Process.sleep(100) end)
r = :erlang.monitor(:process, pid, alias: :reply_demonitor)
send(r, :x)
IO.inspect Process.info(self(), :monitors)
send(r, :y)
IO.inspect :erlang.process_info(self(), :messages)
r2 = :erlang.monitor(:process, pid, alias: :demonitor)
Process.demonitor(r2)
send(r2, :z)
IO.inspect :erlang.process_info(self(), :messages)
r3 = :erlang.monitor(:process, pid, [alias: :explicit_unalias])
Process.demonitor(r3)
send(r3, :w)
IO.inspect :erlang.process_info(self(), :messages)
r4 = :erlang.monitor(:process, pid, alias: :demonitor)
Process.sleep(200)
receive do {:DOWN, ^r4, _, _, reason} -> IO.inspect reason end
send(r4, :after_down)
IO.inspect :erlang.process_info(self(), :messages)
