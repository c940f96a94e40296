# GenServer: call, cast, handle_info, continue and state
defmodule Stack do
  use GenServer
  def start_link(items), do: GenServer.start_link(__MODULE__, items, name: __MODULE__)
  def push(x), do: GenServer.cast(__MODULE__, {:push, x})
  def pop, do: GenServer.call(__MODULE__, :pop)

  @impl true
  def init(items), do: {:ok, items, {:continue, :warm_up}}
  @impl true
  def handle_continue(:warm_up, items) do
    IO.puts("continue ran with #{length(items)} items")
    {:noreply, items}
  end
  @impl true
  def handle_call(:pop, _from, [h | t]), do: {:reply, h, t}
  def handle_call(:pop, _from, []), do: {:reply, :empty, []}
  @impl true
  def handle_cast({:push, x}, items), do: {:noreply, [x | items]}
  @impl true
  def handle_info(:tick, items) do
    IO.puts("tick with #{inspect(items)}")
    {:noreply, items}
  end
end
{:ok, pid} = Stack.start_link([:a])
Stack.push(:b)
IO.inspect(Stack.pop())
IO.inspect(Stack.pop())
IO.inspect(Stack.pop())
send(pid, :tick)
Stack.push(:c)
IO.inspect(:sys.get_state(Stack))
IO.inspect(GenServer.stop(Stack))
IO.inspect(Process.alive?(pid))
