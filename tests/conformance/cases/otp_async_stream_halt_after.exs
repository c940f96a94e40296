# Halting a Task.async_stream (Enum.take, Stream.take_while, an exception) runs the after
# callbacks of Stream.transform/4 and Stream.resource/3 around and inside it.
source =
  Stream.resource(
    fn -> IO.puts("resource opened"); 1 end,
    fn n -> {[n], n + 1} end,
    fn _ -> IO.puts("resource closed") end
  )

wrapped =
  Stream.transform(
    source,
    fn -> IO.puts("transform start"); 0 end,
    fn x, acc -> {[x], acc + 1} end,
    fn acc -> IO.puts("transform after, saw #{acc}") end
  )

result =
  wrapped
  |> Task.async_stream(fn x -> Process.sleep(10 * rem(x, 3)); x * x end, max_concurrency: 2)
  |> Enum.take(3)

IO.inspect(result, label: "taken")

outer =
  1..10
  |> Task.async_stream(fn x -> x + 100 end)
  |> Stream.transform(fn -> :go end, fn {:ok, v}, acc -> {[v], acc} end, fn acc -> IO.puts("outer after: #{acc}") end)
  |> Stream.take_while(&(&1 < 104))
  |> Enum.to_list()

IO.inspect(outer, label: "take_while")

try do
  Stream.transform(1..5, fn -> nil end, fn x, acc -> {[x], acc} end, fn _ -> IO.puts("after on raise") end)
  |> Task.async_stream(fn x -> x end)
  |> Enum.each(fn {:ok, 3} -> raise "stop at 3"; _ -> :ok end)
rescue
  e -> IO.puts("rescued: #{Exception.message(e)}")
end

Process.flag(:trap_exit, true)
linked_before = Process.info(self(), :links) |> elem(1) |> length()
Task.async_stream(1..20, fn x -> Process.sleep(x); x end, max_concurrency: 4) |> Enum.take(2)
Process.sleep(50)
linked_after = Process.info(self(), :links) |> elem(1) |> length()
IO.puts("links unchanged: #{linked_after == linked_before}")
{:messages, msgs} = Process.info(self(), :messages)
IO.puts("leftover messages: #{length(msgs)}")
