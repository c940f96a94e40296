# Restart intensity and escalation: a crash loop exhausts one supervisor, then its parent
# Shop.Root (max 1 restart in 5 s) supervises Shop.Workers (max 3 restarts in 5 s), which
# supervises a permanent Flaky worker that crashes 500 ms after every start. After its 4th crash
# Shop.Workers gives up and exits with :shutdown; Shop.Root restarts it once, the loop goes on,
# and Shop.Root gives up too. The script traps exits and reports how the root ended.
Logger.configure(level: :none)
Process.flag(:trap_exit, true)

defmodule Flaky do
  use Task, restart: :permanent

  def start_link(delay) do
    Task.start_link(fn ->
      IO.puts("flaky worker started")
      Process.sleep(delay)
      exit(:flaked)
    end)
  end
end

defmodule Workers do
  use Supervisor

  def start_link(delay), do: Supervisor.start_link(__MODULE__, delay, name: Shop.Workers)

  @impl true
  def init(delay) do
    IO.puts("Shop.Workers started")
    Supervisor.init([{Flaky, delay}], strategy: :one_for_one, max_restarts: 3, max_seconds: 5)
  end
end

{:ok, root} =
  Supervisor.start_link([{Workers, 500}],
    strategy: :one_for_one,
    max_restarts: 1,
    max_seconds: 5,
    name: Shop.Root
  )

receive do
  {:EXIT, ^root, reason} -> IO.inspect(reason, label: "Shop.Root gave up")
end
