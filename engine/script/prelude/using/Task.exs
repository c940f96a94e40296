# Injected by `use Task`: tasks are temporary children by default.
def child_spec(arg) do
  Map.merge(%{id: __MODULE__, start: {__MODULE__, :start_link, [arg]}, restart: :temporary}, Map.new(@__use_opts__))
end
