# Task.async_stream: ordered vs unordered results, and max_concurrency capping the tasks in flight
# Four jobs take 2000, 300, 900 and 500 ms. With max_concurrency: 2 only two run at a time: a new
# one starts when one finishes. ordered: true (the default) hands results back in input order,
# ordered: false as soon as each finishes. With max_concurrency: 4 all four run at once.
durations = [2_000, 300, 900, 500]

job = fn ms ->
  Process.sleep(ms)
  ms
end

run = fn label, opts ->
  IO.puts("#{label}...")

  results =
    durations
    |> Task.async_stream(job, opts)
    |> Enum.map(fn {:ok, ms} -> ms end)

  IO.inspect(results, label: "  results")
end

run.("ordered, 2 at a time", max_concurrency: 2)
run.("unordered, 2 at a time", max_concurrency: 2, ordered: false)
run.("unordered, 4 at a time", max_concurrency: 4, ordered: false)
