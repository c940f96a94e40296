# Task: $ancestors and $callers of nested tasks name the whole chain
main = self()
outer = Task.async(fn ->
  me = self()
  inner = Task.async(fn ->
    {Process.get(:"$callers"), Process.get(:"$ancestors")}
  end)
  {callers, ancestors} = Task.await(inner)
  {callers == [me, main], ancestors == [me, main]}
end)
IO.inspect(Task.await(outer), label: "inner chains")
