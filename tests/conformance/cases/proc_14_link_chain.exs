# Exit signals: an abnormal exit travels along a chain of 100 linked processes
defmodule Chain do
  def build(0) do
    Process.register(self(), :bottom)
    receive do: (:crash -> exit(:chain_broken))
  end

  def build(n) do
    spawn_link(fn -> build(n - 1) end)
    Process.sleep(:infinity)
  end
end
Process.flag(:trap_exit, true)
top = spawn_link(fn -> Chain.build(100) end)
Process.sleep(100)
send(:bottom, :crash)
receive do
  {:EXIT, ^top, reason} -> IO.inspect(reason, label: "top of the chain exited with")
end
