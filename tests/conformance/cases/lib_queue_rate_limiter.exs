# A token-bucket style rate limiter keeping pending requests in an Erlang :queue.
defmodule Limiter do
  use GenServer
  def start_link(rate), do: GenServer.start_link(__MODULE__, rate, name: __MODULE__)
  def request(id), do: GenServer.call(__MODULE__, {:request, id})
  def init(rate) do
    :timer.send_interval(100, :refill)
    {:ok, %{tokens: rate, rate: rate, pending: :queue.new(), served: []}}
  end
  def handle_call({:request, id}, from, %{tokens: 0} = s) do
    {:noreply, %{s | pending: :queue.in({id, from}, s.pending)}}
  end
  def handle_call({:request, id}, _from, s) do
    {:reply, {:ok, id}, %{s | tokens: s.tokens - 1, served: [id | s.served]}}
  end
  def handle_info(:refill, s), do: {:noreply, drain(%{s | tokens: s.rate})}
  defp drain(%{tokens: 0} = s), do: s
  defp drain(s) do
    case :queue.out(s.pending) do
      {{:value, {id, from}}, rest} ->
        GenServer.reply(from, {:ok, id})
        drain(%{s | tokens: s.tokens - 1, pending: rest, served: [id | s.served]})
      {:empty, _} -> s
    end
  end
end

{:ok, _} = Limiter.start_link(2)
results = 1..6 |> Enum.map(fn i -> Task.async(fn -> Limiter.request(i) end) end) |> Enum.map(&Task.await/1)
IO.inspect results

q = :queue.from_list([1, 2, 3, 4, 5])
IO.inspect q
IO.inspect :queue.len(q)
IO.inspect :queue.in(6, q)
IO.inspect :queue.in_r(0, q)
IO.inspect :queue.out(q)
IO.inspect :queue.out_r(q)
IO.inspect :queue.peek(q)
IO.inspect :queue.peek_r(q)
IO.inspect :queue.to_list(:queue.reverse(q))
IO.inspect :queue.split(2, q)
IO.inspect :queue.split(4, q)
IO.inspect :queue.join(q, :queue.from_list([:a, :b]))
IO.inspect :queue.filter(fn x -> rem(x, 2) == 1 end, q)
IO.inspect :queue.filter(fn x -> [x, x * 10] end, q)
IO.inspect :queue.member(3, q)
IO.inspect :queue.member(9, q)
IO.inspect :queue.is_empty(:queue.new())
IO.inspect :queue.out(:queue.new())
IO.inspect :queue.fold(fn x, acc -> x + acc end, 0, q)
IO.inspect :queue.any(fn x -> x > 4 end, q)
IO.inspect :queue.all(fn x -> x > 4 end, q)
IO.inspect :queue.delete(3, q)
IO.inspect :queue.get(q)
IO.inspect :queue.get_r(q)
IO.inspect :queue.drop(q)
IO.inspect :queue.drop_r(q)
q2 = Enum.reduce(1..4, :queue.new(), &:queue.in/2)
IO.inspect q2
{{:value, 1}, q3} = :queue.out(q2)
IO.inspect q3
IO.inspect :queue.head(q3)
IO.inspect :queue.last(q3)
IO.inspect :queue.is_queue(q3)
try do
  :queue.get(:queue.new())
rescue
  e -> IO.inspect(e)
end
try do
  :queue.len(:not_a_queue)
rescue
  e -> IO.inspect(e)
end
