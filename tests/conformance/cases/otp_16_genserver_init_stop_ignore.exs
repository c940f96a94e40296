# GenServer: init returning {:stop, reason} and :ignore
defmodule Picky do
  use GenServer
  def init(:ok), do: {:ok, :state}
  def init(:refuse), do: {:stop, :refused}
  def init(:skip), do: :ignore
end
Process.flag(:trap_exit, true)
IO.inspect(GenServer.start_link(Picky, :refuse))
IO.inspect(GenServer.start_link(Picky, :skip))
{:ok, pid} = GenServer.start_link(Picky, :ok)
IO.inspect(is_pid(pid))
IO.inspect(GenServer.start_link(Picky, :ok, name: :picky) |> elem(0))
IO.inspect(GenServer.start_link(Picky, :ok, name: :picky) |> elem(0))
