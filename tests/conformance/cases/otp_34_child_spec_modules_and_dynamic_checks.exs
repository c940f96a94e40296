defmodule NoSpec do
  def start_link(_), do: :ignore
end
for c <- [NoSpec, {NoSpec, 1}, {:nomod, 1}] do
try do
  Supervisor.child_spec(c, [])
rescue e -> IO.puts("raised: " <> Exception.message(e))
end
end
{:ok, d} = DynamicSupervisor.start_link(strategy: :one_for_one)
for c <- [%{id: :a}, %{start: {NoSpec, :start_link, [1]}}, %{id: 1, start: {NoSpec, :start_link, [1]}, restart: :bad}, %{id: 1, start: {NoSpec, :start_link, [1]}, shutdown: :bad}, %{id: 1, start: :x}] do
  IO.inspect DynamicSupervisor.start_child(d, c)
end
defmodule Weird do
  def child_spec(_), do: :weird
end
Process.flag(:trap_exit, true)
IO.inspect Supervisor.start_link([Weird], strategy: :one_for_one)
IO.inspect Supervisor.start_link([%{id: :a, start: {NoSpec, :start_link, [1]}}, %{id: :a, start: {NoSpec, :start_link, [1]}}], strategy: :one_for_one)
IO.inspect Supervisor.start_link([%{id: :a, start: {NoSpec, :start_link, [1]}, modules: [1]}], strategy: :one_for_one)
IO.inspect Supervisor.start_link([%{id: :a, start: {NoSpec, :start_link, [1]}, modules: :dynamic}], strategy: :one_for_one) |> elem(0)
