# Enum.take on an async_stream: the stream starts more jobs than you take
# Task.async_stream keeps max_concurrency (here 4) jobs in flight. Taking only the first 3
# results still starts the jobs that filled the free slots meanwhile; the ones still running when
# take is satisfied are shut down. A counter Agent records every job that started.
{:ok, _} = Agent.start_link(fn -> [] end, name: StartedJobs)

results =
  1..20
  |> Task.async_stream(
    fn i ->
      Agent.update(StartedJobs, &[i | &1])
      Process.sleep(200 + 200 * i)
      IO.puts("job #{i} finished")
      i * i
    end,
    max_concurrency: 4
  )
  |> Enum.take(3)

IO.inspect(results, label: "taken")
started = StartedJobs |> Agent.get(& &1) |> Enum.sort()
IO.puts("#{length(started)} jobs started for 3 results: #{inspect(started)}")
