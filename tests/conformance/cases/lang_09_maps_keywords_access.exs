# Language: maps, keyword lists, Access, get_in/put_in/update_in/pop_in
m = %{"b" => 2, a: 1}
IO.inspect(m)
IO.inspect(m[:a])
IO.inspect(m["b"])
IO.inspect(Map.put(m, :c, 3))
IO.inspect(Map.update(%{count: 1}, :count, 0, &(&1 + 1)))
kw = [name: "x", size: 3, name: "dup"]
IO.inspect(kw[:name])
IO.inspect(Keyword.get_values(kw, :name))
nested = %{user: %{profile: %{name: "Ada", langs: ["erlang"]}}}
IO.inspect(get_in(nested, [:user, :profile, :name]))
IO.inspect(put_in(nested, [:user, :profile, :name], "Grace"))
IO.inspect(update_in(nested, [:user, :profile, :langs], &["elixir" | &1]))
{popped, rest} = pop_in(nested, [:user, :profile])
IO.inspect(popped)
IO.inspect(rest)
state = %{tasks: %{}}
state = put_in(state.tasks[:ref1], "url")
IO.inspect(state)
IO.inspect(%{state | tasks: %{}})
