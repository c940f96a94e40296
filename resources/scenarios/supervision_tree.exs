# A small application: a supervisor, a task supervisor, a GenServer handing out tasks, a crashing worker
# A supervisor with a Task.Supervisor, a GenServer that hands work to tasks (one succeeds, one
# crashes, one is too slow), and a worker that crashes and is restarted. Watch the tree change,
# the restart counter, and the await windows on the timeline.
Logger.configure(level: :none)

defmodule Demo.Fetcher do
  use GenServer

  def start_link(_), do: GenServer.start_link(__MODULE__, :ok, name: __MODULE__)
  def fetch(url), do: GenServer.call(__MODULE__, {:fetch, url})

  @impl true
  def init(:ok), do: {:ok, %{}}

  @impl true
  def handle_call({:fetch, url}, from, tasks) do
    task = Task.Supervisor.async_nolink(Demo.TaskSupervisor, fn -> download(url) end)
    {:noreply, Map.put(tasks, task.ref, {url, from})}
  end

  @impl true
  def handle_info({ref, body}, tasks) do
    Process.demonitor(ref, [:flush])
    {{_url, from}, tasks} = Map.pop(tasks, ref)
    GenServer.reply(from, {:ok, body})
    {:noreply, tasks}
  end

  def handle_info({:DOWN, ref, :process, _pid, reason}, tasks) do
    {{_url, from}, tasks} = Map.pop(tasks, ref)
    GenServer.reply(from, {:error, reason})
    {:noreply, tasks}
  end

  defp download("https://example.com/broken"), do: raise("connection reset")
  defp download("https://example.com/slow"), do: Process.sleep(3_000) && "late"

  defp download(url) do
    Process.sleep(400)
    "<html>#{url}</html>"
  end
end

defmodule Demo.Heartbeat do
  use Task, restart: :permanent

  def start_link(interval), do: Task.start_link(__MODULE__, :run, [interval])

  def run(interval) do
    Process.sleep(interval)
    exit(:missed_beat)
  end
end

children = [
  {Task.Supervisor, name: Demo.TaskSupervisor},
  Demo.Fetcher,
  {Demo.Heartbeat, 1_500}
]

{:ok, _sup} = Supervisor.start_link(children, strategy: :one_for_one, max_restarts: 5, max_seconds: 10)

IO.inspect(Demo.Fetcher.fetch("https://example.com"), label: "ok page")
IO.inspect(Demo.Fetcher.fetch("https://example.com/broken") |> elem(0), label: "broken page")

slow =
  try do
    GenServer.call(Demo.Fetcher, {:fetch, "https://example.com/slow"}, 1_000)
  catch
    :exit, {:timeout, _} -> :timeout
  end

IO.inspect(slow, label: "slow page")

results =
  1..6
  |> Task.async_stream(fn i -> Process.sleep(i * 150); i * i end, max_concurrency: 3)
  |> Enum.map(fn {:ok, v} -> v end)

IO.inspect(results, label: "squares")
Process.sleep(2_000)
IO.puts("done")
