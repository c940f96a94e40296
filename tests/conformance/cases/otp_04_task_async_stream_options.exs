# Task.async_stream: ordered results, max_concurrency 2 timing, ordered: false completion order
{us, results} = :timer.tc(fn ->
  1..4 |> Task.async_stream(fn i -> Process.sleep(1000); i end, max_concurrency: 2) |> Enum.to_list()
end)
IO.inspect(results)
IO.inspect(round(us / 1_000_000), label: "seconds with max_concurrency 2")
[400, 100, 300, 200]
|> Task.async_stream(fn ms -> Process.sleep(ms); ms end, ordered: false)
|> Enum.map(fn {:ok, ms} -> ms end)
|> IO.inspect(label: "completion order")
