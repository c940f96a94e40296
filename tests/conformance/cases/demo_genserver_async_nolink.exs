# Task.Supervisor.async_nolink inside a GenServer: a crashing job reports :DOWN, the server lives on
# The Thumbnailer GenServer runs each request in an unlinked task under Media.TaskSupervisor and
# answers the caller later with GenServer.reply. A task that succeeds sends {ref, result}; one
# that crashes arrives as a :DOWN message, so the server keeps running and serves the next caller.
Logger.configure(level: :none)

defmodule Thumbnailer do
  use GenServer

  def start_link(_), do: GenServer.start_link(__MODULE__, :ok, name: __MODULE__)
  def render(image), do: GenServer.call(__MODULE__, {:render, image})

  @impl true
  def init(:ok), do: {:ok, %{}}

  @impl true
  def handle_call({:render, image}, from, pending) do
    task = Task.Supervisor.async_nolink(Media.TaskSupervisor, fn -> resize(image) end)
    IO.puts("server: started a task for #{image}")
    {:noreply, Map.put(pending, task.ref, {image, from})}
  end

  @impl true
  def handle_info({ref, thumbnail}, pending) when is_reference(ref) do
    # The task answered: stop monitoring it and drop its :DOWN message.
    Process.demonitor(ref, [:flush])
    {{image, from}, pending} = Map.pop(pending, ref)
    IO.puts("server: #{image} done")
    GenServer.reply(from, {:ok, thumbnail})
    {:noreply, pending}
  end

  def handle_info({:DOWN, ref, :process, _pid, reason}, pending) do
    {{image, from}, pending} = Map.pop(pending, ref)
    IO.puts("server: the task for #{image} crashed")
    GenServer.reply(from, {:error, elem(reason, 0)})
    {:noreply, pending}
  end

  defp resize("corrupt.png"), do: Process.sleep(300) && raise(ArgumentError, "bad header")

  defp resize(image) do
    Process.sleep(1_200)
    "thumb_" <> image
  end
end

children = [
  {Task.Supervisor, name: Media.TaskSupervisor},
  Thumbnailer
]

{:ok, _} = Supervisor.start_link(children, strategy: :one_for_one, name: Media.Supervisor)

callers =
  for image <- ["cat.png", "corrupt.png", "dog.png"] do
    Process.sleep(500)
    Task.async(fn -> {image, Thumbnailer.render(image)} end)
  end

for {image, reply} <- Task.await_many(callers) do
  IO.puts("#{image} -> #{inspect(reply)}")
end

IO.inspect(Process.alive?(Process.whereis(Thumbnailer)), label: "server still alive")
