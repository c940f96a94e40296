defmodule Bad do
  use GenServer
  def start_link(_), do: GenServer.start_link(__MODULE__, :ok)
  def init(:ok), do: {:stop, :bad_init}
end
IO.puts "start"
res = Supervisor.start_link([Bad], strategy: :one_for_one)
IO.inspect res
IO.puts "done"
