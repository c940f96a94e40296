# Registry: {:via, Registry, key} names for GenServers and lookups
defmodule Echo do
  use GenServer
  def init(x), do: {:ok, x}
  def handle_call(:get, _from, x), do: {:reply, x, x}
end
{:ok, _} = Registry.start_link(keys: :unique, name: MyRegistry)
{:ok, pid} = GenServer.start_link(Echo, :first, name: {:via, Registry, {MyRegistry, "echo-1"}})
IO.inspect(GenServer.call({:via, Registry, {MyRegistry, "echo-1"}}, :get))
[{found, _}] = Registry.lookup(MyRegistry, "echo-1")
IO.inspect(found == pid, label: "lookup")
IO.inspect(Registry.lookup(MyRegistry, "missing"))
