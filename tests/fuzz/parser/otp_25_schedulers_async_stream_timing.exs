# Task.async_stream: the default max_concurrency is System.schedulers_online()
n = System.schedulers_online()
{us, _} = :timer.tc(fn ->
  1..(n * 3) |> Task.async_stream(fn _ -> Process.sleep(1000) end) |> Stream.run()
end)
IO.inspect(round(us / 1_000_000), label: "seconds for 3 waves")
