# Stack frames of a raising Agent fun: a closure's frame counts its captured variables in its arity (anonymous fn/2), with Agent.Server's callback frame below it
Logger.configure(level: :none)

defmodule Inventory do
  def start, do: Agent.start(fn -> %{apples: 1, pears: 0} end, name: __MODULE__)

  def take(item) do
    Agent.get_and_update(__MODULE__, fn stock ->
      case Map.fetch(stock, item) do
        {:ok, 0} -> raise "out of #{item}"
        {:ok, n} -> {n - 1, Map.put(stock, item, n - 1)}
      end
    end)
  end

  def peek(item, default) do
    Agent.get(__MODULE__, fn stock -> if stock[item] == default, do: raise("empty"), else: stock[item] end)
  end
end

show = fn st ->
  st
  |> Enum.take(2)
  |> Enum.map(fn {m, _f, a, loc} -> {m, a, loc[:line]} end)
  |> IO.inspect()
end

{:ok, _} = Inventory.start()
IO.inspect(Inventory.take(:apples))

try do
  Inventory.take(:pears)
catch
  :exit, {{%RuntimeError{message: m}, st}, _} -> IO.puts(m); show.(st)
end

{:ok, _} = Inventory.start()
try do
  Inventory.peek(:pears, 0)
catch
  :exit, {{%RuntimeError{message: m}, st}, _} -> IO.puts(m); show.(st)
end

{:ok, agent} = Agent.start(fn -> 0 end)
ref = Process.monitor(agent)
offset = 5
Agent.cast(agent, fn n -> if n + offset > 1, do: raise("cast failed"), else: n end)
receive do
  {:DOWN, ^ref, :process, _, {%RuntimeError{message: m}, st}} -> IO.puts(m); show.(st)
end
