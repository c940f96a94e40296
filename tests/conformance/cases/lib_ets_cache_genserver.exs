# A read-through cache: a GenServer owns a named ETS table; readers hit ETS directly.
defmodule Cache do
  use GenServer

  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)
  def fetch(key, fun) do
    case :ets.lookup(:cache_table, key) do
      [{^key, value}] -> {:hit, value}
      [] -> GenServer.call(__MODULE__, {:fill, key, fun})
    end
  end
  def stats, do: :ets.info(:cache_table, :size)

  @impl true
  def init(_opts) do
    table = :ets.new(:cache_table, [:named_table, :set, :protected, read_concurrency: true])
    {:ok, %{table: table, fills: 0}}
  end

  @impl true
  def handle_call({:fill, key, fun}, _from, state) do
    value = fun.()
    true = :ets.insert(:cache_table, {key, value})
    :ets.update_counter(:cache_stats, :fills, 1, {:fills, 0})
    {:reply, {:miss, value}, %{state | fills: state.fills + 1}}
  end
end

:ets.new(:cache_stats, [:named_table, :public])
{:ok, _} = Cache.start_link([])
IO.inspect Cache.fetch(:a, fn -> 1 end)
IO.inspect Cache.fetch(:a, fn -> 2 end)
IO.inspect Cache.fetch(:b, fn -> 3 end)
results = for i <- 1..5, do: Task.async(fn -> Cache.fetch(rem(i, 2), fn -> i * 10 end) end) |> Task.await()
IO.inspect results |> Enum.map(&elem(&1, 0)) |> Enum.frequencies()
IO.inspect Cache.stats()
IO.inspect :ets.lookup(:cache_stats, :fills)
try do
  :ets.insert(:cache_table, {:c, 1})
rescue
  e in ArgumentError -> IO.puts(Exception.message(e))
end
IO.inspect :ets.tab2list(:cache_table) |> Enum.sort()
IO.inspect :ets.select(:cache_table, [{{:"$1", :"$2"}, [{:is_integer, :"$2"}, {:>, :"$2", 1}], [:"$1"]}]) |> Enum.sort()
IO.inspect :ets.match(:cache_table, {:"$1", 1})
IO.inspect :ets.select_count(:cache_table, [{{:_, :_}, [], [true]}])
IO.inspect :ets.foldl(fn {_k, v}, acc when is_integer(v) -> acc + v; _, acc -> acc end, 0, :cache_table)
GenServer.stop(Cache)
IO.inspect :ets.whereis(:cache_table)
IO.inspect :ets.info(:cache_table)
