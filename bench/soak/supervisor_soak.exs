# Soak: 1M short tasks under one Task.Supervisor, about 1 in 10 crashing, in batches of 1,000.
# Half are async_nolink tasks (the caller monitors each one and takes its reply and its :DOWN),
# half are :transient children started with start_child that the supervisor restarts after each
# crash until they succeed. The script keeps exact books and prints them at the end; the trace
# checker (soak_check) compares them with the trace. After each batch it prints "batch N" so that
# soak.sh can sample the resident memory of the run at the same point of every batch.
#
# Scenarios cannot read the environment (sandbox): soak.sh rewrites these two lines for a
# SOAK_TASKS or SOAK_BATCH of another size.
tasks = 1_000_000
batch = 1_000
batches = div(tasks, batch)
# Crash reports of ~100k crashes would swamp stderr.
Logger.configure(level: :none)

{:ok, sup} = Task.Supervisor.start_link(max_restarts: 1_000_000_000, max_seconds: 1)
parent = self()

# A task's work: a few reductions, then either its result or (1 time in 10) a crash.
work = fn id ->
  if :rand.uniform(10) == 1 do
    send(parent, {:crashed, id})
    raise "crash #{id}"
  end
  id * 2
end

totals =
  Enum.reduce(1..batches, %{monitored: 0, replies: 0, downs: 0, crashed_monitored: 0,
                             transient: 0, done: 0, crashes_restarted: 0}, fn b, acc ->
    first = (b - 1) * batch
    half = div(batch, 2)
    # Monitored tasks: one reply or one crash each, and exactly one :DOWN each.
    refs =
      for i <- first..(first + half - 1) do
        Task.Supervisor.async_nolink(sup, fn -> work.(i) end).ref
      end
    # Transient children: restarted after each crash until they finish and say so.
    for i <- (first + half)..(first + batch - 1) do
      {:ok, _pid} =
        Task.Supervisor.start_child(sup, fn -> work.(i); send(parent, {:done, i}) end,
          restart: :transient)
    end
    monitored =
      Enum.reduce(refs, {0, 0, 0}, fn ref, {replies, downs, crashed} ->
        receive do
          {^ref, _result} ->
            receive do
              {:DOWN, ^ref, :process, _, :normal} -> {replies + 1, downs + 1, crashed}
            end
          {:DOWN, ^ref, :process, _, {%RuntimeError{}, _}} ->
            {replies, downs + 1, crashed + 1}
        end
      end)
    {replies, downs, crashed_monitored} = monitored
    # Every transient child ends with :done; each crash of one was followed by a restart. Crash
    # notes of the monitored tasks of this batch were sent before their :DOWN, so they are here.
    done = Enum.reduce(1..(batch - half), 0, fn _, n -> receive do {:done, _} -> n + 1 end end)
    crash_notes = Stream.repeatedly(fn -> receive do {:crashed, _} -> 1 after 0 -> nil end end)
                  |> Enum.take_while(& &1) |> length()
    IO.puts("batch #{b}")
    %{acc | monitored: acc.monitored + half, replies: acc.replies + replies,
            downs: acc.downs + downs, crashed_monitored: acc.crashed_monitored + crashed_monitored,
            transient: acc.transient + (batch - half), done: acc.done + done,
            crashes_restarted: acc.crashes_restarted + crash_notes - crashed_monitored}
  end)

# No child is left behind.
%{active: active} = Supervisor.count_children(sup)
IO.puts("children_left #{active}")
for {k, v} <- Enum.sort(totals), do: IO.puts("#{k} #{v}")
# Stopped, so that every process of the run, the supervisor too, has its exit in the trace.
:ok = Supervisor.stop(sup)
