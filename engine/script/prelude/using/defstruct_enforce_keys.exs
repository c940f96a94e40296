# Injected by `defstruct` with @enforce_keys: struct!/2 fails first on unknown keys
# (Map.replace!), then on the missing enforced keys, with Elixir's message.
def __struct__(), do: @__struct_default__

def __struct__(kv) do
  struct = Kernel.struct!(@__struct_default__, kv)
  case Enum.reject(@__enforce_keys__, fn k -> Enum.all?(kv, fn {key, _} -> key != k end) == false end) do
    [] -> struct
    missing -> raise ArgumentError, "the following keys must also be given when building struct #{inspect(__MODULE__)}: #{inspect(missing)}"
  end
end
