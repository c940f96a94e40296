# Language: defstruct, struct update, struct matching and inspect (used from a second module, as Elixir requires)
defmodule User do
  defstruct name: "anonymous", age: 0, roles: []
end

defmodule Demo do
  def run do
    u = %User{name: "Ada", age: 36}
    IO.inspect(u)
    older = %{u | age: 37}
    IO.inspect(older.age)
    %User{name: name} = older
    IO.puts(name)
    IO.inspect(%User{})
    IO.inspect(is_struct(u, User))
    IO.inspect(Map.from_struct(u) |> Map.keys() |> Enum.sort())

    case u do
      %User{age: age} when age > 30 -> IO.puts("over thirty")
      _ -> IO.puts("young")
    end
  end
end

Demo.run()
