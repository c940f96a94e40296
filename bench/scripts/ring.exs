# A ring of 10k processes passing a token 1M hops.
defmodule Ring do
  def relay(next) do
    receive do
      {:token, 0} -> send(next, {:done, 0})
      {:token, k} -> send(next, {:token, k - 1}); relay(next)
      {:done, _} = d -> send(next, d)
    end
  end
  def closer(parent) do
    receive do
      {:first, first} -> closer(parent, first)
    end
  end
  def closer(parent, first) do
    receive do
      {:token, 0} -> send(parent, {:finished, 0})
      {:token, k} -> send(first, {:token, k - 1}); closer(parent, first)
      {:done, _} -> send(parent, {:finished, 0})
    end
  end
end
me = self()
last = spawn(fn -> Ring.closer(me) end)
first = Enum.reduce(1..9_999, last, fn _, next -> spawn(fn -> Ring.relay(next) end) end)
send(last, {:first, first})
send(first, {:token, 1_000_000})
receive do {:finished, x} -> IO.puts("checksum #{x + 10_000}") end
