# Session 8's hostile set: the process dictionary at scale, erts' ETS error texts, funs of the
# wrong arity, Exception.message/1 of a non-string, comparators that return neither boolean, and
# ranges indexed without being built.
parent = self()
spawn(fn ->
  Enum.each(1..20_000, fn i -> Process.put({:k, i}, i * 2) end)
  IO.puts(length(Process.get_keys()))
  IO.inspect(Process.get({:k, 12_345}))
  IO.inspect(Process.get({:k, 0}, :none))
  IO.inspect(Process.put({:k, 7}, :seven))
  Enum.each(1..19_990, fn i -> Process.delete({:k, i}) end)
  IO.inspect(Process.get_keys() |> Enum.sort() |> Enum.take(3))
  IO.inspect(length(Process.get()))
  IO.inspect(:erlang.erase(:never_put))
  IO.inspect(:erlang.get(:never_put))
  IO.inspect(:erlang.put(:fresh, 1))
  IO.inspect(:erlang.put(:fresh, 2))
  IO.inspect(:erlang.erase(:fresh))
  send(parent, :dict_done)
end)
receive do
  :dict_done -> :ok
end

t = :ets.new(:t, [:set, :public])
:ets.insert(t, {:a, 1, :x})
for f <- [fn -> :ets.insert(t, {}) end, fn -> :ets.insert(t, [{:b, 1}, {}]) end,
          fn -> :ets.insert(t, [{:b, 1} | :x]) end, fn -> :ets.insert(t, 5) end,
          fn -> :ets.delete_object(t, {}) end, fn -> :ets.update_counter(t, :a, {1, 1}) end,
          fn -> :ets.update_counter(t, :a, {3, 1}) end, fn -> :ets.update_counter(t, :a, {9, 1}) end,
          fn -> :ets.update_counter(t, :zz, {2, 1}, 7) end, fn -> :ets.update_element(t, :a, {1, 5}) end,
          fn -> :ets.update_element(t, :a, {9, 5}) end, fn -> :ets.update_element(t, :a, {0, 5}) end,
          fn -> :ets.update_element(t, :a, :bad) end, fn -> :ets.update_element(t, :a, [{2, 5}, :bad]) end] do
  try do
    IO.inspect(f.())
  rescue
    e -> IO.puts(Exception.message(e))
  end
end

for f <- [fn -> Task.async(fn x -> x end) end, fn -> Task.start(fn x -> x end) end,
          fn -> Task.start_link(:not_a_fun) end] do
  try do
    f.()
  rescue
    e -> IO.inspect(e)
  end
end

for f <- [fn -> raise RuntimeError, message: 1 end, fn -> raise ArgumentError, message: [:a] end] do
  try do
    f.()
  rescue
    e -> IO.puts(inspect(e.__struct__) <> ": " <> Exception.message(e))
  end
end

try do
  Enum.sort([3, 1, 2], fn _, _ -> :maybe end)
rescue
  e -> IO.inspect(e)
end
IO.inspect(Enum.sort([3, 1, 2], &(&1 >= &2)))

IO.inspect(Enum.at(1..1_000_000_000_000, 5))
IO.inspect(Enum.at(1..1_000_000_000_000//7, -1))
IO.inspect(Enum.at(10..1//-3, 3))
IO.inspect(Enum.at(10..1//-3, 4, :none))
IO.inspect(Enum.fetch(1..1_000_000_000_000, 999_999_999_999))
IO.inspect(Enum.fetch(1..3, 3))
IO.inspect(Enum.fetch(1..0//1, 0))
IO.inspect(Enum.slice(1..1_000_000_000_000, 5..8))

# A static supervisor runs start functions under `catch`, as supervisor.erl does.
Process.flag(:trap_exit, true)
{:ok, sup} = Supervisor.start_link([], strategy: :one_for_one)
IO.inspect(Supervisor.start_child(sup, %{id: :b, start: {NoSuchMod, :start_link, []}}))
IO.inspect(Supervisor.start_child(sup, %{id: :c, start: {Kernel, :throw, [:thrown]}}))
IO.inspect(Supervisor.start_child(sup, %{id: :d, start: {Kernel, :exit, [:exited]}, restart: :transient, shutdown: :brutal_kill}))
IO.inspect(Supervisor.which_children(sup))
IO.inspect(Supervisor.start_link([%{id: :a, start: {NoSuchMod, :start_link, []}}], strategy: :one_for_one))
IO.inspect(Supervisor.start_link([%{id: :t, start: {Kernel, :throw, [{:ok, :not_a_pid}]}}], strategy: :one_for_one))
