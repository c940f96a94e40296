# Injected by `defstruct` with @enforce_keys: as Elixir's generated __struct__/1, each field is
# set with the map update syntax (an unknown key raises KeyError without a term), then the
# enforced keys not given raise ArgumentError.
def __struct__(), do: @__struct_default__

def __struct__(kv) do
  {struct, missing} =
    Enum.reduce(kv, {@__struct_default__, @__enforce_keys__}, fn {key, val}, {map, keys} ->
      {%{map | key => val}, List.delete(keys, key)}
    end)

  case missing do
    [] -> struct
    _ -> raise ArgumentError, "the following keys must also be given when building struct #{inspect(__MODULE__)}: #{inspect(missing)}"
  end
end
