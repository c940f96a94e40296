# Keyword.update/4 keeps the pair's position (later duplicates dropped, an absent key appended);
# struct!/2 with an unknown key raises KeyError without a term, as the generated __struct__/1
# does; Enum.take/drop reject a non-integer count with FunctionClauseError; Process.info of a
# process idle in receive reports :waiting even when unmatched messages wait in its mailbox.
config = [host: "localhost", port: 4000, ssl: false, port: 5000, ssl: true]
IO.inspect(Keyword.update(config, :ssl, true, &(!&1)))
IO.inspect(Keyword.update(config, :port, 0, &(&1 + 1)))
IO.inspect(Keyword.update(config, :timeout, 30, &(&1 * 2)))
IO.inspect(Keyword.update([], :a, 1, & &1))

defmodule User do
  @enforce_keys [:name]
  defstruct [:name, age: 0]
end

defmodule Point do
  defstruct x: 0, y: 0
end

for {mod, fields} <- [{User, [name: "b", bogus: 1]}, {User, [age: 3]}, {Point, [z: 1]}, {Point, %{x: 5}}] do
  try do
    IO.inspect(struct!(mod, fields))
  rescue
    e -> IO.puts("#{inspect(e.__struct__)}: #{Exception.message(e)}")
  end
end

IO.inspect(struct(Point, z: 1, y: 2))

for {fun, n} <- [{:take, :a}, {:drop, 1.5}, {:take, nil}] do
  try do
    apply(Enum, fun, [1..3, n])
  rescue
    e in FunctionClauseError -> IO.puts(Exception.message(e))
  end
end

IO.inspect({Enum.take(1..5, -2), Enum.drop(1..5, -2), Enum.take([1, 2], 10)})

waiter = spawn(fn -> receive do: (:go -> :ok) end)
Process.sleep(5)
send(waiter, :other)
send(waiter, :other2)
Process.sleep(5)
IO.inspect(Process.info(waiter, [:message_queue_len, :status]))
send(waiter, :go)
Process.sleep(5)
IO.inspect(Process.info(waiter, :status))
