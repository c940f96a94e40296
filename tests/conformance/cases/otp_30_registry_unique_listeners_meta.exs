defmodule Listener do
  def loop(parent) do
    receive do
      m -> send(parent, {:listener_got, m}); loop(parent)
    end
  end
end
parent = self()
l = spawn(fn -> Listener.loop(parent) end)
Process.register(l, MyListener)
{:ok, _} = Registry.start_link(keys: :unique, name: Reg, listeners: [MyListener], meta: [pool_size: 3])
IO.inspect Registry.meta(Reg, :pool_size)
IO.inspect Registry.register(Reg, :k, 1) |> elem(0)
IO.inspect Registry.register(Reg, :k, 2) |> elem(0)
{:error, {:already_registered, p}} = Registry.register(Reg, :k, 2)
IO.inspect p == self()
receive do {:listener_got, m} -> IO.inspect(m |> Tuple.delete_at(3)) end
IO.inspect Registry.update_value(Reg, :k, &(&1 + 10))
IO.inspect Registry.update_value(Reg, :nokey, &(&1 + 10))
IO.inspect Registry.lookup(Reg, :k) |> Enum.map(&elem(&1, 1))
IO.inspect Registry.keys(Reg, self())
IO.inspect Registry.unregister(Reg, :k)
receive do {:listener_got, m} -> IO.inspect(m |> Tuple.delete_at(3)) end
IO.inspect Registry.lookup(Reg, :k)
t = spawn(fn -> Registry.register(Reg, :t, :v); Process.sleep(50) end)
Process.sleep(10)
IO.inspect Registry.lookup(Reg, :t) |> Enum.map(fn {p, v} -> {p == t, v} end)
receive do {:listener_got, m} -> IO.inspect(elem(m, 0)) end
Process.sleep(100)
IO.inspect Registry.lookup(Reg, :t)
IO.inspect Registry.count(Reg)
receive do m -> IO.inspect(m) after 50 -> IO.puts "no unregister event on death" end
IO.inspect Registry.count_select(Reg, [{{:_, :_, :_}, [], [true]}])
try do
  Registry.lookup(NoSuchReg, :x)
rescue e -> IO.puts Exception.message(e)
end
try do
  Registry.start_link(keys: :bad, name: X)
rescue e -> IO.puts Exception.message(e)
end
try do
  Registry.start_link(keys: :unique)
rescue e -> IO.puts Exception.message(e)
end
try do
  Registry.start_link(keys: :unique, name: X, partitions: 0)
rescue e -> IO.puts Exception.message(e)
end
IO.inspect Registry.start_link(keys: :unique, name: Reg) |> elem(0)
IO.inspect Registry.delete_meta(Reg, :pool_size)
IO.inspect Registry.meta(Reg, :pool_size)
