defmodule W do
  use GenServer
  def start_link(a), do: GenServer.start_link(__MODULE__, a)
  def init(a), do: {:ok, a}
end
Process.flag(:trap_exit, true)
specs = [
  %{start: {W, :start_link, [1]}},
  %{id: :a},
  %{id: :a, start: {W, :start_link}},
  %{id: :a, start: :bad},
  %{id: :a, start: {W, :start_link, [1]}, restart: :sometimes},
  %{id: :a, start: {W, :start_link, [1]}, shutdown: -1},
  %{id: :a, start: {W, :start_link, [1]}, shutdown: :soon},
  %{id: :a, start: {W, :start_link, [1]}, type: :thing},
  %{id: :a, start: {W, :start_link, [1]}, modules: :x},
  %{id: :a, start: {W, :start_link, [1]}, significant: :yes},
  %{id: :a, start: {W, :start_link, [1]}, extra: 1},
  {:a, {W, :start_link, [1]}, :permanent, 5000, :worker, [W]},
  {:a, {W, :start_link, [1]}, :permanent, 5000, :worker},
  :not_a_spec,
]
for s <- specs do
  try do
    case Supervisor.start_link([s], strategy: :one_for_one) do
      {:ok, pid} -> IO.inspect({:ok, is_pid(pid)})
      other -> IO.inspect(other)
    end
  rescue e -> IO.puts("raised: " <> Exception.message(e))
  end
end
{:ok, sup} = Supervisor.start_link([], strategy: :one_for_one)
for s <- specs do
  try do
    case Supervisor.start_child(sup, s) do
      {:ok, pid} -> IO.inspect({:ok, is_pid(pid)})
      {:error, {:already_started, pid}} -> IO.inspect({:already_started, is_pid(pid)})
      other -> IO.inspect(other)
    end
  rescue e -> IO.puts("raised: " <> Exception.message(e))
  end
end
IO.inspect Supervisor.child_spec(%{id: :x, start: {W, :start_link, [1]}}, restart: :temporary)
IO.inspect Supervisor.child_spec({W, 1}, id: :y, shutdown: 10)
try do
  IO.inspect Supervisor.child_spec(%{id: :x}, restart: :temporary)
rescue e -> IO.puts("raised: " <> Exception.message(e))
end
try do
  IO.inspect Supervisor.child_spec(%{start: {W, :start_link, [1]}}, [])
rescue e -> IO.puts("raised: " <> Exception.message(e))
end
try do
  IO.inspect Supervisor.child_spec(W, bad_key: 1)
rescue e -> IO.puts("raised: " <> Exception.message(e))
end
