# A small shop on the real BEAM, to record and look at with Tasklens (docs/real-beam.md):
#   tasklens record tests/beam/order_pipeline.exs --trace shop.jsonl && tasklens shop.jsonl
# A supervisor starts an inventory (GenServer), a payment gateway (GenServer that crashes on a
# poisoned card and is restarted), a ledger (Agent) and a Task.Supervisor. Orders are checked out
# by supervised tasks: some run out of stock, one pays with the poisoned card (the gateway
# crashes, the task gets an exit), one is too slow and is shut down.
Logger.configure(level: :none)

defmodule Shop.Inventory do
  use GenServer

  def start_link(stock), do: GenServer.start_link(__MODULE__, stock, name: __MODULE__)
  def reserve(item, qty), do: GenServer.call(__MODULE__, {:reserve, item, qty})
  def release(item, qty), do: GenServer.cast(__MODULE__, {:release, item, qty})
  def stock, do: GenServer.call(__MODULE__, :stock)

  @impl true
  def init(stock), do: {:ok, stock}

  @impl true
  def handle_call({:reserve, item, qty}, _from, stock) do
    case Map.get(stock, item, 0) do
      have when have >= qty -> {:reply, :ok, Map.put(stock, item, have - qty)}
      have -> {:reply, {:error, {:out_of_stock, item, have}}, stock}
    end
  end

  def handle_call(:stock, _from, stock), do: {:reply, stock, stock}

  @impl true
  def handle_cast({:release, item, qty}, stock),
    do: {:noreply, Map.update(stock, item, qty, &(&1 + qty))}
end

defmodule Shop.Payments do
  use GenServer

  def start_link(_), do: GenServer.start_link(__MODULE__, 0, name: __MODULE__)
  def charge(card, cents), do: GenServer.call(__MODULE__, {:charge, card, cents}, 1_000)
  def charges, do: GenServer.call(__MODULE__, :charges)

  @impl true
  def init(count), do: {:ok, count}

  @impl true
  def handle_call({:charge, "4000-POISON", _cents}, _from, _count),
    do: raise("card processor rejected a poisoned card")

  def handle_call({:charge, _card, cents}, _from, count) do
    # the bank takes a moment
    Process.sleep(20)
    {:reply, {:ok, "receipt-#{count + 1}-#{cents}"}, count + 1}
  end

  def handle_call(:charges, _from, count), do: {:reply, count, count}
end

defmodule Shop.Ledger do
  use Agent

  def start_link(_), do: Agent.start_link(fn -> [] end, name: __MODULE__)
  def record(entry), do: Agent.update(__MODULE__, &[entry | &1])
  def entries, do: Agent.get(__MODULE__, &Enum.reverse/1)
end

defmodule Shop.Checkout do
  # One order, in its own supervised task: reserve, charge, record. A failed charge gives the
  # stock back.
  def run(%{id: id, item: item, qty: qty, card: card, delay: delay}) do
    Process.sleep(delay)

    with :ok <- Shop.Inventory.reserve(item, qty),
         {:ok, receipt} <- charge(card, qty * 250, item, qty) do
      Shop.Ledger.record({id, item, qty, receipt})
      {:paid, id, receipt}
    else
      {:error, {:out_of_stock, ^item, have}} -> {:rejected, id, "only #{have} #{item} left"}
    end
  end

  defp charge(card, cents, item, qty) do
    Shop.Payments.charge(card, cents)
  catch
    :exit, reason ->
      Shop.Inventory.release(item, qty)
      exit({:payment_failed, elem(reason, 0) |> short_reason()})
  end

  defp short_reason({%RuntimeError{message: message}, _stack}), do: message
  defp short_reason(other), do: other
end

defmodule Shop do
  use Supervisor

  def start_link(stock), do: Supervisor.start_link(__MODULE__, stock, name: __MODULE__)

  @impl true
  def init(stock) do
    children = [
      {Shop.Inventory, stock},
      Shop.Payments,
      Shop.Ledger,
      {Task.Supervisor, name: Shop.Tasks}
    ]

    Supervisor.init(children, strategy: :one_for_one, max_restarts: 3, max_seconds: 5)
  end
end

{:ok, _shop} = Shop.start_link(%{"kettle" => 3, "teapot" => 2, "mug" => 10})
payments_before = Process.whereis(Shop.Payments)

orders = [
  %{id: 1, item: "kettle", qty: 1, card: "4111-1", delay: 0},
  %{id: 2, item: "mug", qty: 4, card: "4111-2", delay: 10},
  %{id: 3, item: "teapot", qty: 2, card: "4111-3", delay: 20},
  %{id: 4, item: "teapot", qty: 1, card: "4111-4", delay: 60},
  %{id: 5, item: "kettle", qty: 1, card: "4000-POISON", delay: 80},
  %{id: 6, item: "mug", qty: 3, card: "4111-6", delay: 150},
  %{id: 7, item: "kettle", qty: 5, card: "4111-7", delay: 170}
]

results =
  Shop.Tasks
  |> Task.Supervisor.async_stream_nolink(orders, &Shop.Checkout.run/1,
    max_concurrency: 3,
    ordered: true,
    timeout: 2_000
  )
  |> Enum.zip(orders)
  |> Enum.map(fn
    {{:ok, result}, _order} -> result
    {{:exit, reason}, order} -> {:failed, order.id, reason}
  end)

for result <- results, do: IO.inspect(result, label: "order")

# The payment gateway crashed on the poisoned card: its supervisor started a new one.
payments_after = Process.whereis(Shop.Payments)
IO.puts("payments restarted: #{payments_before != payments_after}")

# A slow order: yield for a while, then shut it down.
slow =
  Task.Supervisor.async_nolink(Shop.Tasks, fn ->
    Process.sleep(5_000)
    :too_late
  end)

case Task.yield(slow, 200) || Task.shutdown(slow) do
  {:ok, value} -> IO.inspect(value, label: "slow order")
  nil -> IO.puts("slow order: shut down after 200 ms")
end

# A report built by several tasks at once, awaited together.
report =
  [
    fn -> {:stock, Shop.Inventory.stock()} end,
    fn -> {:charges, Shop.Payments.charges()} end,
    fn -> {:ledger, length(Shop.Ledger.entries())} end
  ]
  |> Enum.map(&Task.Supervisor.async(Shop.Tasks, &1))
  |> Task.await_many(1_000)

for {key, value} <- report, do: IO.inspect(value, label: Atom.to_string(key))

# A task that crashes while linked to a process that traps exits.
Process.flag(:trap_exit, true)
crashing = Task.async(fn -> raise ArgumentError, "bad coupon" end)

receive do
  {:EXIT, pid, {%ArgumentError{message: message}, _}} when pid == crashing.pid ->
    IO.puts("coupon task crashed: #{message}")
end

Supervisor.stop(Shop)
IO.puts("shop closed")
